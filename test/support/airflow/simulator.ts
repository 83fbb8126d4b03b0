/**
 * Airflow simulator: serves Airflow 2 `/api/v1` or Airflow 3 `/api/v2` from a generated world,
 * on 127.0.0.1 and a random port. Every request and every JSON response is checked against the
 * official OpenAPI file of that version; problems are collected in `violations`, which tests
 * assert to be empty.
 *
 *   const sim = await start({ version: 'v2', dags: 50, runsPerDag: 24, seed: 1 });
 *   ... sim.url ... sim.requestCount ... sim.violations
 *   await sim.stop();
 *
 * Behaviour copied from the real servers: Airflow 2 GET lists cap `limit` at maximum_page_limit
 * (100) silently, its batch run list does not cap `page_limit`, its batch task-instance list
 * pages with page_offset/page_limit (default 100) from 2.10.3 (PR #43479) and returns everything
 * before; Airflow 2 refuses query parameters and body fields its release does not have with 400
 * (updated_at_* from 2.6.0, dag_run_ids/task_ids of the task-instance batch from 2.7.1, clear by
 * dag_run_id/include_* from 2.4.0), as `airflowVersion` says; a v1 log of an unknown try is 404
 * with `detail: null`; Airflow 3 GET lists default to 50 items; its ndjson logs carry the
 * continuation token in the Airflow-Continuation-Token header (absent at the end of the log);
 * errors are problem+json (v1) or `{"detail": ...}` (v2, 422 for validation); Airflow 3 hands out
 * JWTs at `POST /auth/token`. Every scheduler pass bumps a running run's updated_at, so a running
 * run always matches updated_at_gte up to "now". The server's clock may be skewed
 * (`clockSkewMs`): its Date header, updated_at and triggered runs use it.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { specValidator, type ApiVersion } from './spec';
import { World, v1LogLine, type LogRecord, type SimDag, type SimRun, type SimTask, type WorldOptions } from './world';

export type FaultKind = 'status' | 'html' | 'truncated' | 'timeout' | 'reset' | 'latency';

export interface Fault {
	kind: FaultKind;
	/** HTTP status for `status` (default 503) and `html` (default 502) */
	status?: number;
	/** Retry-After header value in seconds (for 429/503) */
	retryAfter?: number;
	/** extra delay for `latency` */
	ms?: number;
	/** only requests whose path contains this text */
	path?: string;
	method?: string;
	/** only requests whose body contains this text (e.g. one workflow's dag_ids) */
	bodyContains?: string;
	/** how many matching requests it hits (default 1; Infinity for all) */
	times?: number;
}

export interface AuthOptions {
	/** username → password (default admin/admin) */
	users?: Record<string, string>;
	/** static bearer tokens (default ['static-token']) */
	tokens?: string[];
	/** Airflow 2: basic-auth API backend enabled (default true) */
	basic?: boolean;
	/** Airflow 3: lifetime of tokens from POST /auth/token (default 3600 s) */
	tokenTtlSec?: number;
	/** no auth at all (default false) */
	disabled?: boolean;
}

export interface SimulatorOptions extends Partial<WorldOptions> {
	version: ApiVersion;
	/** loopback port to listen on (default: a free one) */
	port?: number;
	latencyMs?: number;
	faults?: Fault[];
	auth?: AuthOptions;
	/** [api] maximum_page_limit (default 100) */
	maxPageLimit?: number;
	/** v1: characters per log page when following continuation tokens (default: whole log) */
	logChunkChars?: number;
	/** v2: records per log page (default: whole log) */
	logChunkRecords?: number;
	/** reported by /version, and (v1) the release whose parameters and paging are served (default 2.10.5 / 3.2.1) */
	airflowVersion?: string;
	/** the server's clock minus the real one (default 0) */
	clockSkewMs?: number;
}

export interface RequestRecord {
	method: string;
	path: string;
	status: number;
	/** the parsed JSON body of a write (POST, PATCH), for checks of what a client asked */
	body?: Record<string, unknown>;
	/** when it arrived (the server's clock, ms) */
	at: number;
}

export interface Simulator {
	url: string;
	version: ApiVersion;
	world: World;
	/** requests received, including /auth/token and faulted ones */
	readonly requestCount: number;
	requests: RequestRecord[];
	violations: string[];
	inject(...faults: Fault[]): void;
	/** removes every fault not yet used up */
	clearFaults(): void;
	/** invalidates every token issued so far (the next call with one gets 401) */
	expireTokens(): void;
	resetCounters(): void;
	/** the server's clock (ms) */
	now(): number;
	stop(): Promise<void>;
}

const V1_ERROR_BASE = 'https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/';

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly title: string,
		readonly detail: string | null,
		readonly kind = 'NotFound',
	) {
		super(detail ?? title);
	}
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString().replace('Z', '+00:00'));
const isoV2 = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function parseDate(value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	const t = Date.parse(String(value));
	return Number.isNaN(t) ? null : t;
}

/** Airflow 2 releases as numbers, for the parameter floors. */
function release(text: string): number {
	const [a, b, c] = text.split(/[^\d]+/).map(Number);
	return (a || 0) * 1_000_000 + (b || 0) * 1000 + (c || 0);
}

/** Airflow 2 parameters and body fields by the release that introduced them (older releases answer 400). */
const V1_PARAM_FLOORS: { where: 'query' | 'body'; path: RegExp; names: string[]; since: string }[] = [
	{ where: 'query', path: /\/dagRuns$|\/taskInstances$/, names: ['updated_at_gte', 'updated_at_lte'], since: '2.6.0' },
	{ where: 'body', path: /\/dagRuns\/~\/taskInstances\/list$/, names: ['dag_run_ids', 'task_ids'], since: '2.7.1' },
	{ where: 'body', path: /\/clearTaskInstances$/, names: ['dag_run_id', 'include_upstream', 'include_downstream', 'include_future', 'include_past'], since: '2.4.0' },
];

export async function start(options: SimulatorOptions): Promise<Simulator> {
	const version = options.version;
	const airflowVersion = options.airflowVersion ?? (version === 'v1' ? '2.10.5' : '3.2.1');
	const skew = options.clockSkewMs ?? 0;
	const serverNow = (): number => Date.now() + skew;
	const world = new World({
		dags: options.dags ?? 20,
		runsPerDag: options.runsPerDag ?? 24,
		seed: options.seed ?? 1,
		now: options.now,
		spanMs: options.spanMs,
		failureRate: options.failureRate,
		logNoiseLines: options.logNoiseLines,
		tasksPerDag: options.tasksPerDag,
	});
	const validator = specValidator(version);
	const auth: Required<AuthOptions> = {
		users: { admin: 'admin' },
		tokens: ['static-token'],
		basic: true,
		tokenTtlSec: 3600,
		disabled: false,
		...options.auth,
	};
	const maxPage = options.maxPageLimit ?? 100;
	const faults: Fault[] = (options.faults ?? []).map((f) => ({ ...f }));
	const secret = crypto.randomBytes(16);
	let tokenGeneration = 0;
	const violations: string[] = [];
	const requests: RequestRecord[] = [];
	let count = 0;
	const sockets = new Set<Socket>();
	const pending = new Set<http.ServerResponse>();

	const takeFault = (method: string, path: string, body = ''): Fault | undefined => {
		const i = faults.findIndex((f) => (f.times ?? 1) > 0 && (!f.path || path.includes(f.path)) && (!f.method || f.method === method) && (!f.bodyContains || body.includes(f.bodyContains)));
		if (i < 0) return undefined;
		const f = faults[i];
		f.times = (f.times ?? 1) - 1;
		if (f.times <= 0) faults.splice(i, 1);
		return f;
	};

	// ---- auth -------------------------------------------------------------------------------
	const signJwt = (sub: string): string => {
		const now = Math.floor(Date.now() / 1000);
		const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
		const head = enc({ alg: 'HS512', typ: 'JWT' });
		const body = enc({ sub, iat: now, nbf: now, exp: now + auth.tokenTtlSec, gen: tokenGeneration, aud: 'apache-airflow' });
		const sig = crypto.createHmac('sha512', secret).update(`${head}.${body}`).digest('base64url');
		return `${head}.${body}.${sig}`;
	};
	const jwtValid = (token: string): boolean => {
		const [head, body, sig] = token.split('.');
		if (!head || !body || !sig) return false;
		const expect = crypto.createHmac('sha512', secret).update(`${head}.${body}`).digest('base64url');
		if (expect !== sig) return false;
		const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { exp: number; gen: number };
		return claims.exp * 1000 > Date.now() && claims.gen === tokenGeneration;
	};
	const authenticate = (req: http.IncomingMessage): void => {
		if (auth.disabled) return;
		const header = req.headers.authorization ?? '';
		if (header.startsWith('Bearer ')) {
			const token = header.slice(7);
			if (auth.tokens.includes(token)) return;
			if (version === 'v2' && jwtValid(token)) return;
			throw new HttpError(401, 'Unauthorized', version === 'v2' ? 'Invalid JWT token' : 'Invalid bearer token', 'Unauthenticated');
		}
		if (header.startsWith('Basic ') && version === 'v1') {
			if (!auth.basic) throw new HttpError(401, 'Unauthorized', 'Basic authentication is not enabled for the API (auth_backends).', 'Unauthenticated');
			const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString().split(':');
			if (auth.users[user] !== undefined && auth.users[user] === rest.join(':')) return;
			throw new HttpError(401, 'Unauthorized', 'Invalid credentials.', 'Unauthenticated');
		}
		throw new HttpError(401, 'Unauthorized', version === 'v2' ? 'Not authenticated' : 'No credentials were provided.', 'Unauthenticated');
	};

	// ---- serialisers --------------------------------------------------------------------------
	const dagV1 = (d: SimDag): object => ({
		dag_id: d.dagId,
		dag_display_name: d.dagId,
		root_dag_id: null,
		is_paused: d.isPaused,
		is_active: d.isActive,
		is_subdag: false,
		last_parsed_time: iso(world.options.now - 60_000),
		last_pickled: null,
		last_expired: null,
		scheduler_lock: null,
		pickle_id: null,
		default_view: 'grid',
		fileloc: d.fileloc,
		file_token: Buffer.from(d.fileloc).toString('base64url'),
		owners: d.owners,
		description: d.description,
		schedule_interval: { __type: 'CronExpression', value: d.schedule === '@hourly' ? '0 * * * *' : '0 0 * * *' },
		timetable_description: d.schedule === '@hourly' ? 'At the start of every hour' : 'At 00:00',
		tags: d.tags.map((name) => ({ name })),
		max_active_tasks: 16,
		max_active_runs: 16,
		has_task_concurrency_limits: false,
		has_import_errors: false,
		next_dagrun: iso(world.options.now + 600_000),
		next_dagrun_data_interval_start: iso(world.options.now),
		next_dagrun_data_interval_end: iso(world.options.now + 600_000),
		next_dagrun_create_after: iso(world.options.now + 600_000),
		max_consecutive_failed_dag_runs: 0,
	});
	const dagV2 = (d: SimDag): object => ({
		dag_id: d.dagId,
		dag_display_name: d.dagId,
		is_paused: d.isPaused,
		is_stale: !d.isActive,
		last_parsed_time: isoV2(world.options.now - 60_000),
		last_parse_duration: 0.42,
		last_expired: null,
		bundle_name: 'dags-folder',
		bundle_version: null,
		relative_fileloc: d.fileloc.replace('/opt/airflow/dags/', ''),
		fileloc: d.fileloc,
		description: d.description,
		timetable_summary: d.schedule === '@hourly' ? '0 * * * *' : '0 0 * * *',
		timetable_description: d.schedule === '@hourly' ? 'At the start of every hour' : 'At 00:00',
		timetable_partitioned: false,
		tags: d.tags.map((name) => ({ name, dag_id: d.dagId, dag_display_name: d.dagId })),
		max_active_tasks: 16,
		max_active_runs: 16,
		max_consecutive_failed_dag_runs: 0,
		has_task_concurrency_limits: false,
		has_import_errors: false,
		next_dagrun_logical_date: isoV2(world.options.now + 600_000),
		next_dagrun_data_interval_start: isoV2(world.options.now),
		next_dagrun_data_interval_end: isoV2(world.options.now + 600_000),
		next_dagrun_run_after: isoV2(world.options.now + 600_000),
		allowed_run_types: null,
		owners: d.owners,
		file_token: Buffer.from(d.fileloc).toString('base64url'),
	});
	const runV1 = (r: SimRun): object => ({
		dag_run_id: r.runId,
		dag_id: r.dagId,
		logical_date: iso(r.logicalDate),
		execution_date: iso(r.logicalDate),
		start_date: iso(r.startDate),
		end_date: iso(r.endDate),
		// a scheduled run is created at the end of its data interval (run_after); backfills and
		// manual runs here have the same shape
		data_interval_start: iso(r.logicalDate),
		data_interval_end: iso(r.runAfter),
		last_scheduling_decision: iso(r.updatedAt),
		run_type: r.runType,
		state: r.state,
		external_trigger: r.runType === 'manual',
		conf: r.conf,
		note: r.note,
	});
	const runV2 = (r: SimRun): object => ({
		dag_run_id: r.runId,
		dag_id: r.dagId,
		logical_date: isoV2(r.logicalDate),
		queued_at: isoV2(r.queuedAt),
		start_date: isoV2(r.startDate),
		end_date: isoV2(r.endDate),
		duration: r.startDate !== null && r.endDate !== null ? (r.endDate - r.startDate) / 1000 : null,
		// Airflow 3's default cron timetable: an empty interval at the trigger time
		data_interval_start: isoV2(r.runAfter),
		data_interval_end: isoV2(r.runAfter),
		run_after: isoV2(r.runAfter),
		last_scheduling_decision: isoV2(r.updatedAt),
		run_type: r.runType,
		state: r.state,
		triggered_by: r.runType === 'manual' ? 'rest_api' : 'timetable',
		triggering_user_name: r.runType === 'manual' ? 'admin' : null,
		conf: r.conf,
		note: r.note,
		dag_versions: [],
		bundle_version: null,
		dag_display_name: r.dagId,
		partition_key: null,
	});
	const taskV1 = (r: SimRun, t: SimTask): object => ({
		task_id: t.taskId,
		task_display_name: t.taskId,
		dag_id: t.dagId,
		dag_run_id: t.runId,
		execution_date: iso(r.logicalDate),
		start_date: iso(t.startDate),
		end_date: iso(t.endDate),
		duration: t.startDate !== null && t.endDate !== null ? (t.endDate - t.startDate) / 1000 : null,
		state: t.state,
		try_number: t.tryNumber,
		map_index: -1,
		max_tries: t.maxTries,
		hostname: t.hostname,
		unixname: 'airflow',
		pool: 'default_pool',
		pool_slots: 1,
		queue: 'default',
		priority_weight: 10 - t.index,
		operator: t.operator,
		queued_when: iso(r.queuedAt),
		pid: t.startDate ? 4000 + t.index : null,
		executor: null,
		executor_config: '{}',
		sla_miss: null,
		rendered_map_index: null,
		rendered_fields: {},
		trigger: null,
		triggerer_job: null,
		note: null,
	});
	const taskV2 = (r: SimRun, t: SimTask): object => ({
		id: uuidOf(`${t.dagId}/${t.runId}/${t.taskId}`),
		task_id: t.taskId,
		dag_id: t.dagId,
		dag_run_id: t.runId,
		map_index: -1,
		logical_date: isoV2(r.logicalDate),
		run_after: isoV2(r.runAfter),
		start_date: isoV2(t.startDate),
		end_date: isoV2(t.endDate),
		duration: t.startDate !== null && t.endDate !== null ? (t.endDate - t.startDate) / 1000 : null,
		state: t.state,
		try_number: t.tryNumber,
		max_tries: t.maxTries,
		task_display_name: t.taskId,
		dag_display_name: t.dagId,
		hostname: t.hostname || null,
		unixname: 'airflow',
		pool: 'default_pool',
		pool_slots: 1,
		queue: 'default',
		priority_weight: 10 - t.index,
		operator: t.operator,
		operator_name: t.operator,
		queued_when: isoV2(r.queuedAt),
		scheduled_when: isoV2(r.queuedAt),
		pid: t.startDate ? 4000 + t.index : null,
		executor: null,
		executor_config: '{}',
		note: null,
		rendered_map_index: null,
		rendered_fields: {},
		trigger: null,
		triggerer_job: null,
		dag_version: null,
	});

	// ---- queries ------------------------------------------------------------------------------
	interface RunFilter {
		dagIds?: string[] | null;
		states?: (string | null)[] | null;
		ranges: { field: keyof SimRun; gte?: number | null; gt?: number | null; lte?: number | null; lt?: number | null }[];
		orderBy: string;
	}
	const filterRuns = (f: RunFilter): SimRun[] => {
		const ids = f.dagIds && f.dagIds.length ? new Set(f.dagIds) : null;
		const states = f.states && f.states.length ? new Set(f.states) : null;
		const out = world.runs.filter((r) => {
			if (ids && !ids.has(r.dagId)) return false;
			if (states && !states.has(r.state)) return false;
			for (const range of f.ranges) {
				// every scheduler pass writes last_scheduling_decision, bumping a running run's updated_at
				const v = range.field === 'updatedAt' && r.state === 'running' ? serverNow() : (r[range.field] as number | null);
				if (range.gte == null && range.gt == null && range.lte == null && range.lt == null) continue;
				if (v === null) return false;
				if (range.gte != null && v < range.gte) return false;
				if (range.gt != null && v <= range.gt) return false;
				if (range.lte != null && v > range.lte) return false;
				if (range.lt != null && v >= range.lt) return false;
			}
			return true;
		});
		return sortRuns(out, f.orderBy);
	};
	const rangesFrom = (get: (name: string) => unknown, names: Record<string, keyof SimRun>): RunFilter['ranges'] =>
		Object.entries(names).map(([prefix, field]) => ({
			field,
			gte: parseDate(get(`${prefix}_gte`)),
			gt: parseDate(get(`${prefix}_gt`)),
			lte: parseDate(get(`${prefix}_lte`)),
			lt: parseDate(get(`${prefix}_lt`)),
		}));
	const findDag = (dagId: string): SimDag => {
		const d = world.dagIndex.get(dagId);
		if (!d) throw new HttpError(404, 'DAG not found', version === 'v1' ? `DAG with dag_id: '${dagId}' not found` : `The Dag with ID: \`${dagId}\` was not found`);
		return d;
	};
	const findRun = (dagId: string, runId: string): SimRun => {
		const r = world.run(dagId, runId);
		if (!r) throw new HttpError(404, 'DAGRun not found', version === 'v1' ? `DAGRun with DAG ID: '${dagId}' and DagRun ID: '${runId}' not found` : `The DagRun with dag_id: \`${dagId}\` and run_id: \`${runId}\` was not found`);
		return r;
	};
	const pageOf = <T>(items: T[], offset: number, limit: number): T[] => items.slice(offset, offset + limit);
	const getLimit = (q: URLSearchParams): number => {
		const raw = q.get('limit');
		const def = version === 'v1' ? 100 : 50;
		const n = raw === null ? def : Number(raw);
		return Math.min(n, maxPage);
	};

	// ---- logs ---------------------------------------------------------------------------------
	const logFor = (dagId: string, runId: string, taskId: string, tryNumber: number): { records: LogRecord[]; task: SimTask } => {
		const run = findRun(dagId, runId);
		const task = world.tasks(run).find((t) => t.taskId === taskId);
		if (!task || tryNumber < 1 || tryNumber > Math.max(task.tryNumber, 0)) {
			// Airflow 2 raises NotFound(title="TaskInstance not found"): the problem's detail is null
			throw new HttpError(404, 'TaskInstance not found', version === 'v1' ? null : 'TaskInstance not found');
		}
		return { records: world.logRecords(run, task, tryNumber), task };
	};
	const encodeToken = (meta: object): string => {
		const payload = Buffer.from(JSON.stringify(meta)).toString('base64url');
		return `${payload}.${crypto.createHmac('sha1', secret).update(payload).digest('base64url').slice(0, 27)}`;
	};
	const decodeToken = (token: string | null): Record<string, number | boolean> => {
		if (!token) return {};
		try {
			return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, number | boolean>;
		} catch {
			throw new HttpError(400, 'Bad Request', 'Bad Signature. Please use only the tokens provided by the API.', 'BadRequest');
		}
	};

	// ---- routing ------------------------------------------------------------------------------
	/** `unspecified`: real Airflow sends this although its spec does not allow it (not validated) */
	type Reply = { status: number; body: unknown; type?: string; headers?: Record<string, string>; unspecified?: boolean };

	/** GET /dags filters, shared by both versions (the stale/active flag differs by name). */
	const dagsMatching = (q: URLSearchParams, activeParam: 'only_active' | 'exclude_stale'): SimDag[] => {
		let dags = world.dags;
		const tags = q.getAll('tags');
		if (tags.length) dags = dags.filter((d) => (q.get('tags_match_mode') === 'all' ? tags.every((t) => d.tags.includes(t)) : tags.some((t) => d.tags.includes(t))));
		const paused = q.get('paused');
		if (paused !== null) dags = dags.filter((d) => d.isPaused === (paused === 'true'));
		if (q.get(activeParam) !== 'false') dags = dags.filter((d) => d.isActive);
		const pattern = q.get('dag_id_pattern');
		if (pattern) dags = dags.filter((d) => sqlLike(d.dagId, pattern));
		return dags;
	};
	/** GET /dags/{dag_id}/dagRuns (dag_id may be ~), one page. */
	const runsPage = (rawDagId: string, q: URLSearchParams, ranges: Record<string, keyof SimRun>): { page: SimRun[]; total: number } => {
		const dagId = dec(rawDagId);
		if (dagId !== '~') findDag(dagId);
		const runs = filterRuns({ dagIds: dagId === '~' ? null : [dagId], states: q.getAll('state'), ranges: rangesFrom((n) => q.get(n), ranges), orderBy: q.getAll('order_by')[0] ?? 'id' });
		return { page: pageOf(runs, Number(q.get('offset') ?? 0), getLimit(q)), total: runs.length };
	};
	/** GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances, one page. */
	const tasksPage = (rawDagId: string, rawRunId: string, q: URLSearchParams): { run: SimRun; page: SimTask[]; total: number } => {
		const run = findRun(dec(rawDagId), dec(rawRunId));
		let tasks = world.tasks(run);
		const states = q.getAll('state');
		if (states.length) tasks = tasks.filter((t) => states.includes(String(t.state)));
		return { run, page: pageOf(tasks, Number(q.get('offset') ?? 0), getLimit(q)), total: tasks.length };
	};

	const routeV1 = (method: string, p: string, q: URLSearchParams, body: Record<string, unknown>, accept: string): Reply => {
		let m: RegExpExecArray | null;
		const b = '/api/v1';
		if (method === 'GET' && p === `${b}/health`) {
			const hb = iso(Date.now() - 3000);
			return { status: 200, body: { metadatabase: { status: 'healthy' }, scheduler: { status: 'healthy', latest_scheduler_heartbeat: hb }, triggerer: { status: 'healthy', latest_triggerer_heartbeat: hb }, dag_processor: { status: null, latest_dag_processor_heartbeat: null } } };
		}
		if (method === 'GET' && p === `${b}/version`) return { status: 200, body: { version: airflowVersion, git_version: null } };
		authenticate(currentReq!);
		for (const floor of V1_PARAM_FLOORS) {
			if (!floor.path.test(p) || release(airflowVersion) >= release(floor.since)) continue;
			const sent = floor.names.filter((n) => (floor.where === 'query' ? q.has(n) : n in body));
			if (!sent.length) continue;
			// connexion's strict validation (query) and marshmallow's RAISE on unknown fields (body)
			if (floor.where === 'query') throw new HttpError(400, 'Bad Request', `Extra query parameter(s) ${sent.join(', ')} not in spec`, 'BadRequest');
			throw new HttpError(400, 'Bad Request', `{${sent.map((n) => `'${n}': ['Unknown field.']`).join(', ')}}`, 'BadRequest');
		}
		if (method === 'GET' && p === `${b}/dags`) {
			const dags = dagsMatching(q, 'only_active');
			const offset = Number(q.get('offset') ?? 0);
			return { status: 200, body: { dags: pageOf(dags, offset, getLimit(q)).map(dagV1), total_entries: dags.length } };
		}
		if (method === 'GET' && (m = /^\/api\/v1\/dags\/([^/]+)$/.exec(p))) return { status: 200, body: dagV1(findDag(dec(m[1]))) };
		if (method === 'GET' && (m = /^\/api\/v1\/dags\/([^/]+)\/dagRuns$/.exec(p))) {
			const { page, total } = runsPage(m[1], q, { execution_date: 'logicalDate', start_date: 'startDate', end_date: 'endDate', updated_at: 'updatedAt' });
			return { status: 200, body: { dag_runs: page.map(runV1), total_entries: total } };
		}
		if (method === 'POST' && p === `${b}/dags/~/dagRuns/list`) {
			const runs = filterRuns({
				dagIds: body.dag_ids as string[] | undefined,
				states: body.states as string[] | undefined,
				ranges: rangesFrom((n) => body[n], { execution_date: 'logicalDate', start_date: 'startDate', end_date: 'endDate' }),
				orderBy: (body.order_by as string | undefined) ?? 'id',
			});
			// no maximum_page_limit here: the batch endpoint passes page_limit straight to the query
			const offset = Number(body.page_offset ?? 0);
			const limit = Number(body.page_limit ?? 100);
			return { status: 200, body: { dag_runs: pageOf(runs, offset, limit).map(runV1), total_entries: runs.length } };
		}
		if (method === 'POST' && (m = /^\/api\/v1\/dags\/([^/]+)\/dagRuns$/.exec(p))) return { status: 200, body: runV1(trigger(dec(m[1]), body)) };
		if (method === 'GET' && (m = /^\/api\/v1\/dags\/([^/]+)\/dagRuns\/([^/]+)$/.exec(p))) {
			findDag(dec(m[1]));
			return { status: 200, body: runV1(findRun(dec(m[1]), dec(m[2]))) };
		}
		if (method === 'GET' && (m = /^\/api\/v1\/dags\/([^/]+)\/dagRuns\/([^/]+)\/taskInstances$/.exec(p))) {
			const { run, page, total } = tasksPage(m[1], m[2], q);
			return { status: 200, body: { task_instances: page.map((t) => taskV1(run, t)), total_entries: total } };
		}
		if (method === 'POST' && p === `${b}/dags/~/dagRuns/~/taskInstances/list`) {
			const out = tasksMatching(body.dag_ids as string[] | undefined, body.dag_run_ids as string[] | undefined, body.state as string[] | undefined, body.task_ids as string[] | undefined, taskRanges(body));
			// page_offset/page_limit were in the form schema all along but applied only from 2.10.3
			// (PR #43479), with page_limit defaulting to 100 and no maximum_page_limit cap
			const paged = release(airflowVersion) >= release('2.10.3') ? pageOf(out, Number(body.page_offset ?? 0), Number(body.page_limit ?? 100)) : out;
			return { status: 200, body: { task_instances: paged.map(([r, t]) => taskV1(r, t)), total_entries: out.length } };
		}
		if (method === 'GET' && (m = /^\/api\/v1\/dags\/([^/]+)\/dagRuns\/([^/]+)\/taskInstances\/([^/]+)\/logs\/(\d+)$/.exec(p))) {
			const { records, task } = logFor(dec(m[1]), dec(m[2]), dec(m[3]), Number(m[4]));
			const text = records.map((r) => v1LogLine(r, `${task.taskId}.py`)).join('\n') + '\n';
			const full = q.get('full_content') === 'true';
			const meta = decodeToken(q.get('token'));
			const pos = Number(meta.log_pos ?? 0);
			const chunk = full || !options.logChunkChars ? text.slice(pos) : text.slice(pos, pos + options.logChunkChars);
			const newPos = pos + chunk.length;
			const header = pos === 0 ? `*** Found local files:\n***   * /opt/airflow/logs/dag_id=${task.dagId}/run_id=${task.runId}/task_id=${task.taskId}/attempt=${m[4]}.log\n` : '';
			const content = header + chunk;
			const token = encodeToken({ end_of_log: newPos >= text.length, log_pos: newPos });
			if (accept.includes('text/plain')) return { status: 200, body: content, type: 'text/plain' };
			return { status: 200, body: { continuation_token: token, content: pythonRepr([[task.hostname, content]]) } };
		}
		if (method === 'POST' && (m = /^\/api\/v1\/dags\/([^/]+)\/clearTaskInstances$/.exec(p))) {
			const cleared = clear(dec(m[1]), body);
			return { status: 200, body: { task_instances: cleared.map(([r, t]) => ({ task_id: t.taskId, dag_id: t.dagId, execution_date: iso(r.logicalDate), dag_run_id: t.runId })) } };
		}
		throw new HttpError(404, 'Not Found', 'The requested URL was not found on the server.');
	};

	const routeV2 = (method: string, p: string, q: URLSearchParams, body: Record<string, unknown>, accept: string): Reply => {
		let m: RegExpExecArray | null;
		if (method === 'POST' && p === '/auth/token') {
			const { username, password } = body as { username?: string; password?: string };
			if (typeof username !== 'string' || typeof password !== 'string') {
				throw new HttpError(422, 'Unprocessable', 'Field required', 'Validation');
			}
			if (auth.users[username] === undefined || auth.users[username] !== password) throw new HttpError(401, 'Unauthorized', 'Invalid credentials');
			return { status: 201, body: { access_token: signJwt(username) } };
		}
		if (method === 'GET' && p === '/api/v2/monitor/health') {
			const hb = isoV2(Date.now() - 3000);
			return { status: 200, body: { metadatabase: { status: 'healthy' }, scheduler: { status: 'healthy', latest_scheduler_heartbeat: hb }, triggerer: { status: 'healthy', latest_triggerer_heartbeat: hb }, dag_processor: { status: 'healthy', latest_dag_processor_heartbeat: hb } } };
		}
		if (method === 'GET' && p === '/api/v2/version') return { status: 200, body: { version: airflowVersion, git_version: null } };
		if (!p.startsWith('/api/v2/')) throw new HttpError(404, 'Not Found', 'Not Found');
		authenticate(currentReq!);
		if (method === 'GET' && p === '/api/v2/dags') {
			const dags = dagsMatching(q, 'exclude_stale');
			const offset = Number(q.get('offset') ?? 0);
			return { status: 200, body: { dags: pageOf(dags, offset, getLimit(q)).map(dagV2), total_entries: dags.length } };
		}
		if (method === 'GET' && (m = /^\/api\/v2\/dags\/([^/]+)$/.exec(p))) return { status: 200, body: dagV2(findDag(dec(m[1]))) };
		const v2Ranges = { run_after: 'runAfter', logical_date: 'logicalDate', start_date: 'startDate', end_date: 'endDate' } as const;
		if (method === 'GET' && (m = /^\/api\/v2\/dags\/([^/]+)\/dagRuns$/.exec(p))) {
			const { page, total } = runsPage(m[1], q, { ...v2Ranges, updated_at: 'updatedAt' });
			return { status: 200, body: { dag_runs: page.map(runV2), total_entries: total } };
		}
		if (method === 'POST' && p === '/api/v2/dags/~/dagRuns/list') {
			const runs = filterRuns({
				dagIds: body.dag_ids as string[] | null | undefined,
				states: body.states as string[] | null | undefined,
				ranges: rangesFrom((n) => body[n], v2Ranges),
				orderBy: (body.order_by as string | undefined) ?? 'id',
			});
			const offset = Number(body.page_offset ?? 0);
			const limit = Math.min(Number(body.page_limit ?? 100), maxPage);
			return { status: 200, body: { dag_runs: pageOf(runs, offset, limit).map(runV2), total_entries: runs.length } };
		}
		if (method === 'POST' && (m = /^\/api\/v2\/dags\/([^/]+)\/dagRuns$/.exec(p))) return { status: 200, body: runV2(trigger(dec(m[1]), body)) };
		if (method === 'GET' && (m = /^\/api\/v2\/dags\/([^/]+)\/dagRuns\/([^/]+)$/.exec(p))) {
			findDag(dec(m[1]));
			return { status: 200, body: runV2(findRun(dec(m[1]), dec(m[2]))) };
		}
		if (method === 'GET' && (m = /^\/api\/v2\/dags\/([^/]+)\/dagRuns\/([^/]+)\/taskInstances$/.exec(p))) {
			const { run, page, total } = tasksPage(m[1], m[2], q);
			return { status: 200, body: { task_instances: page.map((t) => taskV2(run, t)), total_entries: total } };
		}
		if (method === 'POST' && p === '/api/v2/dags/~/dagRuns/~/taskInstances/list') {
			const out = tasksMatching(body.dag_ids as string[] | undefined, body.dag_run_ids as string[] | undefined, body.state as string[] | undefined, body.task_ids as string[] | undefined, taskRanges(body));
			const offset = Number(body.page_offset ?? 0);
			const limit = Math.min(Number(body.page_limit ?? 100), maxPage);
			return { status: 200, body: { task_instances: pageOf(out, offset, limit).map(([r, t]) => taskV2(r, t)), total_entries: out.length } };
		}
		if (method === 'GET' && (m = /^\/api\/v2\/dags\/([^/]+)\/dagRuns\/([^/]+)\/taskInstances\/([^/]+)\/logs\/(\d+)$/.exec(p))) {
			const { records, task } = logFor(dec(m[1]), dec(m[2]), dec(m[3]), Number(m[4]));
			const all: object[] = [
				{ event: '::group::Log message source details', sources: [`/opt/airflow/logs/dag_id=${task.dagId}/run_id=${task.runId}/task_id=${task.taskId}/attempt=${m[4]}.log`] },
				{ event: '::endgroup::' },
				...records.map((r) => ({ ...r, timestamp: isoV2(r.timestamp) })),
			];
			const meta = decodeToken(q.get('token'));
			if (accept.includes('application/x-ndjson')) {
				// the token goes in the Airflow-Continuation-Token header, left out at the end of the log
				const from = Number(meta.log_pos ?? 0);
				const part = all.slice(from, options.logChunkRecords ? from + options.logChunkRecords : all.length);
				const end = from + part.length >= all.length;
				const headers: Record<string, string> = end ? {} : { 'Airflow-Continuation-Token': encodeToken({ end_of_log: false, log_pos: from + part.length }) };
				return { status: 200, body: part.map((r) => JSON.stringify(r)).join('\n') + '\n', type: 'application/x-ndjson', headers };
			}
			const pos = Number(meta.log_pos ?? 0);
			const size = q.get('full_content') === 'true' || !options.logChunkRecords ? all.length : options.logChunkRecords;
			const chunk = all.slice(pos, pos + size);
			const newPos = pos + chunk.length;
			return { status: 200, body: { content: chunk, continuation_token: newPos >= all.length ? null : encodeToken({ end_of_log: false, log_pos: newPos }) } };
		}
		if (method === 'POST' && (m = /^\/api\/v2\/dags\/([^/]+)\/clearTaskInstances$/.exec(p))) {
			const cleared = clear(dec(m[1]), body);
			return { status: 200, body: { task_instances: cleared.map(([r, t]) => taskV2(r, t)), total_entries: cleared.length } };
		}
		throw new HttpError(404, 'Not Found', 'Not Found');
	};

	/** start_date_* / end_date_* of the task-instance batch body (both versions; v2 adds _gt/_lt) */
	const taskRanges = (body: Record<string, unknown>): ((t: SimTask) => boolean) => {
		const checks: ((t: SimTask) => boolean)[] = [];
		for (const [field, key] of [['start_date', 'startDate'], ['end_date', 'endDate']] as const) {
			for (const [suffix, ok] of [['_gte', (a: number, b: number) => a >= b], ['_gt', (a: number, b: number) => a > b], ['_lte', (a: number, b: number) => a <= b], ['_lt', (a: number, b: number) => a < b]] as const) {
				const bound = parseDate(body[field + suffix]);
				if (bound !== null) checks.push((t) => t[key] !== null && ok(t[key] as number, bound));
			}
		}
		return (t) => checks.every((c) => c(t));
	};
	const tasksMatching = (dagIds?: string[] | null, runIds?: string[] | null, states?: (string | null)[] | null, taskIds?: string[] | null, inRange: (t: SimTask) => boolean = () => true): [SimRun, SimTask][] => {
		const out: [SimRun, SimTask][] = [];
		const dagSet = dagIds?.length ? new Set(dagIds) : null;
		const runSet = runIds?.length ? new Set(runIds) : null;
		for (const run of world.runs) {
			if (dagSet && !dagSet.has(run.dagId)) continue;
			if (runSet && !runSet.has(run.runId)) continue;
			for (const t of world.tasks(run)) {
				if (states?.length && !states.includes(t.state)) continue;
				if (taskIds?.length && !taskIds.includes(t.taskId)) continue;
				if (!inRange(t)) continue;
				out.push([run, t]);
			}
		}
		return out;
	};
	const trigger = (dagId: string, body: Record<string, unknown>): SimRun => {
		findDag(dagId);
		const now = serverNow();
		const logical = parseDate(body.logical_date) ?? now;
		const runId = (body.dag_run_id as string | undefined) ?? `manual__${new Date(now).toISOString().replace('Z', '+00:00')}`;
		if (world.run(dagId, runId)) throw new HttpError(409, 'Conflict', version === 'v1' ? `DAGRun with DAG ID: '${dagId}' and DAGRun ID: '${runId}' already exists` : `DAG Run with run_id: \`${runId}\` already exists`, 'AlreadyExists');
		return world.addRun({ dagId, runId, runType: 'manual', runAfter: now, logicalDate: logical, queuedAt: now, startDate: null, endDate: null, state: 'queued', updatedAt: now, conf: (body.conf as Record<string, unknown>) ?? {}, note: (body.note as string | null) ?? null, failedTask: 0, clears: 0 });
	};
	const clear = (dagId: string, body: Record<string, unknown>): [SimRun, SimTask][] => {
		findDag(dagId);
		const runId = body.dag_run_id as string | undefined;
		const runs = runId ? [findRun(dagId, runId)] : world.runs.filter((r) => r.dagId === dagId);
		const onlyFailed = body.only_failed !== false;
		const out: [SimRun, SimTask][] = [];
		for (const run of runs) {
			for (const t of world.tasks(run)) if (!onlyFailed || t.state === 'failed' || t.state === 'upstream_failed') out.push([run, t]);
		}
		if (body.dry_run === false) {
			for (const run of new Set(out.map(([r]) => r))) {
				run.state = 'queued';
				run.clears++;
				run.updatedAt = serverNow();
				run.endDate = null;
			}
		}
		return out;
	};

	// ---- server -------------------------------------------------------------------------------
	let currentReq: http.IncomingMessage | undefined;
	const send = (res: http.ServerResponse, method: string, path: string, reply: Reply, validate: boolean): void => {
		const type = reply.type ?? (reply.status >= 400 && version === 'v1' ? 'application/problem+json' : 'application/json');
		const text = typeof reply.body === 'string' && (!type.includes('json') || type.includes('ndjson')) ? reply.body : JSON.stringify(reply.body);
		if (validate && path !== '/auth/token' && !reply.unspecified) {
			const ctype = reply.status >= 400 && version === 'v1' ? 'application/json' : type;
			for (const v of validator.checkResponse(method, path, reply.status, ctype, type.includes('ndjson') ? text : reply.body)) violations.push(v);
		}
		res.writeHead(reply.status, { 'content-type': type, date: new Date(serverNow()).toUTCString(), ...(reply.headers ?? {}) });
		res.end(text);
	};
	const errorReply = (e: HttpError): Reply => {
		// the v1 spec types detail as a string, yet Airflow 2 sends null when it has none
		if (version === 'v1') return { status: e.status, body: { type: V1_ERROR_BASE + e.kind, title: e.title, status: e.status, detail: e.detail }, unspecified: e.detail === null };
		if (e.status === 422) return { status: 422, body: { detail: [{ type: 'missing', loc: ['body'], msg: e.detail, input: null }] } };
		return { status: e.status, body: { detail: e.detail } };
	};

	const server = http.createServer((req, res) => {
		count++;
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const method = req.method ?? 'GET';
			const path = url.pathname;
			const record: RequestRecord = { method, path, status: 0, at: serverNow() };
			requests.push(record);
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: Record<string, unknown> = {};
			let badJson = false;
			if (raw) {
				try {
					body = JSON.parse(raw) as Record<string, unknown>;
				} catch {
					badJson = true;
				}
			}
			if (method !== 'GET' && !badJson && raw) record.body = body;
			const fault = takeFault(method, path, raw);
			const delay = (options.latencyMs ?? 0) + (fault?.kind === 'latency' ? (fault.ms ?? 1000) : 0);
			const respond = (): void => {
				pending.delete(res);
				if (res.destroyed) return;
				if (fault?.kind === 'timeout') {
					pending.add(res);
					return; // never answers; the client must give up
				}
				if (fault?.kind === 'reset') {
					req.socket.destroy();
					return;
				}
				if (fault?.kind === 'html') {
					const status = fault.status ?? 502;
					record.status = status;
					res.writeHead(status, { 'content-type': 'text/html', date: new Date(serverNow()).toUTCString() });
					res.end(`<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n`);
					return;
				}
				if (fault?.kind === 'status') {
					const status = fault.status ?? 503;
					record.status = status;
					const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
					const reply = errorReply(new HttpError(status, status === 429 ? 'Too Many Requests' : 'Service Unavailable', status === 429 ? 'Rate limit exceeded' : 'The server is temporarily unable to handle the request', 'Unknown'));
					send(res, method, path, { ...reply, headers }, false);
					return;
				}
				let reply: Reply;
				const accept = String(req.headers.accept ?? '');
				if (path !== '/auth/token' && !(version === 'v1' && !path.startsWith('/api/v1/'))) {
					const problems = badJson ? [`${method} ${path}: body is not JSON`] : validator.checkRequest(method, path, url.searchParams, body, raw.length > 0);
					violations.push(...problems);
					if (problems.length && !problems[0].includes('no such operation')) {
						reply = errorReply(version === 'v1' ? new HttpError(400, 'Bad Request', problems.join('; '), 'BadRequest') : new HttpError(422, 'Unprocessable', problems.join('; ')));
						record.status = reply.status;
						send(res, method, path, reply, true);
						return;
					}
				}
				try {
					currentReq = req;
					if (version === 'v1' && !path.startsWith('/api/v1/')) {
						// Flask answers unknown URLs with an HTML page
						record.status = 404;
						res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', date: new Date(serverNow()).toUTCString() });
						res.end('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n');
						return;
					}
					reply = version === 'v1' ? routeV1(method, path, url.searchParams, body, accept) : routeV2(method, path, url.searchParams, body, accept);
				} catch (e) {
					if (!(e instanceof HttpError)) throw e;
					reply = errorReply(e);
				} finally {
					currentReq = undefined;
				}
				record.status = reply.status;
				if (fault?.kind === 'truncated' && reply.status < 300) {
					const text = JSON.stringify(reply.body);
					res.writeHead(200, { 'content-type': 'application/json', date: new Date(serverNow()).toUTCString() });
					res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
					return;
				}
				send(res, method, path, reply, true);
			};
			if (delay > 0) {
				pending.add(res);
				setTimeout(respond, delay);
			} else respond();
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		version,
		world,
		get requestCount() {
			return count;
		},
		requests,
		violations,
		inject: (...f: Fault[]) => faults.push(...f.map((x) => ({ ...x }))),
		clearFaults: () => void faults.splice(0),
		expireTokens: () => {
			tokenGeneration++;
		},
		resetCounters: () => {
			count = 0;
			requests.length = 0;
		},
		now: serverNow,
		stop: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}

function dec(s: string): string {
	return decodeURIComponent(s);
}

/** SQL LIKE with % and _ (Airflow's dag_id_pattern is `ilike %pattern%`). */
function sqlLike(value: string, pattern: string): boolean {
	const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
	return new RegExp(re, 'i').test(value);
}

function sortRuns(runs: SimRun[], orderBy: string): SimRun[] {
	const desc = orderBy.startsWith('-');
	const key = orderBy.replace(/^-/, '');
	const field: keyof SimRun =
		({ id: 'id', dag_id: 'dagId', run_id: 'runId', dag_run_id: 'runId', execution_date: 'logicalDate', logical_date: 'logicalDate', run_after: 'runAfter', start_date: 'startDate', end_date: 'endDate', updated_at: 'updatedAt', state: 'state' } as Record<string, keyof SimRun>)[key] ?? 'id';
	if (field === 'id' && !desc) return runs;
	const sorted = [...runs].sort((a, b) => {
		const x = a[field] as string | number | null;
		const y = b[field] as string | number | null;
		if (x === y) return a.id - b.id;
		if (x === null) return 1;
		if (y === null) return -1;
		return x < y ? -1 : 1;
	});
	return desc ? sorted.reverse() : sorted;
}

/** Python repr of a list of (host, text) tuples, as Airflow 2 puts it in the JSON `content`. */
export function pythonRepr(items: [string, string][]): string {
	return '[' + items.map(([a, b]) => `(${pyStr(a)}, ${pyStr(b)})`).join(', ') + ']';
}

function pyStr(s: string): string {
	const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
	let out = quote;
	for (const ch of s) {
		const c = ch.codePointAt(0)!;
		if (ch === '\\') out += '\\\\';
		else if (ch === quote) out += '\\' + quote;
		else if (ch === '\n') out += '\\n';
		else if (ch === '\r') out += '\\r';
		else if (ch === '\t') out += '\\t';
		else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
		else out += ch;
	}
	return out + quote;
}

function uuidOf(text: string): string {
	const h = crypto.createHash('md5').update(text).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

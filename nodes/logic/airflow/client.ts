/**
 * Airflow 2 (/api/v1) and Airflow 3 (/api/v2) client: one set of operations, the same RunItem
 * output for both. Lists use the batch endpoints with offset paging; after the first page the
 * remaining pages are fetched with bounded concurrency, stepping by the page size the server
 * actually honoured (Airflow caps `limit` silently).
 */
import type { RunItem } from '../shared/items';
import { InputError } from '../shared/errors';
import { chunk, mapLimit } from './concurrency';
import { TailBuffer, textFromNdjson, textFromPythonRepr, textFromStructured, tokenSaysEndOfLog } from './logs';
import { runToItem, taskToItem } from './runs';
import { AirflowApiError, AirflowTransport, type RequestSpec } from './transport';
import type { ApiVersion, ClientOptions, Page, RawDag, RawDagRun, RawTaskInstance, RunFilter } from './types';
import { atLeast, OLDEST_SUPPORTED, parseRelease, tooOld, V1_FLOORS } from './versions';

export interface DagQuery {
	tags?: string[];
	/** true: paused only, false: active (unpaused) only */
	paused?: boolean;
	/** SQL LIKE pattern, e.g. `sales_%` */
	idPattern?: string;
	/** include DAGs no longer in the DAG folder */
	includeInactive?: boolean;
	limit?: number;
}

export interface TaskQuery {
	dagId?: string;
	runId?: string;
	/** several runs at once (batch) */
	runs?: { dagId: string; runId: string }[];
	from?: string;
	to?: string;
	dagIds?: string[];
	failedOnly?: boolean;
	/** only task instances that ended at or after this instant (ISO; batch endpoint, end_date_gte) */
	endedFrom?: string;
}

export interface LogOptions {
	maxBytes?: number;
	/** Airflow 3: ask for ndjson instead of JSON */
	ndjson?: boolean;
	/** Airflow 2: ask for text/plain instead of the JSON repr */
	plainText?: boolean;
	mapIndex?: number;
	maxPages?: number;
}

export interface LogResult {
	pipeline: string;
	runId: string;
	taskId: string;
	tryNumber: number;
	text: string;
	bytes: number;
	truncated: boolean;
	droppedBytes: number;
	pages: number;
	url: string;
}

export interface HealthResult {
	healthy: boolean;
	metadatabase: string | null;
	scheduler: string | null;
	triggerer: string | null;
	dagProcessor: string | null;
	latestSchedulerHeartbeat: string | null;
	latestTriggererHeartbeat: string | null;
	latestDagProcessorHeartbeat: string | null;
	version: ApiVersion;
}

/** runs per batch task-instance call (the dag_run_ids list stays a modest request body) */
const V1_TI_RUNS_PER_CALL = 200;

/** The newest run per DAG: Airflow 3 ranks by run_after (set for every run, manual ones included), Airflow 2 by its logical date. */
export function latestRawPerDag(runs: readonly RawDagRun[], version: ApiVersion): RawDagRun[] {
	const rank = (r: RawDagRun): number => {
		const at = version === 'v2' ? (r.run_after ?? r.logical_date) : (r.logical_date ?? r.execution_date);
		const t = Date.parse(at ?? r.start_date ?? '');
		return Number.isFinite(t) ? t : -Infinity;
	};
	const best = new Map<string, { run: RawDagRun; at: number }>();
	for (const run of runs) {
		const at = rank(run);
		const cur = best.get(run.dag_id);
		// later in the list wins a tie: the batch list is ordered by id, i.e. creation order
		if (!cur || at >= cur.at) best.set(run.dag_id, { run, at });
	}
	return [...best.values()].map((b) => b.run);
}

export class AirflowClient {
	readonly transport: AirflowTransport;
	private readonly options: ClientOptions;
	private detected: ApiVersion | null;
	/** Airflow's release as /version reports it; undefined until read, null when it cannot be read */
	private release: string | null | undefined;
	/** set when the server is older than the oldest supported release: every call fails with it */
	private refusal: AirflowApiError | null = null;
	readonly concurrency: number;
	readonly pageSize: number;

	constructor(options: ClientOptions) {
		this.options = options;
		this.transport = new AirflowTransport(options);
		this.detected = options.version === 'auto' ? (options.auth.kind === 'token' ? 'v2' : null) : options.version;
		this.concurrency = Math.max(1, Math.min(32, options.concurrency ?? 8));
		this.pageSize = Math.max(1, options.pageSize ?? 1000);
	}

	get uiBase(): string {
		return (this.options.uiBaseUrl?.trim() || this.transport.baseUrl).replace(/\/+$/, '');
	}

	get requestCount(): number {
		return this.transport.requestCount;
	}

	close(): void {
		this.transport.close();
	}

	/** The API version: as configured, or found by probing /api/v2/version then /api/v1/version. */
	async version(): Promise<ApiVersion> {
		if (this.refusal) throw this.refusal;
		if (this.detected) return this.detected;
		const probe = async (v: ApiVersion): Promise<boolean> => {
			try {
				const reply = await this.transport.request<{ version?: unknown }>({ method: 'GET', path: `/api/${v}/version` });
				this.release = typeof reply.data?.version === 'string' ? reply.data.version : null;
				return true;
			} catch (e) {
				// a refusal by the managed cloud in front of Airflow (MWAA, Composer) is not a missing API
				if (e instanceof AirflowApiError && (e.kind === 'cloud' || (e.kind === 'auth' && e.status === null))) throw e;
				if (e instanceof AirflowApiError && (e.status === 401 || e.status === 403) && e.kind !== 'html') return true;
				if (e instanceof AirflowApiError && (e.status === 404 || e.kind === 'html')) return false;
				throw e;
			}
		};
		// through MWAA's InvokeRestApi the path below /api/vN is all that reaches Airflow, so /api/v2/version
		// answers on Airflow 2 as well: its release decides
		if (await probe('v2')) this.detected = this.release && parseRelease(this.release)?.[0] === 2 ? 'v1' : 'v2';
		else if (await probe('v1')) this.detected = 'v1';
		else {
			throw new AirflowApiError({
				status: 404,
				airflowMessage: `no Airflow REST API found at ${this.transport.baseUrl} (neither /api/v2/version nor /api/v1/version answered)`,
				hint: 'Check the base URL: it is the address of the Airflow webserver / api-server, e.g. https://airflow.example.com (with a path prefix if Airflow runs under one).',
				kind: 'http',
				request: 'GET /api/{v2,v1}/version',
				attempts: 2,
			});
		}
		this.transport.version = this.detected;
		if (this.release) this.checkOldest(this.release);
		return this.detected;
	}

	/**
	 * Airflow's release (e.g. "2.10.3"), read once per client (one execution) from /api/v1/version or
	 * /api/v2/version; null when the server does not say (a proxy hiding it): then the newest paths
	 * are used.
	 */
	async airflowRelease(): Promise<string | null> {
		const v = await this.version();
		if (this.release !== undefined) return this.release;
		try {
			const reply = await this.transport.request<{ version?: unknown }>({ method: 'GET', path: `/api/${v}/version` });
			this.release = typeof reply.data?.version === 'string' ? reply.data.version : null;
		} catch (e) {
			if (!(e instanceof AirflowApiError) || e.status === null || e.status >= 500) throw e;
			this.release = null;
		}
		if (this.release) this.checkOldest(this.release);
		return this.release;
	}

	private checkOldest(release: string): void {
		if (!atLeast(release, OLDEST_SUPPORTED)) {
			this.refusal = tooOld(release, OLDEST_SUPPORTED, 'This node', `Upgrade Airflow to ${OLDEST_SUPPORTED} or later (the oldest release this node supports), or point the credential at a newer Airflow.`, `GET /api/v1/version`);
			throw this.refusal;
		}
	}

	/** Whether the server has a v1 feature; Airflow 3 has them all. */
	private async v1Has(floor: string): Promise<boolean> {
		if ((await this.version()) !== 'v1') return true;
		return atLeast(await this.airflowRelease(), floor);
	}

	private async call<T>(spec: RequestSpec): Promise<T> {
		return (await this.transport.request<T>(spec)).data;
	}

	/** Fetches every page: the first alone, the rest in parallel, stepping by what the server returned. */
	async pageAll<T>(fetchPage: (offset: number, limit: number) => Promise<Page<T>>, max = Infinity): Promise<T[]> {
		const first = await fetchPage(0, Math.min(this.pageSize, max));
		const step = first.items.length;
		const wanted = Math.min(first.total, max);
		if (step === 0 || step >= wanted) return first.items.slice(0, wanted);
		const offsets: number[] = [];
		for (let o = step; o < wanted; o += step) offsets.push(o);
		const pages = await mapLimit(offsets, this.concurrency, (o) => fetchPage(o, Math.min(step, wanted - o)));
		const out = first.items;
		for (const p of pages) for (const item of p.items) out.push(item);
		return out.length > wanted ? out.slice(0, wanted) : out;
	}

	private api(v: ApiVersion, path: string): string {
		return `/api/${v}${path}`;
	}

	// ---- DAGs -------------------------------------------------------------------------------------

	async listDags(q: DagQuery = {}): Promise<RawDag[]> {
		const v = await this.version();
		const query = (offset: number, limit: number): RequestSpec['query'] => ({
			limit,
			offset,
			tags: q.tags?.length ? q.tags : undefined,
			paused: q.paused,
			dag_id_pattern: q.idPattern || undefined,
			...(v === 'v1' ? { only_active: q.includeInactive ? false : undefined } : { exclude_stale: q.includeInactive ? false : undefined }),
		});
		return this.pageAll(async (offset, limit) => {
			const data = await this.call<{ dags: RawDag[]; total_entries: number }>({ method: 'GET', path: this.api(v, '/dags'), query: query(offset, limit) });
			return { items: data.dags, total: data.total_entries };
		}, q.limit ?? Infinity);
	}

	async getDag(dagId: string): Promise<RawDag> {
		requireId('dagId', dagId);
		const v = await this.version();
		return this.call<RawDag>({ method: 'GET', path: this.api(v, `/dags/${enc(dagId)}`) });
	}

	// ---- runs -------------------------------------------------------------------------------------

	/** Runs in a window across all DAGs (or the chosen ones), through the batch endpoint. */
	async listRuns(filter: RunFilter, includeRaw = false): Promise<RunItem[]> {
		const v = await this.version();
		const ui = this.uiBase;
		return (await this.listRawRuns(filter)).map((r) => runToItem(r, v, ui, includeRaw));
	}

	/** The run objects as Airflow returned them (batch endpoint, every page). */
	async listRawRuns(filter: RunFilter): Promise<RawDagRun[]> {
		const v = await this.version();
		const body = (offset: number, limit: number): Record<string, unknown> => {
			const b: Record<string, unknown> = { page_offset: offset, page_limit: limit, order_by: filter.limit ? '-id' : 'id' };
			if (filter.dagIds?.length) b.dag_ids = filter.dagIds;
			if (filter.states?.length) b.states = filter.states;
			// v1 windows on execution_date (never null in Airflow 2), v2 on run_after (always set)
			const field = v === 'v1' ? 'execution_date' : 'run_after';
			if (filter.from) b[`${field}_gte`] = filter.from;
			if (filter.to) b[`${field}_lte`] = filter.to;
			return b;
		};
		return this.pageAll(async (offset, limit) => {
			const data = await this.call<{ dag_runs: RawDagRun[]; total_entries: number }>({
				method: 'POST',
				path: this.api(v, '/dags/~/dagRuns/list'),
				body: body(offset, limit),
				idempotent: true,
			});
			return { items: data.dag_runs, total: data.total_entries };
		}, filter.limit ?? Infinity);
	}

	/**
	 * The latest run of each DAG within the window: by run_after on Airflow 3 (a manual run has a
	 * null or old logical_date, so ranking by it picks an older run), by logical date on Airflow 2.
	 */
	async latestRuns(filter: RunFilter, includeRaw = false): Promise<RunItem[]> {
		const v = await this.version();
		const ui = this.uiBase;
		return latestRawPerDag(await this.listRawRuns(filter), v).map((r) => runToItem(r, v, ui, includeRaw));
	}

	/** Runs whose row changed at or after `since` (GET with updated_at_gte; few requests when quiet). */
	async runsChangedSince(since: string, filter: Omit<RunFilter, 'from' | 'to'> = {}, includeRaw = false): Promise<RunItem[]> {
		const v = await this.version();
		if (!(await this.v1Has(V1_FLOORS.updatedAtFilter))) {
			throw tooOld(
				(await this.airflowRelease()) ?? '?',
				V1_FLOORS.updatedAtFilter,
				'"Get Changed Since Last Execution" (the updated_at_gte filter)',
				`Upgrade Airflow to ${V1_FLOORS.updatedAtFilter} or later, or use "DAG Run: Get Many" with a time window instead.`,
				`GET /api/v1/dags/~/dagRuns`,
			);
		}
		const single = filter.dagIds?.length === 1 ? filter.dagIds[0] : '~';
		const raws = await this.pageAll(async (offset, limit) => {
			const data = await this.call<{ dag_runs: RawDagRun[]; total_entries: number }>({
				method: 'GET',
				path: this.api(v, `/dags/${enc(single)}/dagRuns`),
				query: { limit, offset, updated_at_gte: since, order_by: 'id', state: filter.states?.length ? filter.states : undefined },
			});
			return { items: data.dag_runs, total: data.total_entries };
		});
		const wanted = filter.dagIds?.length ? new Set(filter.dagIds) : null;
		const ui = this.uiBase;
		return raws.filter((r) => !wanted || wanted.has(r.dag_id)).map((r) => runToItem(r, v, ui, includeRaw));
	}

	async getRun(dagId: string, runId: string): Promise<RunItem> {
		requireId('dagId', dagId);
		requireId('runId', runId);
		const v = await this.version();
		const raw = await this.call<RawDagRun>({ method: 'GET', path: this.api(v, `/dags/${enc(dagId)}/dagRuns/${enc(runId)}`) });
		return runToItem(raw, v, this.uiBase, true);
	}

	// ---- task instances ---------------------------------------------------------------------------

	async listTaskInstances(q: TaskQuery, includeRaw = false): Promise<RunItem[]> {
		const v = await this.version();
		const state = q.failedOnly ? ['failed'] : undefined;
		const ui = this.uiBase;
		const toItems = (raws: RawTaskInstance[]): RunItem[] => raws.map((r) => taskToItem(r, v, ui, includeRaw));
		if (q.dagId && q.runId) {
			requireId('dagId', q.dagId);
			requireId('runId', q.runId);
			const raws = await this.pageAll(async (offset, limit) => {
				const data = await this.call<{ task_instances: RawTaskInstance[]; total_entries: number }>({
					method: 'GET',
					path: this.api(v, `/dags/${enc(q.dagId!)}/dagRuns/${enc(q.runId!)}/taskInstances`),
					query: { limit, offset, state },
				});
				return { items: data.task_instances, total: data.total_entries };
			});
			return toItems(raws);
		}
		const windowField = v === 'v1' ? 'execution_date' : 'run_after';
		const baseBody = (): Record<string, unknown> => {
			const b: Record<string, unknown> = {};
			if (q.dagIds?.length) b.dag_ids = q.dagIds;
			if (state) b.state = state;
			if (q.from) b[`${windowField}_gte`] = q.from;
			if (q.to) b[`${windowField}_lte`] = q.to;
			if (q.endedFrom) b.end_date_gte = q.endedFrom;
			return b;
		};
		if (q.runs?.length && !(await this.v1Has(V1_FLOORS.taskInstanceRunFilter))) {
			// Airflow 2 before 2.7.1 refuses dag_run_ids (400): one GET per run, which every 2.x has
			const perRun = await mapLimit(q.runs, this.concurrency, (r) => this.listTaskInstances({ dagId: r.dagId, runId: r.runId, failedOnly: q.failedOnly }, includeRaw));
			return perRun.flat();
		}
		const batches: Record<string, unknown>[] = q.runs?.length
			? chunk(q.runs, v === 'v1' ? V1_TI_RUNS_PER_CALL : 1000).map((runs) => ({
					...baseBody(),
					dag_ids: [...new Set(runs.map((r) => r.dagId))],
					dag_run_ids: [...new Set(runs.map((r) => r.runId))],
				}))
			: [baseBody()];
		const path = this.api(v, '/dags/~/dagRuns/~/taskInstances/list');
		// Airflow 2.10.3+ pages this endpoint (page_limit defaults to 100, PR #43479); older 2.x
		// accept page_offset/page_limit but return everything at once. Both are handled by paging
		// through total_entries: an unpaged answer is complete after its first page.
		const lists = await mapLimit(batches, this.concurrency, async (body) => {
			return this.pageAll(async (offset, limit) => {
				const data = await this.call<{ task_instances: RawTaskInstance[]; total_entries: number }>({
					method: 'POST',
					path,
					body: { ...body, page_offset: offset, page_limit: limit },
					idempotent: true,
				});
				return { items: data.task_instances, total: data.total_entries };
			});
		});
		let raws = lists.flat();
		if (q.runs?.length) {
			// dag_ids x dag_run_ids is a cross product; keep only the pairs asked for
			const pairs = new Set(q.runs.map((r) => `${r.dagId}\u0000${r.runId}`));
			raws = raws.filter((t) => pairs.has(`${t.dag_id}\u0000${t.dag_run_id}`));
		}
		return toItems(raws);
	}

	// ---- logs -------------------------------------------------------------------------------------

	/** One task try's log as text, following continuation tokens, keeping the tail within maxBytes. */
	async getLog(dagId: string, runId: string, taskId: string, tryNumber: number, o: LogOptions = {}): Promise<LogResult> {
		requireId('dagId', dagId);
		requireId('runId', runId);
		requireId('taskId', taskId);
		if (!Number.isInteger(tryNumber) || tryNumber < 1) {
			throw new InputError('tryNumber', tryNumber, 'must be a whole number from 1', 'Use the tryNumber of a task item (the first try is 1).');
		}
		const v = await this.version();
		const path = this.api(v, `/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances/${enc(taskId)}/logs/${tryNumber}`);
		const buffer = new TailBuffer(o.maxBytes ?? 256 * 1024);
		const maxPages = o.maxPages ?? 200;
		const mapIndex = o.mapIndex !== undefined && o.mapIndex >= 0 ? o.mapIndex : undefined;
		let pages = 0;
		const notFound = (e: unknown): unknown => {
			if (e instanceof AirflowApiError && e.status === 404) {
				return new AirflowApiError({
					status: 404,
					airflowMessage: `${e.airflowMessage} (dag ${JSON.stringify(dagId)}, run ${JSON.stringify(runId)}, task ${JSON.stringify(taskId)}, try ${tryNumber}${mapIndex !== undefined ? `, map index ${mapIndex}` : ''})`,
					hint: 'Check the ids and the try number: take them from a task item of this run (tryNumber is the try that ran; a task that never ran has no log).',
					kind: e.kind,
					request: e.request,
					attempts: e.attempts,
				});
			}
			return e;
		};
		try {
			if (v === 'v2' && o.ndjson) {
				// ndjson carries the continuation token in the Airflow-Continuation-Token header, absent at the end
				let token: string | undefined;
				for (;;) {
					const reply = await this.transport.request<string>({ method: 'GET', path, accept: 'application/x-ndjson', query: { map_index: mapIndex, token } });
					pages++;
					const text = textFromNdjson(String(reply.data ?? ''));
					buffer.append(text ? text + '\n' : '');
					const next = reply.headers['airflow-continuation-token'] || undefined;
					if (!next || next === token || !text || pages >= maxPages) break;
					token = next;
				}
			} else if (v === 'v1' && o.plainText) {
				const text = await this.call<string>({ method: 'GET', path, accept: 'text/plain', query: { full_content: true, map_index: mapIndex } });
				buffer.append(String(text));
				pages = 1;
			} else {
				let token: string | undefined;
				for (;;) {
					const data = await this.call<{ content: unknown; continuation_token?: string | null }>({ method: 'GET', path, query: { token, map_index: mapIndex } });
					pages++;
					const text = v === 'v1' ? textFromPythonRepr(String(data.content ?? '')) : textFromStructured(data.content);
					// v1 pages continue the same text; v2 pages are whole lines
					buffer.append(v === 'v1' || !text ? text : text + '\n');
					const next = data.continuation_token ?? undefined;
					const done = !next || next === token || !text || (v === 'v1' && tokenSaysEndOfLog(next) !== false) || pages >= maxPages;
					if (done) break;
					token = next;
				}
			}
		} catch (e) {
			throw notFound(e);
		}
		const text = buffer.text();
		return {
			pipeline: dagId,
			runId,
			taskId,
			tryNumber,
			text,
			bytes: Buffer.byteLength(text, 'utf8'),
			truncated: buffer.truncated,
			droppedBytes: buffer.droppedBytes,
			pages,
			url: taskToItem({ dag_id: dagId, dag_run_id: runId, task_id: taskId, try_number: tryNumber }, v, this.uiBase).url,
		};
	}

	// ---- health -----------------------------------------------------------------------------------

	async health(): Promise<HealthResult> {
		const v = await this.version();
		type Part = { status?: string | null; [k: string]: unknown } | null | undefined;
		const data = await this.call<{ metadatabase?: Part; scheduler?: Part; triggerer?: Part; dag_processor?: Part }>({
			method: 'GET',
			path: v === 'v1' ? '/api/v1/health' : '/api/v2/monitor/health',
		});
		const status = (p: Part): string | null => p?.status ?? null;
		const beat = (p: Part, key: string): string | null => (p && typeof p[key] === 'string' ? (p[key] as string) : null);
		const parts = [status(data.metadatabase), status(data.scheduler), status(data.triggerer), status(data.dag_processor)];
		return {
			healthy: parts.every((s) => s === null || s === 'healthy') && status(data.metadatabase) === 'healthy',
			metadatabase: status(data.metadatabase),
			scheduler: status(data.scheduler),
			triggerer: status(data.triggerer),
			dagProcessor: status(data.dag_processor),
			latestSchedulerHeartbeat: beat(data.scheduler, 'latest_scheduler_heartbeat'),
			latestTriggererHeartbeat: beat(data.triggerer, 'latest_triggerer_heartbeat'),
			latestDagProcessorHeartbeat: beat(data.dag_processor, 'latest_dag_processor_heartbeat'),
			version: v,
		};
	}

	// ---- actions (writes: never retried) ----------------------------------------------------------

	/** Clears the failed task instances of one run so the scheduler retries them. */
	async clearFailedTasks(dagId: string, runId: string, dryRun = false): Promise<RunItem[]> {
		requireId('dagId', dagId);
		requireId('runId', runId);
		const v = await this.version();
		if (!(await this.v1Has(V1_FLOORS.clearByRun))) {
			throw tooOld(
				(await this.airflowRelease()) ?? '?',
				V1_FLOORS.clearByRun,
				'"Clear Failed Tasks" (clearTaskInstances with dag_run_id and include_downstream)',
				`Upgrade Airflow to ${V1_FLOORS.clearByRun} or later, or clear the run in the Airflow UI.`,
				`POST /api/v1/dags/${enc(dagId)}/clearTaskInstances`,
			);
		}
		const body = { dry_run: dryRun, only_failed: true, dag_run_id: runId, reset_dag_runs: true, include_downstream: true };
		const data = await this.call<{ task_instances: RawTaskInstance[] }>({ method: 'POST', path: this.api(v, `/dags/${enc(dagId)}/clearTaskInstances`), body, idempotent: false });
		return data.task_instances.map((t) => taskToItem({ ...t, dag_run_id: t.dag_run_id ?? runId }, v, this.uiBase));
	}

	/** Triggers a DAG run with conf. */
	async triggerRun(dagId: string, conf: Record<string, unknown>, options: { runId?: string; note?: string } = {}): Promise<RunItem> {
		requireId('dagId', dagId);
		const v = await this.version();
		const body: Record<string, unknown> = { conf };
		if (options.runId) body.dag_run_id = options.runId;
		if (options.note) body.note = options.note;
		if (v === 'v2') body.logical_date = null;
		const raw = await this.call<RawDagRun>({ method: 'POST', path: this.api(v, `/dags/${enc(dagId)}/dagRuns`), body, idempotent: false });
		return runToItem(raw, v, this.uiBase, true);
	}
}

function enc(s: string): string {
	return encodeURIComponent(s);
}

function requireId(field: string, value: unknown): void {
	if (typeof value !== 'string' || !value.trim()) {
		throw new InputError(field, value, 'is empty', `Give the ${field} (map it from an earlier item, e.g. {{ $json.${field === 'dagId' ? 'pipeline' : field} }}).`);
	}
}

/**
 * The failure collectors in real n8n 2.x (test/rig/stack.mjs): workflows/airflow-failure-collector.json,
 * workflows/airflow-failure-sweeper.json and workflows/n8n-error-collector.json imported unchanged, the package installed as community
 * package, embedded Postgres with workflows/schema.sql, the OpenAPI-checked Airflow simulator, the
 * Teams receiver and the OpenAI-compatible server in this process (so faults can be injected).
 * Run alone: node <n8n node 24> node_modules/jest/bin/jest.js --runTestsByPath test/real/collectors.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai/server';
import { executionsOf, scanExecutionData } from '../support/stack/executions';
import { connectMonitor, launchStack, type Stack, stopAll } from '../support/stack/launch';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

jest.setTimeout(240_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const AIRFLOW2 = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'callbacks', 'airflow2.json'), 'utf8')) as Record<string, unknown>;

let airflow: Simulator;
let teams: TeamsReceiver;
let openai: OpenAiTestServer;
let stack: Stack;
let db: Client;
/** sent in a callback whose run fails (so n8n saves it): the secrets scan must find it */
const PLANTED = `planted-${Date.now().toString(36)}-marker`;

interface EventRow {
	id: string;
	event_key: string;
	source: string;
	kind: string;
	pipeline: string;
	run_id: string;
	task_id: string | null;
	try_number: number | null;
	message: string | null;
	url: string | null;
	log_url: string | null;
	summary: string | null;
	suggested_action: string | null;
	summarized_by: string | null;
	fingerprint: string | null;
	notified_at: Date | null;
	teams_status: number | null;
	occurrence: number | null;
	grouped_into: string | null;
	reported_at: Date | null;
	suppressed_at: Date | null;
	suppressed_reason: string | null;
	claims: number;
	payload: Record<string, unknown>;
}

async function post(body: unknown, headers: Record<string, string> = {}, raw?: string): Promise<{ status: number; json: Record<string, unknown>; ms: number; at: number }> {
	const started = Date.now();
	const res = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), {
		method: 'POST',
		headers: { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken, ...headers },
		body: raw ?? JSON.stringify(body),
	});
	const text = await res.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		json = { text };
	}
	return { status: res.status, json, ms: Date.now() - started, at: Date.now() };
}

async function rows(where: string, params: unknown[]): Promise<EventRow[]> {
	return (await db.query<EventRow>(`SELECT * FROM pipeline_monitor.events WHERE ${where} ORDER BY id`, params)).rows;
}

/** Waits until the event was reported (notified_at or teams_status set), i.e. the slow part ended. */
async function reported(eventKey: string, timeoutMs = 150_000): Promise<EventRow> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [row] = await rows('event_key = $1', [eventKey]);
		if (row && (row.notified_at !== null || row.teams_status !== null)) return row;
		if (Date.now() > deadline) throw new Error(`event ${eventKey} was not reported within ${timeoutMs} ms: ${JSON.stringify(row)}\n${stack.n8nLog().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** Cards whose text mentions `text` (Teams Table escapes markdown, e.g. "_" as "\\_": compared without the escapes). */
function cardsFor(text: string) {
	return teams.received.filter((m) => JSON.stringify(m.body).replace(/\\\\/g, '').includes(text));
}

/** A task that really failed in the simulated Airflow (so its log exists). */
function failedTask(): { dagId: string; runId: string; taskId: string; tryNumber: number } {
	for (const run of airflow.world.runs) {
		if (run.state !== 'failed') continue;
		const task = airflow.world.tasks(run).find((t) => t.state === 'failed');
		if (task) return { dagId: run.dagId, runId: run.runId, taskId: task.taskId, tryNumber: task.tryNumber };
	}
	throw new Error('the simulated world has no failed task');
}

beforeAll(async () => {
	airflow = await startAirflow({ version: 'v2', dags: 6, runsPerDag: 6, seed: 11, auth: { disabled: true }, failureRate: 0.5 } as Parameters<typeof startAirflow>[0]);
	teams = await startTeamsReceiver({ rateLimit: false });
	openai = await startOpenAiServer();
	stack = await launchStack({
		workflows: ['airflow-failure-collector', 'failure-reporter', 'airflow-failure-sweeper', 'n8n-error-collector', 'failure-digest'],
		airflow: { baseUrl: airflow.url, apiVersion: 'v2', authType: 'none' },
		teams: { webhookUrl: teams.workflowsUrl },
		openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
		// a reporter run that fails (the error-collector test breaks it) leaves its claim to expire: 60 s here
		settings: { 'failure-reporter': { leaseSeconds: 60 } },
		seedSql: `INSERT INTO pipeline_monitor.pipelines (pipeline, service, timezone, muted_until) VALUES ('muted_dag', 'airflow', 'Asia/Seoul', now() + interval '2 hours');`,
	});
	db = await connectMonitor(stack);
}, 960_000);

afterAll(async () => {
	await stopAll(db, stack, airflow, teams, openai);
}, 120_000);

describe('Airflow failure collector', () => {
	let first: { eventKey: string; body: Record<string, unknown> };

	it('stores a good callback at once, answers 202 before the slow part, then summarizes the fetched log and posts one valid red card', async () => {
		const t = failedTask();
		const body = { ...AIRFLOW2, dag_id: t.dagId, run_id: t.runId, task_id: t.taskId, try_number: t.tryNumber, log_url: `${airflow.url}/log?dag_id=${t.dagId}` };
		const answer = await post(body);
		expect(answer.status).toBe(202);
		expect(answer.json).toEqual({ stored: true, eventKey: `airflow|${t.dagId}|${t.runId}|${t.taskId}|${t.tryNumber}` });
		const eventKey = answer.json.eventKey as string;
		first = { eventKey, body };
		// stored before the answer: the row exists right after the 202
		expect(await rows('event_key = $1', [eventKey])).toHaveLength(1);

		const row = await reported(eventKey);
		expect(row).toMatchObject({ source: 'airflow', kind: 'failure', pipeline: t.dagId, run_id: t.runId, task_id: t.taskId, try_number: t.tryNumber, summarized_by: 'llm', teams_status: 202 });
		expect(row.summary).toBeTruthy();
		expect(row.fingerprint).toMatch(/^fp2:/);
		expect(row.payload.dag_id).toBe(t.dagId);
		// the log was fetched from Airflow (the Task Log operation) and sent to the model
		expect(airflow.requests.some((r) => r.path.includes(`/dags/${t.dagId}/dagRuns/`) && r.path.includes(`/logs/${t.tryNumber}`) && r.status === 200)).toBe(true);
		expect(airflow.violations).toEqual([]);
		const cards = cardsFor(t.runId).length ? cardsFor(t.runId) : cardsFor(t.dagId);
		expect(cards).toHaveLength(1);
		expect(cards[0].at).toBeGreaterThan(answer.at - 50);
		expect(cards[0].problems).toEqual([]);
		expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
		const card = JSON.stringify(cards[0].body);
		expect(card).toContain('attention'); // the red status
		expect(card).toContain(t.taskId);
		expect(card).toContain(`${airflow.url}/log?dag_id=${t.dagId}`);
	});

	it('answers a duplicate at once with 200 stored: false and keeps one row and one card', async () => {
		const before = teams.received.length;
		const chats = openai.chatRequests().length;
		const answer = await post(first.body);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ stored: false, eventKey: first.eventKey, repeat: true });
		await new Promise((r) => setTimeout(r, 3000));
		expect(await rows('event_key = $1', [first.eventKey])).toHaveLength(1);
		expect(teams.received.length).toBe(before);
		expect(openai.chatRequests().length).toBe(chats);
	});

	it('stores every Airflow state under its kind and cards only failures; an unknown state is refused (issue 16)', async () => {
		const task = failedTask();
		const before = teams.received.length;
		const kinds: Record<string, string> = {
			success: 'success', skipped: 'success', up_for_retry: 'warning', up_for_reschedule: 'warning', restarting: 'warning',
			queued: 'warning', scheduled: 'warning', running: 'warning', deferred: 'warning', removed: 'warning', none: 'warning',
		};
		for (const [state, kind] of Object.entries(kinds)) {
			const body = { dag_id: 'unknown_dag_states', run_id: `${task.runId}-${state}`, task_id: task.taskId, try_number: 1, state, exception: `state ${state}` };
			const answer = await post(body);
			expect(answer.status).toBe(202);
			expect(answer.json.stored).toBe(true);
			const [row] = await rows('event_key = $1', [answer.json.eventKey]);
			expect(row.kind).toBe(kind);
		}
		const unknown = await post({ dag_id: 'unknown_dag_states', run_id: 'r-odd-state', state: 'exploded' });
		expect(unknown.status).toBe(400);
		expect(unknown.json).toMatchObject({ field: 'state', value: '"exploded"' });
		await new Promise((r) => setTimeout(r, 4000));
		expect(teams.received.length).toBe(before);
		expect(cardsFor('unknown_dag_states')).toHaveLength(0);
		// failed and upstream_failed are failures, carded
		const failed = await post({ dag_id: 'unknown_dag_states', run_id: 'r-upstream', task_id: 't', try_number: 1, state: 'upstream_failed', exception: 'upstream failed' });
		const row = await reported(failed.json.eventKey as string);
		expect(row.kind).toBe('failure');
		expect(cardsFor('unknown_dag_states')).toHaveLength(1);
	});

	it.each([
		['wrong content type', { 'content-type': 'text/plain' }, 'content-type'],
		['missing dag_id', {}, 'dag_id'],
	])('answers 400 with the field and the fix for a %s, and stores nothing', async (_name, headers, field) => {
		const count = (await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.events')).rows[0].n as number;
		const body = field === 'dag_id' ? { run_id: 'r-missing-dag', task_id: 't' } : { dag_id: 'content_type_dag', run_id: 'r1' };
		const answer = await post(body, headers as Record<string, string>);
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ stored: false, error: 'invalid_callback', field });
		expect(String(answer.json.hint).length).toBeGreaterThan(10);
		expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.events')).rows[0].n).toBe(count);
	});

	it('answers 413 for an oversized body and 400 for invalid JSON, before a workflow runs', async () => {
		const big = await post({ dag_id: 'big_dag', run_id: 'r1', exception: 'x'.repeat(60_000), padding: 'y'.repeat(250_000) });
		expect(big.status).toBe(413);
		expect(big.json).toMatchObject({ field: 'body', problem: 'is larger than 262144 bytes' });
		const bad = await post(undefined, {}, '{"dag_id": "bad_json", ');
		expect(bad.status).toBe(400);
		expect(bad.json).toMatchObject({ field: 'body', problem: 'is not valid JSON' });
		expect(await rows("pipeline IN ('big_dag', 'bad_json')", [])).toHaveLength(0);
	});

	it('refuses a callback without the token or with a wrong one', async () => {
		const none = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dag_id: 'noauth', run_id: 'r' }) });
		const wrong = await post({ dag_id: 'noauth', run_id: 'r' }, { [stack.callbackHeader]: 'not-the-token' });
		expect([401, 403]).toContain(none.status);
		expect([401, 403]).toContain(wrong.status);
		expect(await rows("pipeline = 'noauth'", [])).toHaveLength(0);
	});

	it('stores SQL and <script> in free-text fields as plain text, and the card stays valid', async () => {
		const evil = "'); DROP TABLE pipeline_monitor.events; -- <script>alert('x')</script> {{ $env.HOME }}";
		const answer = await post({ dag_id: 'unknown_dag_evil', run_id: `manual__${evil}`, task_id: 'step', try_number: 1, exception: `ValueError: ${evil}` });
		expect(answer.status).toBe(202);
		const row = await reported(answer.json.eventKey as string);
		expect(row.run_id).toBe(`manual__${evil}`);
		expect(row.message).toBe(`ValueError: ${evil}`);
		const card = cardsFor('unknown_dag_evil');
		expect(card).toHaveLength(1);
		expect(checkWorkflowsMessage(card[0].body).valid).toBe(true);
		expect((await db.query("SELECT to_regclass('pipeline_monitor.events') AS t")).rows[0].t).toBe('pipeline_monitor.events');
	});

	it('reports an unknown DAG with the callback text, and reuses the cached summary for the same fingerprint (no second model request)', async () => {
		const body = { dag_id: 'unknown_dag', task_id: 'load', try_number: 1, exception: 'KeyError: column customer_id not found in staging.customers' };
		const a = await post({ ...body, run_id: 'manual__run_a' });
		const rowA = await reported(a.json.eventKey as string);
		expect(rowA.summarized_by).toBe('llm');
		expect(airflow.requests.some((r) => r.path.includes('/dags/unknown_dag/') && r.status === 404)).toBe(true);
		const chats = openai.chatRequests().length;
		const cardsBefore = cardsFor('unknown_dag').length;
		const b = await post({ ...body, run_id: 'manual__run_b' });
		// the same fingerprint the same day, the first not acknowledged: a repeat, grouped into the
		// first (schema v6) and left to the failure digest ("2nd time today") instead of a card of its own
		let rowB: EventRow | undefined = (await rows('event_key = $1', [b.json.eventKey]))[0];
		const deadline = Date.now() + 150_000;
		while (!rowB?.occurrence) {
			if (Date.now() > deadline) throw new Error(`event ${String(b.json.eventKey)} was not grouped: ${JSON.stringify(rowB)}`);
			await new Promise((r) => setTimeout(r, 300));
			[rowB] = await rows('event_key = $1', [b.json.eventKey]);
		}
		expect(rowB!.fingerprint).toBe(rowA.fingerprint);
		expect(rowB!.summarized_by).toBe('cache');
		expect(rowB!.summary).toBe(rowA.summary);
		expect(rowB).toMatchObject({ occurrence: 2, grouped_into: rowA.id, notified_at: null, teams_status: null });
		expect(openai.chatRequests().length).toBe(chats);
		const cache = await db.query('SELECT hits FROM pipeline_monitor.summaries WHERE fingerprint = $1', [rowA.fingerprint]);
		expect(cache.rows).toEqual([{ hits: 2 }]);
		await new Promise((r) => setTimeout(r, 2000));
		expect(cardsFor('unknown_dag').length).toBe(cardsBefore);
	});

	it('still stores and reports with a rule-based summary when the model server fails', async () => {
		openai.setDefault({ kind: 'serverError' });
		try {
			const answer = await post({ dag_id: 'model_down_dag', run_id: 'manual__m1', task_id: 'score', try_number: 1, exception: 'MemoryError: Unable to allocate 12.0 GiB for an array' });
			expect(answer.status).toBe(202);
			const row = await reported(answer.json.eventKey as string);
			expect(row.summarized_by).toBe('heuristic');
			expect(row.summary).toBeTruthy();
			expect(row.teams_status).toBe(202);
			// a rule-based summary is not cached: the model is asked again once it is back
			expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.summaries WHERE fingerprint = $1', [row.fingerprint])).rows[0].n).toBe(0);
		} finally {
			openai.setDefault({ kind: 'good' });
		}
	});

	it('still stores and reports with the callback text when Airflow is down (after the node gives up retrying)', async () => {
		const t = failedTask();
		airflow.inject({ kind: 'status', status: 503, path: '/logs/', times: 10_000 });
		const answer = await post({ ...AIRFLOW2, dag_id: t.dagId, run_id: `${t.runId}_outage`, task_id: t.taskId, try_number: 1, exception: 'ConnectionError: warehouse unreachable (outage test)' });
		expect(answer.status).toBe(202);
		expect(answer.ms).toBeLessThan(10_000);
		const row = await reported(answer.json.eventKey as string, 200_000);
		expect(row.summary).toBeTruthy();
		expect(row.teams_status).toBe(202);
		expect(airflow.requests.filter((r) => r.path.includes('_outage') && r.status === 503).length).toBeGreaterThan(1);
	});
});


describe('hostile input at the intake (issue 16)', () => {
	const collectorRuns = async () => (await executionsOf(stack.n8nEnv, 'pmAirflowCollect')).length;
	/** The number of collector executions once none has started for 3 s (earlier tests' runs may still be starting). */
	const settledRuns = async () => {
		let last = await collectorRuns();
		for (let stable = Date.now(); Date.now() - stable < 3000; ) {
			await new Promise((r) => setTimeout(r, 500));
			const now = await collectorRuns();
			if (now !== last) [last, stable] = [now, Date.now()];
		}
		return last;
	};
	const errorEvents = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pipeline_monitor.events WHERE source = 'n8n'")).rows[0].n;

	it('refuses JSON nested 5,000 and 100,000 levels with 400 before it is parsed: no execution, no error event, no card', async () => {
		const [runs, errors, cards] = [await collectorRuns(), await errorEvents(), teams.received.length];
		for (const levels of [5_000, 100_000]) {
			const bomb = `{"dag_id": "bomb_dag", "run_id": "r", "x": ${'['.repeat(levels)}${']'.repeat(levels)}}`;
			const answer = await post(undefined, {}, bomb);
			expect(answer.status).toBe(400);
			expect(answer.json).toMatchObject({ stored: false, field: 'body', problem: 'is nested deeper than 32 levels' });
		}
		await new Promise((r) => setTimeout(r, 3000));
		expect(await collectorRuns()).toBe(runs);
		expect(await errorEvents()).toBe(errors);
		expect(teams.received.length).toBe(cards);
		expect(await rows("pipeline = 'bomb_dag'", [])).toHaveLength(0);
	});

	it('answers a 20 MB body 413 (n8n alone answers 500 above its 16 MB N8N_PAYLOAD_SIZE_MAX), and starts no execution', async () => {
		const runs = await collectorRuns();
		const started = Date.now();
		const answer = await post(undefined, {}, JSON.stringify({ dag_id: 'huge_dag', run_id: 'r', pad: 'z'.repeat(20 * 1024 * 1024) }));
		expect(answer.status).toBe(413);
		expect(answer.json).toMatchObject({ stored: false, error: 'too_large', field: 'body', problem: 'is larger than 262144 bytes' });
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(await collectorRuns()).toBe(runs);
	});

	it('refuses a look-alike DAG id (Cyrillic "е" in "etl") with 400 naming the value and the letter, and stores an NFC id once', async () => {
		const spoof = await post({ dag_id: '\u0435tl_daily', run_id: 'manual__spoof', task_id: 'load', try_number: 1 });
		expect(spoof.status).toBe(400);
		expect(spoof.json).toMatchObject({ field: 'dag_id', value: '"\u0435tl_daily"' });
		expect(String(spoof.json.problem)).toContain('Cyrillic "\u0435" (U+0435)');
		expect(await rows('pipeline = $1', ['\u0435tl_daily'])).toHaveLength(0);
		const korean = await post({ dag_id: '매출_daily', run_id: 'manual__ko', state: 'success' });
		expect(korean.status).toBe(202);
		const nfd = await post({ dag_id: 'cafe\u0301_etl', run_id: 'manual__nfc', state: 'success' });
		const nfc = await post({ dag_id: 'caf\u00e9_etl', run_id: 'manual__nfc', state: 'success' });
		expect(nfd.status).toBe(202);
		expect(nfc.status).toBe(200);
		expect(nfc.json).toMatchObject({ stored: false, eventKey: nfd.json.eventKey });
		expect(await rows('pipeline = $1', ['caf\u00e9_etl'])).toHaveLength(1);
	});

	it('answers 50 concurrent copies of one callback: exactly one row, every copy answered, the repeats without waiting behind the insert (200 at once: the bench)', async () => {
		const body = { dag_id: 'burst_dag', run_id: `manual__burst_${Date.now()}`, task_id: 'load', try_number: 1, state: 'success' };
		const runs = await settledRuns();
		const answers = await Promise.all(Array.from({ length: 50 }, () => post(body)));
		const stored = answers.filter((a) => a.status === 202 && a.json.stored === true);
		const repeats = answers.filter((a) => a.status === 200 && a.json.stored === false);
		const other = answers.filter((a) => !stored.includes(a) && !repeats.includes(a));
		expect(other.map((a) => `${a.status} ${JSON.stringify(a.json).slice(0, 200)}`).slice(0, 5)).toEqual([]);
		expect(stored).toHaveLength(1);
		expect(repeats).toHaveLength(49);
		expect(repeats.every((a) => a.json.eventKey === stored[0].json.eventKey)).toBe(true);
		expect(await rows('run_id = $1', [body.run_id])).toHaveLength(1);
		// the repeats were answered by the webhook node itself: one execution for 50 requests, so none
		// waited behind the first one's insert (the answer-time figure is the bench's: bench/intake.bench.mjs)
		expect(await settledRuns()).toBe(runs + 1);
	});

	it('delays a client after 5 wrong tokens (429 with Retry-After, even for the right token), then lets the right token in', async () => {
		const runs = await settledRuns();
		const wrong = { [stack.callbackHeader]: 'wrong-token-guess' };
		for (let i = 0; i < 5; i++) expect((await post({ dag_id: 'guess', run_id: 'r' }, wrong)).status).toBe(401);
		const sixth = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), { method: 'POST', headers: { 'content-type': 'application/json', ...wrong }, body: '{"dag_id": "guess", "run_id": "r"}' });
		expect(sixth.status).toBe(429);
		const wait = Number(sixth.headers.get('retry-after'));
		expect(wait).toBeGreaterThanOrEqual(1);
		expect((await post({ dag_id: 'auth_delay_dag', run_id: 'r-right-too-early', state: 'success' })).status).toBe(429);
		await new Promise((r) => setTimeout(r, wait * 1000 + 200));
		const right = await post({ dag_id: 'auth_delay_dag', run_id: 'r-right', state: 'success' });
		expect(right.status).toBe(202);
		// the refusals started no execution; the right token's did
		expect(await settledRuns()).toBe(runs + 1);
		expect(await rows("pipeline IN ('guess', 'auth_delay_dag')", [])).toHaveLength(1);
	});
});

describe('muted pipelines (issue 15)', () => {
	it('stores and summarizes a failure of a muted pipeline, records the mute on the event, and posts no card', async () => {
		const before = teams.received.length;
		const answer = await post({ dag_id: 'muted_dag', run_id: 'manual__muted_1', task_id: 'load', try_number: 1, exception: 'ValueError: muted pipeline test' });
		expect(answer).toMatchObject({ status: 202, json: { stored: true } });
		// the reporter decided (reported_at) without a card: the event says why
		let row: EventRow | undefined;
		const deadline = Date.now() + 150_000;
		while (!row?.reported_at) {
			if (Date.now() > deadline) throw new Error(`the muted failure was not handled: ${JSON.stringify(row)}\n${stack.n8nLog().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 300));
			[row] = await rows('event_key = $1', [answer.json.eventKey]);
		}
		const [pipeline] = (await db.query('SELECT muted_until FROM pipeline_monitor.pipelines WHERE pipeline = $1', ['muted_dag'])).rows;
		expect(row).toMatchObject({ kind: 'failure', notified_at: null, teams_status: null });
		expect(row.suppressed_at).not.toBeNull();
		expect(row.suppressed_reason).toBe(`muted until ${new Date(pipeline.muted_until).toISOString().slice(0, 19)}Z`);
		expect(row.summary).toBeTruthy();
		expect(cardsFor('muted_dag')).toHaveLength(0);
		expect(teams.received.length).toBe(before);

		// unmuted: the next failure of the pipeline gets its card
		await db.query("UPDATE pipeline_monitor.pipelines SET muted_until = now() - interval '1 minute' WHERE pipeline = 'muted_dag'");
		const next = await post({ dag_id: 'muted_dag', run_id: 'manual__muted_2', task_id: 'load', try_number: 1, exception: 'KeyError: after the mute' });
		const carded = await reported(next.json.eventKey as string);
		expect(carded).toMatchObject({ teams_status: 202, suppressed_at: null, suppressed_reason: null });
		expect(cardsFor('manual__muted_2')).toHaveLength(1);
	});
});

describe('failures not yet in Teams (failure-digest)', () => {
	it('posts one table of the failures whose own card Teams refused, marks them reported, and posts nothing the next time', async () => {
		// Teams refuses the card and its one retry: the event stays stored, not reported
		teams.failNext({ status: 503, body: 'busy' }, { status: 503, body: 'busy' });
		const answer = await post({ dag_id: 'teams_was_down_dag', run_id: 'manual__d1', task_id: 'load', try_number: 1, exception: 'ValueError: digest test' });
		expect(answer.status).toBe(202);
		const refused = await reported(answer.json.eventKey as string);
		expect(refused).toMatchObject({ notified_at: null, teams_status: 503 });

		const before = teams.posted().length;
		const run = await stack.execute(stack.workflowIds['failure-digest']);
		expect(run.result.data.resultData.error).toBeUndefined();
		const digests = teams.posted().slice(before);
		expect(digests).toHaveLength(1);
		expect(JSON.stringify(digests[0].body).replace(/\\\\/g, '')).toContain('teams_was_down_dag');
		const [row] = await rows('event_key = $1', [answer.json.eventKey]);
		expect(row.notified_at).not.toBeNull();
		expect(row.teams_status).toBe(202);

		const again = await stack.execute(stack.workflowIds['failure-digest']);
		expect(again.result.data.resultData.error).toBeUndefined();
		expect(teams.posted()).toHaveLength(before + 1);
	});
});

describe('n8n error collector', () => {
	it('stores a failed production execution of a workflow whose error workflow it is (the Airflow failure reporter), with the execution link; the failure is reported once the cause is gone', async () => {
		// n8n 2.x runs an error workflow only when it is published (loadErrorWorkflowData reads its
		// active version): the stack publishes it with the webhooks, before n8n starts
		expect(stack.published).toContain('n8n-error-collector');
		// break the failure reporter: its summary lookup fails, the run fails, n8n starts the error workflow
		await db.query('ALTER TABLE pipeline_monitor.summaries RENAME TO summaries_away');
		let row: EventRow | undefined;
		try {
			const answer = await post({ dag_id: 'breaks_the_collector', run_id: 'manual__b1', task_id: 't', try_number: 1, exception: `RuntimeError: boom ${PLANTED}` });
			expect(answer.status).toBe(202);
			const deadline = Date.now() + 90_000;
			while (!row) {
				if (Date.now() > deadline) throw new Error(`no n8n event: ${stack.n8nLog().slice(-4000)}`);
				await new Promise((r) => setTimeout(r, 300));
				[row] = await rows("source = 'n8n' AND event_key LIKE 'n8n|pmFailureReport1|%|Find Known Summary|1'", []);
			}
		} finally {
			await db.query('ALTER TABLE pipeline_monitor.summaries_away RENAME TO summaries');
		}
		expect(row).toMatchObject({ kind: 'failure', pipeline: 'Pipeline Monitor: Airflow failure reporter', task_id: 'Find Known Summary' });
		expect(row.message).toContain('summaries');
		expect(row.url).toMatch(/\/workflow\/pmFailureReport1\/executions\/\d+$/);
		expect(row.event_key).toBe(`n8n|pmFailureReport1|${row.run_id}|Find Known Summary|1`);
		// the failed run's claim expires and a later run reports the failure (the table is back)
		// (claimed again after 60 s, and again after 120 s when the error workflow was slow to run: at most 3 times)
		const broken = await reported('airflow|breaks_the_collector|manual__b1|t|1', 240_000);
		expect(broken.teams_status).toBe(202);
		expect([2, 3]).toContain(broken.claims);
		expect(cardsFor('breaks_the_collector')).toHaveLength(1);
	});
});

describe('DAG-level failure callbacks (issue 13)', () => {
	// the outage test above leaves its log faults behind
	beforeAll(() => airflow.clearFaults());

	it('stores each failed task of the run as its own task event (the key its callback has), reports each once, and a later task callback adds nothing', async () => {
		const run = airflow.world.runs.filter((r) => r.state === 'failed').slice(-1)[0];
		// a second task of the run failed too (killed; Airflow sent no task callback for it)
		const other = airflow.world.tasks(run).findIndex((t) => t.state === 'upstream_failed');
		if (other >= 0) airflow.world.killTask(run, other, airflow.now());
		const failed = airflow.world.tasks(run).filter((t) => t.state === 'failed');
		expect(failed.length).toBeGreaterThanOrEqual(1);
		const before = teams.received.length;
		const answer = await post({ dag_id: run.dagId, run_id: run.runId, level: 'dag', reason: 'task_failure', state: 'failed', task_id: null, try_number: null });
		expect(answer.status).toBe(202);
		expect(answer.json.stored).toBe(true);
		const keys = failed.map((t) => `airflow|${run.dagId}|${run.runId}|${t.taskId}|${t.tryNumber}`);
		for (const key of keys) {
			const row = await reported(key);
			expect(row).toMatchObject({ kind: 'failure', task_id: key.split('|')[3], teams_status: 202 });
			expect(row.message).toMatch(/DAG-level failure callback of its run \(task_failure\)/);
			expect(row.summary).toBeTruthy();
		}
		// the run-level event itself is not stored when its tasks are
		expect(await rows('event_key = $1', [`airflow|${run.dagId}|${run.runId}|-|-`])).toHaveLength(0);
		// cards about this run (a card of an earlier test may still arrive meanwhile)
		const mine = (): unknown[] => teams.received.slice(before).filter((m) => JSON.stringify(m.body).replace(/\\\\/g, '').includes(encodeURIComponent(run.runId)));
		expect(mine()).toHaveLength(keys.length);
		for (const t of failed) expect(airflow.requests.some((r) => r.path.includes(`/taskInstances/${t.taskId}/logs/${t.tryNumber}`))).toBe(true);

		const late = await post({ dag_id: run.dagId, run_id: run.runId, task_id: failed[0].taskId, try_number: failed[0].tryNumber, state: 'failed', exception: 'late' });
		expect(late.json).toEqual({ stored: false, eventKey: keys[0] });
		await new Promise((r) => setTimeout(r, 3000));
		expect(mine()).toHaveLength(keys.length);
		expect(await rows('run_id = $1', [run.runId])).toHaveLength(keys.length);
		expect(airflow.violations).toEqual([]);
	});

	it('stores and reports the run-level event when no task of the run failed (run timed out)', async () => {
		const run = airflow.world.runs.filter((r) => r.state === 'success').slice(-1)[0];
		airflow.world.timeOutRun(run, airflow.now());
		const before = teams.received.length;
		const answer = await post({ dag_id: run.dagId, run_id: run.runId, level: 'dag', reason: 'timed_out', state: 'failed' });
		expect(answer.status).toBe(202);
		expect(answer.json).toEqual({ stored: true, eventKey: `airflow|${run.dagId}|${run.runId}|-|-` });
		const row = await reported(answer.json.eventKey as string);
		expect(row).toMatchObject({ task_id: null, try_number: null, teams_status: 202, message: 'timed_out' });
		expect(teams.received.length - before).toBe(1);
	});

	it('refuses a task-level callback without its task (400 naming task_id and the fix), storing nothing', async () => {
		const answer = await post({ dag_id: 'no_task_dag', run_id: 'manual__t', level: 'task', try_number: 1 });
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ stored: false, field: 'task_id', problem: 'is missing in a task-level callback (level "task")' });
		expect(String(answer.json.hint)).toMatch(/level "dag"/);
		expect(await rows("pipeline = 'no_task_dag'", [])).toHaveLength(0);
	});
});

describe('Airflow failure sweeper (issue 13)', () => {
	const sweep = async (): Promise<void> => {
		const run = await stack.execute(stack.workflowIds['airflow-failure-sweeper']);
		expect(run.result.data.resultData.error).toBeUndefined();
	};
	const sweptRows = async (): Promise<EventRow[]> => rows("payload->>'found_by' = 'sweep'", []);

	it('finds failures that never called back within one sweep, reports each once; running runs give no card; a late callback adds nothing', async () => {
		const now = airflow.now();
		const running = airflow.world.dags.slice(0, 3).map((dag, i) =>
			airflow.world.addRun({ dagId: dag.dagId, runId: `manual__sweep_${i}`, runType: 'manual', runAfter: now - 600_000, logicalDate: now - 600_000, queuedAt: now - 600_000, startDate: now - 599_000, endDate: null, state: 'running', updatedAt: now - 599_000, conf: {}, note: null, failedTask: 0, clears: 0 }),
		);
		const before = teams.received.length;
		// the Airflow failure cards since then (the n8n error collector's folded card of an earlier
		// test can still arrive meanwhile: it waits 20 s to count repeats)
		const airflowCards = (): unknown[] => teams.received.slice(before).filter((m) => /Airflow (작업 실패|task failed)/.test(JSON.stringify(m.body)));
		// the scheduler bumps running runs on every pass: they come back each sweep and give nothing
		await sweep();
		expect(await sweptRows()).toHaveLength(0);
		expect(airflowCards()).toHaveLength(0);

		const killed = airflow.world.killTask(running[0], 1, airflow.now());
		airflow.world.failRun(running[1], 0, airflow.now());
		airflow.world.timeOutRun(running[2], airflow.now());
		const failedTask1 = airflow.world.tasks(running[1]).find((t) => t.state === 'failed')!;
		const keys = [
			`airflow|${running[0].dagId}|${running[0].runId}|${killed.taskId}|1`,
			`airflow|${running[1].dagId}|${running[1].runId}|${failedTask1.taskId}|${failedTask1.tryNumber}`,
			`airflow|${running[2].dagId}|${running[2].runId}|-|-`,
		];
		await sweep();
		// one sweep stores them; the failure reporter summarizes and cards them
		for (const key of keys) {
			const row = await reported(key);
			expect(row).toMatchObject({ kind: 'failure', teams_status: 202 });
			expect(row.notified_at).not.toBeNull();
			expect(row.summary).toBeTruthy();
			expect(row.payload.found_by).toBe('sweep');
		}
		expect(airflowCards()).toHaveLength(3);
		const killedCard = cardsFor(running[0].runId).length ? cardsFor(running[0].runId) : cardsFor(killed.taskId);
		expect(killedCard.length).toBeGreaterThanOrEqual(1);
		expect(checkWorkflowsMessage(killedCard[0].body).valid).toBe(true);
		expect(airflow.requests.some((r) => r.path.includes(`/taskInstances/${killed.taskId}/logs/1`) && r.status === 200)).toBe(true);

		// the next sweep: running runs bumped again, nothing new
		await sweep();
		expect(airflowCards()).toHaveLength(3);

		// the callback for the killed task arrives late: same key, no second row, no second card
		const late = await post({ dag_id: running[0].dagId, run_id: running[0].runId, task_id: killed.taskId, try_number: 1, state: 'failed', exception: 'Killed' });
		expect(late.status).toBe(202);
		expect(late.json).toEqual({ stored: false, eventKey: keys[0] });
		await new Promise((r) => setTimeout(r, 3000));
		expect(await rows('event_key = ANY($1)', [keys])).toHaveLength(3);
		expect(airflowCards()).toHaveLength(3);
		expect(airflow.violations).toEqual([]);
	});
});

describe('n8n error collector under a flood (issue 16)', () => {
	it('15 executions failing the same way: 15 rows, one card with the count, the rest folded into it', async () => {
		// the Airflow collector (the intake) fails at Store Event for flood_* DAGs and answers 500: 15
		// executions failing the same way; the error collector (source n8n) is not hit
		await db.query(`CREATE OR REPLACE FUNCTION pipeline_monitor.flood_break() RETURNS trigger LANGUAGE plpgsql AS $f$
			BEGIN
				IF NEW.source = 'airflow' AND NEW.pipeline LIKE 'flood\_%' THEN RAISE EXCEPTION 'flood test: event refused'; END IF;
				RETURN NEW;
			END $f$`);
		await db.query('CREATE TRIGGER flood_break BEFORE INSERT ON pipeline_monitor.events FOR EACH ROW EXECUTE FUNCTION pipeline_monitor.flood_break()');
		const before = teams.received.length;
		const n8nRows = async () => rows("source = 'n8n' AND message LIKE '%flood test: event refused%'", []);
		try {
			const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => post({ dag_id: 'flood_dag', run_id: `manual__flood_${i}`, task_id: 't', try_number: 1, exception: `RuntimeError: flood ${i}` })));
			// not stored: never a 2xx, so the caller sends it again
			expect(answers.map((a) => a.status)).toEqual(Array(15).fill(500));
			expect(await rows("pipeline = 'flood_dag'", [])).toHaveLength(0);
			const deadline = Date.now() + 200_000;
			while ((await n8nRows()).length < 15) {
				if (Date.now() > deadline) throw new Error(`only ${(await n8nRows()).length} of 15 error events: ${stack.n8nLog().slice(-3000)}`);
				await new Promise((r) => setTimeout(r, 1000));
			}
		} finally {
			await db.query('DROP TRIGGER IF EXISTS flood_break ON pipeline_monitor.events');
		}
		const events = await n8nRows();
		const first = events.filter((e) => !e.payload.foldedInto);
		expect(first).toHaveLength(1);
		expect(events.filter((e) => e.payload.foldedInto === first[0].event_key)).toHaveLength(14);
		// folded repeats are grouped into the first (schema v6): escalation and the weekly report count them with it
		expect(events.filter((e) => e.grouped_into === first[0].id).map((e) => e.event_key)).toEqual(events.filter((e) => e.payload.foldedInto).map((e) => e.event_key));
		expect(first[0].grouped_into).toBeNull();
		const row = await reported(first[0].event_key);
		expect(row.teams_status).toBe(202);
		const window = await db.query('SELECT repeats FROM pipeline_monitor.alert_windows WHERE first_event_key = $1', [first[0].event_key]);
		expect(window.rows).toEqual([{ repeats: 15 }]);
		await new Promise((r) => setTimeout(r, 3000));
		const cards = teams.received.slice(before).filter((m) => JSON.stringify(m.body).includes('Store Event'));
		expect(cards).toHaveLength(1);
		expect(JSON.stringify(cards[0].body)).toMatch(/같은 오류로 \d+회 실패/);
	});
});

describe('secrets at rest (issue 16)', () => {
	it('no execution n8n keeps (saved errors, discarded runs not yet pruned) holds the callback token; the scan does find a planted value', async () => {
		const scan = await scanExecutionData(stack.n8nEnv, { token: stack.secrets.callbackToken, planted: PLANTED });
		expect(scan.rows).toBeGreaterThan(0);
		expect(scan.found.planted).toBeGreaterThan(0);
		expect(scan.found.token).toBe(0);
	});

	it('keeps no data of a successful collector run: it is discarded (n8n marks it deleted and leaves it "running" until pruning, see README)', async () => {
		const executions = await executionsOf(stack.n8nEnv, 'pmAirflowCollect');
		const kept = executions.filter((e) => e.deletedAt === null);
		expect(kept.filter((e) => e.status === 'success')).toEqual([]);
		expect(kept.filter((e) => e.status === 'error').length).toBeGreaterThan(0);
		expect(executions.filter((e) => e.deletedAt !== null).length).toBeGreaterThan(5);
	});
});

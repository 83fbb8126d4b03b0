/**
 * The shipped workflows in n8n's queue mode (test/rig/stack.mjs with `queue`): Redis (Debian's
 * redis-server, AOF on), `n8n start` as main, one `n8n webhook` processor and two `n8n worker`s on
 * the same Postgres. Callbacks go webhook processor → Redis → worker; the scheduled reports are
 * fired by main's scheduler (cron set to every minute here) and run by a worker; the error
 * workflow fires for a failure inside a worker. Which worker ran an execution is read from the
 * workers' own log lines ("Worker started execution N"); workers are stopped and started between
 * executions so that the summary cache (Postgres) and the Airflow node's watermark (workflow
 * static data, and the Postgres row of schema v10) must cross from one worker to the other. The
 * shipped failure sweeper (its watermark in Postgres) runs on main's schedule (every minute here);
 * a copy is fired by a webhook, also twice at once against a slow Airflow.
 * Skipped, saying so, without redis-server (as root: apt-get install -y redis-server) or PM_REDIS_URL.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai/server';
import { connectMonitor, launchStack, type Stack } from '../support/stack/launch';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
const hasRedis = Boolean(process.env.PM_REDIS_URL) || spawnSync('sh', ['-c', 'command -v redis-server || ls /usr/bin/redis-server /usr/sbin/redis-server']).status === 0;
const built = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = hasRedis && built ? describe : describe.skip;
if (!hasRedis) console.warn('[queue] skipped: redis-server is not installed (as root: apt-get install -y redis-server) and PM_REDIS_URL is not set');
if (!built) console.warn('[queue] skipped: dist/ missing; run `npm run build` first');

/** A test workflow: POST → the Airflow node's "Get Changed Since Last Execution" → the runs as the answer. */
const CHANGED_WORKFLOW = {
	id: 'pmTestChanged001',
	name: 'Test: Airflow changed runs (queue mode)',
	nodes: [
		{
			id: 'b0f1c2d3-0000-4000-8000-000000000001',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'b0f1c2d3-0000-4000-8000-0000000000aa',
			parameters: { httpMethod: 'POST', path: 'pm-test/changed-runs', responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		},
		{
			id: 'b0f1c2d3-0000-4000-8000-000000000002',
			name: 'Changed runs',
			type: 'n8n-nodes-pipeline-monitor.airflow',
			typeVersion: 1,
			position: [240, 0],
			alwaysOutputData: true,
			parameters: { resource: 'dagRun', operation: 'changed', initialWindow: '30 days', overlapMinutes: 5, dagIds: '', states: [], includeRaw: false },
			credentials: { airflowApi: { id: 'pmAirflowApi0001', name: 'Airflow' } },
		},
	],
	connections: { Webhook: { main: [[{ node: 'Changed runs', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	active: false,
};

/**
 * A copy of the shipped failure sweeper (its watermark in Postgres, schema v10), fired on demand by
 * a webhook (answering on receipt) instead of its schedule, and keeping its successful executions
 * so that the test can see when each one ended.
 */
function queueSweeper(dagIds: string[]): Record<string, unknown> {
	type Node = { name: string; type: string; parameters: Record<string, unknown> };
	const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', 'airflow-failure-sweeper.json'), 'utf8')) as { nodes: Node[]; settings: object };
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger')!;
	Object.assign(trigger, { type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: 'b0f1c2d3-0000-4000-8000-0000000000bb', parameters: { httpMethod: 'POST', path: 'pm-test/queue-sweep', responseMode: 'onReceived', options: {} } });
	const find = wf.nodes.find((n) => n.name === 'Find Failures')!;
	// its own DAG list: its requests to Airflow are told apart from the shipped sweeper's by it
	find.parameters = { ...find.parameters, dagIds: dagIds.join(',') };
	return { ...wf, id: 'pmQueueSweeper01', name: 'Test: failure sweeper, fired by a webhook (queue mode)', settings: { ...wf.settings, saveDataSuccessExecution: 'all' } };
}

maybe('the shipped workflows in n8n queue mode (Redis, webhook processor, 2 workers)', () => {
	let airflow: Simulator;
	let teams: TeamsReceiver;
	let openai: OpenAiTestServer;
	let stack: Stack;
	let db: Client;
	let n8nDb: Client;

	const post = async (body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
		const res = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken },
			body: JSON.stringify(body),
		});
		const text = await res.text();
		try {
			return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
		} catch {
			return { status: res.status, json: { text } };
		}
	};

	const reported = async (eventKey: string, timeoutMs = 150_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const { rows } = await db.query('SELECT * FROM pipeline_monitor.events WHERE event_key = $1', [eventKey]);
			if (rows[0] && (rows[0].notified_at !== null || rows[0].teams_status !== null)) return rows[0] as Record<string, unknown>;
			if (Date.now() > deadline) throw new Error(`event ${eventKey} was not reported within ${timeoutMs} ms: ${JSON.stringify(rows[0])}\n${stack.n8nLog().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 300));
		}
	};

	/**
	 * An event once the failure reporter decided it (reported_at): a repeat grouped into an earlier
	 * failure gets no card of its own (the digest lists it later), but is summarized and decided at once.
	 */
	const decided = async (eventKey: string, timeoutMs = 150_000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const { rows } = await db.query('SELECT * FROM pipeline_monitor.events WHERE event_key = $1', [eventKey]);
			if (rows[0]?.reported_at) return rows[0] as Record<string, unknown>;
			if (Date.now() > deadline) throw new Error(`event ${eventKey} was not decided by the reporter within ${timeoutMs} ms: ${JSON.stringify(rows[0])}\n${stack.n8nLog().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 300));
		}
	};

	/** Newest execution ids of a workflow in n8n's own database (mode, status). */
	const executions = async (workflowId: string) =>
		(await n8nDb.query<{ id: string; mode: string; status: string }>('SELECT e.id::text AS id, e.mode, e.status FROM execution_entity e WHERE e."workflowId" = $1 ORDER BY e.id DESC', [workflowId])).rows;

	/** The newest execution of a workflow once it has ended (an execution row exists before it ends). */
	const ended = async (workflowId: string, mode: string) => {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const [x] = (await executions(workflowId)).filter((e) => e.mode === mode);
			if (x && !['new', 'running'].includes(x.status)) return x;
			if (Date.now() > deadline) throw new Error(`no ended ${mode} execution of ${workflowId}: ${JSON.stringify(x)}`);
			await new Promise((r) => setTimeout(r, 300));
		}
	};

	/** The worker (slot) whose log says it started this execution; null when none did (it ran elsewhere). */
	const workerOf = (executionId: string): number | null => {
		const m = new RegExp(`^\\[worker (\\d+)\\] .*Worker started execution ${executionId} \\(job`, 'm').exec(stack.n8nLog());
		return m ? Number(m[1]) : null;
	};

	const waitForWorkerOf = async (executionId: string) => {
		const deadline = Date.now() + 30_000;
		while (workerOf(executionId) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
		return workerOf(executionId);
	};

	beforeAll(async () => {
		airflow = await startAirflow({ version: 'v2', dags: 6, runsPerDag: 6, seed: 11, auth: { disabled: true }, failureRate: 0.5 } as Parameters<typeof startAirflow>[0]);
		teams = await startTeamsReceiver({ rateLimit: false });
		openai = await startOpenAiServer();
		stack = await launchStack({
			workflows: ['airflow-failure-collector', 'failure-reporter', 'airflow-failure-sweeper', 'n8n-error-collector', 'failure-digest', 'pipeline-status-report', 'heartbeat'],
			extraWorkflows: [CHANGED_WORKFLOW, queueSweeper(airflow.world.dags.map((d) => d.dagId))],
			airflow: { baseUrl: airflow.url, apiVersion: 'v2', authType: 'none' },
			teams: { webhookUrl: teams.workflowsUrl },
			openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
			publish: 'triggers',
			// the scheduled reports fire every minute here (main's scheduler → Redis → a worker)
			schedules: { 'pipeline-status-report': '* * * * *', heartbeat: '* * * * *', 'failure-digest': '* * * * *', 'airflow-failure-sweeper': '* * * * *' },
			// the digest takes failures the reporter has not decided after 2 minutes (not those it is carding now)
			settings: { 'failure-digest': { graceMinutes: 2 } },
			seedSql: airflow.world.dags
				.slice(0, 2)
				.map((d) => `INSERT INTO pipeline_monitor.pipelines (pipeline, service, timezone, expected_duration_min, owner) VALUES ('${d.dagId}', 'airflow', 'Asia/Seoul', 30, 'data-eng');`)
				.join('\n'),
			queue: { workers: 2, concurrency: 5 },
			// the workers log "Worker started execution N" at info
			extraEnv: { N8N_LOG_LEVEL: 'info' },
			// four n8n processes start: on a loaded 2-core machine that took over 7 minutes
		}, { timeoutMs: 900_000 });
		db = await connectMonitor(stack);
		const e = stack.n8nEnv;
		n8nDb = new Client({ host: e.DB_POSTGRESDB_HOST, port: Number(e.DB_POSTGRESDB_PORT), database: e.DB_POSTGRESDB_DATABASE, user: e.DB_POSTGRESDB_USER, password: e.DB_POSTGRESDB_PASSWORD });
		await n8nDb.connect();
	}, 960_000);

	afterAll(async () => {
		await db?.end().catch(() => undefined);
		await n8nDb?.end().catch(() => undefined);
		await stack?.stop();
		await Promise.all([airflow?.stop(), teams?.stop(), openai?.stop()]);
	}, 120_000);

	it('runs main, a webhook processor and two workers on one Redis; webhooks are served by the processor, not by main', async () => {
		expect(stack.queue).toMatchObject({ workers: 2, webhookProcessors: 1, external: false });
		expect(stack.webhookUrl).not.toBe(stack.n8nUrl);
		const workers = (await stack.control('workers')) as Array<{ slot: number; running: boolean }>;
		expect(workers.map((w) => w.running)).toEqual([true, true]);
		// main has production webhooks off (N8N_DISABLE_PRODUCTION_MAIN_PROCESS)
		const onMain = await fetch(`${stack.n8nUrl}/webhook/pipeline-monitor/airflow-callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(onMain.status).toBe(404);
	});

	it('stores a callback in a worker, answers 202 through the processor, posts one valid card; a duplicate keeps one row', async () => {
		const body = { dag_id: 'queue_dag', run_id: 'manual__q1', task_id: 'load', try_number: 1, exception: 'ValueError: queue mode test' };
		const answer = await post(body);
		expect(answer).toEqual({ status: 202, json: { stored: true, eventKey: 'airflow|queue_dag|manual__q1|load|1' } });
		const row = await reported('airflow|queue_dag|manual__q1|load|1');
		expect(row).toMatchObject({ kind: 'failure', teams_status: 202 });
		// (Teams Table escapes markdown: "_" as "\\_")
		// red failure cards only: with no grace (set above, so that grouped repeats are reported at
		// once) the digest, every minute here, may also list a failure whose own card is being
		// posted at that moment (seen once, 177 ms apart; the shipped grace is 10 minutes)
		const cards = teams.received.filter((m) => /Airflow (작업 실패|task failed)/.test(JSON.stringify(m.body)) && JSON.stringify(m.body).replace(/\\\\/g, '').includes('queue_dag'));
		expect(cards).toHaveLength(1);
		expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
		const execution = await ended('pmAirflowCollect', 'webhook');
		expect(execution.status).toBe('success');
		expect(await waitForWorkerOf(execution.id)).not.toBeNull();

		const again = await post(body);
		// the processor's Pipeline Monitor Webhook node remembers keys it took in (per process) and answers the repeat itself
		expect(again).toEqual({ status: 200, json: { stored: false, repeat: true, eventKey: 'airflow|queue_dag|manual__q1|load|1' } });
		expect((await db.query("SELECT count(*)::int AS n FROM pipeline_monitor.events WHERE event_key = 'airflow|queue_dag|manual__q1|load|1'")).rows[0].n).toBe(1);
	});

	it('reuses the summary one worker cached for the same fingerprint in the other worker (no second model request)', async () => {
		const body = { dag_id: 'cache_dag', task_id: 'load', try_number: 1, exception: 'KeyError: column customer_id not found in staging.customers (queue)' };
		/** the failure reporter's execution that reported the row (its claim names it) */
		const reporterOf = (row: Record<string, unknown>): string => String(row.claimed_by).replace(/^reporter-/, '');
		await stack.control('stopWorker', 0);
		const a = await post({ ...body, run_id: 'manual__cache_a' });
		const rowA = await reported(a.json.eventKey as string);
		expect(rowA.summarized_by).toBe('llm');
		expect(await waitForWorkerOf(reporterOf(rowA))).toBe(1);

		await stack.control('startWorker', 0);
		await stack.control('stopWorker', 1);
		const chats = openai.chatRequests().length;
		const b = await post({ ...body, run_id: 'manual__cache_b' });
		// B repeats A's fingerprint the same day: grouped into A, no card of its own (decided, not carded)
		const rowB = await decided(b.json.eventKey as string);
		expect(rowB.grouped_into).toBe(rowA.id);
		expect(await waitForWorkerOf(reporterOf(rowB))).toBe(0);
		expect(rowB).toMatchObject({ fingerprint: rowA.fingerprint, summarized_by: 'cache', summary: rowA.summary });
		expect(openai.chatRequests().length).toBe(chats);
		expect((await db.query('SELECT hits FROM pipeline_monitor.summaries WHERE fingerprint = $1', [rowA.fingerprint])).rows).toEqual([{ hits: 2 }]);
	});

	// KNOWN n8n 2.41.1 LIMITATION, measured here: a worker runs a new execution with the workflow
	// snapshot stored with the execution, and that snapshot has no static data (n8n's
	// toWorkflowSnapshot keeps id, name, nodes, connections, settings; its job processor reloads
	// static data only for a restarted execution). The worker saves the watermark after the run, but
	// no later execution in a worker reads it back, on the same worker or another. In single-process
	// mode the watermark works (the process keeps the workflow's static data in memory). If this test
	// fails after an n8n upgrade, n8n has fixed it: make it assert that no run is repeated, and update
	// the README ("Scaling out").
	it("KNOWN n8n limitation: the Airflow node's watermark (workflow static data) is saved by a worker but not read back by the next execution in a worker", async () => {
		// worker 1 is stopped (previous test): this run is on worker 0
		const call = async () => {
			const res = await fetch(stack.webhook('pm-test/changed-runs'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(res.status).toBe(200);
			const items = (await res.json()) as Array<Record<string, unknown>>;
			const exec = (await executions(CHANGED_WORKFLOW.id))[0];
			return { runs: items.filter((i) => i.runId).map((i) => `${i.pipeline}/${i.runId}`).sort(), worker: await waitForWorkerOf(exec.id) };
		};
		const first = await call();
		expect(first.worker).toBe(0);
		expect(first.runs.length).toBeGreaterThan(5);
		const saved = async () => JSON.stringify((await n8nDb.query<{ staticData: unknown }>('SELECT "staticData" FROM workflow_entity WHERE id = $1', [CHANGED_WORKFLOW.id])).rows[0].staticData);
		const afterFirst = await saved();
		expect(afterFirst).toContain('airflowWatermark');

		await stack.control('startWorker', 1);
		await stack.control('stopWorker', 0);
		const second = await call();
		expect(second.worker).toBe(1);
		// nothing changed in Airflow since the first run, yet the whole first window comes again
		expect(second.runs).toEqual(first.runs);
		// on the same worker too: it is not about crossing workers
		const third = await call();
		expect(third.worker).toBe(1);
		expect(third.runs).toEqual(first.runs);
		expect(await saved()).toContain('airflowWatermark');
	});

	it('runs the error workflow for a failure inside a worker, with the execution link', async () => {
		await db.query('ALTER TABLE pipeline_monitor.summaries RENAME TO summaries_away');
		let row: Record<string, unknown> | undefined;
		try {
			const answer = await post({ dag_id: 'breaks_in_worker', run_id: 'manual__w1', task_id: 't', try_number: 1, exception: 'RuntimeError: boom' });
			expect(answer.status).toBe(202);
			const deadline = Date.now() + 120_000;
			while (!row) {
				if (Date.now() > deadline) throw new Error(`no n8n event: ${stack.n8nLog().slice(-4000)}`);
				await new Promise((r) => setTimeout(r, 300));
				[row] = (await db.query("SELECT * FROM pipeline_monitor.events WHERE source = 'n8n' AND event_key LIKE 'n8n|pmFailureReport1|%'")).rows;
			}
		} finally {
			await db.query('ALTER TABLE pipeline_monitor.summaries_away RENAME TO summaries');
		}
		expect(row).toMatchObject({ kind: 'failure', task_id: 'Find Known Summary' });
		expect(String(row.url)).toMatch(/\/workflow\/pmFailureReport1\/executions\/\d+$/);
		const failedId = String(row.run_id);
		expect(await waitForWorkerOf(failedId)).not.toBeNull();
		// the error workflow's own execution ran in a worker too
		// (its status is not asserted: it stored the row above, and its own summary lookup may run
		// while the summaries table is still renamed away)
		const errorRun = await ended('pmN8nErrorColl01', 'error');
		expect(await waitForWorkerOf(errorRun.id)).not.toBeNull();
	});

	it("runs the scheduled reports from main's scheduler in the workers: status report, heartbeat, failure digest", async () => {
		const wanted = { pmStatusReport01: 'status report', pmHeartbeat00001: 'heartbeat', pmFailureDigest1: 'failure digest' };
		const deadline = Date.now() + 150_000;
		const ran: Record<string, { id: string; status: string }> = {};
		while (Object.keys(ran).length < 3 && Date.now() < deadline) {
			for (const id of Object.keys(wanted)) {
				const done = (await executions(id)).find((x) => x.mode === 'trigger' && x.status !== 'running' && x.status !== 'new');
				if (done) ran[id] = done;
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
		expect(Object.keys(ran).sort()).toEqual(Object.keys(wanted).sort());
		for (const [id, x] of Object.entries(ran)) {
			expect({ id, status: x.status }).toEqual({ id, status: 'success' });
			expect(await waitForWorkerOf(x.id)).not.toBeNull();
		}
		expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.heartbeats')).rows[0].n).toBeGreaterThan(0);
		expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.lights')).rows[0].n).toBeGreaterThan(0);
		for (const m of teams.posted()) expect(checkWorkflowsMessage(m.body)).toEqual({ valid: true, errors: [] });
	});

	// ---- the failure sweeper's watermark across workers (issue 15 item 2) -----------------------

	/** The sweep requests (failed task instances ended since …) of the shipped sweeper (no dag_ids) or of the test copy. */
	const sweepRequests = (copy: boolean) =>
		airflow.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/taskInstances/list') && typeof r.body?.end_date_gte === 'string' && Boolean(r.body?.dag_ids) === copy && (!copy || (r.body!.dag_ids as string[]).length === airflow.world.dags.length));

	/** A running run of the first DAG whose task is killed now (no callback): a failure only a sweep finds. */
	const killedTask = (name: string) => {
		const now = airflow.now();
		const run = airflow.world.addRun({ dagId: airflow.world.dags[0].dagId, runId: `manual__${name}`, runType: 'manual', runAfter: now - 600_000, logicalDate: now - 600_000, queuedAt: now - 600_000, startDate: now - 599_000, endDate: null, state: 'running', updatedAt: now - 599_000, conf: {}, note: null, failedTask: 0, clears: 0 });
		const task = airflow.world.killTask(run, 1, airflow.now());
		return { runId: run.runId, key: `airflow|${run.dagId}|${run.runId}|${task.taskId}|1` };
	};

	/** Red failure cards (not digest tables) mentioning a run id. */
	const redCards = (runId: string) => teams.received.filter((m) => /Airflow (작업 실패|task failed)/.test(JSON.stringify(m.body)) && JSON.stringify(m.body).replace(/\\\\/g, '').includes(runId));

	const watermarkRow = async () =>
		(await db.query<{ airflow_url: string; since: Date; state: Record<string, unknown>; updated_at: Date }>("SELECT airflow_url, since, state, updated_at FROM pipeline_monitor.sweep_watermarks WHERE workflow_id = 'pmQueueSweeper01' AND node = 'Find Failures'")).rows[0];

	/** Fires the test copy; resolves with its execution id once it has ended. */
	const sweepCopy = async () => {
		const before = (await executions('pmQueueSweeper01'))[0]?.id ?? '0';
		const res = await fetch(stack.webhook('pm-test/queue-sweep'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(res.status).toBe(200);
		const deadline = Date.now() + 150_000;
		for (;;) {
			// the oldest newer one: an overlapping sweep fired later has a higher id
			const x = (await executions('pmQueueSweeper01')).filter((e) => Number(e.id) > Number(before)).pop();
			if (x && !['new', 'running'].includes(x.status)) return { id: x.id, status: x.status };
			if (Date.now() > deadline) throw new Error(`the sweep did not end: ${JSON.stringify(x)}\n${stack.n8nLog().slice(-3000)}`);
			await new Promise((r) => setTimeout(r, 300));
		}
	};

	/** Starts a worker slot unless it runs (starting a running slot would leave its process behind). */
	const ensureWorker = async (slot: number) => {
		const workers = (await stack.control('workers')) as Array<{ slot: number; running: boolean }>;
		if (!workers.find((w) => w.slot === slot)?.running) await stack.control('startWorker', slot);
	};

	const storedOnce = async (key: string) => (await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.events WHERE event_key = $1', [key])).rows[0].n as number;

	// The shipped sweeper keeps its watermark in Postgres (the Airflow-node watermark test above shows
	// why static data cannot hold it in queue mode): scheduled sweeps in the workers resume from it.
	it("the shipped sweeper, fired by main's schedule and run in the workers, resumes from the watermark its last sweep saved in Postgres (not its whole first window)", async () => {
		const id = stack.workflowIds['airflow-failure-sweeper'];
		// a failure only a sweep finds, so that a sweep stores something and saves its watermark
		const killed = killedTask('shipped_sweep');
		const saved = async () => (await db.query<{ since: Date; updated_at: Date }>("SELECT since, updated_at FROM pipeline_monitor.sweep_watermarks WHERE workflow_id = $1 AND node = 'Find Failures'", [id])).rows[0];
		let deadline = Date.now() + 180_000;
		let row = await saved();
		while ((!row || (await storedOnce(killed.key)) === 0) && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 1000));
			row = await saved();
		}
		expect(row).toBeDefined();
		expect(await storedOnce(killed.key)).toBe(1);
		// the next scheduled sweep after the row was saved asks from the saved watermark minus the
		// 5-minute overlap: a few minutes back, not the first execution's hour
		const savedAt = row.updated_at.getTime();
		deadline = Date.now() + 150_000;
		let next = sweepRequests(false).find((r) => r.at > savedAt + 1000);
		while (!next && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 1000));
			next = sweepRequests(false).find((r) => r.at > savedAt + 1000);
		}
		expect(next).toBeDefined();
		const lookBackMin = (next!.at - Date.parse(String(next!.body!.end_date_gte))) / 60_000;
		expect(lookBackMin).toBeLessThan(30);
		const runs = (await executions(id)).filter((e) => e.mode === 'trigger');
		const workers = await Promise.all(runs.map((e) => waitForWorkerOf(e.id)));
		expect(workers.every((w) => w !== null)).toBe(true);
		console.info(`[queue] shipped sweeper: ${runs.length} scheduled sweeps, workers ${JSON.stringify(workers)}, next look-back ${lookBackMin.toFixed(1)} min`);
	});

	it('the sweeper with its watermark in Postgres: the next sweep, on the other worker, starts where the last stored one ended; each failure stored and carded once', async () => {
		// one worker runs (the tests above stop and start them)
		await ensureWorker(1);
		const workersNow = (await stack.control('workers')) as Array<{ slot: number; running: boolean }>;
		if (workersNow[0].running) await stack.control('stopWorker', 0);
		const first = killedTask('qsweep_1');
		const one = await sweepCopy();
		expect(one.status).toBe('success');
		const w1 = await waitForWorkerOf(one.id);
		const row1 = await watermarkRow();
		expect(row1).toMatchObject({ airflow_url: airflow.url });
		expect(await storedOnce(first.key)).toBe(1);
		await reported(first.key);

		// the next sweep runs on the other worker
		expect(w1).toBe(1);
		await ensureWorker(0);
		await stack.control('stopWorker', 1);
		const second = killedTask('qsweep_2');
		const mark = airflow.requests.length;
		const two = await sweepCopy();
		expect(two.status).toBe('success');
		const w2 = await waitForWorkerOf(two.id);
		expect(w2).not.toBe(w1);
		// it asked Airflow from the saved watermark minus the 5-minute overlap, not from an hour back
		const asked = sweepRequests(true).filter((r) => airflow.requests.indexOf(r) >= mark);
		expect(asked.map((r) => r.body!.end_date_gte)).toEqual([new Date(row1.since.getTime() - 5 * 60_000).toISOString()]);
		const row2 = await watermarkRow();
		expect(row2.since.getTime()).toBeGreaterThan(row1.since.getTime());
		expect(await storedOnce(second.key)).toBe(1);
		await reported(second.key);
		await new Promise((r) => setTimeout(r, 3000));
		expect(redCards(first.runId)).toHaveLength(1);
		expect(redCards(second.runId)).toHaveLength(1);
		console.info(`[queue] Postgres watermark: sweep 1 on worker ${w1}, sweep 2 on worker ${w2}; since ${row1.since.toISOString()} → ${row2.since.toISOString()}`);
		await ensureWorker(1);
	});

	it('two overlapping sweeps (Airflow answers the first one 25 s late): the watermark is not moved back by the one that ends last; the failure is stored and carded once', async () => {
		const third = killedTask('qsweep_3');
		const before = await watermarkRow();
		const dagIds = JSON.stringify(airflow.world.dags.map((d) => d.dagId));
		airflow.inject({ kind: 'latency', ms: 25_000, method: 'POST', path: '/taskInstances/list', bodyContains: dagIds, times: 1 });
		const mark = airflow.requests.length;
		const a = sweepCopy();
		const deadline = Date.now() + 60_000;
		while (sweepRequests(true).filter((r) => airflow.requests.indexOf(r) >= mark).length < 1) {
			if (Date.now() > deadline) throw new Error('the first sweep did not ask Airflow');
			await new Promise((r) => setTimeout(r, 200));
		}
		const aAskedAt = sweepRequests(true).filter((r) => airflow.requests.indexOf(r) >= mark)[0].at;
		await new Promise((r) => setTimeout(r, 2000));
		const b = await sweepCopy();
		const aDone = await a;
		expect([aDone.status, b.status]).toEqual(['success', 'success']);
		const ended = (await n8nDb.query<{ id: string; stoppedAt: Date }>('SELECT id::text AS id, "stoppedAt" FROM execution_entity WHERE id = ANY($1::int[])', [[aDone.id, b.id]])).rows;
		const stopped = Object.fromEntries(ended.map((e) => [e.id, e.stoppedAt.getTime()]));
		// the slow one ended last
		expect(stopped[aDone.id]).toBeGreaterThan(stopped[b.id]);
		// both read the same watermark
		const asked = sweepRequests(true).filter((r) => airflow.requests.indexOf(r) >= mark);
		expect(asked.map((r) => r.body!.end_date_gte)).toEqual([0, 1].map(() => new Date(before.since.getTime() - 5 * 60_000).toISOString()));
		// the fast one ended before the slow one had its answer
		expect(stopped[b.id]).toBeLessThan(aAskedAt + 25_000);
		// the row holds the later sweep's watermark (its fetch began 2 s after the slow one's), and
		// was last written before the slow one had its answer: its compare-and-set was refused
		const after = await watermarkRow();
		expect(after.since.getTime()).toBeGreaterThan(aAskedAt + 1000);
		expect(after.updated_at.getTime()).toBeLessThan(aAskedAt + 25_000);
		expect(await storedOnce(third.key)).toBe(1);
		await reported(third.key);
		await new Promise((r) => setTimeout(r, 3000));
		expect(redCards(third.runId)).toHaveLength(1);
		const wa = await waitForWorkerOf(aDone.id);
		const wb = await waitForWorkerOf(b.id);
		console.info(`[queue] overlapping sweeps: slow one on worker ${wa}, fast one on worker ${wb}; watermark ${before.since.toISOString()} → ${after.since.toISOString()} (slow sweep fetched at ${new Date(aAskedAt).toISOString()})`);
		expect(airflow.violations).toEqual([]);
	});
});

/**
 * Airflow node at scale: 2,000 DAGs x 24 runs in the last day (48,000 runs) on the simulator with
 * 20 ms added per request. Full sweep, incremental sweep (nothing changed / 50 changed), and the
 * failure sweeper's overhead when nothing is new, the naive per-DAG loop of the public n8n Airflow
 * template, for Airflow 3 (/api/v2) and 2 (/api/v1);
 * then an Airflow 2.10.5 task-instance sweep of runs with 260 tasks each (the batch endpoint pages
 * since 2.10.3). Exits non-zero when a target is missed.
 * Run: npm run bench -- airflow
 */
import { AirflowClient } from '../nodes/logic/airflow/client';
import { sweepFailures, type FailureSweepState } from '../nodes/logic/airflow/failures';
import { sweepChangedRuns } from '../nodes/logic/airflow/incremental';
import type { WatermarkState } from '../nodes/logic/airflow/watermark';
import type { RunItem } from '../nodes/logic/shared/items';
import { fork, type ChildProcess } from 'node:child_process';
import { start } from '../test/support/airflow/simulator';

const DAGS = 2000;
const RUNS = 24;
const LATENCY = 20;
/** task-instance sweep: 50 DAGs x 2 runs x 260 tasks = 26,000 task instances */
const TI_DAGS = 50;
const TI_RUNS = 2;
const TI_TASKS = 260;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
const check = (ok: boolean): string => (ok ? 'met' : 'NOT MET');

/** The simulator runs in a child process so the peak memory measured here is the client's alone. */
interface RemoteSim {
	url: string;
	ask(cmd: string, arg?: unknown): Promise<number | string[]>;
	stop(): void;
}

async function remoteSim(version: 'v1' | 'v2', world: 'runs' | 'tasks' = 'runs'): Promise<RemoteSim> {
	const child: ChildProcess = fork(__filename, ['--simulator', version, world], { stdio: 'inherit' });
	let waiting: ((v: number | string[]) => void) | null = null;
	const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String((m as { url: string }).url))));
	child.on('message', (m) => waiting?.((m as { value: number | string[] }).value));
	return {
		url,
		ask: (cmd, arg) =>
			new Promise((resolve) => {
				waiting = resolve;
				child.send({ cmd, arg });
			}),
		stop: () => child.kill(),
	};
}

async function serveSimulator(version: 'v1' | 'v2', world: string): Promise<void> {
	const sim =
		world === 'tasks'
			? await start({ version, dags: TI_DAGS, runsPerDag: TI_RUNS, tasksPerDag: TI_TASKS, seed: 42, latencyMs: LATENCY, airflowVersion: '2.10.5' })
			: await start({ version, dags: DAGS, runsPerDag: RUNS, seed: 42, latencyMs: LATENCY });
	process.send!({ url: sim.url });
	process.on('message', (m: { cmd: string; arg?: number }) => {
		if (m.cmd === 'count') process.send!({ value: sim.requestCount });
		else if (m.cmd === 'runs') process.send!({ value: sim.world.runs.map((r) => `${r.dagId}\u0000${r.runId}`) });
		else if (m.cmd === 'mutate') process.send!({ value: sim.world.mutate(m.arg ?? 50, Date.now()).length });
		else if (m.cmd === 'violations') process.send!({ value: sim.violations.slice(0, 5).concat(sim.violations.length ? [`${sim.violations.length} in all`] : []) });
	});
}

async function timed<T>(sim: RemoteSim, fn: () => Promise<T>): Promise<{ value: T; ms: number; requests: number }> {
	const before = (await sim.ask('count')) as number;
	const t = Date.now();
	const value = await fn();
	const ms = Date.now() - t;
	return { value, ms, requests: ((await sim.ask('count')) as number) - before };
}

async function benchVersion(version: 'v1' | 'v2'): Promise<boolean> {
	const sim = await remoteSim(version);
	const auth = version === 'v1' ? ({ kind: 'basic', username: 'admin', password: 'admin' } as const) : ({ kind: 'token', username: 'admin', password: 'admin' } as const);
	const from = new Date(Date.now() - 24 * 3600_000 - 60_000).toISOString();
	const total = DAGS * RUNS;
	let ok = true;
	console.log(`\n--- Airflow ${version === 'v1' ? '2 (/api/v1)' : '3 (/api/v2)'}: ${DAGS} DAGs x ${RUNS} runs = ${total} runs, +${LATENCY} ms/request ---`);

	// full sweep (peak RSS of this process: the client and its items, the simulator runs apart)
	const client = new AirflowClient({ baseUrl: sim.url, version, auth, concurrency: 8, pageSize: 1000 });
	if (global.gc) global.gc();
	peakRss = process.memoryUsage().rss;
	const full = await timed(sim, () => client.listRuns({ from }));
	// fewest requests the API allows: Airflow 3 caps page_limit at maximum_page_limit (100);
	// Airflow 2's batch endpoint has no cap, so the minimum is counted at the client's page size
	const cap = version === 'v2' ? 100 : client.pageSize;
	const auths = version === 'v2' ? 1 : 0;
	const minimum = Math.ceil(total / cap) + auths;
	const fullOk = full.value.length === total && full.requests <= 1.2 * minimum && full.ms < 15_000 && peakRss < 300 * 1048576;
	ok &&= fullOk;
	console.log(`full sweep        : ${full.value.length} runs, ${full.requests} requests (minimum ${minimum}${version === 'v1' ? ` at page_limit ${cap}` : ''}; ratio ${(full.requests / minimum).toFixed(2)}), ${full.ms} ms, peak RSS ${mb(peakRss)}  -> ${check(fullOk)} (<=1.2x, <15 s, <300 MB)`);

	client.close();
	// incremental: each execution is a new client (a new token on Airflow 3), as in n8n
	let state: WatermarkState | null = null;
	const incremental = async (): Promise<RunItem[]> => {
		const c = new AirflowClient({ baseUrl: sim.url, version, auth, concurrency: 8, pageSize: 1000 });
		const { changed, next } = await sweepChangedRuns(c, state, { initialFrom: new Date().toISOString() });
		c.close();
		state = next;
		return changed;
	};
	await incremental();
	const quiet = await timed(sim, incremental);
	const quietOk = quiet.value.length === 0 && quiet.requests <= 3;
	ok &&= quietOk;
	console.log(`incremental, quiet: ${quiet.value.length} changed, ${quiet.requests} requests, ${quiet.ms} ms  -> ${check(quietOk)} (<=3 requests)`);
	await sim.ask('mutate', 50);
	const busy = await timed(sim, incremental);
	const busyOk = busy.value.length === 50;
	ok &&= busyOk;
	console.log(`incremental, 50   : ${busy.value.length} changed, ${busy.requests} requests, ${busy.ms} ms  -> ${check(busyOk)} (50 found)`);

	// failure sweeper (workflows/airflow-failure-sweeper.json): each execution a new client; the
	// second sweep finds nothing new, though the running runs come back (the scheduler bumps them)
	let sweepState: FailureSweepState | null = null;
	const failureSweep = async (): Promise<number> => {
		const c = new AirflowClient({ baseUrl: sim.url, version, auth, concurrency: 8, pageSize: 1000 });
		const { events, next } = await sweepFailures(c, sweepState, { initialFrom: new Date(Date.now() - 3600_000).toISOString() });
		c.close();
		sweepState = next;
		return events.length;
	};
	const firstSweep = await timed(sim, failureSweep);
	const quietSweep = await timed(sim, failureSweep);
	const sweeperOk = quietSweep.value === 0 && quietSweep.requests <= 3;
	ok &&= sweeperOk;
	console.log(`failure sweeper   : first ${firstSweep.value} failures (${firstSweep.requests} requests); nothing new: ${quietSweep.value} failures, ${quietSweep.requests} requests, ${quietSweep.ms} ms  -> ${check(sweeperOk)} (<=3 requests)`);

	// naive: list DAGs, then one GET /dags/{id}/dagRuns per DAG (the public n8n template's loop)
	const naive = new AirflowClient({ baseUrl: sim.url, version, auth, concurrency: 1, pageSize: 100 });
	const n = await timed(sim, async () => {
		const dags = await naive.listDags();
		let count = 0;
		for (const d of dags) {
			const base = version === 'v1' ? '/api/v1' : '/api/v2';
			const data = await naive.transport.request<{ dag_runs: unknown[] }>({ method: 'GET', path: `${base}/dags/${encodeURIComponent(d.dag_id)}/dagRuns`, query: { limit: 100, execution_date_gte: version === 'v1' ? from : undefined, run_after_gte: version === 'v2' ? from : undefined } });
			count += data.data.dag_runs.length;
		}
		return count;
	});
	naive.close();
	console.log(`naive per-DAG loop: ${n.value} runs, ${n.requests} requests, ${n.ms} ms (sequential, as in the template)  vs batch ${full.requests} requests, ${full.ms} ms`);
	const violations = (await sim.ask('violations')) as string[];
	if (violations.length) {
		ok = false;
		console.log(`spec violations: ${violations.join(' | ')}`);
	} else console.log('spec violations  : none (every request and response checked against the official OpenAPI file)');
	sim.stop();
	return ok;
}

/** Airflow 2.10.5: every task instance of 100 runs with 260 tasks each, through the paged batch endpoint. */
async function benchTaskInstances(): Promise<boolean> {
	const sim = await remoteSim('v1', 'tasks');
	const total = TI_DAGS * TI_RUNS * TI_TASKS;
	console.log(`\n--- Airflow 2.10.5 (/api/v1) task-instance sweep: ${TI_DAGS * TI_RUNS} runs x ${TI_TASKS} tasks = ${total} task instances, +${LATENCY} ms/request ---`);
	const runs = ((await sim.ask('runs')) as string[]).map((k) => {
		const [dagId, runId] = k.split('\u0000');
		return { dagId, runId };
	});
	const client = new AirflowClient({ baseUrl: sim.url, version: 'v1', auth: { kind: 'basic', username: 'admin', password: 'admin' }, concurrency: 8, pageSize: 1000 });
	const sweep = await timed(sim, () => client.listTaskInstances({ runs }));
	client.close();
	const distinct = new Set(sweep.value.map((t) => `${t.pipeline}/${t.runId}/${t.taskId}`)).size;
	// fewest requests: the pages of page_limit 1000 (the release read that picks the path is not counted)
	const minimum = Math.ceil(total / 1000);
	const ok = sweep.value.length === total && distinct === total && sweep.requests <= 1.2 * minimum;
	console.log(`task-instance sweep: ${sweep.value.length} task instances (${distinct} distinct), ${sweep.requests} requests (minimum ${minimum} at page_limit 1000; ratio ${(sweep.requests / minimum).toFixed(2)}), ${sweep.ms} ms  -> ${check(ok)} (every task, <=1.2x)`);
	const violations = (await sim.ask('violations')) as string[];
	sim.stop();
	if (violations.length) {
		console.log(`spec violations: ${violations.join(' | ')}`);
		return false;
	}
	console.log('spec violations  : none');
	return ok;
}

if (process.argv[2] === '--simulator') {
	void serveSimulator(process.argv[3] as 'v1' | 'v2', process.argv[4] ?? 'runs');
} else void main();

async function main(): Promise<void> {
	await (async () => {
	const v2 = await benchVersion('v2');
	const v1 = await benchVersion('v1');
	const ti = await benchTaskInstances();
	clearInterval(sampler);
	console.log(`\nairflow bench: ${v1 && v2 && ti ? 'all targets met' : 'SOME TARGETS NOT MET'}`);
	process.exit(v1 && v2 && ti ? 0 : 1);
	})().catch((e: unknown) => {
		console.error(e);
		process.exit(1);
	});
}

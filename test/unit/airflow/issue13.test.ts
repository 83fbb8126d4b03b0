/**
 * Issue 13 (client side): what real Airflow releases do that the client once got wrong, each
 * against the simulator behaving like that release (every request and answer checked against the
 * official OpenAPI files, as in client.test.ts).
 */
import { AirflowClient } from '../../../nodes/logic/airflow/client';
import { sweepChangedRuns } from '../../../nodes/logic/airflow/incremental';
import { AirflowApiError } from '../../../nodes/logic/airflow/transport';
import type { AuthConfig } from '../../../nodes/logic/airflow/types';
import { applyChanges, type WatermarkState } from '../../../nodes/logic/airflow/watermark';
import type { RunItem } from '../../../nodes/logic/shared/items';
import { airflowHarness, dayAgo } from './harness';

jest.setTimeout(30_000);

const { sim, client } = airflowHarness();
const failure = async (p: Promise<unknown>): Promise<AirflowApiError> => {
	const e = await p.then(
		() => null,
		(err: unknown) => err,
	);
	expect(e).toBeInstanceOf(AirflowApiError);
	return e as AirflowApiError;
};

describe('item 1: the v1 task-instance batch pages from Airflow 2.10.3', () => {
	it.each(['2.10.3', '2.10.5'])('Airflow %s: 260 tasks per run all come back, by run list and by window; 2.10.2 (no paging) too', async (airflowVersion) => {
		const s = await sim({ version: 'v1', airflowVersion, dags: 2, runsPerDag: 2, tasksPerDag: 260, seed: 3 });
		const c = client(s, { version: 'v1' });
		const runs = s.world.runs.map((r) => ({ dagId: r.dagId, runId: r.runId }));
		const tis = await c.listTaskInstances({ runs });
		expect(tis).toHaveLength(4 * 260);
		expect(new Set(tis.map((t) => `${t.pipeline}/${t.runId}/${t.taskId}`)).size).toBe(4 * 260);
		const inWindow = await c.listTaskInstances({ from: dayAgo() });
		expect(inWindow).toHaveLength(4 * 260);
		const small = client(s, { version: 'v1', pageSize: 100 });
		expect(await small.listTaskInstances({ runs: runs.slice(0, 1) })).toHaveLength(260);
		// before 2.10.3 the endpoint ignores page_limit: one request per batch returns everything
		const old = await sim({ version: 'v1', airflowVersion: '2.10.2', dags: 2, runsPerDag: 2, tasksPerDag: 260, seed: 3 });
		const oldClient = client(old, { version: 'v1', pageSize: 100 });
		expect(await oldClient.listTaskInstances({ runs: old.world.runs.map((r) => ({ dagId: r.dagId, runId: r.runId })) })).toHaveLength(4 * 260);
		expect(old.requests.filter((r) => r.path.endsWith('/taskInstances/list'))).toHaveLength(1);
	});
});

describe('item 2: version floors', () => {
	it('Airflow 2.5.3: "changed since" needs 2.6.0 and says so before sending a parameter Airflow would refuse', async () => {
		const s = await sim({ version: 'v1', airflowVersion: '2.5.3', dags: 3, runsPerDag: 3 });
		const c = client(s);
		const e = await failure(c.runsChangedSince(dayAgo()));
		expect(e.kind).toBe('version');
		expect(e.airflowMessage).toMatch(/needs Airflow ≥ 2\.6\.0; this server runs Airflow 2\.5\.3/);
		expect(e.hint).toMatch(/Upgrade Airflow to 2\.6\.0 or later, or use "DAG Run: Get Many"/);
		expect(s.requests.some((r) => r.status === 400)).toBe(false);
		// 2.10.5 and 3.x take the updated_at_gte path
		for (const version of ['v1', 'v2'] as const) {
			const newer = await sim({ version, dags: 3, runsPerDag: 3, seed: 1 });
			expect((await client(newer, { version }).runsChangedSince(dayAgo())).length).toBe(9);
		}
	});

	it('Airflow 2.7.0: task instances of chosen runs come from one GET per run (dag_run_ids needs 2.7.1)', async () => {
		const s = await sim({ version: 'v1', airflowVersion: '2.7.0', dags: 4, runsPerDag: 3, seed: 2, failureRate: 0.5 });
		const c = client(s, { version: 'v1' });
		const runs = s.world.runs.slice(0, 5).map((r) => ({ dagId: r.dagId, runId: r.runId }));
		const tis = await c.listTaskInstances({ runs });
		const expected = s.world.runs.slice(0, 5).flatMap((r) => s.world.tasks(r).map((t) => `${t.dagId}/${t.runId}/${t.taskId}`));
		expect(tis.map((t) => `${t.pipeline}/${t.runId}/${t.taskId}`).sort()).toEqual(expected.sort());
		expect(s.requests.some((r) => r.path.endsWith('/taskInstances/list'))).toBe(false);
		expect(s.requests.some((r) => r.status === 400)).toBe(false);
		// the release is read once per client
		await c.listTaskInstances({ runs });
		expect(s.requests.filter((r) => r.path === '/api/v1/version')).toHaveLength(1);
	});

	it('Airflow 2.3.4: clearing by run needs 2.4.0; nothing is cleared', async () => {
		const s = await sim({ version: 'v1', airflowVersion: '2.3.4', dags: 2, runsPerDag: 2, failureRate: 1 });
		const c = client(s);
		const run = s.world.runs.find((r) => r.state === 'failed')!;
		const e = await failure(c.clearFailedTasks(run.dagId, run.runId));
		expect(e.airflowMessage).toMatch(/needs Airflow ≥ 2\.4\.0; this server runs Airflow 2\.3\.4/);
		expect(run.state).toBe('failed');
		expect(s.requests.some((r) => r.path.endsWith('/clearTaskInstances'))).toBe(false);
	});

	it('Airflow 2.1.4 is refused by name, with the oldest supported release', async () => {
		const s = await sim({ version: 'v1', airflowVersion: '2.1.4', dags: 2, runsPerDag: 1 });
		const e = await failure(client(s).listDags());
		expect(e.airflowMessage).toMatch(/needs Airflow ≥ 2\.2\.0; this server runs Airflow 2\.1\.4/);
		expect(e.hint).toMatch(/Upgrade Airflow to 2\.2\.0/);
		// and so is every later call of the same execution
		const c = client(s, { version: 'v1' });
		await failure(c.listTaskInstances({ runs: [{ dagId: s.world.runs[0].dagId, runId: s.world.runs[0].runId }] }));
		expect((await failure(c.listDags())).airflowMessage).toMatch(/needs Airflow ≥ 2\.2\.0/);
		s.violations.length = 0; // the v2 probe of an Airflow 2 is expected to miss
	});
});

describe('item 3: latest run per DAG', () => {
	it('Airflow 3 ranks by run_after: a scheduled failure after a manual success is the latest', async () => {
		const s = await sim({ version: 'v2', dags: 1, runsPerDag: 3, seed: 4 });
		const now = Date.now();
		const scheduled = s.world.runs[s.world.runs.length - 1];
		// a scheduled run's logical_date is the start of its data interval, run_after its end
		Object.assign(scheduled, { runAfter: now - 10 * 60_000, logicalDate: now - 70 * 60_000, startDate: now - 9 * 60_000, endDate: now - 8 * 60_000, state: 'failed', updatedAt: now - 8 * 60_000 });
		s.world.addRun({
			dagId: scheduled.dagId,
			runId: 'manual__earlier',
			runType: 'manual',
			runAfter: now - 30 * 60_000,
			logicalDate: now - 30 * 60_000,
			queuedAt: now - 30 * 60_000,
			startDate: now - 29 * 60_000,
			endDate: now - 28 * 60_000,
			state: 'success',
			updatedAt: now - 28 * 60_000,
			conf: {},
			note: null,
			failedTask: 0,
			clears: 0,
		});
		const [latest] = await client(s).latestRuns({ from: dayAgo() });
		expect(latest).toMatchObject({ runId: scheduled.runId, state: 'failed' });
	});
});

describe('item 4: running runs are not re-emitted', () => {
	const run = (state: string, endedAt: string | null = null): RunItem => ({
		source: 'airflow',
		pipeline: 'etl',
		runId: 'r1',
		state,
		logicalDate: null,
		startedAt: '2026-11-22T00:00:00Z',
		endedAt,
		durationSec: null,
		runType: 'scheduled',
		url: '',
	});

	it('a run that stays running through 20 one-minute sweeps is emitted once, its end once more', () => {
		let state: WatermarkState | null = null;
		const t0 = Date.parse('2026-11-22T00:01:00Z');
		let emitted = 0;
		for (let k = 0; k < 20; k++) {
			// Airflow returns it every time: each scheduler pass bumps its updated_at
			const r = applyChanges(state, [run('running')], t0 + k * 60_000);
			emitted += r.changed.length;
			state = r.next;
		}
		expect(emitted).toBe(1);
		expect(applyChanges(state, [run('success', '2026-11-22T00:30:00Z')], t0 + 20 * 60_000).changed).toHaveLength(1);
	});

	it('against the simulator: a running run comes back on every sweep (updated_at bumped) but is reported once', async () => {
		const s = await sim({ version: 'v1', dags: 5, runsPerDag: 2, seed: 6 });
		const r = s.world.runs[s.world.runs.length - 1];
		Object.assign(r, { state: 'running', endDate: null, startDate: Date.now() - 3600_000, updatedAt: Date.now() - 3600_000 });
		// as if the previous sweep had been 10 minutes ago (beyond the 5-minute overlap)
		const aged = (st: WatermarkState): WatermarkState => ({
			...st,
			since: new Date(Date.parse(st.since) - 600_000).toISOString(),
			seen: Object.fromEntries(Object.entries(st.seen).map(([k, [fp, at]]) => [k, [fp, at - 600_000] as [string, number]])),
		});
		let state = (await sweepChangedRuns(client(s, { version: 'v1' }), null, { initialFrom: dayAgo() })).next;
		const reported: string[] = [];
		for (let k = 0; k < 3; k++) {
			const sweep = await sweepChangedRuns(client(s, { version: 'v1' }), aged(state), { initialFrom: dayAgo() });
			reported.push(...sweep.changed.map((x) => x.runId));
			// it was returned (its updated_at is bumped) although it did not change
			expect(sweep.next.seen[`${r.dagId}|${r.runId}`]).toBeDefined();
			state = sweep.next;
		}
		expect(reported).toEqual([]);
	});
});

describe('item 5: the watermark follows Airflow’s clock', () => {
	it('scheduler clock 15 minutes behind (and ahead of) n8n’s: changes after a sweep are found by the next', async () => {
		for (const minutes of [-15, 15]) {
			const s = await sim({ version: 'v1', dags: 20, runsPerDag: 4, seed: 8, clockSkewMs: minutes * 60_000, now: Date.now() + minutes * 60_000 });
			const first = await sweepChangedRuns(client(s, { version: 'v1' }), null, { initialFrom: new Date(s.now() - 2 * 3600_000).toISOString() });
			expect(first.next).toMatchObject({ clock: 'server' });
			expect(Math.abs(Date.parse(first.next.since) - s.now())).toBeLessThan(5_000);
			const changed = s.world.mutate(3, s.now() + 1000, 11);
			const second = await sweepChangedRuns(client(s, { version: 'v1' }), first.next, { initialFrom: dayAgo() });
			expect(second.changed.map((r) => r.runId).sort()).toEqual(changed.map((r) => r.runId).sort());
		}
	});
});

describe('item 6: logs', () => {
	it('Airflow 3 ndjson: follows the Airflow-Continuation-Token header to the end of the log', async () => {
		const s = await sim({ version: 'v2', dags: 2, runsPerDag: 2, seed: 3, failureRate: 1, logChunkRecords: 7 });
		const c = client(s);
		const run = s.world.runs.find((r) => r.state === 'failed')!;
		const task = s.world.tasks(run).find((t) => t.state === 'failed')!;
		const json = await c.getLog(run.dagId, run.runId, task.taskId, 2);
		const ndjson = await c.getLog(run.dagId, run.runId, task.taskId, 2, { ndjson: true });
		expect(ndjson.pages).toBeGreaterThan(2);
		expect(ndjson.text).toContain('Task exited with return code 1');
		expect(ndjson.text).toContain('Traceback (most recent call last):');
		expect(ndjson.text.trimEnd()).toBe(json.text.trimEnd());
	});

	it('Airflow 2: a log of a try that does not exist names the try, never "null"', async () => {
		const s = await sim({ version: 'v1', dags: 2, runsPerDag: 2, seed: 3, failureRate: 1 });
		const c = client(s);
		const run = s.world.runs[0];
		const task = s.world.tasks(run)[0];
		const e = await failure(c.getLog(run.dagId, run.runId, task.taskId, 9));
		expect(e.status).toBe(404);
		expect(e.airflowMessage).not.toMatch(/null/);
		expect(e.airflowMessage).toMatch(/^TaskInstance not found \(dag .*try 9\)$/);
		expect(e.hint).toMatch(/try number/);
	});
});

describe('bad input', () => {
	it('an unknown authentication scheme is refused by name, with the choices', () => {
		const make = (): AirflowClient => new AirflowClient({ baseUrl: 'http://127.0.0.1:1', version: 'auto', auth: { kind: 'kerberos' } as unknown as AuthConfig });
		expect(make).toThrow(/authentication "kerberos" is not a scheme this node knows/);
		try {
			make();
		} catch (e) {
			expect((e as AirflowApiError).hint).toMatch(/Bearer Token/);
		}
	});
});

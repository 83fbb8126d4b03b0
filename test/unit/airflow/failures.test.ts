/**
 * Issue 13 part 2: failures that never call back, found by the incremental failure sweep, and
 * DAG-level failures expanded into their failed tasks, as events keyed exactly like a callback's
 * (every request and answer checked against the official OpenAPI files by the harness).
 */
import { failureEventsOfRun, readFailureSweepState, sweepFailures, type FailureSweepState } from '../../../nodes/logic/airflow/failures';
import { eventFromAirflowCallback } from '../../../nodes/logic/events/airflowCallback';
import type { Simulator } from '../../support/airflow/simulator';
import type { SimRun } from '../../support/airflow/world';
import { airflowHarness } from './harness';

jest.setTimeout(30_000);

const { sim, client } = airflowHarness();
const JSON_CT = { contentType: 'application/json' };

/** A world with no failure in its history and `running` runs still going. */
async function quietWorld(version: 'v1' | 'v2', running = 3, airflowVersion?: string): Promise<{ s: Simulator; running: SimRun[] }> {
	const s = await sim({ version, dags: 5, runsPerDag: 4, seed: 5, failureRate: 0, ...(airflowVersion ? { airflowVersion } : {}) });
	const now = s.now();
	const out: SimRun[] = [];
	for (let i = 0; i < running; i++) {
		const dag = s.world.dags[i % s.world.dags.length];
		const at = now - 10 * 60_000;
		out.push(s.world.addRun({ dagId: dag.dagId, runId: `manual__running_${i}`, runType: 'manual', runAfter: at, logicalDate: at, queuedAt: at, startDate: at + 1000, endDate: null, state: 'running', updatedAt: at + 1000, conf: {}, note: null, failedTask: 0, clears: 0 }));
	}
	// the generated latest runs may be running too: they keep theirs
	return { s, running: out };
}

describe.each(['v1', 'v2'] as const)('failure sweep on Airflow %s', (version) => {
	it('finds a task killed without a callback, a failed run, a timed-out run; running runs give nothing; each failure once', async () => {
		const { s, running } = await quietWorld(version);
		let state: FailureSweepState | null = null;
		const sweep = async (): Promise<Awaited<ReturnType<typeof sweepFailures>>> => {
			const result = await sweepFailures(client(s, { version }), state, { initialFrom: new Date(s.now() - 3600_000).toISOString() });
			state = result.next;
			return result;
		};
		const first = await sweep();
		expect(first.events).toEqual([]);

		// a task of a running run is killed (no callback); another run fails; a third times out
		const killed = s.world.killTask(running[0], 1, s.now());
		s.world.failRun(running[1], 0, s.now());
		s.world.timeOutRun(running[2], s.now());
		const second = await sweep();
		const keys = second.events.map((e) => e.eventKey).sort();
		const failedTask1 = s.world.tasks(running[1]).find((t) => t.state === 'failed')!;
		expect(keys).toEqual(
			[
				`airflow|${running[0].dagId}|${running[0].runId}|${killed.taskId}|1`,
				`airflow|${running[1].dagId}|${running[1].runId}|${failedTask1.taskId}|${failedTask1.tryNumber}`,
				`airflow|${running[2].dagId}|${running[2].runId}|-|-`,
			].sort(),
		);
		for (const e of second.events) expect(e).toMatchObject({ source: 'airflow', kind: 'failure', state: 'failed' });
		const killedEvent = second.events.find((e) => e.taskId === killed.taskId)!;
		expect(killedEvent.message).toMatch(/no failure callback reached the collector/);
		expect(killedEvent.url).toContain(encodeURIComponent(running[0].dagId));
		expect(killedEvent.payload).toMatchObject({ found_by: 'sweep', task_id: killed.taskId, try_number: 1 });

		// the same callback would give the same key: a late callback deduplicates
		const late = eventFromAirflowCallback({ dag_id: running[0].dagId, run_id: running[0].runId, task_id: killed.taskId, try_number: 1, state: 'failed' }, JSON_CT);
		expect(late.eventKey).toBe(killedEvent.eventKey);
		const dagLevel = eventFromAirflowCallback({ dag_id: running[2].dagId, run_id: running[2].runId, level: 'dag', reason: 'timed_out' }, JSON_CT);
		expect(dagLevel.eventKey).toBe(`airflow|${running[2].dagId}|${running[2].runId}|-|-`);

		// the run with the killed task goes on running (scheduler passes bump it): nothing more
		const third = await sweep();
		expect(third.events).toEqual([]);
		// the state survives static data (plain JSON)
		expect(readFailureSweepState(JSON.parse(JSON.stringify(state)))).toEqual(state);
	});
});

it('nothing new costs at most 3 requests (token, failed tasks, failed runs), however many runs are running', async () => {
	const { s } = await quietWorld('v2', 40);
	let state: FailureSweepState | null = null;
	const c1 = client(s, { version: 'auto' });
	state = (await sweepFailures(c1, state, { initialFrom: new Date(s.now() - 3600_000).toISOString() })).next;
	const before = s.requestCount;
	const c2 = client(s, { version: 'auto' });
	const quiet = await sweepFailures(c2, state, { initialFrom: new Date(s.now() - 3600_000).toISOString() });
	expect(quiet.events).toEqual([]);
	expect(s.requestCount - before).toBeLessThanOrEqual(3);
});

it('Airflow 2.7.0 (no dag_run_ids in the batch): one request per run asked, still every failure', async () => {
	const { s, running } = await quietWorld('v1', 2, '2.7.0');
	let state: FailureSweepState | null = null;
	state = (await sweepFailures(client(s, { version: 'v1' }), state, { initialFrom: new Date(s.now() - 3600_000).toISOString() })).next;
	s.world.killTask(running[1], 2, s.now());
	const r = await sweepFailures(client(s, { version: 'v1' }), state, { initialFrom: new Date(s.now() - 3600_000).toISOString() });
	expect(r.events.map((e) => e.taskId)).toEqual([s.world.dags[1].tasks[2]]);
	expect(s.requests.some((q) => q.status === 400)).toBe(false);
});

it('a run that fails now because of a task that failed before the watermark: that task, not a run-level event', async () => {
	const { s, running } = await quietWorld('v2', 1);
	const killed = s.world.killTask(running[0], 0, s.now() - 2 * 3600_000);
	let state: FailureSweepState | null = null;
	const initialFrom = new Date(s.now() - 3600_000).toISOString();
	const first = await sweepFailures(client(s, { version: 'v2' }), state, { initialFrom });
	expect(first.events).toEqual([]);
	state = first.next;
	running[0].state = 'failed';
	running[0].endDate = s.now();
	running[0].updatedAt = s.now();
	const second = await sweepFailures(client(s, { version: 'v2' }), state, { initialFrom });
	expect(second.events.map((e) => e.eventKey)).toEqual([`airflow|${running[0].dagId}|${running[0].runId}|${killed.taskId}|1`]);
});

describe('DAG-level failure callbacks expanded into their failed tasks', () => {
	it.each(['v1', 'v2'] as const)('Airflow %s: each failed task becomes a task event keyed like its own callback; a run without one stays the run event', async (version) => {
		const s = await sim({ version, dags: 4, runsPerDag: 3, seed: 8, failureRate: 0.5 });
		const run = s.world.runs.find((r) => r.state === 'failed')!;
		// two tasks failed in this run (one killed, one the run's own failure)
		const other = s.world.tasks(run).findIndex((t) => t.state === 'upstream_failed');
		if (other >= 0) s.world.killTask(run, other, s.now());
		const runEvent = eventFromAirflowCallback({ dag_id: run.dagId, run_id: run.runId, level: 'dag', reason: 'task_failure', state: 'failed' }, JSON_CT);
		const events = await failureEventsOfRun(client(s, { version }), runEvent);
		const failed = s.world.tasks(run).filter((t) => t.state === 'failed');
		expect(events.map((e) => e.eventKey).sort()).toEqual(failed.map((t) => `airflow|${run.dagId}|${run.runId}|${t.taskId}|${t.tryNumber}`).sort());
		for (const e of events) {
			expect(e.message).toMatch(/DAG-level failure callback of its run \(task_failure\)/);
			expect(e.payload.dag_callback).toMatchObject({ level: 'dag', reason: 'task_failure' });
		}
		const timedOut = s.world.runs.find((r) => r.state === 'success')!;
		s.world.timeOutRun(timedOut, s.now());
		const alone = eventFromAirflowCallback({ dag_id: timedOut.dagId, run_id: timedOut.runId, level: 'dag', reason: 'timed_out' }, JSON_CT);
		expect(await failureEventsOfRun(client(s, { version }), alone)).toEqual([alone]);
	});
});

describe('a task-level callback without its task is refused', () => {
	it('names task_id and the fix; a DAG-level one without it is accepted', () => {
		expect(() => eventFromAirflowCallback({ dag_id: 'd', run_id: 'r', level: 'task', try_number: 1 }, JSON_CT)).toThrow(/task_id is missing in a task-level callback/);
		try {
			eventFromAirflowCallback({ dag_id: 'd', run_id: 'r', level: 'task' }, JSON_CT);
		} catch (e) {
			expect((e as { hint: string }).hint).toMatch(/level "dag"/);
		}
		expect(eventFromAirflowCallback({ dag_id: 'd', run_id: 'r', level: 'dag' }, JSON_CT).taskId).toBeUndefined();
	});
});

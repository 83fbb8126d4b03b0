/**
 * Issue 15: the Airflow node's sweep watermark kept by the workflow (a Postgres row) instead of
 * n8n's workflow static data, which n8n 2.x queue-mode workers save but never read back. The
 * operations are run as the node runs them (fake n8n context, the OpenAPI-checked simulator); the
 * real queue-mode proof is test/real/queue.test.ts.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { execute as failures } from '../../../nodes/Airflow/actions/taskInstance/failures.operation';
import { execute as changed } from '../../../nodes/Airflow/actions/dagRun/changed.operation';
import { readStoredWatermark, sameAirflow } from '../../../nodes/logic/airflow/storedWatermark';
import { readWatermark, runKey } from '../../../nodes/logic/airflow/watermark';
import { InputError } from '../../../nodes/logic/shared/errors';
import type { Simulator } from '../../support/airflow/simulator';
import type { SimRun } from '../../support/airflow/world';
import { airflowHarness } from './harness';

jest.setTimeout(30_000);

const { sim, client } = airflowHarness();

function context(params: Record<string, unknown>, staticData: IDataObject = {}): IExecuteFunctions {
	return {
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name in params ? params[name] : fallback),
		getWorkflowStaticData: () => staticData,
		getInputData: () => [{ json: {} }],
		getNode: () => ({ name: 'Find Failures', type: 'n8n-nodes-pipeline-monitor.airflow', typeVersion: 1, parameters: {}, id: 'x', position: [0, 0] }),
		continueOnFail: () => false,
	} as unknown as IExecuteFunctions;
}

async function world(): Promise<{ s: Simulator; running: SimRun[] }> {
	const s = await sim({ version: 'v2', dags: 4, runsPerDag: 3, seed: 7, failureRate: 0 });
	const now = s.now();
	const running = [0, 1, 2].map((i) =>
		s.world.addRun({ dagId: s.world.dags[i].dagId, runId: `manual__r${i}`, runType: 'manual', runAfter: now - 600_000, logicalDate: now - 600_000, queuedAt: now - 600_000, startDate: now - 599_000, endDate: null, state: 'running', updatedAt: now - 599_000, conf: {}, note: null, failedTask: 0, clears: 0 }),
	);
	return { s, running };
}

describe('reading a saved watermark', () => {
	const url = 'http://airflow.example:8080';
	const saved = { airflowUrl: url, since: '2026-11-30T01:00:00.000Z', state: { since: '2026-11-30T01:00:00.000Z', seen: {} } };
	it('none yet: null, empty, or JSON null', () => {
		for (const v of [null, undefined, '', 'null']) expect(readStoredWatermark(v, url)).toBeNull();
	});
	it('the state, from an object or its JSON text; another Airflow counts as none', () => {
		expect(readStoredWatermark(saved, url)).toEqual(saved.state);
		expect(readStoredWatermark(JSON.stringify(saved), `${url}/`)).toEqual(saved.state);
		expect(readStoredWatermark(saved, 'http://other:8080')).toBeNull();
		expect(sameAirflow('HTTP://Airflow.Example:8080/', url)).toBe(true);
	});
	it('refuses anything else, naming the value and the fix', () => {
		for (const bad of ['{not json', 42, [saved], { since: saved.since, state: {} }, { ...saved, since: 'yesterday' }, { ...saved, state: 'x' }]) {
			let error: unknown;
			try {
				readStoredWatermark(bad, url);
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(InputError);
			expect((error as InputError).message).toMatch(/^Watermark /);
			expect((error as InputError).hint).toMatch(/sweepWatermark/);
		}
	});
});

describe('run keys in a saved state', () => {
	it('join DAG id and run id with "|"; a state saved with the old NUL-joined keys is read with the new ones', () => {
		expect(runKey({ pipeline: 'etl', runId: 'manual__2026-11-30T00:00:00+00:00' })).toBe('etl|manual__2026-11-30T00:00:00+00:00');
		const old = readWatermark({ since: '2026-11-30T00:00:00.000Z', seen: { 'etl\u0000r1': ['success||', 1] } });
		expect(old?.seen).toEqual({ 'etl|r1': ['success||', 1] });
	});
});

describe('Keep Watermark In: Input Item (queue mode)', () => {
	const sweepParams = { mode: 'sweep', initialWindow: '1 hour', overlapMinutes: 5, dagIds: '', watermarkStore: 'input' };

	it('failure sweep: reads the state from the parameter, puts the next on every event, never touches static data; resumed from it, nothing repeats and the new failure is found', async () => {
		const { s, running } = await world();
		const c = client(s, { version: 'v2' });
		const staticData: IDataObject = {};
		s.world.killTask(running[0], 1, s.now());
		const first = await failures(context({ ...sweepParams, watermark: null }, staticData), c, 0);
		expect(first).toHaveLength(1);
		const saved = first[0].sweepWatermark as { airflowUrl: string; since: string; state: { runs: { since: string } } };
		expect(saved.airflowUrl).toBe(s.url);
		expect(saved.since).toBe(saved.state.runs.since);
		// storable in a Postgres jsonb column, which refuses \u0000 (run keys once joined with NUL)
		expect(JSON.stringify(saved)).not.toContain('\\u0000');
		expect(staticData).toEqual({});
		// the row as the workflow reads it back (Postgres returns the since as its own text)
		const row = { ...saved, since: saved.since.replace('Z', '+00:00') };

		// again from the saved state: the failure is not repeated
		expect(await failures(context({ ...sweepParams, watermark: row }), c, 0)).toEqual([]);
		// a new failure is found, and only it
		s.world.failRun(running[1], 0, s.now());
		const next = await failures(context({ ...sweepParams, watermark: JSON.stringify(row) }), c, 0);
		expect(next.map((e) => e.runId)).toEqual([running[1].runId]);
		expect(Date.parse((next[0].sweepWatermark as { since: string }).since)).toBeGreaterThan(Date.parse(saved.since));
	});

	it('without a saved state every sweep is a first sweep (what n8n queue-mode workers give static data): the whole look-back again', async () => {
		const { s, running } = await world();
		const c = client(s, { version: 'v2' });
		s.world.killTask(running[0], 1, s.now());
		const a = await failures(context({ ...sweepParams, watermark: null }), c, 0);
		const b = await failures(context({ ...sweepParams, watermark: null }), c, 0);
		expect(b.map((e) => e.eventKey)).toEqual(a.map((e) => e.eventKey));
		// a state saved for another Airflow is the same as none
		const other = { ...(a[0].sweepWatermark as object), airflowUrl: 'http://elsewhere:8080' };
		expect((await failures(context({ ...sweepParams, watermark: other }), c, 0)).map((e) => e.eventKey)).toEqual(a.map((e) => e.eventKey));
	});

	it('a malformed watermark fails the sweep with the parameter named, before asking Airflow', async () => {
		const { s } = await world();
		const c = client(s, { version: 'v2' });
		const before = s.requestCount;
		await expect(failures(context({ ...sweepParams, watermark: '{"since":' }), c, 0)).rejects.toThrow(/^Watermark is not JSON/);
		expect(s.requestCount).toBe(before);
	});

	it('changed runs: the same, with the runs the state has seen not repeated', async () => {
		const { s, running } = await world();
		const c = client(s, { version: 'v2' });
		const params = { initialWindow: '24 hours', overlapMinutes: 5, dagIds: '', states: [], includeRaw: false, watermarkStore: 'input' };
		const first = await changed(context({ ...params, watermark: '' }), c, 0);
		expect(first.length).toBeGreaterThan(0);
		const saved = first[0].sweepWatermark;
		expect(first.every((r) => JSON.stringify(r.sweepWatermark) === JSON.stringify(saved))).toBe(true);
		// storable in a Postgres jsonb column, which refuses \u0000 (run keys were once joined with NUL)
		expect(Object.keys((saved as { state: { seen: object } }).state.seen).length).toBeGreaterThan(0);
		expect(JSON.stringify(saved)).not.toContain('\\u0000');
		expect(await changed(context({ ...params, watermark: saved }), c, 0)).toEqual([]);
		s.world.failRun(running[2], 0, s.now());
		expect((await changed(context({ ...params, watermark: saved }), c, 0)).map((r) => r.runId)).toEqual([running[2].runId]);
	});

	it('the default (static data) is unchanged: state in static data, no sweepWatermark on the items', async () => {
		const { s, running } = await world();
		const c = client(s, { version: 'v2' });
		const staticData: IDataObject = {};
		s.world.killTask(running[0], 1, s.now());
		const out = await failures(context({ mode: 'sweep', initialWindow: '1 hour', overlapMinutes: 5, dagIds: '' }, staticData), c, 0);
		expect(out).toHaveLength(1);
		expect(out[0].sweepWatermark).toBeUndefined();
		expect(Object.keys(staticData)).toEqual(['airflowFailureSweep']);
	});
});

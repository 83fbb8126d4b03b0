import { AirflowClient } from '../../../nodes/logic/airflow/client';
import { AirflowApiError } from '../../../nodes/logic/airflow/transport';
import { InputError } from '../../../nodes/logic/shared/errors';
import { airflowHarness, dayAgo } from './harness';
import { start, type Simulator } from '../../support/airflow/simulator';

jest.setTimeout(30_000);

const { sim, client } = airflowHarness();

describe.each(['v1', 'v2'] as const)('Airflow %s', (version) => {
	it('detects the version and lists every run in the window through the batch endpoint', async () => {
		const s = await sim({ version, dags: 30, runsPerDag: 12, seed: 5 });
		const c = client(s, { pageSize: 100 });
		const runs = await c.listRuns({ from: dayAgo() });
		expect(await c.version()).toBe(version);
		expect(runs).toHaveLength(360);
		expect(new Set(runs.map((r) => `${r.pipeline}/${r.runId}`)).size).toBe(360);
		const batch = s.requests.filter((r) => r.path.endsWith('/dags/~/dagRuns/list'));
		expect(batch).toHaveLength(4);
		expect(s.requests.some((r) => /\/dags\/[^~][^/]*\/dagRuns$/.test(r.path))).toBe(false);
		const r = runs[0];
		expect(r).toMatchObject({ source: 'airflow', pipeline: expect.any(String), runId: expect.stringMatching(/^scheduled__/), state: expect.any(String) });
		expect(r.url).toContain(version === 'v1' ? `/dags/${r.pipeline}/grid?dag_run_id=` : `/dags/${r.pipeline}/runs/`);
		expect(r.url.startsWith(s.url)).toBe(true);
	});

	it('steps by the page size the server really returns when it caps the limit', async () => {
		const s = await sim({ version, dags: 10, runsPerDag: 25, seed: 2, maxPageLimit: 40 });
		const c = client(s, { pageSize: 1000 });
		const runs = await c.runsChangedSince(dayAgo().replace(/T.*/, 'T00:00:00Z'));
		expect(runs.length).toBe(250);
		const gets = s.requests.filter((r) => r.path.endsWith('/dags/~/dagRuns'));
		expect(gets).toHaveLength(Math.ceil(250 / 40));
	});

	it('filters runs by DAG and state and keeps the latest run per DAG', async () => {
		const s = await sim({ version, dags: 8, runsPerDag: 6, seed: 9, failureRate: 0.3 });
		const c = client(s);
		const dagIds = s.world.dags.slice(0, 3).map((d) => d.dagId);
		const failed = await c.listRuns({ from: dayAgo(), dagIds, states: ['failed'] });
		const expected = s.world.runs.filter((r) => dagIds.includes(r.dagId) && r.state === 'failed');
		expect(failed.map((r) => r.runId).sort()).toEqual(expected.map((r) => r.runId).sort());
		const latest = await c.latestRuns({ from: dayAgo() });
		expect(latest).toHaveLength(8);
		for (const l of latest) {
			const newest = s.world.runs.filter((r) => r.dagId === l.pipeline).sort((a, b) => b.logicalDate - a.logicalDate)[0];
			expect(l.runId).toBe(newest.runId);
		}
	});

	it('lists and filters DAGs, gets one, and names an unknown DAG in the error', async () => {
		const s = await sim({ version, dags: 20, runsPerDag: 1, seed: 4 });
		const c = client(s);
		const sales = await c.listDags({ idPattern: 'sales%' });
		expect(sales.map((d) => d.dag_id)).toEqual(s.world.dags.filter((d) => d.dagId.startsWith('sales')).map((d) => d.dagId));
		const tier1 = await c.listDags({ tags: ['tier1'] });
		expect(tier1.length).toBe(s.world.dags.filter((d) => d.tags.includes('tier1')).length);
		expect((await c.getDag(s.world.dags[3].dagId)).dag_id).toBe(s.world.dags[3].dagId);
		const err = await c.getDag('no_such_dag').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(AirflowApiError);
		expect((err as AirflowApiError).status).toBe(404);
		expect((err as AirflowApiError).airflowMessage).toContain('no_such_dag');
		if (version === 'v1') expect((err as AirflowApiError).airflowMessage).toMatch(/^DAG not found: /);
	});

	it('lists task instances for one run and failed ones across runs, with try numbers and task urls', async () => {
		const s = await sim({ version, dags: 6, runsPerDag: 8, seed: 11, failureRate: 0.4 });
		const c = client(s);
		const run = s.world.runs.find((r) => r.state === 'failed')!;
		const tis = await c.listTaskInstances({ dagId: run.dagId, runId: run.runId });
		expect(tis.map((t) => t.taskId)).toEqual(s.world.dags.find((d) => d.dagId === run.dagId)!.tasks);
		const failedRuns = s.world.runs.filter((r) => r.state === 'failed').map((r) => ({ dagId: r.dagId, runId: r.runId }));
		const failed = await c.listTaskInstances({ runs: failedRuns, failedOnly: true });
		expect(failed).toHaveLength(failedRuns.length);
		expect(failed.every((t) => t.state === 'failed' && t.tryNumber === 2)).toBe(true);
		expect(failed[0].url).toContain(encodeURIComponent(failed[0].taskId!));
		const inWindow = await c.listTaskInstances({ from: dayAgo(), failedOnly: true });
		expect(inWindow).toHaveLength(failedRuns.length);
	});

	it('reads a failed task log as text with the traceback, following continuation tokens', async () => {
		const s = await sim({ version, dags: 4, runsPerDag: 4, seed: 3, failureRate: 1, logChunkChars: 700, logChunkRecords: 7 });
		const c = client(s);
		const run = s.world.runs.find((r) => r.state === 'failed')!;
		const task = s.world.tasks(run).find((t) => t.state === 'failed')!;
		const log = await c.getLog(run.dagId, run.runId, task.taskId, 2);
		expect(log.pages).toBeGreaterThan(2);
		expect(log.text).toContain('Traceback (most recent call last):');
		expect(log.text).toMatch(/File "\/opt\/airflow\/dags\/lib\/.+\.py", line 42, in execute/);
		expect(log.text).toContain('Task exited with return code 1');
		expect(log.text).not.toMatch(/\\n|::group::/);
		expect(log.truncated).toBe(false);
		// the tail is kept under a byte cap
		const capped = await c.getLog(run.dagId, run.runId, task.taskId, 2, { maxBytes: 1500 });
		expect(capped.truncated).toBe(true);
		expect(capped.bytes).toBeLessThanOrEqual(1500);
		expect(capped.text).toContain('Task exited with return code 1');
		// the other representation gives the same lines
		const other = await c.getLog(run.dagId, run.runId, task.taskId, 2, version === 'v1' ? { plainText: true } : { ndjson: true });
		expect(other.text).toContain('Traceback (most recent call last):');
		expect(other.text.split('\n').filter((l) => l.includes('Processed batch')).length).toBe(log.text.split('\n').filter((l) => l.includes('Processed batch')).length);
	});

	it('reports health of scheduler, metadatabase, triggerer and dag processor', async () => {
		const s = await sim({ version, dags: 1, runsPerDag: 1 });
		const h = await client(s).health();
		expect(h).toMatchObject({ healthy: true, metadatabase: 'healthy', scheduler: 'healthy', triggerer: 'healthy', version });
		expect(h.latestSchedulerHeartbeat).toEqual(expect.any(String));
	});

	it('clears failed tasks of a run and triggers a run with conf, never retrying the write', async () => {
		const s = await sim({ version, dags: 3, runsPerDag: 3, seed: 8, failureRate: 1 });
		const c = client(s);
		const run = s.world.runs.find((r) => r.state === 'failed')!;
		const cleared = await c.clearFailedTasks(run.dagId, run.runId);
		expect(cleared.length).toBeGreaterThan(0);
		expect(run.state).toBe('queued');
		const triggered = await c.triggerRun(s.world.dags[0].dagId, { reason: 'auto' });
		expect(triggered).toMatchObject({ pipeline: s.world.dags[0].dagId, state: 'queued', runType: 'manual' });
		s.inject({ kind: 'status', status: 503, path: '/dagRuns', method: 'POST', times: 5 });
		const before = s.requestCount;
		await expect(c.triggerRun(s.world.dags[0].dagId, {})).rejects.toMatchObject({ status: 503 });
		expect(s.requestCount - before).toBe(1);
	});

	it('rejects wrong credentials with a hint and without the password in the message', async () => {
		const s = await sim({ version, dags: 1, runsPerDag: 1 });
		const c = client(s, { auth: version === 'v1' ? { kind: 'basic', username: 'admin', password: 's3cret-wrong' } : { kind: 'token', username: 'admin', password: 's3cret-wrong' } });
		const err = (await c.listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(err).toBeInstanceOf(AirflowApiError);
		expect(err.status).toBe(401);
		expect(err.hint).toMatch(/username and password/);
		expect(JSON.stringify({ m: err.message, h: err.hint, a: err.airflowMessage })).not.toContain('s3cret-wrong');
	});

	it('retries reads on 429 honouring Retry-After, and on 500/502/503, truncated JSON, HTML proxy pages and resets', async () => {
		const s = await sim({ version, dags: 5, runsPerDag: 4, seed: 1 });
		const waits: number[] = [];
		const c = client(s, { sleep: async (ms) => void waits.push(ms) });
		await c.version();
		s.inject(
			{ kind: 'status', status: 429, retryAfter: 2, path: 'dagRuns/list' },
			{ kind: 'status', status: 500, path: 'dagRuns/list' },
			{ kind: 'html', status: 502, path: 'dagRuns/list' },
			{ kind: 'status', status: 503, path: 'dagRuns/list' },
			{ kind: 'truncated', path: 'dagRuns/list' },
			{ kind: 'reset', path: 'dagRuns/list' },
		);
		const runs = await c.listRuns({ from: dayAgo() });
		expect(runs).toHaveLength(20);
		expect(waits[0]).toBe(2000);
		expect(waits).toHaveLength(6);
	});

	it('gives up after the time budget with Airflow’s own message and a hint', async () => {
		const s = await sim({ version, dags: 2, runsPerDag: 2 });
		const c = client(s, { retryBudgetMs: 1500 });
		await c.version();
		s.inject({ kind: 'status', status: 503, path: 'dagRuns/list', times: Infinity });
		const err = (await c.listRuns({}).catch((e: unknown) => e)) as AirflowApiError;
		expect(err).toBeInstanceOf(AirflowApiError);
		expect(err.status).toBe(503);
		expect(err.attempts).toBeGreaterThan(1);
		expect(err.airflowMessage).toMatch(/temporarily unable/);
		expect(err.hint).toMatch(/retries were exhausted/);
	});

	it('gives up on a server that never answers', async () => {
		const s = await sim({ version, dags: 2, runsPerDag: 2 });
		const c = client(s, { timeoutMs: 200, retryBudgetMs: 300 });
		await c.version();
		s.inject({ kind: 'timeout', path: '/dags', times: Infinity });
		const err = (await c.listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(err).toBeInstanceOf(AirflowApiError);
		expect(err.kind).toBe('timeout');
	});

	it('rejects bad input naming the field', async () => {
		const s = await sim({ version, dags: 1, runsPerDag: 1 });
		const c = client(s);
		await expect(c.getLog('', 'r', 't', 1)).rejects.toBeInstanceOf(InputError);
		await expect(c.getLog('d', 'r', 't', 0)).rejects.toMatchObject({ field: 'tryNumber' });
	});
});

describe('auth and versions', () => {
	it('Airflow 3: one token for the whole execution, renewed once on 401 after expiry', async () => {
		const s = await sim({ version: 'v2', dags: 10, runsPerDag: 10, seed: 1, maxPageLimit: 10 });
		const c = client(s, { pageSize: 10 });
		await c.listRuns({ from: dayAgo() });
		expect(s.requests.filter((r) => r.path === '/auth/token')).toHaveLength(1);
		s.expireTokens();
		const runs = await c.listRuns({ from: dayAgo() });
		expect(runs).toHaveLength(100);
		expect(s.requests.filter((r) => r.path === '/auth/token')).toHaveLength(2);
	});

	it('Airflow 3 rejects basic auth; Airflow 2 with basic auth disabled explains the backend setting', async () => {
		const s3 = await sim({ version: 'v2', dags: 1, runsPerDag: 1 });
		const e3 = (await client(s3, { auth: { kind: 'basic', username: 'admin', password: 'admin' } }).listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(e3.status).toBe(401);
		expect(e3.hint).toMatch(/Airflow 3 does not accept basic auth/);
		const s2 = await sim({ version: 'v1', dags: 1, runsPerDag: 1, auth: { basic: false } });
		const e2 = (await client(s2).listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(e2.status).toBe(401);
		expect(e2.airflowMessage).toMatch(/Basic authentication is not enabled/);
		expect(e2.hint).toMatch(/auth_backends/);
	});

	it('bearer tokens work on both versions', async () => {
		for (const version of ['v1', 'v2'] as const) {
			const s = await sim({ version, dags: 3, runsPerDag: 1 });
			const dags = await client(s, { auth: { kind: 'bearer', token: 'static-token' } }).listDags();
			expect(dags).toHaveLength(3);
		}
	});

	it('a base URL that is not Airflow gives a clear error naming it', async () => {
		const s = await sim({ version: 'v1', dags: 1, runsPerDag: 1 });
		const c = client(s, { baseUrl: s.url + '/not-airflow' });
		const err = (await c.listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(err).toBeInstanceOf(AirflowApiError);
		expect(err.airflowMessage).toContain('/not-airflow');
		s.violations.length = 0; // the probes of unknown paths are expected here
	});

	it('the wrong fixed version says so', async () => {
		const s = await sim({ version: 'v1', dags: 1, runsPerDag: 1 });
		const err = (await client(s, { version: 'v2', auth: { kind: 'basic', username: 'admin', password: 'admin' } }).listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(err.kind).toBe('html');
		expect(err.hint).toMatch(/API version/);
	});

	it('a refused connection and a malformed URL are explained', async () => {
		// a simulator of its own (not the harness's): it is stopped here, before the request
		const s = await start({ version: 'v1', dags: 1, runsPerDag: 1 });
		const url = s.url;
		await s.stop();
		const err = (await client({ ...s, url } as Simulator, { retryBudgetMs: 200 }).listDags().catch((e: unknown) => e)) as AirflowApiError;
		expect(err.hint).toMatch(/Nothing listens|base URL/);
		expect(() => new AirflowClient({ baseUrl: 'airflow.local', version: 'auto', auth: { kind: 'none' } })).toThrow(/not a URL|http/);
	});
});

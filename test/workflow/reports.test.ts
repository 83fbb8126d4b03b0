/**
 * Tier 2 for the report workflows: the real workflow files, executed in-process by n8n-core, with
 * the nodes that need a credential (Postgres, Airflow) replaced by canned output and Teams Table
 * set not to send. This checks the wiring and every expression (filters, merges, settings,
 * failed-table items, heartbeat checks and title) quickly; test/real/reports.test.ts proves the
 * same files against real n8n, Postgres, the Airflow simulator and the Teams receiver.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { harnessAvailable, runWorkflow } from './harness';
import type { WorkflowJson } from './harness';

const BASE = ['ManualTrigger/ManualTrigger', 'Set/Set', 'Transform/SplitOut/SplitOut', 'Filter/Filter', 'Merge/Merge', 'If/If', 'Postgres/Postgres', 'MySql/MySql'];
const available = harnessAvailable();
const maybe = available ? describe : describe.skip;

type Node = WorkflowJson["nodes"][number] & { position?: number[]; credentials?: unknown; executeOnce?: boolean; alwaysOutputData?: boolean; disabled?: boolean };
type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;

function load(file: string): WorkflowJson {
	const wf = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'workflows', file), 'utf8')) as WorkflowJson;
	// the harness starts at the first trigger it finds (keep the manual one) and has no sticky notes
	wf.nodes = wf.nodes.filter((n) => n.type !== 'n8n-nodes-base.scheduleTrigger' && n.type !== 'n8n-nodes-base.stickyNote');
	return wf;
}

/** Replaces a node by canned items: a Set node (holding the list) feeding a Split Out with the original name. */
function stub(wf: WorkflowJson, name: string, items: Array<Record<string, unknown>>): void {
	const nodes = wf.nodes as Node[];
	const i = nodes.findIndex((n) => n.name === name);
	if (i < 0) throw new Error(`no node ${name}`);
	const original = nodes[i];
	const source = `${name} (canned)`;
	nodes[i] = { name: source, type: 'n8n-nodes-base.set', typeVersion: 3.4, position: original.position, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} }, executeOnce: true } as Node;
	nodes.push({ name, type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: original.position, parameters: { fieldToSplitOut: 'items', options: {} }, alwaysOutputData: original.alwaysOutputData } as Node);
	const connections = wf.connections as Connections;
	for (const outputs of Object.values(connections)) for (const list of outputs.main) for (const c of list) if (c.node === name) c.node = source;
	connections[source] = { main: [[{ node: name, type: 'main', index: 0 }]] };
}

function noSend(wf: WorkflowJson): void {
	for (const n of wf.nodes as Node[]) {
		if (n.type === 'n8n-nodes-pipeline-monitor.teamsTable') {
			n.parameters = { ...n.parameters, send: false };
			delete n.credentials;
		}
	}
}

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const run = (pipeline: string, k: number, state: string) => ({
	source: 'airflow',
	pipeline,
	runId: `scheduled__${k}`,
	state,
	startedAt: iso(k * 3600_000 + 20 * 60_000),
	endedAt: iso(k * 3600_000 + 10 * 60_000),
	url: `http://airflow/dags/${pipeline}/runs/scheduled__${k}`,
});

maybe('report workflows in-process (credentialed nodes canned)', () => {
	it('status report: Airflow and n8n runs merge into Traffic Light with the expectations; the Teams table lists every pipeline', async () => {
		const wf = load('pipeline-status-report.json');
		stub(wf, 'Load pipelines', [
			{ pipeline: 'sales_daily', service: 'airflow', schedule: null, timezone: 'Asia/Seoul', deadline: null, expectedDurationMin: 30, previousLight: null },
			{ pipeline: 'crm_etl', service: 'airflow', schedule: null, timezone: 'Asia/Seoul', deadline: null, expectedDurationMin: 30, previousLight: 'green' },
			{ pipeline: 'Nightly export', service: 'n8n', schedule: null, timezone: 'Asia/Seoul', deadline: null, expectedDurationMin: null, previousLight: null },
			{ pipeline: 'ghost', service: 'airflow', schedule: null, timezone: 'Asia/Seoul', deadline: null, expectedDurationMin: null, previousLight: null },
		]);
		stub(wf, 'Fetch Airflow runs', [run('sales_daily', 0, 'success'), run('sales_daily', 1, 'success'), run('crm_etl', 0, 'failed'), run('crm_etl', 1, 'success')]);
		stub(wf, 'Load n8n runs', [{ source: 'n8n', pipeline: 'Nightly export', runId: '77', state: 'error', startedAt: iso(3600_000), endedAt: iso(3500_000), url: 'http://n8n/execution/77' }]);
		stub(wf, 'Store lights and history', [{ lightsStored: 4, historyRowsAdded: 4 }]);
		noSend(wf);
		const result = await runWorkflow(wf, BASE);
		const lights = Object.fromEntries(result.output('Pipeline Traffic Light').map((l) => [l.pipeline, l.light]));
		expect(lights).toEqual({ sales_daily: 'green', crm_etl: 'red', 'Nightly export': 'red', ghost: 'grey' });
		const [message] = result.output('Post report to Teams');
		expect(checkWorkflowsMessage(message.payload)).toEqual({ valid: true, errors: [] });
		const text = JSON.stringify(message.payload);
		expect(text).toContain('파이프라인 현황');
		expect(text).toContain('http://localhost:5678/webhook/pipeline-monitor/status');
		for (const p of Object.keys(lights)) expect(text).toContain(p);
	});

	it('status changes: only changed pipelines reach the store and Teams; nothing changed → neither runs', async () => {
		const expectations = [
			{ pipeline: 'sales_daily', service: 'airflow', timezone: 'Asia/Seoul', previousLight: 'green' },
			{ pipeline: 'crm_etl', service: 'airflow', timezone: 'Asia/Seoul', previousLight: 'green' },
		];
		const wf = load('pipeline-status-changes.json');
		stub(wf, 'Load pipelines', expectations);
		stub(wf, 'Fetch Airflow runs', [run('sales_daily', 0, 'success'), run('crm_etl', 0, 'failed')]);
		stub(wf, 'Store changed lights', [{ lightsStored: 1, historyRowsAdded: 1 }]);
		const history = [
			{ pipeline: 'sales_daily', service: 'airflow', backfill: false, events: [], evaluations: [] },
			{ pipeline: 'crm_etl', service: 'airflow', backfill: false, events: [], evaluations: [] },
		];
		stub(wf, 'Load history inputs', history);
		stub(wf, 'Store history days', [{ daysStored: 4 }]);
		noSend(wf);
		const result = await runWorkflow(wf, BASE);
		expect(result.output('Pipeline Traffic Light').map((l) => l.pipeline)).toEqual(['crm_etl']);
		expect(JSON.stringify(result.output('Post changes to Teams')[0].payload)).toContain('파이프라인 상태 변경');
		// the history days: yesterday and today of each pipeline from the runs already fetched, no history fetch
		const days = result.output('Build history days');
		expect(days).toHaveLength(4);
		expect(days.filter((d) => d.light !== null).map((d) => [d.pipeline, d.light, d.runs, d.failed])).toEqual([
			['sales_daily', 'green', 1, 0],
			['crm_etl', 'red', 1, 1],
		]);
		expect(() => result.output('Fetch Airflow history')).toThrow(/did not run/);

		const quiet = load('pipeline-status-changes.json');
		stub(quiet, 'Load pipelines', expectations);
		stub(quiet, 'Fetch Airflow runs', [run('sales_daily', 0, 'success'), run('crm_etl', 0, 'success')]);
		stub(quiet, 'Store changed lights', [{ lightsStored: 0 }]);
		stub(quiet, 'Load history inputs', history);
		stub(quiet, 'Store history days', [{ daysStored: 4 }]);
		noSend(quiet);
		const calm = await runWorkflow(quiet, BASE);
		// (below: a first fill whose Airflow request failed)
		expect(calm.output('Pipeline Traffic Light')).toEqual([]);
		expect(() => calm.output('Store changed lights')).toThrow(/did not run/);
		expect(() => calm.output('Post changes to Teams')).toThrow(/did not run/);
		// nothing changed, yet the history days are written
		expect(calm.output('Build history days')).toHaveLength(4);

		// a new Airflow pipeline (nothing stored) whose history request fails: the others are written,
		// it is left for a later run rather than stored without its runs
		const failing = load('pipeline-status-changes.json');
		stub(failing, 'Load pipelines', expectations);
		stub(failing, 'Fetch Airflow runs', [run('sales_daily', 0, 'success'), run('crm_etl', 0, 'success')]);
		stub(failing, 'Store changed lights', [{ lightsStored: 0 }]);
		stub(failing, 'Load history inputs', [history[0], { ...history[1], backfill: true, fetchFrom: iso(15 * 86_400_000) }]);
		stub(failing, 'Fetch Airflow history', [{ error: 'Airflow answered 503 Service Unavailable' }]);
		stub(failing, 'Store history days', [{ daysStored: 2 }]);
		noSend(failing);
		const partial = await runWorkflow(failing, BASE);
		expect(partial.output('Fetch Airflow history')).toEqual([{ error: 'Airflow answered 503 Service Unavailable' }]);
		expect(partial.output('Build history days').map((d) => d.pipeline)).toEqual(['sales_daily', 'sales_daily']);
	});

	it('row-count monitor: a table that could not be counted becomes a red row of its own; MySQL rows become items with freshness, mute and annotations', async () => {
		const wf = load('row-count-monitor.json');
		const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
		stub(wf, 'Load monitored tables', [
			{ table_name: 'dw.orders', connection: 'default', cadence: 'regular', count_mode: 'exact', thresholds: {} },
			{ table_name: 'dw.gone', connection: 'default', cadence: 'regular', count_mode: 'exact', thresholds: {} },
			{ table_name: 'shop.items', connection: 'mysql', cadence: 'regular', count_mode: 'estimate', thresholds: { minAbsChange: 5 }, timestamp_column: 'updated_at', max_lag_minutes: 60, mute_until: today, annotations: [] },
			{ table_name: 'shop.notes', connection: 'mysql', cadence: 'regular', count_mode: 'exact', thresholds: {}, timestamp_column: 'note' },
		]);
		const now = new Date().toISOString();
		stub(wf, 'Count rows (Postgres source)', [
			{ table: 'dw.orders', rows: '2000', measuredAt: now, cadence: 'regular', estimated: false, error: null },
			{ table: 'dw.gone', rows: null, measuredAt: now, cadence: 'regular', estimated: false, error: 'table dw.gone does not exist in this database' },
		]);
		// as the MySQL node answers (one row per table): a TIMESTAMP column's newest row as epoch seconds
		stub(wf, 'Count rows (MySQL)', [
			{ table: 'shop.items', rows: 42, latest_epoch: Math.floor(Date.now() / 1000) - 3 * 3600, latest_local: null, error: null, error_code: null },
			{ table: 'shop.notes', rows: null, latest_epoch: null, latest_local: null, error: 'timestamp column note of table shop.notes holds no timestamps (type varchar)', error_code: 'freshness_failed' },
		]);
		// days in Asia/Seoul, as the workflow judges them (from 15:00 UTC the UTC date is Seoul's yesterday)
		const day = (d: number) => new Date(Date.now() + 9 * 3600_000 - d * 86400_000).toISOString().slice(0, 10);
		stub(wf, 'Load history', Array.from({ length: 10 }, (_, k) => ({ table: 'dw.orders', date: day(10 - k), rows: 1000 + 100 * k })));
		stub(wf, 'Store row counts', [{ countsStored: 1 }]);
		noSend(wf);
		const result = await runWorkflow(wf, BASE);
		const judged = Object.fromEntries(result.output('Row Count Diff').map((r) => [r.table, r]));
		expect(Object.keys(judged).sort()).toEqual(['dw.orders', 'shop.items']);
		expect(judged['dw.orders']).toMatchObject({ light: 'green' });
		expect(judged['dw.orders'].freshness).toBeUndefined();
		// 3 h old against 60 min allowed: stale, but muted today (the volume has no history yet: grey); the item kept its estimate flag and threshold
		expect(judged['shop.items']).toMatchObject({ rows: 42, light: 'grey', freshness: { light: 'green', reason: { code: 'muted' } } });
		expect(judged['shop.items'].lagMinutes as number).toBeGreaterThan(175);
		const counted = result.output('MySQL counts as items').find((i) => i.table === 'shop.items')!;
		expect(counted).toMatchObject({ estimated: true, minAbsChange: 5, timestampColumn: 'updated_at', maxLagMinutes: 60, muteUntil: today });
		const failed = Object.fromEntries(result.output('Failed tables').map((f) => [f.table, f]));
		expect(failed['dw.gone']).toMatchObject({ light: 'red', rows: null, reason: { code: 'count_failed', text: '집계 실패: table dw.gone does not exist in this database' } });
		expect(failed['shop.notes'].reason).toMatchObject({ code: 'freshness_failed', text: expect.stringContaining('신선도 확인 실패: timestamp column note') });
		const anomalies = JSON.stringify(result.output('Post anomalies to Teams')[0].payload);
		expect(anomalies).toContain('dw.gone');
		expect(anomalies).toContain('shop.notes');
		expect(anomalies).not.toContain('dw.orders');
		const daily = result.output('Post daily loaded rows to Teams')[0];
		expect(checkWorkflowsMessage(daily.payload)).toEqual({ valid: true, errors: [] });
		expect(JSON.stringify(daily.payload)).toContain('dw.orders');
	});

	it('heartbeat: a failing Airflow check is named in the title and the row, the others still run', async () => {
		const wf = load('heartbeat.json');
		stub(wf, 'Check Airflow', [{ error: 'Airflow answered 503 Service Unavailable', description: 'Check the api-server' }]);
		stub(wf, 'Check database', [{ ok: 1, database: 'monitor', checkedAt: new Date().toISOString() }]);
		stub(wf, 'Store heartbeat', [{ id: 1 }]);
		noSend(wf);
		const result = await runWorkflow(wf, BASE);
		const [{ checks }] = result.output('Build checks') as Array<{ checks: Array<{ name: string; ok: boolean; light: string; message: string }> }>;
		expect(checks.map((c) => [c.name, c.ok, c.light])).toEqual([
			['Airflow', false, 'red'],
			['데이터베이스', true, 'green'],
		]);
		expect(checks[0].message).toBe('응답 없음: Airflow answered 503 Service Unavailable (Check the api-server)');
		const [message] = result.output('Post heartbeat to Teams');
		expect(checkWorkflowsMessage(message.payload)).toEqual({ valid: true, errors: [] });
		expect(JSON.stringify(message.payload)).toContain('모니터링 작동 중, 확인 필요: Airflow');
	});
});

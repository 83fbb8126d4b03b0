import fs from 'node:fs';
import path from 'node:path';
import { harnessAvailable, runWorkflow } from './harness';
import type { WorkflowJson } from './harness';

export const BASE = ['ManualTrigger/ManualTrigger', 'Set/Set', 'Transform/SplitOut/SplitOut'];
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8')) as WorkflowJson;
const available = harnessAvailable();
if (!available) console.warn('[workflow tier] skipped: run `npm test` (it installs n8n and builds dist/ first)');
const maybe = available ? describe : describe.skip;

maybe('Traffic Light in-process workflow (n8n-core WorkflowExecute)', () => {
	it('classifies the sample runs with the sample expectations (input 2)', async () => {
		const result = await runWorkflow(load('sample-traffic-light.json'), BASE);
		const out = result.output('Pipeline Traffic Light');
		const lights = Object.fromEntries(out.filter((o) => !o.summary).map((o) => [o.pipeline, o.light]));
		expect(lights).toEqual({
			sales_daily: 'green',
			crm_sync: 'red',
			ad_spend_import: 'yellow',
			inventory_snapshot: 'yellow',
			billing_export: 'red',
			ml_features: 'yellow',
			finance_close: 'grey',
			legacy_reports: 'grey',
		});
		expect(out[out.length - 1]).toMatchObject({ summary: true, counts: { red: 2, yellow: 3, green: 1, grey: 2 } });
	});

	it('status-change mode outputs only pipelines whose light changed', async () => {
		const wf = load('sample-traffic-light.json');
		const node = wf.nodes.find((n) => n.name === 'Pipeline Traffic Light')!;
		node.parameters = { ...node.parameters, outputMode: 'changed', includeSummary: false };
		const out = (await runWorkflow(wf, BASE)).output('Pipeline Traffic Light');
		const names = out.map((o) => o.pipeline).sort();
		// crm_sync was red and is red; sales_daily was green and is green
		expect(names).not.toContain('crm_sync');
		expect(names).not.toContain('sales_daily');
		expect(names).toContain('billing_export');
	});

	it('a bad run item fails alone with continue-on-fail, and stops the node without it', async () => {
		const wf = load('sample-traffic-light.json');
		const runsNode = wf.nodes.find((n) => n.name === 'Sample runs')!;
		const data = JSON.parse(runsNode.parameters.jsonOutput as string);
		data.runs.push({ pipeline: 'broken', runId: 'x', state: 'exploded', url: '' });
		runsNode.parameters = { ...runsNode.parameters, jsonOutput: JSON.stringify(data) };
		const failing = await runWorkflow(wf, BASE);
		expect(failing.error('Pipeline Traffic Light')?.message).toMatch(/state is not a known Airflow or n8n state: "exploded"/);
		const light = wf.nodes.find((n) => n.name === 'Pipeline Traffic Light')! as { onError?: string };
		light.onError = 'continueRegularOutput';
		const out = (await runWorkflow(wf, BASE)).output('Pipeline Traffic Light');
		expect(out.filter((o) => o.error)).toHaveLength(1);
		expect(out.filter((o) => o.light)).toHaveLength(8);
	});
});

maybe('Traffic Light node: schedules and time zones (issue 17)', () => {
	/** The sample workflow with its runs and expectations replaced. */
	function withData(runs: object[], expectations: object[], parameters: Record<string, unknown> = {}) {
		const wf = load('sample-traffic-light.json');
		const set = (name: string, data: object) => {
			const node = wf.nodes.find((n) => n.name === name)!;
			node.parameters = { ...node.parameters, jsonOutput: JSON.stringify(data) };
		};
		set('Sample runs', { runs });
		set('Sample expectations', { expectations });
		const node = wf.nodes.find((n) => n.name === 'Pipeline Traffic Light')!;
		node.parameters = { ...node.parameters, includeSummary: false, ...parameters, options: { now: '2026-11-22T20:00:00+09:00' } };
		return wf;
	}
	const run = (pipeline: string, runAfter: string, runType = 'scheduled') => ({
		source: 'airflow', pipeline, runId: `${runType}__${runAfter}`, state: 'success', runType, runAfter, logicalDate: runAfter,
		startedAt: runAfter, endedAt: runAfter.replace(':00:00', ':20:00'), url: '',
	});

	it('an asset-triggered DAG does not stop the node, and an expectation without time zone is read in UTC by default', async () => {
		const wf = withData(
			[run('assets', '2026-11-20T03:00:00Z', 'asset_triggered'), run('noon', '2026-11-21T12:00:00Z')],
			[{ pipeline: 'assets', schedule: 'Asset' }, { pipeline: 'noon', schedule: '0 12 * * *' }],
		);
		const out = (await runWorkflow(wf, BASE)).output('Pipeline Traffic Light');
		expect(Object.fromEntries(out.map((o) => [o.pipeline, o.light]))).toEqual({ assets: 'green', noon: 'green' });
	});

	it('"Airflow Default Time Zone", not the display zone, places the ticks of expectations without their own zone', async () => {
		const wf = withData([run('noon', '2026-11-21T12:00:00Z')], [{ pipeline: 'noon', schedule: '0 12 * * *' }], { timezone: 'UTC', scheduleTimezone: 'Asia/Seoul' });
		const [light] = (await runWorkflow(wf, BASE)).output('Pipeline Traffic Light');
		// 12:00 in Seoul is 03:00 UTC: today's run at that tick is missing
		expect(light).toMatchObject({ pipeline: 'noon', light: 'red' });
		expect((light.reasons as Array<{ code: string }>).map((r) => r.code)).toContain('missed_run');
	});
});

maybe('Row Count Diff in-process workflow', () => {
	it('judges the sample tables', async () => {
		const out = (await runWorkflow(load('sample-row-count.json'), BASE)).output('Row Count Diff');
		expect(Object.fromEntries(out.map((o) => [o.table, [o.light, (o.reason as { code: string }).code]]))).toEqual({
			'dw.orders': ['green', 'normal'],
			'dw.payments': ['red', 'drop'],
			'dw.sessions': ['red', 'zero_growth'],
			'dw.monthly_settlement': ['green', 'monthly_waiting'],
		});
	});
});

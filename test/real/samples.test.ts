/**
 * Tier 3: the real n8n 2.x CLI (Node 24) on an embedded Postgres, with this package installed as
 * a community package (node types n8n-nodes-pipeline-monitor.*), runs the example workflows.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;
if (!ready) console.warn('[real tier] skipped: dist/ missing; run `npm test`, which builds first');

maybe('real n8n 2.x with the package as community package', () => {
	let results: Array<{ workflow: string; items: Array<Record<string, unknown>> }> = [];
	beforeAll(() => {
		const run = spawnSync(process.execPath, [path.join(ROOT, 'test/rig/run-samples.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
		if (run.status !== 0) throw new Error(`run-samples failed (${run.status}): ${run.stderr.slice(-3000)}`);
		results = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
	}, 620_000);

	it('executes the Traffic Light sample workflow and gives the expected lights', () => {
		const items = results.find((r) => r.workflow === 'sample-traffic-light.json')!.items;
		const lights = Object.fromEntries(items.filter((i) => !i.summary).map((i) => [i.pipeline, i.light]));
		expect(lights).toMatchObject({ sales_daily: 'green', crm_sync: 'red', ad_spend_import: 'yellow', billing_export: 'red', legacy_reports: 'grey' });
		expect(items.find((i) => i.summary)).toMatchObject({ counts: { red: 2, yellow: 3, green: 1, grey: 2 } });
	});

	it('executes the Row Count Diff sample workflow and gives the expected verdicts', () => {
		const items = results.find((r) => r.workflow === 'sample-row-count.json')!.items;
		expect(Object.fromEntries(items.map((i) => [i.table, i.light]))).toEqual({
			'dw.orders': 'green',
			'dw.payments': 'red',
			'dw.sessions': 'red',
			'dw.monthly_settlement': 'green',
		});
	});
});

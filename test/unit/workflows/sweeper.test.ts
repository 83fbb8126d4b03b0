/**
 * workflows/airflow-failure-sweeper.json is written by scripts/sweeper-workflow.cjs from the
 * collector, so its reporting chain is the collector's own: after editing the collector run
 * `node scripts/sweeper-workflow.cjs` (this test fails until then).
 */
import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '..', '..', '..', 'workflows');
const read = (f: string): { nodes: { name: string; type: string; parameters: Record<string, unknown> }[]; connections: Record<string, unknown> } => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));

describe('airflow failure sweeper workflow', () => {
	it('is what scripts/sweeper-workflow.cjs writes from the collector', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { sweeperWorkflow } = require('../../../scripts/sweeper-workflow.cjs') as { sweeperWorkflow: (wf: unknown) => unknown };
		const expected = JSON.stringify(sweeperWorkflow(read('airflow-failure-collector.json')), null, 2) + '\n';
		expect(fs.readFileSync(path.join(DIR, 'airflow-failure-sweeper.json'), 'utf8')).toBe(expected);
	});

	it('sweeps with the Airflow node and stores with the collector\'s statement; the failure reporter reports', () => {
		const sweeper = read('airflow-failure-sweeper.json');
		const collector = read('airflow-failure-collector.json');
		const find = sweeper.nodes.find((n) => n.name === 'Find Failures')!;
		expect(find.parameters).toMatchObject({ resource: 'taskInstance', operation: 'failures', mode: 'sweep' });
		const store = (wf: typeof sweeper): unknown => wf.nodes.find((n) => n.name === 'Store Event')!.parameters;
		expect(store(sweeper)).toEqual(store(collector));
		expect(JSON.stringify(store(sweeper))).toContain('ON CONFLICT (event_key) DO NOTHING');
		expect(sweeper.connections['Find Failures']).toEqual({ main: [[{ node: 'Store Event', type: 'main', index: 0 }]] });
		// neither the sweeper nor the collector reports: no card, log or model node of their own
		for (const wf of [sweeper, collector]) expect(wf.nodes.filter((n) => /teamsTable|logSummarizer|actionLinks/.test(n.type))).toEqual([]);
		const reporter = read('failure-reporter.json');
		for (const name of ['Claim Failures', 'Get Task Log', 'Summarize Failure', 'Route and group', 'Post Red Card', 'Record Notification']) expect(reporter.nodes.map((n) => n.name)).toContain(name);
		for (const wf of [sweeper, collector, reporter]) {
			const names = new Set(wf.nodes.map((n) => n.name));
			for (const ref of JSON.stringify(wf.nodes).matchAll(/\$\('([^']+)'\)/g)) expect(names).toContain(ref[1]);
		}
	});

	it('the collector only checks, expands a DAG-level failure, stores in one statement and answers', () => {
		const collector = read('airflow-failure-collector.json');
		expect(collector.nodes.find((n) => n.name === 'Expand Run Failure')!.parameters).toMatchObject({ operation: 'failures', mode: 'expand', keepOnError: true });
		expect(collector.connections['Airflow Callback']).toEqual({ main: [[{ node: 'Check Body', type: 'main', index: 0 }]] });
		expect(collector.connections['Check Body']).toEqual({ main: [[{ node: 'Expand Run Failure', type: 'main', index: 0 }], [{ node: 'Answer 400', type: 'main', index: 0 }]] });
		expect(collector.connections['Expand Run Failure']).toEqual({ main: [[{ node: 'Store Event', type: 'main', index: 0 }]] });
		expect(collector.connections['Store Event']).toEqual({ main: [[{ node: 'Answer 202', type: 'main', index: 0 }]] });
		expect(collector.connections['Answer 202']).toBeUndefined();
		// every expanded event in one statement: stored whole or not at all
		expect(collector.nodes.find((n) => n.name === 'Store Event')).toMatchObject({ executeOnce: true });
		expect((collector as unknown as { settings: Record<string, unknown> }).settings).toMatchObject({ saveDataSuccessExecution: 'none', saveManualExecutions: false });
	});
});

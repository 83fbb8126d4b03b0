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

	it('sweeps with the Airflow node, stores with the collector\'s statement, and reports with the collector\'s nodes', () => {
		const sweeper = read('airflow-failure-sweeper.json');
		const collector = read('airflow-failure-collector.json');
		const find = sweeper.nodes.find((n) => n.name === 'Find Failures')!;
		expect(find.parameters).toMatchObject({ resource: 'taskInstance', operation: 'failures', mode: 'sweep' });
		const store = (wf: typeof sweeper): unknown => wf.nodes.find((n) => n.name === 'Store Event')!.parameters;
		expect(store(sweeper)).toEqual(store(collector));
		expect(JSON.stringify(store(sweeper))).toContain('ON CONFLICT (event_key) DO NOTHING');
		for (const name of ['Get Task Log', 'Summarize Failure', 'Card Row', 'Post Red Card', 'Record Notification']) {
			const a = JSON.stringify(collector.nodes.find((n) => n.name === name)!.parameters).split("$('Check Callback')").join("$('Failure')");
			expect(JSON.stringify(sweeper.nodes.find((n) => n.name === name)!.parameters)).toBe(a);
		}
		// no reference to a node the sweeper does not have
		const names = new Set(sweeper.nodes.map((n) => n.name));
		for (const ref of JSON.stringify(sweeper.nodes).matchAll(/\$\('([^']+)'\)/g)) expect(names).toContain(ref[1]);
	});

	it('the collector expands a DAG-level failure before storing, and reports every new event in turn', () => {
		const collector = read('airflow-failure-collector.json');
		const names = new Set(collector.nodes.map((n) => n.name));
		for (const ref of JSON.stringify(collector.nodes).matchAll(/\$\('([^']+)'\)/g)) expect(names).toContain(ref[1]);
		expect(collector.nodes.find((n) => n.name === 'Expand Run Failure')!.parameters).toMatchObject({ operation: 'failures', mode: 'expand', keepOnError: true });
		expect(collector.connections.Settings).toEqual({ main: [[{ node: 'Check Body', type: 'main', index: 0 }]] });
		// the event being reported is fed by the loop only
		const into = (name: string): string[] => Object.entries(collector.connections).flatMap(([from, c]) => ((c as { main: { node: string }[][] }).main.flat().some((x) => x.node === name) ? [from] : []));
		expect(into('Check Callback')).toEqual(['Each New Failure']);
		expect(collector.connections['Check Body']).toEqual({ main: [[{ node: 'Expand Run Failure', type: 'main', index: 0 }], [{ node: 'Answer 400', type: 'main', index: 0 }]] });
		expect(collector.connections['Record Notification']).toEqual({ main: [[{ node: 'Each New Failure', type: 'main', index: 0 }]] });
	});
});

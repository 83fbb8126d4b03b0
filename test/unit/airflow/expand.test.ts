/**
 * The Airflow node's Expand mode at the collector's intake (issue 15): task-level events pass
 * unchanged without the credential being read; a run-level failure, or an item the operation
 * would refuse, takes the normal path (which reads the credential).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { Airflow } from '../../../nodes/Airflow/Airflow.node';

const task = { source: 'airflow', kind: 'failure', eventKey: 'airflow|d|r|t|1', pipeline: 'd', runId: 'r', taskId: 't', tryNumber: 1 };
const run = { source: 'airflow', kind: 'failure', eventKey: 'airflow|d|r|-|-', pipeline: 'd', runId: 'r', taskId: null };

function ctx(items: Array<Record<string, unknown>>, params: Record<string, string> = { resource: 'taskInstance', operation: 'failures', mode: 'expand' }) {
	const credentialReads: string[] = [];
	const fake = {
		getInputData: () => items.map((json) => ({ json })),
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => params[name] ?? fallback,
		getCredentials: async (type: string) => {
			credentialReads.push(type);
			throw new Error('credential read');
		},
		getNode: () => ({ name: 'Expand Run Failure', type: 'n8n-nodes-pipeline-monitor.airflow', typeVersion: 1, parameters: {} }),
	};
	return { fake: fake as unknown as IExecuteFunctions, credentialReads };
}

describe('Airflow node, Expand mode fast path', () => {
	it('passes task-level events through unchanged, paired, without reading the credential', async () => {
		const { fake, credentialReads } = ctx([task, { ...task, eventKey: 'airflow|d|r|u|1', taskId: 'u' }]);
		const out = await new Airflow().execute.call(fake);
		expect(out).toEqual([[{ json: task, pairedItem: { item: 0 } }, { json: { ...task, eventKey: 'airflow|d|r|u|1', taskId: 'u' }, pairedItem: { item: 1 } }]]);
		expect(credentialReads).toEqual([]);
	});

	it.each([
		['a run-level failure', [task, run]],
		['an item without its event key (refused by the operation)', [{ ...task, eventKey: '' }]],
	])('takes the normal path for %s', async (_name, items) => {
		const { fake, credentialReads } = ctx(items as Array<Record<string, unknown>>);
		await expect(new Airflow().execute.call(fake)).rejects.toThrow('credential read');
		expect(credentialReads).toEqual(['airflowApi']);
	});

	it('never short-cuts another operation or the sweep', async () => {
		const cases: Array<Record<string, string>> = [{ resource: 'taskInstance', operation: 'failures', mode: 'sweep' }, { resource: 'dagRun', operation: 'getMany' }];
		for (const params of cases) {
			const { fake, credentialReads } = ctx([task], params);
			await expect(new Airflow().execute.call(fake)).rejects.toThrow('credential read');
			expect(credentialReads).toEqual(['airflowApi']);
		}
	});
});

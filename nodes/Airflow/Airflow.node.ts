import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import * as action from './actions/action';
import * as dag from './actions/dag';
import * as dagRun from './actions/dagRun';
import * as health from './actions/health';
import { route } from './actions/router';
import * as taskInstance from './actions/taskInstance';
import { expandsNothing } from './actions/taskInstance/failures.operation';
import * as taskLog from './actions/taskLog';
import { toNodeError } from './helpers/errors';
import { airflowApiTest } from './methods/credentialTest';
import { clientFrom, type AirflowCredentials } from './transport';

const op = (resource: string, options: { name: string; value: string; description: string; action: string }[], def: string): INodeProperties => ({
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: [resource] } },
	options,
	default: def,
});

export class Airflow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Airflow',
		name: 'airflow',
		icon: { light: 'file:airflow.svg', dark: 'file:airflow.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
		description: 'Fetch DAG runs, task instances and logs from Airflow 2 and 3, check health, retry or trigger runs',
		defaults: { name: 'Airflow' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'airflowApi', required: true, testedBy: 'airflowApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Action', value: 'action', description: 'Writes: clear failed tasks, trigger a run' },
					{ name: 'DAG', value: 'dag' },
					{ name: 'DAG Run', value: 'dagRun' },
					{ name: 'Health', value: 'health' },
					{ name: 'Task Instance', value: 'taskInstance' },
					{ name: 'Task Log', value: 'taskLog' },
				],
				default: 'dagRun',
			},
			op('dag', [
				{ name: 'Get', value: 'get', description: 'Get one DAG', action: 'Get a DAG' },
				{ name: 'Get Many', value: 'list', description: 'List DAGs by tag, status and ID pattern', action: 'Get many DAGs' },
			], 'list'),
			op('dagRun', [
				{ name: 'Get', value: 'get', description: 'Get one DAG run', action: 'Get a DAG run' },
				{ name: 'Get Changed Since Last Execution', value: 'changed', description: 'Only runs that changed since this node last ran (watermark in workflow static data)', action: 'Get changed DAG runs' },
				{ name: 'Get Latest per DAG', value: 'latest', description: 'The newest run of each DAG in the window', action: 'Get the latest run of each DAG' },
				{ name: 'Get Many', value: 'list', description: 'Runs of all or chosen DAGs in a time window', action: 'Get many DAG runs' },
			], 'list'),
			op('taskInstance', [
				{ name: 'Get Failures as Events', value: 'failures', description: 'Failed task instances as failure events with the callback\'s event key: a sweep for failures that never called back, or a run-level failure expanded into its failed tasks', action: 'Get failures as events' },
				{ name: 'Get Many', value: 'list', description: 'Task instances of a run or of runs in a window', action: 'Get many task instances' },
			], 'list'),
			op('taskLog', [{ name: 'Get', value: 'get', description: 'The log of one task try as text', action: 'Get a task log' }], 'get'),
			op('health', [{ name: 'Get', value: 'get', description: 'Scheduler, metadatabase, triggerer and DAG processor health', action: 'Get health' }], 'get'),
			op('action', [
				{ name: 'Clear Failed Tasks', value: 'clearFailed', description: 'Clear the failed task instances of a run so they run again (never retried)', action: 'Clear failed tasks of a run' },
				{ name: 'Trigger DAG Run', value: 'trigger', description: 'Start a DAG run with conf (never retried)', action: 'Trigger a DAG run' },
			], 'clearFailed'),
			...dag.descriptions,
			...dagRun.descriptions,
			...taskInstance.descriptions,
			...taskLog.descriptions,
			...health.descriptions,
			...action.descriptions,
		],
	};

	methods = { credentialTest: { airflowApiTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// task-level events through Expand: unchanged, without reading the credential (the intake's hot path)
		if (expandsNothing(this)) return [this.getInputData().map((item, i) => ({ json: item.json, pairedItem: { item: i } }))];
		const credentials = (await this.getCredentials('airflowApi')) as unknown as AirflowCredentials;
		let client;
		try {
			client = clientFrom(credentials);
		} catch (error) {
			throw toNodeError(this.getNode(), error, 0);
		}
		try {
			return await route(this, client);
		} finally {
			client.close();
		}
	}
}

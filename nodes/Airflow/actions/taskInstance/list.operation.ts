import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { includeRawProperty, listParam, readWindow, showFor, windowProperties } from '../../helpers/shared';

const show = showFor('taskInstance', ['list']);

export const description: INodeProperties[] = [
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'options',
		default: 'run',
		options: [
			{ name: 'One Run', value: 'run', description: 'The tasks of the DAG run given by DAG ID and Run ID (per input item)' },
			{ name: 'Runs in a Time Window', value: 'window', description: 'Tasks of all runs (or the chosen DAGs) in the window, in batch calls' },
		],
		displayOptions: show,
	},
	{ displayName: 'DAG ID', name: 'dagId', type: 'string', default: '={{ $json.pipeline }}', displayOptions: { show: { resource: ['taskInstance'], operation: ['list'], scope: ['run'] } } },
	{ displayName: 'Run ID', name: 'runId', type: 'string', default: '={{ $json.runId }}', displayOptions: { show: { resource: ['taskInstance'], operation: ['list'], scope: ['run'] } } },
	{ displayName: 'DAG IDs', name: 'dagIds', type: 'string', default: '', description: 'Comma-separated; empty means all DAGs', displayOptions: { show: { resource: ['taskInstance'], operation: ['list'], scope: ['window'] } } },
	...windowProperties('taskInstance', ['list']).map((p) => ({ ...p, displayOptions: { show: { ...(p.displayOptions?.show ?? {}), scope: ['window'] } } })),
	{ displayName: 'Failed Only', name: 'failedOnly', type: 'boolean', default: true, description: 'Whether to return only task instances in state failed', displayOptions: show },
	includeRawProperty('taskInstance', ['list']),
];

export const execute: OperationExecute = async (ctx, client, i) => {
	const failedOnly = ctx.getNodeParameter('failedOnly', i, true) as boolean;
	const includeRaw = ctx.getNodeParameter('includeRaw', i, false) as boolean;
	if (ctx.getNodeParameter('scope', i, 'run') === 'run') {
		const items = await client.listTaskInstances({ dagId: ctx.getNodeParameter('dagId', i) as string, runId: ctx.getNodeParameter('runId', i) as string, failedOnly }, includeRaw);
		return items as unknown as IDataObject[];
	}
	const window = readWindow(ctx, i);
	const items = await client.listTaskInstances({ dagIds: listParam(ctx.getNodeParameter('dagIds', i, '')), failedOnly, ...window }, includeRaw);
	return items as unknown as IDataObject[];
};

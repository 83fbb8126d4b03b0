import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { includeRawProperty, listParam, readWindow, RUN_STATES, showFor, windowProperties } from '../../helpers/shared';

export const runFilterProperties = (operations: string[]): INodeProperties[] => [
	{ displayName: 'DAG IDs', name: 'dagIds', type: 'string', default: '', placeholder: 'sales_daily_load, crm_etl', description: 'Comma-separated; empty means all DAGs', displayOptions: showFor('dagRun', operations) },
	{ displayName: 'States', name: 'states', type: 'multiOptions', default: [], options: RUN_STATES, description: 'Empty means any state', displayOptions: showFor('dagRun', operations) },
];

export const description: INodeProperties[] = [
	...runFilterProperties(['list', 'latest']),
	...windowProperties('dagRun', ['list', 'latest']),
	includeRawProperty('dagRun', ['list']),
	{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: true, description: 'Whether to return all results or only up to a given limit', displayOptions: showFor('dagRun', ['list']) },
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { resource: ['dagRun'], operation: ['list'], returnAll: [false] } },
	},
];

export const execute: OperationExecute = async (ctx, client, i) => {
	const window = readWindow(ctx, i);
	// a limit keeps the newest runs (Airflow sorts by -id), so a bounded fetch still covers the latest days
	const limit = ctx.getNodeParameter('returnAll', i, true) ? undefined : Math.max(1, Math.floor(Number(ctx.getNodeParameter('limit', i, 50)) || 50));
	const runs = await client.listRuns(
		{ dagIds: listParam(ctx.getNodeParameter('dagIds', i, '')), states: ctx.getNodeParameter('states', i, []) as string[], ...window, ...(limit ? { limit } : {}) },
		ctx.getNodeParameter('includeRaw', i, false) as boolean,
	);
	return runs as unknown as IDataObject[];
};

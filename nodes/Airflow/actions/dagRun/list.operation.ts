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
];

export const execute: OperationExecute = async (ctx, client, i) => {
	const window = readWindow(ctx, i);
	const runs = await client.listRuns(
		{ dagIds: listParam(ctx.getNodeParameter('dagIds', i, '')), states: ctx.getNodeParameter('states', i, []) as string[], ...window },
		ctx.getNodeParameter('includeRaw', i, false) as boolean,
	);
	return runs as unknown as IDataObject[];
};

import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { listParam, showFor } from '../../helpers/shared';

const show = showFor('dag', ['list']);

export const description: INodeProperties[] = [
	{ displayName: 'Tags', name: 'tags', type: 'string', default: '', placeholder: 'sales, tier1', description: 'Comma-separated; DAGs with any of these tags', displayOptions: show },
	{
		displayName: 'Status',
		name: 'pausedFilter',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All', value: 'all' },
			{ name: 'Active (Unpaused)', value: 'active' },
			{ name: 'Paused', value: 'paused' },
		],
		displayOptions: show,
	},
	{ displayName: 'DAG ID Pattern', name: 'idPattern', type: 'string', default: '', placeholder: 'sales_%', description: 'SQL LIKE pattern on the DAG ID (% any text, _ one character)', displayOptions: show },
	{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1 }, default: 50, description: 'Max number of results to return', displayOptions: show },
];

export const execute: OperationExecute = async (ctx, client, i) => {
	const paused = ctx.getNodeParameter('pausedFilter', i, 'all') as string;
	const dags = await client.listDags({
		tags: listParam(ctx.getNodeParameter('tags', i, '')),
		paused: paused === 'all' ? undefined : paused === 'paused',
		idPattern: (ctx.getNodeParameter('idPattern', i, '') as string) || undefined,
		limit: ctx.getNodeParameter('limit', i, 50) as number,
	});
	return dags.map((d) => d as IDataObject);
};

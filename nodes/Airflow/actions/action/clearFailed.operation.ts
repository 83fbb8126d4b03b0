import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { showFor } from '../../helpers/shared';
import { idProperties } from '../dagRun/get.operation';

export const description: INodeProperties[] = [
	...idProperties('action', ['clearFailed']),
	{ displayName: 'Dry Run', name: 'dryRun', type: 'boolean', default: false, description: 'Whether to only list what would be cleared', displayOptions: showFor('action', ['clearFailed']) },
];

/** A write: sent once, never retried (except a token renewal after 401, when nothing was done). */
export const execute: OperationExecute = async (ctx, client, i) => {
	const cleared = await client.clearFailedTasks(ctx.getNodeParameter('dagId', i) as string, ctx.getNodeParameter('runId', i) as string, ctx.getNodeParameter('dryRun', i, false) as boolean);
	return cleared as unknown as IDataObject[];
};

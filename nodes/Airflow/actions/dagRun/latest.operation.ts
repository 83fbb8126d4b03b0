import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { listParam, readWindow } from '../../helpers/shared';

// parameters shared with dagRun:list (see list.operation.ts)
export const description: INodeProperties[] = [];

export const execute: OperationExecute = async (ctx, client, i) => {
	const window = readWindow(ctx, i);
	const runs = await client.latestRuns({ dagIds: listParam(ctx.getNodeParameter('dagIds', i, '')), states: ctx.getNodeParameter('states', i, []) as string[], ...window });
	return runs as unknown as IDataObject[];
};

import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';
import { showFor } from '../../helpers/shared';

export const description: INodeProperties[] = [
	{ displayName: 'DAG ID', name: 'dagId', type: 'string', default: '', required: true, displayOptions: showFor('dag', ['get']) },
];

export const execute: OperationExecute = async (ctx, client, i) => [(await client.getDag(ctx.getNodeParameter('dagId', i) as string)) as IDataObject];

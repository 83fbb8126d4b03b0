import type { IDataObject, INodeProperties } from 'n8n-workflow';
import type { OperationExecute } from '../../helpers/shared';

export const description: INodeProperties[] = [];

export const execute: OperationExecute = async (_ctx, client) => [(await client.health()) as unknown as IDataObject];

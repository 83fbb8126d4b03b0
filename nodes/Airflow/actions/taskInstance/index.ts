import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/shared';
import * as list from './list.operation';

export const operations: Record<string, Operation> = { list, };

export const descriptions: INodeProperties[] = [...list.description, ];

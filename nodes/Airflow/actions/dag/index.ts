import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/shared';
import * as list from './list.operation';
import * as get from './get.operation';

export const operations: Record<string, Operation> = { list, get, };

export const descriptions: INodeProperties[] = [...list.description, ...get.description, ];

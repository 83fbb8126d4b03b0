import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/shared';
import * as get from './get.operation';

export const operations: Record<string, Operation> = { get, };

export const descriptions: INodeProperties[] = [...get.description, ];

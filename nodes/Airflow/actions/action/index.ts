import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/shared';
import * as clearFailed from './clearFailed.operation';
import * as trigger from './trigger.operation';

export const operations: Record<string, Operation> = { clearFailed, trigger, };

export const descriptions: INodeProperties[] = [...clearFailed.description, ...trigger.description, ];

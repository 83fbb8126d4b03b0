import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/shared';
import * as list from './list.operation';
import * as latest from './latest.operation';
import * as changed from './changed.operation';
import * as get from './get.operation';

export const operations: Record<string, Operation> = { list, latest, changed, get, };

export const descriptions: INodeProperties[] = [...list.description, ...latest.description, ...changed.description, ...get.description, ];

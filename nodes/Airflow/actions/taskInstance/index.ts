import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../helpers/shared';
import * as failures from './failures.operation';
import * as list from './list.operation';

export const operations: Record<string, Operation> = { list, failures };

export const descriptions: INodeProperties[] = [...list.description, ...failures.description];

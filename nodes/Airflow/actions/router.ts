import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { AirflowClient } from '../../logic/airflow/client';
import { toNodeError } from '../helpers/errors';
import type { Operation } from '../helpers/shared';
import * as action from './action';
import * as dag from './dag';
import * as dagRun from './dagRun';
import * as health from './health';
import * as taskInstance from './taskInstance';
import * as taskLog from './taskLog';

export const operations: Record<string, Record<string, Operation>> = {
	dag: dag.operations,
	dagRun: dagRun.operations,
	taskInstance: taskInstance.operations,
	taskLog: taskLog.operations,
	health: health.operations,
	action: action.operations,
};

/** Operations that read state once per execution, whatever the number of input items. */
const ONCE_PER_EXECUTION = new Set(['dagRun:changed', 'taskInstance:failures:sweep']);

export async function route(ctx: IExecuteFunctions, client: AirflowClient): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	const count = Math.max(1, items.length);
	for (let i = 0; i < count; i++) {
		const resource = ctx.getNodeParameter('resource', i) as string;
		const operation = ctx.getNodeParameter('operation', i) as string;
		if (i > 0 && (ONCE_PER_EXECUTION.has(`${resource}:${operation}`) || ONCE_PER_EXECUTION.has(`${resource}:${operation}:${String(ctx.getNodeParameter('mode', i, ''))}`))) break;
		const op = operations[resource]?.[operation];
		try {
			if (!op) throw new Error(`Unknown operation ${resource}:${operation}`);
			const results = await op.execute(ctx, client, i);
			for (const json of results) out.push({ json, pairedItem: { item: i } });
		} catch (error) {
			const nodeError = toNodeError(ctx.getNode(), error, i);
			if (ctx.continueOnFail()) {
				out.push({ json: { error: nodeError.message, description: nodeError.description ?? null }, pairedItem: { item: i } });
				continue;
			}
			throw nodeError;
		}
	}
	return [out];
}

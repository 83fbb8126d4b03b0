import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';
import { AirflowApiError } from '../../logic/airflow/transport';
import { InputError } from '../../logic/shared/errors';

/** Turns a logic error into the n8n error a user can act on (never carrying secrets). */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof AirflowApiError) {
		const body: JsonObject = { message: error.airflowMessage, request: error.request, status: error.status, attempts: error.attempts };
		return new NodeApiError(node, body, {
			message: `Airflow: ${error.airflowMessage}`,
			description: `${error.hint} (${error.request}${error.attempts > 1 ? `, ${error.attempts} attempts` : ''})`,
			httpCode: error.status !== null ? String(error.status) : undefined,
			itemIndex,
		});
	}
	if (error instanceof InputError) {
		return new NodeOperationError(node, `Item ${itemIndex}: ${error.message}`, { description: error.hint, itemIndex });
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error instanceof Error ? error.message : String(error), { itemIndex });
}

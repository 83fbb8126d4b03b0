import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { InputError } from '../logic/shared/errors';

/**
 * Turns an error from a logic module into what n8n shows: a NodeOperationError that names the
 * item, the field and the value, with the fix as its description.
 */
export function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, inputName = 'input'): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), `Item ${itemIndex} of ${inputName}: ${error.message}`, {
			itemIndex,
			description: error.hint,
		});
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * Runs `check` on every item. A bad item fails alone: with "Continue On Fail" it becomes an error
 * item (paired to its input) and is left out; otherwise the node stops with a clear error.
 */
export function checkEach<T>(
	ctx: IExecuteFunctions,
	items: readonly INodeExecutionData[],
	check: (json: Record<string, unknown>, index: number) => T,
	inputName: string,
	inputIndex = 0,
): { ok: Array<{ value: T; index: number }>; errors: INodeExecutionData[] } {
	const ok: Array<{ value: T; index: number }> = [];
	const errors: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			ok.push({ value: check(items[i].json, i), index: i });
		} catch (error) {
			const nodeError = toNodeError(ctx, error, i, inputName);
			if (!ctx.continueOnFail()) throw nodeError;
			errors.push({
				json: { error: nodeError.message, hint: nodeError.description ?? null, input: inputName, itemIndex: i },
				pairedItem: { item: i, input: inputIndex },
			});
		}
	}
	return { ok, errors };
}

/** Reads a JSON parameter that may arrive as text or as an already parsed value. */
export function jsonParameter(ctx: IExecuteFunctions, name: string, itemIndex = 0): unknown {
	const value = ctx.getNodeParameter(name, itemIndex);
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Parameter "${name}" is not valid JSON: ${(error as Error).message}`, {
			itemIndex,
			description: 'Fix the JSON, or use an expression that returns a list, e.g. {{ $("Postgres").all().map(i => i.json) }}.',
		});
	}
}

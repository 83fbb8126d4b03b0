import type { IDataObject } from 'n8n-workflow';
import { errorOfItem, renderStructuredValue } from '../../logic/summarizer/structured';
import type { FailureContext } from '../../logic/summarizer/types';

/** Reads `a.b.c` (or `a[0].b`) from an item's JSON. */
export function getPath(data: unknown, path: string): unknown {
	let value: unknown = data;
	for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

/**
 * The log text in a field: a string; a list of lines or of Airflow 3 structured events
 * (`{event, timestamp, level, logger, error_detail}`, rendered with every field); an error object
 * (`{message, description, stack, node, cause}`). Undefined when absent.
 */
export function logTextOf(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	const structured = renderStructuredValue(value);
	if (structured !== undefined) return structured;
	if (Array.isArray(value)) return value.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry))).join('\n');
	if (typeof value === 'object') {
		const o = value as Record<string, unknown>;
		if (typeof o.content === 'string') return o.content;
		return JSON.stringify(value, null, 1);
	}
	return undefined;
}

/** The error of an n8n Error Trigger item (`execution.error`, with message, description, node, stack and cause), if the item is one. */
export function errorTriggerLog(json: IDataObject): string | undefined {
	if (getPath(json, 'execution.error') === undefined) return undefined;
	const error = errorOfItem(json);
	return error ? renderStructuredValue(error) : logTextOf(getPath(json, 'execution.error'));
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** The failure's context from the item: run fields (pipeline, taskId, tryNumber, runId, url) or an Error Trigger item. */
export function contextOf(json: IDataObject): FailureContext {
	const tryNumber = Number(json.tryNumber);
	return {
		pipeline: text(json.pipeline) ?? text(getPath(json, 'workflow.name')),
		taskId: text(json.taskId) ?? text(getPath(json, 'execution.lastNodeExecuted')),
		...(Number.isInteger(tryNumber) && tryNumber > 0 ? { tryNumber } : {}),
		runId: text(json.runId) ?? text(getPath(json, 'execution.id')),
		url: text(json.url) ?? text(getPath(json, 'execution.url')),
	};
}

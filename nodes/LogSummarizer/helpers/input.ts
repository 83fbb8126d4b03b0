import type { IDataObject } from 'n8n-workflow';
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

function structuredLine(entry: Record<string, unknown>): string {
	const time = typeof entry.timestamp === 'string' ? `[${entry.timestamp}] ` : '';
	const level = typeof entry.level === 'string' ? `${entry.level.toUpperCase()} - ` : '';
	return `${time}${level}${String(entry.event ?? entry.message ?? JSON.stringify(entry))}`;
}

/**
 * The log text in a field: a string; a list of lines or of Airflow 3 structured messages
 * (`{event, timestamp, level}`); an error object (`{message, stack}`). Undefined when absent.
 */
export function logTextOf(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) {
		return value.map((entry) => (typeof entry === 'string' ? entry : typeof entry === 'object' && entry !== null ? structuredLine(entry as Record<string, unknown>) : String(entry))).join('\n');
	}
	if (typeof value === 'object') {
		const o = value as Record<string, unknown>;
		if (typeof o.stack === 'string' || typeof o.message === 'string') {
			const message = typeof o.message === 'string' ? o.message : '';
			const stack = typeof o.stack === 'string' ? o.stack : '';
			return stack.includes(message) ? stack : [message, stack].filter(Boolean).join('\n');
		}
		if (Array.isArray(o.content)) return logTextOf(o.content);
		if (typeof o.content === 'string') return o.content;
		return JSON.stringify(value, null, 1);
	}
	return undefined;
}

/** The error of an n8n Error Trigger item (`execution.error`), if the item is one. */
export function errorTriggerLog(json: IDataObject): string | undefined {
	const error = getPath(json, 'execution.error');
	return error === undefined ? undefined : logTextOf(error);
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

/**
 * The item n8n's Error Trigger emits when a workflow whose settings name this error workflow
 * fails (n8n's executeErrorWorkflow): {execution: {id, url, error, lastNodeExecuted, mode,
 * retryOf}, workflow: {id, name}}, or, when the trigger itself failed before an execution
 * existed, {trigger: {error, mode}, workflow}. Turned into a PipelineEvent.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../shared/errors';
import { cleanJson, optionalHttpUrl, requireText } from './clean';
import { eventKeyOf } from './eventKey';
import { problemOf } from './problem';
import type { EventResult, PipelineEvent } from './types';

const NAME_MAX = 250;
const TEXT_MAX = 65_536;

type Json = Record<string, unknown>;

function objectAt(value: unknown): Json | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function textAt(value: unknown, max = TEXT_MAX): string {
	if (typeof value !== 'string') return '';
	const text = value.replace(/\u0000/g, '');
	return text.length > max ? text.slice(text.length - max) : text;
}

/** The error's own words: message, then n8n's description (an API's answer) when it adds something. */
export function errorMessageOf(error: Json | undefined): string {
	if (!error) return 'The workflow failed without an error message.';
	const message = textAt(error.message) || textAt(error.name) || 'The workflow failed without an error message.';
	const description = textAt(error.description);
	return description && !message.includes(description) ? `${message}\n${description}` : message;
}

/** Message and stack, for the Log Summarizer (the stack says where). */
export function errorLogOf(error: Json | undefined): string {
	const message = errorMessageOf(error);
	const stack = textAt(error?.stack);
	if (!stack) return message;
	return stack.includes(message.split('\n')[0]) ? `${message}\n${stack.slice(stack.indexOf('\n') + 1)}` : `${message}\n${stack}`;
}

function failedNodeOf(execution: Json | undefined, error: Json | undefined): string | null {
	const last = execution?.lastNodeExecuted;
	if (typeof last === 'string' && last.trim()) return last.trim().slice(0, NAME_MAX);
	const node = objectAt(error?.node)?.name;
	return typeof node === 'string' && node.trim() ? node.trim().slice(0, NAME_MAX) : null;
}

function triggerRunId(error: Json | undefined): string {
	const timestamp = error?.timestamp;
	return typeof timestamp === 'number' || typeof timestamp === 'string' ? `trigger:${timestamp}` : 'trigger';
}

/**
 * The error with what differs between repeats of one failure taken out (numbers, hex ids and
 * UUIDs, quoted values, execution links), so 1,000 executions failing the same way share it.
 */
export function errorShapeOf(message: string): string {
	return message
		.toLowerCase()
		.replace(/https?:\/\/\S+/g, '<url>')
		.replace(/"[^"]{0,200}"|'[^']{0,200}'/g, '<value>')
		.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>')
		.replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/g, '<id>')
		.replace(/\d+(\.\d+)?/g, '<n>')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 2000);
}

/** workflow|node|error fingerprint: repeats of one failure within a window get one card. */
export function alertKeyOf(workflow: string, node: string | null, message: string): string {
	const digest = createHash('sha256').update(errorShapeOf(message)).digest('hex').slice(0, 16);
	return ['n8n', workflow, node ?? '-', digest].map((p) => p.replace(/%/g, '%25').replace(/\|/g, '%7C')).join('|');
}

/** Checks one Error Trigger item; throws an InputError when it is not one. */
export function eventFromN8nError(item: unknown): PipelineEvent {
	const root = objectAt(item);
	const workflow = objectAt(root?.workflow);
	const execution = objectAt(root?.execution);
	const trigger = objectAt(root?.trigger);
	if (!workflow || (!execution && !trigger)) {
		throw new InputError('workflow', root ? Object.keys(root).join(', ') : item, 'is not an Error Trigger item', 'Connect this node to an Error Trigger: its item has "workflow" and "execution" (or "trigger").');
	}
	const workflowId = workflow.id === undefined || workflow.id === null ? '' : String(workflow.id);
	const pipeline = textAt(workflow.name, NAME_MAX).trim() || workflowId;
	requireText(pipeline, 'workflow.name', NAME_MAX, 'The Error Trigger item must carry the failed workflow\'s name or id.');
	const error = objectAt(execution?.error) ?? objectAt(trigger?.error);
	const runId = execution && execution.id !== undefined && execution.id !== null ? String(execution.id) : triggerRunId(error);
	const taskId = failedNodeOf(execution, error);
	let url: string | null = null;
	try {
		url = optionalHttpUrl(execution?.url, 'execution.url');
	} catch {
		url = null;
	}
	const message = errorMessageOf(error);
	return {
		source: 'n8n',
		pipeline,
		runId,
		...(taskId ? { taskId } : {}),
		tryNumber: 1,
		state: 'error',
		logicalDate: null,
		startedAt: null,
		endedAt: null,
		durationSec: null,
		runType: textAt(execution?.mode ?? trigger?.mode, 50) || null,
		url: url ?? '',
		eventKey: eventKeyOf({ source: 'n8n', pipeline: workflowId || pipeline, runId, taskId, tryNumber: 1 }),
		kind: 'failure',
		alertKey: alertKeyOf(workflowId || pipeline, taskId, message),
		message,
		log: errorLogOf(error),
		logUrl: url,
		payload: cleanJson({
			workflow: { id: workflowId || null, name: pipeline },
			execution: execution ? { id: runId, url, lastNodeExecuted: taskId, mode: execution.mode ?? null, retryOf: execution.retryOf ?? null } : null,
			trigger: trigger ? { mode: trigger.mode ?? null } : null,
			error: { message, name: textAt(error?.name, 200) || null, node: taskId },
		}) as Record<string, unknown>,
	};
}

/** The same check, as a result: an item that is not an Error Trigger item becomes a problem. */
export function checkN8nError(item: unknown): EventResult {
	try {
		return { ok: true, event: eventFromN8nError(item) };
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		return { ok: false, problem: problemOf(error) };
	}
}

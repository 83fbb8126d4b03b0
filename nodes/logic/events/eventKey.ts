/**
 * The idempotency key of a collected event: source|pipeline|run|task|try. The same delivery
 * (a callback Airflow retries, an Error Trigger n8n fires twice) gives the same key, so
 * INSERT ... ON CONFLICT (event_key) DO NOTHING stores it once. "|" and "%" inside a part are
 * percent-encoded so two different events can never share a key.
 */
import type { RunSource } from '../shared/items';

export interface EventKeyParts {
	source: RunSource;
	pipeline: string;
	runId: string;
	taskId?: string | null;
	tryNumber?: number | null;
}

function keyPart(value: string | number | null | undefined): string {
	if (value === null || value === undefined || value === '') return '-';
	return String(value).replace(/%/g, '%25').replace(/\|/g, '%7C');
}

export function eventKeyOf(parts: EventKeyParts): string {
	return [parts.source, parts.pipeline, parts.runId, parts.taskId, parts.tryNumber].map(keyPart).join('|');
}

/** The task part of the event key: mapped task instances of one try are different events. */
export function taskKey(taskId: string | null | undefined, mapIndex: number | null | undefined): string | null {
	if (taskId === null || taskId === undefined || taskId === '') return null;
	return mapIndex === null || mapIndex === undefined || mapIndex < 0 ? taskId : `${taskId}[${mapIndex}]`;
}

import type { Light } from '../shared/items';
import { LIGHT_ORDER } from '../shared/items';
import type { ItemShape } from './types';

export type Json = Record<string, unknown>;

function has(item: Json, ...keys: string[]): boolean {
	return keys.every((key) => item[key] !== undefined);
}

/**
 * The shape of an item (DESIGN.md item shapes). A summary merged into a run (the Log Summarizer
 * keeps the run's fields) counts as a summary: the summary is what the reader needs.
 */
export function detectShape(item: Json): ItemShape {
	if (has(item, 'summary') && (has(item, 'rootCause') || has(item, 'severity') || has(item, 'category'))) return 'summary';
	if (has(item, 'table', 'rows') && (has(item, 'light') || has(item, 'trend'))) return 'rowCount';
	if (has(item, 'pipeline', 'light') && (has(item, 'reasons') || has(item, 'lastRun'))) return 'light';
	if (has(item, 'pipeline', 'runId') || has(item, 'pipeline', 'state')) return 'run';
	return 'other';
}

/** The shape most items have; `other` when they disagree, so the defaults fit every item. */
export function detectCommonShape(items: readonly Json[]): ItemShape {
	if (items.length === 0) return 'other';
	const first = detectShape(items[0]);
	for (const item of items) if (detectShape(item) !== first) return 'other';
	return first;
}

export function isLight(value: unknown): value is Light {
	return typeof value === 'string' && (LIGHT_ORDER as readonly string[]).includes(value);
}

const RED_STATES = new Set(['failed', 'upstream_failed', 'error', 'crashed', 'canceled', 'cancelled']);
const YELLOW_STATES = new Set(['up_for_retry', 'up_for_reschedule', 'restarting', 'waiting', 'deferred']);
const GREEN_STATES = new Set(['success', 'succeeded']);

/** The light a native run state asks for (Airflow 2/3 and n8n states). */
export function lightOfState(state: unknown): Light {
	if (typeof state !== 'string') return 'grey';
	const s = state.toLowerCase();
	if (RED_STATES.has(s)) return 'red';
	if (YELLOW_STATES.has(s)) return 'yellow';
	if (GREEN_STATES.has(s)) return 'green';
	return 'grey';
}

/** The light of a Log Summarizer severity: every summary explains a failure, so none is green. */
export function lightOfSeverity(severity: unknown): Light | null {
	if (severity === 'critical' || severity === 'high') return 'red';
	if (severity === 'medium' || severity === 'low') return 'yellow';
	return null;
}

/** The light of any item: its own `light`, else from a summary's severity, else from a run state. */
export function lightOf(item: Json): Light {
	if (isLight(item.light)) return item.light;
	const bySeverity = lightOfSeverity(item.severity);
	if (bySeverity) return bySeverity;
	if (item.state !== undefined) return lightOfState(item.state);
	const lastRun = item.lastRun;
	if (lastRun && typeof lastRun === 'object') return lightOfState((lastRun as Json).state);
	return 'grey';
}

/** Sort rank, worst first: red, yellow, grey, green. */
export function lightRank(light: Light): number {
	return LIGHT_ORDER.indexOf(light);
}

import { DateTime } from 'luxon';
import type { Labels } from './labels';
import type { ColumnKind } from './types';
import type { Json } from './shape';

/** The placeholder for a missing value. */
export const MISSING = '—';

const SPARK_BARS = '▁▂▃▄▅▆▇█';

/**
 * A text sparkline of recent values (oldest first), one bar per value, scaled between the
 * smallest and largest; flat series sit in the middle. Non-numbers become a gap.
 */
export function sparkline(values: readonly unknown[], width = 12): string {
	const recent = values.slice(-width);
	const numbers = recent.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	if (numbers.length === 0) return '';
	const low = Math.min(...numbers);
	const high = Math.max(...numbers);
	const span = high - low;
	return recent
		.map((v) => {
			if (typeof v !== 'number' || !Number.isFinite(v)) return ' ';
			if (span === 0) return SPARK_BARS[3];
			return SPARK_BARS[Math.round(((v - low) / span) * (SPARK_BARS.length - 1))];
		})
		.join('');
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatNumber(value: number): string {
	return NUMBER.format(value);
}

/** A change with its sign: `+1,200`, `-35`, `0`. */
export function formatDelta(value: number): string {
	return value > 0 ? '+' + NUMBER.format(value) : NUMBER.format(value);
}

/** A duration in seconds as `1h 02m`, `3m 20s` or `45s`. */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = s % 60;
	if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
	if (m > 0) return `${m}m ${String(rest).padStart(2, '0')}s`;
	return `${rest}s`;
}

/** An ISO instant shown in `zone` as `2026-11-22 09:05`; text that is no date passes through. */
export function formatDate(value: unknown, zone: string): string | null {
	let dt: DateTime;
	if (typeof value === 'string') dt = DateTime.fromISO(value, { zone: 'UTC', setZone: true });
	else if (typeof value === 'number') dt = DateTime.fromMillis(value);
	else if (value instanceof Date) dt = DateTime.fromJSDate(value);
	else return null;
	if (!dt.isValid) return typeof value === 'string' ? value : null;
	return dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm');
}

/** Reads a dot path (`lastRun.state`, `reason.text`, `trend.0`) from an item. */
export function readPath(item: Json, path: string): unknown {
	let current: unknown = item;
	for (const part of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

function isPresent(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/** The first present value among the column's paths. */
export function firstPresent(item: Json, paths: readonly string[]): unknown {
	for (const path of paths) {
		const value = readPath(item, path);
		if (isPresent(value)) return value;
	}
	return undefined;
}

/** Plain text for any JSON value: reasons join their texts, objects show as compact JSON. */
export function valueToText(value: unknown, labels: Labels): string {
	if (!isPresent(value)) return MISSING;
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isFinite(value) ? formatNumber(value) : String(value);
	if (typeof value === 'boolean') return value ? labels.yes : labels.no;
	if (Array.isArray(value)) {
		if (value.length === 0) return MISSING;
		return value.map((v) => (v && typeof v === 'object' && typeof (v as Json).text === 'string' ? (v as Json).text : valueToText(v, labels))).join('; ');
	}
	if (typeof value === 'object') {
		const text = (value as Json).text;
		if (typeof text === 'string') return text;
		return JSON.stringify(value);
	}
	return String(value);
}

/** The kind a column of kind `auto` takes from its value. */
export function guessKind(value: unknown): ColumnKind {
	if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number')) return 'trend';
	if (typeof value === 'number') return 'number';
	if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return 'date';
	return 'text';
}

/** The text of one cell. */
export function cellText(value: unknown, kind: ColumnKind, zone: string, labels: Labels, second?: unknown): string {
	const effective = kind === 'auto' ? guessKind(value) : kind;
	switch (effective) {
		case 'number':
			return typeof value === 'number' && Number.isFinite(value) ? formatNumber(value) : valueToText(value, labels);
		case 'delta':
			return typeof value === 'number' && Number.isFinite(value) ? formatDelta(value) : valueToText(value, labels);
		case 'duration':
			return typeof value === 'number' && Number.isFinite(value) ? formatDuration(value) : valueToText(value, labels);
		case 'date':
			return formatDate(value, zone) ?? valueToText(value, labels);
		case 'trend':
			return Array.isArray(value) ? sparkline(value) || MISSING : valueToText(value, labels);
		case 'range': {
			if (!isPresent(value) && !isPresent(second)) return MISSING;
			const low = typeof value === 'number' ? formatNumber(value) : '?';
			const high = typeof second === 'number' ? formatNumber(second) : '?';
			return `${low} – ${high}`;
		}
		default:
			return valueToText(value, labels);
	}
}

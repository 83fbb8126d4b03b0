import { InputError } from '../shared/errors';
import { firstPresent, readPath } from './cells';
import { columnLabel } from './labels';
import type { Labels } from './labels';
import type { Json } from './shape';
import type { Column, ColumnKind, ColumnRequest, ItemShape } from './types';

const COLUMN_KINDS: readonly ColumnKind[] = ['auto', 'text', 'status', 'number', 'delta', 'date', 'duration', 'trend', 'range', 'link'];

type Spec = [key: string, kind: ColumnKind, paths: string[]];

/** Default columns per item shape: status first, then what a reader of that shape scans for. */
const DEFAULTS: Record<ItemShape, Spec[]> = {
	light: [
		['status', 'status', ['light']],
		['pipeline', 'text', ['pipeline']],
		['reason', 'text', ['reasons']],
		['lastRun', 'date', ['lastRun.endedAt', 'lastRun.startedAt', 'lastRun.logicalDate']],
		['link', 'link', ['url', 'lastRun.url']],
	],
	run: [
		['status', 'status', ['state']],
		['pipeline', 'text', ['pipeline']],
		['task', 'text', ['taskId']],
		['state', 'text', ['state']],
		['started', 'date', ['startedAt', 'logicalDate']],
		['duration', 'duration', ['durationSec']],
		['link', 'link', ['url']],
	],
	rowCount: [
		['status', 'status', ['light']],
		['table', 'text', ['table']],
		['rows', 'number', ['rows']],
		['delta', 'delta', ['delta']],
		['expected', 'range', ['expectedLow', 'expectedHigh']],
		['trend', 'trend', ['trend']],
		['latest', 'date', ['latestAt']],
		['reason', 'text', ['reason']],
	],
	summary: [
		['status', 'status', ['severity']],
		['pipeline', 'text', ['pipeline']],
		['task', 'text', ['taskId']],
		['category', 'text', ['category']],
		['summary', 'text', ['summary']],
		['action', 'text', ['suggestedAction']],
		['link', 'link', ['url']],
	],
	other: [
		['status', 'status', ['light']],
		['name', 'text', ['pipeline', 'table', 'name', 'title']],
		['detail', 'text', ['reasons', 'reason', 'summary', 'state', 'message']],
		['when', 'date', ['lastRun.endedAt', 'measuredAt', 'endedAt', 'startedAt', 'evaluatedAt']],
		['link', 'link', ['url', 'lastRun.url']],
	],
};

function presentInAny(items: readonly Json[], paths: readonly string[]): boolean {
	return items.some((item) => firstPresent(item, paths) !== undefined);
}

/** The default columns for a shape, without those no item has a value for (status always stays). */
export function defaultColumns(shape: ItemShape, items: readonly Json[], labels: Labels): Column[] {
	return DEFAULTS[shape]
		.filter(([, kind, paths]) => kind === 'status' || presentInAny(items, paths))
		.map(([key, kind, paths]) => ({ key, kind, paths, label: labels.column[key] ?? key }));
}

/** Field paths present in the items (top level and one level down), to suggest in errors. */
export function availableFields(items: readonly Json[]): string[] {
	const fields = new Set<string>();
	for (const item of items.slice(0, 50)) {
		for (const [key, value] of Object.entries(item)) {
			if (value && typeof value === 'object' && !Array.isArray(value)) {
				for (const sub of Object.keys(value)) fields.add(`${key}.${sub}`);
			} else fields.add(key);
		}
	}
	return [...fields].slice(0, 30);
}

function checkKind(kind: unknown, index: number): ColumnKind {
	if (kind === undefined || kind === '') return 'auto';
	if (!(COLUMN_KINDS as readonly unknown[]).includes(kind)) {
		throw new InputError(`columns[${index}].kind`, kind, 'is not a column kind', `Use one of: ${COLUMN_KINDS.join(', ')}.`);
	}
	return kind as ColumnKind;
}

/**
 * The columns the user picked, in their order, with their labels. A field that no item has is an
 * error naming the field and the fields that do exist (a typo would otherwise give an empty column).
 */
export function requestedColumns(requests: readonly ColumnRequest[], items: readonly Json[], labels: Labels): Column[] {
	return requests.map((request, index) => {
		const field = typeof request.field === 'string' ? request.field.trim() : '';
		if (!field) throw new InputError(`columns[${index}].field`, request.field, 'is empty', 'Give the field path of the column, e.g. "pipeline" or "lastRun.state".');
		const kind = checkKind(request.kind, index);
		const paths = kind === 'range' ? field.split(',').map((p) => p.trim()) : [field];
		const status = kind === 'status';
		if (!status && items.length > 0 && !items.some((item) => paths.some((p) => readPath(item, p) !== undefined))) {
			throw new InputError(
				`columns[${index}].field`,
				field,
				'is in none of the items',
				`Check the spelling. Fields the items have: ${availableFields(items).join(', ') || '(none)'}.`,
			);
		}
		const key = field.replace(/[^A-Za-z0-9]+/g, '_');
		const label = columnLabel(labels, key, request.label) ?? field;
		return { key, label, kind, paths };
	});
}

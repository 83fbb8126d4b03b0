import { InputError } from '../shared/errors';
import type { Cadence } from '../shared/items';
import { CADENCES, checkAnnotations, localDate } from './diff';
import type { TableRules } from './diff';

/** Names of the item fields the node reads (users can rename them). */
export interface Fields {
	table: string;
	rows: string;
	measuredAt: string;
	history: string;
	cadence: string;
}

/** Reads a table's own rule overrides from its item (cadence, expectedDay, minAbsChange, warnScore, failScore, annotations, muteUntil). */
export function rulesFor(json: Record<string, unknown>, base: TableRules, fields: Fields): TableRules {
	const cadence = json[fields.cadence] ?? base.cadence;
	if (typeof cadence !== 'string' || !CADENCES.includes(cadence as Cadence)) {
		throw new InputError(fields.cadence, cadence, 'is not a cadence', `Use one of ${CADENCES.join(', ')}.`);
	}
	const rules: TableRules = { ...base, cadence: cadence as Cadence };
	for (const key of ['expectedDay', 'minAbsChange', 'warnScore', 'failScore'] as const) {
		const v = json[key];
		if (v === undefined || v === null || v === '') continue;
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0) throw new InputError(key, v, 'is not a non-negative number', `Remove "${key}" from the item to use the node's setting.`);
		rules[key] = n;
	}
	if (json.annotations !== undefined && json.annotations !== null) rules.annotations = checkAnnotations(json.annotations, rules.zone);
	if (json.muteUntil !== undefined && json.muteUntil !== null && json.muteUntil !== '') rules.muteUntil = localDate(json.muteUntil, 'muteUntil', rules.zone);
	return rules;
}

export function checkTableName(json: Record<string, unknown>, fields: Fields): string {
	const table = json[fields.table];
	if (typeof table !== 'string' || table.trim() === '') {
		throw new InputError(fields.table, table, 'is missing or empty', 'Each item needs the table name; set "Table Field" if it is called differently.');
	}
	return table;
}

export function checkMeasuredAt(json: Record<string, unknown>, fields: Fields): string {
	const measuredAt = json[fields.measuredAt];
	if (measuredAt === undefined || measuredAt === null || measuredAt === '') {
		throw new InputError(fields.measuredAt, measuredAt, 'is missing', 'Give the time of the count, e.g. {{ $now.toISO() }}.');
	}
	return measuredAt instanceof Date ? measuredAt.toISOString() : String(measuredAt);
}

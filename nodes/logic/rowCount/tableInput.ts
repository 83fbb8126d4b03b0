import { InputError } from '../shared/errors';
import type { Cadence } from '../shared/items';
import { BusinessCalendar, dayNumber } from './calendar';
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

/** The note of an `expected` annotation covering `date`, if any. */
export function expectedNoteOn(rules: TableRules, date: string): string | undefined {
	for (const a of rules.annotations ?? []) if (a.kind === 'expected' && a.from <= date && date <= a.to) return a.note ?? 'expected';
	return undefined;
}

/** A table's configured allowed lag: the item's `maxLagMinutes`, else the node's (0 = learn it). */
export function allowedLagFor(json: Record<string, unknown>, nodeDefault: number | undefined): number | undefined {
	const v = json.maxLagMinutes;
	if (v === undefined || v === null || v === '') return nodeDefault && nodeDefault > 0 ? nodeDefault : undefined;
	const n = Number(v);
	if (!Number.isFinite(n) || n <= 0) throw new InputError('maxLagMinutes', v, 'is not a positive number of minutes', 'Give the largest lag that is still fine (e.g. 360), or leave it empty to learn it from earlier checks.');
	return n;
}

/**
 * Earlier lags (minutes) from history entries that carry `lagMinutes` (or `lag_minutes`), oldest
 * first; entries without one are skipped. With a calendar (tables that load on working days only)
 * each lag is reduced by the days off up to its own day, as the judged lag is.
 */
export function lagsOf(entries: readonly unknown[], field: string, zone = 'UTC', cal?: BusinessCalendar): number[] {
	const out: number[] = [];
	entries.forEach((e, i) => {
		if (!e || typeof e !== 'object') return;
		const o = e as Record<string, unknown>;
		const v = o.lagMinutes ?? o.lag_minutes;
		if (v === undefined || v === null || v === '') return;
		const n = Number(v);
		if (!Number.isFinite(n)) throw new InputError(`${field}[${i}].lagMinutes`, v, 'is not a number of minutes', 'Give the lag measured at that check in minutes, or leave it empty.');
		out.push(cal ? n - 1440 * cal.offDaysUpTo(dayNumber(localDate(o.date ?? o.measuredAt, `${field}[${i}].date`, zone))) : n);
	});
	return out;
}

/**
 * Whether an item is judged on freshness: when it names its timestamp column (`timestampColumn`,
 * as the row-count monitor's count query does), exactly when that name is set; otherwise when it
 * has the latest-at field (null there means no row has a timestamp: red `no_rows`).
 */
export function judgesFreshness(json: Record<string, unknown>, latestAtField: string): boolean {
	if ('timestampColumn' in json) return typeof json.timestampColumn === 'string' && json.timestampColumn !== '';
	return latestAtField in json && json[latestAtField] !== undefined;
}

/** An item's own number for a setting (e.g. hourlyHours), else the node's; a present value must be a number. */
export function numberOr(value: unknown, nodeDefault: number, field: string): number {
	if (value === undefined || value === null || value === '') return nodeDefault;
	const n = Number(value);
	if (!Number.isFinite(n)) throw new InputError(field, value, 'is not a number', `Remove "${field}" from the item to use the node's setting.`);
	return n;
}

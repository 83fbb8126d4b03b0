import { DateTime } from 'luxon';
import type { Light } from '../shared/items';
import { InputError } from '../shared/errors';
import { checkZone } from '../shared/time';
import { cellText, firstPresent } from './cells';
import { defaultColumns, requestedColumns } from './columns';
import { clampText, safeUrl, toSingleLine } from './escape';
import { labelsFor } from './labels';
import type { Labels } from './labels';
import { detectCommonShape, isLight, lightOf, lightOfSeverity, lightOfState, lightRank } from './shape';
import type { Json } from './shape';
import type { Column, Report, ReportOptions, Row } from './types';

/** The light a status cell shows: the field's own light, severity or state, else the item's. */
export function statusLight(value: unknown, item: Json): Light {
	if (isLight(value)) return value;
	const bySeverity = lightOfSeverity(value);
	if (bySeverity) return bySeverity;
	if (typeof value === 'string') return lightOfState(value);
	return lightOf(item);
}

/** The link of a row: the first http(s) URL among the link columns, else the item's `url`. */
function rowUrl(item: Json, columns: readonly Column[]): string | null {
	for (const column of columns) {
		if (column.kind === 'link') {
			const url = safeUrl(firstPresent(item, column.paths));
			if (url) return url;
		}
	}
	return safeUrl(item.url) ?? safeUrl(firstPresent(item, ['lastRun.url']));
}

function cellFor(item: Json, column: Column, options: ReportOptions, labels: Labels): string {
	if (column.kind === 'status') return statusLight(firstPresent(item, column.paths), item);
	if (column.kind === 'link') return safeUrl(firstPresent(item, column.paths)) ?? '';
	const value = firstPresent(item, column.kind === 'range' ? column.paths.slice(0, 1) : column.paths);
	const second = column.kind === 'range' ? firstPresent(item, column.paths.slice(1, 2)) : undefined;
	return clampText(toSingleLine(cellText(value, column.kind, options.timezone, labels, second)), options.maxCellChars);
}

/** One row per item: plain-text cells (status cells hold the light, link cells the URL). */
export function buildRow(item: Json, index: number, columns: readonly Column[], options: ReportOptions, labels: Labels): Row {
	const statusColumn = columns.find((c) => c.kind === 'status');
	const light = statusColumn ? statusLight(firstPresent(item, statusColumn.paths), item) : lightOf(item);
	return { light, index, url: rowUrl(item, columns), cells: columns.map((column) => cellFor(item, column, options, labels)) };
}

/** Rows worst first (red, yellow, grey, green); equal lights keep their input order. */
export function sortWorstFirst(rows: Row[]): Row[] {
	return rows.sort((a, b) => lightRank(a.light) - lightRank(b.light) || a.index - b.index);
}

export function countLights(rows: readonly Row[]): Record<Light, number> {
	const counts: Record<Light, number> = { red: 0, yellow: 0, green: 0, grey: 0 };
	for (const row of rows) counts[row.light]++;
	return counts;
}

function isEmptyItem(item: Json): boolean {
	return Object.keys(item).length === 0;
}

/** The report instant in the chosen zone, e.g. `2026-11-22 09:00 (Asia/Seoul)`. */
export function formatGeneratedAt(now: string | Date | undefined, zone: string): string {
	const dt = now === undefined ? DateTime.utc() : now instanceof Date ? DateTime.fromJSDate(now) : DateTime.fromISO(now, { setZone: true });
	if (!dt.isValid) throw new InputError('now', now, 'is not an ISO-8601 date-time', 'Leave it empty for the current time.');
	return `${dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm')} (${zone})`;
}

/**
 * The report model: columns (the user's or the defaults of the items' shape), rows sorted worst
 * first, counts per light, title and timestamp. Throws InputError for unusable input.
 */
export function buildReport(input: readonly Json[], options: ReportOptions): Report {
	checkZone(options.timezone);
	const labels = labelsFor(options.language);
	const indexed = input.map((item, index) => ({ item, index })).filter(({ item }) => !isEmptyItem(item));
	const items = indexed.map(({ item }) => item);
	if (items.length === 0 && options.whenEmpty === 'error') {
		throw new InputError('items', input.length, 'contain nothing to report', 'Connect a node that outputs items, or set "When Empty" to send an empty report or output nothing.');
	}
	const columns = options.columns && options.columns.length > 0
		? requestedColumns(options.columns, items, labels)
		: defaultColumns(detectCommonShape(items), items, labels);
	const rows = sortWorstFirst(indexed.map(({ item, index }) => buildRow(item, index, columns, options, labels)));
	return {
		title: toSingleLine(options.title?.trim() || labels.title),
		subtitle: toSingleLine(options.subtitle?.trim() ?? ''),
		generatedAt: formatGeneratedAt(options.now, options.timezone),
		columns,
		rows,
		counts: countLights(rows),
		language: options.language,
		reportUrl: safeUrl(options.reportUrl),
		mentions: options.mentions.filter((m) => m.name.trim() && m.id.trim()),
		fullWidth: options.fullWidth,
		layout: options.layout ?? 'table',
	};
}

import { DateTime } from 'luxon';
import type { Light } from '../shared/items';
import { InputError } from '../shared/errors';
import { checkZone } from '../shared/time';
import { cellText, firstPresent, readPath } from './cells';
import { defaultColumns, requestedColumns } from './columns';
import { clampText, safeUrl, toSingleLine } from './escape';
import { labelsFor } from './labels';
import type { Labels } from './labels';
import { detectCommonShape, isLight, lightOf, lightOfSeverity, lightOfState, lightRank } from './shape';
import type { Json } from './shape';
import type { Column, Report, ReportOptions, Row, RowLink } from './types';

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

/**
 * Teams shows at most 6 buttons in one action set (more are cut on desktop and folded on
 * mobile; observed, not documented: atc0005/go-teams-notify#161), so a row has at most 6.
 */
export const MAX_ROW_LINKS = 6;

function quoted(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
	return JSON.stringify(text.length > 80 ? text.slice(0, 77) + '...' : text);
}

/**
 * The buttons of a row from the item's links field (`[{title, url}]`): links that are not
 * http(s) or have no title are left out, each with a warning naming the row and the value.
 */
export function rowLinks(item: Json, field: string, rowName: string, labels: Labels): { links: RowLink[]; warnings: string[] } {
	const own = item.linkWarnings;
	const warnings = Array.isArray(own) ? own.filter((w): w is string => typeof w === 'string' && w.trim() !== '').map((w) => toSingleLine(w)) : [];
	const raw = field ? readPath(item, field) : undefined;
	if (raw === undefined || raw === null || raw === '') return { links: [], warnings };
	if (!Array.isArray(raw)) return { links: [], warnings: [...warnings, labels.linksNotList(rowName, field)] };
	const links: RowLink[] = [];
	for (const entry of raw) {
		const link = entry && typeof entry === 'object' ? (entry as Json) : {};
		const title = typeof link.title === 'string' ? clampText(toSingleLine(link.title.trim()), 40) : '';
		const url = safeUrl(typeof link.url === 'string' ? link.url.trim() : undefined);
		if (!url) warnings.push(labels.linkDropped(rowName, title || '?', quoted(link.url)));
		else if (!title) warnings.push(labels.linkNoTitle(rowName, quoted(link.url)));
		else links.push({ title, url });
	}
	if (links.length > MAX_ROW_LINKS) warnings.push(labels.tooManyLinks(rowName, links.length - MAX_ROW_LINKS, MAX_ROW_LINKS));
	return { links: links.slice(0, MAX_ROW_LINKS), warnings };
}

/** One row per item: plain-text cells (status cells hold the light, link cells the URL). */
export function buildRow(item: Json, index: number, columns: readonly Column[], options: ReportOptions, labels: Labels): Row {
	const statusColumn = columns.find((c) => c.kind === 'status');
	const light = statusColumn ? statusLight(firstPresent(item, statusColumn.paths), item) : lightOf(item);
	const cells = columns.map((column) => cellFor(item, column, options, labels));
	const nameAt = columns.findIndex((c) => c.kind !== 'status' && c.kind !== 'link');
	const { links, warnings } = rowLinks(item, options.linksField ?? 'links', nameAt >= 0 ? cells[nameAt] : `#${index + 1}`, labels);
	return { light, index, url: rowUrl(item, columns), cells, links, warnings };
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
		footerNotes: (options.footerNotes ?? []).map((n) => toSingleLine(n.trim())).filter((n) => n !== ''),
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

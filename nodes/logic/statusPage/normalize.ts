/**
 * Turns the rows of the workflow's queries (as the Postgres node outputs them: bigint as text,
 * timestamps as ISO strings, jsonb parsed) into the page's model. Rows that are empty (a query
 * node set to "always output data" over no rows) are skipped; a row carrying `error` (a query
 * node that continued on failure) marks the database as unavailable.
 */
import { DateTime } from 'luxon';
import type { Cadence, Light } from '../shared/items';
import { CADENCES, EVENT_KINDS } from './types';
import type { EventKind, EventView, Notice, PageData, PageRequest, PipelineView, StripCounts, StripDay, TableAnnotation, TableTrend } from './types';

export type Row = Record<string, unknown>;

export interface QueryRows {
	pipelines?: readonly Row[];
	events?: readonly Row[];
	eventCounts?: readonly Row[];
	rowCounts?: readonly Row[];
}

const LIGHT_RANK: Record<Light, number> = { red: 0, yellow: 1, grey: 2, green: 3 };

/** The worse of two lights (red before yellow before grey before green). */
export function worseLight(a: Light | undefined, b: Light): Light {
	return a === undefined || LIGHT_RANK[b] < LIGHT_RANK[a] ? b : a;
}

/**
 * A pipeline's strip: its stored days with the lights of what was stored since they were computed
 * (events, evaluations) folded in, the worse light winning; oldest first.
 */
export function mergeStrip(stored: readonly StripDay[], recent: ReadonlyArray<{ day: string; light: Light }>): StripDay[] {
	const merged = new Map<string, StripDay>();
	for (const s of stored) merged.set(s.day, { ...s });
	for (const r of recent) {
		const had = merged.get(r.day);
		if (had) had.light = worseLight(had.light, r.light);
		else merged.set(r.day, { day: r.day, light: r.light });
	}
	return [...merged.values()].sort((a, b) => a.day.localeCompare(b.day));
}

const LIGHTS: readonly Light[] = ['green', 'yellow', 'red', 'grey'];

function isEmptyRow(row: Row): boolean {
	return Object.keys(row).length === 0;
}

export function isErrorRow(row: Row): boolean {
	return typeof row.error === 'string' || (typeof row.error === 'object' && row.error !== null);
}

function text(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string') return value === '' ? null : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value instanceof Date) return value.toISOString();
	return JSON.stringify(value);
}

function numberOrNull(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const n = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(n) ? n : null;
}

function lightOrNull(value: unknown): Light | null {
	return typeof value === 'string' && (LIGHTS as readonly string[]).includes(value) ? (value as Light) : null;
}

function instant(value: unknown): string | null {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
	if (typeof value !== 'string' || value === '') return null;
	const dt = DateTime.fromISO(value, { setZone: true });
	return dt.isValid ? dt.toUTC().toISO() : null;
}

function localDay(value: unknown): string | null {
	const t = text(value);
	if (!t) return null;
	const m = /^(\d{4}-\d{2}-\d{2})/.exec(t);
	return m ? m[1] : null;
}

function reasonItem(value: unknown): { code: string | null; text: string; light: Light | null } | null {
	if (typeof value === 'string') return { code: null, text: value, light: null };
	if (value && typeof value === 'object') {
		const r = value as Record<string, unknown>;
		const t = text(r.text) ?? text(r.code);
		return t === null ? null : { code: text(r.code), text: t, light: lightOrNull(r.light) };
	}
	return null;
}

function parsedList(value: unknown): unknown[] {
	let v = value;
	if (typeof v === 'string') {
		try {
			v = JSON.parse(v);
		} catch {
			return [v];
		}
	}
	return Array.isArray(v) ? v : v ? [v] : [];
}

/** Stored reasons with their codes (a JSON string, a list, one object or plain strings). */
function reasonItems(value: unknown): Array<{ code: string | null; text: string; light: Light | null }> {
	return parsedList(value)
		.map(reasonItem)
		.filter((r): r is { code: string | null; text: string; light: Light | null } => r !== null);
}

function countOf(value: unknown): number {
	const n = numberOrNull(value);
	return n !== null && n >= 0 ? Math.floor(n) : 0;
}

function stripCounts(o: Row): StripCounts | undefined {
	if (o.runs === undefined && o.failures === undefined && o.evaluations === undefined) return undefined;
	return { runs: countOf(o.runs), failed: countOf(o.failed), other: countOf(o.other), failures: countOf(o.failures), warnings: countOf(o.warnings), evaluations: countOf(o.evaluations), late: countOf(o.late) };
}

/** Stored days (light may be null: a day with nothing) and recent lights, as the query aggregates them. */
function stripDaysOf(value: unknown): StripDay[] {
	const out: StripDay[] = [];
	for (const s of parsedList(value)) {
		const o = (s ?? {}) as Row;
		const day = localDay(o.day);
		const light = lightOrNull(o.light);
		if (!day || !light) continue;
		const counts = stripCounts(o);
		out.push(counts ? { day, light, counts } : { day, light });
	}
	return out;
}

function toPipeline(row: Row): PipelineView | null {
	const pipeline = text(row.pipeline);
	if (!pipeline) return null;
	const strip = mergeStrip(stripDaysOf(row.strip), stripDaysOf(row.recent));
	const stored = row.historyComputedAt !== undefined ? row.historyComputedAt !== null && row.historyComputedAt !== '' : undefined;
	return {
		pipeline,
		service: text(row.service),
		schedule: text(row.schedule),
		timezone: text(row.timezone),
		deadline: text(row.deadline),
		owner: text(row.owner),
		description: text(row.description),
		light: lightOrNull(row.light),
		reasons: reasonItems(row.reasons),
		url: text(row.url),
		evaluatedAt: instant(row.evaluatedAt),
		changedAt: instant(row.changedAt),
		strip,
		...(stored !== undefined ? { historyStored: stored } : {}),
	};
}

function toEvent(row: Row): EventView | null {
	const pipeline = text(row.pipeline);
	const kind = text(row.kind);
	if (!pipeline || !kind || !(EVENT_KINDS as readonly string[]).includes(kind)) return null;
	return {
		id: text(row.id) ?? '',
		kind: kind as EventKind,
		source: text(row.source),
		pipeline,
		runId: text(row.runId),
		taskId: text(row.taskId),
		tryNumber: numberOrNull(row.tryNumber),
		state: text(row.state),
		at: instant(row.at),
		message: text(row.message),
		summary: text(row.summary),
		category: text(row.category),
		url: text(row.url),
		logUrl: text(row.logUrl),
		previous: row.previousAt ? { at: instant(row.previousAt), by: text(row.previousBy), note: text(row.previousNote) } : null,
	};
}

/** Days from `from` to `to` (local dates, both inclusive). */
export function daysBetween(from: string, to: string): string[] {
	const out: string[] = [];
	let d = DateTime.fromISO(from, { zone: 'UTC' });
	const end = DateTime.fromISO(to, { zone: 'UTC' });
	while (d <= end && out.length < 4000) {
		out.push(d.toISODate()!);
		d = d.plus({ days: 1 });
	}
	return out;
}

function cadenceOf(value: unknown): Cadence {
	return typeof value === 'string' && (CADENCES as readonly string[]).includes(value) ? (value as Cadence) : 'regular';
}

/** Groups the row-count rows per table into a daily series over the trend window, latest value last. */
function freshnessOf(row: Row): TableTrend['freshness'] {
	const latestAt = instant(row.latestAt);
	return latestAt ? { latestAt, lagMinutes: numberOrNull(row.lagMinutes), allowedLagMinutes: numberOrNull(row.allowedLagMinutes) } : null;
}

/** Annotations as the query aggregates them (jsonb list of {from, to, kind, note}); malformed entries are skipped. */
function annotationsOf(value: unknown): TableAnnotation[] {
	const v = parsedList(value);
	const out: TableAnnotation[] = [];
	for (const a of v.slice(0, 50)) {
		if (!a || typeof a !== 'object') continue;
		const o = a as Row;
		const from = localDay(o.from);
		const kind = text(o.kind);
		if (!from || !kind) continue;
		out.push({ from, to: localDay(o.to) ?? from, kind, note: text(o.note) });
	}
	return out;
}

export function toTableTrends(rows: readonly Row[], request: Pick<PageRequest, 'trendFrom' | 'today'>): TableTrend[] {
	const days = daysBetween(request.trendFrom, request.today);
	const byTable = new Map<string, Row[]>();
	for (const row of rows) {
		const table = text(row.table);
		if (!table) continue;
		const list = byTable.get(table) ?? [];
		list.push(row);
		byTable.set(table, list);
	}
	const trends: TableTrend[] = [];
	for (const [table, list] of byTable) {
		const byDay = new Map<string, Row>();
		for (const r of list) {
			const day = localDay(r.day);
			if (day) byDay.set(day, r);
		}
		const measured = [...byDay.keys()].sort();
		const lastDay = measured[measured.length - 1];
		const last = lastDay ? byDay.get(lastDay)! : undefined;
		const rows = last ? numberOrNull(last.rows) : null;
		trends.push({
			table,
			cadence: cadenceOf(list[0].cadence),
			description: text(list[0].description),
			pipeline: text(list[0].pipeline),
			latest:
				last && lastDay && rows !== null
					? { day: lastDay, rows, delta: numberOrNull(last.delta), light: lightOrNull(last.light), reason: reasonItems(last.reason)[0] ?? null, estimated: last.estimated === true }
					: null,
			series: days.map((d) => (byDay.has(d) ? numberOrNull(byDay.get(d)!.rows) : null)),
			loads: days.map((d) => (byDay.has(d) ? numberOrNull(byDay.get(d)!.delta) : null)),
			lights: days.map((d) => (byDay.has(d) ? lightOrNull(byDay.get(d)!.light) : null)),
			freshness: last ? freshnessOf(last) : null,
			// table-level (every row of the table carries them): read from the latest row
			muteUntil: localDay((last ?? list[0]).muteUntil),
			annotations: annotationsOf((last ?? list[0]).annotations),
		});
	}
	return trends.sort((a, b) => a.table.localeCompare(b.table));
}

function countsByKind(rows: readonly Row[]): Record<EventKind, number> {
	const counts: Record<EventKind, number> = { failure: 0, warning: 0, success: 0 };
	for (const row of rows) {
		const kind = text(row.kind);
		const n = numberOrNull(row.n);
		if (kind && (EVENT_KINDS as readonly string[]).includes(kind) && n !== null && n >= 0) counts[kind as EventKind] += n;
	}
	return counts;
}

/** The page's model from the raw query rows. */
export function toPageData(input: QueryRows, request: Pick<PageRequest, 'trendFrom' | 'today'> & Partial<Pick<PageRequest, 'timezone'>>): PageData {
	const all = [input.pipelines, input.events, input.eventCounts, input.rowCounts].flatMap((rows) => rows ?? []);
	const unavailable = all.some(isErrorRow);
	const keep = (rows: readonly Row[] | undefined) => (rows ?? []).filter((r) => !isEmptyRow(r) && !isErrorRow(r));
	const pipelineRows = keep(input.pipelines);
	const notices: Notice[] = [];
	// the history table is empty (fresh install before the hourly status workflow's first run)
	if (pipelineRows.length && pipelineRows.some((p) => p.historyStored === false || p.historyStored === 'false')) notices.push({ code: 'history_pending', value: '' });
	// the days are kept in the hourly workflow's zone: a page asked in another zone says so
	const zone = pipelineRows.map((p) => text(p.historyZone)).find((z) => z !== null);
	if (zone && request.timezone && zone !== request.timezone) notices.push({ code: 'history_zone', value: zone });
	return {
		pipelines: pipelineRows.map(toPipeline).filter((p): p is PipelineView => p !== null),
		events: keep(input.events)
			.map(toEvent)
			.filter((e): e is EventView => e !== null),
		eventCounts: countsByKind(keep(input.eventCounts)),
		tables: toTableTrends(keep(input.rowCounts), request),
		...(notices.length ? { notices } : {}),
		...(unavailable ? { unavailable: true } : {}),
	};
}

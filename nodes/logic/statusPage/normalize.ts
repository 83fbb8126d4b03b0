/**
 * Turns the rows of the workflow's queries (as the Postgres node outputs them: bigint as text,
 * timestamps as ISO strings, jsonb parsed) into the page's model. Rows that are empty (a query
 * node set to "always output data" over no rows) are skipped; a row carrying `error` (a query
 * node that continued on failure) marks the database as unavailable.
 */
import { DateTime } from 'luxon';
import type { Cadence, Light } from '../shared/items';
import { CADENCES, EVENT_KINDS } from './types';
import type { EventKind, EventView, PageData, PageRequest, PipelineView, TableTrend } from './types';

export type Row = Record<string, unknown>;

export interface QueryRows {
	pipelines?: readonly Row[];
	events?: readonly Row[];
	eventCounts?: readonly Row[];
	rowCounts?: readonly Row[];
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

/** The reader's text of one reason: a Reason object's text, or a plain string. */
function reasonText(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (value && typeof value === 'object') {
		const r = value as Record<string, unknown>;
		return text(r.text) ?? text(r.code);
	}
	return null;
}

function reasonList(value: unknown): string[] {
	let v = value;
	if (typeof v === 'string') {
		try {
			v = JSON.parse(v);
		} catch {
			return [v as string];
		}
	}
	const list = Array.isArray(v) ? v : v ? [v] : [];
	return list.map(reasonText).filter((t): t is string => t !== null);
}

function toPipeline(row: Row): PipelineView | null {
	const pipeline = text(row.pipeline);
	if (!pipeline) return null;
	const strip = (Array.isArray(row.strip) ? row.strip : [])
		.map((s: unknown) => {
			const o = (s ?? {}) as Row;
			const day = localDay(o.day);
			const light = lightOrNull(o.light);
			return day && light ? { day, light } : null;
		})
		.filter((s): s is { day: string; light: Light } => s !== null)
		.sort((a, b) => a.day.localeCompare(b.day));
	return {
		pipeline,
		service: text(row.service),
		schedule: text(row.schedule),
		timezone: text(row.timezone),
		deadline: text(row.deadline),
		owner: text(row.owner),
		description: text(row.description),
		light: lightOrNull(row.light),
		reasons: reasonList(row.reasons),
		url: text(row.url),
		evaluatedAt: instant(row.evaluatedAt),
		changedAt: instant(row.changedAt),
		strip,
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
					? { day: lastDay, rows, delta: numberOrNull(last.delta), light: lightOrNull(last.light), reason: reasonList(last.reason)[0] ?? null, estimated: last.estimated === true }
					: null,
			series: days.map((d) => (byDay.has(d) ? numberOrNull(byDay.get(d)!.rows) : null)),
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
export function toPageData(input: QueryRows, request: Pick<PageRequest, 'trendFrom' | 'today'>): PageData {
	const all = [input.pipelines, input.events, input.eventCounts, input.rowCounts].flatMap((rows) => rows ?? []);
	const unavailable = all.some(isErrorRow);
	const keep = (rows: readonly Row[] | undefined) => (rows ?? []).filter((r) => !isEmptyRow(r) && !isErrorRow(r));
	return {
		pipelines: keep(input.pipelines)
			.map(toPipeline)
			.filter((p): p is PipelineView => p !== null),
		events: keep(input.events)
			.map(toEvent)
			.filter((e): e is EventView => e !== null),
		eventCounts: countsByKind(keep(input.eventCounts)),
		tables: toTableTrends(keep(input.rowCounts), request),
		...(unavailable ? { unavailable: true } : {}),
	};
}

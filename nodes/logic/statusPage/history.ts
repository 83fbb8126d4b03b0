/**
 * The status page's two-week history, one row per pipeline and local day (table
 * pipeline_monitor.pipeline_days, schema v8): the worst light of the day and the counts behind it.
 * The hourly status workflow builds the rows from the Airflow runs it fetched, the stored events
 * (n8n error collector, Airflow callbacks) and the stored evaluations; the page only reads them.
 *
 * A day is a local date in one IANA zone: a run that starts at 23:30 UTC belongs to the next day
 * in Asia/Seoul (UTC+9). A run counts for the day it started (else the day it was due to run:
 * run_after, then the logical date); failed is red, success green, a run in any other state
 * (queued, running, up_for_retry …) is counted but gives no light of its own.
 */
import { DateTime } from 'luxon';
import type { Light } from '../shared/items';
import type { StripCounts } from './types';

export type HistorySource = 'airflow' | 'n8n' | 'evaluation';

/**
 * One stored day of one pipeline (the columns of pipeline_monitor.pipeline_days). The counts
 * (StripCounts): Airflow runs that started that day, the failed ones, and those neither failed nor
 * succeeded; stored failure and warning events of that day; stored evaluations of that day, and
 * the yellow ones (late, long-running, retried).
 */
export interface HistoryDay extends StripCounts {
	pipeline: string;
	/** local date (YYYY-MM-DD) in `timezone` */
	day: string;
	timezone: string;
	/** the worst light of the day; null when nothing ran, failed or was judged that day */
	light: Light | null;
	/** where the worst light came from */
	source: HistorySource | null;
}

/** An Airflow run item (the Airflow node's output): only these fields are read. */
export interface HistoryRun {
	pipeline?: unknown;
	/** a run given twice (two fetches whose windows overlap) is counted once */
	runId?: unknown;
	state?: unknown;
	startedAt?: unknown;
	runAfter?: unknown;
	logicalDate?: unknown;
}

/** A stored event: kind failure | warning | success, source airflow | n8n, and when it happened. */
export interface HistoryEvent {
	pipeline?: unknown;
	kind?: unknown;
	source?: unknown;
	at?: unknown;
}

/** A stored evaluation (light_history row). */
export interface HistoryEvaluation {
	pipeline?: unknown;
	light?: unknown;
	evaluatedAt?: unknown;
}

/** What to compute: each pipeline with the local days to (re)write. */
export interface HistoryTarget {
	pipeline: string;
	days: readonly string[];
}

const LIGHT_RANK: Record<Light, number> = { red: 0, yellow: 1, grey: 2, green: 3 };
const LIGHTS = Object.keys(LIGHT_RANK) as Light[];

function isLight(value: unknown): value is Light {
	return typeof value === 'string' && (LIGHTS as string[]).includes(value);
}

const WITH_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * An instant as epoch ms: a Date, or ISO text with its offset (read natively, fast); text without
 * an offset is read as UTC, never in the machine's zone. Null when absent or unreadable.
 */
function epochMs(value: unknown): number | null {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
	if (typeof value !== 'string' || value === '') return null;
	if (WITH_OFFSET.test(value)) {
		const ms = Date.parse(value);
		if (!Number.isNaN(ms)) return ms;
	}
	const dt = DateTime.fromISO(value, { zone: 'UTC' });
	return dt.isValid ? dt.toMillis() : null;
}

/** The local date (YYYY-MM-DD) in `zone` of an instant; null when the instant is unreadable. */
export function localDayOf(value: unknown, zone: string): string | null {
	const ms = epochMs(value);
	return ms === null ? null : DateTime.fromMillis(ms, { zone }).toISODate();
}

/** The last `count` local dates in `zone` ending with the day of `now`, oldest first. */
export function lastLocalDays(now: DateTime | string, zone: string, count: number): string[] {
	const today = (typeof now === 'string' ? DateTime.fromISO(now, { setZone: true }) : now).setZone(zone).startOf('day');
	const n = Math.max(1, Math.floor(count));
	return Array.from({ length: n }, (_, i) => today.minus({ days: n - 1 - i }).toISODate()!);
}

/** The instant (UTC ISO) the local day `day` starts in `zone`. */
export function dayStart(day: string, zone: string): string {
	return DateTime.fromISO(day, { zone }).startOf('day').toUTC().toISO()!;
}

/** The light a run's state gives its day: failed red, success green, anything else none. */
export function runDayLight(state: unknown): Light | null {
	if (state === 'failed') return 'red';
	if (state === 'success') return 'green';
	return null;
}

/** The light a stored event gives its day: failure red, warning yellow, success green. */
export function eventDayLight(kind: unknown): Light | null {
	if (kind === 'failure') return 'red';
	if (kind === 'warning') return 'yellow';
	if (kind === 'success') return 'green';
	return null;
}

function emptyDay(pipeline: string, day: string, timezone: string): HistoryDay {
	return { pipeline, day, timezone, light: null, source: null, runs: 0, failed: 0, other: 0, failures: 0, warnings: 0, evaluations: 0, late: 0 };
}

/** Folds one light into the day: the worse light wins; on a tie the first source seen keeps it. */
function fold(day: HistoryDay, light: Light | null, source: HistorySource): void {
	if (!light) return;
	if (day.light === null || LIGHT_RANK[light] < LIGHT_RANK[day.light]) {
		day.light = light;
		day.source = source;
	}
}

function textOf(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The history rows of the targets' days: for each pipeline and each of its days, the worst light
 * of its Airflow runs, stored events and evaluations of that local day, with the counts. Every
 * target day gets a row (an empty day too: light null, counts 0), so a rewrite replaces what was
 * stored; runs, events and evaluations of other pipelines or days are ignored.
 */
export function buildHistoryDays(
	targets: readonly HistoryTarget[],
	input: { runs?: readonly HistoryRun[]; events?: readonly HistoryEvent[]; evaluations?: readonly HistoryEvaluation[] },
	zone: string,
): HistoryDay[] {
	const rows = new Map<string, HistoryDay>();
	const out: HistoryDay[] = [];
	const pipelines = new Set<string>();
	const distinctDays = new Set<string>();
	for (const t of targets) {
		pipelines.add(t.pipeline);
		for (const day of t.days) {
			const key = `${t.pipeline}\u0000${day}`;
			if (rows.has(key)) continue;
			const row = emptyDay(t.pipeline, day, zone);
			rows.set(key, row);
			out.push(row);
			distinctDays.add(day);
		}
	}
	// the target days as [start, end) in epoch ms, computed once: each instant is then placed by
	// comparing numbers (a time-zone conversion per run would dominate the writer's time)
	const bounds = [...distinctDays]
		.sort()
		.map((day) => {
			const start = DateTime.fromISO(day, { zone }).startOf('day');
			return { day, start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
		});
	const dayAt = (ms: number): string | null => {
		for (const b of bounds) if (ms >= b.start && ms < b.end) return b.day;
		return null;
	};
	const rowOf = (pipeline: unknown, at: unknown): HistoryDay | undefined => {
		const p = textOf(pipeline);
		if (!p || !pipelines.has(p)) return undefined;
		const ms = epochMs(at);
		const day = ms === null ? null : dayAt(ms);
		return day ? rows.get(`${p}\u0000${day}`) : undefined;
	};
	const seen = new Set<string>();
	for (const run of input.runs ?? []) {
		const runId = textOf(run.runId);
		if (runId) {
			const key = `${String(run.pipeline)}\u0000${runId}`;
			if (seen.has(key)) continue;
			seen.add(key);
		}
		const at = epochMs(run.startedAt) !== null ? run.startedAt : epochMs(run.runAfter) !== null ? run.runAfter : run.logicalDate;
		const row = rowOf(run.pipeline, at);
		if (!row) continue;
		row.runs++;
		const light = runDayLight(run.state);
		if (light === 'red') row.failed++;
		else if (light === null) row.other++;
		fold(row, light, 'airflow');
	}
	for (const event of input.events ?? []) {
		const row = rowOf(event.pipeline, event.at);
		if (!row) continue;
		if (event.kind === 'failure') row.failures++;
		else if (event.kind === 'warning') row.warnings++;
		fold(row, eventDayLight(event.kind), event.source === 'n8n' ? 'n8n' : 'airflow');
	}
	for (const evaluation of input.evaluations ?? []) {
		const row = rowOf(evaluation.pipeline, evaluation.evaluatedAt);
		if (!row || !isLight(evaluation.light)) continue;
		row.evaluations++;
		if (evaluation.light === 'yellow') row.late++;
		fold(row, evaluation.light, 'evaluation');
	}
	return out;
}

/**
 * The days to write for each pipeline: the whole window (`days` local dates ending today) for a
 * pipeline with nothing stored yet in this zone, else yesterday and today.
 */
export function historyTargets(pipelines: ReadonlyArray<{ pipeline: string; backfill: boolean }>, now: DateTime | string, zone: string, days: number): HistoryTarget[] {
	const all = lastLocalDays(now, zone, days);
	const recent = all.slice(-2);
	return pipelines.map((p) => ({ pipeline: p.pipeline, days: p.backfill ? all : recent }));
}

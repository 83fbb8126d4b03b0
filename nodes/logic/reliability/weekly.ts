/**
 * The weekly reliability report: how reliable each pipeline was in one week and how that changed
 * against the week before. Pure: the workflow's SQL hands in the week's bounds, the pipelines, the
 * runs, the failures, the table alarms and the alarms annotated as expected; nothing here reads a
 * clock or a database.
 *
 * The rules, one per function:
 * - success rate: successful runs / finished runs (a run with any failure is failed);
 * - on-time rate: of the schedule's ticks in the week whose due time has passed, the share with a
 *   successful run that ended between the tick and its due time; due is the pipeline's deadline
 *   (local HH:MM on the tick's day, the next day when the deadline is before the tick) or, without
 *   one, the next tick;
 * - mean time to acknowledge: failure received → acknowledged, over the acknowledged failures
 *   that head a group (a grouped repeat shares its first failure's acknowledgement);
 * - mean time to recover: first failed run of a streak → the next successful run's end;
 * - recurring failures: fingerprints seen at least twice in the week, most frequent first;
 * - noisiest tables: the pipeline's tables with the most red/yellow row-count days; alarms
 *   acknowledged as expected: annotations of kind "expected" overlapping the week.
 */
import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import { checkZone } from '../shared/time';
import { parseSchedule, tickAfter, ticksBetween } from '../trafficLight/schedule';

export interface PipelineInfo {
	pipeline: string;
	owner?: string | null;
	schedule?: string | null;
	timezone?: string | null;
	/** local HH:MM by which a scheduled run must have finished */
	deadline?: string | null;
}

export interface RunRecord {
	pipeline: string;
	runId: string;
	outcome: 'success' | 'failure';
	/** when the run ended (ISO); the run counts in the week it ended in */
	endedAt: string;
}

export interface FailureRecord {
	pipeline: string;
	id: number | string;
	receivedAt: string;
	acknowledgedAt?: string | null;
	fingerprint?: string | null;
	summary?: string | null;
	/** the first failure of its group when this one is a grouped repeat */
	groupedInto?: number | string | null;
}

export interface TableAlarm {
	table: string;
	pipeline?: string | null;
	/** local day of the count, YYYY-MM-DD */
	day: string;
	light: string;
}

export interface ExpectedAlarm {
	table: string;
	pipeline?: string | null;
	from: string;
	to: string;
	note?: string | null;
}

export interface WeekInput {
	/** first instant of the week (ISO) */
	weekStart: string;
	/** first instant after the week (ISO) */
	weekEnd: string;
	/** first instant of the week before (ISO) */
	previousStart: string;
	/** when the report is made: ticks due later are not judged yet (ISO) */
	asOf: string;
	/** zone of the days (table alarms, annotations) and of the default schedule zone */
	timezone: string;
	pipelines: PipelineInfo[];
	runs: RunRecord[];
	failures: FailureRecord[];
	tableAlarms?: TableAlarm[];
	expectedAlarms?: ExpectedAlarm[];
}

export interface Metrics {
	runs: number;
	successes: number;
	failures: number;
	/** 0..1, null without finished runs */
	successRate: number | null;
	/** ticks judged (due time passed) */
	ticks: number;
	onTime: number;
	onTimeRate: number | null;
	acknowledged: number;
	unacknowledged: number;
	/** minutes, null when nothing was acknowledged */
	mttaMin: number | null;
	recovered: number;
	unrecovered: number;
	/** minutes, null when nothing recovered */
	mttrMin: number | null;
}

export interface Change {
	/** percentage points */
	successRate: number | null;
	onTimeRate: number | null;
	/** minutes */
	mttaMin: number | null;
	mttrMin: number | null;
	failures: number;
}

export interface RecurringFailure {
	fingerprint: string;
	count: number;
	summary: string;
}

export interface PipelineWeek {
	pipeline: string;
	owner: string | null;
	current: Metrics;
	previous: Metrics;
	change: Change;
	recurring: RecurringFailure[];
	noisyTables: Array<{ table: string; alarmDays: number }>;
	expectedAlarms: Array<{ table: string; from: string; to: string; note: string }>;
}

export interface WeekReport {
	weekStart: string;
	weekEnd: string;
	previousStart: string;
	timezone: string;
	pipelines: PipelineWeek[];
	/** all pipelines together */
	total: { current: Metrics; previous: Metrics; change: Change };
}

const MIN_MS = 60_000;

function instant(value: unknown, field: string): number {
	const ms = typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }).toMillis() : value instanceof Date ? value.getTime() : NaN;
	if (!Number.isFinite(ms)) throw new InputError(field, value, 'is not an ISO-8601 date-time', 'Give an instant with its offset, e.g. 2026-11-16T00:00:00+09:00.');
	return ms;
}

const optionalInstant = (value: unknown, field: string): number | null => (value === null || value === undefined || value === '' ? null : instant(value, field));

const round1 = (n: number): number => Math.round(n * 10) / 10;
const meanOf = (values: number[]): number | null => (values.length ? round1(values.reduce((a, b) => a + b, 0) / values.length) : null);

interface Window {
	from: number;
	to: number;
}

/** Finished runs in the window, each run once (a run with any failure is failed). */
export function runsIn(runs: readonly RunRecord[], window: Window): Array<{ runId: string; failed: boolean; endedAt: number }> {
	const byRun = new Map<string, { runId: string; failed: boolean; endedAt: number }>();
	for (const run of runs) {
		const endedAt = instant(run.endedAt, 'runs.endedAt');
		const known = byRun.get(run.runId);
		if (known) {
			known.failed ||= run.outcome === 'failure';
			known.endedAt = Math.max(known.endedAt, endedAt);
		} else byRun.set(run.runId, { runId: run.runId, failed: run.outcome === 'failure', endedAt });
	}
	return [...byRun.values()].filter((r) => r.endedAt >= window.from && r.endedAt < window.to).sort((a, b) => a.endedAt - b.endedAt);
}

/** The instant a tick's run is due: the deadline on the tick's local day (next day if before the tick), else the next tick. */
export function dueOf(tick: number, pipeline: PipelineInfo, zone: string, nextTick: number): number {
	const deadline = pipeline.deadline?.trim();
	if (!deadline) return nextTick;
	const match = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(deadline);
	if (!match) throw new InputError(`pipelines[${pipeline.pipeline}].deadline`, deadline, 'is not HH:MM', 'Write the deadline as local time of day, e.g. 07:30.');
	const local = DateTime.fromMillis(tick, { zone });
	let due = local.set({ hour: Number(match[1]), minute: Number(match[2]), second: 0, millisecond: 0 });
	if (due.toMillis() < tick) due = due.plus({ days: 1 });
	return due.toMillis();
}

/** On-time ticks of the window: ticks whose due time passed by `asOf`, and how many had a successful run ending in [tick, due]. */
export function onTimeIn(pipeline: PipelineInfo, defaultZone: string, successes: readonly number[], window: Window, asOf: number): { ticks: number; onTime: number } {
	const zone = pipeline.timezone?.trim() || defaultZone;
	const schedule = parseSchedule(pipeline.schedule ?? null, zone, `pipelines[${pipeline.pipeline}].schedule`);
	if (!schedule) return { ticks: 0, onTime: 0 };
	let ticks = 0;
	let onTime = 0;
	for (const tick of ticksBetween(schedule, window.from, window.to - 1)) {
		const due = dueOf(tick, pipeline, zone, tickAfter(schedule, tick));
		if (due > asOf) continue;
		ticks++;
		if (successes.some((end) => end >= tick && end <= due)) onTime++;
	}
	return { ticks, onTime };
}

/** Recoveries of the window: each streak of failed runs that starts in it, to the next successful run (searched in all runs). */
export function recoveriesIn(allRuns: ReadonlyArray<{ failed: boolean; endedAt: number }>, window: Window): { recovered: number[]; unrecovered: number } {
	const recovered: number[] = [];
	let unrecovered = 0;
	for (let i = 0; i < allRuns.length; i++) {
		const run = allRuns[i];
		if (!run.failed || run.endedAt < window.from || run.endedAt >= window.to) continue;
		if (i > 0 && allRuns[i - 1].failed) continue; // not the first failure of its streak
		const next = allRuns.slice(i + 1).find((r) => !r.failed);
		if (next) recovered.push((next.endedAt - run.endedAt) / MIN_MS);
		else unrecovered++;
	}
	return { recovered, unrecovered };
}

function metricsOf(pipelines: readonly PipelineInfo[], input: WeekInput, window: Window, asOf: number): Metrics {
	let runs = 0;
	let successes = 0;
	let ticks = 0;
	let onTime = 0;
	const recoveries: number[] = [];
	let unrecovered = 0;
	const ackMinutes: number[] = [];
	let unacknowledged = 0;
	for (const pipeline of pipelines) {
		const mine = input.runs.filter((r) => r.pipeline === pipeline.pipeline);
		const all = runsIn(mine, { from: -Infinity, to: Infinity });
		const inWeek = all.filter((r) => r.endedAt >= window.from && r.endedAt < window.to);
		runs += inWeek.length;
		successes += inWeek.filter((r) => !r.failed).length;
		const due = onTimeIn(pipeline, input.timezone, all.filter((r) => !r.failed).map((r) => r.endedAt), window, asOf);
		ticks += due.ticks;
		onTime += due.onTime;
		const rec = recoveriesIn(all, window);
		recoveries.push(...rec.recovered);
		unrecovered += rec.unrecovered;
		for (const failure of input.failures) {
			if (failure.pipeline !== pipeline.pipeline || (failure.groupedInto !== null && failure.groupedInto !== undefined)) continue;
			const received = instant(failure.receivedAt, 'failures.receivedAt');
			if (received < window.from || received >= window.to) continue;
			const acked = optionalInstant(failure.acknowledgedAt, 'failures.acknowledgedAt');
			if (acked === null) unacknowledged++;
			else ackMinutes.push((acked - received) / MIN_MS);
		}
	}
	return {
		runs,
		successes,
		failures: runs - successes,
		successRate: runs ? successes / runs : null,
		ticks,
		onTime,
		onTimeRate: ticks ? onTime / ticks : null,
		acknowledged: ackMinutes.length,
		unacknowledged,
		mttaMin: meanOf(ackMinutes),
		recovered: recoveries.length,
		unrecovered,
		mttrMin: meanOf(recoveries),
	};
}

const points = (now: number | null, before: number | null): number | null => (now === null || before === null ? null : round1((now - before) * 100));
const minutes = (now: number | null, before: number | null): number | null => (now === null || before === null ? null : round1(now - before));

export function changeOf(current: Metrics, previous: Metrics): Change {
	return {
		successRate: points(current.successRate, previous.successRate),
		onTimeRate: points(current.onTimeRate, previous.onTimeRate),
		mttaMin: minutes(current.mttaMin, previous.mttaMin),
		mttrMin: minutes(current.mttrMin, previous.mttrMin),
		failures: current.failures - previous.failures,
	};
}

/** Fingerprints seen at least twice in the window, most frequent first (ties: the fingerprint), with the latest summary. */
export function recurringIn(failures: readonly FailureRecord[], window: Window, top = 3): RecurringFailure[] {
	const groups = new Map<string, { count: number; summary: string; latest: number }>();
	for (const f of failures) {
		const fp = f.fingerprint?.trim();
		if (!fp) continue;
		const at = instant(f.receivedAt, 'failures.receivedAt');
		if (at < window.from || at >= window.to) continue;
		const group = groups.get(fp) ?? { count: 0, summary: '', latest: -Infinity };
		group.count++;
		if (at >= group.latest && f.summary) {
			group.summary = f.summary;
			group.latest = at;
		}
		groups.set(fp, group);
	}
	return [...groups.entries()]
		.filter(([, g]) => g.count >= 2)
		.sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
		.slice(0, top)
		.map(([fingerprint, g]) => ({ fingerprint, count: g.count, summary: g.summary }));
}

function localDays(window: Window, zone: string): { first: string; last: string } {
	return {
		first: DateTime.fromMillis(window.from, { zone }).toISODate() ?? '',
		last: DateTime.fromMillis(window.to - 1, { zone }).toISODate() ?? '',
	};
}

/** The report for the week of `input`, per pipeline (in the order given) and in total. */
export function weeklyReliability(input: WeekInput, options: { topFailures?: number; topTables?: number } = {}): WeekReport {
	checkZone(input.timezone);
	const week = { from: instant(input.weekStart, 'weekStart'), to: instant(input.weekEnd, 'weekEnd') };
	const before = { from: instant(input.previousStart, 'previousStart'), to: week.from };
	if (!(before.from < week.from && week.from < week.to)) {
		throw new InputError('weekStart', input.weekStart, 'is not between previousStart and weekEnd', 'Give previousStart < weekStart < weekEnd, e.g. the Mondays 00:00 of three weeks in a row.');
	}
	const asOf = instant(input.asOf, 'asOf');
	const days = localDays(week, input.timezone);
	const pipelines = input.pipelines.map((pipeline): PipelineWeek => {
		const current = metricsOf([pipeline], input, week, asOf);
		const previous = metricsOf([pipeline], input, before, asOf);
		const noisy = new Map<string, Set<string>>();
		for (const alarm of input.tableAlarms ?? []) {
			if (alarm.pipeline !== pipeline.pipeline || !['red', 'yellow'].includes(alarm.light) || alarm.day < days.first || alarm.day > days.last) continue;
			noisy.set(alarm.table, (noisy.get(alarm.table) ?? new Set()).add(alarm.day));
		}
		return {
			pipeline: pipeline.pipeline,
			owner: pipeline.owner?.trim() || null,
			current,
			previous,
			change: changeOf(current, previous),
			recurring: recurringIn(input.failures.filter((f) => f.pipeline === pipeline.pipeline), week, options.topFailures ?? 3),
			noisyTables: [...noisy.entries()]
				.map(([table, set]) => ({ table, alarmDays: set.size }))
				.sort((a, b) => b.alarmDays - a.alarmDays || a.table.localeCompare(b.table))
				.slice(0, options.topTables ?? 3),
			expectedAlarms: (input.expectedAlarms ?? [])
				.filter((a) => a.pipeline === pipeline.pipeline && a.from <= days.last && a.to >= days.first)
				.map((a) => ({ table: a.table, from: a.from, to: a.to, note: a.note ?? '' })),
		};
	});
	const current = metricsOf(input.pipelines, input, week, asOf);
	const previous = metricsOf(input.pipelines, input, before, asOf);
	return {
		weekStart: new Date(week.from).toISOString(),
		weekEnd: new Date(week.to).toISOString(),
		previousStart: new Date(before.from).toISOString(),
		timezone: input.timezone,
		pipelines,
		total: { current, previous, change: changeOf(current, previous) },
	};
}

import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { InputError } from '../shared/errors';
import { checkZone } from '../shared/time';

/**
 * A pipeline's cron schedule (or Airflow preset) read in an explicit time zone, with ticks
 * computed the way Airflow's cron timetables compute them (see `lastTicks`).
 */
export interface Schedule {
	/** the cron expression (presets expanded) */
	text: string;
	zone: string;
	/** the hour field covers all 24 hours: Airflow's "covers every hour" rule for folds */
	everyHour: boolean;
}

/**
 * What a schedule is: a cron the traffic light can expect runs from, or a schedule it cannot
 * (no schedule, asset/dataset-triggered, a timetable summary); those are judged on their runs
 * alone, without missed-run checks.
 */
export type ScheduleKind = 'cron' | 'none' | 'asset' | 'timetable';

export interface ParsedSchedule {
	kind: ScheduleKind;
	/** the schedule as given (or the cron text of an Airflow 2 `{"__type":"CronExpression"}`) */
	text: string;
	cron: Schedule | null;
}

/** Airflow's presets (airflow.utils.dates.cron_presets) plus cron-parser's aliases. */
const PRESETS: Record<string, string> = {
	'@hourly': '0 * * * *',
	'@daily': '0 0 * * *',
	'@midnight': '0 0 * * *',
	'@weekly': '0 0 * * 0',
	'@monthly': '0 0 1 * *',
	'@quarterly': '0 0 1 */3 *',
	'@yearly': '0 0 1 1 *',
	'@annually': '0 0 1 1 *',
};
const NO_SCHEDULE = new Set(['', 'none', 'null', '@once', '@continuous', 'once', 'continuous']);
/** Airflow 3 "Asset", "Asset or …", Airflow 2 "Dataset", "Dataset or …", "Triggered by assets". */
const ASSET_RE = /^(assets?|datasets?)\b|triggered by (assets?|datasets?)/i;
/** One cron field: digits, * ? L W # / , - and three-letter month/weekday names. */
const CRON_FIELD_RE = /^(?:[0-9*?LW#/,-]|[A-Za-z]{3})+$/;

function looksLikeCron(text: string): boolean {
	const fields = text.split(/\s+/);
	return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD_RE.test(f) && !/^[A-Za-z]{4,}$/.test(f));
}

const cache = new Map<string, Schedule>();

/**
 * Reads a schedule: a cron expression or Airflow preset becomes a `Schedule`; null, "None",
 * "@once", "@continuous" are `none`; "Asset"/"Dataset" summaries (also "… or <cron>") are
 * `asset`; any other text that is not cron-shaped (a custom timetable's summary, a timedelta
 * such as "1 day, 0:00:00") is `timetable`. Only a cron-shaped text that does not parse, or an
 * unknown "@preset", is an error.
 */
export function readSchedule(value: unknown, zone: string, field = 'schedule'): ParsedSchedule {
	if (value === null || value === undefined) return { kind: 'none', text: '', cron: null };
	let text: string;
	if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'object' && !Array.isArray(value)) {
		// Airflow 2 REST API: schedule_interval {"__type": "CronExpression" | "TimeDelta" | "RelativeDelta", ...}
		const typed = value as Record<string, unknown>;
		if (typed.__type === 'CronExpression' && typeof typed.value === 'string') text = typed.value.trim();
		else if (typeof typed.__type === 'string') return { kind: 'timetable', text: typed.__type, cron: null };
		else throw new InputError(field, value, 'is not a schedule', 'Give a cron string such as "0 9 * * *", an Airflow preset such as "@daily", or the DAG\'s timetable summary.');
	} else {
		throw new InputError(field, value, 'is not a schedule', 'Give a cron string such as "0 9 * * *", an Airflow preset such as "@daily", or the DAG\'s timetable summary.');
	}
	const lower = text.toLowerCase();
	if (NO_SCHEDULE.has(lower)) return { kind: 'none', text, cron: null };
	if (ASSET_RE.test(text)) return { kind: 'asset', text, cron: null };
	const expr = PRESETS[lower] ?? text;
	if (!expr.startsWith('@') && !looksLikeCron(expr)) return { kind: 'timetable', text, cron: null };
	checkZone(zone, `${field} time zone`);
	const key = `${expr}|${zone}`;
	const hit = cache.get(key);
	if (hit) return { kind: 'cron', text, cron: hit };
	let everyHour: boolean;
	try {
		if (expr.startsWith('@')) throw new Error('unknown preset');
		const parsed = CronExpressionParser.parse(expr, { tz: 'UTC' });
		everyHour = parsed.fields.hour.values.length === 24;
		parsed.prev();
	} catch (error) {
		throw new InputError(
			field,
			value,
			`is not a valid cron expression (${(error as Error).message})`,
			'Use five fields "minute hour day month weekday", e.g. "0 9 * * 1-5", a preset such as "@daily" or "@hourly", or the DAG\'s timetable summary for asset-triggered DAGs.',
		);
	}
	const schedule: Schedule = { text: expr, zone, everyHour };
	cache.set(key, schedule);
	return { kind: 'cron', text, cron: schedule };
}

/** Parses a schedule; null when the pipeline has no cron schedule (see `readSchedule`). */
export function parseSchedule(text: unknown, zone: string, field = 'schedule'): Schedule | null {
	return readSchedule(text, zone, field).cron;
}

const DAY_MS = 86_400_000;
const zones = new Map<string, IANAZone>();
function ianaZone(name: string): IANAZone {
	let z = zones.get(name);
	if (!z) {
		z = IANAZone.create(name);
		zones.set(name, z);
	}
	return z;
}

/** The local wall-clock time of an instant, as epoch ms of that wall clock read as UTC ("naive"). */
export function wallClock(zone: string, ms: number): number {
	return ms + ianaZone(zone).offset(ms) * 60_000;
}

/**
 * The instant of a local wall-clock time the way Airflow makes a naive cron time aware: a time
 * that occurs twice (fall-back fold) is its second occurrence; a time that does not exist
 * (spring-forward gap) is read with the offset before the change, i.e. shifted forward by the
 * gap (02:30 → 03:30).
 */
export function instantOfWallClock(zone: string, wall: number): number {
	const z = ianaZone(zone);
	const before = z.offset(wall - DAY_MS);
	const after = z.offset(wall + DAY_MS);
	const t1 = wall - before * 60_000;
	const t2 = wall - after * 60_000;
	const ok1 = z.offset(t1) === before;
	const ok2 = z.offset(t2) === after;
	if (ok1 && ok2) return Math.max(t1, t2);
	if (ok2) return t2;
	return t1;
}

/** The latest naive cron time at or before (`inclusive`) or strictly before the naive time `wall`. */
function naivePrev(expr: string, wall: number, inclusive: boolean): number {
	const parsed = CronExpressionParser.parse(expr, { currentDate: new Date(inclusive ? wall + 1 : wall), tz: 'UTC' });
	return parsed.prev().getTime();
}

/** The first naive cron time strictly after the naive time `wall`. */
function naiveNext(expr: string, wall: number): number {
	const parsed = CronExpressionParser.parse(expr, { currentDate: new Date(wall), tz: 'UTC' });
	return parsed.next().getTime();
}

/**
 * The latest tick strictly before (or at, when `inclusive`) the instant `atMs`, as Airflow's
 * CronMixin._get_prev computes it: the cron runs on the naive local clock; a cron that covers
 * every hour steps by the naive difference from the real instant (so both passes of a repeated
 * hour fire and a skipped hour is skipped), any other cron turns its naive time into an instant
 * with `instantOfWallClock` (so a repeated time fires once, a skipped time fires shifted).
 */
export function tickBefore(schedule: Schedule, atMs: number, inclusive: boolean): number {
	const { text, zone } = schedule;
	const wall = wallClock(zone, atMs);
	if (schedule.everyHour) return atMs - (wall - naivePrev(text, wall, inclusive));
	let naive = naivePrev(text, wall, inclusive);
	// a naive time mapped to its second occurrence (or shifted over a gap) can lie after `atMs`
	for (let i = 0; i < 4; i++) {
		const t = instantOfWallClock(zone, naive);
		if (t < atMs || (inclusive && t === atMs)) return t;
		naive = naivePrev(text, naive, false);
	}
	return instantOfWallClock(zone, naive);
}

/** The first tick strictly after the instant `atMs` (Airflow's CronMixin._get_next). */
export function tickAfter(schedule: Schedule, atMs: number): number {
	const { text, zone } = schedule;
	const wall = wallClock(zone, atMs);
	if (schedule.everyHour) return atMs + (naiveNext(text, wall) - wall);
	let naive = naiveNext(text, wall);
	for (let i = 0; i < 4; i++) {
		const t = instantOfWallClock(zone, naive);
		if (t > atMs) return t;
		naive = naiveNext(text, naive);
	}
	return instantOfWallClock(zone, naive);
}

/** The latest scheduled tick at or before `atMs` (epoch ms), and the tick before it. */
export function lastTicks(schedule: Schedule, atMs: number): { tick: number; previous: number } {
	const tick = tickBefore(schedule, atMs, true);
	return { tick, previous: tickBefore(schedule, tick, false) };
}

/** Ticks in [fromMs, toMs], oldest first, at most `limit`. */
export function ticksBetween(schedule: Schedule, fromMs: number, toMs: number, limit = 10_000): number[] {
	const out: number[] = [];
	let t = tickAfter(schedule, fromMs - 1);
	while (t <= toMs && out.length < limit) {
		out.push(t);
		t = tickAfter(schedule, t);
	}
	return out;
}

export interface LookBackOptions {
	/** the schedule's time zone (the expectation's, else Airflow's default_timezone); UTC by default */
	timezone?: string;
	/** 2: the Airflow node's window filters Airflow 2 runs on execution_date (the interval start, one period behind); 3: on run_after */
	airflowMajor?: 2 | 3;
	/** how many whole periods must be inside the window; 2 by default */
	periods?: number;
	/** minutes after a tick before a run counts as missed; 15 by default */
	graceMin?: number;
	/** hours for schedules without cron ticks (asset-triggered, none, timetables); 72 by default */
	fallbackHours?: number;
	/** the moment around which the longest period is measured (epoch ms); now by default */
	at?: number;
}

/**
 * Hours of run history a status workflow must fetch so that the window holds the runs of at
 * least `periods` whole periods of the schedule (its longest gap between ticks over the year
 * before `at`, up to 2,000 ticks), plus the grace and one hour of slack. On Airflow 2 the Airflow
 * node filters on execution_date, which is one period behind the tick, so one more period is
 * added (a @weekly DAG on Airflow 2 needs 3 × 168 h + 15 min + 1 h, rounded up: 506 h).
 */
export function lookBackHours(schedule: unknown, options: LookBackOptions = {}): number {
	const zone = checkZone(options.timezone ?? 'UTC', 'timezone');
	const parsed = readSchedule(schedule, zone);
	if (!parsed.cron) return options.fallbackHours ?? 72;
	const at = options.at ?? Date.now();
	let t = tickBefore(parsed.cron, at, true);
	let longest = 0;
	for (let i = 0; i < 2000 && t > at - 366 * DAY_MS; i++) {
		const prev = tickBefore(parsed.cron, t, false);
		longest = Math.max(longest, t - prev);
		t = prev;
	}
	const periods = (options.periods ?? 2) + (options.airflowMajor === 2 ? 1 : 0);
	const ms = periods * longest + (options.graceMin ?? 15) * 60_000 + 3_600_000;
	return Math.ceil(ms / 3_600_000);
}

import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import { LIGHT_ORDER } from '../shared/items';
import type { Light, LightItem, Reason, RunItem } from '../shared/items';
import { MAD_TO_SIGMA, mad, median } from '../shared/stats';
import { checkZone, isoIn } from '../shared/time';
import { reason } from './messages';
import type { Language } from './messages';
import { lastTicks, readSchedule } from './schedule';
import type { Schedule, ScheduleKind } from './schedule';
import { classifyState, isFinished } from './states';
import type { StateClass } from './states';

/** What a pipeline is expected to do; every field optional. */
export interface Expectation {
	pipeline: string;
	/**
	 * cron or Airflow preset, read in `timezone`; "Asset"/"Dataset" summaries, other timetable
	 * summaries and None are recognised and judged on their runs without missed-run checks
	 */
	schedule?: string | null;
	/** the DAG's time zone; without it, Airflow's default_timezone (option `scheduleZone`, UTC) */
	timezone?: string;
	/** expected run time in minutes, from the scheduled tick (or the start, without a schedule) */
	expectedDurationMin?: number;
	/** local time of day "HH:mm" by which the run for a tick must have finished */
	deadline?: string;
	/** minutes after a tick before a run that has not started counts as missed */
	graceMin?: number;
	/** minutes past the expected end (or the grace, for a run that has not started) after which it turns red */
	redMarginMin?: number;
	paused?: boolean;
	url?: string;
}

export interface TrafficLightOptions {
	/** the moment of judgement (epoch ms) */
	now: number;
	/** display zone: evaluatedAt and the times in reasons */
	zone: string;
	/** Airflow's [core] default_timezone: the zone of expectations without their own (UTC in Airflow) */
	scheduleZone: string;
	language: Language;
	consecutiveFailures: number;
	durationK: number;
	durationMinHistory: number;
	durationMinExcessSec: number;
	flagUpstreamFailed: boolean;
	flagSkipped: boolean;
	graceMin: number;
	redMarginMin: number;
	/** previous light per pipeline, for status-change mode */
	previousLights?: ReadonlyMap<string, Light>;
}

export const DEFAULT_OPTIONS: Omit<TrafficLightOptions, 'now'> = {
	zone: 'Asia/Seoul',
	scheduleZone: 'UTC',
	language: 'en',
	consecutiveFailures: 3,
	durationK: 3,
	durationMinHistory: 5,
	durationMinExcessSec: 120,
	flagUpstreamFailed: true,
	flagSkipped: false,
	graceMin: 15,
	redMarginMin: 60,
};

/** A run item checked and reduced to what the rules read. */
export interface CheckedRun {
	run: RunItem;
	cls: StateClass;
	/** epoch ms or NaN */
	started: number;
	ended: number;
	logical: number;
	/** Airflow 3 run_after, Airflow 2 data_interval_end: epoch ms or NaN */
	runAfter: number;
	intervalEnd: number;
	/** lower-case run type, or null */
	runType: string | null;
	tryNumber: number | null;
	durationSec: number | null;
	/** index of the input item, for error reporting and pairedItem */
	index: number;
}

const OFFSET_RE = /(Z|[+-]\d{2}:?\d{2})$/i;

const digit = (s: string, i: number): number => {
	const c = s.charCodeAt(i) - 48;
	return c >= 0 && c <= 9 ? c : NaN;
};
const num = (s: string, i: number, n: number): number => {
	let v = 0;
	for (let k = 0; k < n; k++) v = v * 10 + digit(s, i + k);
	return v;
};

/**
 * Reads the canonical forms APIs send, "2026-11-22T09:00:00Z", "…:00.123456+09:00", "…+0900",
 * without a regular expression or Date.parse; NaN for anything else (then the general path reads it).
 */
export function fastIsoMs(s: string): number {
	if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s.charCodeAt(10) !== 84 && s.charCodeAt(10) !== 32) || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
	const year = num(s, 0, 4);
	const month = num(s, 5, 2);
	const day = num(s, 8, 2);
	const hour = num(s, 11, 2);
	const minute = num(s, 14, 2);
	const second = num(s, 17, 2);
	let i = 19;
	let ms = 0;
	if (s.charCodeAt(i) === 46) {
		i++;
		let scale = 100;
		while (i < s.length && digit(s, i) === digit(s, i)) {
			ms += digit(s, i) * scale;
			scale /= 10;
			i++;
		}
		ms = Math.floor(ms);
	}
	let offsetMin: number;
	const sign = s.charCodeAt(i);
	if ((sign === 90 || sign === 122) && i + 1 === s.length) offsetMin = 0;
	else if (sign === 43 || sign === 45) {
		const rest = s.length - i - 1;
		let oh: number;
		let om: number;
		if (rest === 5 && s.charCodeAt(i + 3) === 58) {
			oh = num(s, i + 1, 2);
			om = num(s, i + 4, 2);
		} else if (rest === 4) {
			oh = num(s, i + 1, 2);
			om = num(s, i + 3, 2);
		} else return NaN;
		offsetMin = (sign === 45 ? -1 : 1) * (oh * 60 + om);
	} else return NaN;
	// NaN fails every comparison below, so a non-digit anywhere ends here too
	if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59 && offsetMin === offsetMin)) return NaN;
	return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
	month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) ? 29 : DAYS[month - 1];

/** Parses an ISO instant fast; a value without offset is read in `zone`, never the machine's. */
function instantMs(value: unknown, field: string, zone: string): number {
	if (value === null || value === undefined || value === '') return NaN;
	if (typeof value === 'string') {
		const fast = fastIsoMs(value);
		if (!Number.isNaN(fast)) return fast;
		const ms = OFFSET_RE.test(value) ? Date.parse(value) : DateTime.fromISO(value, { zone }).toMillis();
		if (!Number.isNaN(ms)) return ms;
	}
	throw new InputError(field, value, 'is not an ISO-8601 date-time', 'Give a date-time such as "2026-11-22T09:00:00+09:00".');
}

/**
 * Checks one input item; throws InputError naming the field and value when it cannot be judged.
 * `zone` reads times without an offset (Airflow's default_timezone, UTC, for Airflow items).
 */
export function checkRun(item: Record<string, unknown>, index: number, zone: string): CheckedRun {
	const pipeline = item.pipeline;
	if (typeof pipeline !== 'string' || pipeline.trim() === '') {
		throw new InputError('pipeline', pipeline, 'is missing or empty', 'Each run item needs "pipeline" (the DAG id or workflow name); map it with a Set node or use the Airflow node.');
	}
	const cls = classifyState(item.state);
	const started = instantMs(item.startedAt, 'startedAt', zone);
	const ended = instantMs(item.endedAt, 'endedAt', zone);
	const logical = instantMs(item.logicalDate, 'logicalDate', zone);
	const runAfter = instantMs(item.runAfter, 'runAfter', zone);
	const intervalEnd = instantMs(item.dataIntervalEnd, 'dataIntervalEnd', zone);
	let durationSec: number | null = null;
	if (item.durationSec !== undefined && item.durationSec !== null) {
		if (typeof item.durationSec !== 'number' || !Number.isFinite(item.durationSec) || item.durationSec < 0) {
			throw new InputError('durationSec', item.durationSec, 'is not a non-negative number of seconds', 'Leave it out to derive it from startedAt and endedAt.');
		}
		durationSec = item.durationSec;
	} else if (!Number.isNaN(started) && !Number.isNaN(ended)) {
		durationSec = Math.max(0, (ended - started) / 1000);
	}
	let tryNumber: number | null = null;
	if (item.tryNumber !== undefined && item.tryNumber !== null) {
		if (typeof item.tryNumber !== 'number' || !Number.isFinite(item.tryNumber) || item.tryNumber < 0) {
			throw new InputError('tryNumber', item.tryNumber, 'is not a try count', 'Use the Airflow try_number (1 for the first try).');
		}
		tryNumber = item.tryNumber;
	}
	let runType: string | null = null;
	if (item.runType !== undefined && item.runType !== null && item.runType !== '') {
		if (typeof item.runType !== 'string') {
			throw new InputError('runType', item.runType, 'is not a run type', 'Use the Airflow run_type (scheduled, manual, backfill, asset_triggered, dataset_triggered) or the n8n execution mode.');
		}
		runType = item.runType.trim().toLowerCase();
	}
	return { run: item as unknown as RunItem, cls, started, ended, logical, runAfter, intervalEnd, runType, tryNumber, durationSec, index };
}

/** A DAG run and the task items that belong to it. */
export interface RunGroup {
	/** the run's state: its latest try, or for a run known only from tasks the worst latest task try */
	head: CheckedRun;
	/** the latest try of each task (and map index) */
	tasks: CheckedRun[];
	/** the run was due (Airflow 3 run_after, else the data-interval end), epoch ms or NaN */
	due: number;
	runType: string | null;
	/** the highest try number seen for the run or any of its tasks (1 without tries) */
	maxTry: number;
	/** a superseded try (of the run or of a task) failed or was retried */
	retried: boolean;
	/** when the run was due, else its logical date, else start, else end: newest first */
	order: number;
}

/** The items of one run while grouping: its own (run-level) items and each task's tries. */
class RunAcc {
	own: CheckedRun[] | null;
	tasks: Map<string, CheckedRun[]> | null = null;
	constructor(first: CheckedRun | undefined) {
		this.own = first ? [first] : null;
	}
}

const TASK_STATE_PRIORITY: StateClass[] = ['failed', 'retrying', 'running', 'upstream_failed', 'pending', 'canceled', 'skipped', 'removed', 'success'];

const firstNumber = (...values: number[]): number => {
	for (const v of values) if (!Number.isNaN(v)) return v;
	return NaN;
};

/** Is `a` a later try than `b`: higher try number, then later activity, then later in the input. */
function laterTry(a: CheckedRun, b: CheckedRun): boolean {
	const ta = a.tryNumber ?? 0;
	const tb = b.tryNumber ?? 0;
	if (ta !== tb) return ta > tb;
	const aa = firstNumber(a.ended, a.started);
	const ab = firstNumber(b.ended, b.started);
	if (!Number.isNaN(aa) && !Number.isNaN(ab) && aa !== ab) return aa > ab;
	return a.index > b.index;
}

const isTrouble = (cls: StateClass): boolean => cls === 'failed' || cls === 'retrying';

/**
 * Groups a pipeline's items into runs. Per run the latest try decides (highest tryNumber, whatever
 * the item order); a run known only from task items takes the worst of each task's latest try.
 */
export function groupRuns(items: readonly CheckedRun[]): RunGroup[] {
	// a run seen once as a run-level item stays that item (the common case, no allocation);
	// a second item or a task item turns it into a RunAcc
	const byRun = new Map<string, CheckedRun | RunAcc>();
	for (const r of items) {
		const key = String(r.run.runId);
		const seen = byRun.get(key);
		if (seen === undefined && !r.run.taskId) {
			byRun.set(key, r);
			continue;
		}
		let acc: RunAcc;
		if (seen instanceof RunAcc) acc = seen;
		else {
			acc = new RunAcc(seen);
			byRun.set(key, acc);
		}
		if (r.run.taskId) {
			const mapIndex = r.run.mapIndex;
			const taskKey = typeof mapIndex === 'number' && mapIndex >= 0 ? `${r.run.taskId}[${mapIndex}]` : r.run.taskId;
			acc.tasks ??= new Map();
			const list = acc.tasks.get(taskKey);
			if (list) list.push(r);
			else acc.tasks.set(taskKey, [r]);
		} else if (acc.own) acc.own.push(r);
		else acc.own = [r];
	}
	const groups: RunGroup[] = [];
	for (const value of byRun.values()) {
		if (!(value instanceof RunAcc)) {
			// the common case: one item for the run
			const head = value;
			const due = Number.isNaN(head.runAfter) ? head.intervalEnd : head.runAfter;
			const order = firstNumber(due, head.logical, head.started, head.ended);
			groups.push({ head, tasks: [], due, runType: head.runType, maxTry: Math.max(1, head.tryNumber ?? 1), retried: false, order: Number.isNaN(order) ? -Infinity : order });
			continue;
		}
		const { own, tasks: taskTries } = value;
		let retried = false;
		let maxTry = 1;
		let due = NaN;
		let runType: string | null = null;
		let logical = NaN;
		const note = (r: CheckedRun): void => {
			maxTry = Math.max(maxTry, r.tryNumber ?? 1);
			if (Number.isNaN(due)) due = Number.isNaN(r.runAfter) ? r.intervalEnd : r.runAfter;
			if (runType === null) runType = r.runType;
			if (Number.isNaN(logical)) logical = r.logical;
		};
		const tasks: CheckedRun[] = [];
		if (taskTries) {
			for (const tries of taskTries.values()) {
				let latest = tries[0];
				for (const t of tries) if (laterTry(t, latest)) latest = t;
				for (const t of tries) {
					if (t !== latest && isTrouble(t.cls)) retried = true;
					note(t);
				}
				tasks.push(latest);
			}
		}
		let head: CheckedRun;
		if (own) {
			head = own[0];
			for (const r of own) if (laterTry(r, head)) head = r;
			// the run's own items come first for its times and type
			due = NaN;
			runType = null;
			logical = NaN;
			note(head);
			for (const r of own) {
				if (r !== head && isTrouble(r.cls)) retried = true;
				note(r);
			}
			for (const t of tasks) note(t);
		} else {
			let worst = tasks[0];
			for (const t of tasks) if (TASK_STATE_PRIORITY.indexOf(t.cls) < TASK_STATE_PRIORITY.indexOf(worst.cls)) worst = t;
			let started = Infinity;
			let ended = -Infinity;
			let done = true;
			for (const t of tasks) {
				if (!Number.isNaN(t.started)) started = Math.min(started, t.started);
				if (!Number.isNaN(t.ended)) ended = Math.max(ended, t.ended);
				if (!isFinished(t.cls)) done = false;
			}
			head = {
				...worst,
				started: Number.isFinite(started) ? started : NaN,
				ended: Number.isFinite(ended) && done ? ended : NaN,
				durationSec: Number.isFinite(started) && Number.isFinite(ended) && done ? (ended - started) / 1000 : null,
			};
		}
		const order = firstNumber(due, logical, head.started, head.ended);
		groups.push({ head, tasks, due, runType, maxTry, retried, order: Number.isNaN(order) ? -Infinity : order });
	}
	return groups.sort((a, b) => b.order - a.order);
}

/** The light a set of reasons asks for: the worst of them. */
export function worstLight(reasons: readonly Reason[]): Light {
	let best = LIGHT_ORDER.length - 1;
	for (const r of reasons) best = Math.min(best, LIGHT_ORDER.indexOf(r.light));
	return LIGHT_ORDER[best];
}

/** How many runs in a row, newest first, failed. */
export function consecutiveFailures(runs: readonly RunGroup[]): number {
	let n = 0;
	for (const g of runs) {
		if (g.head.cls === 'pending') continue;
		if (g.head.cls !== 'failed') break;
		n++;
	}
	return n;
}

/** Robust upper limit of a normal duration: median + k * (MAD as sigma), never below median + minExcess. */
export function durationLimit(history: readonly number[], k: number, minExcessSec: number): { median: number; limit: number } {
	const m = median(history);
	const sigma = mad(history, m) * MAD_TO_SIGMA;
	return { median: m, limit: m + Math.max(k * sigma, minExcessSec) };
}

/** The end by which the run for `tick` should have finished, or null without an expectation of it. */
export function expectedEnd(exp: Expectation | undefined, tickOrStart: number, zone: string): number | null {
	if (!exp) return null;
	if (exp.deadline) {
		const [h, m] = exp.deadline.split(':').map(Number);
		let end = DateTime.fromMillis(tickOrStart, { zone }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
		if (end.toMillis() < tickOrStart) end = end.plus({ days: 1 });
		return end.toMillis();
	}
	if (exp.expectedDurationMin !== undefined) return tickOrStart + exp.expectedDurationMin * 60_000;
	return null;
}

/** Airflow run types that are not the timetable's own run for a tick. */
const NOT_SCHEDULED = new Set(['manual', 'backfill', 'backfill_job', 'asset_triggered', 'dataset_triggered', 'asset_materialization']);

/**
 * May this run be the schedule's run for a tick? Airflow: only `scheduled` runs (or runs without a
 * type); n8n: any execution mode but `manual`.
 */
export function isScheduledRun(g: RunGroup): boolean {
	const type = g.runType;
	if (type === null || type === 'scheduled') return true;
	if (g.head.run.source === 'n8n') return type !== 'manual';
	return !NOT_SCHEDULED.has(type) && !/manual|backfill|asset|dataset/.test(type);
}

const SAME_INSTANT_MS = 1000;
const START_TOLERANCE_MS = 60_000;

/**
 * Is this the schedule's run for `tick`? A scheduled run whose run_after (Airflow 3) or data-
 * interval end (Airflow 2) is the tick. Items without either: a logical date at the tick (Airflow
 * 3) or the tick before (Airflow 2) and not started before the tick; items with neither (n8n):
 * started at or after the tick.
 */
export function isRunForTick(g: RunGroup, tick: number, previousTick: number): boolean {
	if (!isScheduledRun(g)) return false;
	if (!Number.isNaN(g.due)) return Math.abs(g.due - tick) < SAME_INSTANT_MS;
	const r = g.head;
	const startedAfter = Number.isNaN(r.started) || r.started >= tick - START_TOLERANCE_MS;
	if (!Number.isNaN(r.logical)) {
		return startedAfter && (Math.abs(r.logical - tick) < SAME_INSTANT_MS || Math.abs(r.logical - previousTick) < SAME_INSTANT_MS);
	}
	return !Number.isNaN(r.started) && r.started >= tick - START_TOLERANCE_MS;
}

export interface CheckedExpectation extends Expectation {
	zone: string;
	/** the cron schedule, or null when the pipeline has none the light can expect runs from */
	parsedSchedule: Schedule | null;
	scheduleKind: ScheduleKind;
}

/**
 * Checks one expectation. Its time zone is its own `timezone`, else `defaultZone`, which should be
 * the Airflow instance's default_timezone (UTC unless changed in airflow.cfg).
 */
export function checkExpectation(raw: Record<string, unknown>, index: number, defaultZone = 'UTC'): CheckedExpectation {
	const pipeline = raw.pipeline;
	if (typeof pipeline !== 'string' || pipeline.trim() === '') {
		throw new InputError(`expectations[${index}].pipeline`, pipeline, 'is missing or empty', 'Each expectation names the pipeline (DAG id or workflow name) it is for.');
	}
	const given = raw.timezone === null || raw.timezone === '' ? undefined : raw.timezone;
	const zone = checkZone((given as string | undefined) ?? defaultZone, `expectations[${index}].timezone`);
	const parsed = readSchedule(raw.schedule, zone, `expectations[${index}].schedule`);
	for (const key of ['expectedDurationMin', 'graceMin', 'redMarginMin'] as const) {
		const v = raw[key];
		if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
			throw new InputError(`expectations[${index}].${key}`, v, 'is not a non-negative number of minutes', 'Give minutes as a number, e.g. 45.');
		}
	}
	if (raw.deadline !== undefined && raw.deadline !== null && (typeof raw.deadline !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(raw.deadline))) {
		throw new InputError(`expectations[${index}].deadline`, raw.deadline, 'is not a time of day "HH:mm"', 'Give the local time by which the run must finish, e.g. "07:30".');
	}
	const clean: Record<string, unknown> = { ...raw };
	for (const key of ['expectedDurationMin', 'graceMin', 'redMarginMin', 'deadline'] as const) if (clean[key] === null) delete clean[key];
	return { ...(clean as unknown as Expectation), pipeline: pipeline.trim(), zone, parsedSchedule: parsed.cron, scheduleKind: parsed.kind };
}

/** What every pipeline of one call shares: the time of judgement and each schedule's ticks. */
interface JudgeContext {
	evaluatedAt: string;
	ticksOf: (schedule: Schedule, at: number) => { tick: number; previous: number };
	/** an instant as "yyyy-MM-dd HH:mm (UTC+09:00)" in the display zone, the same zone name in every language (memoised: many pipelines share ticks) */
	fmt: (ms: number) => string;
}

function judgeContext(opts: TrafficLightOptions): JudgeContext {
	const ticks = new Map<string, { tick: number; previous: number }>();
	const texts = new Map<number, string>();
	return {
		fmt: (ms) => {
			let text = texts.get(ms);
			if (text === undefined) {
				text = DateTime.fromMillis(ms, { zone: opts.zone }).toFormat("yyyy-MM-dd HH:mm '(UTC'ZZ')'");
				texts.set(ms, text);
			}
			return text;
		},
		evaluatedAt: isoIn(DateTime.fromMillis(opts.now), opts.zone),
		ticksOf: (schedule, at) => {
			const key = `${schedule.text}|${schedule.zone}|${at}`;
			let t = ticks.get(key);
			if (!t) {
				t = lastTicks(schedule, at);
				ticks.set(key, t);
			}
			return t;
		},
	};
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

/** Judges one pipeline: every rule that applies adds a reason; the light is the worst reason's. */
export function judgePipeline(
	pipeline: string,
	items: readonly CheckedRun[],
	exp: CheckedExpectation | undefined,
	opts: TrafficLightOptions,
	ctx: JudgeContext = judgeContext(opts),
): LightItem {
	const lang = opts.language;
	const zone = exp?.zone ?? opts.scheduleZone;
	const fmt = ctx.fmt;
	const all = groupRuns(items);
	const reasons: Reason[] = [];
	const grace = (exp?.graceMin ?? opts.graceMin) * 60_000;
	const redMargin = (exp?.redMarginMin ?? opts.redMarginMin) * 60_000;
	const schedule = exp?.parsedSchedule ?? null;
	// the runs that make the pipeline's own sequence: with a cron schedule its scheduled runs;
	// without one every run but backfills. Other runs only ever add their own failure.
	const isBackfill = (g: RunGroup): boolean => g.runType !== null && /backfill/.test(g.runType);
	const runs = schedule ? all.filter(isScheduledRun) : all.filter((g) => !isBackfill(g));
	const latest = runs[0];

	if (exp?.paused) reasons.push(reason('paused', lang));
	else if (!all.length) reasons.push(reason('no_data', lang));
	else {
		let current: RunGroup | undefined;
		let due = NaN;
		let since = -Infinity;
		if (schedule) {
			// the latest tick whose grace has passed must have its run
			const ticks = ctx.ticksOf(schedule, opts.now - grace);
			due = ticks.tick;
			since = ticks.tick;
			current = runs.find((g) => isRunForTick(g, ticks.tick, ticks.previous));
			if (!current) reasons.push(reason('missed_run', lang, { time: fmt(ticks.tick) }));
		} else if (latest) {
			current = latest;
			due = firstNumber(latest.due, latest.head.logical);
		}
		if (current) {
			const head = current.head;
			const state = String(head.run.state ?? 'none');
			if (head.cls === 'pending' && Number.isNaN(head.started) && !Number.isNaN(due) && opts.now > due + grace) {
				// not started by its due time plus grace: yellow, red past the red margin
				const late = minutes(opts.now - due);
				reasons.push(reason(opts.now > due + grace + redMargin ? 'start_overdue' : 'not_started', lang, { state, late, time: fmt(due) }));
			}
			const end = expectedEnd(exp, schedule ? due : head.started, zone);
			if (end !== null && !Number.isNaN(end)) {
				if (!isFinished(head.cls) && opts.now > end) {
					const late = minutes(opts.now - end);
					reasons.push(reason(opts.now > end + redMargin ? 'past_deadline' : 'running_late', lang, { state, late, time: fmt(end) }));
				} else if (head.cls === 'success' && !Number.isNaN(head.ended) && head.ended > end) {
					reasons.push(reason('finished_late', lang, { late: minutes(head.ended - end), time: fmt(end) }));
				}
			}
		}
		const inProgress = runs.find((g) => g.head.cls !== 'pending');
		if (inProgress && !isFinished(inProgress.head.cls)) judgeInProgress(inProgress, runs, opts, reasons);
		const finished = runs.find((g) => isFinished(g.head.cls));
		if (finished) {
			judgeFinished(finished, runs, opts, reasons);
			if (!schedule) since = firstNumber(finished.head.started, finished.order);
		}
		// failures of runs that do not stand for a tick (manual, backfill, re-runs of old
		// intervals) that happened since the judged tick are reasons of their own
		const sequence = runs.length === all.length ? null : new Set(runs);
		for (const g of all) {
			if (g === finished || g.head.cls !== 'failed') continue;
			const at = firstNumber(g.head.ended, g.head.started);
			const inSequence = sequence ? sequence.has(g) : true;
			if (Number.isNaN(at) || at < since) continue;
			if (inSequence && finished && g.order >= finished.order) continue;
			reasons.push(reason('other_run_failed', lang, { run: g.head.run.runId, type: g.runType ?? (inSequence ? 'scheduled' : 'other') }));
		}
		// "ok" only stands when no other reason asks for more than green
		if (reasons.some((r) => r.light !== 'green')) {
			const ok = reasons.findIndex((r) => r.code === 'ok');
			if (ok >= 0) reasons.splice(ok, 1);
		}
		if (!reasons.length) reasons.push(reason('no_run_yet', lang));
	}
	const light = worstLight(reasons);
	const lastRun = all[0] ? stripRaw((latest ?? all[0]).head.run) : null;
	const previousLight = opts.previousLights?.get(pipeline) ?? null;
	return {
		pipeline,
		light,
		reasons,
		lastRun,
		url: lastRun?.url ?? exp?.url ?? '',
		previousLight,
		changed: previousLight === null ? light !== 'green' : previousLight !== light,
		evaluatedAt: ctx.evaluatedAt,
	};
}

function stripRaw(run: RunItem): RunItem {
	if (!('raw' in run)) return run;
	const { raw: _raw, ...rest } = run;
	return rest as RunItem;
}

/** Durations of earlier successful runs, newest first, without the judged one. */
function durationHistory(runs: readonly RunGroup[], judged: RunGroup): number[] {
	const out: number[] = [];
	for (const g of runs) {
		if (out.length >= 30) break;
		if (g !== judged && g.head.cls === 'success' && g.head.durationSec !== null) out.push(g.head.durationSec);
	}
	return out;
}

/** Adds duration_anomaly / running_long when `elapsedSec` is far above the pipeline's norm. */
function judgeDuration(judged: RunGroup, runs: readonly RunGroup[], elapsedSec: number | null, opts: TrafficLightOptions, reasons: Reason[]): void {
	const history = durationHistory(runs, judged);
	if (elapsedSec === null || history.length < opts.durationMinHistory) return;
	const { median: med, limit } = durationLimit(history, opts.durationK, opts.durationMinExcessSec);
	if (elapsedSec <= limit) return;
	const code = judged.head.cls === 'success' ? 'duration_anomaly' : 'running_long';
	reasons.push(reason(code, opts.language, { duration: Math.round(elapsedSec / 60), median: Math.round(med / 60), limit: Math.round(limit / 60) }));
}

/** Rules on the newest run that is still going: retries now, tasks in trouble, running too long. */
function judgeInProgress(run: RunGroup, runs: readonly RunGroup[], opts: TrafficLightOptions, reasons: Reason[]): void {
	const lang = opts.language;
	const retrying = run.head.cls === 'retrying' ? run.head : run.tasks.find((t) => t.cls === 'retrying');
	if (retrying) reasons.push(reason('retrying', lang, { state: String(retrying.run.state) }));
	if (opts.flagUpstreamFailed && run.tasks.some((t) => t.cls === 'upstream_failed')) reasons.push(reason('upstream_failed', lang));
	const elapsed = Number.isNaN(run.head.started) ? null : (opts.now - run.head.started) / 1000;
	judgeDuration(run, runs, elapsed, opts, reasons);
}

/** Rules on the newest finished run: failure, retries, state flags, duration; green when none fires. */
function judgeFinished(run: RunGroup, runs: readonly RunGroup[], opts: TrafficLightOptions, reasons: Reason[]): void {
	const lang = opts.language;
	const head = run.head;
	switch (head.cls) {
		case 'failed': {
			reasons.push(reason('latest_failed', lang, { run: head.run.runId }));
			const n = consecutiveFailures(runs);
			if (n >= opts.consecutiveFailures) reasons.push(reason('consecutive_failures', lang, { count: n }));
			return;
		}
		case 'canceled':
			reasons.push(reason('canceled', lang));
			return;
		case 'removed':
			reasons.push(reason('removed', lang));
			return;
		case 'skipped':
			if (opts.flagSkipped) reasons.push(reason('skipped', lang));
			break;
		case 'upstream_failed':
			if (opts.flagUpstreamFailed) reasons.push(reason('upstream_failed', lang));
			break;
		default:
	}
	if (opts.flagUpstreamFailed && head.cls !== 'upstream_failed' && run.tasks.some((t) => t.cls === 'upstream_failed')) {
		reasons.push(reason('upstream_failed', lang));
	}
	if (head.cls === 'success') {
		// the latest try decides; an earlier try that failed (or a try number above 1) was a retry
		const tries = Math.max(run.maxTry, run.retried ? 2 : 1);
		if (tries > 1) reasons.push(reason('success_after_retries', lang, { tries }));
		judgeDuration(run, runs, head.durationSec, opts, reasons);
	}
	if (!reasons.some((r) => r.light !== 'green')) reasons.push(reason('ok', lang));
}

export interface ClassifyResult {
	lights: LightItem[];
	/** input indexes of the run items behind each light, for pairedItem */
	sources: number[][];
}

/**
 * Classifies checked runs per pipeline. Pipelines named only in the expectations get a light too
 * (grey no_data, or red when their schedule says a run is missing).
 */
export function classifyPipelines(runs: readonly CheckedRun[], expectations: readonly CheckedExpectation[], opts: TrafficLightOptions): ClassifyResult {
	const byPipeline = new Map<string, CheckedRun[]>();
	for (const r of runs) {
		const key = r.run.pipeline.trim();
		const list = byPipeline.get(key);
		if (list) list.push(r);
		else byPipeline.set(key, [r]);
	}
	const expByPipeline = new Map(expectations.map((e) => [e.pipeline, e]));
	const ctx = judgeContext(opts);
	for (const e of expectations) if (!byPipeline.has(e.pipeline)) byPipeline.set(e.pipeline, []);
	const lights: LightItem[] = [];
	const sources: number[][] = [];
	for (const [pipeline, items] of byPipeline) {
		lights.push(judgePipeline(pipeline, items, expByPipeline.get(pipeline), opts, ctx));
		sources.push(items.map((i) => i.index));
	}
	return { lights, sources };
}

export interface LightCounts {
	red: number;
	yellow: number;
	green: number;
	grey: number;
}

export function countLights(lights: readonly LightItem[]): LightCounts {
	const counts: LightCounts = { red: 0, yellow: 0, green: 0, grey: 0 };
	for (const l of lights) counts[l.light]++;
	return counts;
}

const LIGHTS: readonly string[] = ['green', 'yellow', 'red', 'grey'];

export const isLight = (value: unknown): value is Light => typeof value === 'string' && LIGHTS.includes(value);

/** Previous lights from a JSON parameter: {"dag_a":"red"} or [{"pipeline":"dag_a","light":"red"}]. */
export function readPreviousLights(value: unknown): Map<string, Light> {
	const out = new Map<string, Light>();
	if (value === undefined || value === null) return out;
	const entries: Array<[unknown, unknown]> = Array.isArray(value)
		? value.map((v: Record<string, unknown>) => [v?.pipeline, v?.light])
		: typeof value === 'object'
			? Object.entries(value as Record<string, unknown>)
			: [];
	if (!entries.length && typeof value !== 'object') {
		throw new InputError('previousLights', value, 'is not an object or list', 'Give {"dag_id":"red", ...} or [{"pipeline":"dag_id","light":"red"}, ...].');
	}
	for (const [pipeline, light] of entries) {
		if (typeof pipeline !== 'string' || typeof light !== 'string' || !LIGHTS.includes(light)) {
			throw new InputError('previousLights', { pipeline, light }, 'has an entry without a pipeline or with an unknown light', 'Lights are green, yellow, red or grey.');
		}
		out.set(pipeline, light as Light);
	}
	return out;
}

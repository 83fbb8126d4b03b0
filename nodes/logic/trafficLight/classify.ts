import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import { LIGHT_ORDER } from '../shared/items';
import type { Light, LightItem, Reason, RunItem } from '../shared/items';
import { MAD_TO_SIGMA, mad, median } from '../shared/stats';
import { checkZone, isoIn } from '../shared/time';
import { reason } from './messages';
import type { Language } from './messages';
import { lastTicks, parseSchedule } from './schedule';
import type { Schedule } from './schedule';
import { classifyState, isFinished } from './states';
import type { StateClass } from './states';

/** What a pipeline is expected to do; every field optional. */
export interface Expectation {
	pipeline: string;
	/** cron or Airflow preset, read in `timezone` */
	schedule?: string | null;
	timezone?: string;
	/** expected run time in minutes, from the scheduled tick (or the start, without a schedule) */
	expectedDurationMin?: number;
	/** local time of day "HH:mm" by which the run for a tick must have finished */
	deadline?: string;
	/** minutes after a tick before a run that has not started counts as missed */
	graceMin?: number;
	/** minutes past the expected end after which lateness turns red */
	redMarginMin?: number;
	paused?: boolean;
	url?: string;
}

export interface TrafficLightOptions {
	/** the moment of judgement (epoch ms) */
	now: number;
	zone: string;
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
	durationSec: number | null;
	/** index of the input item, for error reporting and pairedItem */
	index: number;
}

const OFFSET_RE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses an ISO instant fast; a value without offset is read in `zone`, never the machine's. */
function instantMs(value: unknown, field: string, zone: string): number {
	if (value === null || value === undefined || value === '') return NaN;
	if (typeof value === 'string') {
		const ms = OFFSET_RE.test(value) ? Date.parse(value) : DateTime.fromISO(value, { zone }).toMillis();
		if (!Number.isNaN(ms)) return ms;
	}
	throw new InputError(field, value, 'is not an ISO-8601 date-time', 'Give a date-time such as "2026-11-22T09:00:00+09:00".');
}

/** Checks one input item; throws InputError naming the field and value when it cannot be judged. */
export function checkRun(item: Record<string, unknown>, index: number, zone: string): CheckedRun {
	const pipeline = item.pipeline;
	if (typeof pipeline !== 'string' || pipeline.trim() === '') {
		throw new InputError('pipeline', pipeline, 'is missing or empty', 'Each run item needs "pipeline" (the DAG id or workflow name); map it with a Set node or use the Airflow node.');
	}
	const cls = classifyState(item.state);
	const started = instantMs(item.startedAt, 'startedAt', zone);
	const ended = instantMs(item.endedAt, 'endedAt', zone);
	const logical = instantMs(item.logicalDate, 'logicalDate', zone);
	let durationSec: number | null = null;
	if (item.durationSec !== undefined && item.durationSec !== null) {
		if (typeof item.durationSec !== 'number' || !Number.isFinite(item.durationSec) || item.durationSec < 0) {
			throw new InputError('durationSec', item.durationSec, 'is not a non-negative number of seconds', 'Leave it out to derive it from startedAt and endedAt.');
		}
		durationSec = item.durationSec;
	} else if (!Number.isNaN(started) && !Number.isNaN(ended)) {
		durationSec = Math.max(0, (ended - started) / 1000);
	}
	if (item.tryNumber !== undefined && item.tryNumber !== null && (typeof item.tryNumber !== 'number' || item.tryNumber < 0)) {
		throw new InputError('tryNumber', item.tryNumber, 'is not a try count', 'Use the Airflow try_number (1 for the first try).');
	}
	return { run: item as unknown as RunItem, cls, started, ended, logical, durationSec, index };
}

/** When a run happened, for ordering: its start, else its logical date, else its end. */
function anchor(r: CheckedRun): number {
	if (!Number.isNaN(r.started)) return r.started;
	if (!Number.isNaN(r.logical)) return r.logical;
	return Number.isNaN(r.ended) ? -Infinity : r.ended;
}

/** A DAG run and the task items that belong to it. */
interface RunGroup {
	head: CheckedRun;
	tasks: CheckedRun[];
}

const TASK_STATE_PRIORITY: StateClass[] = ['failed', 'retrying', 'running', 'upstream_failed', 'pending', 'canceled', 'skipped', 'removed', 'success'];

/** Groups a pipeline's items into runs; a run known only from task items takes their worst state. */
export function groupRuns(items: readonly CheckedRun[]): RunGroup[] {
	const byRun = new Map<string, RunGroup>();
	const taskOnly = new Map<string, CheckedRun[]>();
	for (const r of items) {
		const key = String(r.run.runId);
		if (r.run.taskId) {
			const list = taskOnly.get(key) ?? [];
			list.push(r);
			taskOnly.set(key, list);
		} else if (!byRun.has(key)) byRun.set(key, { head: r, tasks: [] });
	}
	for (const [key, tasks] of taskOnly) {
		const group = byRun.get(key);
		if (group) {
			group.tasks = tasks;
			continue;
		}
		let worst = tasks[0];
		for (const t of tasks) if (TASK_STATE_PRIORITY.indexOf(t.cls) < TASK_STATE_PRIORITY.indexOf(worst.cls)) worst = t;
		const started = Math.min(...tasks.map((t) => (Number.isNaN(t.started) ? Infinity : t.started)));
		const ended = Math.max(...tasks.map((t) => (Number.isNaN(t.ended) ? -Infinity : t.ended)));
		const head: CheckedRun = {
			...worst,
			started: Number.isFinite(started) ? started : NaN,
			ended: Number.isFinite(ended) && isFinished(worst.cls) ? ended : NaN,
			durationSec: Number.isFinite(started) && Number.isFinite(ended) && isFinished(worst.cls) ? (ended - started) / 1000 : null,
		};
		byRun.set(key, { head, tasks });
	}
	return [...byRun.values()].sort((a, b) => anchor(b.head) - anchor(a.head));
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

/** Is the run for `tick` there: started at or after the tick, or waiting for it? */
export function isRunForTick(g: RunGroup, tick: number, previousTick: number): boolean {
	const r = g.head;
	const toleranceMs = 60_000;
	if (!Number.isNaN(r.started) && r.started >= tick - toleranceMs) return true;
	if (Number.isNaN(r.started) && (Number.isNaN(r.logical) || r.logical >= previousTick)) return true;
	return false;
}

export function checkExpectation(raw: Record<string, unknown>, index: number, defaultZone: string): Expectation & { parsedSchedule: Schedule | null; zone: string } {
	const pipeline = raw.pipeline;
	if (typeof pipeline !== 'string' || pipeline.trim() === '') {
		throw new InputError(`expectations[${index}].pipeline`, pipeline, 'is missing or empty', 'Each expectation names the pipeline (DAG id or workflow name) it is for.');
	}
	const zone = checkZone((raw.timezone as string | undefined) ?? defaultZone, `expectations[${index}].timezone`);
	const parsedSchedule = parseSchedule(raw.schedule, zone, `expectations[${index}].schedule`);
	for (const key of ['expectedDurationMin', 'graceMin', 'redMarginMin'] as const) {
		const v = raw[key];
		if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
			throw new InputError(`expectations[${index}].${key}`, v, 'is not a non-negative number of minutes', 'Give minutes as a number, e.g. 45.');
		}
	}
	if (raw.deadline !== undefined && raw.deadline !== null && (typeof raw.deadline !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(raw.deadline))) {
		throw new InputError(`expectations[${index}].deadline`, raw.deadline, 'is not a time of day "HH:mm"', 'Give the local time by which the run must finish, e.g. "07:30".');
	}
	return { ...(raw as unknown as Expectation), pipeline: pipeline.trim(), zone, parsedSchedule };
}

type CheckedExpectation = ReturnType<typeof checkExpectation>;

/** What every pipeline of one call shares: the time of judgement and each schedule's ticks. */
interface JudgeContext {
	evaluatedAt: string;
	ticksOf: (schedule: Schedule, at: number) => { tick: number; previous: number };
}

function judgeContext(opts: TrafficLightOptions): JudgeContext {
	const ticks = new Map<string, { tick: number; previous: number }>();
	return {
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
	const zone = exp?.zone ?? opts.zone;
	const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
	const runs = groupRuns(items);
	const reasons: Reason[] = [];
	const latest = runs[0];
	const grace = (exp?.graceMin ?? opts.graceMin) * 60_000;
	const redMargin = (exp?.redMarginMin ?? opts.redMarginMin) * 60_000;

	if (exp?.paused) reasons.push(reason('paused', lang));
	else if (!latest) reasons.push(reason('no_data', lang));
	else {
		// the schedule: the latest tick whose grace has passed must have its run
		let forTick: RunGroup | undefined;
		let tick = NaN;
		if (exp?.parsedSchedule) {
			const ticks = ctx.ticksOf(exp.parsedSchedule, opts.now - grace);
			tick = ticks.tick;
			forTick = runs.find((g) => isRunForTick(g, ticks.tick, ticks.previous));
			if (!forTick) reasons.push(reason('missed_run', lang, { time: fmt(ticks.tick) }));
		}
		// lateness of the run that should be done by now
		const current = forTick ?? latest;
		const end = expectedEnd(exp, Number.isNaN(tick) ? current.head.started : tick, zone);
		if (end !== null && !Number.isNaN(end)) {
			const state = String(current.head.run.state ?? 'none');
			if (!isFinished(current.head.cls) && opts.now > end) {
				const late = minutes(opts.now - end);
				reasons.push(reason(opts.now > end + redMargin ? 'past_deadline' : 'running_late', lang, { state, late, time: fmt(end) }));
			} else if (current.head.cls === 'success' && !Number.isNaN(current.head.ended) && current.head.ended > end) {
				reasons.push(reason('finished_late', lang, { late: minutes(current.head.ended - end), time: fmt(end) }));
			}
		}
		const inProgress = runs.find((g) => g.head.cls !== 'pending');
		if (inProgress && !isFinished(inProgress.head.cls)) judgeInProgress(inProgress, runs, opts, reasons);
		const finished = runs.find((g) => isFinished(g.head.cls));
		if (finished) judgeFinished(finished, runs, opts, reasons);
	}
	if (!reasons.length) reasons.push(reason('not_started', opts.language));
	const light = worstLight(reasons);
	const lastRun = latest ? stripRaw(latest.head.run) : null;
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
		const tries = Math.max(head.run.tryNumber ?? 1, ...run.tasks.filter((t) => t.cls === 'success').map((t) => t.run.tryNumber ?? 1));
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

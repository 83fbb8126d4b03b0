import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import type { Cadence, Reason, RowCountItem } from '../shared/items';
import { checkZone } from '../shared/time';
import { BusinessCalendar, dayInMonth, dayNumber, dayOfMonth, daysInMonth, isoOfDay } from './calendar';
import { fmt, judgeRegular, median, verdict } from './profile';
import type { DailyGrowth, JudgedGrowth, Verdict } from './profile';

export type { DailyGrowth } from './profile';

export const CADENCES: readonly Cadence[] = ['monthly', 'regular', 'regular_holiday', 'irregular'];

export const ANNOTATION_KINDS = ['incident', 'backfill', 'expected'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** Table-days a person has explained: from and to are local dates (YYYY-MM-DD), both included. */
export interface Annotation {
	from: string;
	to: string;
	kind: AnnotationKind;
	note?: string;
}

/** Checks annotations: a list of {from, to?, kind, note?}; `to` defaults to `from`. */
export function checkAnnotations(raw: unknown, zone: string, field = 'annotations'): Annotation[] {
	if (raw === undefined || raw === null || raw === '') return [];
	if (!Array.isArray(raw)) throw new InputError(field, raw, 'is not a list of annotations', 'Give [{"from":"2026-10-01","to":"2026-10-02","kind":"incident","note":"..."}], or leave it out.');
	return raw.map((a: unknown, i) => {
		const at = `${field}[${i}]`;
		if (!a || typeof a !== 'object') throw new InputError(at, a, 'is not an annotation object', 'Each annotation needs "from", "kind" and optionally "to" and "note".');
		const o = a as Record<string, unknown>;
		const from = localDate(o.from, `${at}.from`, zone);
		const to = o.to === undefined || o.to === null || o.to === '' ? from : localDate(o.to, `${at}.to`, zone);
		if (to < from) throw new InputError(`${at}.to`, to, `is before from (${from})`, 'Give the first day as "from" and the last day as "to".');
		if (typeof o.kind !== 'string' || !(ANNOTATION_KINDS as readonly string[]).includes(o.kind)) {
			throw new InputError(`${at}.kind`, o.kind, 'is not an annotation kind', `Use one of ${ANNOTATION_KINDS.join(', ')}.`);
		}
		return { from, to, kind: o.kind as AnnotationKind, ...(typeof o.note === 'string' && o.note ? { note: o.note } : {}) };
	});
}

/** One earlier measurement of a table: its total row count on a local date. */
export interface HistoryPoint {
	date: string;
	rows: number;
}

/** How one table is judged; every field has a node-level default. */
export interface TableRules {
	cadence: Cadence;
	/** |score| at which a change turns yellow / red */
	warnScore: number;
	failScore: number;
	/** changes smaller than this many rows never alert (tiny tables) */
	minAbsChange: number;
	/** training measurements needed before judging; grey below */
	minHistory: number;
	/** days of history the weekly profile of a regular table learns from (9 of each weekday by default) */
	windowDays: number;
	/** consecutive zero-growth days that make a flatline */
	flatlineDays: number;
	/** monthly: day of month the load is due (inferred from history when absent), and grace days */
	expectedDay?: number;
	graceDays: number;
	/** weekday seasonality: compare with the same weekday when it explains the data */
	weekly: 'auto' | 'on' | 'off';
	/** extra non-working dates (YYYY-MM-DD) on top of the Korean public holidays */
	extraHolidays: ReadonlySet<string>;
	/** table-days (day numbers) left out of training, on top of the annotated ones */
	excludedDays?: ReadonlySet<number>;
	/** annotated table-days: incidents and backfills (left out of training), expected anomalies (also not alarmed) */
	annotations?: readonly Annotation[];
	/** no alarm up to and including this date (YYYY-MM-DD); verdicts are still computed and shown */
	muteUntil?: string;
	zone: string;
}

export const DEFAULT_RULES: TableRules = {
	cadence: 'regular',
	warnScore: 4,
	failScore: 6,
	minAbsChange: 10,
	minHistory: 7,
	windowDays: 63,
	flatlineDays: 2,
	graceDays: 2,
	weekly: 'auto',
	extraHolidays: new Set(),
	zone: 'Asia/Seoul',
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const localDateCache = new Map<string, string>();

/** The local date (YYYY-MM-DD) of a measurement in the table's zone. */
export function localDate(value: unknown, field: string, zone: string): string {
	if (typeof value === 'string' && ISO_DATE.test(value)) return value;
	// many tables of one run share a measurement time: parse each (time, zone) once
	const key = typeof value === 'string' ? `${zone} ${value}` : undefined;
	const cached = key === undefined ? undefined : localDateCache.get(key);
	if (cached !== undefined) return cached;
	const date = parseLocalDate(value, field, zone);
	if (key !== undefined) {
		if (localDateCache.size > 10_000) localDateCache.clear();
		localDateCache.set(key, date);
	}
	return date;
}

function parseLocalDate(value: unknown, field: string, zone: string): string {
	const dt =
		typeof value === 'string'
			? DateTime.fromISO(value, { zone, setZone: false }).setZone(zone)
			: value instanceof Date
				? DateTime.fromJSDate(value).setZone(zone)
				: DateTime.invalid('not a date');
	if (!dt.isValid) throw new InputError(field, value, 'is not a date', 'Give "YYYY-MM-DD" or an ISO-8601 date-time such as "2026-11-22T06:00:00+09:00".');
	return dt.toISODate()!;
}

/** A row count must be a finite, non-negative whole number (numeric strings from SQL drivers are read). */
export function readCount(value: unknown, field: string): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
		throw new InputError(field, value, 'is not a non-negative row count', 'Map the COUNT(*) result (a number, or a numeric string from the driver) into this field.');
	}
	return n;
}

/** Checks history: readable counts, dates ascending, no date twice. */
export function checkHistory(raw: unknown, zone: string, field = 'history'): HistoryPoint[] {
	if (!Array.isArray(raw)) throw new InputError(field, raw, 'is not a list of {date, rows}', 'Give the earlier counts as [{"date":"2026-11-20","rows":123}, ...], oldest first.');
	const out: HistoryPoint[] = [];
	for (let i = 0; i < raw.length; i++) {
		const p = raw[i] as Record<string, unknown> | null;
		if (!p || typeof p !== 'object') throw new InputError(`${field}[${i}]`, p, 'is not a {date, rows} object', 'Each history entry needs "date" and "rows".');
		const date = localDate(p.date ?? p.measuredAt, `${field}[${i}].date`, zone);
		const rows = readCount(p.rows, `${field}[${i}].rows`);
		const prev = out[out.length - 1];
		if (prev && date === prev.date) throw new InputError(`${field}[${i}].date`, date, 'appears twice', 'Keep one count per table and day (e.g. the last measurement of the day).');
		if (prev && date < prev.date) throw new InputError(`${field}[${i}].date`, date, `is before the entry above it (${prev.date}): history is not in date order`, 'Sort the history by date, oldest first (ORDER BY measured_on).');
		out.push({ date, rows });
	}
	return out;
}

/** Days of history a monthly table is judged on (about seven months of loads). */
export const MONTHLY_WINDOW_DAYS = 220;
/** Days of history an irregular table's gaps are learnt from. */
export const IRREGULAR_WINDOW_DAYS = 365;
/** A regular table's growth over more days than this (counts missing) is not judged. */
const MAX_SPAN_DAYS = 7;

/** Growth between consecutive counts; `span` > 1 when days are missing between them. */
export function growthOf(points: readonly HistoryPoint[]): JudgedGrowth[] {
	const out: JudgedGrowth[] = [];
	for (let i = 1; i < points.length; i++) {
		const day = dayNumber(points[i].date);
		out.push({ day, growth: points[i].rows - points[i - 1].rows, span: day - dayNumber(points[i - 1].date) });
	}
	return out;
}

/** Growth between consecutive days only (gaps give no training point). */
export function dailyGrowth(points: readonly HistoryPoint[]): DailyGrowth[] {
	return growthOf(points)
		.filter((g) => g.span === 1)
		.map(({ day, growth }) => ({ day, growth }));
}

/** Monthly tables: the due day, learnt as a day of month or a position before the month's end. */
interface DuePosition {
	/** 1..31: day of month; <= 0: days before the last day of the month */
	position: number;
	learnt: boolean;
}

function duePosition(loads: readonly DailyGrowth[], expectedDay: number | undefined): DuePosition | undefined {
	if (expectedDay) return { position: expectedDay, learnt: false };
	if (loads.length < 2) return undefined;
	const fromStart = loads.map((e) => dayOfMonth(e.day));
	// a load due at a month's end may slip into the next month: count such loads from the end
	const fromEnd = loads.map((e) => {
		const dom = dayOfMonth(e.day);
		return dom > 15 ? dom - daysInMonth(e.day) : dom;
	});
	const range = (v: number[]) => Math.max(...v) - Math.min(...v);
	const use = range(fromEnd) < range(fromStart) ? fromEnd : fromStart;
	return { position: Math.round(median(use)), learnt: true };
}

/** The due day of the month `offset` months from the month of `day`. */
function dueIn(day: number, offset: number, due: DuePosition): number {
	if (due.position >= 1) return dayInMonth(day, offset, due.position);
	return dayInMonth(day, offset, 31) + due.position;
}

export function judgeMonthly(history: readonly JudgedGrowth[], today: JudgedGrowth, rules: TableRules, cal: BusinessCalendar, note: string): Verdict {
	if (today.growth < 0 && -today.growth >= rules.minAbsChange) return verdict('red', 'rows_decreased', `Rows decreased by ${fmt(-today.growth)}${note}`);
	const events = history.filter((g) => g.growth >= rules.minAbsChange && !rules.excludedDays?.has(g.day));
	// the month's load is the largest growth of a month; small corrections in between are no load
	const perMonth = new Map<string, number>();
	for (const e of events) {
		const m = isoOfDay(e.day).slice(0, 7);
		perMonth.set(m, Math.max(perMonth.get(m) ?? 0, e.growth));
	}
	const typical = perMonth.size ? median([...perMonth.values()]) : 0;
	// a load: the usual size; an arrival: anything load-like (a partial load is judged by its size,
	// and then counts as the month's load)
	const isLoad = (g: number) => g >= rules.minAbsChange && g >= 0.2 * typical;
	const isArrival = (g: number) => g >= rules.minAbsChange && g >= 0.05 * typical;
	const loads = events.filter((e) => isLoad(e.growth));
	const arrivals = events.filter((e) => isArrival(e.growth));
	const due = duePosition(loads, rules.expectedDay);
	if (!due) return verdict('grey', 'insufficient_history', `Fewer than 2 monthly loads in history and no expected day set${note}`);
	const dueText = due.position >= 1 ? `day ${due.position}` : due.position === 0 ? 'the last day of the month' : `${-due.position} day(s) before the month's end`;
	if (isArrival(today.growth) || (today.growth >= rules.minAbsChange && loads.length < 2)) {
		const sizes = loads.slice(-6).map((e) => e.growth);
		if (sizes.length < 2) return verdict('green', 'monthly_loaded', `Monthly load of ${fmt(today.growth)} rows${note}`);
		const usual = median(sizes);
		const ratio = today.growth / usual;
		const band = { expectedLow: usual * 0.6, expectedHigh: usual * 1.7, score: Math.log2(ratio) };
		const text = `Monthly load of ${fmt(today.growth)} rows, usual ${fmt(usual)}${note}`;
		if (ratio < 0.4 || ratio > 2.5) return verdict('red', ratio < 1 ? 'drop' : 'spike', text, band);
		if (ratio < 0.6 || ratio > 1.7) return verdict('yellow', ratio < 1 ? 'drop' : 'spike', text, band);
		return verdict('green', 'monthly_loaded', text, band);
	}
	// the latest due day whose deadline (due day + grace working days) has passed
	let dueDay = 0;
	let deadline = 0;
	for (let offset = 0; offset >= -3; offset--) {
		dueDay = dueIn(today.day, offset, due);
		deadline = cal.addWorkdays(dueDay, rules.graceDays);
		if (deadline < today.day) break;
	}
	// a load up to half a month early counts for that due day; until one arrives the table stays red, across month ends
	const missing = !arrivals.some((e) => e.day >= dueDay - 14);
	const last = loads[loads.length - 1];
	if (missing) {
		const d = dueDay;
		return verdict(
			'red',
			'monthly_missing',
			`No monthly load since ${last ? isoOfDay(last.day) : 'the start of the history'}; due ${isoOfDay(d)} (${dueText}), by ${isoOfDay(deadline)} with ${rules.graceDays} working days' grace${note}`,
		);
	}
	return verdict('green', 'monthly_waiting', `No load today; monthly load due on ${dueText} (last ${last ? isoOfDay(last.day) : 'none'})${note}`);
}

/** Irregular tables: only judged on gaps between loads, and on rows disappearing. */
export function judgeIrregular(history: readonly JudgedGrowth[], today: JudgedGrowth, rules: TableRules, note: string): Verdict {
	if (today.growth < 0 && -today.growth >= rules.minAbsChange) return verdict('red', 'rows_decreased', `Rows decreased by ${fmt(-today.growth)}${note}`);
	const events = history.filter((g) => g.growth >= rules.minAbsChange);
	if (events.length < 4) return verdict('grey', 'insufficient_history', `Only ${events.length} loads in history; 4 needed to learn the gaps${note}`);
	if (today.growth >= rules.minAbsChange) return verdict('green', 'loaded', `Loaded ${fmt(today.growth)} rows${note}`);
	const gaps = events.slice(1).map((e, i) => e.day - events[i].day);
	const longest = Math.max(...gaps);
	const gap = today.day - events[events.length - 1].day;
	const band = { score: gap / longest };
	const text = `No load for ${gap} days; longest usual gap ${longest} days${note}`;
	if (gap > 2 * longest && gap - longest >= 2) return verdict('red', 'gap', text, band);
	if (gap > 1.5 * longest && gap - longest >= 2) return verdict('yellow', 'gap', text, band);
	return verdict('green', 'waiting', `No load for ${gap} days (longest usual gap ${longest})${note}`, band);
}

export interface TableInput {
	table: string;
	rows: number;
	measuredAt: string;
	/** earlier counts, oldest first (as checkHistory returns them) */
	history: readonly HistoryPoint[];
}

/** Index of the first history point on or after `date` (history sorted by date). */
function firstOnOrAfter(history: readonly HistoryPoint[], date: string): number {
	let lo = 0;
	let hi = history.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (history[mid].date < date) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * Judges one table: its current count against its history, by its cadence. Only the window the
 * cadence's rules use is read (a binary search finds its start), so the cost per table does not
 * grow with the length of the history given.
 */
export function judgeTable(input: TableInput, rules: TableRules): RowCountItem {
	checkZone(rules.zone);
	const date = localDate(input.measuredAt, 'measuredAt', rules.zone);
	const todayDay = dayNumber(date);
	const h = input.history;
	const lastPoint = h[h.length - 1];
	if (lastPoint && lastPoint.date > date) throw new InputError('history', lastPoint.date, `is after the judged day ${date}`, 'Give only earlier counts as history, or check measuredAt.');
	// the judged point never trains the baseline: a history entry for the same day is dropped
	const end = lastPoint && lastPoint.date === date ? h.length - 1 : h.length;
	const windowDays = rules.cadence === 'monthly' ? MONTHLY_WINDOW_DAYS : rules.cadence === 'irregular' ? IRREGULAR_WINDOW_DAYS : rules.windowDays;
	const start = Math.min(firstOnOrAfter(h, isoOfDay(todayDay - windowDays - 1)), end);
	// the previous count: the last one in the window, or the last one before it
	const previous = end > 0 ? h[end - 1] : undefined;
	// growth between consecutive counts of the window (one pass, no copies of the history)
	// monthly and irregular tables are judged on their loads only: other days need no object
	const loadsOnly = rules.cadence === 'monthly' || rules.cadence === 'irregular';
	const earlier: JudgedGrowth[] = [];
	let prevDay = start < end ? dayNumber(h[start].date) : 0;
	for (let i = start + 1; i < end; i++) {
		const day = dayNumber(h[i].date);
		const growth = h[i].rows - h[i - 1].rows;
		if (!loadsOnly || growth >= rules.minAbsChange) earlier.push({ day, growth, span: day - prevDay });
		prevDay = day;
	}
	const previousDay = previous ? (start < end ? prevDay : dayNumber(previous.date)) : 0;
	const today: JudgedGrowth | undefined = previous ? { day: todayDay, growth: input.rows - previous.rows, span: todayDay - previousDay } : undefined;
	const training = earlier.filter((g) => g.span === 1);
	const rulesWithExcluded = (ex: ReadonlySet<number>): TableRules => (ex === rules.excludedDays || ex === NO_DAYS ? rules : { ...rules, excludedDays: ex });
	const cal = calendarFor(rules.extraHolidays);
	// annotated days inside the window leave training; an expected day is not alarmed
	let excluded = rules.excludedDays ?? NO_DAYS;
	let expectedNote: string | undefined;
	if (rules.annotations?.length) {
		const all = new Set(excluded);
		const windowStart = todayDay - windowDays - 1;
		for (const a of rules.annotations) {
			const from = Math.max(dayNumber(a.from), windowStart);
			const to = Math.min(dayNumber(a.to), todayDay);
			for (let d = from; d <= to; d++) if (d < todayDay) all.add(d);
			if (a.kind === 'expected' && a.from <= date && date <= a.to) expectedNote = a.note ?? 'expected';
		}
		excluded = all;
	}
	const counted = end - start + 1;
	const firstDay = start < end ? dayNumber(h[start].date) : todayDay;
	const missingDays = Math.max(0, todayDay - firstDay + 1 - counted);
	let note = missingDays > 0 ? `; history has ${missingDays} missing day(s) in the last ${todayDay - firstDay} days, judged on what exists` : '';
	let v: Verdict;
	if (!previous || !today) v = verdict('grey', 'insufficient_history', 'No earlier count to compare with');
	else {
		if (today.span > 1) note = `; no count for the ${today.span - 1} day(s) before, judged the growth since ${previous.date}` + note;
		if (rules.cadence === 'monthly') v = judgeMonthly(earlier, today, rulesWithExcluded(excluded), cal, note);
		else if (rules.cadence === 'irregular') v = judgeIrregular(earlier.filter((g) => !excluded.has(g.day)), today, rules, note);
		else if (today.span > MAX_SPAN_DAYS) v = verdict('grey', 'gap_in_history', `No count for ${today.span - 1} days before ${date} (last ${previous.date}); growth per day unknown`);
		else
			v = judgeRegular(training, today, {
				holidayAffected: rules.cadence === 'regular_holiday',
				warnScore: rules.warnScore,
				failScore: rules.failScore,
				minAbsChange: rules.minAbsChange,
				minHistory: rules.minHistory,
				windowDays: rules.windowDays,
				flatlineDays: rules.flatlineDays,
				weekly: rules.weekly,
				excluded,
			}, cal, note);
	}
	if (v.light === 'red' || v.light === 'yellow') {
		if (expectedNote !== undefined) v = { ...v, light: 'green', code: 'expected', text: `Expected (${expectedNote}): ${v.text}` };
		else if (rules.muteUntil && date <= rules.muteUntil) v = { ...v, light: 'green', code: 'muted', text: `Muted until ${rules.muteUntil}: ${v.text}` };
	}
	const reason: Reason = { code: v.code, light: v.light, text: v.text };
	return {
		table: input.table,
		measuredAt: input.measuredAt,
		rows: input.rows,
		delta: previous ? input.rows - previous.rows : null,
		expectedLow: v.expectedLow === null ? null : Math.round(v.expectedLow),
		expectedHigh: v.expectedHigh === null ? null : Math.round(v.expectedHigh),
		score: v.score === null ? null : Math.round(v.score * 100) / 100,
		light: v.light,
		reason,
		cadence: rules.cadence,
		trend: recentGrowth(h, end, input.rows, 14),
	};
}

const NO_DAYS: ReadonlySet<number> = new Set();

/** The growth between the last `n` + 1 counts (the judged one last), oldest first. */
function recentGrowth(h: readonly HistoryPoint[], end: number, rows: number, n: number): number[] {
	const out: number[] = [];
	const first = Math.max(1, end - n + 1);
	for (let i = first; i < end; i++) out.push(h[i].rows - h[i - 1].rows);
	if (end > 0) out.push(rows - h[end - 1].rows);
	return out;
}
const calendars = new WeakMap<ReadonlySet<string>, BusinessCalendar>();
/** One calendar (and its holiday cache) per set of extra holidays, shared by the tables of a call. */
function calendarFor(extra: ReadonlySet<string>): BusinessCalendar {
	let cal = calendars.get(extra);
	if (!cal) {
		cal = new BusinessCalendar(extra);
		calendars.set(extra, cal);
	}
	return cal;
}

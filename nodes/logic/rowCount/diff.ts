import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import type { Cadence, Light, Reason, RowCountItem } from '../shared/items';
import { MAD_TO_SIGMA, median } from '../shared/stats';
import { checkZone } from '../shared/time';
import { isKoreanHoliday } from './koreanHolidays';

export const CADENCES: readonly Cadence[] = ['monthly', 'regular', 'regular_holiday', 'irregular'];

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
	/** days of history the baseline looks at */
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
	zone: string;
}

export const DEFAULT_RULES: TableRules = {
	cadence: 'regular',
	warnScore: 4,
	failScore: 6,
	minAbsChange: 10,
	minHistory: 7,
	windowDays: 56,
	flatlineDays: 2,
	graceDays: 2,
	weekly: 'auto',
	extraHolidays: new Set(),
	zone: 'Asia/Seoul',
};

const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Days since 1970-01-01 of a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
const dayNumber = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS;
const isoCache = new Map<number, string>();
const isoOfDay = (day: number): string => {
	let iso = isoCache.get(day);
	if (iso === undefined) {
		iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
		isoCache.set(day, iso);
	}
	return iso;
};
/** 0 = Sunday ... 6 = Saturday */
const weekdayOf = (day: number): number => (day + 4) % 7;

/** The local date (YYYY-MM-DD) of a measurement in the table's zone. */
export function localDate(value: unknown, field: string, zone: string): string {
	if (typeof value === 'string' && ISO_DATE.test(value)) return value;
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

/** Growth between consecutive days, by the day it was measured on. Gaps give no training point. */
export interface DailyGrowth {
	day: number;
	growth: number;
}

export function dailyGrowth(points: readonly HistoryPoint[]): DailyGrowth[] {
	const out: DailyGrowth[] = [];
	for (let i = 1; i < points.length; i++) {
		const day = dayNumber(points[i].date);
		if (day - dayNumber(points[i - 1].date) === 1) out.push({ day, growth: points[i].rows - points[i - 1].rows });
	}
	return out;
}

/** Holidays and the day after them behave differently in holiday-affected tables. */
export function isHolidayOrDayAfter(day: number, extra: ReadonlySet<string>): boolean {
	return isKoreanHoliday(isoOfDay(day), extra) || isKoreanHoliday(isoOfDay(day - 1), extra);
}

/** Training data for a regular table: the window before the judged day, holidays out if they matter. */
export function excludeHolidays(growth: readonly DailyGrowth[], rules: TableRules): DailyGrowth[] {
	if (rules.cadence !== 'regular_holiday') return [...growth];
	return growth.filter((g) => !isHolidayOrDayAfter(g.day, rules.extraHolidays));
}

/** Pooled relative spread of values around their centers (MAD of relative residuals, as sigma). */
function relativeSpread(values: readonly number[], centers: readonly number[], floor: number): number {
	const rel = values.map((v, i) => (v - centers[i]) / Math.max(Math.abs(centers[i]), floor));
	return median(rel.map(Math.abs)) * MAD_TO_SIGMA;
}

export interface Baseline {
	center: number;
	/** one sigma, in rows */
	spread: number;
	weekly: boolean;
	/** share of training days with growth */
	growthShare: number;
	n: number;
}

/**
 * Robust baseline for the judged day from training growth that never includes that day: the
 * median (of the same weekday when weekly seasonality explains the data better) and a MAD-based
 * spread, relative to the level so that quiet days and busy days are judged alike.
 */
export function robustBaseline(training: readonly DailyGrowth[], judgedDay: number, rules: TableRules): Baseline {
	const values = training.map((g) => g.growth);
	const overall = median(values);
	const floor = Math.max(rules.minAbsChange, 1);
	const byWeekday = new Map<number, number[]>();
	for (const g of training) {
		const wd = weekdayOf(g.day);
		const list = byWeekday.get(wd) ?? [];
		list.push(g.growth);
		byWeekday.set(wd, list);
	}
	const weekdayMedian = new Map([...byWeekday].map(([wd, list]) => [wd, median(list)]));
	const flatSpread = relativeSpread(values, values.map(() => overall), floor);
	const weeklyCenters = training.map((g) => weekdayMedian.get(weekdayOf(g.day)) ?? overall);
	const weeklySpread = relativeSpread(values, weeklyCenters, floor);
	const sameDay = byWeekday.get(weekdayOf(judgedDay)) ?? [];
	const weeklyPossible = sameDay.length >= 3;
	const weekly = weeklyPossible && (rules.weekly === 'on' || (rules.weekly === 'auto' && weeklySpread < 0.7 * flatSpread));
	const center = weekly ? median(sameDay) : overall;
	const relSpread = weekly ? weeklySpread : flatSpread;
	const basis = weekly ? sameDay : values;
	return {
		center,
		spread: Math.max(relSpread * Math.max(Math.abs(center), floor), 0.02 * Math.abs(center), floor / 2),
		weekly,
		growthShare: basis.filter((v) => v > 0).length / Math.max(basis.length, 1),
		n: training.length,
	};
}

/** Zero growth on consecutive days up to the judged one. */
export function zeroGrowthRun(growth: readonly DailyGrowth[], today: DailyGrowth): number {
	if (today.growth !== 0) return 0;
	let n = 1;
	for (let i = growth.length - 1; i >= 0 && growth[i].growth === 0 && growth[i].day === today.day - n; i--) n++;
	return n;
}

interface Verdict {
	light: Light;
	code: string;
	text: string;
	expectedLow: number | null;
	expectedHigh: number | null;
	score: number | null;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function verdict(light: Light, code: string, text: string, extra: Partial<Verdict> = {}): Verdict {
	return { light, code, text, expectedLow: null, expectedHigh: null, score: null, ...extra };
}

/** Regular (daily or weekly) tables: growth against the robust baseline. */
export function judgeRegular(history: readonly DailyGrowth[], today: DailyGrowth, rules: TableRules): Verdict {
	const windowStart = today.day - rules.windowDays;
	const training = excludeHolidays(
		history.filter((g) => g.day >= windowStart && g.day < today.day),
		rules,
	);
	if (training.length < rules.minHistory) {
		return verdict('grey', 'insufficient_history', `Only ${training.length} usable days of history; ${rules.minHistory} needed to judge`);
	}
	const base = robustBaseline(training, today.day, rules);
	const score = (today.growth - base.center) / base.spread;
	const band = { expectedLow: Math.max(0, base.center - rules.warnScore * base.spread), expectedHigh: base.center + rules.warnScore * base.spread, score };
	const atypicalDay = rules.cadence === 'regular_holiday' && isHolidayOrDayAfter(today.day, rules.extraHolidays);
	const change = Math.abs(today.growth - base.center);
	const against = base.weekly ? `usual for this weekday ${fmt(base.center)}` : `usual ${fmt(base.center)}`;
	if (today.growth < 0 && -today.growth >= rules.minAbsChange) {
		return verdict('red', 'rows_decreased', `Rows decreased by ${fmt(-today.growth)}`, band);
	}
	if (atypicalDay) {
		if (score >= rules.failScore && change >= rules.minAbsChange) return verdict('yellow', 'spike', `Grew ${fmt(today.growth)} on a holiday (${against})`, band);
		return verdict('green', 'holiday', `Holiday or day after: loaded ${fmt(today.growth)}, not judged against working days`, band);
	}
	const growthExpected = base.growthShare >= 0.8 && base.center >= rules.minAbsChange;
	if (growthExpected && today.growth === 0) {
		const days = zeroGrowthRun(history, today);
		if (days >= rules.flatlineDays) return verdict('red', 'flatline', `No new rows for ${days} days (${against})`, band);
		return verdict('red', 'zero_growth', `No new rows today (${against})`, band);
	}
	if (change >= rules.minAbsChange && Math.abs(score) >= rules.warnScore) {
		const light: Light = Math.abs(score) >= rules.failScore ? 'red' : 'yellow';
		if (score < 0) return verdict(light, 'drop', `Loaded ${fmt(today.growth)} rows, ${against} (score ${score.toFixed(1)})`, band);
		return verdict(light, 'spike', `Loaded ${fmt(today.growth)} rows, ${against} (score +${score.toFixed(1)})`, band);
	}
	return verdict('green', 'normal', `Loaded ${fmt(today.growth)} rows (${against})`, band);
}

/** Days on which a load happened (growth of at least minAbsChange). */
function loadEvents(growth: readonly DailyGrowth[], rules: TableRules): DailyGrowth[] {
	return growth.filter((g) => g.growth >= rules.minAbsChange);
}

const dayOfMonth = (day: number): number => Number(isoOfDay(day).slice(8, 10));
const monthOf = (day: number): string => isoOfDay(day).slice(0, 7);

/** Monthly tables: one load a month by its expected day; its size against earlier loads. */
export function isMissedMonthlyLoad(events: readonly DailyGrowth[], today: number, dueDay: number, graceDays: number): boolean {
	const month = monthOf(today);
	return !events.some((e) => monthOf(e.day) === month) && dayOfMonth(today) > dueDay + graceDays;
}

export function judgeMonthly(history: readonly DailyGrowth[], today: DailyGrowth, rules: TableRules): Verdict {
	if (today.growth < 0 && -today.growth >= rules.minAbsChange) return verdict('red', 'rows_decreased', `Rows decreased by ${fmt(-today.growth)}`);
	const past = loadEvents(history.filter((g) => g.day < today.day), rules);
	const dueDay = rules.expectedDay ?? (past.length >= 2 ? Math.round(median(past.map((e) => dayOfMonth(e.day)))) : undefined);
	if (dueDay === undefined) return verdict('grey', 'insufficient_history', 'Fewer than 2 monthly loads in history and no expected day set');
	if (today.growth >= rules.minAbsChange) {
		const sizes = past.slice(-6).map((e) => e.growth);
		if (sizes.length < 2) return verdict('green', 'monthly_loaded', `Monthly load of ${fmt(today.growth)} rows`);
		const usual = median(sizes);
		const ratio = today.growth / usual;
		const band = { expectedLow: usual / 2, expectedHigh: usual * 2, score: Math.log2(ratio) };
		if (ratio < 0.2 || ratio > 5) return verdict('red', ratio < 1 ? 'drop' : 'spike', `Monthly load of ${fmt(today.growth)} rows, usual ${fmt(usual)}`, band);
		if (ratio < 0.5 || ratio > 2) return verdict('yellow', ratio < 1 ? 'drop' : 'spike', `Monthly load of ${fmt(today.growth)} rows, usual ${fmt(usual)}`, band);
		return verdict('green', 'monthly_loaded', `Monthly load of ${fmt(today.growth)} rows (usual ${fmt(usual)})`, band);
	}
	if (isMissedMonthlyLoad(past, today.day, dueDay, rules.graceDays)) {
		return verdict('red', 'monthly_missing', `No load this month; due by day ${dueDay} (+${rules.graceDays} days grace)`);
	}
	return verdict('green', 'monthly_waiting', `No load today; monthly load due around day ${dueDay}`);
}

/** Irregular tables: only judged on gaps between loads, and on rows disappearing. */
export function judgeIrregular(history: readonly DailyGrowth[], today: DailyGrowth, rules: TableRules): Verdict {
	if (today.growth < 0 && -today.growth >= rules.minAbsChange) return verdict('red', 'rows_decreased', `Rows decreased by ${fmt(-today.growth)}`);
	const events = loadEvents(history.filter((g) => g.day < today.day), rules);
	if (events.length < 4) return verdict('grey', 'insufficient_history', `Only ${events.length} loads in history; 4 needed to learn the gaps`);
	if (today.growth >= rules.minAbsChange) return verdict('green', 'loaded', `Loaded ${fmt(today.growth)} rows`);
	const gaps = events.slice(1).map((e, i) => e.day - events[i].day);
	const longest = Math.max(...gaps);
	const gap = today.day - events[events.length - 1].day;
	const band = { score: gap / longest };
	if (gap > 3 * longest) return verdict('red', 'gap', `No load for ${gap} days; longest usual gap ${longest} days`, band);
	if (gap > 2 * longest) return verdict('yellow', 'gap', `No load for ${gap} days; longest usual gap ${longest} days`, band);
	return verdict('green', 'waiting', `No load for ${gap} days (longest usual gap ${longest})`, band);
}

export interface TableInput {
	table: string;
	rows: number;
	measuredAt: string;
	history: HistoryPoint[];
}

/** Judges one table: its current count against its history, by its cadence. */
export function judgeTable(input: TableInput, rules: TableRules): RowCountItem {
	checkZone(rules.zone);
	const date = localDate(input.measuredAt, 'measuredAt', rules.zone);
	const future = input.history.find((p) => p.date > date);
	if (future) throw new InputError('history', future.date, `is after the judged day ${date}`, 'Give only earlier counts as history, or check measuredAt.');
	// the judged point never trains the baseline: a history entry for the same day is dropped
	const history = input.history.filter((p) => p.date < date);
	const all = [...history, { date, rows: input.rows }];
	const growth = dailyGrowth(all);
	const todayDay = dayNumber(date);
	const last = growth[growth.length - 1];
	const previous = history[history.length - 1];
	const today: DailyGrowth | undefined = last && last.day === todayDay ? last : undefined;
	let v: Verdict;
	if (!previous) v = verdict('grey', 'insufficient_history', 'No earlier count to compare with');
	else if (!today) v = verdict('grey', 'gap_in_history', `No count for the day before ${date} (last ${previous.date}); growth per day unknown`);
	else {
		const earlier = growth.slice(0, -1);
		if (rules.cadence === 'monthly') v = judgeMonthly(earlier, today, rules);
		else if (rules.cadence === 'irregular') v = judgeIrregular(earlier, today, rules);
		else v = judgeRegular(earlier, today, rules);
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
		trend: growth.slice(-14).map((g) => g.growth),
	};
}

/**
 * Regular tables: a weekly profile per table (centre and spread per weekday, from the training
 * window, projected along the table's own growth trend), business-day handling (holidays, catch-up
 * loads after days off) and a level-shift hypothesis, so that a lasting step is alarmed once and
 * then judged against its new level.
 */
import { MAD_TO_SIGMA } from '../shared/stats';
import type { Light } from '../shared/items';
import { BusinessCalendar, isoOfDay, weekdayOf } from './calendar';
import type { TableRules } from './diff';

/** Growth between consecutive days, by the day it was measured on. */
export interface DailyGrowth {
	day: number;
	growth: number;
}

/** The judged growth: rows loaded since the previous count, which may be `span` days earlier. */
export interface JudgedGrowth extends DailyGrowth {
	span: number;
}

/** What a regular table's judgement needs of the table's rules (documented on TableRules). */
export type RegularRules = Pick<TableRules, 'warnScore' | 'failScore' | 'minAbsChange' | 'minHistory' | 'windowDays' | 'flatlineDays'> & {
	holidayAffected: boolean;
	weekly: 'auto' | 'on' | 'off';
	/** table-days left out of training (annotated incidents, backfills, expected anomalies) */
	excluded: ReadonlySet<number>;
};

export interface Verdict {
	light: Light;
	code: string;
	text: string;
	expectedLow: number | null;
	expectedHigh: number | null;
	score: number | null;
}

/** A whole number with thousands separators (1,234,567), without Intl: it is built for every table. */
export function fmt(n: number): string {
	const r = Math.round(n);
	const digits = String(Math.abs(r));
	let out = '';
	for (let i = 0; i < digits.length; i++) {
		if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
		out += digits[i];
	}
	return r < 0 ? '-' + out : out;
}

export function verdict(light: Light, code: string, text: string, extra: Partial<Verdict> = {}): Verdict {
	return { light, code, text, expectedLow: null, expectedHigh: null, score: null, ...extra };
}

/**
 * Scale factor on the spread (kept at 1: the spread is the MAD of week-over-week differences,
 * widened for the noise of the centre; the bench prints the clean-day score RMS that checks it).
 */
export const SPREAD_CALIBRATION = 1;
/** A weekday is a main (full-volume) day when its centre is at least this share of the table's usual day. */
const MAIN_DAY_SHARE = 0.4;
/** A change is large in business terms from half the expected down, or twice the expected up. */
const LARGE_CHANGE = 0.5;
/** Score from which such a large change is red (a 15 %-noise table's -70 % day scores about -4.5, a 5 %-noise one's -14). */
const LARGE_CHANGE_SCORE = 3;
/** Level ratios a lasting step may have and still be learnt as the new level (outside: an outage, kept red). */
const SHIFT_MIN = 0.25;
const SHIFT_MAX = 4;
/** Days of a step after its first are off the old profile by at least this score, in the same direction. */
const SHIFT_RUN_SCORE = 1.5;
/** Working days at a new level after which it is the reference (before: whichever level fits better). */
const SHIFT_CONFIRMED_DAYS = 3;
/** ...and typically by this share of the warn score. */
const SHIFT_TYPICAL = 0.75;
/** Days of history a weekday needs to be judged on its own (auto), and a group of days to be judged together. */
const WEEKLY_MIN_PER_DAY = 2;
/** Spread factor for a day judged with other days while it has too little history of its own. */
const UNOWN_WIDER = 1.5;
/** Largest daily growth trend (log rows per day) followed. */
const MAX_TREND = 0.02;

let scratch = new Float64Array(512);
/**
 * Median of a list of numbers (NaN when empty), sorted in a reused buffer: this runs a dozen times
 * per table, and for 10,000 tables the garbage of a copy per call costs more than the sorting.
 */
export function median(values: readonly number[]): number {
	const n = values.length;
	if (n === 0) return NaN;
	if (n > scratch.length) scratch = new Float64Array(Math.max(n, scratch.length * 2));
	for (let i = 0; i < n; i++) scratch[i] = values[i];
	const sorted = scratch.subarray(0, n).sort();
	const mid = n >> 1;
	return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface WeeklyProfile {
	/** some weekdays are judged on their own */
	weekly: boolean;
	/** per weekday: judged on its own history (else with similar days) */
	own: boolean[];
	/** centre per weekday (0 = Sunday), in rows, projected to the judged day */
	centre: number[];
	/** one sigma per weekday, in rows */
	spread: number[];
	samples: number[];
	/** usual volume of a main day */
	mainLevel: number;
	main: boolean[];
	/** relative spread of main days (one sigma, as share of the centre) */
	relSpread: number;
	/** trend, log rows per day */
	trend: number;
	/** training days, growth projected to the judged day, oldest first */
	projected: DailyGrowth[];
}

function theilSen(points: ReadonlyArray<[number, number]>): number {
	const slopes: number[] = [];
	for (let i = 0; i < points.length; i++) for (let j = i + 1; j < points.length; j++) slopes.push((points[j][1] - points[i][1]) / (points[j][0] - points[i][0]));
	return median(slopes);
}

/** Builds the weekly profile of a table from its ordinary training days (days before `today`). */
export function weeklyProfile(ordinary: readonly DailyGrowth[], today: number, rules: RegularRules): WeeklyProfile {
	const samples = [0, 0, 0, 0, 0, 0, 0];
	for (const g of ordinary) samples[weekdayOf(g.day)]++;
	// each weekday on its own when it has enough history; otherwise with the other working days
	// (or weekend days) that lack it, and when those are too few, with all days
	const needed = rules.weekly === 'on' ? 1 : WEEKLY_MIN_PER_DAY;
	const own = samples.map((n) => rules.weekly !== 'off' && n >= needed);
	const part = (wd: number) => (wd === 0 || wd === 6 ? 1 : 0);
	const partSamples = [0, 0];
	for (let wd = 0; wd < 7; wd++) partSamples[part(wd)] += samples[wd];
	const groupOf = (wd: number): number => (own[wd] ? wd : rules.weekly !== 'off' && partSamples[part(wd)] >= WEEKLY_MIN_PER_DAY ? 7 + part(wd) : 9);
	const groupSamples = [...samples, partSamples[0], partSamples[1], ordinary.length];
	const weekly = own.some(Boolean);
	const used = new Array<boolean>(10).fill(false);
	for (let wd = 0; wd < 7; wd++) used[groupOf(wd)] = true;

	const centresOf = (values: readonly DailyGrowth[]): { lists: number[][]; centre: number[] } => {
		// groups 0-6: each weekday; 7, 8: all working days, all weekend days; 9: all days
		const lists: number[][] = Array.from({ length: 10 }, () => []);
		for (const g of values) {
			const wd = weekdayOf(g.day);
			lists[wd].push(g.growth);
			lists[7 + part(wd)].push(g.growth);
			lists[9].push(g.growth);
		}
		// medians only of the groups in use (the pooled groups are often not needed)
		const groupCentre = lists.map((l, gi) => (l.length && used[gi] ? median(l) : NaN));
		return { lists, centre: [0, 1, 2, 3, 4, 5, 6].map((wd) => groupCentre[groupOf(wd)]) };
	};

	// first pass: raw centres, to find the main days and the trend
	const rawCentre = centresOf(ordinary).centre;
	const rawLevel = median(rawCentre);
	const isMain = (c: number) => c > 0 && c >= MAIN_DAY_SHARE * rawLevel;
	const buckets = new Map<number, number[]>();
	for (const g of ordinary) {
		const c = rawCentre[weekdayOf(g.day)];
		if (!isMain(c) || g.growth <= 0) continue;
		const k = Math.floor((today - 1 - g.day) / 7);
		const list = buckets.get(k) ?? [];
		list.push(Math.log(g.growth / c));
		buckets.set(k, list);
	}
	const weekPoints: Array<[number, number]> = [...buckets].filter(([, l]) => l.length >= 3).map(([k, l]) => [-k * 7, median(l)]);
	const trend = weekPoints.length >= 4 ? Math.max(-MAX_TREND, Math.min(MAX_TREND, theilSen(weekPoints))) : 0;

	const projected = trend === 0 ? [...ordinary] : ordinary.map((g) => ({ day: g.day, growth: g.growth * Math.exp(trend * (today - g.day)) }));
	const { lists, centre } = centresOf(projected);
	const mainLevel = median(centre);
	const main = centre.map((c) => c > 0 && c >= MAIN_DAY_SHARE * mainLevel);

	if (weekly) shrinkMainDays(centre, main, own, samples, relativeSpread(projected, centre, main));
	const relSpread = relativeSpread(projected, centre, main);
	const spread = centre.map((c, wd) => {
		let s = relSpread * Math.max(c, 0);
		if (!main[wd]) {
			// a low-volume day (weekend trickle, a weekly table's quiet days): judged on a scale that
			// fits its size: its own spread, its largest usual value, and a share of the table's usual day
			const values = lists[groupOf(wd)];
			const sigma = median(values.map((v) => Math.abs(v - c))) * MAD_TO_SIGMA;
			const top = Math.max(...values);
			s = Math.max(s, sigma, (top - c) / 2, 0.1 * mainLevel);
		}
		// a new day differs from a centre that is itself a median of n values: var = sigma^2 (1 + 1.57 / n)
		const centreNoise = Math.sqrt(1 + 1.57 / Math.max(groupSamples[groupOf(wd)], 1));
		// a day judged with other days (no history of its own yet) may differ from them: wider
		if (!own[wd]) s *= UNOWN_WIDER;
		return Math.max(s * centreNoise * SPREAD_CALIBRATION, rules.minAbsChange / 2, 0.5);
	});
	return { weekly, own, centre, spread, samples, mainLevel, main, relSpread, trend, projected };
}

/**
 * Relative spread (one sigma, as a share of the centre) of the main days, from week-over-week
 * differences of the same weekday: a lasting step or a trend moves the level but hardly these
 * differences, so the spread of a table that changed level is not inflated. Falls back to the
 * residuals around the centres when too few pairs exist.
 */
function relativeSpread(projected: readonly DailyGrowth[], centre: readonly number[], main: readonly boolean[]): number {
	const diffs: number[] = [];
	const resid: number[] = [];
	// projected is in day order: the same weekday a week earlier is found by walking a second index
	let j = 0;
	for (const g of projected) {
		const wd = weekdayOf(g.day);
		if (!main[wd]) continue;
		resid.push(Math.abs(g.growth - centre[wd]) / centre[wd]);
		while (projected[j].day < g.day - 7) j++;
		if (projected[j].day === g.day - 7) diffs.push(Math.abs(g.growth - projected[j].growth) / centre[wd]);
	}
	let sigma: number;
	let m: number;
	if (diffs.length >= 6) {
		sigma = (median(diffs) * MAD_TO_SIGMA) / Math.SQRT2;
		m = diffs.length;
	} else {
		// residuals around medians of n values each sit closer to them than new values do
		const n = Math.max(resid.length / Math.max(main.filter(Boolean).length, 1), 2);
		sigma = resid.length ? median(resid) * MAD_TO_SIGMA * Math.sqrt(n / (n - 1)) : 0;
		m = resid.length;
	}
	// an estimate from few values is itself uncertain: widen it (about +4 % from 45 values, +40 % from 5)
	return Math.max(sigma * (1 + 2 / Math.max(m, 1)), 0.01);
}

/**
 * The main days' centres are medians of few values each: each weekday's difference from the usual
 * day is pulled towards zero by as much as estimation noise explains it (positive-part
 * James-Stein, per weekday), so a table without a weekday pattern is judged on all its days and a
 * clear pattern (a Monday carrying the weekend's backlog) is kept. The pull is a smooth function of
 * the data, so the profile does not flip from one day to the next.
 */
function shrinkMainDays(centre: number[], main: readonly boolean[], own: readonly boolean[], samples: readonly number[], relSpread: number): void {
	const days = centre.map((_, wd) => wd).filter((wd) => main[wd] && own[wd]);
	if (days.length < 2) return;
	const level = median(days.map((wd) => centre[wd]));
	for (const wd of days) {
		const f = centre[wd] / level - 1;
		const noise = (1.57 * relSpread * relSpread) / Math.max(samples[wd], 1);
		const keep = f !== 0 ? Math.max(0, 1 - noise / (f * f)) : 0;
		centre[wd] = level * (1 + keep * f);
	}
}

/** Zero growth on consecutive days up to the judged one. */
export function zeroGrowthRun(growth: readonly DailyGrowth[], today: DailyGrowth): number {
	if (today.growth !== 0) return 0;
	let n = 1;
	for (let i = growth.length - 1; i >= 0 && growth[i].growth === 0 && growth[i].day === today.day - n; i--) n++;
	return n;
}

interface Shift {
	level: number;
	since: number;
	days: number;
}

/**
 * A lasting step: the most recent main working days all off the profile in the same direction
 * (each at least the warn score), at a level a table can plausibly have (not an outage). Its level
 * is the median ratio to the profile.
 */
function recentShift(p: WeeklyProfile, rules: RegularRules): Shift | null {
	let dir = 0;
	const ratios: number[] = [];
	const scores: number[] = [];
	let since = 0;
	let skipped = 0;
	for (let i = p.projected.length - 1; i >= 0; i--) {
		const g = p.projected[i];
		const wd = weekdayOf(g.day);
		if (!p.main[wd]) continue;
		const ratio = g.growth / p.centre[wd];
		const s = (g.growth - p.centre[wd]) / p.spread[wd];
		// outages and bursts (a flatline, a duplicated load) neither make nor end a step
		if (ratio < SHIFT_MIN || ratio > SHIFT_MAX) {
			if (++skipped > 5) break;
			continue;
		}
		const d = s >= SHIFT_RUN_SCORE ? 1 : s <= -SHIFT_RUN_SCORE ? -1 : 0;
		if (d === 0 || (dir !== 0 && d !== dir)) break;
		dir = d;
		ratios.push(ratio);
		scores.push(Math.abs(s));
		since = g.day;
	}
	// a step is large: its days are typically at the warn score or beyond (noise rarely is, twice in a row)
	return ratios.length && median(scores) >= SHIFT_TYPICAL * rules.warnScore ? { level: median(ratios), since, days: ratios.length } : null;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;

/** Judges a regular (daily or weekly) table's growth against its weekly profile. */
export function judgeRegular(training: readonly DailyGrowth[], today: JudgedGrowth, rules: RegularRules, cal: BusinessCalendar, note: string): Verdict {
	const holiday = rules.holidayAffected && cal.isHoliday(today.day);
	// ordinary training days: holidays and catch-up days (holiday-affected tables) and annotated days out
	const ordinary = training.filter(
		(g) => !rules.excluded.has(g.day) && !(rules.holidayAffected && (cal.isHoliday(g.day) || cal.skippedWorkdays(g.day).length > 0)),
	);
	if (ordinary.length < rules.minHistory) {
		return verdict('grey', 'insufficient_history', `Only ${ordinary.length} usable days of history; ${rules.minHistory} needed to judge${note}`);
	}
	const p = weeklyProfile(ordinary, today.day, rules);
	const wd = weekdayOf(today.day);
	// expected growth over the judged span (more than one day when counts are missing)
	let expected = 0;
	let variance = 0;
	for (let d = today.day - today.span + 1; d <= today.day; d++) {
		expected += p.centre[weekdayOf(d)];
		variance += p.spread[weekdayOf(d)] ** 2;
	}
	let spread = Math.sqrt(variance);
	const x = today.growth;
	const usual = today.span > 1 ? `usual for these ${today.span} days ${fmt(expected)}` : p.own[wd] ? `usual for this weekday ${fmt(expected)}` : `usual ${fmt(expected)}`;
	let against = usual;
	let scale = 1;
	let score = (x - expected) / spread;
	// a lasting step: judge against the new level when that fits better
	const shift = today.span === 1 ? recentShift(p, rules) : null;
	if (shift) {
		const s1 = (x - expected * shift.level) / (spread * shift.level);
		// a day or two off the profile may be one-offs: the better fitting level is used; from
		// SHIFT_CONFIRMED_DAYS days on it is a step, and the new level is the reference
		if (shift.days >= SHIFT_CONFIRMED_DAYS || Math.abs(s1) < Math.abs(score)) {
			scale = shift.level;
			score = s1;
			against = `${usual}, level ${pct(shift.level - 1)} since ${isoOfDay(shift.since)} (learning it)`;
		}
	}
	expected *= scale;
	spread *= scale;
	const band = { expectedLow: Math.max(0, expected - rules.warnScore * spread), expectedHigh: expected + rules.warnScore * spread, score };
	if (x < 0 && -x >= rules.minAbsChange) return verdict('red', 'rows_decreased', `Rows decreased by ${fmt(-x)}${note}`, band);
	const change = Math.abs(x - expected);
	if (holiday) {
		if (score >= rules.failScore && change >= rules.minAbsChange) return verdict('yellow', 'spike', `Loaded ${fmt(x)} rows on a holiday (${against})${note}`, band);
		return verdict('green', 'holiday', `Holiday: loaded ${fmt(x)} rows; a holiday low is never a drop${note}`, band);
	}
	const skipped = rules.holidayAffected && today.span === 1 ? cal.skippedWorkdays(today.day) : [];
	if (skipped.length) {
		// first working day after days off: expected to carry the backlog of the skipped working days
		const backlog = skipped.reduce((sum, d) => sum + p.centre[weekdayOf(d)] * scale, 0);
		const upper = expected + backlog;
		const upperSpread = Math.sqrt(spread ** 2 + (p.relSpread * SPREAD_CALIBRATION * backlog) ** 2);
		const s = x > upper ? (x - upper) / upperSpread : x < expected ? (x - expected) / spread : 0;
		const catchBand = { expectedLow: Math.max(0, expected - rules.warnScore * spread), expectedHigh: upper + rules.warnScore * upperSpread, score: s };
		const text = `after ${skipped.length} working day(s) off (${skipped.map(isoOfDay).join(', ')}), up to ${fmt(upper)} with backlog; ${against}`;
		if (s >= rules.failScore && x - upper >= rules.minAbsChange) return verdict('red', 'spike', `Loaded ${fmt(x)} rows ${text}${note}`, catchBand);
		if (x <= 0.1 * expected && expected - x >= rules.minAbsChange && s <= -rules.warnScore) return verdict('red', x === 0 ? 'zero_growth' : 'drop', `Loaded ${fmt(x)} rows ${text}${note}`, catchBand);
		return verdict('green', 'catch_up', `Loaded ${fmt(x)} rows ${text}${note}`, catchBand);
	}
	const large = expected > 0 ? x <= expected * (1 - LARGE_CHANGE) || x >= expected / (1 - LARGE_CHANGE) : true;
	// red: a score beyond the fail score, or a change that is large in business terms (half the
	// expected) and beyond what this table's noise gives (LARGE_CHANGE_SCORE); yellow: the warn score
	const red = Math.abs(score) >= rules.failScore || (large && p.own[wd] && Math.abs(score) >= Math.min(LARGE_CHANGE_SCORE, rules.warnScore));
	if (change < rules.minAbsChange || (!red && Math.abs(score) < rules.warnScore)) {
		const quiet = x === 0 ? `No new rows, usual here (${against})` : `Loaded ${fmt(x)} rows (${against})`;
		return verdict('green', 'normal', quiet + note, band);
	}
	const light: Light = red ? 'red' : 'yellow';
	if (x === 0) {
		const days = zeroGrowthRun(training, today);
		if (days >= rules.flatlineDays) return verdict(light, 'flatline', `No new rows for ${days} days (${against})${note}`, band);
		return verdict(light, 'zero_growth', `No new rows today (${against})${note}`, band);
	}
	const signed = `${score >= 0 ? '+' : ''}${score.toFixed(1)}`;
	return verdict(light, score < 0 ? 'drop' : 'spike', `Loaded ${fmt(x)} rows, ${against} (score ${signed})${note}`, band);
}

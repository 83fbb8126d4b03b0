/**
 * Hourly loads (issue 11, item 8): the rows per hour of a table's timestamp column over the last
 * N complete hours, each judged against the same hour on earlier days: the last 7 days, the same
 * weekday of the last 4 weeks, or the last 7 days of the same kind (working day or weekend/holiday),
 * whichever predicted the table's own last week best (chosen once per table and call). Rows
 * arrive late into recent hours: an hour that ended less than the settle time ago is "settling",
 * and a low count there is not a drop (a high one is still a spike: late rows only add).
 *
 * Hours are keyed as local hour numbers: day number (calendar.ts) × 24 + local hour of day, so
 * "the same hour yesterday" is key − 24 without any time-zone arithmetic in the loop.
 */
import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import type { Light, Reason, RowCountItem } from '../shared/items';
import { quieted, worseDecides } from './freshness';
import type { Quiet } from './freshness';
import { MAD_TO_SIGMA } from '../shared/stats';
import { BusinessCalendar, dayNumber, isoOfDay } from './calendar';
import { fmt, median } from './profile';

export type HourProfile = 'daily' | 'weekly' | 'business';

export interface HourlyRules {
	/** complete hours judged, the newest last (1..168) */
	hours: number;
	/** minutes after an hour's end during which late rows still arrive */
	settleMinutes: number;
	warnScore: number;
	failScore: number;
	/** changes of fewer rows never alert */
	minAbsChange: number;
	/** the table loads on working days (cadence regular_holiday): hours are compared with days of the same kind */
	holidayAffected: boolean;
	cal: BusinessCalendar;
}

export interface HourVerdict {
	/** local start of the hour, YYYY-MM-DDTHH:00 */
	hour: string;
	rows: number;
	expected: number | null;
	score: number | null;
	light: Light;
	code: string;
	settling: boolean;
}

export interface HourlyResult {
	light: Light;
	reason: Reason;
	profile: HourProfile | null;
	hours: HourVerdict[];
}

/** Days of hourly history the rules read (4 weeks for the weekly profile, plus the hours judged). */
export const HOURLY_LOOKBACK_DAYS = 29;
/** Reference hours needed before an hour is judged. */
const MIN_REFERENCES = 3;
/** Relative noise floor of an hourly count (a load's own variation beyond counting noise). */
const RELATIVE_FLOOR = 0.04;

const hourLabel = (key: number): string => `${isoOfDay(Math.floor(key / 24))}T${String(((key % 24) + 24) % 24).padStart(2, '0')}:00`;

/** The reference hours of `key` under a profile, oldest last; only keys at or after `start`. */
function referenceKeys(key: number, profile: HourProfile, start: number, cal: BusinessCalendar): number[] {
	const day = Math.floor(key / 24);
	const hour = key - day * 24;
	const out: number[] = [];
	if (profile === 'daily') for (let i = 1; i <= 7; i++) out.push(key - 24 * i);
	else if (profile === 'weekly') for (let i = 1; i <= 4; i++) out.push(key - 168 * i);
	else {
		const off = cal.isOff(day);
		for (let d = day - 1; d >= day - 28 && out.length < 7; d--) if (cal.isOff(d) === off) out.push(d * 24 + hour);
	}
	return out.filter((k) => k >= start);
}

interface Expectation {
	centre: number;
	sigma: number;
	refs: number[];
}

/** Centre and spread of an hour from its reference hours: median, MAD widened for counting noise and few values. */
function expectationOf(refs: readonly number[]): Expectation {
	const centre = median(refs);
	const mad = median(refs.map((v) => Math.abs(v - centre))) * MAD_TO_SIGMA;
	const m = refs.length;
	// counting noise (√n), a relative floor, and the uncertainty of a median of m values
	const sigma = Math.sqrt(mad * mad + centre + (RELATIVE_FLOOR * centre) ** 2) * (1 + 1.5 / m);
	return { centre, sigma: Math.max(sigma, 1), refs: [...refs] };
}

/**
 * The profile of a table: days of the same kind for a table that loads on working days (a week
 * of history rarely shows a holiday, so this is not left to the data); otherwise the last 7 days
 * or the same weekday, whichever predicted the last week of settled hours best.
 */
export function chooseProfile(at: (key: number) => number, lastSettled: number, start: number, cal: BusinessCalendar, holidayAffected = false): HourProfile {
	if (holidayAffected) return 'business';
	let best: HourProfile = 'daily';
	let bestError = Infinity;
	for (const profile of ['daily', 'weekly'] as const) {
		let error = 0;
		let n = 0;
		for (let k = lastSettled - 167; k <= lastSettled; k++) {
			if (k < start) continue;
			const refs = referenceKeys(k, profile, start, cal);
			if (refs.length < MIN_REFERENCES) continue;
			error += Math.abs(at(k) - median(refs.map(at)));
			n++;
		}
		// a profile must be judgeable on most of the week to be chosen
		if (n < 120) continue;
		if (error / n < bestError * 0.97) {
			best = profile;
			bestError = error / n;
		}
	}
	return best;
}

const RANK: Record<Light, number> = { grey: 0, green: 1, yellow: 2, red: 3 };

/**
 * Judges the last `rules.hours` complete hours before `nowKey` (the local hour the check falls in,
 * `minutesIntoHour` minutes after its start). `at(key)` gives the rows of a local hour as counted
 * now (0 for an hour without rows). `start` is the first hour the table has data for (earlier
 * hours are not used as references).
 */
export function judgeHourKeys(at: (key: number) => number, nowKey: number, minutesIntoHour: number, start: number, rules: HourlyRules, profile?: HourProfile): HourlyResult {
	const settleHours = Math.ceil(Math.max(0, rules.settleMinutes - minutesIntoHour) / 60);
	const chosen = profile ?? chooseProfile(at, nowKey - 1 - settleHours, start, rules.cal, rules.holidayAffected);
	const hours: HourVerdict[] = [];
	for (let key = nowKey - rules.hours; key < nowKey; key++) {
		const rows = at(key);
		const ageMinutes = (nowKey - key - 1) * 60 + minutesIntoHour;
		const settling = ageMinutes < rules.settleMinutes;
		const base = { hour: hourLabel(key), rows, settling };
		if (key < start) {
			hours.push({ ...base, expected: null, score: null, light: 'grey', code: 'insufficient_history' });
			continue;
		}
		const refKeys = referenceKeys(key, chosen, start, rules.cal);
		if (refKeys.length < MIN_REFERENCES) {
			hours.push({ ...base, expected: null, score: null, light: 'grey', code: 'insufficient_history' });
			continue;
		}
		const refs = refKeys.map(at);
		const e = expectationOf(refs);
		const diff = rows - e.centre;
		const score = Math.round((diff / e.sigma) * 100) / 100;
		const verdict = (light: Light, code: string): HourVerdict => ({ ...base, expected: Math.round(e.centre), score, light, code });
		if (Math.abs(diff) < rules.minAbsChange) hours.push(verdict('green', 'within_range'));
		else if (rows === 0 && Math.min(...refs) === 0) hours.push(verdict('green', 'zero_as_before'));
		else if (diff < 0 && settling) hours.push(verdict('green', 'settling'));
		else {
			const big = diff < 0 ? rows <= 0.5 * e.centre : rows >= 2 * e.centre + rules.minAbsChange;
			const abs = Math.abs(score);
			const code = diff < 0 ? (rows === 0 ? 'hour_missing' : 'hour_drop') : 'hour_spike';
			if (abs >= rules.failScore || (big && abs >= 3)) hours.push(verdict('red', code));
			else if (abs >= rules.warnScore) hours.push(verdict('yellow', code));
			else hours.push(verdict('green', 'within_range'));
		}
	}
	let worst: HourVerdict | undefined;
	for (const h of hours) if (!worst || RANK[h.light] > RANK[worst.light]) worst = h;
	const judged = hours.filter((h) => h.light !== 'grey').length;
	if (!worst || judged === 0) {
		return { light: 'grey', profile: chosen, hours, reason: { code: 'insufficient_history', light: 'grey', text: `Hourly: fewer than ${MIN_REFERENCES} earlier same hours to compare with` } };
	}
	const settlingCount = hours.filter((h) => h.settling).length;
	const tail = `${judged} hour(s) judged against the same hour ${chosen === 'daily' ? 'on the last 7 days' : chosen === 'weekly' ? 'on the same weekday of the last 4 weeks' : 'on the last 7 days of the same kind (working day or day off)'}${settlingCount ? `; the last ${settlingCount} still settling (late rows)` : ''}`;
	if (worst.light === 'green') return { light: 'green', profile: chosen, hours, reason: { code: 'hours_normal', light: 'green', text: `Hourly loads normal: ${tail}` } };
	const bad = hours.filter((h) => h.light === worst!.light);
	const what = worst.code === 'hour_spike' ? 'more rows than usual' : worst.code === 'hour_missing' ? 'no rows' : 'fewer rows than usual';
	const text = `Hour ${worst.hour}: ${fmt(worst.rows)} rows, ${what} (usual ${fmt(worst.expected ?? 0)}, score ${worst.score})${bad.length > 1 ? `; ${bad.length} hours ${worst.light}` : ''}; ${tail}`;
	return { light: worst.light, profile: chosen, hours, reason: { code: worst.code, light: worst.light, text } };
}

/** Local hour key of an instant in a zone. */
export function hourKeyOf(dt: DateTime): number {
	return dayNumber(dt.toISODate()!) * 24 + dt.hour;
}

/**
 * Judges a table's hourly counts as items carry them: `[{hour, rows}]` with `hour` the start of
 * the hour (ISO; without an offset read in `zone`), checked at `checkedAt`.
 */
export function judgeHourly(raw: unknown, checkedAt: string, rules: HourlyRules, zone: string, field = 'hourly'): HourlyResult {
	if (!Number.isInteger(rules.hours) || rules.hours < 1 || rules.hours > 168) {
		throw new InputError('hourlyHours', rules.hours, 'is not a whole number of hours from 1 to 168', 'Give how many complete hours to judge, e.g. 24.');
	}
	if (!Number.isFinite(rules.settleMinutes) || rules.settleMinutes < 0) {
		throw new InputError('settleMinutes', rules.settleMinutes, 'is not a non-negative number of minutes', 'Give how long late rows keep arriving into an hour, e.g. 120.');
	}
	if (!Array.isArray(raw)) throw new InputError(field, raw, 'is not a list of {hour, rows}', 'Give the rows per hour as [{"hour":"2026-11-20T09:00:00+09:00","rows":1234}, ...].');
	const counts = new Map<number, number>();
	let start = Infinity;
	raw.forEach((p: unknown, i) => {
		const o = p as Record<string, unknown> | null;
		if (!o || typeof o !== 'object') throw new InputError(`${field}[${i}]`, p, 'is not an {hour, rows} object', 'Each entry needs "hour" and "rows".');
		const dt = typeof o.hour === 'string' ? DateTime.fromISO(o.hour, { zone, setZone: false }).setZone(zone) : DateTime.invalid('not a string');
		if (!dt.isValid) throw new InputError(`${field}[${i}].hour`, o.hour, 'is not an ISO-8601 hour', 'Give the start of the hour, e.g. "2026-11-20T09:00:00+09:00".');
		const rows = typeof o.rows === 'string' && o.rows.trim() !== '' ? Number(o.rows) : o.rows;
		if (typeof rows !== 'number' || !Number.isFinite(rows) || rows < 0) throw new InputError(`${field}[${i}].rows`, o.rows, 'is not a non-negative row count', 'Give the number of rows of that hour.');
		const key = hourKeyOf(dt);
		counts.set(key, (counts.get(key) ?? 0) + rows);
		if (rows > 0 && key < start) start = key;
	});
	const now = DateTime.fromISO(checkedAt, { zone, setZone: false }).setZone(zone);
	if (!now.isValid) throw new InputError('measuredAt', checkedAt, 'is not an ISO-8601 date-time', 'Give the time of the check.');
	return judgeHourKeys((k) => counts.get(k) ?? 0, hourKeyOf(now), now.minute + now.second / 60, Number.isFinite(start) ? start : hourKeyOf(now), rules);
}

/**
 * Joins the hourly verdict to an item (as freshness is joined): a yellow or red hourly verdict
 * worse than the item's decides it; mute and expected days quiet it first.
 */
export function withHourly<T extends RowCountItem>(item: T, result: HourlyResult, quiet: Quiet): T & { hourly: HourlyResult } {
	const h = quieted(result, quiet);
	return { ...worseDecides(item, h.light, h.reason), hourly: h };
}

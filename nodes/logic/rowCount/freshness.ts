/**
 * Freshness (issue 11, item 7): how far the newest row of a table (max of its timestamp column)
 * lags behind the time of the check, against an allowed lag that is configured or learnt from
 * earlier lags of the same table. Row Count Diff joins this verdict to the volume verdict
 * (`withFreshness`) when an item carries `latestAt`.
 */
import { InputError } from '../shared/errors';
import type { Light, Reason, RowCountItem } from '../shared/items';
import { MAD_TO_SIGMA } from '../shared/stats';
import { parseInstant } from '../shared/time';
import { median } from './profile';

export interface FreshnessInput {
	table: string;
	/** max(timestamp) of the table; null when the table has no rows with a timestamp */
	maxTimestamp: unknown;
	/** time of the check */
	checkedAt: unknown;
	/** configured allowed lag in minutes; learnt from `lagHistory` when absent */
	allowedLagMinutes?: number;
	/** lags (minutes) measured at earlier checks, oldest first */
	lagHistory?: readonly number[];
	/** the item field `maxTimestamp` came from, named in errors */
	maxTimestampField?: string;
	/**
	 * Days off (weekend, holiday) in a row up to and including the day of the check, for a table
	 * that loads on working days only: nothing lands on them, so the lag may be that many days
	 * longer. Earlier lags in `lagHistory` must already be reduced by their own days off.
	 */
	offDays?: number;
}

export interface FreshnessResult {
	table: string;
	lagMinutes: number | null;
	allowedLagMinutes: number | null;
	learnt: boolean;
	light: Light;
	reason: Reason;
}

/** Earlier lags needed before an allowed lag is learnt. */
export const MIN_LAG_HISTORY = 7;

/**
 * The allowed lag learnt from earlier lags: the larger of 1.5 times the largest usual lag (the
 * 95th percentile) and the median plus 6 robust sigmas, never under 5 minutes. Earlier breaches do
 * not teach it: lags beyond twice the median plus 6 robust sigmas are left out of the percentile.
 */
export function learnAllowedLag(lags: readonly number[]): number | null {
	if (lags.length < MIN_LAG_HISTORY) return null;
	const sorted = [...lags].sort((a, b) => a - b);
	const mid = median(sorted);
	const sigma = median(sorted.map((v) => Math.abs(v - mid))) * MAD_TO_SIGMA;
	const usual = sorted.filter((v) => v <= 2 * Math.max(mid, 0) + 6 * sigma);
	const kept = usual.length >= MIN_LAG_HISTORY ? usual : sorted;
	const p95 = kept[Math.min(kept.length - 1, Math.ceil(0.95 * kept.length) - 1)];
	return Math.max(1.5 * p95, mid + 6 * sigma, 5);
}

const minutes = (m: number): string => (m >= 120 ? `${(m / 60).toFixed(1)} h` : `${Math.round(m)} min`);

/** Judges a table's freshness: red when the lag exceeds the allowed lag, yellow above three quarters of it. */
export function judgeFreshness(input: FreshnessInput, zone: string): FreshnessResult {
	const checked = parseInstant(input.checkedAt, 'checkedAt', zone);
	if (!checked) throw new InputError('checkedAt', input.checkedAt, 'is missing', 'Give the time of the check, e.g. {{ $now.toISO() }}.');
	const configured = input.allowedLagMinutes;
	if (configured !== undefined && (!Number.isFinite(configured) || configured <= 0)) {
		throw new InputError('allowedLagMinutes', configured, 'is not a positive number of minutes', 'Give the largest lag that is still fine, e.g. 90, or leave it out to learn it.');
	}
	const history = input.lagHistory ?? [];
	if (input.offDays !== undefined && (!Number.isInteger(input.offDays) || input.offDays < 0)) throw new InputError('offDays', input.offDays, 'is not a whole number of days', 'Give the days off in a row up to the day of the check, or leave it out.');
	history.forEach((v, i) => {
		if (!Number.isFinite(v)) throw new InputError(`lagHistory[${i}]`, v, 'is not a number of minutes', 'Give earlier lags in minutes, oldest first.');
	});
	const allowed = configured ?? learnAllowedLag(history);
	const learnt = configured === undefined && allowed !== null;
	const base = { table: input.table, allowedLagMinutes: allowed, learnt };
	const newest = parseInstant(input.maxTimestamp, input.maxTimestampField ?? 'maxTimestamp', zone);
	if (!newest) {
		return { ...base, lagMinutes: null, light: 'red', reason: { code: 'no_rows', light: 'red', text: 'No row with a timestamp: the table is empty or the column is all null' } };
	}
	const lag = checked.diff(newest, 'minutes').minutes;
	const offDays = input.offDays ?? 0;
	const off = offDays * 1440;
	const offNote = offDays > 0 ? `, ${offDays} day(s) off before the check` : '';
	if (lag < 0) {
		return { ...base, lagMinutes: lag, light: 'green', reason: { code: 'fresh', light: 'green', text: `Newest row is ${minutes(-lag)} in the future (clock skew or a future-dated row)` } };
	}
	if (allowed === null) {
		return { ...base, lagMinutes: lag, light: 'grey', reason: { code: 'insufficient_history', light: 'grey', text: `Lag ${minutes(lag)}; ${history.length} earlier lags, ${MIN_LAG_HISTORY} needed to learn the allowed lag (or configure it)` } };
	}
	// on a table that loads on working days only, the days off before the check add to the allowance
	const today = { ...base, allowedLagMinutes: allowed + off };
	const how = `${learnt ? `allowed ${minutes(allowed + off)}, learnt from ${history.length} earlier checks` : `allowed ${minutes(allowed + off)}`}${offNote}`;
	if (lag - off > allowed) return { ...today, lagMinutes: lag, light: 'red', reason: { code: 'stale', light: 'red', text: `Newest row is ${minutes(lag)} old (${how})` } };
	if (lag - off > 0.75 * allowed) return { ...today, lagMinutes: lag, light: 'yellow', reason: { code: 'stale_soon', light: 'yellow', text: `Newest row is ${minutes(lag)} old, near the limit (${how})` } };
	return { ...today, lagMinutes: lag, light: 'green', reason: { code: 'fresh', light: 'green', text: `Newest row is ${minutes(lag)} old (${how})` } };
}

/** The freshness part of a Row Count Diff item. */
export interface FreshnessView {
	latestAt: string | null;
	lagMinutes: number | null;
	allowedLagMinutes: number | null;
	learnt: boolean;
	light: Light;
	reason: Reason;
}

export type FreshRowCountItem = RowCountItem & {
	latestAt: string | null;
	lagMinutes: number | null;
	allowedLagMinutes: number | null;
	freshness: FreshnessView;
	/** the volume verdict alone (light and reason) when the freshness verdict decided the item */
	volume?: { light: Light; reason: Reason };
};

const ALARM_RANK: Record<Light, number> = { green: 0, grey: 0, yellow: 1, red: 2 };

/** How a muted or expected day quiets a yellow or red freshness verdict (as it quiets the volume verdict). */
export interface Quiet {
	/** the note of an `expected` annotation covering the day */
	expectedNote?: string;
	/** muted up to and including this local date */
	muteUntil?: string;
	/** the judged local date */
	date: string;
}

/** A yellow or red verdict on an expected or muted day becomes green `expected` / `muted`, keeping its text. */
export function quieted<T extends { light: Light; reason: Reason }>(f: T, quiet: Quiet): T {
	if (f.light !== 'red' && f.light !== 'yellow') return f;
	if (quiet.expectedNote !== undefined) return { ...f, light: 'green', reason: { code: 'expected', light: 'green', text: `Expected (${quiet.expectedNote}): ${f.reason.text}` } };
	if (quiet.muteUntil && quiet.date <= quiet.muteUntil) return { ...f, light: 'green', reason: { code: 'muted', light: 'green', text: `Muted until ${quiet.muteUntil}: ${f.reason.text}` } };
	return f;
}

/**
 * Lets a second verdict (freshness, hourly loads) decide an item when it is a yellow or red worse
 * than the item's own; the item's verdict is then kept in `volume` (once, the first one).
 */
export function worseDecides<T extends RowCountItem & { volume?: { light: Light; reason: Reason } }>(item: T, light: Light, reason: Reason): T {
	if (ALARM_RANK[light] <= ALARM_RANK[item.light]) return item;
	const text = item.light === 'green' || item.light === 'grey' ? reason.text : `${reason.text}; ${item.volume ? '' : 'rows: '}${item.reason.text}`;
	return { ...item, light, reason: { code: reason.code, light, text }, volume: item.volume ?? { light: item.light, reason: item.reason } };
}

const round1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);

/**
 * Joins a freshness verdict to a volume verdict: a yellow or red freshness verdict that is worse
 * than the volume's decides the item's light and reason (the volume verdict is kept in `volume`);
 * a grey freshness verdict (allowed lag not learnt yet) never greys a judged volume.
 */
export function withFreshness(item: RowCountItem, fresh: FreshnessResult, latestAt: string | null, quiet: Quiet): FreshRowCountItem {
	const f = quieted(fresh, quiet);
	const freshness: FreshnessView = { latestAt, lagMinutes: round1(f.lagMinutes), allowedLagMinutes: round1(f.allowedLagMinutes), learnt: f.learnt, light: f.light, reason: f.reason };
	const base: FreshRowCountItem = { ...item, latestAt, lagMinutes: freshness.lagMinutes, allowedLagMinutes: freshness.allowedLagMinutes, freshness };
	return worseDecides(base, f.light, f.reason);
}

/**
 * Freshness (issue 11, item 7; logic only, not wired into a node or workflow yet): how far the
 * newest row of a table (max of its timestamp column) lags behind the time of the check, against
 * an allowed lag that is configured or learnt from earlier lags of the same table.
 */
import { InputError } from '../shared/errors';
import type { Light, Reason } from '../shared/items';
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
 * 95th percentile) and the median plus 6 robust sigmas, never under 5 minutes.
 */
export function learnAllowedLag(lags: readonly number[]): number | null {
	if (lags.length < MIN_LAG_HISTORY) return null;
	const sorted = [...lags].sort((a, b) => a - b);
	const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
	const mid = median(sorted);
	const sigma = median(sorted.map((v) => Math.abs(v - mid))) * MAD_TO_SIGMA;
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
	history.forEach((v, i) => {
		if (!Number.isFinite(v)) throw new InputError(`lagHistory[${i}]`, v, 'is not a number of minutes', 'Give earlier lags in minutes, oldest first.');
	});
	const allowed = configured ?? learnAllowedLag(history);
	const learnt = configured === undefined && allowed !== null;
	const base = { table: input.table, allowedLagMinutes: allowed, learnt };
	const newest = parseInstant(input.maxTimestamp, 'maxTimestamp', zone);
	if (!newest) {
		return { ...base, lagMinutes: null, light: 'red', reason: { code: 'no_rows', light: 'red', text: 'No row with a timestamp: the table is empty or the column is all null' } };
	}
	const lag = checked.diff(newest, 'minutes').minutes;
	if (lag < 0) {
		return { ...base, lagMinutes: lag, light: 'green', reason: { code: 'fresh', light: 'green', text: `Newest row is ${minutes(-lag)} in the future (clock skew or a future-dated row)` } };
	}
	if (allowed === null) {
		return { ...base, lagMinutes: lag, light: 'grey', reason: { code: 'insufficient_history', light: 'grey', text: `Lag ${minutes(lag)}; ${history.length} earlier lags, ${MIN_LAG_HISTORY} needed to learn the allowed lag (or configure it)` } };
	}
	const how = learnt ? `allowed ${minutes(allowed)}, learnt from ${history.length} earlier checks` : `allowed ${minutes(allowed)}`;
	if (lag > allowed) return { ...base, lagMinutes: lag, light: 'red', reason: { code: 'stale', light: 'red', text: `Newest row is ${minutes(lag)} old (${how})` } };
	if (lag > 0.75 * allowed) return { ...base, lagMinutes: lag, light: 'yellow', reason: { code: 'stale_soon', light: 'yellow', text: `Newest row is ${minutes(lag)} old, near the limit (${how})` } };
	return { ...base, lagMinutes: lag, light: 'green', reason: { code: 'fresh', light: 'green', text: `Newest row is ${minutes(lag)} old (${how})` } };
}

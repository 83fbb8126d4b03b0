/**
 * Labelled hourly loads (issue 11, item 8) and freshness checks (item 7), seeded. No jest here:
 * the bench and the unit tests both use it.
 *
 * Hourly: tables whose rows per hour follow a daily shape (a 24x7 stream, an office-hours
 * business table that is quiet on weekends and Korean holidays, a weekly consumer pattern, a
 * small trickle with empty night hours, a growing stream), counted by a monitor that runs every
 * hour at minute 5 and judges the last `hours` complete hours. Rows arrive late: a share of every
 * hour arrives with an exponential delay (mean 5-30 min), and some hours are a late batch (30-80 %
 * of the hour 40-110 minutes after its end, within the 120-minute settle time). Labelled
 * anomalies (hours whose rows never arrive in full or arrive in excess): drops (x0.1-0.4), missing
 * hours (0 rows), spikes (x3-6), only on hours that usually carry at least 50 rows.
 *
 * Freshness: tables checked daily at 08:00 Asia/Seoul whose newest row lands at a usual time with
 * jitter (nightly loads), every day or only on working days (business tables: nothing lands on
 * weekends and holidays), or continuously (streams, newest row minutes old). Labelled breaches: a
 * nightly load that did not land (newest row from the day before), a stream stopped for 3-10 hours.
 */
import { BusinessCalendar, dayNumber } from '../../../nodes/logic/rowCount/calendar';
import { prng } from '../prng';
import { scoresOf } from './evaluate';

export const HOURLY_TUNING_SEED = 20261130;
export const HOURLY_HELD_OUT_SEEDS = [7411, 8623, 9137] as const;

export type HourlyKind = 'stream' | 'business' | 'weekly' | 'trickle' | 'growth';
export const HOURLY_KINDS: readonly HourlyKind[] = ['stream', 'business', 'weekly', 'trickle', 'growth'];

export interface HourlyTable {
	table: string;
	kind: HourlyKind;
	/** eventual rows per local hour key (day number x 24 + hour) */
	eventual: Map<number, number>;
	/** rows of the hour that had arrived `age` minutes after the hour's end */
	arrived(key: number, ageMinutes: number): number;
	/** labelled anomalous hour keys */
	anomalies: Set<number>;
	firstKey: number;
}

export interface HourlySet {
	tables: HourlyTable[];
	/** first and last (exclusive) hour keys judged */
	evalFrom: number;
	evalTo: number;
}

const cal = new BusinessCalendar(new Set());

export const HOURLY_SET = { tables: 60, historyFrom: '2026-08-10', evalFrom: '2026-09-14', evalTo: '2026-10-12' } as const;

function normal(r: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Poisson-like count noise: normal approximation with variance n (exact enough for n >= 10). */
function countNoise(r: () => number, n: number): number {
	return Math.max(0, Math.round(n + Math.sqrt(n) * normal(r)));
}

export function hourlySet(seed: number, tables: number = HOURLY_SET.tables): HourlySet {
	const r = prng(seed);
	const first = dayNumber(HOURLY_SET.historyFrom) * 24;
	const evalFrom = dayNumber(HOURLY_SET.evalFrom) * 24;
	const evalTo = dayNumber(HOURLY_SET.evalTo) * 24;
	const out: HourlyTable[] = [];
	for (let t = 0; t < tables; t++) {
		const kind = HOURLY_KINDS[t % HOURLY_KINDS.length];
		const base = kind === 'trickle' ? 3 + r() * 12 : 200 * Math.exp(r() * Math.log(100));
		const noise = 0.03 + r() * 0.07;
		const peakHour = 10 + Math.floor(r() * 10);
		const nightShare = 0.05 + r() * 0.3;
		const lateShare = 0.05 + r() * 0.35;
		const lateMean = 5 + r() * 25;
		const weekendFactor = kind === 'weekly' ? 1.3 + r() * 0.8 : 1;
		const offFactor = 0.1 + r() * 0.2;
		const eventual = new Map<number, number>();
		const batch = new Map<number, { share: number; delay: number }>();
		const anomalies = new Set<number>();
		const expected = (key: number): number => {
			const day = Math.floor(key / 24);
			const hour = key - day * 24;
			// daily shape: low at night, a peak at peakHour
			const d = Math.min(Math.abs(hour - peakHour), 24 - Math.abs(hour - peakHour));
			let shape = nightShare + (1 - nightShare) * Math.exp(-(d * d) / 18);
			if (kind === 'business') shape = cal.isOff(day) ? shape * offFactor : hour >= 8 && hour <= 19 ? shape * 1.3 : shape * 0.5;
			if (kind === 'weekly' && (day % 7 === 2 || day % 7 === 3)) shape *= weekendFactor; // day 2 = Saturday, 3 = Sunday (1970-01-01 was a Thursday)
			if (kind === 'growth') shape *= 1 + 0.01 * ((key - first) / 24);
			return base * shape;
		};
		for (let key = first; key < evalTo; key++) {
			const mean = expected(key);
			let rows = kind === 'trickle' ? countNoise(r, mean) : countNoise(r, mean * Math.exp(noise * normal(r)));
			// labelled anomalies only where an hour usually carries enough rows to tell
			if (key >= evalFrom && mean >= 50 && r() < 0.01) {
				const what = r();
				rows = what < 0.4 ? Math.round(rows * (0.1 + r() * 0.3)) : what < 0.7 ? 0 : Math.round(rows * (3 + r() * 3));
				anomalies.add(key);
			}
			eventual.set(key, rows);
			if (r() < 0.02) batch.set(key, { share: 0.3 + r() * 0.5, delay: 40 + r() * 70 });
		}
		out.push({
			table: `hourly_${kind}_${t}`,
			kind,
			eventual,
			anomalies,
			firstKey: first,
			arrived(key, age) {
				const rows = eventual.get(key) ?? 0;
				if (age >= 24 * 60) return rows;
				const b = batch.get(key);
				let share = 1 - lateShare * Math.exp(-Math.max(0, age) / lateMean);
				if (b && age < b.delay) share *= 1 - b.share;
				return Math.floor(rows * share);
			},
		});
	}
	return { tables: out, evalFrom, evalTo };
}

// ---------------------------------------------------------------------------------------------
// Freshness

export const FRESHNESS_SET = { tables: 120, days: 150, evalDays: 90, end: '2026-10-31' } as const;
export type FreshKind = 'nightly' | 'nightly_business' | 'stream';
export const FRESH_KINDS: readonly FreshKind[] = ['nightly', 'nightly_business', 'stream'];

export interface FreshnessTable {
	table: string;
	kind: FreshKind;
	/** per day: minutes between the newest row and the 08:00 check */
	lags: number[];
	/** per day: whether the day's check should alarm */
	breach: boolean[];
	/** local day number of lags[0] */
	firstDay: number;
}

export function freshnessSet(seed: number, tables: number = FRESHNESS_SET.tables): FreshnessTable[] {
	const r = prng(seed ^ 0x5f3759df);
	const last = dayNumber(FRESHNESS_SET.end);
	const firstDay = last - FRESHNESS_SET.days + 1;
	const out: FreshnessTable[] = [];
	for (let t = 0; t < tables; t++) {
		const kind = FRESH_KINDS[t % FRESH_KINDS.length];
		const landsAt = 60 + r() * 330; // minutes after midnight: 01:00-06:30
		const jitter = 5 + r() * 35;
		const lags: number[] = [];
		const breach: boolean[] = [];
		let lastLanding = (firstDay - 1) * 1440 + landsAt; // minute of the newest row
		let dueDay = firstDay - 1; // the last day a load was due on
		for (let i = 0; i < FRESHNESS_SET.days; i++) {
			const day = firstDay + i;
			const check = day * 1440 + 480;
			const judged = i >= FRESHNESS_SET.days - FRESHNESS_SET.evalDays;
			if (kind === 'stream') {
				// the newest row is minutes old; a stopped stream leaves it hours old
				const stopped = judged && r() < 0.02;
				const lag = stopped ? 180 + r() * 420 : 1 + Math.abs(normal(r)) * (3 + (t % 7) * 4);
				lags.push(lag);
				breach.push(stopped);
				continue;
			}
			const loads = kind === 'nightly' || !cal.isOff(day);
			const missed = judged && loads && r() < 0.03;
			if (loads) dueDay = day;
			if (loads && !missed) lastLanding = day * 1440 + Math.min(470, Math.max(0, landsAt + jitter * normal(r)));
			lags.push(check - lastLanding);
			// stale while the newest row is older than the last load that was due (a missed Friday
			// load leaves the weekend stale too)
			breach.push(judged && Math.floor(lastLanding / 1440) < dueDay);
		}
		out.push({ table: `fresh_${kind}_${t}`, kind, lags, breach, firstDay });
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface HourJudged {
	kind: HourlyKind;
	truth: boolean;
	/** red at any of the checks that judged the hour */
	alarm: boolean;
	/** the score at the first check that judged the hour settled (null when grey) */
	settledScore: number | null;
	/** red while the hour was still settling, on an hour without a label (a false drop from late rows) */
	settlingFalseRed: boolean;
}

export interface HourlyEvalOptions {
	hours: number;
	settleMinutes: number;
	warnScore: number;
	failScore: number;
	minAbsChange: number;
}

export const HOURLY_EVAL: HourlyEvalOptions = { hours: 6, settleMinutes: 120, warnScore: 4, failScore: 6, minAbsChange: 10 };

/**
 * Runs the hourly rules as a monitor that checks every hour at minute 5 and judges the last
 * `hours` complete hours with the counts as they had arrived by then. Each judged hour is one
 * table-hour: alarmed when any check made it red.
 */
export function judgeHourlySet(set: HourlySet, options: HourlyEvalOptions, hourly: Pick<typeof import('../../../nodes/logic/rowCount/hourly'), 'judgeHourKeys' | 'chooseProfile'>): HourJudged[] {
	const out: HourJudged[] = [];
	for (const t of set.tables) {
		const rules = { ...options, cal, holidayAffected: t.kind === 'business' };
		// the profile is chosen as a call does (from the last settled week), once per table and day
		// here to keep the bench quick (it changes rarely from one hour to the next)
		let profileDay = -1;
		let profile: ReturnType<typeof hourly.chooseProfile> = 'daily';
		const alarm = new Map<number, boolean>();
		const settledScore = new Map<number, number | null>();
		const settlingRed = new Map<number, boolean>();
		for (let now = set.evalFrom + 1; now <= set.evalTo + options.hours; now++) {
			const minutes = 5;
			const at = (key: number) => (key >= now ? 0 : t.arrived(key, (now - key - 1) * 60 + minutes));
			if (Math.floor(now / 24) !== profileDay) {
				profileDay = Math.floor(now / 24);
				profile = hourly.chooseProfile(at, now - 1 - Math.ceil((options.settleMinutes - minutes) / 60), t.firstKey, cal, rules.holidayAffected);
			}
			const result = hourly.judgeHourKeys(at, now, minutes, t.firstKey, rules, profile);
			result.hours.forEach((h, i) => {
				const key = now - options.hours + i;
				if (key < set.evalFrom || key >= set.evalTo) return;
				if (h.light === 'red') alarm.set(key, true);
				if (h.light === 'red' && h.settling) settlingRed.set(key, true);
				if (!h.settling && !settledScore.has(key)) settledScore.set(key, h.score);
			});
		}
		for (let key = set.evalFrom; key < set.evalTo; key++) {
			const truth = t.anomalies.has(key);
			out.push({ kind: t.kind, truth, alarm: alarm.get(key) ?? false, settledScore: settledScore.get(key) ?? null, settlingFalseRed: !truth && (settlingRed.get(key) ?? false) });
		}
	}
	return out;
}

export interface FreshJudged {
	kind: FreshKind;
	truth: boolean;
	alarm: boolean;
}

/**
 * Judges each evaluated day's 08:00 check of every freshness table with the allowed lag learnt
 * from its earlier checks (lags of business tables reduced by their days off, as the node does).
 */
export function judgeFreshnessSet(tables: readonly FreshnessTable[], judge: typeof import('../../../nodes/logic/rowCount/freshness').judgeFreshness): FreshJudged[] {
	const out: FreshJudged[] = [];
	for (const t of tables) {
		const business = t.kind === 'nightly_business';
		const offDays = (i: number) => (business ? cal.offDaysUpTo(t.firstDay + i) : 0);
		const normalised = t.lags.map((lag, i) => lag - 1440 * offDays(i));
		for (let i = t.lags.length - FRESHNESS_SET.evalDays; i < t.lags.length; i++) {
			const checkedAt = new Date((t.firstDay + i) * 86_400_000 + 8 * 3_600_000 - 9 * 3_600_000).toISOString();
			const newest = new Date(Date.parse(checkedAt) - t.lags[i] * 60_000).toISOString();
			const r = judge({ table: t.table, maxTimestamp: newest, checkedAt, lagHistory: normalised.slice(Math.max(0, i - 60), i), offDays: offDays(i) }, 'Asia/Seoul');
			out.push({ kind: t.kind, truth: t.breach[i], alarm: r.light === 'red' });
		}
	}
	return out;
}

/** Precision, recall, F1 and false alarms per 100 judged units of labelled verdicts (scoresOf, shorter names). */
export function detectionScores(judged: ReadonlyArray<{ truth: boolean; alarm: boolean }>): { n: number; tp: number; fp: number; fn: number; precision: number; recall: number; f1: number; faPer100: number } {
	const s = scoresOf(judged);
	return { n: s.tableDays, tp: s.truePositives, fp: s.falsePositives, fn: s.falseNegatives, precision: s.precision, recall: s.recall, f1: s.f1, faPer100: s.falseAlarmsPer100 };
}

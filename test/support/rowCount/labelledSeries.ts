/**
 * A labelled set of row-count series for judging anomaly detectors, on the Korean calendar.
 * Deterministic for a seed. Each table-day in the evaluation window carries a label.
 *
 * Clean patterns (never labelled):
 *  - daily tables (cadence `regular`): loads every day, 4-15 % noise, some with a mild weekday
 *    pattern, steady growth or decline trends;
 *  - weekly-seasonal tables (`regular`): quieter weekends (10-50 % of a weekday), not holiday-affected;
 *  - business-day tables (`regular_holiday`): weekday loads (Mondays carry more: the weekend's
 *    backlog), a small, very variable trickle on weekends and holidays with zeros, and on the first
 *    working day after weekday holidays (Seollal, Chuseok, substitute days...) a catch-up of part of
 *    the skipped loads;
 *  - lasting level shifts on regular tables (the first day is labelled, the days after are clean);
 *  - monthly tables (`monthly`): one load a month on a day of month or at a month's end, some moved
 *    to the next working day and some slipping a day or two (across the month end);
 *  - irregular tables (`irregular`): loads at random gaps.
 * Labelled anomalies: drops (-60 to -80 %), spikes (x2.5 to x6), zero loads on working days,
 * deletes, flatlines (2-4 working days without rows, each labelled), level shifts (first day),
 * missed monthly loads (labelled from the due day + 2 working days until a load arrives, across month
 * ends), partial or doubled monthly loads, stopped irregular loads (labelled once the silence is
 * over twice the table's longest earlier gap).
 */
import type { Cadence } from '../../../nodes/logic/shared/items';
import { isKoreanHoliday } from '../../../nodes/logic/rowCount/koreanHolidays';
import { prng } from '../prng';

export type Kind = 'daily' | 'weekly' | 'business' | 'monthly' | 'irregular';
export const KINDS: readonly Kind[] = ['daily', 'weekly', 'business', 'monthly', 'irregular'];

export interface LabelledTable {
	table: string;
	cadence: Cadence;
	kind: Kind;
	/** total row count per day, oldest first */
	points: Array<{ date: string; rows: number }>;
	/** dates whose growth is anomalous (injected) */
	anomalies: Set<string>;
	/** dates of the evaluation window that are ordinary working days of the table (not holidays, catch-up days or weekends of weekday tables) */
	ordinary: Set<string>;
}

const DAY_MS = 86_400_000;
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOf = (date: string) => Date.parse(date + 'T00:00:00Z') / DAY_MS;
const weekday = (d: number) => (((d + 4) % 7) + 7) % 7;
const isWeekend = (d: number) => weekday(d) === 0 || weekday(d) === 6;
const isOff = (d: number) => isWeekend(d) || isKoreanHoliday(iso(d));
/** weekday holidays in the days off right before a working day */
const skipped = (d: number): number[] => {
	if (isOff(d)) return [];
	const out: number[] = [];
	for (let k = d - 1; isOff(k); k--) if (!isWeekend(k)) out.push(k);
	return out;
};
const nextWorkday = (d: number) => {
	while (isOff(d)) d++;
	return d;
};
const addWorkdays = (d: number, n: number) => {
	d = nextWorkday(d);
	for (let k = 0; k < n; k++) d = nextWorkday(d + 1);
	return d;
};
const daysInMonth = (d: number) => {
	const s = iso(d);
	return new Date(Date.UTC(+s.slice(0, 4), +s.slice(5, 7), 0)).getUTCDate();
};

export interface SetOptions {
	seed: number;
	tables: number;
	/** last day of the series */
	end: string;
	days: number;
	/** days at the end in which anomalies are injected and judged */
	evalDays: number;
}

/** 300 days to the end of October 2026: the evaluation window (May to October) has 노동절, Buddha's Birthday and its substitute, the local election, 제헌절, Liberation Day and its substitute, Chuseok, Gaecheonjeol's substitute and Hangul Day. */
export const DEFAULT_SET: SetOptions = { seed: 20261122, tables: 300, end: '2026-10-31', days: 300, evalDays: 180 };

/** Seeds: the detector is tuned on TUNING_SEED only; figures are reported on HELD_OUT_SEEDS. */
export const TUNING_SEED = 20261122;
export const HELD_OUT_SEEDS: readonly number[] = [4101, 5303, 6907];

/** Builds the labelled set. */
export function labelledSet(opts: SetOptions = DEFAULT_SET): LabelledTable[] {
	const rand = prng(opts.seed);
	const normal = () => {
		const u = Math.max(rand(), 1e-12);
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
	};
	const between = (a: number, b: number) => a + rand() * (b - a);
	const endDay = dayOf(opts.end);
	const startDay = endDay - opts.days + 1;
	const evalStart = endDay - opts.evalDays + 1;
	const out: LabelledTable[] = [];
	for (let t = 0; t < opts.tables; t++) {
		const kind = KINDS[t % KINDS.length];
		const cadence: Cadence = kind === 'monthly' ? 'monthly' : kind === 'irregular' ? 'irregular' : kind === 'business' ? 'regular_holiday' : 'regular';
		const level = 10 ** between(2.5, 5.5); // 300 .. 300k rows a day
		const noise = between(0.04, 0.15);
		const trend = rand() < 0.5 ? between(-0.002, 0.006) : 0;
		const growth = new Map<number, number>();
		const anomalies = new Set<string>();
		const ordinary = new Set<string>();
		const jitter = () => Math.max(0, 1 + noise * normal());

		if (kind === 'daily' || kind === 'weekly' || kind === 'business') {
			const wdFactor = [1, 1, 1, 1, 1, 1, 1];
			if (kind === 'daily' && rand() < 0.5) for (let w = 0; w < 7; w++) wdFactor[w] = between(0.8, 1.2);
			if (kind === 'weekly') {
				wdFactor[0] = between(0.1, 0.5);
				wdFactor[6] = between(0.1, 0.5);
			}
			if (kind === 'business') wdFactor[1] = between(1, 1.7); // Monday: the weekend's backlog
			const trickleShare = between(0.002, 0.03);
			const zeroShare = between(0.15, 0.6);
			const catchUp = between(0.3, 1);
			// a lasting level shift in a quarter of the tables
			let shiftAt = rand() < 0.25 ? startDay + 60 + Math.floor(rand() * (opts.days - 70)) : Infinity;
			const workday = (d: number) => (kind === 'business' ? !isOff(d) && skipped(d).length === 0 : kind === 'weekly' ? !isWeekend(d) : true);
			while (shiftAt < endDay && !workday(shiftAt)) shiftAt++;
			const shiftBy = rand() < 0.5 ? between(0.3, 0.5) : between(2, 3);
			const usual = (d: number) => level * wdFactor[weekday(d)] * Math.exp(trend * (d - startDay)) * (d >= shiftAt ? shiftBy : 1);
			for (let d = startDay; d <= endDay; d++) {
				let g: number;
				if (kind === 'business' && isOff(d)) g = rand() < zeroShare ? 0 : level * trickleShare * Math.exp(0.9 * normal());
				else {
					g = usual(d) * jitter();
					if (kind === 'business') for (const h of skipped(d)) g += catchUp * usual(h) * jitter();
				}
				growth.set(d, g);
			}
			const isOrdinary = (d: number) => (kind === 'business' ? !isOff(d) && skipped(d).length === 0 : kind === 'weekly' ? !isWeekend(d) : true);
			for (let d = evalStart; d <= endDay; d++) if (isOrdinary(d) && d !== shiftAt) ordinary.add(iso(d));
			if (shiftAt >= evalStart && shiftAt <= endDay) anomalies.add(iso(shiftAt));
			// one to three anomalies, at least 12 days apart, on ordinary working days away from the shift
			const count = 1 + Math.floor(rand() * 3);
			let at = evalStart + 7 + Math.floor(rand() * 20);
			for (let a = 0; a < count && at < endDay - 5; a++) {
				while (at <= endDay && (!isOrdinary(at) || Math.abs(at - shiftAt) < 3)) at++;
				if (at > endDay - 4) break;
				const base = usual(at) * jitter();
				const type = rand();
				let flat = false;
				if (type < 0.25) growth.set(at, base * between(0.2, 0.4)); // drop
				else if (type < 0.5) growth.set(at, base * between(2.5, 6)); // spike
				else if (type < 0.65) growth.set(at, 0); // zero load on a working day
				else if (type < 0.77) growth.set(at, -Math.round(usual(at) * between(0.3, 1.5))); // delete
				else {
					// flatline: two to four working days without a row
					const len = 2 + Math.floor(rand() * 3);
					let d = at;
					for (let i = 0; i < len; d++) {
						if (!isOrdinary(d)) {
							if (kind === 'business' && isOff(d)) growth.set(d, 0); // no trickle either
							continue;
						}
						growth.set(d, 0);
						anomalies.add(iso(d));
						i++;
					}
					at = d;
					flat = true;
				}
				if (!flat) anomalies.add(iso(at));
				at += 12 + Math.floor(rand() * 25);
			}
		} else if (kind === 'monthly') {
			// due at a day of month, or at / just before the month's end
			const monthEnd = rand() < 0.4;
			const dom = monthEnd ? -Math.floor(rand() * 3) : 1 + Math.floor(rand() * 25);
			const onWorkday = rand() < 0.5;
			const slips = rand() < 0.4;
			const size = level * 20;
			const loads: number[] = [];
			const dues: number[] = [];
			for (let m = 0; m < 13; m++) {
				const first = dayOf(iso(startDay).slice(0, 7) + '-01');
				const s = iso(first + 31 * m + 1).slice(0, 7);
				const monthStart = dayOf(s + '-01');
				const nominal = dom >= 1 ? monthStart + dom - 1 : monthStart + daysInMonth(monthStart) - 1 + dom;
				let day = onWorkday ? nextWorkday(nominal) : nominal;
				if (slips && rand() < 0.4) day += 1 + Math.floor(rand() * 2);
				dues.push(nominal);
				loads.push(day);
			}
			const roll = rand();
			// the month whose load goes wrong: due in the evaluation window, not in its last days
			const candidates = dues.map((d, i) => i).filter((i) => dues[i] >= evalStart + 10 && dues[i] <= endDay - 15);
			const bad = candidates.length ? candidates[Math.floor(rand() * candidates.length)] : -1;
			for (let i = 0; i < loads.length; i++) {
				const day = loads[i];
				if (day < startDay || day > endDay) continue;
				let g = size * jitter();
				if (i === bad && roll < 0.55) {
					// missed: nothing this month; red from the due day + 2 working days until a load arrives
					const nextLoad = loads[i + 1] ?? Infinity;
					for (let d = addWorkdays(dues[i], 2) + 1; d < nextLoad && d <= endDay; d++) anomalies.add(iso(d));
					continue;
				}
				if (i === bad && roll < 0.75) {
					g = size * between(0.1, 0.3); // partial load
					anomalies.add(iso(day));
				} else if (i === bad && roll < 0.85) {
					g = size * between(3, 5); // loaded twice and more
					anomalies.add(iso(day));
				}
				growth.set(day, (growth.get(day) ?? 0) + g);
			}
			for (let d = evalStart; d <= endDay; d++) ordinary.add(iso(d));
		} else {
			const meanGap = between(1.5, 5);
			const gapOf = () => Math.min(1 + Math.floor(-Math.log(Math.max(rand(), 1e-9)) * (meanGap - 1)), Math.ceil(3 * meanGap));
			const loadDays: number[] = [];
			for (let d = startDay + Math.floor(rand() * meanGap); d <= endDay; d += gapOf()) loadDays.push(d);
			for (const d of loadDays) growth.set(d, level * between(0.3, 2));
			const roll = rand();
			const at = evalStart + 10 + Math.floor(rand() * (opts.evalDays - 40));
			if (roll < 0.6) {
				// loads stop for a long while (or for good)
				const resume = rand() < 0.5 ? Infinity : at + 25 + Math.floor(rand() * 20);
				const before = loadDays.filter((d) => d < at);
				const longest = Math.max(...before.slice(1).map((d, i) => d - before[i]));
				const lastLoad = before[before.length - 1];
				const firstAfter = loadDays.find((d) => d >= resume) ?? Infinity;
				for (let d = at; d <= endDay && d < firstAfter; d++) {
					growth.set(d, 0);
					if (d - lastLoad > 2 * longest && d - lastLoad - longest >= 2) anomalies.add(iso(d));
				}
			} else if (roll < 0.8) {
				growth.set(at, -Math.round(level * between(0.5, 2)));
				anomalies.add(iso(at));
			}
			for (let d = evalStart; d <= endDay; d++) ordinary.add(iso(d));
		}

		let rows = Math.round(level * 200 * (1 + rand()));
		const points: Array<{ date: string; rows: number }> = [];
		for (let d = startDay; d <= endDay; d++) {
			rows += Math.round(growth.get(d) ?? 0);
			rows = Math.max(0, rows);
			points.push({ date: iso(d), rows });
		}
		for (const a of [...anomalies]) if (dayOf(a) < evalStart) anomalies.delete(a);
		for (const a of anomalies) ordinary.delete(a);
		out.push({ table: `t${String(t).padStart(4, '0')}_${kind}`, cadence, kind, points, anomalies, ordinary });
	}
	return out;
}

/** The common approach: z-score of daily growth against mean/stddev of the previous 14 days, sensitivity 3. */
export function zScoreAlert(points: ReadonlyArray<{ rows: number }>, index: number, window = 14, sensitivity = 3): boolean {
	if (index < window + 1) return false;
	const growth: number[] = [];
	for (let i = index - window; i < index; i++) growth.push(points[i].rows - points[i - 1].rows);
	const x = points[index].rows - points[index - 1].rows;
	const mean = growth.reduce((a, b) => a + b, 0) / growth.length;
	const sd = Math.sqrt(growth.reduce((a, b) => a + (b - mean) ** 2, 0) / (growth.length - 1));
	if (sd === 0) return x !== mean;
	return Math.abs(x - mean) / sd > sensitivity;
}

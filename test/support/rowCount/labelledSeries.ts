/**
 * A labelled set of row-count series for judging anomaly detectors: weekday seasonality, Korean
 * holidays, monthly loads, irregular loads, with injected drops, spikes, flatlines, deletes and
 * missed loads. Deterministic for a seed. Each table-day in the evaluation window carries a label.
 */
import type { Cadence } from '../../../nodes/logic/shared/items';
import { isKoreanHoliday } from '../../../nodes/logic/rowCount/koreanHolidays';
import { prng } from '../prng';

export interface LabelledTable {
	table: string;
	cadence: Cadence;
	kind: string;
	/** total row count per day, oldest first */
	points: Array<{ date: string; rows: number }>;
	/** dates whose growth is anomalous (injected) */
	anomalies: Set<string>;
}


const DAY_MS = 86_400_000;
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOf = (date: string) => Date.parse(date + 'T00:00:00Z') / DAY_MS;

export interface SetOptions {
	seed: number;
	tables: number;
	/** last day of the series */
	end: string;
	days: number;
	/** days at the end in which anomalies are injected and judged */
	evalDays: number;
}

export const DEFAULT_SET: SetOptions = { seed: 20261122, tables: 240, end: '2026-10-31', days: 150, evalDays: 60 };

/** Builds the labelled set. */
export function labelledSet(opts: SetOptions = DEFAULT_SET): LabelledTable[] {
	const rand = prng(opts.seed);
	const normal = () => {
		// Box-Muller
		const u = Math.max(rand(), 1e-12);
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
	};
	const endDay = dayOf(opts.end);
	const startDay = endDay - opts.days + 1;
	const evalStart = endDay - opts.evalDays + 1;
	const kinds = ['daily', 'weekday', 'holiday', 'monthly', 'irregular'] as const;
	const out: LabelledTable[] = [];
	for (let t = 0; t < opts.tables; t++) {
		const kind = kinds[t % kinds.length];
		const level = Math.round(10 ** (2.5 + rand() * 3)); // 300 .. 300k rows a day
		const noise = 0.04 + rand() * 0.1;
		const weekendShare = 0.1 + rand() * 0.2;
		const growth = new Map<number, number>();
		const anomalies = new Set<string>();
		const cadence: Cadence = kind === 'monthly' ? 'monthly' : kind === 'irregular' ? 'irregular' : kind === 'holiday' ? 'regular_holiday' : 'regular';
		const dueDay = 3 + Math.floor(rand() * 10);
		const irregularGap = 2 + Math.floor(rand() * 4);
		let nextIrregular = startDay + Math.floor(rand() * irregularGap);
		for (let d = startDay; d <= endDay; d++) {
			const wd = (d + 4) % 7;
			const jitter = Math.max(0, 1 + noise * normal());
			let g = 0;
			if (kind === 'daily') g = level * jitter;
			else if (kind === 'weekday') g = level * jitter * (wd === 0 || wd === 6 ? weekendShare : 1);
			else if (kind === 'holiday') {
				const hol = isKoreanHoliday(iso(d));
				const after = isKoreanHoliday(iso(d - 1));
				g = level * jitter * (wd === 0 || wd === 6 ? weekendShare : 1) * (hol ? 0.05 : after ? 0.4 : 1);
			} else if (kind === 'monthly') {
				g = Number(iso(d).slice(8, 10)) === dueDay ? level * 20 * jitter : 0;
			} else if (d === nextIrregular) {
				g = level * jitter * (0.5 + rand());
				nextIrregular = d + 1 + Math.floor(rand() * irregularGap);
			}
			growth.set(d, Math.round(g));
		}
		// inject one anomaly in the evaluation window for most tables
		const roll = rand();
		const at = evalStart + 7 + Math.floor(rand() * (opts.evalDays - 14));
		if (kind === 'monthly' && roll < 0.6) {
			// a missed monthly load: the due day passes with nothing; anomalous from due + 3 to month end
			const month = iso(at).slice(0, 7);
			const firstOfMonth = dayOf(month + '-01');
			const due = firstOfMonth + dueDay - 1;
			if (due >= evalStart) {
				growth.set(due, 0);
				for (let d = due + 3; d <= endDay && iso(d).slice(0, 7) === month; d++) anomalies.add(iso(d));
			}
		} else if (kind === 'irregular' && roll < 0.6) {
			// loads stop: anomalous once the silence exceeds twice the longest possible gap
			let lastLoad = at;
			while (lastLoad > startDay && (growth.get(lastLoad) ?? 0) === 0) lastLoad--;
			for (let d = at; d <= Math.min(endDay, at + 6 * irregularGap); d++) {
				growth.set(d, 0);
				if (d - lastLoad > 2 * irregularGap) anomalies.add(iso(d));
			}
		} else if ((kind === 'daily' || kind === 'weekday' || kind === 'holiday') && roll < 0.8) {
			// a working day (not a weekend, holiday or the day after one), so the label is unambiguous
			const isWorkday = (d: number) => (d + 4) % 7 !== 0 && (d + 4) % 7 !== 6 && !isKoreanHoliday(iso(d)) && !isKoreanHoliday(iso(d - 1));
			let day = at;
			while (!isWorkday(day)) day++;
			const usual = growth.get(day) ?? level;
			const type = Math.floor(rand() * 4);
			if (type === 0) growth.set(day, Math.round(usual * rand() * 0.4)); // drop
			else if (type === 1) growth.set(day, Math.round(usual * (3 + rand() * 7))); // spike
			else if (type === 2) growth.set(day, -Math.round(level * (0.5 + rand()))); // delete
			else {
				// flatline: two to four days without a row
				const len = 2 + Math.floor(rand() * 3);
				for (let i = 0; i < len; i++) {
					if (kind !== 'daily' && !isWorkday(day + i)) continue;
					growth.set(day + i, 0);
					anomalies.add(iso(day + i));
				}
			}
			if (type !== 3) anomalies.add(iso(day));
		}
		let rows = Math.round(level * 100 * (1 + rand()));
		const points: Array<{ date: string; rows: number }> = [];
		for (let d = startDay; d <= endDay; d++) {
			rows += growth.get(d) ?? 0;
			points.push({ date: iso(d), rows: Math.max(0, rows) });
		}
		for (const a of [...anomalies]) if (dayOf(a) < evalStart) anomalies.delete(a);
		out.push({ table: `t${String(t).padStart(4, '0')}_${kind}`, cadence, kind, points, anomalies });
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

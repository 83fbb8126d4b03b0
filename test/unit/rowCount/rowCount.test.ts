import { DEFAULT_RULES, checkHistory, judgeTable, dailyGrowth } from '../../../nodes/logic/rowCount/diff';
import type { TableRules, HistoryPoint } from '../../../nodes/logic/rowCount/diff';
import { weeklyProfile } from '../../../nodes/logic/rowCount/profile';
import { koreanHolidays, isKoreanHoliday } from '../../../nodes/logic/rowCount/koreanHolidays';
import { labelledSet, DEFAULT_SET, HELD_OUT_SEEDS } from '../../support/rowCount/labelledSeries';
import { cleanScoreRms, judgeSet, nodeDetector, scoresOf, zScoreDetector } from '../../support/rowCount/evaluate';

const DAY = 86_400_000;
function series(days: number, end: string, growth: (d: Date) => number, start = 1_000_000): HistoryPoint[] {
	const out: HistoryPoint[] = [];
	let rows = start;
	const endMs = Date.parse(end + 'T00:00:00Z');
	for (let k = days - 1; k >= 0; k--) {
		const d = new Date(endMs - k * DAY);
		rows += growth(d);
		out.push({ date: d.toISOString().slice(0, 10), rows });
	}
	return out;
}
const judge = (history: HistoryPoint[], rows: number, measuredAt: string, rules: Partial<TableRules> = {}) =>
	judgeTable({ table: 't', rows, measuredAt, history }, { ...DEFAULT_RULES, ...rules });
const wobble = (d: Date) => 1000 + ((d.getUTCDate() * 37) % 100);

describe('Korean public holidays', () => {
	it('matches the official 2024-2025 calendars and 2026 with 노동절 and 제헌절, lunar and substitute days included', () => {
		expect([...koreanHolidays(2024)].sort()).toEqual(
			['01-01', '02-09', '02-10', '02-11', '02-12', '03-01', '04-10', '05-05', '05-06', '05-15', '06-06', '08-15', '09-16', '09-17', '09-18', '10-01', '10-03', '10-09', '12-25'].map((d) => `2024-${d}`),
		);
		expect([...koreanHolidays(2025)].sort()).toEqual(
			['01-01', '01-27', '01-28', '01-29', '01-30', '03-01', '03-03', '05-05', '05-06', '06-03', '06-06', '08-15', '10-03', '10-05', '10-06', '10-07', '10-08', '10-09', '12-25'].map((d) => `2025-${d}`),
		);
		expect([...koreanHolidays(2026)].sort()).toEqual(
			['01-01', '02-16', '02-17', '02-18', '03-01', '03-02', '05-01', '05-05', '05-24', '05-25', '06-03', '06-06', '07-17', '08-15', '08-17', '09-24', '09-25', '09-26', '10-03', '10-05', '10-09', '12-25'].map((d) => `2026-${d}`),
		);
	});
	it('places Seollal on the Korean date, not a day off (2027-02-07, 2028-01-27)', () => {
		expect(isKoreanHoliday('2027-02-07')).toBe(true);
		expect(isKoreanHoliday('2027-02-09')).toBe(true); // substitute: the 7th is a Sunday
		expect(isKoreanHoliday('2028-01-27')).toBe(true);
		expect(isKoreanHoliday('2028-01-29')).toBe(false);
		expect(isKoreanHoliday('2028-10-05')).toBe(true); // Chuseok overlaps Gaecheonjeol: one substitute
		expect(isKoreanHoliday('2028-10-06')).toBe(false);
	});
	it('노동절 (May 1) and 제헌절 (July 17) are public holidays from 2026, with substitutes on weekends', () => {
		for (const y of [2019, 2022, 2025]) {
			expect(isKoreanHoliday(`${y}-05-01`)).toBe(false);
			expect(isKoreanHoliday(`${y}-07-17`)).toBe(false);
		}
		for (let y = 2026; y <= 2030; y++) {
			expect(isKoreanHoliday(`${y}-05-01`)).toBe(true);
			expect(isKoreanHoliday(`${y}-07-17`)).toBe(true);
		}
		// 2027: both on a Saturday, substitute on the Monday after
		expect(isKoreanHoliday('2027-05-03')).toBe(true);
		expect(isKoreanHoliday('2027-07-19')).toBe(true);
		// 2026-2030 otherwise on weekdays: no substitute
		expect(isKoreanHoliday('2026-05-04')).toBe(false);
		expect(isKoreanHoliday('2028-05-02')).toBe(true); // Buddha's Birthday 2028, not a substitute
		expect(isKoreanHoliday('2028-07-18')).toBe(false);
		expect([...koreanHolidays(2027)].sort()).toEqual(
			['01-01', '02-06', '02-07', '02-08', '02-09', '03-01', '05-01', '05-03', '05-05', '05-13', '06-06', '07-17', '07-19', '08-15', '08-16', '09-14', '09-15', '09-16', '10-03', '10-04', '10-09', '10-11', '12-25', '12-27'].map((d) => `2027-${d}`),
		);
	});
	it('takes extra dates', () => expect(isKoreanHoliday('2026-12-31', new Set(['2026-12-31']))).toBe(true));
});

describe('weekly profile', () => {
	const rules = { holidayAffected: false, warnScore: 4, failScore: 6, minAbsChange: 10, minHistory: 7, windowDays: 63, flatlineDays: 2, weekly: 'auto' as const, excluded: new Set<number>() };
	it('resists outliers in training', () => {
		const g = dailyGrowth(series(63, '2026-11-19', wobble));
		g[10].growth = 1_000_000; // an old outlier
		const p = weeklyProfile(g, Date.parse('2026-11-20') / DAY, rules);
		for (const c of p.centre) {
			expect(c).toBeGreaterThan(1000);
			expect(c).toBeLessThan(1100);
		}
	});
	it('keeps a centre and spread per weekday: a weekend trickle is judged on its own scale', () => {
		const g = dailyGrowth(series(63, '2026-11-19', (d) => (d.getUTCDay() % 6 === 0 ? [0, 40, 300, 0, 120, 500][d.getUTCDate() % 6] : 20_000 + ((d.getUTCDate() * 37) % 1000))));
		const p = weeklyProfile(g, Date.parse('2026-11-20') / DAY, rules);
		expect(p.weekly).toBe(true);
		expect(p.main).toEqual([false, true, true, true, true, true, false]);
		expect(p.centre[3]).toBeGreaterThan(19_000);
		expect(p.centre[6]).toBeLessThan(500);
		expect(p.spread[6]).toBeGreaterThan(p.spread[3]);
	});
	it('follows a steady growth trend', () => {
		const g = dailyGrowth(series(63, '2026-11-19', (d) => Math.round(1000 * Math.exp(0.01 * (d.getTime() / DAY - Date.parse('2026-09-01') / DAY)))));
		const p = weeklyProfile(g, Date.parse('2026-11-20') / DAY, rules);
		expect(p.trend).toBeCloseTo(0.01, 3);
	});
});

describe('row count rules', () => {
	const h = series(60, '2026-11-19', wobble);
	const last = h[h.length - 1].rows;
	it('green for a usual day, with the band and trend', () => {
		const r = judge(h, last + 1040, '2026-11-20T06:00:00+09:00');
		expect(r).toMatchObject({ light: 'green', delta: 1040, cadence: 'regular' });
		expect(r.expectedLow!).toBeLessThan(1040);
		expect(r.expectedHigh!).toBeGreaterThan(1040);
		expect(r.trend).toHaveLength(14);
	});
	it('red for zero growth, flatline, decrease; yellow/red for drops and spikes', () => {
		expect(judge(h, last, '2026-11-20').reason.code).toBe('zero_growth');
		const flat = [...h, { date: '2026-11-20', rows: last }];
		expect(judge(flat, last, '2026-11-21').reason.code).toBe('flatline');
		expect(judge(h, last - 500, '2026-11-20')).toMatchObject({ light: 'red', reason: { code: 'rows_decreased' } });
		expect(judge(h, last + 300, '2026-11-20')).toMatchObject({ light: 'red', reason: { code: 'drop' } });
		expect(judge(h, last + 9000, '2026-11-20')).toMatchObject({ light: 'red', reason: { code: 'spike' } });
	});
	it('ignores tiny changes below the minimum absolute change', () => {
		const tiny = series(30, '2026-11-19', (d) => 3 + (d.getUTCDate() % 2));
		expect(judge(tiny, tiny[tiny.length - 1].rows + 12, '2026-11-20', { minAbsChange: 20 }).light).toBe('green');
	});
	it('grey while history is short', () => {
		expect(judge(h.slice(-4), last + 1000, '2026-11-20').light).toBe('grey');
		expect(judge([], 5, '2026-11-20').reason.code).toBe('insufficient_history');
	});
	it('holiday-affected tables do not alert on a holiday low, others do', () => {
		const hh = series(60, '2026-09-23', wobble);
		const low = hh[hh.length - 1].rows + 40; // Chuseok 2026-09-24
		expect(judge(hh, low, '2026-09-24', { cadence: 'regular_holiday' })).toMatchObject({ light: 'green', reason: { code: 'holiday' } });
		expect(judge(hh, low, '2026-09-24', { cadence: 'regular' }).light).toBe('red');
	});
	it('monthly: missing load after its due day is red, a normal load green', () => {
		const m = series(120, '2026-11-09', (d) => (d.getUTCDate() === 5 ? 50_000 + d.getUTCMonth() * 100 : 0));
		expect(judge(m, m[m.length - 1].rows, '2026-11-10', { cadence: 'monthly' }).light).toBe('green');
		const missing = series(120, '2026-11-09', (d) => (d.getUTCDate() === 5 && d.getUTCMonth() !== 10 ? 50_000 : 0));
		expect(judge(missing, missing[missing.length - 1].rows, '2026-11-10', { cadence: 'monthly' })).toMatchObject({ light: 'red', reason: { code: 'monthly_missing' } });
	});
	it('irregular: judged only on gaps', () => {
		const ir = series(60, '2026-11-19', (d) => (d.getUTCDate() % 3 === 0 ? 700 : 0));
		const lastRows = ir[ir.length - 1].rows;
		expect(judge(ir, lastRows + 5, '2026-11-20', { cadence: 'irregular' }).light).toBe('green');
		const stopped = series(60, '2026-11-19', (d) => (d.getUTCDate() % 3 === 0 && d < new Date('2026-11-08') ? 700 : 0));
		expect(judge(stopped, stopped[stopped.length - 1].rows, '2026-11-20', { cadence: 'irregular' }).reason.code).toBe('gap');
	});
});

describe('bad input', () => {
	it.each([
		[[{ date: '2026-11-02', rows: 5 }, { date: '2026-11-01', rows: 4 }], /not in date order/],
		[[{ date: '2026-11-01', rows: 5 }, { date: '2026-11-01', rows: 6 }], /appears twice/],
		[[{ date: '2026-11-01', rows: 'many' }], /history\[0\]\.rows.*"many"/],
		[[{ date: 'last tuesday', rows: 5 }], /history\[0\]\.date.*"last tuesday"/],
		['not a list', /history.*not a list/],
	])('%j', (history, message) => expect(() => checkHistory(history, 'Asia/Seoul')).toThrow(message));
	it('rejects history after the judged day and a bad zone', () => {
		expect(() => judge([{ date: '2026-11-25', rows: 1 }], 2, '2026-11-20')).toThrow(/after the judged day/);
		expect(() => judge([], 2, '2026-11-20', { zone: 'Nowhere/City' })).toThrow(/Nowhere\/City/);
	});
});

describe('against the common approach (labelled set, a held-out seed)', () => {
	it('reaches F1 >= 0.95 with at most 0.3 false red alarms per 100 table-days, calibrated scores, and beats z-score on both', () => {
		const set = labelledSet({ ...DEFAULT_SET, seed: HELD_OUT_SEEDS[0], tables: 100 });
		const node = judgeSet(set, DEFAULT_SET.evalDays, nodeDetector());
		const z = scoresOf(judgeSet(set, DEFAULT_SET.evalDays, zScoreDetector));
		const s = scoresOf(node);
		expect(s.f1).toBeGreaterThanOrEqual(0.95);
		expect(s.falseAlarmsPer100).toBeLessThanOrEqual(0.3);
		const rms = cleanScoreRms(node).rms;
		expect(rms).toBeGreaterThanOrEqual(0.8);
		expect(rms).toBeLessThanOrEqual(1.2);
		expect(s.f1).toBeGreaterThan(z.f1);
		expect(s.falseAlarmsPer100).toBeLessThan(z.falseAlarmsPer100);
	}, 60_000);
});

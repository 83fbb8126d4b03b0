import { DEFAULT_RULES, checkHistory, judgeTable, robustBaseline, dailyGrowth } from '../../../nodes/logic/rowCount/diff';
import type { TableRules, HistoryPoint } from '../../../nodes/logic/rowCount/diff';
import { koreanHolidays, isKoreanHoliday } from '../../../nodes/logic/rowCount/koreanHolidays';
import { labelledSet, DEFAULT_SET } from '../../support/rowCount/labelledSeries';
import { nodeDetector, score, zScoreDetector } from '../../support/rowCount/evaluate';

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
	it('matches the official 2024-2026 calendars, lunar and substitute days included', () => {
		expect([...koreanHolidays(2024)].sort()).toEqual(
			['01-01', '02-09', '02-10', '02-11', '02-12', '03-01', '04-10', '05-05', '05-06', '05-15', '06-06', '08-15', '09-16', '09-17', '09-18', '10-01', '10-03', '10-09', '12-25'].map((d) => `2024-${d}`),
		);
		expect([...koreanHolidays(2025)].sort()).toEqual(
			['01-01', '01-27', '01-28', '01-29', '01-30', '03-01', '03-03', '05-05', '05-06', '06-03', '06-06', '08-15', '10-03', '10-05', '10-06', '10-07', '10-08', '10-09', '12-25'].map((d) => `2025-${d}`),
		);
		expect([...koreanHolidays(2026)].sort()).toEqual(
			['01-01', '02-16', '02-17', '02-18', '03-01', '03-02', '05-05', '05-24', '05-25', '06-03', '06-06', '08-15', '08-17', '09-24', '09-25', '09-26', '10-03', '10-05', '10-09', '12-25'].map((d) => `2026-${d}`),
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
	it('takes extra dates', () => expect(isKoreanHoliday('2026-12-31', new Set(['2026-12-31']))).toBe(true));
});

describe('robust baseline', () => {
	it('never trains on the judged point and resists outliers', () => {
		const h = series(30, '2026-11-19', wobble);
		const g = dailyGrowth(h);
		g[10].growth = 1_000_000; // an old outlier
		const base = robustBaseline(g, Date.parse('2026-11-20') / DAY, DEFAULT_RULES);
		expect(base.center).toBeGreaterThan(1000);
		expect(base.center).toBeLessThan(1100);
	});
	it('compares with the same weekday when the table is weekly seasonal', () => {
		const h = series(56, '2026-11-20', (d) => (d.getUTCDay() % 6 === 0 ? 100 : 5000) + ((d.getUTCDate() * 7) % 50));
		// a Saturday with a weekday-sized load is a spike; a normal Saturday is not
		expect(judge(h, h[h.length - 1].rows + 5000, '2026-11-21', { cadence: 'regular', minAbsChange: 10 }).reason.code).toBe('spike');
		const normal = judge(h, h[h.length - 1].rows + 110, '2026-11-21', {});
		expect(normal.light).toBe('green');
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

describe('against the common approach (labelled set)', () => {
	it('reaches F1 >= 0.9 with at most 1 false alarm per 100 table-days and beats z-score on both', () => {
		const set = labelledSet({ ...DEFAULT_SET, tables: 100 });
		const node = score(set, DEFAULT_SET.evalDays, nodeDetector());
		const z = score(set, DEFAULT_SET.evalDays, zScoreDetector);
		expect(node.f1).toBeGreaterThanOrEqual(0.9);
		expect(node.falseAlarmsPer100).toBeLessThanOrEqual(1);
		expect(node.f1).toBeGreaterThan(z.f1);
		expect(node.falseAlarmsPer100).toBeLessThan(z.falseAlarmsPer100);
	});
});

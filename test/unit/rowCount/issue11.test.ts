/**
 * Issue 11: weekly profile, weekend trickle, catch-up after Korean holidays, calibrated drops,
 * monthly loads across month ends, trends and level shifts, gaps in history.
 */
import { DEFAULT_RULES, checkAnnotations, judgeTable } from '../../../nodes/logic/rowCount/diff';
import { rulesFor } from '../../../nodes/logic/rowCount/tableInput';
import type { HistoryPoint, TableRules } from '../../../nodes/logic/rowCount/diff';
import { isKoreanHoliday } from '../../../nodes/logic/rowCount/koreanHolidays';
import { prng } from '../../support/prng';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const off = (d: string) => [0, 6].includes(new Date(d).getUTCDay()) || isKoreanHoliday(d);

/** Cumulative counts from a growth function over `days` days ending on `end`. */
function history(end: string, days: number, growth: (date: string, i: number) => number): HistoryPoint[] {
	const out: HistoryPoint[] = [];
	let rows = 5_000_000;
	const endMs = Date.parse(end);
	for (let k = days - 1; k >= 0; k--) {
		const date = iso(endMs - k * DAY);
		rows += Math.round(growth(date, days - 1 - k));
		out.push({ date, rows });
	}
	return out;
}

/** A business-day table: 24,000 a weekday (+-6 %), Mondays 38,000, a weekend/holiday trickle with zeros, catch-up after weekday holidays. */
function businessTable(end: string, days = 120, seed = 11): HistoryPoint[] {
	const rand = prng(seed);
	const noise = () => 1 + 0.06 * (rand() + rand() + rand() - 1.5) * 2;
	return history(end, days, (date) => {
		if (off(date)) return rand() < 0.35 ? 0 : Math.round(600 * rand() * rand());
		const usual = new Date(date).getUTCDay() === 1 ? 38_000 : 24_000;
		let catchUp = 0;
		for (let d = Date.parse(date) - DAY; off(iso(d)); d -= DAY) if (![0, 6].includes(new Date(d).getUTCDay())) catchUp += 0.6 * 24_000;
		return (usual + catchUp) * noise();
	});
}

const judgeOn = (points: HistoryPoint[], date: string, growth: number, rules: Partial<TableRules> = {}) => {
	const before = points.filter((p) => p.date < date);
	return judgeTable({ table: 't', rows: before[before.length - 1].rows + growth, measuredAt: date, history: before }, { ...DEFAULT_RULES, cadence: 'regular_holiday', ...rules });
};

describe('business-day tables (regular_holiday)', () => {
	const h = businessTable('2026-10-31');
	it('a weekend trickle is judged on its own scale: zero and a few hundred rows are green, a weekday-sized load is red', () => {
		expect(judgeOn(h, '2026-10-24', 0).light).toBe('green'); // Saturday
		expect(judgeOn(h, '2026-10-25', 450).light).toBe('green'); // Sunday
		expect(judgeOn(h, '2026-10-24', 24_000)).toMatchObject({ light: 'red', reason: { code: 'spike' } });
	});
	it('every ordinary weekend and weekday of the clean table is green (no false alarm)', () => {
		const lights: string[] = [];
		for (let i = h.length - 40; i < h.length; i++) lights.push(judgeTable({ table: 't', rows: h[i].rows, measuredAt: h[i].date, history: h.slice(0, i) }, { ...DEFAULT_RULES, cadence: 'regular_holiday' }).light);
		expect(lights.filter((l) => l === 'red')).toEqual([]);
	});
	it('the first working day after Chuseok, and after a substitute holiday, may carry the backlog', () => {
		// Chuseok 2026: Thu 24 - Sat 26 September; the Monday after carries Thursday's and Friday's loads
		const mon = judgeOn(h, '2026-09-28', 55_273);
		expect(mon).toMatchObject({ light: 'green', reason: { code: 'catch_up' } });
		expect(mon.reason.text).toContain('2026-09-24, 2026-09-25');
		// Gaecheonjeol on Saturday 3 October, substitute Monday 5 October: the Tuesday carries Monday's load too
		expect(judgeOn(h, '2026-10-06', 60_000)).toMatchObject({ light: 'green', reason: { code: 'catch_up' } });
		// but a catch-up day with nothing loaded is red
		expect(judgeOn(h, '2026-10-06', 0).light).toBe('red');
	});
	it('holiday lows are never drops', () => {
		expect(judgeOn(h, '2026-09-24', 0)).toMatchObject({ light: 'green', reason: { code: 'holiday' } });
		expect(judgeOn(h, '2026-07-17', 0)).toMatchObject({ light: 'green', reason: { code: 'holiday' } }); // 제헌절
	});
	it('catch-up days do not train the ordinary baseline: an ordinary Monday after Chuseok is judged against ordinary Mondays', () => {
		const r = judgeOn(h, '2026-10-19', 38_000);
		expect(r.light).toBe('green');
		expect(r.reason.text).toMatch(/usual for this weekday 3[6-9],\d{3}/);
	});
	it('a -70 % drop on a weekday of a steady table is red', () => {
		expect(judgeOn(h, '2026-10-21', 7_200)).toMatchObject({ light: 'red', reason: { code: 'drop' } });
		expect(judgeOn(h, '2026-10-21', 0)).toMatchObject({ light: 'red', reason: { code: 'zero_growth' } });
	});
});

describe('regular tables: trend, level shifts, calibration', () => {
	it('steady growth of 1 % a day is not a spike', () => {
		const rand = prng(3);
		const h = history('2026-10-31', 150, (_, i) => 10_000 * Math.exp(0.01 * i) * (1 + 0.05 * (rand() - 0.5) * 2));
		for (let i = h.length - 30; i < h.length; i++) {
			const r = judgeTable({ table: 't', rows: h[i].rows, measuredAt: h[i].date, history: h.slice(0, i) }, DEFAULT_RULES);
			expect(r.light).not.toBe('red');
		}
	});
	it('a lasting step is alarmed once, then learnt', () => {
		const rand = prng(5);
		const stepAt = 100;
		const h = history('2026-10-31', 150, (_, i) => (i >= stepAt ? 25_000 : 10_000) * (1 + 0.05 * (rand() - 0.5) * 2));
		const lights = [];
		for (let i = stepAt; i < h.length; i++) lights.push(judgeTable({ table: 't', rows: h[i].rows, measuredAt: h[i].date, history: h.slice(0, i) }, DEFAULT_RULES).light);
		expect(lights[0]).toBe('red');
		expect(lights.slice(1).filter((l) => l === 'red')).toEqual([]);
	});
	it('a history with gaps is judged on what exists and says so', () => {
		const h = history('2026-10-30', 60, () => 1000).filter((p) => !['2026-10-10', '2026-10-11'].includes(p.date));
		const r = judgeTable({ table: 't', rows: h[h.length - 1].rows + 1000, measuredAt: '2026-10-31', history: h }, DEFAULT_RULES);
		expect(r.light).toBe('green');
		expect(r.reason.text).toMatch(/history has 2 missing day\(s\)/);
		// yesterday missing: the growth over two days is judged against two days
		const noYesterday = h.filter((p) => p.date !== '2026-10-30');
		const two = judgeTable({ table: 't', rows: noYesterday[noYesterday.length - 1].rows + 2000, measuredAt: '2026-10-31', history: noYesterday }, DEFAULT_RULES);
		expect(two.light).toBe('green');
		expect(two.reason.text).toMatch(/no count for the 1 day\(s\) before/);
		const half = judgeTable({ table: 't', rows: noYesterday[noYesterday.length - 1].rows + 1000, measuredAt: '2026-10-31', history: noYesterday }, DEFAULT_RULES);
		expect(half.light).toBe('red');
	});
});

describe('monthly loads across month ends', () => {
	// due on the 28th; the August load never arrives
	const h = history('2026-09-30', 240, (date) => (date.endsWith('-28') && !date.startsWith('2026-08') ? 500_000 : 0));
	const on = (date: string, growth = 0) => {
		const before = h.filter((p) => p.date < date);
		return judgeTable({ table: 'm', rows: before[before.length - 1].rows + growth, measuredAt: date, history: before }, { ...DEFAULT_RULES, cadence: 'monthly' });
	};
	it('stays red from the due day + grace into the next month until a load arrives', () => {
		expect(on('2026-08-28').light).toBe('green'); // due today (a Friday)
		expect(on('2026-09-01').light).toBe('green'); // the second working day of grace
		expect(on('2026-09-02')).toMatchObject({ light: 'red', reason: { code: 'monthly_missing' } });
		expect(on('2026-09-03')).toMatchObject({ light: 'red', reason: { code: 'monthly_missing' } });
		expect(on('2026-09-15').light).toBe('red');
		expect(on('2026-09-28', 480_000)).toMatchObject({ light: 'green', reason: { code: 'monthly_loaded' } });
		expect(on('2026-09-29').light).toBe('green');
	});
	it('learns a due day at the month end from loads that slip into the next month', () => {
		const slip = history('2026-10-20', 240, (date) => (['2026-03-31', '2026-04-30', '2026-06-01', '2026-06-30', '2026-07-31', '2026-09-01', '2026-09-30'].includes(date) ? 300_000 : 0));
		const before = slip.filter((p) => p.date < '2026-10-06');
		const r = judgeTable({ table: 'm', rows: before[before.length - 1].rows, measuredAt: '2026-10-06', history: before }, { ...DEFAULT_RULES, cadence: 'monthly' });
		expect(r).toMatchObject({ light: 'green', reason: { code: 'monthly_waiting' } });
		expect(r.reason.text).toContain('last day of the month');
	});
});

describe('annotations and mute (logic only)', () => {
	const rand = prng(9);
	// a five-week backfill that ended a week ago
	const h = history('2026-10-30', 90, (date) => (date >= '2026-09-17' && date <= '2026-10-22' ? 60_000 : 10_000 * (1 + 0.05 * (rand() - 0.5) * 2)));
	const last = h[h.length - 1].rows;
	it('an annotated backfill leaves training; without it the backfill days are part of the profile', () => {
		const rules = { ...DEFAULT_RULES, annotations: checkAnnotations([{ from: '2026-09-17', to: '2026-10-22', kind: 'backfill', note: 'reload of Q3' }], 'Asia/Seoul') };
		const r = judgeTable({ table: 't', rows: last + 10_000, measuredAt: '2026-10-31', history: h }, rules);
		expect(r.light).toBe('green');
		expect(r.expectedHigh!).toBeLessThan(15_000);
		const without = judgeTable({ table: 't', rows: last + 10_000, measuredAt: '2026-10-31', history: h }, DEFAULT_RULES);
		expect(without.expectedHigh!).toBeGreaterThan(30_000);
	});
	it('an expected day is not alarmed, and says why', () => {
		const rules = { ...DEFAULT_RULES, annotations: checkAnnotations([{ from: '2026-10-31', kind: 'expected', note: 'migration' }], 'Asia/Seoul') };
		const r = judgeTable({ table: 't', rows: last, measuredAt: '2026-10-31', history: h }, rules);
		expect(r).toMatchObject({ light: 'green', reason: { code: 'expected' } });
		expect(r.reason.text).toMatch(/^Expected \(migration\): No new rows/);
	});
	it('a muted table is not alarmed until the date given, then is', () => {
		const muted = judgeTable({ table: 't', rows: last, measuredAt: '2026-10-31', history: h }, { ...DEFAULT_RULES, muteUntil: '2026-10-31' });
		expect(muted).toMatchObject({ light: 'green', reason: { code: 'muted' } });
		expect(judgeTable({ table: 't', rows: last, measuredAt: '2026-10-31', history: h }, { ...DEFAULT_RULES, muteUntil: '2026-10-30' }).light).toBe('red');
	});
	it.each([
		['not a list', /annotations is not a list/],
		[[{ from: '2026-10-02', to: '2026-10-01', kind: 'incident' }], /annotations\[0\]\.to is before from \(2026-10-02\): "2026-10-01"/],
		[[{ from: '2026-10-02', kind: 'holiday' }], /annotations\[0\]\.kind is not an annotation kind: "holiday"/],
		[[{ from: 'yesterday', kind: 'incident' }], /annotations\[0\]\.from is not a date: "yesterday"/],
	])('bad annotations %j', (raw, message) => expect(() => checkAnnotations(raw, 'Asia/Seoul')).toThrow(message));
	it('reads annotations and muteUntil from an item, naming the field of a bad one', () => {
		const fields = { table: 'table', rows: 'rows', measuredAt: 'measuredAt', history: 'history', cadence: 'cadence' };
		const rules = rulesFor({ annotations: [{ from: '2026-10-01', kind: 'incident' }], muteUntil: '2026-11-02' }, DEFAULT_RULES, fields);
		expect(rules.annotations).toEqual([{ from: '2026-10-01', to: '2026-10-01', kind: 'incident' }]);
		expect(rules.muteUntil).toBe('2026-11-02');
		expect(() => rulesFor({ muteUntil: 'soon' }, DEFAULT_RULES, fields)).toThrow(/muteUntil is not a date: "soon"/);
	});
});

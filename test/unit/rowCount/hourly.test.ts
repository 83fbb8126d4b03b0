import { BusinessCalendar, dayNumber } from '../../../nodes/logic/rowCount/calendar';
import { chooseProfile, judgeHourKeys, judgeHourly, withHourly } from '../../../nodes/logic/rowCount/hourly';
import type { HourlyRules } from '../../../nodes/logic/rowCount/hourly';
import type { RowCountItem } from '../../../nodes/logic/shared/items';

const cal = new BusinessCalendar(new Set());
const rules: HourlyRules = { hours: 6, settleMinutes: 120, warnScore: 4, failScore: 6, minAbsChange: 10, holidayAffected: false, cal };
const day0 = dayNumber('2026-11-02'); // a Monday
/** a stream of ~1000 rows an hour, a little noise, for 3 weeks before `now` */
const stream = (now: number, overrides: Record<number, number> = {}) => (k: number) => (k >= now ? 0 : (overrides[now - k] ?? 1000 + ((k * 37) % 11) * 6));

describe('hourly loads', () => {
	const now = (day0 + 21) * 24 + 10; // 10:05 on a Monday
	it('a missing or dropped settled hour is red, a spike too; a normal hour green', () => {
		const r = judgeHourKeys(stream(now, { 4: 0 }), now, 5, (day0) * 24, rules);
		expect(r.light).toBe('red');
		expect(r.reason.code).toBe('hour_missing');
		expect(r.hours.find((h) => h.code === 'hour_missing')?.hour).toBe('2026-11-23T06:00');
		expect(judgeHourKeys(stream(now, { 3: 300 }), now, 5, day0 * 24, rules).reason.code).toBe('hour_drop');
		expect(judgeHourKeys(stream(now, { 5: 5000 }), now, 5, day0 * 24, rules).reason.code).toBe('hour_spike');
		expect(judgeHourKeys(stream(now), now, 5, day0 * 24, rules)).toMatchObject({ light: 'green', reason: { code: 'hours_normal' } });
	});
	it('late rows: a low count of an hour still settling is not a drop, once settled it is', () => {
		const settling = judgeHourKeys(stream(now, { 1: 300, 2: 500 }), now, 5, day0 * 24, rules);
		expect(settling.light).toBe('green');
		expect(settling.hours.slice(-2).map((h) => h.code)).toEqual(['settling', 'settling']);
		// the same counts with no settle time are drops: the settle time is what keeps them green
		expect(judgeHourKeys(stream(now, { 1: 300, 2: 500 }), now, 5, day0 * 24, { ...rules, settleMinutes: 0 }).light).toBe('red');
		// a spike is a spike even while settling (late rows only add)
		expect(judgeHourKeys(stream(now, { 1: 5000 }), now, 5, day0 * 24, rules).reason.code).toBe('hour_spike');
	});
	it('grey without 3 earlier same hours; a zero in an hour whose history has zeros is green', () => {
		expect(judgeHourKeys(stream(now), now, 5, now - 30, rules).light).toBe('grey');
		const night = (k: number) => (k >= now ? 0 : (k % 24) < 6 ? 0 : 500);
		expect(judgeHourKeys(night, (day0 + 21) * 24 + 7, 5, day0 * 24, rules).light).toBe('green');
	});
	it('a business table compares a holiday with days off; the weekly profile is chosen for a weekly pattern', () => {
		// Chuseok 2026-09-25 (Fri): an office table loads 10 % on days off
		const start = dayNumber('2026-08-03') * 24;
		const office = (k: number) => (cal.isOff(Math.floor(k / 24)) ? 100 : 1000) + ((k * 13) % 7);
		const at = dayNumber('2026-09-25') * 24 + 16;
		expect(judgeHourKeys(office, at, 5, start, { ...rules, holidayAffected: true }).light).toBe('green');
		expect(judgeHourKeys(office, at, 5, start, { ...rules, holidayAffected: false }).light).toBe('red');
		const weekend = (k: number) => (cal.isOff(Math.floor(k / 24)) && Math.floor(k / 24) % 7 >= 2 && Math.floor(k / 24) % 7 <= 3 ? 3000 : 1000) + ((k * 13) % 7);
		expect(chooseProfile(weekend, at - 3, start, cal)).toBe('weekly');
		expect(chooseProfile(office, at - 3, start, cal, true)).toBe('business');
	});
	it('reads [{hour, rows}] items in the zone; bad input names the field and value; mute quiets it', () => {
		const items = Array.from({ length: 21 * 24 }, (_, i) => ({ hour: new Date(Date.UTC(2026, 10, 2, 0) + i * 3600_000 - 9 * 3600_000).toISOString(), rows: i === 21 * 24 - 4 ? 0 : 1000 }));
		const r = judgeHourly(items, '2026-11-23T00:05:00+09:00', rules, 'Asia/Seoul');
		expect(r).toMatchObject({ light: 'red', reason: { code: 'hour_missing' } });
		expect(r.hours.find((h) => h.light === 'red')?.hour).toBe('2026-11-22T20:00');
		expect(() => judgeHourly([{ hour: 'noon', rows: 1 }], '2026-11-23T00:05:00+09:00', rules, 'Asia/Seoul')).toThrow(/hourly\[0\]\.hour is not an ISO-8601 hour: "noon"/);
		expect(() => judgeHourly([{ hour: '2026-11-22T20:00:00', rows: -1 }], '2026-11-23T00:05:00+09:00', rules, 'Asia/Seoul')).toThrow(/hourly\[0\]\.rows is not a non-negative row count: -1/);
		expect(() => judgeHourly('x', '2026-11-23T00:05:00+09:00', rules, 'Asia/Seoul')).toThrow(/hourly is not a list/);
		expect(() => judgeHourly([], '2026-11-23T00:05:00+09:00', { ...rules, hours: 0 }, 'Asia/Seoul')).toThrow(/hourlyHours is not a whole number of hours from 1 to 168: 0/);
		const item: RowCountItem = { table: 't', measuredAt: '', rows: 1, delta: 1, expectedLow: 0, expectedHigh: 2, score: 0, light: 'green', reason: { code: 'normal', light: 'green', text: 'ok' }, cadence: 'regular', trend: [] };
		expect(withHourly(item, r, { date: '2026-11-23' })).toMatchObject({ light: 'red', reason: { code: 'hour_missing' }, volume: { light: 'green' } });
		expect(withHourly(item, r, { date: '2026-11-23', muteUntil: '2026-11-23' })).toMatchObject({ light: 'green', hourly: { reason: { code: 'muted' } } });
	});
});

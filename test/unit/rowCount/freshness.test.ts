import { judgeFreshness, learnAllowedLag, withFreshness } from '../../../nodes/logic/rowCount/freshness';
import { allowedLagFor, judgesFreshness, lagsOf } from '../../../nodes/logic/rowCount/tableInput';
import type { RowCountItem } from '../../../nodes/logic/shared/items';

const at = '2026-11-20T10:00:00+09:00';
describe('freshness', () => {
	it('red when the lag exceeds the configured allowed lag, yellow near it, green under', () => {
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T08:00:00+09:00', checkedAt: at, allowedLagMinutes: 90 }, 'Asia/Seoul')).toMatchObject({ light: 'red', lagMinutes: 120, reason: { code: 'stale' } });
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T08:50:00+09:00', checkedAt: at, allowedLagMinutes: 90 }, 'Asia/Seoul').light).toBe('yellow');
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T09:30:00+09:00', checkedAt: at, allowedLagMinutes: 90 }, 'Asia/Seoul').light).toBe('green');
	});
	it('reads timestamps without an offset in the zone given', () => {
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T09:00:00', checkedAt: at, allowedLagMinutes: 30 }, 'Asia/Seoul')).toMatchObject({ lagMinutes: 60, light: 'red' });
	});
	it('learns the allowed lag from earlier lags, grey before', () => {
		const lags = [20, 25, 22, 30, 18, 24, 26, 21, 28, 23];
		expect(learnAllowedLag(lags)).toBeCloseTo(45.74, 2); // median 23.5 + 6 x 3.7 (over 1.5 x p95 = 45)
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T09:30:00+09:00', checkedAt: at, lagHistory: lags }, 'Asia/Seoul')).toMatchObject({ light: 'green', learnt: true });
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T08:30:00+09:00', checkedAt: at, lagHistory: lags }, 'Asia/Seoul')).toMatchObject({ light: 'red', learnt: true });
		expect(judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T08:30:00+09:00', checkedAt: at, lagHistory: lags.slice(0, 3) }, 'Asia/Seoul').light).toBe('grey');
	});
	it('an empty table is red; bad input names the field and value', () => {
		expect(judgeFreshness({ table: 't', maxTimestamp: null, checkedAt: at, allowedLagMinutes: 60 }, 'Asia/Seoul')).toMatchObject({ light: 'red', reason: { code: 'no_rows' } });
		expect(() => judgeFreshness({ table: 't', maxTimestamp: 'noon', checkedAt: at }, 'Asia/Seoul')).toThrow(/maxTimestamp is not an ISO-8601 date-time: "noon"/);
		expect(() => judgeFreshness({ table: 't', maxTimestamp: at, checkedAt: at, allowedLagMinutes: -5 }, 'Asia/Seoul')).toThrow(/allowedLagMinutes is not a positive number of minutes: -5/);
		expect(() => judgeFreshness({ table: 't', maxTimestamp: at, checkedAt: at, lagHistory: [1, Number.NaN] }, 'Asia/Seoul')).toThrow(/lagHistory\[1\]/);
	});

	const volume = (light: RowCountItem['light'], code = 'within_range'): RowCountItem => ({
		table: 't', measuredAt: at, rows: 100, delta: 10, expectedLow: 5, expectedHigh: 15, score: 0.2, light, reason: { code, light, text: `volume ${code}` }, cadence: 'regular', trend: [10],
	});
	const stale = judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T06:00:00+09:00', checkedAt: at, allowedLagMinutes: 60 }, 'Asia/Seoul');
	it('a stale table turns a green volume verdict red; the volume verdict is kept', () => {
		const item = withFreshness(volume('green'), stale, '2026-11-20T06:00:00+09:00', { date: '2026-11-20' });
		expect(item).toMatchObject({ light: 'red', reason: { code: 'stale', light: 'red' }, lagMinutes: 240, allowedLagMinutes: 60, latestAt: '2026-11-20T06:00:00+09:00', volume: { light: 'green' } });
		expect(item.freshness.reason.text).toContain('4.0 h old');
	});
	it('a red volume verdict stays; a worse freshness verdict names both', () => {
		expect(withFreshness(volume('red', 'drop'), stale, null, { date: '2026-11-20' })).toMatchObject({ light: 'red', reason: { code: 'drop' }, freshness: { light: 'red' } });
		const both = withFreshness(volume('yellow', 'drop'), stale, null, { date: '2026-11-20' });
		expect(both).toMatchObject({ light: 'red', reason: { code: 'stale' } });
		expect(both.reason.text).toContain('; rows: volume drop');
	});
	it('grey freshness (allowed lag not learnt yet) never greys a judged volume', () => {
		const grey = judgeFreshness({ table: 't', maxTimestamp: '2026-11-20T06:00:00+09:00', checkedAt: at }, 'Asia/Seoul');
		expect(withFreshness(volume('green'), grey, null, { date: '2026-11-20' })).toMatchObject({ light: 'green', reason: { code: 'within_range' }, freshness: { light: 'grey' } });
	});
	it('mute and expected annotations quiet freshness too', () => {
		expect(withFreshness(volume('green'), stale, null, { date: '2026-11-20', muteUntil: '2026-11-20' })).toMatchObject({ light: 'green', freshness: { light: 'green', reason: { code: 'muted' } } });
		expect(withFreshness(volume('green'), stale, null, { date: '2026-11-20', muteUntil: '2026-11-19' }).light).toBe('red');
		expect(withFreshness(volume('green'), stale, null, { date: '2026-11-20', expectedNote: 'load moved' }).freshness.reason.text).toContain('Expected (load moved)');
	});
	it('which items are judged, the configured lag and earlier lags', () => {
		expect(judgesFreshness({ timestampColumn: null, latestAt: null }, 'latestAt')).toBe(false);
		expect(judgesFreshness({ timestampColumn: 'loaded_at', latestAt: null }, 'latestAt')).toBe(true);
		expect(judgesFreshness({ latestAt: null }, 'latestAt')).toBe(true);
		expect(judgesFreshness({ rows: 1 }, 'latestAt')).toBe(false);
		expect(allowedLagFor({}, 0)).toBeUndefined();
		expect(allowedLagFor({}, 90)).toBe(90);
		expect(allowedLagFor({ maxLagMinutes: 30 }, 90)).toBe(30);
		expect(() => allowedLagFor({ maxLagMinutes: 'soon' }, 0)).toThrow(/maxLagMinutes is not a positive number of minutes: "soon"/);
		expect(lagsOf([{ lagMinutes: 5 }, { lagMinutes: null }, { lag_minutes: '7.5' }], 'history')).toEqual([5, 7.5]);
		expect(() => lagsOf([{ lagMinutes: 'x' }], 'history')).toThrow(/history\[0\]\.lagMinutes/);
	});
});

import { judgeFreshness, learnAllowedLag } from '../../../nodes/logic/rowCount/freshness';

const at = '2026-11-20T10:00:00+09:00';
describe('freshness (logic only)', () => {
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
});

/**
 * The weekly reliability figures of the fixture fortnight (test/support/reliability/week.ts),
 * worked out by hand below. The real-n8n test (test/real/respond.test.ts) expects the same
 * figures from the workflow, so these literals are the one hand computation both check against.
 */
import { weeklyPage, weeklyRows } from '../../../nodes/logic/reliability/render';
import { dueOf, weeklyReliability } from '../../../nodes/logic/reliability/weekly';
import type { WeekInput } from '../../../nodes/logic/reliability/weekly';
import { ANNOTATIONS, FAILURES, PIPELINES, ROW_COUNTS, RUNS, TABLES, WEEK, ZONE } from '../../support/reliability/week';

/**
 * HAND COMPUTATION (week 2026-11-16 .. 11-22 KST, previous week 11-09 .. 11-15)
 *
 * orders_daily (cron 0 6 * * * KST, deadline 07:00):
 *   runs in the week (by end): 16 ok 06:20, 17 FAIL 06:30, 17 manual ok 07:30, 18 ok 06:25,
 *   19 FAIL 06:40, 20 ok 06:20, 21 ok 06:50, 22 ok 07:10  -> 8 runs, 6 ok, 2 failed
 *   success rate 6/8 = 75 %
 *   on time: 7 ticks (06:00 on 16..22), due 07:00 the same day:
 *     16 yes (06:20), 17 no (ok only at 07:30), 18 yes, 19 no, 20 yes, 21 yes (06:50), 22 no (07:10)
 *     -> 4/7 = 57.14 %
 *   acknowledge: o17 06:30 -> 06:42 = 12 min; o19 06:40 -> 07:10 = 30 min; o19b is a grouped
 *     repeat (shares o19's acknowledgement) -> MTTA (12 + 30) / 2 = 21 min, 0 unacknowledged
 *   recover: 17 06:30 -> 17 07:30 = 60 min; 19 06:40 -> 20 06:20 = 23 h 40 min = 1420 min
 *     -> MTTR (60 + 1420) / 2 = 740 min
 *   recurring: fp2:orders-keyerror x3 (o17, o19, o19b), latest summary "KeyError: 'order_date' in load_items"
 *   noisy tables: shop.orders 2 alarm days (17 red, 19 yellow; 18 green and 10 last week do not
 *     count), shop.order_items 1 (21 red); expected: shop.orders 11-20 "planned migration"
 *     (the incident annotation and the expected one from 11-02 do not count)
 *   week before: 7 runs, all ok at 06:20 -> 100 %, on time 7/7; no failures: MTTA, MTTR none
 *   change: success 75 - 100 = -25 pp; on time 57.14 - 100 = -42.86 -> -42.9 pp; failures +2
 *
 * crm_sync (n8n, no schedule):
 *   runs in the week: 911 ok, 912 ok, 913 FAIL (11-18 02:10), 914 ok (11-19 02:05), 915 FAIL (11-20 02:12)
 *     -> 5 runs, 3 ok: 60 %; on time: no schedule -> none
 *   acknowledge: 913 never -> 1 unacknowledged; 915 02:12 -> 03:12 = 60 min -> MTTA 60 min
 *   recover: 913 -> 914: 11-18 02:10 -> 11-19 02:05 = 1435 min; 915: no later success -> 1 not recovered
 *     -> MTTR 1435 min
 *   recurring: fp2:crm-timeout x2 in the week (901 was the week before), latest "CRM API timed out (504)"
 *   week before: 901 FAIL 11-12 02:05, 902 ok 11-13 02:05 -> 2 runs, 50 %; MTTA 120 min (02:05 -> 04:05);
 *     MTTR 1440 min
 *   change: success 60 - 50 = +10 pp; MTTA 60 - 120 = -60 min; MTTR 1435 - 1440 = -5 min; failures 2 - 1 = +1
 *
 * all pipelines: runs 8 + 5 = 13, ok 6 + 3 = 9 -> 69.23 %; on time 4/7 = 57.14 %;
 *   MTTA (12 + 30 + 60) / 3 = 34 min, 1 unacknowledged; MTTR (60 + 1420 + 1435) / 3 = 971.67 -> 971.7 min, 1 not recovered
 *   week before: 9 runs, 8 ok -> 88.89 %; on time 7/7; MTTA 120; MTTR 1440
 *   change: 69.23 - 88.89 = -19.66 -> -19.7 pp; -42.9 pp; MTTA 34 - 120 = -86 min; MTTR 971.7 - 1440 = -468.3 min; failures 4 - 1 = +3
 */
export const EXPECTED = {
	orders_daily: {
		current: { runs: 8, successes: 6, failures: 2, successRate: 0.75, ticks: 7, onTime: 4, acknowledged: 2, unacknowledged: 0, mttaMin: 21, recovered: 2, unrecovered: 0, mttrMin: 740 },
		previous: { runs: 7, successes: 7, failures: 0, successRate: 1, ticks: 7, onTime: 7, acknowledged: 0, unacknowledged: 0, mttaMin: null, recovered: 0, unrecovered: 0, mttrMin: null },
		change: { successRate: -25, onTimeRate: -42.9, mttaMin: null, mttrMin: null, failures: 2 },
		recurring: [{ fingerprint: 'fp2:orders-keyerror', count: 3, summary: "KeyError: 'order_date' in load_items" }],
		noisyTables: [
			{ table: 'shop.orders', alarmDays: 2 },
			{ table: 'shop.order_items', alarmDays: 1 },
		],
		expectedAlarms: [{ table: 'shop.orders', from: '2026-11-20', to: '2026-11-20', note: 'planned migration' }],
	},
	crm_sync: {
		current: { runs: 5, successes: 3, failures: 2, successRate: 0.6, ticks: 0, onTime: 0, onTimeRate: null, acknowledged: 1, unacknowledged: 1, mttaMin: 60, recovered: 1, unrecovered: 1, mttrMin: 1435 },
		previous: { runs: 2, successes: 1, failures: 1, successRate: 0.5, acknowledged: 1, unacknowledged: 0, mttaMin: 120, recovered: 1, unrecovered: 0, mttrMin: 1440 },
		change: { successRate: 10, onTimeRate: null, mttaMin: -60, mttrMin: -5, failures: 1 },
		recurring: [{ fingerprint: 'fp2:crm-timeout', count: 2, summary: 'CRM API timed out (504)' }],
		noisyTables: [],
		expectedAlarms: [],
	},
	total: {
		current: { runs: 13, successes: 9, failures: 4, ticks: 7, onTime: 4, acknowledged: 3, unacknowledged: 1, mttaMin: 34, recovered: 3, unrecovered: 1, mttrMin: 971.7 },
		previous: { runs: 9, successes: 8, failures: 1, ticks: 7, onTime: 7, mttaMin: 120, mttrMin: 1440 },
		change: { successRate: -19.7, onTimeRate: -42.9, mttaMin: -86, mttrMin: -468.3, failures: 3 },
	},
};

/** The fixture as the workflow's "Load the week" query hands it to the node. */
export function fixtureInput(): WeekInput {
	const pipelineOf = (table: string) => TABLES.find((t) => t.table === table)?.pipeline ?? null;
	return {
		...WEEK,
		asOf: '2026-11-30T09:00:00+09:00',
		timezone: ZONE,
		pipelines: PIPELINES.map((p) => ({ pipeline: p.pipeline, owner: p.owner, schedule: p.service === 'airflow' ? p.schedule : null, timezone: p.timezone, deadline: p.deadline })),
		runs: RUNS.map(({ pipeline, runId, outcome, endedAt }) => ({ pipeline, runId, outcome, endedAt })),
		failures: FAILURES.map((f, i) => ({ pipeline: f.pipeline, id: i + 1, receivedAt: f.receivedAt, acknowledgedAt: f.acknowledgedAt, fingerprint: f.fingerprint, summary: f.summary, groupedInto: f.groupedInto ? FAILURES.findIndex((g) => g.key === f.groupedInto) + 1 : null })),
		tableAlarms: ROW_COUNTS.map((r) => ({ ...r, pipeline: pipelineOf(r.table) })),
		expectedAlarms: ANNOTATIONS.filter((a) => a.kind === 'expected').map((a) => ({ table: a.table, pipeline: pipelineOf(a.table), from: a.from, to: a.to, note: a.note })),
	};
}

describe('weekly reliability report (pure module)', () => {
	const report = weeklyReliability(fixtureInput());
	const of = (name: string) => report.pipelines.find((p) => p.pipeline === name)!;

	it('matches the hand computation per pipeline', () => {
		for (const name of ['orders_daily', 'crm_sync'] as const) {
			const p = of(name);
			expect(p.current).toMatchObject(EXPECTED[name].current);
			expect(p.previous).toMatchObject(EXPECTED[name].previous);
			expect(p.change).toEqual(EXPECTED[name].change);
			expect(p.recurring).toEqual(EXPECTED[name].recurring);
			expect(p.noisyTables).toEqual(EXPECTED[name].noisyTables);
			expect(p.expectedAlarms).toEqual(EXPECTED[name].expectedAlarms);
		}
		expect(of('orders_daily').current.onTimeRate).toBeCloseTo(4 / 7, 10);
		expect(of('orders_daily').owner).toBe('kim@example.com');
	});

	it('matches the hand computation for all pipelines together', () => {
		expect(report.total.current).toMatchObject(EXPECTED.total.current);
		expect(report.total.current.successRate).toBeCloseTo(9 / 13, 10);
		expect(report.total.previous).toMatchObject(EXPECTED.total.previous);
		expect(report.total.change).toEqual(EXPECTED.total.change);
		expect(report.weekStart).toBe('2026-11-15T15:00:00.000Z');
	});

	it('a tick is judged only once its due time passed', () => {
		const early = weeklyReliability({ ...fixtureInput(), asOf: '2026-11-22T06:59:00+09:00' });
		// the 11-22 tick is due 07:00: not judged yet, so 6 ticks, 4 on time
		expect(early.pipelines[0].current).toMatchObject({ ticks: 6, onTime: 4 });
	});

	it('the deadline is on the tick\'s local day, or the next day when it is earlier than the tick; without one, the next tick', () => {
		const tick = Date.parse('2026-11-16T22:00:00+09:00');
		expect(new Date(dueOf(tick, { pipeline: 'x', deadline: '07:00' }, ZONE, 0)).toISOString()).toBe('2026-11-16T22:00:00.000Z'); // 11-17 07:00 KST
		expect(dueOf(tick, { pipeline: 'x' }, ZONE, 123)).toBe(123);
		expect(() => dueOf(tick, { pipeline: 'x', deadline: '7h' }, ZONE, 0)).toThrow(/pipelines\[x\]\.deadline is not HH:MM: "7h"/);
	});

	it('refuses bad input naming the field', () => {
		expect(() => weeklyReliability({ ...fixtureInput(), weekStart: 'last monday' })).toThrow(/weekStart is not an ISO-8601 date-time: "last monday"/);
		expect(() => weeklyReliability({ ...fixtureInput(), timezone: 'Mars/Base' })).toThrow(/timezone/);
		expect(() => weeklyReliability({ ...fixtureInput(), previousStart: WEEK.weekEnd })).toThrow(/weekStart is not between previousStart and weekEnd/);
	});

	it('renders rows for Teams (ko and en) and the status-page tab with every value escaped', () => {
		const ko = weeklyRows(report, 'ko');
		expect(ko[0]).toMatchObject({ pipeline: '전체', successRate: '69.2% (▼19.7pp)' });
		expect(ko[1]).toMatchObject({ light: 'red', pipeline: 'orders_daily', successRate: '75% (▼25pp)', onTime: '57.1% (4/7) (▼42.9pp)', mtta: '21분', mttr: '12.3시간' });
		const en = weeklyRows(report, 'en');
		expect(en[2]).toMatchObject({ light: 'red', pipeline: 'crm_sync', successRate: '60% (▲10pp)', onTime: '—', mtta: '60 min (▼60min), 1 unacknowledged', mttr: '23.9 h (▼5min), 1 not recovered', failures: '2/5 (▲1)' });
		expect(en[1].tables).toBe('shop.orders 2d · shop.order_items 1d · Expected alarms: shop.orders 11-20~11-20 (planned migration)');
		expect(en[1].recurring).toBe("×3 KeyError: 'order_date' in load_items");
		const evil = weeklyReliability({ ...fixtureInput(), pipelines: [{ pipeline: '<script>x</script>' }] });
		const html = weeklyPage(evil, 'en', 'javascript:alert(1)');
		expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('javascript:');
		expect(weeklyPage(report, 'ko', 'https://monitor.example.com/webhook/pipeline-monitor/status')).toContain('2026-11-16 ~ 2026-11-22 (Asia/Seoul)');
	});
});

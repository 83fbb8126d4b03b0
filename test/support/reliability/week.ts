/**
 * One hand-made fortnight for the weekly reliability report (Asia/Seoul): the week reported is
 * Mon 2026-11-16 – Sun 2026-11-22, the week before it 2026-11-09 – 11-15. Two pipelines, two
 * tables, annotations. The unit test feeds these records to the pure module; the real-n8n test
 * stores them in Postgres (events, light_history, row_counts, annotations) and runs the workflow.
 * The expected figures are worked out by hand in test/unit/reliability/weekly.test.ts.
 */
export const ZONE = 'Asia/Seoul';
export const WEEK = { monday: '2026-11-16', weekStart: '2026-11-16T00:00:00+09:00', weekEnd: '2026-11-23T00:00:00+09:00', previousStart: '2026-11-09T00:00:00+09:00' };

export const PIPELINES = [
	{ pipeline: 'orders_daily', service: 'airflow', schedule: '0 6 * * *', timezone: ZONE, deadline: '07:00', owner: 'kim@example.com' },
	{ pipeline: 'crm_sync', service: 'n8n', schedule: null, timezone: ZONE, deadline: null, owner: 'lee@example.com' },
] as const;

/** Runs with their outcome and end (KST). source: 'event' = an events row (success or failure callback), 'light' = a light_history last_run. */
export interface FixtureRun {
	pipeline: string;
	runId: string;
	outcome: 'success' | 'failure';
	endedAt: string;
	source: 'event' | 'light';
}

const kst = (day: string, time: string) => `2026-${day}T${time}:00+09:00`;

export const RUNS: FixtureRun[] = [
	// orders_daily, the week before: every day 06:20, successful
	...['11-09', '11-10', '11-11', '11-12', '11-13', '11-14', '11-15'].map((d): FixtureRun => ({ pipeline: 'orders_daily', runId: `scheduled__${d}`, outcome: 'success', endedAt: kst(d, '06:20'), source: 'event' })),
	// orders_daily, the week
	{ pipeline: 'orders_daily', runId: 'scheduled__11-16', outcome: 'success', endedAt: kst('11-16', '06:20'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'scheduled__11-17', outcome: 'failure', endedAt: kst('11-17', '06:30'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'manual__11-17', outcome: 'success', endedAt: kst('11-17', '07:30'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'scheduled__11-18', outcome: 'success', endedAt: kst('11-18', '06:25'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'scheduled__11-19', outcome: 'failure', endedAt: kst('11-19', '06:40'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'scheduled__11-20', outcome: 'success', endedAt: kst('11-20', '06:20'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'scheduled__11-21', outcome: 'success', endedAt: kst('11-21', '06:50'), source: 'event' },
	{ pipeline: 'orders_daily', runId: 'scheduled__11-22', outcome: 'success', endedAt: kst('11-22', '07:10'), source: 'event' },
	// crm_sync (n8n: its successes are known from the status workflows' light history)
	{ pipeline: 'crm_sync', runId: '901', outcome: 'failure', endedAt: kst('11-12', '02:05'), source: 'event' },
	{ pipeline: 'crm_sync', runId: '902', outcome: 'success', endedAt: kst('11-13', '02:05'), source: 'light' },
	{ pipeline: 'crm_sync', runId: '911', outcome: 'success', endedAt: kst('11-16', '02:05'), source: 'light' },
	{ pipeline: 'crm_sync', runId: '912', outcome: 'success', endedAt: kst('11-17', '02:05'), source: 'light' },
	{ pipeline: 'crm_sync', runId: '913', outcome: 'failure', endedAt: kst('11-18', '02:10'), source: 'event' },
	{ pipeline: 'crm_sync', runId: '914', outcome: 'success', endedAt: kst('11-19', '02:05'), source: 'light' },
	{ pipeline: 'crm_sync', runId: '915', outcome: 'failure', endedAt: kst('11-20', '02:12'), source: 'event' },
];

/** Failure events (the failures among RUNS, plus one grouped repeat), with acknowledgements. */
export interface FixtureFailure {
	key: string;
	pipeline: string;
	runId: string;
	taskId: string;
	receivedAt: string;
	acknowledgedAt: string | null;
	fingerprint: string;
	summary: string;
	/** key of the failure this one is grouped into */
	groupedInto: string | null;
}

export const FAILURES: FixtureFailure[] = [
	{ key: 'o17', pipeline: 'orders_daily', runId: 'scheduled__11-17', taskId: 'load', receivedAt: kst('11-17', '06:30'), acknowledgedAt: kst('11-17', '06:42'), fingerprint: 'fp2:orders-keyerror', summary: "KeyError: 'order_date' in load", groupedInto: null },
	{ key: 'o19', pipeline: 'orders_daily', runId: 'scheduled__11-19', taskId: 'load', receivedAt: kst('11-19', '06:40'), acknowledgedAt: kst('11-19', '07:10'), fingerprint: 'fp2:orders-keyerror', summary: "KeyError: 'order_date' in load", groupedInto: null },
	{ key: 'o19b', pipeline: 'orders_daily', runId: 'scheduled__11-19', taskId: 'load_items', receivedAt: kst('11-19', '06:41'), acknowledgedAt: null, fingerprint: 'fp2:orders-keyerror', summary: "KeyError: 'order_date' in load_items", groupedInto: 'o19' },
	{ key: 'c901', pipeline: 'crm_sync', runId: '901', taskId: 'Upsert', receivedAt: kst('11-12', '02:05'), acknowledgedAt: kst('11-12', '04:05'), fingerprint: 'fp2:crm-timeout', summary: 'CRM API timed out', groupedInto: null },
	{ key: 'c913', pipeline: 'crm_sync', runId: '913', taskId: 'Upsert', receivedAt: kst('11-18', '02:10'), acknowledgedAt: null, fingerprint: 'fp2:crm-timeout', summary: 'CRM API timed out', groupedInto: null },
	{ key: 'c915', pipeline: 'crm_sync', runId: '915', taskId: 'Upsert', receivedAt: kst('11-20', '02:12'), acknowledgedAt: kst('11-20', '03:12'), fingerprint: 'fp2:crm-timeout', summary: 'CRM API timed out (504)', groupedInto: null },
];

export const TABLES = [
	{ table: 'shop.orders', pipeline: 'orders_daily' },
	{ table: 'shop.order_items', pipeline: 'orders_daily' },
];

/** Row-count verdicts per local day (only the ones that matter; green days are not alarms). */
export const ROW_COUNTS = [
	{ table: 'shop.orders', day: '2026-11-10', light: 'red' }, // the week before: not counted
	{ table: 'shop.orders', day: '2026-11-17', light: 'red' },
	{ table: 'shop.orders', day: '2026-11-18', light: 'green' },
	{ table: 'shop.orders', day: '2026-11-19', light: 'yellow' },
	{ table: 'shop.order_items', day: '2026-11-21', light: 'red' },
];

export const ANNOTATIONS = [
	{ table: 'shop.orders', from: '2026-11-20', to: '2026-11-20', kind: 'expected', note: 'planned migration' },
	{ table: 'shop.orders', from: '2026-11-17', to: '2026-11-17', kind: 'incident', note: 'upstream outage' },
	{ table: 'shop.order_items', from: '2026-11-02', to: '2026-11-03', kind: 'expected', note: 'long ago' },
];

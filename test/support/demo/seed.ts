/**
 * Configuration and history the demo starts with: every DAG of the Airflow simulator (plus two n8n
 * workflows) as a watched pipeline, and a small warehouse schema `demo_dw` in the monitor database
 * whose tables the row-count monitor counts, with 60 days of earlier counts so Row Count Diff has a
 * baseline. Idempotent: a second run adds nothing.
 */
import { DateTime } from 'luxon';
import type { SimDag, World } from '../airflow/world';

export interface DemoSchedule {
	cron: string;
	deadline: string;
}

/** Each DAG's daily schedule in the demo: spread over the early morning, deadline two hours later. */
export function demoSchedule(index: number): DemoSchedule {
	const hour = 1 + (index % 6);
	const minute = (index * 7) % 60;
	return { cron: `${minute} ${hour} * * *`, deadline: `${String(hour + 2).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

/**
 * Moves the simulator's runs onto each DAG's daily schedule (the generated world spaces runs
 * evenly from "now", which no cron produces), so the status report judges them as a real
 * scheduler's runs: started on the tick, usually done within the hour, some failed; the newest
 * run of a few DAGs still running or queued.
 */
export function alignRunsToSchedules(world: World, { now = Date.now(), zone = 'Asia/Seoul' } = {}): void {
	world.dags.forEach((dag, index) => {
		const { cron } = demoSchedule(index);
		dag.schedule = cron;
		const [minute, hour] = cron.split(' ').map(Number);
		const runs = world.runs.filter((r) => r.dagId === dag.dagId).sort((a, b) => b.logicalDate - a.logicalDate);
		let tick = DateTime.fromMillis(now, { zone }).startOf('day').set({ hour, minute });
		if (tick.toMillis() > now) tick = tick.minus({ days: 1 });
		runs.forEach((run, k) => {
			const at = tick.minus({ days: k }).toMillis();
			const latest = k === 0;
			const minutes = 8 + ((index * 13 + k * 5) % 35);
			world.runIndex.delete(`${run.dagId}\u0000${run.runId}`);
			run.runId = `scheduled__${new Date(at).toISOString().replace('Z', '+00:00')}`;
			run.runAfter = run.logicalDate = at;
			run.queuedAt = at - 500;
			if (run.state === 'queued' && !latest) run.state = 'success';
			if (run.state === 'running' && !latest) run.state = 'success';
			run.startDate = run.state === 'queued' ? null : at + 5_000;
			const end = (run.startDate ?? at) + minutes * 60_000;
			run.endDate = run.state === 'success' || run.state === 'failed' ? Math.min(end, now - 1_000) : null;
			run.updatedAt = run.endDate ?? run.startDate ?? at;
			world.runIndex.set(`${run.dagId}\u0000${run.runId}`, run);
		});
	});
}

/** SQL string literal (standard_conforming_strings on, as in every supported Postgres). */
export function sqlText(value: string | null | undefined): string {
	if (value === null || value === undefined) return 'NULL';
	return `'${value.replace(/'/g, "''")}'`;
}

export interface DemoTable {
	table: string;
	cadence: 'regular' | 'regular_holiday' | 'monthly' | 'irregular';
	countMode: 'exact' | 'estimate';
	pipeline: string | null;
	description: string;
	/** rows loaded on an ordinary day */
	daily: number;
	/** today's load as a share of an ordinary day (the demo's anomaly) */
	today: number;
}

export function demoTables(dags: SimDag[]): DemoTable[] {
	const dag = (i: number): string | null => dags[i % Math.max(1, dags.length)]?.dagId ?? null;
	return [
		{ table: 'demo_dw.orders', cadence: 'regular', countMode: 'exact', pipeline: dag(0), description: '주문 (orders)', daily: 1200, today: 1.02 },
		{ table: 'demo_dw.payments', cadence: 'regular', countMode: 'exact', pipeline: dag(1), description: '결제 (payments)', daily: 900, today: 0.12 },
		{ table: 'demo_dw.sessions', cadence: 'regular_holiday', countMode: 'estimate', pipeline: dag(2), description: 'web sessions', daily: 5000, today: 0.97 },
		{ table: 'demo_dw.ad_spend', cadence: 'regular', countMode: 'exact', pipeline: dag(3), description: 'ad spend import', daily: 300, today: 2.9 },
		{ table: 'demo_dw.crm_contacts', cadence: 'irregular', countMode: 'exact', pipeline: dag(4), description: 'CRM sync', daily: 150, today: 1 },
	];
}

/** Rows a table had at the end of `day` days ago (0 = today), with weekday seasonality. */
function totalRows(t: DemoTable, daysAgo: number, today: DateTime): number {
	let total = t.daily * 20;
	for (let k = 400; k >= daysAgo; k--) {
		const day = today.minus({ days: k });
		const weekend = day.weekday >= 6 ? 0.55 : 1;
		const wobble = 1 + 0.04 * Math.sin(k * 1.7);
		const share = k === 0 ? t.today : 1;
		total += Math.round(t.daily * weekend * wobble * share);
	}
	return total;
}

export function demoSeedSql(dags: SimDag[], { now = Date.now(), zone = 'Asia/Seoul' } = {}): string {
	const today = DateTime.fromMillis(now, { zone }).startOf('day');
	const sql: string[] = ['BEGIN;'];
	dags.forEach((d, index) => {
		sql.push(
			`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, deadline, expected_duration_min, owner, description, enabled)
			 VALUES (${sqlText(d.dagId)}, 'airflow', ${sqlText(d.schedule)}, ${sqlText(zone)}, ${sqlText(demoSchedule(index).deadline)}, 45, ${sqlText(d.owners[0])}, ${sqlText(d.description)}, ${!d.isPaused})
			 ON CONFLICT (pipeline) DO NOTHING;`,
		);
	});
	for (const [name, schedule] of [
		['n8n: CRM contact sync', '0 * * * *'],
		['n8n: daily KPI mail', '0 8 * * *'],
	]) {
		sql.push(
			`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, owner, description) VALUES (${sqlText(name)}, 'n8n', ${sqlText(schedule)}, ${sqlText(zone)}, 'automation', 'n8n workflow') ON CONFLICT (pipeline) DO NOTHING;`,
		);
	}
	sql.push('CREATE SCHEMA IF NOT EXISTS demo_dw;');
	for (const t of demoTables(dags)) {
		const bare = t.table.split('.')[1];
		const rowsToday = totalRows(t, 0, today);
		sql.push(
			`DO $seed$ BEGIN
			   IF to_regclass(${sqlText(t.table)}) IS NULL THEN
			     CREATE TABLE demo_dw.${bare} (id bigint PRIMARY KEY, loaded_at timestamptz NOT NULL DEFAULT now());
			     INSERT INTO demo_dw.${bare} (id) SELECT generate_series(1, ${rowsToday});
			     ANALYZE demo_dw.${bare};
			   END IF;
			 END $seed$;`,
			`INSERT INTO pipeline_monitor.monitored_tables (table_name, connection, pipeline, cadence, count_mode, description)
			 VALUES (${sqlText(t.table)}, 'default', ${sqlText(t.pipeline)}, ${sqlText(t.cadence)}, ${sqlText(t.countMode)}, ${sqlText(t.description)})
			 ON CONFLICT (table_name) DO NOTHING;`,
		);
		const history: string[] = [];
		for (let k = 60; k >= 1; k--) {
			const day = today.minus({ days: k });
			const rows = totalRows(t, k, today);
			history.push(`(${sqlText(t.table)}, ${sqlText(day.toISODate())}, ${sqlText(day.plus({ hours: 6 }).toISO())}, ${rows}, ${rows - totalRows(t, k + 1, today)}, 'green', ${sqlText(t.cadence)})`);
		}
		sql.push(
			`INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows, delta, light, cadence) VALUES ${history.join(',\n')}
			 ON CONFLICT (table_name, measured_on) DO NOTHING;`,
		);
	}
	sql.push('COMMIT;');
	return sql.join('\n');
}

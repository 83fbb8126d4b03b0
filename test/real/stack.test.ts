/**
 * The stack rig itself, and the database setup workflow: real n8n 2.x imports the credentials and
 * the setup workflow, runs it against the monitor database twice (the schema is idempotent), and
 * the version table says 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { connectMonitor, launchStack, outputOf, type Stack } from '../support/stack/launch';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;

maybe('stack rig and the set-up-database workflow in real n8n', () => {
	let stack: Stack;
	beforeAll(async () => {
		stack = await launchStack({
			workflows: ['setup-database'],
			airflow: { baseUrl: 'http://127.0.0.1:9/', apiVersion: 'v2', authType: 'none' },
			teams: { webhookUrl: 'http://127.0.0.1:9/workflows/x' },
			openai: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' },
		});
	}, 420_000);
	afterAll(async () => stack?.stop(), 120_000);

	it('runs the setup workflow twice; the schema is at version 11 with every table (versions 1 to 11 applied once each)', async () => {
		for (let i = 0; i < 2; i++) {
			const run = await stack.execute(stack.workflowIds['setup-database']);
			expect(run.result.data.resultData.error).toBeUndefined();
			expect(outputOf(run, 'Schema version')[0]).toMatchObject({ version: 11 });
		}
		const db = await connectMonitor(stack);
		try {
			const tables = await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'pipeline_monitor' ORDER BY 1");
			expect(tables.rows.map((r) => r.table_name)).toEqual([
				'actions', 'alert_windows', 'annotations', 'events', 'heartbeats', 'light_history', 'lights', 'monitored_tables', 'pipeline_days', 'pipelines', 'row_counts', 'runbooks', 'schema_version', 'summaries', 'sweep_watermarks',
			]);
			// v5: acknowledgement on events, runbook and mute on pipelines
			const v5 = await db.query(
				"SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND column_name IN ('acknowledged_at', 'acknowledged_by', 'resolution_note', 'runbook_url', 'muted_until') ORDER BY 1",
			);
			expect(v5.rows.map((r) => r.c)).toEqual(['events.acknowledged_at', 'events.acknowledged_by', 'events.resolution_note', 'pipelines.muted_until', 'pipelines.runbook_url']);
			expect((await db.query('SELECT version FROM pipeline_monitor.schema_version ORDER BY version')).rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
			// v9: the failure reporter's claims; rows from before v9 count as reported
			const v9 = await db.query(
				"SELECT column_name FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND table_name = 'events' AND column_name IN ('reported_at', 'claimed_by', 'claimed_until', 'claims') ORDER BY 1",
			);
			expect(v9.rows.map((r) => r.column_name)).toEqual(['claimed_by', 'claimed_until', 'claims', 'reported_at']);
			// v2: a pipeline's zone may be left empty (the Airflow default); v3: mute_until
			const zone = await db.query("SELECT is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND table_name = 'pipelines' AND column_name = 'timezone'");
			expect(zone.rows[0]).toEqual({ is_nullable: 'YES', column_default: null });
			const mute = await db.query("SELECT data_type FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND table_name = 'monitored_tables' AND column_name = 'mute_until'");
			expect(mute.rows[0]).toEqual({ data_type: 'date' });
			// v4: freshness and hourly loads
			const v4 = await db.query(
				"SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND column_name IN ('timestamp_column', 'max_lag_minutes', 'hourly_hours', 'settle_minutes', 'latest_at', 'lag_minutes', 'allowed_lag_minutes', 'hourly') ORDER BY 1, 2",
			);
			expect(v4.rows.map((r) => `${r.table_name}.${r.column_name}:${r.data_type}`)).toEqual([
				'monitored_tables.hourly_hours:integer', 'monitored_tables.max_lag_minutes:integer', 'monitored_tables.settle_minutes:integer', 'monitored_tables.timestamp_column:text',
				'row_counts.allowed_lag_minutes:numeric', 'row_counts.hourly:jsonb', 'row_counts.lag_minutes:numeric', 'row_counts.latest_at:timestamp with time zone',
			]);
			// v6: escalation and grouping of repeats
			const v6 = await db.query(
				"SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND column_name IN ('escalate_after_min', 'escalated_at', 'escalation_status', 'occurrence', 'grouped_into') ORDER BY 1, 2",
			);
			expect(v6.rows.map((r) => `${r.table_name}.${r.column_name}:${r.data_type}`)).toEqual([
				'events.escalated_at:timestamp with time zone', 'events.escalation_status:integer', 'events.grouped_into:bigint', 'events.occurrence:integer', 'pipelines.escalate_after_min:integer',
			]);
			// v11: failures of muted pipelines stored without a card; a table's own channel
			const v11 = await db.query(
				"SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'pipeline_monitor' AND column_name IN ('suppressed_at', 'suppressed_reason', 'teams_channel') ORDER BY 1, 2",
			);
			expect(v11.rows.map((r) => `${r.table_name}.${r.column_name}:${r.data_type}`)).toEqual([
				'events.suppressed_at:timestamp with time zone', 'events.suppressed_reason:text', 'monitored_tables.teams_channel:text', 'pipelines.teams_channel:text',
			]);
		} finally {
			await db.end();
		}
	}, 240_000);
});

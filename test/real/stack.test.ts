/**
 * The stack rig itself, and the database setup workflow: real n8n 2.x imports the credentials and
 * the setup workflow, runs it against the monitor database twice (the schema is idempotent), and
 * the version table says 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { launchStack, outputOf, type Stack } from '../support/stack/launch';

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

	it('runs the setup workflow twice; the schema is at version 1 with every table', async () => {
		for (let i = 0; i < 2; i++) {
			const run = await stack.execute(stack.workflowIds['setup-database']);
			expect(run.result.data.resultData.error).toBeUndefined();
			expect(outputOf(run, 'Schema version')[0]).toMatchObject({ version: 1 });
		}
		const db = new Client({ connectionString: stack.monitorDbUrl });
		await db.connect();
		try {
			const tables = await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'pipeline_monitor' ORDER BY 1");
			expect(tables.rows.map((r) => r.table_name)).toEqual([
				'events', 'heartbeats', 'light_history', 'lights', 'monitored_tables', 'pipelines', 'row_counts', 'schema_version', 'summaries',
			]);
			expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.schema_version')).rows[0].n).toBe(1);
		} finally {
			await db.end();
		}
	}, 240_000);
});

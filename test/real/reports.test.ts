/**
 * The scheduled report workflows in real n8n 2.x (workflows/*.json imported unchanged): pipeline
 * status report (daily), status changes (hourly), row-count monitor and heartbeat, against the
 * Airflow simulator (Airflow 3 API), the local Teams receiver and the embedded monitor Postgres.
 * Each is run with `n8n execute`; the rows in Postgres and the cards Teams received are asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import type { SimRun } from '../support/airflow/world';
import { connectMonitor, launchStack, outputOf, type RunResult, type Stack, stopAll } from '../support/stack/launch';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { startTeamsReceiver, type ReceivedMessage, type TeamsReceiver } from '../support/teams/receiver';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;
if (!ready) console.warn('[real tier] skipped: dist/ missing; run `npm run build` first');

const MIN = 60_000;

const ranNodes = (run: RunResult) => Object.keys(run.result.data.resultData.runData);
const nodeError = (run: RunResult, node: string) => run.result.data.resultData.runData[node]?.[0]?.error?.message;

/** Text of every TextBlock/RichText in a received card, to search in. */
const cardText = (m: ReceivedMessage) => JSON.stringify(m.body).replace(/\\\\/g, ''); // without markdown escapes (demo.missing\\_table)

/** Makes a DAG's runs regular: all successful, 10 minutes long, starting 5 s after they were due. */
function steadyRuns(runs: SimRun[]): void {
	for (const r of runs) {
		r.state = 'success';
		r.startDate = r.runAfter + 5_000;
		r.endDate = r.startDate + 10 * MIN;
		r.updatedAt = r.endDate;
	}
}

const runsOf = (sim: Simulator, dagId: string) => sim.world.runs.filter((r) => r.dagId === dagId).sort((a, b) => b.runAfter - a.runAfter);

maybe('report workflows in real n8n: status report, status changes, row-count monitor, heartbeat', () => {
	let sim: Simulator;
	let teams: TeamsReceiver;
	let stack: Stack;
	let db: Client;
	let dags: { green: string; red: string; late: string };

	beforeAll(async () => {
		sim = await startAirflow({ version: 'v2', dags: 8, runsPerDag: 24, seed: 11 });
		const [g, r, l] = sim.world.dags.slice(0, 3).map((d) => d.dagId);
		dags = { green: g, red: r, late: l };
		for (const id of [g, r, l]) steadyRuns(runsOf(sim, id));
		// red: the newest run failed; late: the newest run has been running for 30 min, 5 min expected
		const lastRed = runsOf(sim, r)[0];
		lastRed.state = 'failed';
		const lastLate = runsOf(sim, l)[0];
		lastLate.state = 'running';
		lastLate.startDate = Date.now() - 30 * MIN;
		lastLate.endDate = null;

		teams = await startTeamsReceiver({ rateLimit: false });
		const seedSql = `
			INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, expected_duration_min, owner) VALUES
			  ('${g}', 'airflow', NULL, 'Asia/Seoul', 30, 'data-eng'),
			  ('${r}', 'airflow', NULL, 'Asia/Seoul', 30, 'data-eng'),
			  ('${l}', 'airflow', NULL, 'Asia/Seoul', 5, 'analytics'),
			  ('ghost_dag', 'airflow', '0 6 * * *', 'Asia/Seoul', NULL, 'nobody'),
			  ('CRM nightly sync', 'n8n', '0 2 * * *', 'Asia/Seoul', NULL, 'crm');
			INSERT INTO pipeline_monitor.pipelines (pipeline, service, enabled) VALUES ('${sim.world.dags[3].dagId}', 'airflow', false);
			INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, state, started_at, ended_at, url)
			VALUES ('n8n|CRM nightly sync|501', 'n8n', 'failure', 'CRM nightly sync', '501', 'error', now() - interval '2 hours', now() - interval '2 hours' + interval '40 seconds', 'http://localhost:5678/workflow/abc/executions/501');

			CREATE SCHEMA demo;
			CREATE TABLE demo.orders (id serial PRIMARY KEY, amount int);
			INSERT INTO demo.orders (amount) SELECT g FROM generate_series(1, 2000) AS g;
			CREATE TABLE demo.events (id serial PRIMARY KEY);
			INSERT INTO demo.events SELECT FROM generate_series(1, 5000);
			CREATE TABLE demo.customers (id serial PRIMARY KEY);
			INSERT INTO demo.customers SELECT FROM generate_series(1, 300);
			ANALYZE demo.customers;
			INSERT INTO pipeline_monitor.monitored_tables (table_name, cadence, count_mode) VALUES
			  ('demo.orders', 'regular', 'exact'),
			  ('demo.events', 'regular', 'exact'),
			  ('demo.customers', 'regular', 'estimate'),
			  ('demo.missing_table', 'regular', 'exact');
			-- 14 days of history: orders grow 100 a day (today's 2000 is on track), events grow 300 a
			-- day and reached 5000 yesterday (today: no new rows)
			INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows)
			SELECT 'demo.orders', d, d + time '08:00', 2000 - 100 * g
			FROM generate_series(1, 14) AS g, LATERAL (SELECT (now() AT TIME ZONE 'Asia/Seoul')::date - g AS d) AS x;
			INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows)
			SELECT 'demo.events', d, d + time '08:00', 5000 - 300 * (g - 1)
			FROM generate_series(1, 14) AS g, LATERAL (SELECT (now() AT TIME ZONE 'Asia/Seoul')::date - g AS d) AS x;
		`;
		stack = await launchStack({
			workflows: ['pipeline-status-report', 'pipeline-status-changes', 'row-count-monitor', 'heartbeat'],
			airflow: { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' },
			teams: { webhookUrl: teams.workflowsUrl },
			openai: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' },
			seedSql,
			publish: 'none',
		});
		db = await connectMonitor(stack);
	}, 960_000);

	afterAll(async () => {
		await stopAll(db, stack, teams, sim);
	}, 120_000);

	const lights = async () =>
		Object.fromEntries((await db.query('SELECT pipeline, light FROM pipeline_monitor.lights ORDER BY pipeline')).rows.map((r) => [r.pipeline, r.light]));

	it('daily status report: lights and history stored, one schema-valid Teams table with every pipeline and the status-page link', async () => {
		teams.clear();
		const run = await stack.execute('pmStatusReport01');
		expect(run.result.data.resultData.error).toBeUndefined();
		expect(await lights()).toEqual({
			[dags.green]: 'green',
			[dags.red]: 'red',
			[dags.late]: 'yellow',
			ghost_dag: 'grey',
			'CRM nightly sync': 'red',
		});
		const history = await db.query('SELECT pipeline, light, previous_light FROM pipeline_monitor.light_history');
		expect(history.rows).toHaveLength(5);
		expect(history.rows.every((r) => r.previous_light === null)).toBe(true);

		const posted = teams.posted();
		expect(posted).toHaveLength(1);
		expect(checkWorkflowsMessage(posted[0].body)).toEqual({ valid: true, errors: [] });
		const text = cardText(posted[0]);
		for (const p of [dags.green, dags.red, dags.late, 'ghost_dag', 'CRM nightly sync']) expect(text).toContain(p);
		expect(text).not.toContain(sim.world.dags[3].dagId); // disabled
		expect(text).toContain('파이프라인 현황');
		expect(text).toContain('pipeline-monitor/status');
		// Airflow was asked once for the runs of the configured DAGs (plus the token)
		expect(sim.violations).toEqual([]);
	}, 240_000);

	it('a second report adds one history row per pipeline, never a duplicate; the store statement is idempotent', async () => {
		const run = await stack.execute('pmStatusReport01');
		expect(run.result.data.resultData.error).toBeUndefined();
		const history = await db.query('SELECT pipeline, evaluated_at, previous_light, light FROM pipeline_monitor.light_history ORDER BY evaluated_at');
		expect(history.rows).toHaveLength(10);
		const keys = new Set(history.rows.map((r) => `${r.pipeline}|${(r.evaluated_at as Date).toISOString()}`));
		expect(keys.size).toBe(10);
		expect(history.rows.slice(5).every((r) => r.previous_light === r.light)).toBe(true);

		// the workflow's own store statement, replayed with the last evaluation: no new history row, lights unchanged
		const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows/pipeline-status-report.json'), 'utf8'));
		const sql = wf.nodes.find((n: { name: string }) => n.name === 'Store lights and history').parameters.query as string;
		const last = await db.query('SELECT pipeline, light, reasons, last_run AS "lastRun", url, evaluated_at AS "evaluatedAt" FROM pipeline_monitor.lights');
		const replay = await db.query(sql, [JSON.stringify(last.rows)]);
		expect(replay.rows[0]).toEqual({ lightsStored: 5, historyRowsAdded: 0 });
		expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.light_history')).rows[0].n).toBe(10);
		// an older evaluation never overwrites a newer light
		const older = last.rows.map((r) => ({ ...r, light: 'green', evaluatedAt: new Date(Date.parse(r.evaluatedAt) - 3600_000).toISOString() }));
		const stale = await db.query(sql, [JSON.stringify(older)]);
		expect(stale.rows[0].lightsStored).toBe(0);
		expect((await lights())[dags.red]).toBe('red');
	}, 240_000);

	it('hourly changes: posts nothing when nothing changed, then only the pipelines whose light changed', async () => {
		teams.clear();
		const quiet = await stack.execute('pmStatusChanges1');
		expect(quiet.result.data.resultData.error).toBeUndefined();
		expect(teams.received).toHaveLength(0);
		expect(ranNodes(quiet)).not.toContain('Store changed lights');
		expect(ranNodes(quiet)).not.toContain('Post changes to Teams');

		// the failed DAG is fixed by a new successful run; the green one fails
		const redRuns = runsOf(sim, dags.red);
		redRuns[0].state = 'success';
		const greenRuns = runsOf(sim, dags.green);
		greenRuns[0].state = 'failed';
		const historyBefore = (await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.light_history')).rows[0].n;

		const run = await stack.execute('pmStatusChanges1');
		expect(run.result.data.resultData.error).toBeUndefined();
		expect(await lights()).toMatchObject({ [dags.green]: 'red', [dags.red]: 'green', [dags.late]: 'yellow' });
		const added = await db.query('SELECT pipeline, light, previous_light FROM pipeline_monitor.light_history ORDER BY id DESC LIMIT 2');
		expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.light_history')).rows[0].n).toBe(historyBefore + 2);
		expect(Object.fromEntries(added.rows.map((r) => [r.pipeline, [r.previous_light, r.light]]))).toEqual({
			[dags.green]: ['green', 'red'],
			[dags.red]: ['red', 'green'],
		});
		const changedAt = await db.query('SELECT pipeline, changed_at = evaluated_at AS just_changed FROM pipeline_monitor.lights');
		const just = Object.fromEntries(changedAt.rows.map((r) => [r.pipeline, r.just_changed]));
		expect(just[dags.green]).toBe(true);
		expect(just[dags.late]).toBe(false);

		const posted = teams.posted();
		expect(posted).toHaveLength(1);
		expect(checkWorkflowsMessage(posted[0].body)).toEqual({ valid: true, errors: [] });
		const text = cardText(posted[0]);
		expect(text).toContain('파이프라인 상태 변경');
		expect(text).toContain(dags.green);
		expect(text).toContain(dags.red);
		expect(text).not.toContain(dags.late);
		expect(text).not.toContain('ghost_dag');
	}, 240_000);

	it('row-count monitor: exact and estimated counts stored with deltas and verdicts, a missing table fails alone, two cards', async () => {
		teams.clear();
		const run = await stack.execute('pmRowCountMonit1');
		expect(run.result.data.resultData.error).toBeUndefined();
		const today = await db.query(
			`SELECT table_name, rows::int, delta::int, light, estimated, reason->>'code' AS code FROM pipeline_monitor.row_counts
			 WHERE measured_on = (now() AT TIME ZONE 'Asia/Seoul')::date ORDER BY table_name`,
		);
		const byTable = Object.fromEntries(today.rows.map((r) => [r.table_name, r]));
		expect(Object.keys(byTable)).toEqual(['demo.customers', 'demo.events', 'demo.orders']);
		expect(byTable['demo.orders']).toMatchObject({ rows: 2000, delta: 100, light: 'green', estimated: false });
		expect(byTable['demo.events']).toMatchObject({ rows: 5000, delta: 0, light: 'red', estimated: false });
		expect(byTable['demo.customers']).toMatchObject({ rows: 300, light: 'grey', estimated: true });

		const posted = teams.posted();
		expect(posted).toHaveLength(2);
		for (const m of posted) expect(checkWorkflowsMessage(m.body)).toEqual({ valid: true, errors: [] });
		const daily = posted.find((m) => cardText(m).includes('일일 적재 건수'))!;
		const anomalies = posted.find((m) => cardText(m).includes('적재 건수 이상'))!;
		expect(daily).toBeDefined();
		expect(anomalies).toBeDefined();
		for (const t of ['demo.orders', 'demo.events', 'demo.customers', 'demo.missing_table']) expect(cardText(daily)).toContain(t);
		expect(cardText(anomalies)).toContain('demo.events');
		expect(cardText(anomalies)).toContain('demo.missing_table does not exist');
		expect(cardText(anomalies)).not.toContain('demo.orders');

		// same day again: still one row per table and day
		const again = await stack.execute('pmRowCountMonit1');
		expect(again.result.data.resultData.error).toBeUndefined();
		const n = await db.query(`SELECT count(*)::int AS n FROM pipeline_monitor.row_counts WHERE measured_on = (now() AT TIME ZONE 'Asia/Seoul')::date`);
		expect(n.rows[0].n).toBe(3);
		expect((await db.query(`SELECT delta::int FROM pipeline_monitor.row_counts WHERE table_name = 'demo.orders' ORDER BY measured_on DESC LIMIT 1`)).rows[0].delta).toBe(100);
	}, 300_000);

	it('row-count monitor reads annotations and mutes (schema v3): an expected day is not alarmed, a muted table is judged green "muted"', async () => {
		const todayLocal = "(now() AT TIME ZONE 'Asia/Seoul')::date";
		await db.query(`INSERT INTO pipeline_monitor.annotations (table_name, from_day, to_day, kind, note, created_by)
			VALUES ('demo.events', ${todayLocal}, ${todayLocal}, 'expected', 'events paused for the migration', 'ops@example.com')`);
		const expected = await stack.execute('pmRowCountMonit1');
		expect(expected.result.data.resultData.error).toBeUndefined();
		const row = async (table: string) =>
			(await db.query(`SELECT light, reason->>'code' AS code, reason->>'text' AS text FROM pipeline_monitor.row_counts WHERE table_name = $1 AND measured_on = ${todayLocal}`, [table])).rows[0];
		expect(await row('demo.events')).toMatchObject({ light: 'green', code: 'expected' });
		expect((await row('demo.events')).text).toContain('events paused for the migration');

		await db.query('DELETE FROM pipeline_monitor.annotations');
		await db.query(`UPDATE pipeline_monitor.monitored_tables SET mute_until = ${todayLocal} + 1 WHERE table_name = 'demo.events'`);
		const muted = await stack.execute('pmRowCountMonit1');
		expect(muted.result.data.resultData.error).toBeUndefined();
		expect(await row('demo.events')).toMatchObject({ light: 'green', code: 'muted' });

		// the check can fail: without the mute, the same day is red again
		await db.query(`UPDATE pipeline_monitor.monitored_tables SET mute_until = NULL`);
		const plain = await stack.execute('pmRowCountMonit1');
		expect(plain.result.data.resultData.error).toBeUndefined();
		expect(await row('demo.events')).toMatchObject({ light: 'red' });
	}, 300_000);

	it('row-count monitor judges freshness (schema v4): max(timestamp column) stored with its lag, red when over the allowed lag (configured or learnt); a bad timestamp column fails its table alone', async () => {
		const todayLocal = "(now() AT TIME ZONE 'Asia/Seoul')::date";
		await db.query(`
			CREATE TABLE demo.loads (id serial PRIMARY KEY, loaded_at timestamptz);
			INSERT INTO demo.loads (loaded_at) SELECT now() - interval '30 hours' FROM generate_series(1, 7000);
			-- a timestamp without zone holds Asia/Seoul wall-clock times (the Settings time zone)
			CREATE TABLE demo.fresh_loads (id serial PRIMARY KEY, loaded_at timestamp);
			INSERT INTO demo.fresh_loads (loaded_at) SELECT (now() AT TIME ZONE 'Asia/Seoul') - interval '10 minutes' FROM generate_series(1, 7000);
			CREATE TABLE demo.text_stamps (id serial PRIMARY KEY, loaded_at text);
			INSERT INTO demo.text_stamps (loaded_at) VALUES ('yesterday');
			INSERT INTO pipeline_monitor.monitored_tables (table_name, cadence, count_mode, timestamp_column, max_lag_minutes) VALUES
			  ('demo.loads', 'regular', 'exact', 'loaded_at', 360),
			  ('demo.fresh_loads', 'regular', 'exact', 'loaded_at', NULL),
			  ('demo.no_column', 'regular', 'exact', 'created_at', NULL),
			  ('demo.text_stamps', 'regular', 'exact', 'loaded_at', NULL);
			-- fresh_loads' earlier checks found its newest row 20-44 minutes old: the allowed lag is learnt from them
			INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows, lag_minutes)
			SELECT t, d, d + time '08:00', 7000 - 500 * g, 20 + 2 * g
			FROM (VALUES ('demo.loads'), ('demo.fresh_loads')) AS v(t), generate_series(1, 12) AS g,
			     LATERAL (SELECT ${todayLocal} - g AS d) AS x;
		`);
		await db.query(`CREATE TABLE demo.no_column (id serial PRIMARY KEY)`);
		teams.clear();
		const run = await stack.execute('pmRowCountMonit1');
		expect(run.result.data.resultData.error).toBeUndefined();
		const stored = await db.query(
			`SELECT table_name, rows::int, delta::int, light, reason->>'code' AS code, reason->>'text' AS text, latest_at, lag_minutes::float8 AS lag, allowed_lag_minutes::float8 AS allowed
			 FROM pipeline_monitor.row_counts WHERE measured_on = ${todayLocal} ORDER BY table_name`,
		);
		const byTable = Object.fromEntries(stored.rows.map((r) => [r.table_name, r]));
		// stale: 30 h old against 6 h allowed, while the volume (500 rows as usual) is fine
		expect(byTable['demo.loads']).toMatchObject({ rows: 7000, delta: 500, light: 'red', code: 'stale', allowed: 360 });
		expect(byTable['demo.loads'].lag).toBeGreaterThan(1790);
		expect(byTable['demo.loads'].lag).toBeLessThan(1830);
		expect(Math.abs((byTable['demo.loads'].latest_at as Date).getTime() - (Date.now() - 30 * 3600_000))).toBeLessThan(15 * MIN);
		// fresh: 10 minutes old (read in Asia/Seoul), allowed lag learnt from 12 earlier lags
		expect(byTable['demo.fresh_loads']).toMatchObject({ rows: 7000, delta: 500, light: 'green' });
		expect(byTable['demo.fresh_loads'].lag).toBeGreaterThan(9);
		expect(byTable['demo.fresh_loads'].lag).toBeLessThan(25);
		expect(byTable['demo.fresh_loads'].allowed).toBeGreaterThan(44);
		// the other tables are still judged and stored; the two bad columns are not stored
		for (const t of ['demo.customers', 'demo.events', 'demo.orders']) expect(byTable[t]).toBeDefined();
		expect(byTable['demo.orders'].latest_at).toBeNull();
		expect(byTable['demo.no_column']).toBeUndefined();
		expect(byTable['demo.text_stamps']).toBeUndefined();
		const failed = Object.fromEntries(outputOf(run, 'Failed tables').map((f) => [f.table, f.reason as { code: string; text: string }]));
		expect(failed['demo.no_column']).toMatchObject({ code: 'freshness_failed', text: expect.stringContaining('timestamp column created_at does not exist in table demo.no_column') });
		expect(failed['demo.text_stamps']).toMatchObject({ code: 'freshness_failed', text: expect.stringContaining('holds no timestamps (type text)') });

		const anomalies = teams.posted().find((m) => cardText(m).includes('적재 건수 이상'))!;
		expect(checkWorkflowsMessage(anomalies.body)).toEqual({ valid: true, errors: [] });
		const text = cardText(anomalies);
		expect(text).toContain('demo.loads');
		expect(text).toContain('최신 행');
		expect(text).toContain('신선도 확인 실패');
		expect(text).not.toContain('demo.fresh_loads');

		// the check can fail: a fresh newest row makes demo.loads green again
		await db.query(`INSERT INTO demo.loads (loaded_at) VALUES (now() - interval '5 minutes')`);
		await db.query(`UPDATE pipeline_monitor.monitored_tables SET enabled = false WHERE table_name IN ('demo.no_column', 'demo.text_stamps')`);
		const again = await stack.execute('pmRowCountMonit1');
		expect(again.result.data.resultData.error).toBeUndefined();
		const loads = (await db.query(`SELECT light, lag_minutes::float8 AS lag FROM pipeline_monitor.row_counts WHERE table_name = 'demo.loads' AND measured_on = ${todayLocal}`)).rows[0];
		expect(loads.light).toBe('green');
		expect(loads.lag).toBeLessThan(10);
		await db.query(`UPDATE pipeline_monitor.monitored_tables SET enabled = false WHERE table_name IN ('demo.loads', 'demo.fresh_loads')`);
	}, 300_000);

	it('row-count monitor judges hourly loads (schema v4): a missing settled hour is red, an hour still taking late rows is not a drop', async () => {
		const todayLocal = "(now() AT TIME ZONE 'Asia/Seoul')::date";
		// 15 days of 50 rows an hour; the last complete hour got only 15 rows so far (late rows);
		// in demo.clicks the hour 4 hours back got none
		const seeded = (await db.query(`
			CREATE TABLE demo.clicks (id bigserial PRIMARY KEY, clicked_at timestamptz NOT NULL);
			CREATE TABLE demo.clicks_ok (id bigserial PRIMARY KEY, clicked_at timestamptz NOT NULL);
			INSERT INTO demo.clicks (clicked_at)
			SELECT date_trunc('hour', now()) - k * interval '1 hour' + (m % 50) * interval '1 minute'
			FROM generate_series(1, 15 * 24) AS k, generate_series(1, 50) AS m
			WHERE k <> 4 AND (k <> 1 OR m <= 15);
			INSERT INTO demo.clicks_ok (clicked_at)
			SELECT date_trunc('hour', now()) - k * interval '1 hour' + (m % 50) * interval '1 minute'
			FROM generate_series(1, 15 * 24) AS k, generate_series(1, 50) AS m
			WHERE k <> 1 OR m <= 15;
			INSERT INTO pipeline_monitor.monitored_tables (table_name, cadence, count_mode, timestamp_column, max_lag_minutes, hourly_hours, settle_minutes) VALUES
			  ('demo.clicks', 'regular', 'estimate', 'clicked_at', 180, 6, 120),
			  ('demo.clicks_ok', 'regular', 'estimate', 'clicked_at', 180, 6, 120);
			ANALYZE demo.clicks, demo.clicks_ok;
			SELECT to_char(date_trunc('hour', now() AT TIME ZONE 'Asia/Seoul') - interval '4 hours', 'YYYY-MM-DD"T"HH24:00') AS missing;
		`)) as unknown as Array<{ rows: Array<{ missing: string }> }>;
		const missingHour = seeded[seeded.length - 1].rows[0].missing;
		const run = await stack.execute('pmRowCountMonit1');
		expect(run.result.data.resultData.error).toBeUndefined();
		const row = async (table: string) =>
			(await db.query(`SELECT light, reason->>'code' AS code, reason->>'text' AS text, hourly FROM pipeline_monitor.row_counts WHERE table_name = $1 AND measured_on = ${todayLocal}`, [table])).rows[0];
		const clicks = await row('demo.clicks');
		expect(clicks).toMatchObject({ light: 'red', code: 'hour_missing' });
		expect(clicks.text).toContain(`Hour ${missingHour}: 0 rows`);
		const hours = clicks.hourly.hours as Array<{ hour: string; rows: number; light: string; code: string; settling: boolean }>;
		expect(hours).toHaveLength(6);
		expect(hours.find((h) => h.hour === missingHour)).toMatchObject({ rows: 0, light: 'red', code: 'hour_missing', settling: false });
		// the newest hour holds 15 of its usual 50 rows: still settling, so not a drop
		expect(hours.find((h) => h.rows === 15)).toMatchObject({ light: 'green', code: 'settling', settling: true });
		const ok = await row('demo.clicks_ok');
		expect(ok.hourly).toMatchObject({ light: 'green', reason: { code: 'hours_normal' } });
		expect(ok.light).not.toBe('red');
		await db.query(`UPDATE pipeline_monitor.monitored_tables SET enabled = false WHERE table_name IN ('demo.clicks', 'demo.clicks_ok')`);
	}, 300_000);

	it('heartbeat: all alive, then Airflow broken: still checks the rest, stores the row and posts naming Airflow', async () => {
		teams.clear();
		const ok = await stack.execute('pmHeartbeat00001');
		expect(ok.result.data.resultData.error).toBeUndefined();
		let row = (await db.query('SELECT ok, checks FROM pipeline_monitor.heartbeats ORDER BY id DESC LIMIT 1')).rows[0];
		expect(row.ok).toBe(true);
		expect(row.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
			['Airflow', true],
			['데이터베이스', true],
			['Teams webhook', true],
		]);
		expect(teams.posted()).toHaveLength(1);
		expect(checkWorkflowsMessage(teams.posted()[0].body)).toEqual({ valid: true, errors: [] });
		expect(cardText(teams.posted()[0])).toContain('모니터링 정상 작동 중');

		teams.clear();
		sim.inject({ kind: 'status', status: 503, path: '/monitor/health', times: Infinity });
		const broken = await stack.execute('pmHeartbeat00001');
		expect(broken.result.data.resultData.error).toBeUndefined();
		expect(nodeError(broken, 'Check Airflow')).toBeUndefined(); // continued with an error item
		row = (await db.query('SELECT ok, checks FROM pipeline_monitor.heartbeats ORDER BY id DESC LIMIT 1')).rows[0];
		expect(row.ok).toBe(false);
		const checks = Object.fromEntries(row.checks.map((c: { name: string; ok: boolean; message: string }) => [c.name, c]));
		expect(checks.Airflow.ok).toBe(false);
		expect(checks.Airflow.message).toMatch(/temporarily unable to handle the request/); // the simulator's 503 detail
		expect(checks['데이터베이스'].ok).toBe(true);
		expect(checks['Teams webhook'].ok).toBe(true);
		expect(teams.posted()).toHaveLength(1);
		expect(checkWorkflowsMessage(teams.posted()[0].body)).toEqual({ valid: true, errors: [] });
		expect(cardText(teams.posted()[0])).toContain('모니터링 작동 중, 확인 필요: Airflow');
	}, 300_000);
});

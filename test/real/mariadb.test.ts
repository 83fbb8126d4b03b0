/**
 * The row-count monitor's MySQL branch in real n8n 2.x against a real MariaDB (Debian's
 * mariadb-server, started by test/rig/mariadb.mjs on a loopback port with its own data folder),
 * with a MySQL credential as an operator would pick it: exact and estimated counts, freshness of
 * TIMESTAMP and DATETIME columns, hourly loads of a TIMESTAMP column, a missing table and a bad
 * timestamp column failing alone, and the table's annotations and mute passed to Row Count Diff. Skipped, saying so, without mariadbd.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { connectMonitor, launchStack, outputOf, type Stack } from '../support/stack/launch';
import { mariadbMissing, startMariadb, type Mariadb } from '../support/stack/mariadb';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const missing = mariadbMissing();
if (!ready) console.warn('[real tier] skipped: dist/ missing; run `npm run build` first');
if (missing) console.warn(`SKIPPED row-count monitor against MariaDB: ${missing}`);
const maybe = ready && !missing ? describe : describe.skip;

const MIN = 60_000;
const TODAY = "(now() AT TIME ZONE 'Asia/Seoul')::date";

maybe('row-count monitor against a real MariaDB (MySQL branch)', () => {
	let maria: Mariadb;
	let teams: TeamsReceiver;
	let stack: Stack;
	let db: Client;
	let missingHour: string;

	beforeAll(async () => {
		maria = await startMariadb();
		maria.sql(`
			CREATE DATABASE wh;
			CREATE USER 'monitor'@'127.0.0.1' IDENTIFIED BY 'm0n1tor-pw';
			GRANT SELECT ON wh.* TO 'monitor'@'127.0.0.1';
			SET SESSION max_recursive_iterations = 10000;
			CREATE TABLE wh.seq (n int PRIMARY KEY);
			INSERT INTO wh.seq WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 5000) SELECT n FROM s;
			-- DATETIME holds Asia/Seoul wall-clock times (the Settings time zone): newest 10 minutes old
			CREATE TABLE wh.orders (id int PRIMARY KEY, loaded_at DATETIME);
			INSERT INTO wh.orders SELECT n, UTC_TIMESTAMP() + INTERVAL 9 HOUR - INTERVAL 10 MINUTE FROM wh.seq WHERE n <= 2000;
			-- TIMESTAMP: newest row 30 hours old
			CREATE TABLE wh.events (id int PRIMARY KEY, created TIMESTAMP NULL);
			INSERT INTO wh.events SELECT n, NOW() - INTERVAL 30 HOUR FROM wh.seq;
			CREATE TABLE wh.customers (id int PRIMARY KEY) ENGINE=InnoDB;
			INSERT INTO wh.customers SELECT n FROM wh.seq WHERE n <= 300;
			ANALYZE TABLE wh.customers;
			CREATE TABLE wh.notes (id int PRIMARY KEY, written varchar(40));
			INSERT INTO wh.notes VALUES (1, 'yesterday');
			CREATE TABLE wh.paused (id int PRIMARY KEY);
			INSERT INTO wh.paused SELECT n FROM wh.seq WHERE n <= 700;
			CREATE TABLE wh.migrated (id int PRIMARY KEY);
			INSERT INTO wh.migrated SELECT n FROM wh.seq WHERE n <= 700;
			-- hourly: 15 days of 50 rows an hour; the last complete hour has 15 so far (late rows), the
			-- hour 4 hours back none
			CREATE TABLE wh.clicks (id int AUTO_INCREMENT PRIMARY KEY, clicked_at TIMESTAMP NULL);
			INSERT INTO wh.clicks (clicked_at)
			SELECT FROM_UNIXTIME(FLOOR(UNIX_TIMESTAMP(NOW()) / 3600) * 3600 - k.n * 3600 + m.n * 60)
			FROM wh.seq AS k JOIN wh.seq AS m ON m.n <= 50
			WHERE k.n <= 360 AND k.n <> 4 AND (k.n <> 1 OR m.n <= 15);
		`);
		// the empty hour's local (Asia/Seoul) label, as the rows were written
		missingHour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000 + 9 * 3_600_000).toISOString().slice(0, 13) + ':00';
		teams = await startTeamsReceiver({ rateLimit: false });
		const history = (table: string, today: number, perDay: number) => `
			INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows)
			SELECT '${table}', d, d + time '08:00', ${today} - ${perDay} * g
			FROM generate_series(1, 14) AS g, LATERAL (SELECT ${TODAY} - g AS d) AS x;`;
		const seedSql = `
			INSERT INTO pipeline_monitor.monitored_tables (table_name, connection, cadence, count_mode, timestamp_column, max_lag_minutes, mute_until) VALUES
			  ('wh.orders', 'mysql', 'regular', 'exact', 'loaded_at', 60, NULL),
			  ('wh.events', 'mysql', 'regular', 'exact', 'created', 360, NULL),
			  ('wh.customers', 'mysql', 'regular', 'estimate', NULL, NULL, NULL),
			  ('wh.missing', 'mysql', 'regular', 'exact', NULL, NULL, NULL),
			  ('wh.notes', 'mysql', 'regular', 'exact', 'written', NULL, NULL),
			  ('wh.paused', 'mysql', 'regular', 'exact', NULL, NULL, ${TODAY} + 1),
			  ('wh.migrated', 'mysql', 'regular', 'exact', NULL, NULL, NULL);
			INSERT INTO pipeline_monitor.monitored_tables (table_name, connection, cadence, count_mode, timestamp_column, max_lag_minutes, hourly_hours, settle_minutes)
			VALUES ('wh.clicks', 'mysql', 'regular', 'exact', 'clicked_at', 180, 6, 120);
			INSERT INTO pipeline_monitor.annotations (table_name, from_day, to_day, kind, note, created_by)
			VALUES ('wh.migrated', ${TODAY}, ${TODAY}, 'expected', 'loads moved to the new cluster', 'ops');
			${history('wh.orders', 2000, 100)}
			-- events: 300 a day as usual (the volume is fine; only the newest row is old)
			${history('wh.events', 5000, 300)}
			-- paused and migrated grew 50 a day and reached 700 yesterday: no new rows today
			INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows)
			SELECT t, d, d + time '08:00', 700 - 50 * (g - 1)
			FROM (VALUES ('wh.paused'), ('wh.migrated')) AS v(t), generate_series(1, 14) AS g, LATERAL (SELECT ${TODAY} - g AS d) AS x;
		`;
		stack = await launchStack({
			workflows: ['row-count-monitor'],
			airflow: { baseUrl: 'http://127.0.0.1:9/', apiVersion: 'v2', authType: 'none' },
			teams: { webhookUrl: teams.workflowsUrl },
			openai: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' },
			mysql: { host: maria.host, port: maria.port, database: 'wh', user: 'monitor', password: 'm0n1tor-pw' },
			seedSql,
			publish: 'none',
		});
		db = await connectMonitor(stack);
	}, 480_000);

	afterAll(async () => {
		await db?.end();
		await stack?.stop();
		await teams?.stop();
		await maria?.stop();
	}, 120_000);

	const stored = async () =>
		Object.fromEntries(
			(
				await db.query(
					`SELECT table_name, rows::int, delta::int, light, estimated, reason->>'code' AS code, reason->>'text' AS text, latest_at, lag_minutes::float8 AS lag
					 FROM pipeline_monitor.row_counts WHERE measured_on = ${TODAY} ORDER BY table_name`,
				)
			).rows.map((r) => [r.table_name, r]),
		);

	it(`counts exactly and by estimate, judges freshness (TIMESTAMP and DATETIME) and hourly loads, fails a missing table and a bad column alone, and honours mute and annotations`, async () => {
		const run = await stack.execute('pmRowCountMonit1');
		expect(run.result.data.resultData.error).toBeUndefined();
		const byTable = await stored();
		expect(Object.keys(byTable)).toEqual(['wh.clicks', 'wh.customers', 'wh.events', 'wh.migrated', 'wh.orders', 'wh.paused']);
		// exact, fresh: DATETIME read in Asia/Seoul, 10 minutes old, 60 allowed
		expect(byTable['wh.orders']).toMatchObject({ rows: 2000, delta: 100, light: 'green', estimated: false });
		expect(byTable['wh.orders'].lag).toBeGreaterThan(9);
		expect(byTable['wh.orders'].lag).toBeLessThan(25);
		// exact, stale: TIMESTAMP 30 hours old, 6 h allowed; the volume (300 as usual) is fine
		expect(byTable['wh.events']).toMatchObject({ rows: 5000, delta: 300, light: 'red', code: 'stale', estimated: false });
		expect(Math.abs((byTable['wh.events'].latest_at as Date).getTime() - (Date.now() - 30 * 60 * MIN))).toBeLessThan(15 * MIN);
		// estimate: information_schema.TABLES.TABLE_ROWS, no scan
		const tableRows = Number(maria.sql("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'wh' AND TABLE_NAME = 'customers'").trim());
		expect(byTable['wh.customers']).toMatchObject({ rows: tableRows, estimated: true, light: 'grey' });
		expect(tableRows).toBeGreaterThan(200);
		// mute and annotations reach Row Count Diff from the MySQL branch too
		expect(byTable['wh.paused']).toMatchObject({ rows: 700, delta: 0, light: 'green', code: 'muted' });
		expect(byTable['wh.migrated']).toMatchObject({ rows: 700, delta: 0, light: 'green', code: 'expected' });
		expect(byTable['wh.migrated'].text).toContain('loads moved to the new cluster');
		// hourly loads from a TIMESTAMP column: the empty settled hour is red, the newest hour (15 of 50 so far) is settling
		const clicks = (await db.query(`SELECT light, reason->>'code' AS code, hourly FROM pipeline_monitor.row_counts WHERE table_name = 'wh.clicks' AND measured_on = ${TODAY}`)).rows[0];
		expect(clicks).toMatchObject({ light: 'red', code: 'hour_missing' });
		const hours = clicks.hourly.hours as Array<{ hour: string; rows: number; light: string; code: string }>;
		expect(hours.find((h) => h.hour === missingHour)).toMatchObject({ rows: 0, light: 'red', code: 'hour_missing' });
		expect(hours.find((h) => h.rows === 15)).toMatchObject({ light: 'green', code: 'settling' });
		// failed alone, not stored, reported
		const failed = Object.fromEntries(outputOf(run, 'Failed tables').map((f) => [f.table, f.reason as { code: string; text: string }]));
		expect(Object.keys(failed).sort()).toEqual(['wh.missing', 'wh.notes']);
		expect(failed['wh.missing']).toMatchObject({ code: 'count_failed', text: expect.stringContaining('table wh.missing does not exist') });
		expect(failed['wh.notes']).toMatchObject({ code: 'freshness_failed', text: expect.stringContaining('timestamp column written of table wh.notes holds no timestamps (type varchar)') });
		const anomalies = teams.posted().find((m) => JSON.stringify(m.body).includes('적재 건수 이상'));
		expect(JSON.stringify(anomalies?.body)).toContain('wh.events');
		// the password of the MySQL credential is in no execution data
		expect(JSON.stringify(run.result)).not.toContain('m0n1tor-pw');
	}, 300_000);

	it('without the mute and the annotation the same day is red: the check can fail', async () => {
		await db.query(`UPDATE pipeline_monitor.monitored_tables SET mute_until = NULL`);
		await db.query(`DELETE FROM pipeline_monitor.annotations`);
		const run = await stack.execute('pmRowCountMonit1');
		expect(run.result.data.resultData.error).toBeUndefined();
		const byTable = await stored();
		expect(byTable['wh.paused']).toMatchObject({ light: 'red', delta: 0 });
		expect(byTable['wh.migrated']).toMatchObject({ light: 'red', delta: 0 });
	}, 300_000);
});

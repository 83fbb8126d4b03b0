/**
 * Issue 17 in real n8n 2.x: the daily status report (workflows/pipeline-status-report.json,
 * imported unchanged) judges runs the way Airflow creates them. The Airflow 3 simulator holds DAGs
 * whose runs are a backfill that ran today while today's scheduled run is missing, an old run
 * cleared and re-run today after today's run failed, a run still queued hours after its tick, a
 * DAG on Airflow's default zone (no zone stored), and a yearly DAG whose tick fell in the
 * fall-back fold of 2026-11-01 in New York (Airflow fires at the second 01:30, 06:30 UTC).
 * Every one of them was shown with the wrong light before issue 17.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import type { SimRun } from '../support/airflow/world';
import { connectMonitor, launchStack, type Stack, stopAll } from '../support/stack/launch';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;
if (!ready) console.warn('[real tier] skipped: dist/ missing; run `npm run build` first');

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Replaces a DAG's runs in the simulated world (the API lists runs by id, as Airflow does). */
function setRuns(sim: Simulator, dagId: string, runs: Array<Pick<SimRun, 'runType' | 'runAfter' | 'state' | 'startDate' | 'endDate'>>): void {
	const world = sim.world;
	for (let i = world.runs.length - 1; i >= 0; i--) {
		if (world.runs[i].dagId !== dagId) continue;
		world.runIndex.delete(`${dagId}\u0000${world.runs[i].runId}`);
		world.runs.splice(i, 1);
	}
	let id = Math.max(0, ...world.runs.map((r) => r.id));
	for (const r of runs) {
		const runId = `${r.runType}__${new Date(r.runAfter).toISOString().replace('Z', '+00:00')}`;
		const run: SimRun = {
			id: ++id,
			dagId,
			runId,
			runType: r.runType,
			runAfter: r.runAfter,
			logicalDate: r.runAfter,
			queuedAt: r.runAfter,
			startDate: r.startDate,
			endDate: r.endDate,
			state: r.state,
			updatedAt: r.endDate ?? r.startDate ?? r.runAfter,
			conf: {},
			note: null,
			failedTask: 0,
			clears: 0,
		};
		world.runs.push(run);
		world.runIndex.set(`${dagId}\u0000${runId}`, run);
	}
}

const ok = (runAfter: number, runType: SimRun['runType'] = 'scheduled') => ({ runType, runAfter, state: 'success' as const, startDate: runAfter + MIN, endDate: runAfter + 11 * MIN });

maybe('status report in real n8n judges runs by the tick Airflow made them for (issue 17)', () => {
	let sim: Simulator;
	let teams: TeamsReceiver;
	let stack: Stack;
	let db: Client;
	const now = Date.now();
	// a daily tick three hours ago, whatever time the test runs at
	const tick = Math.floor((now - 3 * HOUR) / HOUR) * HOUR;
	const cron = `0 ${new Date(tick).getUTCHours()} * * *`;
	const dag: Record<'backfill' | 'cleared' | 'queued' | 'zoneless' | 'fold' | 'steady', string> = {} as never;

	beforeAll(async () => {
		sim = await startAirflow({ version: 'v2', dags: 8, runsPerDag: 24, seed: 17 });
		const ids = sim.world.dags.map((d) => d.dagId);
		[dag.backfill, dag.cleared, dag.queued, dag.zoneless, dag.fold, dag.steady] = ids;
		const earlier = [3, 2, 1].map((k) => ok(tick - k * DAY));
		// today's scheduled run is missing; a backfill of old intervals ran an hour after the tick
		setRuns(sim, dag.backfill, [...earlier, ...[20, 19, 18].map((k) => ({ ...ok(tick - k * DAY, 'backfill'), startDate: tick + HOUR + k * MIN, endDate: tick + HOUR + (k + 5) * MIN }))]);
		// today's run failed; the run of three days ago was cleared and ran again, successfully, after it
		setRuns(sim, dag.cleared, [
			{ ...ok(tick - 3 * DAY), startDate: tick + 2 * HOUR, endDate: tick + 2 * HOUR + 10 * MIN },
			ok(tick - 2 * DAY),
			ok(tick - DAY),
			{ runType: 'scheduled', runAfter: tick, state: 'failed', startDate: tick + MIN, endDate: tick + 6 * MIN },
		]);
		// today's run has been queued since its tick, three hours ago; no duration or deadline is set
		setRuns(sim, dag.queued, [...earlier, { runType: 'scheduled', runAfter: tick, state: 'queued', startDate: null, endDate: null }]);
		// stored without a zone: Airflow's default (UTC); read in Asia/Seoul, nine hours off, today's
		// run would be judged against a tick it was not made for
		setRuns(sim, dag.zoneless, [...earlier, ok(tick)]);
		// yearly at 01:30 New York time on November 1: 2026-11-01 01:30 happened twice; Airflow fired at the second (06:30 UTC)
		setRuns(sim, dag.fold, [ok(Date.parse('2024-11-01T05:30:00Z')), ok(Date.parse('2025-11-01T05:30:00Z')), ok(Date.parse('2026-11-01T06:30:00Z'))]);
		setRuns(sim, dag.steady, [...earlier, ok(tick)]);

		teams = await startTeamsReceiver({ rateLimit: false });
		const seedSql = `
			INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone) VALUES
			  ('${dag.backfill}', 'airflow', '${cron}', 'UTC'),
			  ('${dag.cleared}', 'airflow', '${cron}', 'UTC'),
			  ('${dag.queued}', 'airflow', '${cron}', 'UTC'),
			  ('${dag.fold}', 'airflow', '30 1 1 11 *', 'America/New_York'),
			  ('${dag.steady}', 'airflow', '${cron}', 'UTC');
			INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule) VALUES ('${dag.zoneless}', 'airflow', '${cron}');
		`;
		stack = await launchStack({
			workflows: ['pipeline-status-report'],
			airflow: { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' },
			teams: { webhookUrl: teams.workflowsUrl },
			openai: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' },
			seedSql,
			publish: 'none',
		});
		db = await connectMonitor(stack);
	}, 420_000);

	afterAll(async () => {
		await stopAll(db, stack, teams, sim);
	}, 120_000);

	it('backfill, cleared old run and stuck queued run are red; the zone-less DAG, the DST fold and the steady DAG are green', async () => {
		const run = await stack.execute('pmStatusReport01');
		expect(run.result.data.resultData.error).toBeUndefined();
		const rows = (await db.query('SELECT pipeline, light, reasons FROM pipeline_monitor.lights')).rows as Array<{ pipeline: string; light: string; reasons: Array<{ code: string }> }>;
		const got = Object.fromEntries(rows.map((r) => [r.pipeline, { light: r.light, codes: r.reasons.map((x) => x.code).sort() }]));
		expect(got[dag.backfill]).toMatchObject({ light: 'red' });
		expect(got[dag.backfill].codes).toContain('missed_run');
		expect(got[dag.cleared]).toMatchObject({ light: 'red' });
		expect(got[dag.cleared].codes).toContain('latest_failed');
		expect(got[dag.queued]).toMatchObject({ light: 'red' });
		expect(got[dag.queued].codes).toContain('start_overdue');
		expect(got[dag.zoneless]).toEqual({ light: 'green', codes: ['ok'] });
		expect(got[dag.fold]).toEqual({ light: 'green', codes: ['ok'] });
		expect(got[dag.steady]).toEqual({ light: 'green', codes: ['ok'] });
		// the yearly DAG's runs are three years back: the fetch window followed its schedule
		expect(sim.violations).toEqual([]);
	}, 240_000);
});

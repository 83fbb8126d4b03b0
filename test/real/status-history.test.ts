/**
 * The status page's two-week history (issue 16, schema v8) in real n8n 2.x: the hourly status
 * workflow (workflows/pipeline-status-changes.json, imported unchanged) writes pipeline_days from
 * the Airflow simulator's runs, the stored events and its own evaluations; the status page
 * (workflows/status-page.json) reads only those rows. Checked: before the first hourly run the
 * page says the history is not computed (no green made up); after it every pipeline has its 14
 * days, each cell the worst light of that local day (Asia/Seoul), computed by hand for a written
 * DAG and from the simulator's runs for generated ones; an n8n failure turns a day of green
 * Airflow runs red; page views make no Airflow request; a second hourly run rewrites today and
 * yesterday and adds no row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { connectMonitor, launchStack, outputOf, type RunResult, type Stack, stopAll } from '../support/stack/launch';
import { historySeed, runLetters, stripOf, type HistoryPlan } from '../support/statusPage/history';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'StatusPage'));
if (!ready) console.warn('SKIPPED status history e2e: run `npm run build` first');
const maybe = ready ? describe : describe.skip;
const ZONE = 'Asia/Seoul';
const ranNodes = (run: RunResult) => Object.keys(run.result.data.resultData.runData);
const LETTER: Record<string, string> = { red: 'R', yellow: 'Y', grey: 'N', green: 'G' };
const RANK: Record<string, number> = { R: 0, Y: 1, N: 2, G: 3, '.': 4 };
const worse = (a: string, b: string) => (RANK[b] < RANK[a] ? b : a);

maybe('status page history from stored days in real n8n', () => {
	let stack: Stack;
	let sim: Simulator;
	let teams: TeamsReceiver;
	let plan: HistoryPlan;
	let db: Client;
	let url: string;
	let auth: string;
	const now = DateTime.now();
	const today = now.setZone(ZONE).startOf('day');
	const dayOf = (i: number) => today.minus({ days: 13 - i }).toISODate()!;
	// an n8n failure of the hand-written DAG 13 days ago, a day whose only Airflow run succeeded
	const n8nFailureAt = today.minus({ days: 13 }).plus({ hours: 15 });

	const get = async (query = '') => {
		const res = await fetch(`${url}${query}`, { headers: { authorization: auth } });
		return { status: res.status, body: await res.text() };
	};
	const listRequests = () => sim.requests.filter((r) => /dagRuns\/list$/.test(r.path));
	/** the strip expected from the runs' letters, with the stored evaluations of each day folded in (they count too) */
	async function withEvaluations(pipeline: string, letters: string): Promise<string> {
		const rows = (await db.query('SELECT light, evaluated_at FROM pipeline_monitor.light_history WHERE pipeline = $1', [pipeline])).rows as Array<{ light: string; evaluated_at: Date }>;
		const cells = letters.split('');
		for (const r of rows) {
			const i = cells.length - 1 - Math.round(today.diff(DateTime.fromJSDate(r.evaluated_at).setZone(ZONE).startOf('day'), 'days').days);
			if (i >= 0 && i < cells.length) cells[i] = worse(cells[i], LETTER[r.light]);
		}
		return cells.join('');
	}

	beforeAll(async () => {
		sim = await startAirflow({ version: 'v2', dags: 2, runsPerDag: 28, spanMs: 14 * 86_400_000, failureRate: 0.25, seed: 21, now: now.toMillis() });
		plan = historySeed(sim.world, now, ZONE);
		teams = await startTeamsReceiver();
		const n8nFailure = `INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, state, ended_at, received_at, message)
			VALUES ('n|hand|1', 'n8n', 'failure', '${plan.handDag}', 'error', '${n8nFailureAt.toISO()}', '${n8nFailureAt.toISO()}', 'the n8n workflow feeding the DAG failed');`;
		stack = await launchStack({
			workflows: ['status-page', 'pipeline-status-changes'],
			airflow: { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' },
			teams: { webhookUrl: teams.workflowsUrl },
			openai: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' },
			seedSql: `${plan.sql}\n${n8nFailure}`,
		});
		url = stack.webhook('pipeline-monitor/status');
		auth = `Basic ${Buffer.from(`${stack.secrets.statusUser}:${stack.secrets.statusPassword}`).toString('base64')}`;
		db = await connectMonitor(stack);
	}, 420_000);
	afterAll(async () => {
		await stopAll(db, stack, teams, sim);
	}, 120_000);

	it('before the first hourly run: the page says the history is not computed yet, shows no green it cannot know, and asks Airflow nothing', async () => {
		sim.resetCounters();
		const ko = await get();
		expect(ko.status).toBe(200);
		expect(ko.body).toContain('2주 이력이 아직 계산되지 않았습니다.');
		expect(ko.body).toContain(`${today.toISODate()}: 이력 계산 전`);
		expect(stripOf(ko.body, plan.handDag)).toBe('R.............'); // only the stored n8n failure, nothing from Airflow
		for (const dag of plan.generatedDags) expect(stripOf(ko.body, dag)).not.toContain('G');
		const en = await get('?lang=en');
		expect(en.body).toContain('The two-week history has not been computed yet');
		expect(en.body).not.toContain('이력');
		expect(sim.requests).toEqual([]);
	}, 60_000);

	it('the hourly run stores 14 days for every pipeline, once, from one extra Airflow request', async () => {
		sim.resetCounters();
		const run = await stack.execute('pmStatusChanges1');
		expect(run.result.data.resultData.error).toBeUndefined();
		expect(ranNodes(run)).toEqual(expect.arrayContaining(['Fetch Airflow runs', 'Load history inputs', 'Fetch Airflow history', 'Build history days', 'Store history days']));
		// the days are built after the hourly runs were fetched (n8n runs the branches top to bottom)
		const started = (node: string) => (run.result.data.resultData.runData[node][0] as unknown as { startTime: number }).startTime;
		expect(started('Fetch Airflow runs')).toBeLessThan(started('Load history inputs'));
		const pipelines = (await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.pipelines WHERE enabled')).rows[0].n as number;
		expect(outputOf(run, 'Store history days')).toEqual([{ daysStored: pipelines * 14 }]);
		const rows = await db.query('SELECT pipeline, count(*)::int AS n, min(day)::text AS first, max(day)::text AS last, min(timezone) AS zone FROM pipeline_monitor.pipeline_days GROUP BY pipeline');
		expect(rows.rows).toHaveLength(pipelines);
		for (const r of rows.rows) expect(r).toMatchObject({ n: 14, first: dayOf(0), last: dayOf(13), zone: ZONE });
		// the history fetch asked for the backfilled Airflow DAGs only, from a day before the window
		const lists = listRequests();
		expect(lists).toHaveLength(2);
		const history = lists.find((r) => (r.body?.run_after_gte as string) < today.minus({ days: 5 }).toISO()!)!;
		expect((history.body!.dag_ids as string[]).sort()).toEqual([...plan.generatedDags, plan.handDag].sort());
		expect(Date.parse(history.body!.run_after_gte as string)).toBe(today.minus({ days: 14 }).toMillis());
		expect(sim.violations).toEqual([]);
	}, 240_000);

	it('the stored counts of the hand-written DAG are the ones computed by hand', async () => {
		const rows = (await db.query('SELECT day::text AS day, light, source, runs, failed, other, failures FROM pipeline_monitor.pipeline_days WHERE pipeline = $1 ORDER BY day', [plan.handDag])).rows;
		// 13 days ago: one successful run and the n8n failure -> red from n8n
		expect(rows[0]).toMatchObject({ day: dayOf(0), light: 'red', source: 'n8n', runs: 1, failed: 0, failures: 1 });
		// 8 days ago: failed, then a successful re-run -> red from Airflow, 2 runs, 1 failed
		expect(rows[5]).toMatchObject({ day: dayOf(5), light: 'red', source: 'airflow', runs: 2, failed: 1, other: 0 });
		// 9 days ago: two successful runs
		expect(rows[4]).toMatchObject({ runs: 2, failed: 0, light: 'green' });
		// today: a success and a queued run (counted as other, no light of its own)
		expect(rows[13]).toMatchObject({ day: dayOf(13), runs: 2, failed: 0, other: 1 });
	}, 60_000);

	it('the strips come from the stored days: worst light per local day, an n8n failure makes a green day red; a view asks Airflow nothing', async () => {
		sim.resetCounters();
		const { body } = await get();
		expect(body).not.toContain('2주 이력이 아직 계산되지 않았습니다.');
		// by hand: HAND_EXPECTED with the first day red (the n8n failure), and today's evaluation folded in
		expect(plan.handExpected.slice(0, 1)).toBe('G');
		expect(stripOf(body, plan.handDag)).toBe(await withEvaluations(plan.handDag, `R${plan.handExpected.slice(1)}`));
		expect(stripOf(body, plan.handDag).slice(0, 13)).toBe(`R${plan.handExpected.slice(1, 13)}`);
		for (const dag of plan.generatedDags) expect(stripOf(body, dag)).toBe(await withEvaluations(dag, runLetters(sim.world.runs.filter((r) => r.dagId === dag), now, ZONE)));
		expect(stripOf(body, plan.eventsPipeline)).toBe(await withEvaluations(plan.eventsPipeline, plan.eventsExpected));
		// the counts behind a cell are in its title
		expect(body).toContain(`${dayOf(5)}: 실패 (실행 2건, 실패 1건)`);
		await get('?lang=en');
		await get('?tab=warning');
		expect(sim.requests).toEqual([]);
	}, 60_000);

	it('a second hourly run rewrites today and yesterday only, adds no row and makes no history request', async () => {
		const before = (await db.query('SELECT pipeline, day::text AS day, computed_at FROM pipeline_monitor.pipeline_days')).rows as Array<{ pipeline: string; day: string; computed_at: Date }>;
		sim.resetCounters();
		const run = await stack.execute('pmStatusChanges1');
		expect(run.result.data.resultData.error).toBeUndefined();
		expect(ranNodes(run)).not.toContain('Fetch Airflow history');
		const pipelines = new Set(before.map((r) => r.pipeline)).size;
		expect(outputOf(run, 'Store history days')).toEqual([{ daysStored: pipelines * 2 }]);
		const after = (await db.query('SELECT pipeline, day::text AS day, computed_at FROM pipeline_monitor.pipeline_days')).rows as typeof before;
		expect(after).toHaveLength(before.length);
		const was = new Map(before.map((r) => [`${r.pipeline}|${r.day}`, r.computed_at.getTime()]));
		const rewritten = after.filter((r) => r.computed_at.getTime() !== was.get(`${r.pipeline}|${r.day}`));
		expect(new Set(rewritten.map((r) => r.day))).toEqual(new Set([dayOf(12), dayOf(13)]));
		expect(listRequests()).toHaveLength(1);
		// the page is unchanged by the rewrite
		expect(stripOf((await get()).body, plan.handDag).slice(0, 13)).toBe(`R${plan.handExpected.slice(1, 13)}`);
	}, 240_000);

	it('replaying the store statement with the same rows adds nothing', async () => {
		const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows/pipeline-status-changes.json'), 'utf8'));
		const sql = wf.nodes.find((n: { name: string }) => n.name === 'Store history days').parameters.query as string;
		const rows = (await db.query('SELECT pipeline, day::text AS day, timezone, light, source, runs, failed, other, failures, warnings, evaluations, late FROM pipeline_monitor.pipeline_days')).rows;
		const count = rows.length;
		const replay = await db.query(sql, [JSON.stringify([...rows, ...rows])]);
		expect(replay.rows[0]).toEqual({ daysStored: count });
		expect((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.pipeline_days')).rows[0].n).toBe(count);
	}, 60_000);
});

/**
 * Issue 14 (routing, escalation and grouping, weekly reliability report) in real n8n 2.x: the
 * workflows from workflows/ imported unchanged (only their Settings set, as an operator would),
 * the package installed as community package, embedded Postgres with workflows/schema.sql, the
 * OpenAPI-checked Airflow simulator, the OpenAI-compatible stand-in and the Teams receiver, which
 * serves one Workflows URL per channel (the path's flow id tells them apart).
 *
 * Channels in the Teams credential: data-eng, analytics, operations, escalation; the credential's
 * Webhook URL is the default channel. "marketing" is a channel a pipeline names that is not
 * configured: its cards go to the default channel and say so.
 *
 * Clock of the escalation: the workflow compares received_at with Postgres' now(); the test
 * moves failures back in time (received_at - N minutes) instead of waiting. The workflow's code
 * path is the production one; only the age of the data is set by the test.
 *
 * Run alone: node <n8n node 24> node_modules/jest/bin/jest.js --ci --runTestsByPath test/real/respond.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai/server';
import { ANNOTATIONS, FAILURES, PIPELINES, ROW_COUNTS, RUNS, TABLES, WEEK } from '../support/reliability/week';
import { connectMonitor, launchStack, outputOf, type Stack, stopAll } from '../support/stack/launch';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { startTeamsReceiver, type ReceivedMessage, type TeamsReceiver } from '../support/teams/receiver';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;
if (!ready) console.warn('[real tier] skipped: dist/ missing; run `npm run build` first');

jest.setTimeout(240_000);

const FLOW = { default: '4f1c0ffee', 'data-eng': 'dataeng01', analytics: 'analytics1', operations: 'operation1', escalation: 'escalate01' } as const;
type Channel = keyof typeof FLOW;

/** Card text without markdown escapes (Teams Table escapes _ as \_ where markdown would act). */
const cardText = (m: ReceivedMessage) => JSON.stringify(m.body).replace(/\\\\/g, '');

let airflow: Simulator;
let teams: TeamsReceiver;
let openai: OpenAiTestServer;
let stack: Stack;
let db: Client;
let dags: { a: string; b: string; c: string };

const posted = (channel: Channel) => teams.posted().filter((m) => m.path === `/workflows/${FLOW[channel]}/triggers/manual/paths/invoke`);
const channelUrl = (flow: string) => teamsUrl.replace(`/workflows/${FLOW.default}/`, `/workflows/${flow}/`);
let teamsUrl = '';

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), {
		method: 'POST',
		headers: { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken },
		body: JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 150_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms\n${stack.n8nLog().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** Runs a workflow with `n8n execute` and fails with what n8n printed when the run did not finish. */
async function execute(name: string) {
	const run = await stack.execute(stack.workflowIds[name]);
	if (!run.result?.data?.resultData) throw new Error(`n8n execute ${name} gave no run: ${JSON.stringify(run.result).slice(0, 3000)}\n${run.stderr.slice(-3000)}`);
	expect(run.result.data.resultData.error).toBeUndefined();
	return run;
}

const eventRow = async (key: string) => (await db.query('SELECT * FROM pipeline_monitor.events WHERE event_key = $1', [key])).rows[0];

/** The fixture fortnight of the weekly report (test/support/reliability/week.ts) as SQL. */
function weeklySeed(): string {
	const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);
	const lines: string[] = [];
	for (const p of PIPELINES) lines.push(`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, deadline, owner) VALUES (${q(p.pipeline)}, ${q(p.service)}, ${q(p.schedule)}, ${q(p.timezone)}, ${q(p.deadline)}, ${q(p.owner)});`);
	const failedRuns = new Set(FAILURES.map((f) => `${f.pipeline}|${f.runId}`));
	for (const r of RUNS) {
		if (r.source === 'light') {
			// the status workflows saw the run (twice: hourly evaluations repeat the last run)
			for (const minutes of [30, 90]) {
				lines.push(`INSERT INTO pipeline_monitor.light_history (pipeline, light, last_run, evaluated_at) VALUES (${q(r.pipeline)}, 'green', '${JSON.stringify({ source: 'n8n', pipeline: r.pipeline, runId: r.runId, state: 'success', endedAt: r.endedAt })}'::jsonb, ${q(r.endedAt)}::timestamptz + interval '${minutes} minutes');`);
			}
		} else if (r.outcome === 'success' || !failedRuns.has(`${r.pipeline}|${r.runId}`)) {
			lines.push(`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, state, ended_at, received_at) VALUES (${q(`wk|${r.pipeline}|${r.runId}`)}, 'airflow', ${q(r.outcome)}, ${q(r.pipeline)}, ${q(r.runId)}, ${q(r.outcome === 'success' ? 'success' : 'failed')}, ${q(r.endedAt)}, ${q(r.endedAt)});`);
		}
	}
	for (const f of FAILURES) {
		// ended_at: the run's end (o19b arrives a minute after its run ended)
		const runEnd = RUNS.find((r) => r.pipeline === f.pipeline && r.runId === f.runId)!.endedAt;
		lines.push(
			`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, state, ended_at, received_at, notified_at, acknowledged_at, fingerprint, summary, grouped_into) VALUES (${q(`wk|${f.key}`)}, 'airflow', 'failure', ${q(f.pipeline)}, ${q(f.runId)}, ${q(f.taskId)}, 'failed', ${q(runEnd)}, ${q(f.receivedAt)}, ${q(f.receivedAt)}, ${q(f.acknowledgedAt)}, ${q(f.fingerprint)}, ${q(f.summary)}, ${f.groupedInto ? `(SELECT id FROM pipeline_monitor.events WHERE event_key = ${q(`wk|${f.groupedInto}`)})` : 'NULL'});`,
		);
	}
	for (const t of TABLES) lines.push(`INSERT INTO pipeline_monitor.monitored_tables (table_name, pipeline, enabled) VALUES (${q(t.table)}, ${q(t.pipeline)}, false);`);
	for (const c of ROW_COUNTS) lines.push(`INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows, light) VALUES (${q(c.table)}, ${q(c.day)}, ${q(c.day)}::date + time '08:00', 100, ${q(c.light)});`);
	for (const a of ANNOTATIONS) lines.push(`INSERT INTO pipeline_monitor.annotations (table_name, from_day, to_day, kind, note) VALUES (${q(a.table)}, ${q(a.from)}, ${q(a.to)}, ${q(a.kind)}, ${q(a.note)});`);
	return lines.join('\n');
}

maybe('respond and learn in real n8n: routing, grouping, escalation, weekly reliability', () => {
	beforeAll(async () => {
		airflow = await startAirflow({ version: 'v2', dags: 6, runsPerDag: 6, seed: 11, auth: { disabled: true }, failureRate: 0.5 } as Parameters<typeof startAirflow>[0]);
		// two DAGs with a failed task (A routes to data-eng, B names the unconfigured "marketing"), a third (C) for analytics
		const failing = [...new Set(airflow.world.runs.filter((r) => r.state === 'failed' && airflow.world.tasks(r).some((t) => t.state === 'failed')).map((r) => r.dagId))];
		const others = airflow.world.dags.map((d) => d.dagId).filter((id) => !failing.slice(0, 2).includes(id));
		dags = { a: failing[0], b: failing[1], c: others[0] };
		// C runs steadily (all successful, 10 minutes long) until the status-changes test breaks its newest run
		for (const r of airflow.world.runs.filter((x) => x.dagId === dags.c)) {
			r.state = 'success';
			r.startDate = r.runAfter + 5_000;
			r.endDate = r.startDate + 600_000;
			r.updatedAt = r.endDate;
		}
		teams = await startTeamsReceiver({ rateLimit: false });
		teamsUrl = teams.workflowsUrl;
		openai = await startOpenAiServer();
		const channels = JSON.stringify(Object.fromEntries((['data-eng', 'analytics', 'operations', 'escalation'] as const).map((c) => [c, channelUrl(FLOW[c])])));
		stack = await launchStack({
			workflows: ['airflow-failure-collector', 'failure-reporter', 'n8n-error-collector', 'failure-digest', 'pipeline-status-report', 'pipeline-status-changes', 'row-count-monitor', 'heartbeat', 'escalation', 'weekly-reliability'],
			airflow: { baseUrl: airflow.url, apiVersion: 'v2', authType: 'none' },
			teams: { webhookUrl: teams.workflowsUrl, channels },
			openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
			settings: {
				'failure-digest': { graceMinutes: 0 },
				'pipeline-status-report': { operationsChannel: 'operations' },
				heartbeat: { operationsChannel: 'operations' },
				escalation: { escalationChannel: 'escalation' },
				'weekly-reliability': { weeklyChannel: 'operations', weekOf: WEEK.monday },
			},
			seedSql: `
				INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, owner, teams_channel) VALUES
				  ('${dags.a}', 'airflow', NULL, 'Asia/Seoul', 'kim@example.com', 'data-eng'),
				  ('${dags.b}', 'airflow', NULL, 'Asia/Seoul', 'park@example.com', 'marketing'),
				  ('${dags.c}', 'airflow', NULL, 'Asia/Seoul', 'choi@example.com', ' analytics '),
				  ('grouped_dag', 'airflow', NULL, 'Asia/Seoul', 'han@example.com', 'analytics');
				CREATE SCHEMA demo;
				CREATE TABLE demo.orders (id int);
				INSERT INTO demo.orders SELECT g FROM generate_series(1, 50) AS g;
				CREATE TABLE demo.misc (id int);
				INSERT INTO pipeline_monitor.monitored_tables (table_name, pipeline) VALUES ('demo.orders', '${dags.a}'), ('demo.misc', NULL);
				${weeklySeed()}
			`,
		});
		db = await connectMonitor(stack);
	}, 420_000);

	afterAll(async () => {
		await stopAll(db, stack, airflow, teams, openai);
	}, 120_000);

	describe('weekly reliability report (the figures of the hand computation in test/unit/reliability/weekly.test.ts)', () => {
		it('posts the week to the operations channel with the hand-computed figures', async () => {
			teams.clear();
			const run = await execute('weekly-reliability');
			const rows = outputOf(run, 'Weekly rows');
			const row = (name: string) => rows.find((r) => r.pipeline === name);
			// hand computation: orders_daily 6/8 = 75 % (week before 100 %: -25 pp), on time 4/7 = 57.1 % (-42.9 pp),
			// MTTA (12 + 30) / 2 = 21 min, MTTR (60 + 1420) / 2 = 740 min = 12.3 h, failed runs 2 of 8 (+2)
			expect(row('orders_daily')).toMatchObject({ light: 'red', successRate: '75% (▼25pp)', onTime: '57.1% (4/7) (▼42.9pp)', mtta: '21분', mttr: '12.3시간', failures: '2/8 (▲2)' });
			expect(row('orders_daily')!.recurring).toBe("3회 KeyError: 'order_date' in load_items");
			expect(row('orders_daily')!.tables).toBe('shop.orders 2일 · shop.order_items 1일 · 예상된 알람: shop.orders 11-20~11-20 (planned migration)');
			// crm_sync 3/5 = 60 % (50 % before: +10 pp), no schedule, MTTA 60 min (120 before: -60), 1 unacknowledged,
			// MTTR 1435 min = 23.9 h (1440 before: -5), 1 not recovered, failed 2 of 5 (+1)
			expect(row('crm_sync')).toMatchObject({ light: 'red', successRate: '60% (▲10pp)', onTime: '—', mtta: '60분 (▼60분), 미확인 1건', mttr: '23.9시간 (▼5분), 미복구 1건', failures: '2/5 (▲1)' });
			expect(row('crm_sync')!.recurring).toBe('2회 CRM API timed out (504)');
			// all pipelines: 9/13 = 69.2 % (8/9 = 88.9 % before: -19.7 pp), MTTA (12 + 30 + 60) / 3 = 34 min, MTTR 2915 / 3 = 971.7 min = 16.2 h
			expect(row('전체')).toMatchObject({ successRate: '69.2% (▼19.7pp)', onTime: '57.1% (4/7) (▼42.9pp)', mtta: '34분 (▼86분), 미확인 1건', mttr: '16.2시간 (▼468.3분), 미복구 1건', failures: '4/13 (▲3)' });
			const cards = posted('operations');
			expect(cards).toHaveLength(1);
			expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
			expect(cardText(cards[0])).toContain('주간 안정성 리포트 2026-11-16');
			expect(cardText(cards[0])).toContain('57.1% (4/7)');
			expect(posted('default')).toHaveLength(0);
		});

		it('shows the same week as the status page\'s weekly tab (GET, status page login), in English on ?lang=en', async () => {
			const auth = `Basic ${Buffer.from(`${stack.secrets.statusUser}:${stack.secrets.statusPassword}`).toString('base64')}`;
			const res = await fetch(`${stack.webhook('pipeline-monitor/status/weekly')}?week=2026-11-18&lang=en`, { headers: { authorization: auth } });
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toContain('text/html');
			const html = await res.text();
			expect(html).toContain('Weekly reliability report');
			expect(html).toContain('2026-11-16 – 2026-11-22 (Asia/Seoul)'); // any day of the week shows its Monday–Sunday
			expect(html).toContain('75% (▼25pp)');
			expect(html).toContain('60 min (▼60min), 1 unacknowledged');
			expect(html).toContain('shop.orders 2d');
			const anonymous = await fetch(stack.webhook('pipeline-monitor/status/weekly'));
			expect([401, 403]).toContain(anonymous.status);
		});
	});

	describe('routing', () => {
		it('the Airflow collector posts a failure to its pipeline\'s channel; an unconfigured channel goes to the default one and the card says so', async () => {
			teams.clear();
			const failedOf = (dagId: string) => {
				const run = airflow.world.runs.find((r) => r.dagId === dagId && r.state === 'failed' && airflow.world.tasks(r).some((t) => t.state === 'failed'))!;
				const task = airflow.world.tasks(run).find((t) => t.state === 'failed')!;
				return { dag_id: dagId, run_id: run.runId, task_id: task.taskId, try_number: task.tryNumber, exception: 'ValueError: routing test' };
			};
			const a = await post(failedOf(dags.a));
			const b = await post(failedOf(dags.b));
			expect([a.status, b.status]).toEqual([202, 202]);
			const rowA = await until('card A', async () => ((await eventRow(String(a.json.eventKey)))?.teams_status ? eventRow(String(a.json.eventKey)) : null));
			const rowB = await until('card B', async () => ((await eventRow(String(b.json.eventKey)))?.teams_status ? eventRow(String(b.json.eventKey)) : null));
			expect(rowA).toMatchObject({ teams_status: 202, occurrence: 1, grouped_into: null });
			expect(rowB.teams_status).toBe(202);
			expect(rowA.notified_at).not.toBeNull();
			const dataEng = posted('data-eng');
			expect(dataEng).toHaveLength(1);
			expect(cardText(dataEng[0])).toContain(dags.a);
			expect(cardText(dataEng[0])).not.toContain('기본 채널');
			const fallback = posted('default');
			expect(fallback).toHaveLength(1);
			expect(cardText(fallback[0])).toContain(dags.b);
			expect(cardText(fallback[0])).toContain('채널 \\"marketing\\" 설정이 없어 기본 채널로 보냄');
			for (const m of [...dataEng, ...fallback]) expect(checkWorkflowsMessage(m.body)).toEqual({ valid: true, errors: [] });
		});

		it('daily status report: each channel gets its own pipelines only, the operations channel one overview of all; the item says where an unconfigured channel went', async () => {
			teams.clear();
			const run = await execute('pipeline-status-report');
			const text = (c: Channel) => posted(c).map(cardText).join('\n');
			expect(posted('data-eng')).toHaveLength(1);
			expect(text('data-eng')).toContain(dags.a);
			for (const other of [dags.b, dags.c, 'grouped_dag', 'orders_daily']) expect(text('data-eng')).not.toContain(other);
			expect(posted('analytics')).toHaveLength(1); // ' analytics ' is trimmed: one card with both
			expect(text('analytics')).toContain(dags.c);
			expect(text('analytics')).toContain('grouped_dag');
			expect(text('analytics')).not.toContain(dags.a);
			expect(posted('default')).toHaveLength(1); // "marketing": not configured
			expect(text('default')).toContain(dags.b);
			expect(text('default')).toContain('설정이 없어 기본 채널로 보냄');
			expect(posted('operations')).toHaveLength(1);
			for (const p of [dags.a, dags.b, dags.c, 'grouped_dag', 'orders_daily', 'crm_sync']) expect(text('operations')).toContain(p);
			expect(text('operations')).toContain('파이프라인 현황 (전체)');
			for (const m of teams.posted()) expect(checkWorkflowsMessage(m.body)).toEqual({ valid: true, errors: [] });
			const teamItems = outputOf(run, 'Post team reports');
			expect(teamItems.find((i) => i.channel === 'marketing')).toMatchObject({ delivered: true, fallback: 'channel "marketing" is not configured' });
			expect(teamItems.find((i) => i.channel === 'data-eng')).toMatchObject({ delivered: true, fallback: null });
			expect(outputOf(run, 'Post report to Teams')[0]).toMatchObject({ channel: 'operations', fallback: null, delivered: true });
		});

		it('hourly status changes go to the channel of the pipeline whose light changed', async () => {
			const newest = airflow.world.runs.filter((r) => r.dagId === dags.c).sort((x, y) => y.runAfter - x.runAfter)[0];
			newest.state = 'failed';
			teams.clear();
			const run = await execute('pipeline-status-changes');
			expect(posted('analytics')).toHaveLength(1);
			expect(cardText(posted('analytics')[0])).toContain(dags.c);
			expect(teams.posted()).toHaveLength(1);
		});

		it('row-count monitor: a table goes to its pipeline\'s channel, a table without a pipeline to the default channel', async () => {
			teams.clear();
			const run = await execute('row-count-monitor');
			const dataEng = posted('data-eng').map(cardText).join('\n');
			expect(dataEng).toContain('demo.orders');
			expect(dataEng).not.toContain('demo.misc');
			const fallback = posted('default').map(cardText).join('\n');
			expect(fallback).toContain('demo.misc');
			expect(fallback).not.toContain('demo.orders');
			for (const m of teams.posted()) expect(checkWorkflowsMessage(m.body)).toEqual({ valid: true, errors: [] });
		});

		it('heartbeat goes to the operations channel', async () => {
			teams.clear();
			const run = await execute('heartbeat');
			expect(posted('operations')).toHaveLength(1);
			expect(teams.posted()).toHaveLength(1);
			const stored = (await db.query('SELECT checks FROM pipeline_monitor.heartbeats ORDER BY id DESC LIMIT 1')).rows[0].checks as Array<{ name: string; ok: boolean }>;
			expect(stored.find((c) => c.name === 'Teams webhook')?.ok).toBe(true);
		});
	});

	describe('grouping of repeats', () => {
		it('a repeat of the same fingerprint the same day gets no card of its own; the digest posts the group once, "오늘 3번째", to the pipeline\'s channel', async () => {
			teams.clear();
			const body = { dag_id: 'grouped_dag', task_id: 'load', try_number: 1, exception: "KeyError: 'order_date' (grouping test)" };
			const keys: string[] = [];
			for (const run of ['manual__g1', 'manual__g2', 'manual__g3']) {
				const answer = await post({ ...body, run_id: run });
				expect(answer.status).toBe(202);
				keys.push(String(answer.json.eventKey));
				// one after the other, as repeats arrive: each is summarized and grouped before the next
				await until(`grouping of ${run}`, async () => (await eventRow(keys[keys.length - 1]))?.occurrence);
			}
			const [first, second, third] = [await eventRow(keys[0]), await eventRow(keys[1]), await eventRow(keys[2])];
			expect(first.fingerprint).toBeTruthy();
			expect(second.fingerprint).toBe(first.fingerprint);
			expect([first.occurrence, second.occurrence, third.occurrence]).toEqual([1, 2, 3]);
			expect([first.grouped_into, second.grouped_into, third.grouped_into]).toEqual([null, first.id, first.id]);
			await until('first card', async () => (await eventRow(keys[0]))?.notified_at);
			await new Promise((r) => setTimeout(r, 3000));
			expect(posted('analytics')).toHaveLength(1); // the first one only
			expect((await eventRow(keys[1])).teams_status).toBeNull();

			const digest = await execute('failure-digest');
			const cards = posted('analytics');
			expect(cards).toHaveLength(2);
			const table = cardText(cards[1]);
			expect(table).toContain('grouped_dag');
			expect(table).toContain('오늘 3번째');
			expect(table).toContain('실패 2건'); // two failures, one row
			expect(checkWorkflowsMessage(cards[1].body)).toEqual({ valid: true, errors: [] });
			expect(outputOf(digest, 'Unreported failures')).toHaveLength(1);
			for (const key of keys.slice(1)) expect((await eventRow(key)).notified_at).not.toBeNull();
			// nothing left: the next digest posts nothing
			const again = await execute('failure-digest');
			expect(posted('analytics')).toHaveLength(2);
		});

		it('once the first is acknowledged, a new repeat is a new group with a card of its own', async () => {
			await db.query(`UPDATE pipeline_monitor.events SET acknowledged_at = now(), acknowledged_by = 'han@example.com' WHERE event_key = 'airflow|grouped_dag|manual__g1|load|1'`);
			teams.clear();
			const answer = await post({ dag_id: 'grouped_dag', task_id: 'load', try_number: 1, exception: "KeyError: 'order_date' (grouping test)", run_id: 'manual__g4' });
			const row = await until('card of the fourth', async () => ((await eventRow(String(answer.json.eventKey)))?.notified_at ? eventRow(String(answer.json.eventKey)) : null));
			expect(row).toMatchObject({ occurrence: 4, grouped_into: null });
			expect(posted('analytics')).toHaveLength(1);
		});
	});

	describe('escalation', () => {
		const insert = async (key: string, pipeline: string, minutesAgo: number, extra = '') => {
			await db.query(
				`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, message, received_at, notified_at, teams_status)
				 VALUES ($1, 'airflow', 'failure', $2, $1, 'load', 'RuntimeError: escalation test', now() - make_interval(mins => $3::integer), now(), 202)`,
				[key, pipeline, minutesAgo],
			);
			if (extra) await db.query(`UPDATE pipeline_monitor.events SET ${extra} WHERE event_key = $1`, [key]);
			return eventRow(key);
		};
		const backdate = (keys: string[], minutes: number) => db.query(`UPDATE pipeline_monitor.events SET received_at = received_at - make_interval(mins => $2::integer) WHERE event_key = ANY($1)`, [keys, minutes]);

		beforeAll(async () => {
			await db.query(`INSERT INTO pipeline_monitor.pipelines (pipeline, service, owner, escalate_after_min, muted_until, teams_channel) VALUES
				('esc_dag', 'airflow', 'kim@example.com', NULL, NULL, 'data-eng'),
				('fast_dag', 'airflow', 'lee@example.com', 5, NULL, NULL),
				('muted_dag', 'airflow', 'kim@example.com', NULL, now() + interval '1 hour', NULL),
				('ack_dag', 'airflow', 'kim@example.com', NULL, NULL, NULL),
				('team_owned_dag', 'airflow', 'data-eng', 5, NULL, NULL)`);
		});

		it('escalates an unacknowledged failure once, after its delay (30 min default, 5 min per pipeline), mentioning the owner; never an acknowledged, muted or grouped one', async () => {
			const e1 = await insert('esc1', 'esc_dag', 29);
			await insert('esc1-repeat', 'esc_dag', 28, `occurrence = 2, grouped_into = ${e1.id}`);
			await insert('fast1', 'fast_dag', 6);
			await insert('muted1', 'muted_dag', 120);
			await insert('ack1', 'ack_dag', 120, "acknowledged_at = now() - interval '100 minutes'");
			await insert('old1', 'esc_dag', 25 * 60); // older than maxAgeHours (24): history, not escalated
			teams.clear();

			// 29 minutes: esc_dag waits; fast_dag (5 min) is due
			const first = await execute('escalation');
			expect(posted('escalation')).toHaveLength(1);
			expect(teams.posted()).toHaveLength(1);
			const card = posted('escalation')[0];
			expect(checkWorkflowsMessage(card.body)).toEqual({ valid: true, errors: [] });
			expect(cardText(card)).toContain('fast_dag');
			expect(cardText(card)).not.toContain('esc_dag');
			const content = (card.body as { attachments: Array<{ content: { msteams?: { entities?: unknown[] } } }> }).attachments[0].content;
			expect(content.msteams?.entities).toEqual([{ type: 'mention', text: '<at>lee</at>', mentioned: { id: 'lee@example.com', name: 'lee' } }]);
			expect(cardText(card)).toContain('<at>lee</at>');
			expect((await eventRow('fast1')).escalated_at).not.toBeNull();
			expect((await eventRow('fast1')).escalation_status).toBe(202);
			expect((await eventRow('esc1')).escalated_at).toBeNull();

			// the clock moves on: esc1 is now 31 minutes old
			await backdate(['esc1', 'esc1-repeat'], 2);
			teams.clear();
			const second = await execute('escalation');
			expect(posted('escalation')).toHaveLength(1);
			const text = cardText(posted('escalation')[0]);
			expect(text).toContain('esc_dag');
			expect(text).toContain('오늘 2회'); // the grouped repeat is counted, not escalated on its own
			expect(text).not.toContain('fast_dag');
			expect(JSON.stringify(posted('escalation')[0].body)).toContain('"mentioned":{"id":"kim@example.com","name":"kim"}');
			expect((await eventRow('esc1')).escalated_at).not.toBeNull();
			expect((await eventRow('esc1-repeat')).escalated_at).toBeNull();

			// once: later runs post nothing more
			teams.clear();
			await backdate(['esc1', 'fast1'], 60);
			const third = await execute('escalation');
			expect(teams.received).toHaveLength(0);
			for (const key of ['muted1', 'ack1', 'old1', 'esc1-repeat']) expect((await eventRow(key)).escalated_at).toBeNull();
		});

		it('an owner that is not a person is shown but not mentioned; a card Teams refused is escalated again on the next run, then only once', async () => {
			await insert('team1', 'team_owned_dag', 10);
			teams.clear();
			teams.failNext({ status: 503, body: 'busy' }, { status: 503, body: 'busy' });
			const refused = await execute('escalation');
			expect(teams.posted()).toHaveLength(0);
			expect(await eventRow('team1')).toMatchObject({ escalated_at: null, escalation_status: 503 });

			const retried = await execute('escalation');
			expect(posted('escalation')).toHaveLength(1);
			const body = JSON.stringify(posted('escalation')[0].body);
			expect(body).toContain('team_owned_dag');
			expect(body).not.toContain('"entities"');
			expect((await eventRow('team1')).escalated_at).not.toBeNull();
			const once = await execute('escalation');
			expect(posted('escalation')).toHaveLength(1);
		});
	});
});

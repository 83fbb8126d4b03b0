/**
 * Issue 14, the rest, in real n8n 2.x (test/rig/stack.mjs): the buttons and the mute of the n8n
 * error collector's and the failure digest's cards, and a monitored table's own Teams channel.
 * workflows/n8n-error-collector.json, failure-digest.json, failure-actions.json, escalation.json,
 * airflow-failure-collector.json, failure-reporter.json and row-count-monitor.json imported unchanged (only their
 * Settings set), the package installed as community package, embedded Postgres with
 * workflows/schema.sql, the OpenAPI-checked Airflow simulator, the OpenAI-compatible stand-in and
 * the Teams receiver (one Workflows URL per channel). Every card is checked against the Adaptive
 * Card schema (test/fixtures/reference).
 *
 * The n8n error collector is started by n8n itself: a trigger makes the Airflow failure reporter's
 * Save Summary fail for the DAG "cardsbreak_dag", so that production execution fails and n8n runs
 * its error workflow (the n8n error collector) for it. (Only the summary's update is refused.)
 *
 * Run alone: node <n8n node 24> node_modules/jest/bin/jest.js --ci --runTestsByPath test/real/respond-cards.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { button, buttonsOf, formOf } from '../support/actions/cardLinks';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai/server';
import { connectMonitor, freePort, launchStack, outputOf, type Stack, stopAll } from '../support/stack/launch';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { startTeamsReceiver, type ReceivedMessage, type TeamsReceiver } from '../support/teams/receiver';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;
if (!ready) console.warn('[real tier] skipped: dist/ missing; run `npm run build` first');

jest.setTimeout(240_000);

const FLOW = { default: '4f1c0ffee', 'data-eng': 'dataeng01', ops: 'operation1' } as const;
type Channel = keyof typeof FLOW;
const COLLECTOR = 'Pipeline Monitor: Airflow failure reporter';
const BREAKS = 'cards test: summary refused';
const NOTE = 'renamed the summaries table back';

let airflow: Simulator;
let teams: TeamsReceiver;
let openai: OpenAiTestServer;
let stack: Stack;
let db: Client;
let actionUrl = '';
let statusUrl = '';
let teamsUrl = '';
let runs = 0;

const posted = (channel: Channel) => teams.posted().filter((m) => m.path === `/workflows/${FLOW[channel]}/triggers/manual/paths/invoke`);
const channelUrl = (flow: string) => teamsUrl.replace(`/workflows/${FLOW.default}/`, `/workflows/${flow}/`);
/** Card text without markdown escapes. */
const cardText = (m: ReceivedMessage) => JSON.stringify(m.body).replace(/\\\\/g, '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 150_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms\n${stack.n8nLog().slice(-3000)}`);
		await sleep(300);
	}
}

async function get(url: string): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { redirect: 'manual' });
	return { status: res.status, text: await res.text() };
}

async function post(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
	return { status: res.status, text: await res.text() };
}

/** Fails one production execution of the Airflow collector; n8n runs the n8n error collector for it. Answers its stored n8n event row. */
async function failCollector(): Promise<Record<string, unknown>> {
	const before = (await db.query("SELECT coalesce(max(id), 0)::bigint AS id FROM pipeline_monitor.events WHERE source = 'n8n'")).rows[0].id as string;
	runs += 1;
	const res = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), {
		method: 'POST',
		headers: { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken },
		body: JSON.stringify({ dag_id: 'cardsbreak_dag', run_id: `manual__cards_${runs}`, task_id: 't', try_number: 1, exception: `RuntimeError: cards ${runs}` }),
	});
	expect(res.status).toBe(202);
	// done: carded (notified or refused) or suppressed
	return until('the n8n error collector', async () => {
		const { rows } = await db.query("SELECT * FROM pipeline_monitor.events WHERE source = 'n8n' AND id > $1 AND message LIKE $2 ORDER BY id LIMIT 1", [before, `%${BREAKS}%`]);
		const row = rows[0];
		return row && (row.notified_at || row.teams_status || row.suppressed_at) ? row : null;
	});
}

maybe('n8n error collector and failure digest cards: buttons, mute, table channels (real n8n)', () => {
	beforeAll(async () => {
		airflow = await startAirflow({ version: 'v2', dags: 2, runsPerDag: 2, seed: 14, auth: { disabled: true } } as Parameters<typeof startAirflow>[0]);
		teams = await startTeamsReceiver({ rateLimit: false });
		teamsUrl = teams.workflowsUrl;
		openai = await startOpenAiServer();
		const port = await freePort();
		actionUrl = `http://localhost:${port}/webhook/pipeline-monitor/action`;
		statusUrl = `http://localhost:${port}/webhook/pipeline-monitor/status`;
		const channels = JSON.stringify({ 'data-eng': channelUrl(FLOW['data-eng']), ops: channelUrl(FLOW.ops) });
		const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
		stack = await launchStack({
			workflows: ['n8n-error-collector', 'airflow-failure-collector', 'failure-reporter', 'failure-digest', 'failure-actions', 'row-count-monitor', 'escalation'],
			n8nPort: port,
			airflow: { baseUrl: airflow.url, apiVersion: 'v2', authType: 'none' },
			teams: { webhookUrl: teams.workflowsUrl, channels },
			openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
			settings: {
				// every failure its own card (no folding window), and no 20 s wait for repeats
				'n8n-error-collector': { language: 'en', useModel: false, actionUrl, reportUrl: statusUrl, repeatWindowMinutes: 0, repeatWaitSeconds: 1 },
				// the reporter is the workflow that fails here (its summary is refused); a failed run's claim is not taken again during the test
				'failure-reporter': { useModel: false, leaseSeconds: 3600 },
				'failure-digest': { language: 'en', actionUrl, reportUrl: statusUrl, graceMinutes: 0 },
				'failure-actions': { language: 'en' },
				'row-count-monitor': { language: 'en' },
				escalation: { language: 'en', actionUrl, reportUrl: statusUrl, escalationChannel: 'ops' },
			},
			seedSql: `
				INSERT INTO pipeline_monitor.pipelines (pipeline, service, owner, teams_channel, runbook_url) VALUES
				  (${q(COLLECTOR)}, 'n8n', 'kim@example.com', 'data-eng', 'https://wiki.example.com/runbooks/collector'),
				  ('digest_dag', 'airflow', 'lee@example.com', 'data-eng', NULL),
				  ('quiet_dag', 'airflow', 'lee@example.com', 'data-eng', NULL),
				  ('tables_dag', 'airflow', 'han@example.com', 'data-eng', NULL),
				  ('late_dag', 'airflow', 'choi@example.com', NULL, 'https://wiki.example.com/runbooks/late');
				INSERT INTO pipeline_monitor.runbooks (category, url) SELECT c, 'https://wiki.example.com/runbooks/category-' || c
				  FROM unnest(ARRAY['code','data','dependency','infrastructure','permission','timeout','resource','external_service','unknown']) AS c;
				CREATE SCHEMA demo;
				CREATE TABLE demo.own_channel (id int);
				CREATE TABLE demo.pipeline_channel (id int);
				CREATE TABLE demo.typo_channel (id int);
				INSERT INTO pipeline_monitor.monitored_tables (table_name, pipeline, teams_channel) VALUES
				  ('demo.own_channel', 'tables_dag', 'ops'), ('demo.pipeline_channel', 'tables_dag', '  '), ('demo.typo_channel', 'tables_dag', 'nowhere');
				CREATE FUNCTION pipeline_monitor.cards_break() RETURNS trigger LANGUAGE plpgsql AS $f$
				BEGIN
					IF NEW.source = 'airflow' AND NEW.pipeline = 'cardsbreak_dag' AND NEW.summarized_at IS NOT NULL AND OLD.summarized_at IS NULL THEN RAISE EXCEPTION '${BREAKS}'; END IF;
					RETURN NEW;
				END $f$;
				CREATE TRIGGER cards_break BEFORE UPDATE ON pipeline_monitor.events FOR EACH ROW EXECUTE FUNCTION pipeline_monitor.cards_break();
			`,
		});
		db = await connectMonitor(stack);
	}, 420_000);

	afterAll(async () => {
		await stopAll(db, stack, airflow, teams, openai);
	}, 120_000);

	describe('n8n error collector', () => {
		let firstButtons: ReturnType<typeof buttonsOf> = [];

		it('cards a failed execution with Runbook, Log (the execution), Status page, Acknowledge and Mute, and no Retry, in its workflow\'s channel', async () => {
			teams.clear();
			const row = await failCollector();
			expect(row).toMatchObject({ pipeline: COLLECTOR, teams_status: 202, suppressed_at: null });
			const cards = posted('data-eng');
			expect(cards).toHaveLength(1);
			expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
			firstButtons = buttonsOf(cards[0].body);
			expect(firstButtons.map((b) => b.title)).toEqual(['Runbook', 'Log', 'Status page', 'Acknowledge', 'Mute']);
			expect(button(firstButtons, 'Runbook')).toBe('https://wiki.example.com/runbooks/collector');
			expect(button(firstButtons, 'Log')).toBe(row.url);
			expect(String(row.url)).toMatch(/\/workflow\/pmFailureReport1\/executions\/\d+$/);
			expect(button(firstButtons, 'Status page')).toBe(statusUrl);
			for (const title of ['Acknowledge', 'Mute']) {
				const url = new URL(button(firstButtons, title));
				expect(url.origin + url.pathname).toBe(actionUrl);
				expect(url.searchParams.get('e')).toBe(String(row.id));
				expect(url.searchParams.get('p')).toBe(COLLECTOR);
			}
			expect(cardText(cards[0])).not.toContain(stack.secrets.actionKey);
		});

		it('its Acknowledge link confirms on GET and acknowledges on POST; the next failure with that fingerprint shows the note', async () => {
			const ack = button(firstButtons, 'Acknowledge');
			const page = await get(ack);
			expect(page.status).toBe(200);
			const eventId = new URL(ack).searchParams.get('e');
			expect((await db.query('SELECT acknowledged_at FROM pipeline_monitor.events WHERE id = $1', [eventId])).rows[0].acknowledged_at).toBeNull();
			const done = await post(ack, { ...formOf(page.text), actor: 'Kim Minji', note: NOTE });
			expect(done.status).toBe(200);
			const acked = (await db.query('SELECT acknowledged_by, resolution_note, fingerprint FROM pipeline_monitor.events WHERE id = $1', [eventId])).rows[0];
			expect(acked).toMatchObject({ acknowledged_by: 'Kim Minji', resolution_note: NOTE });
			expect(acked.fingerprint).toBeTruthy();

			teams.clear();
			const second = await failCollector();
			expect(second.fingerprint).toBe(acked.fingerprint);
			const cards = posted('data-eng');
			expect(cards).toHaveLength(1);
			expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
			const day = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10); // Asia/Seoul
			expect(cardText(cards[0])).toContain(`${day}, resolved by Kim Minji: ${NOTE}`);
		});

		it('after Mute, a failure of the workflow is stored without a card and its row says why; the digest does not card it later', async () => {
			const mute = button(firstButtons, 'Mute');
			const page = await get(mute);
			expect(page.status).toBe(200);
			expect((await post(mute, { ...formOf(page.text), actor: 'Lee Jun', hours: '1' })).status).toBe(200);
			const until = (await db.query('SELECT muted_until FROM pipeline_monitor.pipelines WHERE pipeline = $1', [COLLECTOR])).rows[0].muted_until as Date;
			expect(until.getTime()).toBeGreaterThan(Date.now());

			teams.clear();
			const row = await failCollector();
			expect(row.suppressed_at).not.toBeNull();
			expect(row.suppressed_reason).toBe(`muted until ${until.toISOString().slice(0, 19)}Z by Lee Jun`);
			expect(row).toMatchObject({ notified_at: null, teams_status: null });
			await sleep(3000);
			expect(teams.received).toHaveLength(0);

			// the failed Airflow collector runs left unsummarized events of cardsbreak_dag: reported elsewhere
			await db.query("UPDATE pipeline_monitor.events SET notified_at = now() WHERE pipeline = 'cardsbreak_dag'");
			const digest = await stack.execute(stack.workflowIds['failure-digest']);
			expect(digest.result.data.resultData.error).toBeUndefined();
			expect(teams.received).toHaveLength(0);
			// the mute ends: the failure from the muted hour stays uncarded
			await db.query('UPDATE pipeline_monitor.pipelines SET muted_until = now() - interval \'1 minute\' WHERE pipeline = $1', [COLLECTOR]);
			await stack.execute(stack.workflowIds['failure-digest']);
			expect(teams.received).toHaveLength(0);
			expect((await db.query('SELECT notified_at FROM pipeline_monitor.events WHERE id = $1', [row.id])).rows[0].notified_at).toBeNull();
		});
	});

	describe('failure digest', () => {
		it('gives each row Runbook, Log, Status page, Acknowledge, Mute (Retry for a single Airflow failure) and what fixed it last time; a muted pipeline\'s failures get no row and say why', async () => {
			const insert = (key: string, pipeline: string, source: string, extra: Record<string, unknown> = {}) =>
				db.query(
					// reported_at: the failure reporter already handled them (its own card was refused: teams_status)
					`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, try_number, message, url, log_url, received_at, teams_status, fingerprint, category, acknowledged_at, acknowledged_by, resolution_note, notified_at, reported_at)
					 VALUES ($1, $2, 'failure', $3, $1, 'load', 1, 'RuntimeError: digest test', 'https://airflow.example.com/run/' || $1, $4, $5::timestamptz, $6::integer, $7, $8, $9::timestamptz, $10, $11, $12::timestamptz, $5::timestamptz) RETURNING id::text`,
					[key, source, pipeline, extra.log_url ?? null, extra.received_at ?? new Date().toISOString(), extra.teams_status ?? 503, extra.fingerprint ?? null, extra.category ?? 'data', extra.acknowledged_at ?? null, extra.acknowledged_by ?? null, extra.resolution_note ?? null, extra.notified_at ?? null],
				);
			// what fixed fingerprint fp-digest last time: an acknowledged earlier failure (already reported)
			await insert('dg-old', 'digest_dag', 'airflow', { fingerprint: 'fp-digest', received_at: '2026-11-12T01:00:00Z', acknowledged_at: '2026-11-12T01:30:00Z', acknowledged_by: 'Park', resolution_note: 'reloaded the export', notified_at: '2026-11-12T01:00:05Z' });
			const single = (await insert('dg-1', 'digest_dag', 'airflow', { fingerprint: 'fp-digest', log_url: 'https://airflow.example.com/log/dg-1' })).rows[0].id as string;
			const n8nRow = (await insert('dg-n8n', 'digest_dag', 'n8n', { fingerprint: 'fp-n8n', category: 'code' })).rows[0].id as string;
			await db.query("UPDATE pipeline_monitor.pipelines SET muted_until = now() + interval '2 hours' WHERE pipeline = 'quiet_dag'");
			const quiet = (await insert('dg-quiet', 'quiet_dag', 'airflow', { fingerprint: 'fp-quiet' })).rows[0].id as string;

			teams.clear();
			const run = await stack.execute(stack.workflowIds['failure-digest']);
			expect(run.result.data.resultData.error).toBeUndefined();
			const cards = posted('data-eng');
			expect(cards).toHaveLength(1);
			expect(teams.received).toHaveLength(1);
			expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
			const text = cardText(cards[0]);
			expect(text).not.toContain('quiet_dag');
			expect(text).toContain('2026-11-12, resolved by Park: reloaded the export');
			const links = outputOf(run, 'Add Action Links');
			const byEvent = (id: string) => links.find((l) => l.eventId === id)!.links as Array<{ title: string; url: string }>;
			expect(byEvent(single).map((b) => b.title)).toEqual(['Runbook', 'Log', 'Status page', 'Acknowledge', 'Retry failed tasks', 'Mute']);
			expect(byEvent(single)[0].url).toBe('https://wiki.example.com/runbooks/category-data');
			expect(byEvent(single)[1].url).toBe('https://airflow.example.com/log/dg-1');
			expect(byEvent(n8nRow).map((b) => b.title)).toEqual(['Runbook', 'Log', 'Status page', 'Acknowledge', 'Mute']);
			expect(byEvent(n8nRow)[0].url).toBe('https://wiki.example.com/runbooks/category-code');
			// the buttons are on the card, in the rows' action sets
			const titles = buttonsOf(cards[0].body).map((b) => b.title);
			expect(titles.filter((t) => t === 'Acknowledge')).toHaveLength(2);
			expect(titles.filter((t) => t === 'Retry failed tasks')).toHaveLength(1);
			const retry = new URL(buttonsOf(cards[0].body).find((b) => b.title === 'Retry failed tasks')!.url);
			expect(retry.searchParams.get('e')).toBe(single);
			expect(retry.origin + retry.pathname).toBe(actionUrl);

			const rows = (await db.query("SELECT id::text, notified_at, suppressed_at, suppressed_reason FROM pipeline_monitor.events WHERE event_key IN ('dg-1', 'dg-n8n', 'dg-quiet')")).rows;
			const of = (id: string) => rows.find((r) => r.id === id)!;
			expect(of(single).notified_at).not.toBeNull();
			expect(of(n8nRow).notified_at).not.toBeNull();
			expect(of(quiet).notified_at).toBeNull();
			expect(of(quiet).suppressed_reason).toMatch(/^muted until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

			// nothing left, and the mute's end does not bring the muted failure back
			await db.query("UPDATE pipeline_monitor.pipelines SET muted_until = NULL WHERE pipeline = 'quiet_dag'");
			teams.clear();
			await stack.execute(stack.workflowIds['failure-digest']);
			expect(teams.received).toHaveLength(0);
		});
	});

	describe('escalation', () => {
		it('the escalation card has Runbook, Log, Status page, Acknowledge, Retry and Mute; its Acknowledge acts; a failure suppressed while muted is never escalated', async () => {
			await db.query(`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, message, log_url, received_at, notified_at, teams_status, suppressed_at, suppressed_reason, reported_at) VALUES
				('esc-late', 'airflow', 'failure', 'late_dag', 'manual__late', 'load', 'RuntimeError: escalation buttons', 'https://airflow.example.com/log/late', now() - interval '40 minutes', now(), 202, NULL, NULL, now() - interval '40 minutes'),
				('esc-muted', 'airflow', 'failure', 'quiet_dag', 'manual__quiet', 'load', 'RuntimeError: came while muted', NULL, now() - interval '40 minutes', NULL, NULL, now() - interval '40 minutes', 'muted until 2026-11-30T12:00:00Z', now() - interval '40 minutes')`);
			teams.clear();
			const run = await stack.execute(stack.workflowIds.escalation);
			expect(run.result.data.resultData.error).toBeUndefined();
			const cards = posted('ops');
			expect(cards).toHaveLength(1);
			expect(teams.received).toHaveLength(1);
			expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
			expect(cardText(cards[0])).toContain('late_dag');
			expect(cardText(cards[0])).not.toContain('came while muted');
			const buttons = buttonsOf(cards[0].body);
			expect(buttons.map((b) => b.title)).toEqual(['Runbook', 'Log', 'Status page', 'Acknowledge', 'Retry failed tasks', 'Mute']);
			expect(button(buttons, 'Runbook')).toBe('https://wiki.example.com/runbooks/late');
			expect(button(buttons, 'Log')).toBe('https://airflow.example.com/log/late');
			const ack = button(buttons, 'Acknowledge');
			const page = await get(ack);
			expect(page.status).toBe(200);
			expect((await post(ack, { ...formOf(page.text), actor: 'Choi' })).status).toBe(200);
			const rows = (await db.query("SELECT event_key, escalated_at, acknowledged_by FROM pipeline_monitor.events WHERE event_key IN ('esc-late', 'esc-muted') ORDER BY event_key")).rows;
			expect(rows[0]).toMatchObject({ event_key: 'esc-late', acknowledged_by: 'Choi' });
			expect(rows[0].escalated_at).not.toBeNull();
			expect(rows[1]).toMatchObject({ event_key: 'esc-muted', escalated_at: null });
		});
	});

	describe('row-count monitor', () => {
		it('a table naming its own channel goes there, else to its pipeline\'s; an unknown channel goes to the default one, said in the card footer and the item', async () => {
			teams.clear();
			const run = await stack.execute(stack.workflowIds['row-count-monitor']);
			expect(run.result.data.resultData.error).toBeUndefined();
			const text = (c: Channel) => posted(c).map(cardText).join('\n');
			expect(text('ops')).toContain('demo.own_channel');
			expect(text('ops')).not.toContain('demo.pipeline_channel');
			expect(text('data-eng')).toContain('demo.pipeline_channel');
			expect(text('data-eng')).not.toContain('demo.own_channel');
			expect(text('default')).toContain('demo.typo_channel');
			expect(text('default')).not.toContain('demo.own_channel');
			for (const m of teams.posted()) expect(checkWorkflowsMessage(m.body)).toEqual({ valid: true, errors: [] });
			for (const m of posted('default')) {
				const body = (m.body as { attachments: Array<{ content: { body: Array<{ type: string; text?: string; color?: string }> } }> }).attachments[0].content.body;
				const footer = body[body.length - 1];
				expect(footer).toMatchObject({ type: 'TextBlock', color: 'Warning' });
				expect(footer.text).toContain('Sent to the default channel: channel "nowhere" is not configured');
			}
			const items = outputOf(run, 'Post daily loaded rows to Teams');
			expect(items.find((i) => i.channel === 'nowhere')).toMatchObject({ delivered: true, fallback: 'channel "nowhere" is not configured' });
			expect(items.find((i) => i.channel === 'ops')).toMatchObject({ delivered: true, fallback: null });
		});
	});
});

/**
 * Acting from the card (issue 14 parts 2-4) in real n8n 2.x (test/rig/stack.mjs):
 * workflows/airflow-failure-collector.json and workflows/failure-actions.json imported unchanged
 * (only their Settings set: language, the action URL), the package installed as community
 * package, embedded Postgres with workflows/schema.sql, the OpenAPI-checked Airflow simulator and
 * the Teams receiver in this process.
 *
 * A failure's card carries Runbook, Log, Status page and signed Acknowledge / Retry / Mute links;
 * GETs (a person, a link previewer, a safe-link scanner) only get the confirmation page; the
 * page's POST acts; replayed, tampered and expired links and bad forms do nothing; a later failure
 * with the same fingerprint shows what fixed the first one.
 * Run alone: node <n8n node 24> node_modules/jest/bin/jest.js --runTestsByPath test/real/actions.test.ts
 */
import { Client } from 'pg';
import { linkUrl, signLink } from '../../nodes/logic/actions/sign';
import { button, buttonsOf, formOf, type OpenUrl } from '../support/actions/cardLinks';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai/server';
import { connectMonitor, freePort, launchStack, type Stack, stopAll } from '../support/stack/launch';
import { checkWorkflowsMessage } from '../support/teams/cardSchema';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

jest.setTimeout(240_000);

let airflow: Simulator;
let teams: TeamsReceiver;
let openai: OpenAiTestServer;
let stack: Stack;
let db: Client;
let actionUrl: string;
let task: { dagId: string; runId: string; taskId: string; tryNumber: number };

const MESSAGE_DAG = 'orders_daily_load';
const EXCEPTION = 'psycopg2.errors.UndefinedTable: relation "staging.orders_tmp" does not exist';
const RESOLUTION = 're-ran after the upstream export finished';

async function callback(body: Record<string, unknown>): Promise<string> {
	const res = await fetch(stack.webhook('pipeline-monitor/airflow-callback'), {
		method: 'POST',
		headers: { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken },
		body: JSON.stringify(body),
	});
	if (res.status !== 202) throw new Error(`callback answered ${res.status}: ${await res.text()}\n${stack.n8nLog().slice(-4000)}`);
	return ((await res.json()) as { eventKey: string }).eventKey;
}

async function reported(eventKey: string, timeoutMs = 150_000): Promise<{ id: string; fingerprint: string | null }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { rows } = await db.query('SELECT id::text, fingerprint, notified_at, teams_status FROM pipeline_monitor.events WHERE event_key = $1', [eventKey]);
		if (rows[0] && (rows[0].notified_at !== null || rows[0].teams_status !== null)) return rows[0];
		if (Date.now() > deadline) throw new Error(`event ${eventKey} was not reported: ${JSON.stringify(rows[0])}\n${stack.n8nLog().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** The one card that names `text`, and the buttons of its row (Action.OpenUrl in ActionSets). */
function cardWith(text: string): { card: string; buttons: OpenUrl[]; body: unknown } {
	const cards = teams.received.filter((m) => JSON.stringify(m.body).includes(text));
	expect(cards).toHaveLength(1);
	expect(checkWorkflowsMessage(cards[0].body)).toEqual({ valid: true, errors: [] });
	return { card: JSON.stringify(cards[0].body), buttons: buttonsOf(cards[0].body), body: cards[0].body };
}


async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
	const res = await fetch(url, { headers, redirect: 'manual' });
	return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** POSTs a form as a browser does (application/x-www-form-urlencoded) to the link's URL. */
async function post(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
	return { status: res.status, text: await res.text() };
}

async function actionRows(): Promise<Array<Record<string, unknown>>> {
	return (await db.query('SELECT id, event_id::text, pipeline, action, nonce, actor, note, outcome, detail FROM pipeline_monitor.actions ORDER BY id')).rows;
}

const clears = () => airflow.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/clearTaskInstances'));

beforeAll(async () => {
	airflow = await startAirflow({ version: 'v2', dags: 4, runsPerDag: 5, seed: 14, auth: { disabled: true }, failureRate: 0.6 } as Parameters<typeof startAirflow>[0]);
	teams = await startTeamsReceiver({ rateLimit: false });
	openai = await startOpenAiServer();
	found: for (const run of airflow.world.runs) {
		if (run.state !== 'failed') continue;
		for (const t of airflow.world.tasks(run)) {
			if (t.state === 'failed') {
				task = { dagId: run.dagId, runId: run.runId, taskId: t.taskId, tryNumber: t.tryNumber };
				break found;
			}
		}
	}
	const port = await freePort();
	actionUrl = `http://localhost:${port}/webhook/pipeline-monitor/action`;
	const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
	stack = await launchStack({
		workflows: ['n8n-error-collector', 'airflow-failure-collector', 'failure-reporter', 'failure-actions', 'status-page'],
		n8nPort: port,
		airflow: { baseUrl: airflow.url, apiVersion: 'v2', authType: 'none' },
		teams: { webhookUrl: teams.workflowsUrl },
		openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
		settings: {
			'failure-reporter': { language: 'en', useModel: false, actionUrl, reportUrl: `http://localhost:${port}/webhook/pipeline-monitor/status` },
			'failure-actions': { language: 'en', timezone: 'Asia/Seoul' },
		},
		seedSql: [
			`INSERT INTO pipeline_monitor.pipelines (pipeline, service, runbook_url) VALUES (${q(task.dagId)}, 'airflow', ${q(`https://wiki.example.com/runbooks/${task.dagId}`)})`,
			// a malformed runbook: left out with a warning, the category's default is used instead
			`INSERT INTO pipeline_monitor.pipelines (pipeline, service, runbook_url) VALUES (${q(MESSAGE_DAG)}, 'airflow', 'javascript:alert(1)')`,
			`INSERT INTO pipeline_monitor.runbooks (category, url) SELECT c, 'https://wiki.example.com/runbooks/category-' || c FROM unnest(ARRAY['code','data','dependency','infrastructure','permission','timeout','resource','external_service','unknown']) AS c`,
		].join(';\n'),
	});
	db = await connectMonitor(stack);
}, 420_000);

afterAll(async () => {
	await stopAll(db, stack, airflow, teams, openai);
}, 120_000);

describe('acting from the card behind a safe gate', () => {
	let buttons: OpenUrl[];
	let eventId: string;

	it('posts a failure card with Runbook, Log, Status page, Acknowledge, Retry and Mute buttons (schema-valid, 6 at most)', async () => {
		const eventKey = await callback({ dag_id: task.dagId, run_id: task.runId, task_id: task.taskId, try_number: task.tryNumber, state: 'failed', log_url: `${airflow.url}/log?dag_id=${task.dagId}` });
		eventId = (await reported(eventKey)).id;
		const found = cardWith(task.dagId);
		buttons = found.buttons;
		expect(buttons.map((b) => b.title)).toEqual(['Runbook', 'Log', 'Status page', 'Acknowledge', 'Retry failed tasks', 'Mute']);
		expect(button(buttons, 'Runbook')).toBe(`https://wiki.example.com/runbooks/${task.dagId}`);
		expect(button(buttons, 'Log')).toBe(`${airflow.url}/log?dag_id=${task.dagId}`);
		for (const title of ['Acknowledge', 'Retry failed tasks', 'Mute']) {
			const url = new URL(button(buttons, title));
			expect(url.origin + url.pathname).toBe(actionUrl);
			expect([...url.searchParams.keys()].sort()).toEqual(['a', 'e', 'n', 'p', 's', 'x']);
			expect(url.searchParams.get('e')).toBe(eventId);
			expect(Number(url.searchParams.get('x')) - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
		}
		// the key signs the links but is in no card
		expect(found.card).not.toContain(stack.secrets.actionKey);
	});

	it('answers GETs, also from link previewers and safe-link scanners, with a confirmation page only: nothing cleared, nothing stored', async () => {
		const retry = button(buttons, 'Retry failed tasks');
		const agents = [
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
			'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
			'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)',
			'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
		];
		for (const link of [retry, button(buttons, 'Acknowledge'), button(buttons, 'Mute')]) {
			for (const agent of agents) {
				const page = await get(link, { 'user-agent': agent });
				expect(page.status).toBe(200);
				expect(page.type).toMatch(/^text\/html/);
				expect(page.text).toContain('<form method="post">');
				expect(page.text).toContain('default-src &#39;none&#39;');
				expect(page.text).not.toContain(stack.secrets.actionKey);
			}
			// a scanner that follows with HEAD gets no more than the page either
			await fetch(link, { method: 'HEAD' }).catch(() => undefined);
		}
		expect(clears()).toEqual([]);
		expect(await actionRows()).toEqual([]);
		const { rows } = await db.query('SELECT acknowledged_at FROM pipeline_monitor.events WHERE id = $1', [eventId]);
		expect(rows[0].acknowledged_at).toBeNull();
		expect((await db.query('SELECT muted_until FROM pipeline_monitor.pipelines WHERE pipeline = $1', [task.dagId])).rows[0].muted_until).toBeNull();
	});

	it('refuses tampered and incomplete links with 403 on GET and POST, and stores nothing', async () => {
		const retry = new URL(button(buttons, 'Retry failed tasks'));
		const page = await get(retry.href);
		const fields = formOf(page.text);
		expect(Object.keys(fields).sort()).toEqual(['a', 'e', 'n', 'p', 's', 'x']);
		const variants: Array<Record<string, string>> = [
			{ ...fields, e: String(Number(fields.e) + 1) }, // another failure
			{ ...fields, p: 'other_dag' },
			{ ...fields, a: 'mute' }, // another action
			{ ...fields, x: String(Number(fields.x) + 3600) }, // a longer life
			{ ...fields, s: fields.s.slice(0, -2) + (fields.s.endsWith('AA') ? 'BB' : 'AA') },
			(({ s: _s, ...rest }) => rest)(fields), // no signature
			{},
		];
		for (const v of variants) {
			const url = new URL(actionUrl);
			for (const [k, val] of Object.entries(v)) url.searchParams.set(k, val);
			const viewed = await get(url.href);
			expect(viewed.status).toBe(403);
			expect(viewed.text).not.toContain('<form');
			const posted = await post(actionUrl, { ...v, actor: 'Mallory' });
			expect(posted.status).toBe(403);
			expect(posted.text).not.toContain(stack.secrets.actionKey);
		}
		// a field sent twice is not one value
		const twice = await fetch(actionUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${new URLSearchParams({ ...fields, actor: 'Mallory' })}&e=999` });
		expect(twice.status).toBe(403);
		expect(clears()).toEqual([]);
		expect(await actionRows()).toEqual([]);
	});

	it('refuses a POST whose form has no name with 400 and does nothing', async () => {
		const page = await get(button(buttons, 'Retry failed tasks'));
		const res = await post(actionUrl, { ...formOf(page.text), actor: '   ' });
		expect(res.status).toBe(400);
		expect(clears()).toEqual([]);
		expect(await actionRows()).toEqual([]);
	});

	it('retries on the POST: the Airflow node clears the failed tasks of that run (seen by the simulator), one row in actions', async () => {
		const link = button(buttons, 'Retry failed tasks');
		const page = await get(link);
		const res = await post(link, { ...formOf(page.text), actor: 'Kim Minji', note: 'retry after the fix' });
		expect(res.status).toBe(200);
		expect(res.text).toContain('The failed tasks were cleared');
		const seen = clears();
		expect(seen).toHaveLength(1);
		expect(seen[0].path).toBe(`/api/v2/dags/${encodeURIComponent(task.dagId)}/clearTaskInstances`);
		expect(seen[0].body).toMatchObject({ dag_run_id: task.runId, dry_run: false, only_failed: true });
		expect(seen[0].status).toBe(200);
		expect(airflow.violations).toEqual([]);
		const rows = await actionRows();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ event_id: eventId, pipeline: task.dagId, action: 'retry', actor: 'Kim Minji', note: 'retry after the fix', outcome: 'done', nonce: new URL(link).searchParams.get('n') });
		expect((rows[0].detail as { cleared: unknown[] }).cleared.length).toBeGreaterThan(0);
		expect(JSON.stringify(rows)).not.toContain(stack.secrets.actionKey);
	});

	it('refuses the same link again with 409 (GET and POST): no second clear; the refused POST is recorded without taking the nonce', async () => {
		const link = button(buttons, 'Retry failed tasks');
		const viewed = await get(link);
		expect(viewed.status).toBe(409);
		expect(viewed.text).not.toContain('<form');
		const again = await post(link, { ...Object.fromEntries(new URL(link).searchParams), actor: 'Kim Minji' });
		expect(again.status).toBe(409);
		expect(clears()).toHaveLength(1);
		const rows = await actionRows();
		expect(rows).toHaveLength(2);
		expect(rows[1]).toMatchObject({ action: 'retry', outcome: 'failed', nonce: null, actor: 'Kim Minji', detail: { refusal: 'replay', status: 409, nonce: new URL(link).searchParams.get('n') } });
	});

	it('refuses an expired link with 410 (GET and POST), records the POST, does nothing', async () => {
		const fields = signLink(stack.secrets.actionKey, { action: 'acknowledge', eventId, pipeline: task.dagId, expiresAt: Math.floor(Date.now() / 1000) - 60 });
		const link = linkUrl(actionUrl, fields);
		expect((await get(link)).status).toBe(410);
		const res = await post(actionUrl, { ...fields, actor: 'Late Lee' });
		expect(res.status).toBe(410);
		const rows = await actionRows();
		expect(rows).toHaveLength(3);
		expect(rows[2]).toMatchObject({ action: 'acknowledge', outcome: 'failed', nonce: null, actor: 'Late Lee', detail: { refusal: 'expired', status: 410 } });
		expect((await db.query('SELECT acknowledged_at FROM pipeline_monitor.events WHERE id = $1', [eventId])).rows[0].acknowledged_at).toBeNull();
	});

	it('mutes the pipeline for the chosen hours on the POST', async () => {
		const link = button(buttons, 'Mute');
		const page = await get(link);
		expect(page.text).toContain('<select id="hours" name="hours">');
		const before = Date.now();
		const res = await post(link, { ...formOf(page.text), actor: 'Park', hours: '8' });
		expect(res.status).toBe(200);
		const until = (await db.query('SELECT muted_until FROM pipeline_monitor.pipelines WHERE pipeline = $1', [task.dagId])).rows[0].muted_until as Date;
		expect(until.getTime() - before).toBeGreaterThan(8 * 3600_000 - 60_000);
		expect(until.getTime() - before).toBeLessThan(8 * 3600_000 + 60_000);
		expect((await actionRows()).at(-1)).toMatchObject({ action: 'mute', outcome: 'done', actor: 'Park', detail: { hours: 8 } });
	});
});

describe('what fixed it last time', () => {
	it('a second failure with a known fingerprint shows the first one’s resolution note on its card', async () => {
		const base = { dag_id: MESSAGE_DAG, task_id: 'load_orders', try_number: 1, state: 'failed', exception: EXCEPTION };
		const firstKey = await callback({ ...base, run_id: 'scheduled__2026-11-12T00:00:00+00:00' });
		const first = await reported(firstKey);
		expect(first.fingerprint).toBeTruthy();
		const firstCard = cardWith(MESSAGE_DAG);
		// the pipeline's runbook is malformed: left out with a warning in the footer, the category's runbook instead
		expect(firstCard.buttons[0].url).toMatch(/^https:\/\/wiki\.example\.com\/runbooks\/category-/);
		expect(firstCard.card).toContain('javascript:alert(1)');
		expect(firstCard.card).toContain('is not an http(s) URL');
		expect(firstCard.card).not.toContain('resolved by');

		const ack = button(firstCard.buttons, 'Acknowledge');
		const page = await get(ack);
		expect(page.status).toBe(200);
		const res = await post(ack, { ...formOf(page.text), actor: 'Choi Yuna', note: RESOLUTION });
		expect(res.status).toBe(200);
		const { rows } = await db.query('SELECT acknowledged_at, acknowledged_by, resolution_note FROM pipeline_monitor.events WHERE id = $1', [first.id]);
		expect(rows[0]).toMatchObject({ acknowledged_by: 'Choi Yuna', resolution_note: RESOLUTION });
		expect(rows[0].acknowledged_at).toBeInstanceOf(Date);

		const secondKey = await callback({ ...base, run_id: 'scheduled__2026-11-13T00:00:00+00:00' });
		const second = await reported(secondKey);
		expect(second.fingerprint).toBe(first.fingerprint);
		const cards = teams.received.filter((m) => JSON.stringify(m.body).includes(MESSAGE_DAG));
		expect(cards).toHaveLength(2);
		const text = JSON.stringify(cards[1].body);
		const day = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10); // Asia/Seoul
		expect(text).toContain(`${day}, resolved by Choi Yuna: ${RESOLUTION}`);
		expect(checkWorkflowsMessage(cards[1].body)).toEqual({ valid: true, errors: [] });
		// the confirmation page of the second failure shows it too
		const secondPage = await get(button(buttonsOf(cards[1].body), 'Acknowledge'));
		expect(secondPage.status).toBe(200);
		expect(secondPage.text).toContain(`${day}, resolved by Choi Yuna: ${RESOLUTION}`);
		// and the status page's entry of the second failure
		const auth = 'Basic ' + Buffer.from(`${stack.secrets.statusUser}:${stack.secrets.statusPassword}`).toString('base64');
		const status = await get(`${stack.webhook('pipeline-monitor/status')}?lang=en&tab=failure`, { authorization: auth });
		expect(status.status).toBe(200);
		expect(status.text).toContain(`Last time: ${day}, resolved by Choi Yuna: ${RESOLUTION}`);
	});
});

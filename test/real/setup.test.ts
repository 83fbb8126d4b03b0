/**
 * `npx n8n-nodes-pipeline-monitor setup` (bin/n8n-nodes-pipeline-monitor.cjs) against real n8n
 * 2.41.1 on embedded Postgres (test/rig/bare-n8n.mjs: the package installed as community
 * package, the monitor schema applied, nothing else): an owner and a public-API key are created as
 * an operator would (owner setup, then an API key with every scope the owner may grant), a second
 * Postgres credential and an unrelated workflow exist before. Bad input first (nothing may be
 * written), then the install, what the API shows, the webhooks, a no-op second run, and a run that
 * finishes an interrupted install and rotates a secret.
 * Run alone: npx jest --selectProjects real --runTestsByPath test/real/setup.test.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'n8n-nodes-pipeline-monitor.cjs');
const WORKFLOWS = path.join(ROOT, 'workflows');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes'));
const maybe = ready ? describe : describe.skip;

jest.setTimeout(120_000);

interface Bare {
	n8nUrl: string;
	monitorDb: { host: string; port: number; user: string; password: string; database: string };
	n8nLogFile: string;
}
interface WfNode {
	id?: string;
	name: string;
	type: string;
	parameters: Record<string, unknown> & { assignments?: { assignments: Array<{ name: string; value: unknown }> }; path?: string };
	credentials?: Record<string, { id: string; name: string }>;
	disabled?: boolean;
}
interface Workflow {
	id: string;
	name: string;
	active: boolean;
	activeVersionId?: string | null;
	versionId: string;
	updatedAt: string;
	isArchived?: boolean;
	nodes: WfNode[];
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
	staticData?: Record<string, unknown> | null;
}
interface Credential {
	id: string;
	name: string;
	type: string;
	updatedAt: string;
}

const FILES: Workflow[] = fs
	.readdirSync(WORKFLOWS)
	.filter((f) => f.endsWith('.json'))
	.map((f) => JSON.parse(fs.readFileSync(path.join(WORKFLOWS, f), 'utf8')) as Workflow);
const TRIGGERS = ['n8n-nodes-base.webhook', 'n8n-nodes-pipeline-monitor.pipelineWebhook', 'n8n-nodes-base.errorTrigger', 'n8n-nodes-base.scheduleTrigger'];
const runsByItself = (wf: Workflow) => wf.nodes.some((n) => TRIGGERS.includes(n.type) && !n.disabled);
const CALLBACK = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'callbacks', 'airflow2.json'), 'utf8')) as Record<string, unknown>;

let bare: Bare;
let child: ChildProcess;
let apiKey: string;
let values: Record<string, string>;
const APP_PASSWORD = 'pg-App-Secret-4d2e';
const secrets = () => [apiKey, values.PM_STATUS_PASSWORD, values.PM_CALLBACK_TOKEN, values.OPENAI_API_KEY, 'pg-Secret-0f4a', APP_PASSWORD, values.PM_TEAMS_WEBHOOK_URL];

async function startBare(): Promise<void> {
	child = spawn(process.execPath, [path.join(ROOT, 'test', 'rig', 'bare-n8n.mjs')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)));
	bare = await new Promise<Bare>((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`bare n8n did not start: ${stderr}`)), 300_000);
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			const line = out.split('\n').find((l) => l.startsWith('BARE_READY '));
			if (line) {
				clearTimeout(timer);
				resolve(JSON.parse(line.slice('BARE_READY '.length)) as Bare);
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`bare n8n exited with ${code}: ${stderr}`));
		});
	});
}

/** Owner set-up and an API key, as in the editor: POST /rest/owner/setup, then POST /rest/api-keys. */
async function createOwnerAndApiKey(url: string): Promise<string> {
	const headers = { 'content-type': 'application/json', 'browser-id': 'setup-test-browser' };
	const owner = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ email: 'owner@example.com', firstName: 'Setup', lastName: 'Test', password: 'Owner-Passw0rd-1' }),
	});
	expect(owner.status).toBe(200);
	const cookie = owner.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	const scopes = ((await (await fetch(`${url}/rest/api-keys/scopes`, { headers: { ...headers, cookie } })).json()) as { data: string[] }).data;
	const key = await fetch(`${url}/rest/api-keys`, { method: 'POST', headers: { ...headers, cookie }, body: JSON.stringify({ label: 'pipeline monitor setup', scopes, expiresAt: null }) });
	expect(key.status).toBe(200);
	return ((await key.json()) as { data: { rawApiKey: string } }).data.rawApiKey;
}

async function api<T>(method: string, p: string, body?: unknown): Promise<T> {
	const res = await fetch(`${bare.n8nUrl}/api/v1${p}`, {
		method,
		headers: { 'X-N8N-API-KEY': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
	return JSON.parse(text) as T;
}
const workflows = async () => (await api<{ data: Workflow[] }>('GET', '/workflows?limit=250&excludePinnedData=true')).data.filter((w) => !w.isArchived);
const credentials = async () => (await api<{ data: Credential[] }>('GET', '/credentials?limit=250')).data;
/** everything setup could write, to prove a refused run wrote nothing */
const snapshot = async () => ({
	credentials: (await credentials()).map((c) => `${c.id} ${c.name} ${c.updatedAt}`).sort(),
	workflows: (await workflows()).map((w) => `${w.id} ${w.name} ${w.versionId} ${w.activeVersionId} ${w.updatedAt}`).sort(),
});

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}
/** Runs the shipped bin as `npx` would, with only the given environment (no PM_* of this shell). */
function setup(args: string[], env: Record<string, string> = {}): Promise<Run> {
	const started = Date.now();
	return new Promise((resolve) => {
		const run = spawn(process.execPath, [BIN, 'setup', ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
		let stdout = '';
		let stderr = '';
		run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		run.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
	});
}
const base = () => ['--n8n-url', bare.n8nUrl, '--api-key', apiKey];
function expectNoSecret(run: Run): void {
	for (const s of secrets()) {
		expect(run.stdout).not.toContain(s);
		expect(run.stderr).not.toContain(s);
	}
}
function closedPort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

maybe('setup: one-command install into a running n8n 2.41.1 through the public API', () => {
	let otherDb: Credential;
	let unrelated: Workflow;
	let afterInstall: Awaited<ReturnType<typeof snapshot>>;
	let installMs = 0;

	beforeAll(async () => {
		await startBare();
		apiKey = await createOwnerAndApiKey(bare.n8nUrl);
		// the monitor's own database role, as an operator would give n8n (not the superuser)
		const db = bare.monitorDb;
		const admin = new Client(db);
		await admin.connect();
		try {
			await admin.query(`CREATE ROLE pm_app LOGIN PASSWORD '${APP_PASSWORD}'`);
			await admin.query('GRANT USAGE ON SCHEMA pipeline_monitor TO pm_app');
			await admin.query('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pipeline_monitor TO pm_app');
			await admin.query('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA pipeline_monitor TO pm_app');
		} finally {
			await admin.end();
		}
		values = {
			PM_POSTGRES_URL: `postgres://pm_app:${APP_PASSWORD}@${db.host}:${db.port}/${db.database}`,
			PM_AIRFLOW_URL: 'http://127.0.0.1:9',
			PM_AIRFLOW_API_VERSION: 'v2',
			PM_TEAMS_WEBHOOK_URL: 'http://127.0.0.1:9/workflows/teams-Secret-sig-7c1d',
			OPENAI_API_KEY: 'sk-test-Secret-5e2b9a',
			OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
			PM_CALLBACK_TOKEN: 'callback-Secret-Token-0a9f3c',
			PM_STATUS_USER: 'monitor',
			PM_STATUS_PASSWORD: 'status-Secret-Passw0rd',
		};
		// already in this n8n: a second Postgres credential and an unrelated workflow
		otherDb = await api<Credential>('POST', '/credentials', {
			name: 'Warehouse DB',
			type: 'postgres',
			data: { host: '127.0.0.1', port: 5432, database: 'dw', user: 'etl', password: 'pg-Secret-0f4a', ssl: 'disable', allowUnauthorizedCerts: false, maxConnections: 5, sshTunnel: false },
		});
		unrelated = await api<Workflow>('POST', '/workflows', {
			name: 'Nightly export (not ours)',
			nodes: [
				{ id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'a2', name: 'Query', type: 'n8n-nodes-base.postgres', typeVersion: 2.6, position: [220, 0], parameters: { operation: 'executeQuery', query: 'SELECT 1', options: {} }, credentials: { postgres: { id: otherDb.id, name: otherDb.name } } },
			],
			connections: { Start: { main: [[{ node: 'Query', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
	}, 360_000);
	afterAll(async () => {
		if (child && child.exitCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
	}, 60_000);

	it('refuses a bad API key, a wrong URL and a missing credential value with the fix, and writes nothing', async () => {
		const before = await snapshot();

		const badKey = await setup(['--n8n-url', bare.n8nUrl, '--api-key', 'not-the-key-3b7e1d'], values);
		expect(badKey.code).toBe(1);
		expect(badKey.stderr).toMatch(/refused the API key \(401\)/);
		expect(badKey.stderr).toMatch(/fix: .*--api-key/);
		expect(badKey.stderr).not.toContain('not-the-key-3b7e1d');

		const wrongUrl = await setup(['--n8n-url', `http://127.0.0.1:${await closedPort()}`, '--api-key', apiKey], values);
		expect(wrongUrl.code).toBe(1);
		expect(wrongUrl.stderr).toMatch(/cannot reach n8n at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
		expect(wrongUrl.stderr).toMatch(/fix: check --n8n-url/);

		const notUrl = await setup(['--n8n-url', 'n8n.example.com', '--api-key', apiKey], values);
		expect(notUrl.code).toBe(1);
		expect(notUrl.stderr).toMatch(/the n8n URL is not a URL/);

		const { PM_STATUS_PASSWORD: _p, OPENAI_API_KEY: _o, ...incomplete } = values;
		const missing = await setup(base(), incomplete);
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/nothing was changed/);
		expect(missing.stderr).toMatch(/credential "OpenAI" does not exist in n8n yet and needs OPENAI_API_KEY \(--openai-api-key\)/);
		expect(missing.stderr).toMatch(/credential "Pipeline Monitor status page" does not exist in n8n yet and needs PM_STATUS_PASSWORD \(--status-password\)/);

		for (const run of [badKey, wrongUrl, notUrl, missing]) expectNoSecret(run);
		expect(await snapshot()).toEqual(before);
	});

	it('--dry-run prints every change and writes nothing', async () => {
		const before = await snapshot();
		const dry = await setup([...base(), '--dry-run'], values);
		expect(dry.stderr).toBe('');
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain('[dry-run] would create credential "Pipeline Monitor DB" (postgres)');
		for (const wf of FILES) expect(dry.stdout).toContain(`[dry-run] would create workflow "${wf.name}"`);
		expect(dry.stdout).toContain('[dry-run] would publish workflow "Pipeline Monitor: n8n error collector"');
		expect(dry.stdout).toMatch(/Dry run: \d+ change\(s\) listed above; nothing was written\./);
		expectNoSecret(dry);
		expect(await snapshot()).toEqual(before);
	});

	it('installs: credentials by name, every workflow with its settings, error workflow, links and credentials by id, published', async () => {
		// values from a file this time (KEY=VALUE lines), the API key from the environment
		const file = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'pm-setup-')), 'values.env');
		fs.writeFileSync(file, Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
		const run = await setup(['--n8n-url', bare.n8nUrl, '--values-file', file], { N8N_API_KEY: apiKey });
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
		installMs = run.ms;
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/Done: \d+ change\(s\)\. Status page: http:\/\/127\.0\.0\.1:\d+\/webhook\/pipeline-monitor\/status/);
		expectNoSecret(run);

		const creds = await credentials();
		const byName = new Map<string, Credential>();
		for (const name of ['Pipeline Monitor DB', 'Airflow', 'Teams channel', 'OpenAI', 'Pipeline Monitor callback token', 'Pipeline Monitor status page', 'Pipeline Monitor action key']) {
			const found = creds.filter((c) => c.name === name);
			expect({ name, count: found.length }).toEqual({ name, count: 1 });
			byName.set(name, found[0]);
		}
		expect(byName.get('Pipeline Monitor DB')!.type).toBe('postgres');
		expect(creds.find((c) => c.id === otherDb.id)).toMatchObject({ name: 'Warehouse DB', updatedAt: otherDb.updatedAt });

		const installed = await workflows();
		const collector = installed.find((w) => w.name === 'Pipeline Monitor: n8n error collector')!;
		const statusUrl = `${bare.n8nUrl}/webhook/pipeline-monitor/status`;
		for (const file of FILES) {
			const found = installed.filter((w) => w.name === file.name);
			expect({ name: file.name, count: found.length }).toEqual({ name: file.name, count: 1 });
			const wf = await api<Workflow>('GET', `/workflows/${found[0].id}`);
			// settings as in the file, the error workflow = the installed collector's new id
			for (const [key, value] of Object.entries(file.settings ?? {}))
				expect({ wf: file.name, key, value: wf.settings[key] }).toEqual({ wf: file.name, key, value: key === 'errorWorkflow' ? collector.id : value });
			if (file.name !== collector.name && file.name !== 'Pipeline Monitor: set up database') expect(wf.settings.errorWorkflow).toBe(collector.id);
			// every node bound to the credential its file names (the new id), never the other Postgres one
			for (const node of file.nodes) {
				const got = wf.nodes.find((n) => n.name === node.name)!;
				expect(got).toBeDefined();
				for (const [type, ref] of Object.entries(node.credentials ?? {})) {
					expect({ node: node.name, cred: got.credentials?.[type] }).toEqual({ node: node.name, cred: { id: byName.get(ref.name)!.id, name: ref.name } });
					expect(got.credentials![type].id).not.toBe(otherDb.id);
				}
				if (node.name === 'Settings')
					for (const a of got.parameters.assignments!.assignments.filter((x) => x.name === 'reportUrl')) expect({ wf: file.name, reportUrl: a.value }).toEqual({ wf: file.name, reportUrl: statusUrl });
			}
			expect(wf.connections).toEqual(file.connections);
			// published where it runs by itself (webhook, error trigger, schedule); the database setup stays manual
			const published = wf.active && wf.activeVersionId === wf.versionId;
			expect({ wf: file.name, published }).toEqual({ wf: file.name, published: runsByItself(file) });
		}
		expect(FILES.filter(runsByItself).length).toBe(FILES.length - 1);

		// the unrelated workflow is untouched
		expect(installed.find((w) => w.id === unrelated.id)).toMatchObject({ name: unrelated.name, versionId: unrelated.versionId, updatedAt: unrelated.updatedAt });
		afterInstall = await snapshot();
	});

	it('the Airflow collector webhook and the status page answer with the installed credentials', async () => {
		const hook = `${bare.n8nUrl}/webhook/pipeline-monitor/airflow-callback`;
		const noToken = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CALLBACK) });
		// the package's webhook node checks the token (issue 16): 401, n8n's Webhook node answered 403
		expect(noToken.status).toBe(401);
		const stored = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Pipeline-Monitor-Token': values.PM_CALLBACK_TOKEN }, body: JSON.stringify(CALLBACK) });
		expect(stored.status).toBe(202);
		expect(await stored.json()).toMatchObject({ stored: true, eventKey: expect.stringContaining('airflow|sales_daily_load|') });
		// stored through the installed "Pipeline Monitor DB" credential
		const db = new Client(bare.monitorDb);
		await db.connect();
		try {
			const rows = await db.query("SELECT count(*)::int AS n FROM pipeline_monitor.events WHERE pipeline = 'sales_daily_load'");
			expect(rows.rows[0].n).toBe(1);
		} finally {
			await db.end();
		}

		const page = `${bare.n8nUrl}/webhook/pipeline-monitor/status`;
		expect((await fetch(page)).status).toBe(401);
		const auth = 'Basic ' + Buffer.from(`${values.PM_STATUS_USER}:${values.PM_STATUS_PASSWORD}`).toString('base64');
		const ok = await fetch(`${page}?lang=en`, { headers: { authorization: auth } });
		expect(ok.status).toBe(200);
		expect(ok.headers.get('content-type')).toMatch(/text\/html/);
		expect(await ok.text()).toContain('sales_daily_load');
	});

	it("the files' own report link (for a manual import) derives from this n8n's webhook address", async () => {
		// the heartbeat file's reportUrl expression, evaluated by real n8n in a throwaway workflow
		const expression = FILES.find((f) => f.name === 'Pipeline Monitor: heartbeat (daily)')!
			.nodes.find((n) => n.name === 'Settings')!
			.parameters.assignments!.assignments.find((a) => a.name === 'reportUrl')!.value as string;
		const probe = await api<Workflow>('POST', '/workflows', {
			name: 'setup test: report link probe',
			nodes: [
				{ id: 'p1', name: 'Hook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'b2f0c1de-1111-4a2b-9c3d-5e6f7a8b9c0d', parameters: { httpMethod: 'GET', path: 'pm-setup-test/report-url', responseMode: 'responseNode', options: {} } },
				{ id: 'p2', name: 'Answer', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.1, position: [220, 0], parameters: { respondWith: 'text', responseBody: expression, options: {} } },
			],
			connections: { Hook: { main: [[{ node: 'Answer', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		try {
			await api('POST', `/workflows/${probe.id}/activate`, {});
			let res: Response | undefined;
			for (const deadline = Date.now() + 15_000; (!res || res.status === 404) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250)))
				res = await fetch(`${bare.n8nUrl}/webhook/pm-setup-test/report-url`);
			expect(res!.status).toBe(200);
			// the rig runs n8n with WEBHOOK_URL=http://localhost:<port>/
			expect(await res!.text()).toBe(`http://localhost:${new URL(bare.n8nUrl).port}/webhook/pipeline-monitor/status`);
		} finally {
			await api('POST', `/workflows/${probe.id}/deactivate`);
			await api('DELETE', `/workflows/${probe.id}`).catch(async () => {
				await api('POST', `/workflows/${probe.id}/archive`);
				await api('DELETE', `/workflows/${probe.id}`);
			});
		}
	});

	it('a second run changes nothing and says so', async () => {
		const run = await setup(base(), values);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/Nothing to change: 7 credentials and \d+ workflows are up to date\./);
		expect(run.stdout).not.toMatch(/^(create|update|publish) /m);
		expect(await snapshot()).toEqual(afterInstall);
		// also without any credential value: the installed credentials are kept
		const bare2 = await setup(base());
		expect(bare2.code).toBe(0);
		expect(bare2.stdout).toMatch(/Nothing to change/);
		expect(await snapshot()).toEqual(afterInstall);
	});

	it('a re-run finishes an interrupted install and applies a changed secret; then nothing is left to change', async () => {
		// as if a run stopped before publishing the heartbeat, and the status page was removed since
		const all = await workflows();
		const heartbeat = all.find((w) => w.name === 'Pipeline Monitor: heartbeat (daily)')!;
		const page = all.find((w) => w.name === 'Pipeline Monitor: status page')!;
		await api('POST', `/workflows/${heartbeat.id}/deactivate`);
		// meanwhile the operator switched the heartbeat's cards to English in its Settings node
		const hb = await api<Workflow>('GET', `/workflows/${heartbeat.id}`);
		const language = () => hb.nodes.find((n) => n.name === 'Settings')!.parameters.assignments!.assignments.find((a) => a.name === 'language')!;
		language().value = 'en';
		await api('PUT', `/workflows/${heartbeat.id}`, { name: hb.name, nodes: hb.nodes, connections: hb.connections, settings: hb.settings, staticData: hb.staticData ?? undefined });
		await api('POST', `/workflows/${page.id}/deactivate`);
		await api('POST', `/workflows/${page.id}/archive`);

		const rotated = { ...values, PM_STATUS_PASSWORD: 'status-Secret-Rotated-2' };
		const run = await setup(base(), rotated);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('update credential "Pipeline Monitor status page" (httpBasicAuth): values differ from the last setup');
		expect(run.stdout).toContain('create workflow "Pipeline Monitor: status page"');
		expect(run.stdout).toContain('publish workflow "Pipeline Monitor: heartbeat (daily)"');
		expect(run.stdout).toContain('publish workflow "Pipeline Monitor: status page"');
		expect(run.stdout).not.toContain('status-Secret-Rotated-2');
		// the operator's Settings-node value is kept: the heartbeat is only published again, not replaced
		expect(run.stdout).not.toContain('update workflow "Pipeline Monitor: heartbeat (daily)"');
		const hbAfter = await api<Workflow>('GET', `/workflows/${heartbeat.id}`);
		expect(hbAfter.nodes.find((n) => n.name === 'Settings')!.parameters.assignments!.assignments.find((a) => a.name === 'language')!.value).toBe('en');

		const url = `${bare.n8nUrl}/webhook/pipeline-monitor/status`;
		const basic = (pw: string) => ({ authorization: 'Basic ' + Buffer.from(`monitor:${pw}`).toString('base64') });
		// n8n registers a re-created webhook a moment after the publish call returns
		let status = 404;
		for (const deadline = Date.now() + 15_000; status === 404 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 250)))
			status = (await fetch(url, { headers: basic('status-Secret-Rotated-2') })).status;
		expect(status).toBe(200);
		expect((await fetch(url, { headers: basic(values.PM_STATUS_PASSWORD) })).status).toBe(401);

		const again = await setup(base(), rotated);
		expect(again.code).toBe(0);
		expect(again.stdout).toMatch(/Nothing to change/);
		// eslint-disable-next-line no-console
		console.log(`setup against real n8n: first install ${installMs} ms, a no-op run ${again.ms} ms`);
	});
});

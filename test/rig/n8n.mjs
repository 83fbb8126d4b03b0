// Runs the real n8n 2.x (installed by ensure-n8n.mjs, on Node 24) against a Postgres from
// postgres.mjs, with this package installed the way n8n installs community packages.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n, n8nBin, node24Bin } from './ensure-n8n.mjs';
import { freePort } from './postgres.mjs';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKAGE_NAME = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).name;

/** Packs the built package (what `npm publish` would ship) into a tarball; returns its path. */
export function packPackage(outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-pack-'))) {
	if (!fs.existsSync(path.join(PACKAGE_ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const res = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', outDir], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`npm pack failed: ${res.stderr}`);
	const [{ filename }] = JSON.parse(res.stdout);
	return path.join(outDir, path.basename(filename));
}

/**
 * Installs the package into `<userFolder>/.n8n/nodes` as n8n's Community Nodes installer does
 * (npm install of the published tarball, production dependencies only), so node types are
 * `n8n-nodes-pipeline-monitor.<name>`.
 */
export function installCommunityPackage(userFolder, tarball = packPackage()) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: `file:${tarball}` } }, null, 2),
	);
	const res = spawnSync(
		'npm',
		['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'],
		{ cwd: nodesDir, encoding: 'utf8' },
	);
	if (res.status !== 0) throw new Error(`installing ${PACKAGE_NAME} into ${nodesDir} failed: ${res.stderr}`);
	return path.join(nodesDir, 'node_modules', PACKAGE_NAME);
}

/** The environment n8n runs with: Postgres, no telemetry, a fixed encryption key per folder. */
export async function n8nEnv({ userFolder, pg, database = 'n8n', port, extra = {} }) {
	port ??= await freePort();
	// the task broker has a fixed default port: give each n8n its own so several can run at once
	const brokerPort = await freePort();
	const keyFile = path.join(userFolder, 'encryption.key');
	if (!fs.existsSync(keyFile)) {
		fs.mkdirSync(userFolder, { recursive: true });
		fs.writeFileSync(keyFile, crypto.randomBytes(24).toString('hex'));
	}
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (k.startsWith('N8N_') || k.startsWith('DB_')) delete env[k];
	return {
		...env,
		// jest sets NODE_ENV=test, which silences n8n's logger (and with it --rawOutput)
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: fs.readFileSync(keyFile, 'utf8'),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LOG_LEVEL: 'warn',
		// n8n's own database pool (default 2) runs dry under a burst of webhook executions, which then
		// fail with "timeout exceeded when trying to connect"
		DB_POSTGRESDB_POOL_SIZE: '10',
		GENERIC_TIMEZONE: 'Asia/Seoul',
		TZ: 'UTC',
		...extra,
	};
}

/** One n8n CLI run (`import:workflow`, `execute`, `publish:workflow`, ...). */
export function n8nCli(env, args, { timeoutMs = 180_000 } = {}) {
	const home = ensureN8n();
	const res = spawnSync(node24Bin(home), [n8nBin(home), ...args], { env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
	return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '', error: res.error };
}

/** Imports a workflow JSON file (or object) into n8n; returns its id. */
export function importWorkflow(env, workflow) {
	let file = workflow;
	let obj;
	if (typeof workflow !== 'string') {
		obj = workflow;
		file = path.join(env.N8N_USER_FOLDER, `import-${crypto.randomUUID()}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow));
	} else obj = JSON.parse(fs.readFileSync(workflow, 'utf8'));
	if (!obj.id) throw new Error(`workflow ${obj.name ?? file} has no "id"; give every workflow file a stable id`);
	const res = n8nCli(env, ['import:workflow', `--input=${file}`]);
	if (res.status !== 0) throw new Error(`n8n import:workflow ${file} failed (${res.status}): ${res.stderr || res.stdout}`);
	return obj.id;
}

function parseRawOutput(id, status, out, stderr) {
	const start = out.search(/^\{$/m);
	let parsed = null;
	if (start >= 0) {
		try {
			parsed = JSON.parse(out.slice(start));
		} catch {
			parsed = null;
		}
	}
	if (!parsed) throw new Error(`n8n execute --id=${id} gave no JSON (exit ${status}): ${stderr.slice(-2000)} ${out.slice(-2000)}`);
	return { status, result: parsed, stderr };
}

/** A connected client on n8n's own database, from the n8n environment (DB_POSTGRESDB_*). */
async function n8nDbClient(env) {
	const { default: pg } = await import('pg');
	const client = new pg.Client({ host: env.DB_POSTGRESDB_HOST, port: Number(env.DB_POSTGRESDB_PORT), database: env.DB_POSTGRESDB_DATABASE, user: env.DB_POSTGRESDB_USER, password: env.DB_POSTGRESDB_PASSWORD });
	await client.connect();
	return client;
}

/**
 * The newest `n8n execute` run of a workflow as n8n stored it (execution_data, in flatted form),
 * for when --rawOutput came out cut short: n8n prints it through an asynchronous logger and then
 * calls process.exit(), which can drop the end of a large output.
 */
async function storedCliRun(env, workflowId, since) {
	const { createRequire } = await import('node:module');
	const flatted = createRequire(path.join(ensureN8n(), 'node_modules', 'n8n', 'package.json'))('flatted');
	const client = await n8nDbClient(env);
	try {
		const { rows } = await client.query(
			`SELECT e.status, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
			  WHERE e."workflowId" = $1 AND e.mode = 'cli' AND e."startedAt" >= $2 ORDER BY e.id DESC LIMIT 1`,
			[workflowId, new Date(since - 1000)],
		);
		return rows[0] ? { status: rows[0].status, data: flatted.parse(rows[0].data) } : null;
	} finally {
		await client.end();
	}
}

/**
 * Executes a workflow with `n8n execute --rawOutput` and returns the parsed run data
 * ({ data: { resultData: { runData, lastNodeExecuted, error? } } }). Asynchronous, so servers in
 * this process (simulators, receivers) keep answering n8n meanwhile. n8n prints the run through
 * its logger at level info and then calls process.exit(), which can cut a large output short:
 * then the run is read from n8n's database instead.
 */
export async function executeWorkflow(env, id, { timeoutMs = 300_000 } = {}) {
	const home = ensureN8n();
	const since = Date.now();
	// A workflow that keeps no data of a successful run (the digest, escalation, sweeper: settings
	// saveDataSuccessExecution "none") leaves nothing to read back when the output is cut short, so
	// for this one CLI run it is told to keep it; its own settings are put back right after.
	const restore = await keepSuccessfulRun(env, id);
	let status;
	let out = '';
	let stderr = '';
	try {
		const child = spawn(node24Bin(home), [n8nBin(home), 'execute', `--id=${id}`, '--rawOutput'], { env: { ...env, N8N_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout.on('data', (d) => (out += d.toString()));
		child.stderr.on('data', (d) => (stderr = (stderr + d.toString()).slice(-20_000)));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		status = await new Promise((resolve) => child.once('exit', (code) => resolve(code)));
		clearTimeout(timer);
	} finally {
		await restore();
	}
	try {
		return parseRawOutput(id, status, out, stderr);
	} catch (error) {
		const stored = await storedCliRun(env, id, since);
		if (!stored) throw error;
		return { status, result: stored, stderr };
	}
}

/** Sets the workflow's saveDataSuccessExecution to "all" in n8n's database; resolves to a function that puts its settings back. */
async function keepSuccessfulRun(env, workflowId) {
	if (!env.DB_POSTGRESDB_HOST) return async () => {};
	const client = await n8nDbClient(env);
	let original;
	try {
		const { rows } = await client.query('SELECT settings::text AS settings FROM workflow_entity WHERE id = $1', [workflowId]);
		original = rows[0]?.settings;
		if (!original || JSON.parse(original).saveDataSuccessExecution !== 'none') return async () => {};
		await client.query(`UPDATE workflow_entity SET settings = jsonb_set(settings::jsonb, '{saveDataSuccessExecution}', '"all"')::json WHERE id = $1`, [workflowId]);
	} finally {
		await client.end();
	}
	return async () => {
		const again = await n8nDbClient(env);
		try {
			await again.query('UPDATE workflow_entity SET settings = $2::json WHERE id = $1', [workflowId, original]);
		} finally {
			await again.end();
		}
	};
}

/**
 * Queue mode: runs a workflow through a worker by its `pm-test-run/<id>` webhook (stack.mjs
 * withTestRunWebhook) and returns the run as n8n's worker stored it, in the shape executeWorkflow
 * gives ({ data: { resultData } }); status 0 for success, 1 otherwise.
 */
export async function executeThroughWorker(env, id, webhookUrl, { timeoutMs = 300_000 } = {}) {
	const { createRequire } = await import('node:module');
	const flatted = createRequire(path.join(ensureN8n(), 'node_modules', 'n8n', 'package.json'))('flatted');
	const client = await n8nDbClient(env);
	try {
		const newest = async () => Number((await client.query('SELECT coalesce(max(id), 0)::int AS n FROM execution_entity WHERE "workflowId" = $1', [id])).rows[0].n);
		const before = await newest();
		const deadline = Date.now() + timeoutMs;
		// the stack's readiness probe leaves these webhooks out (a probe would run the workflow):
		// until n8n has registered it, the webhook answers 404 (or 200 "n8n is starting up", or 503)
		for (;;) {
			const res = await fetch(`${webhookUrl}/webhook/pm-test-run/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => null);
			const text = res ? await res.text() : '';
			if (res?.status === 200 && !text.startsWith('n8n is starting up')) break;
			if (res && res.status !== 404 && res.status !== 503 && res.status !== 200) throw new Error(`pm-test-run/${id} answered ${res.status}: ${text}`);
			if (Date.now() > deadline) throw new Error(`pm-test-run/${id} was not registered within ${timeoutMs} ms (last answer ${res?.status ?? 'none'})`);
			await new Promise((r) => setTimeout(r, 500));
		}
		for (;;) {
			const { rows } = await client.query(
				`SELECT e.id, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d."executionId" = e.id
				  WHERE e."workflowId" = $1 AND e.id > $2 AND e.mode = 'webhook' ORDER BY e.id LIMIT 1`,
				[id, before],
			);
			const row = rows[0];
			if (row && !['new', 'running'].includes(row.status) && row.data) {
				const data = flatted.parse(row.data);
				return { status: row.status === 'success' ? 0 : 1, result: { status: row.status, executionId: String(row.id), data }, stderr: '' };
			}
			if (Date.now() > deadline) throw new Error(`execution of ${id} through a worker did not end within ${timeoutMs} ms: ${JSON.stringify(row ? { id: row.id, status: row.status } : null)}`);
			await new Promise((r) => setTimeout(r, 250));
		}
	} finally {
		await client.end();
	}
}

/** Output items (json) of one node in a run. */
export function nodeOutput(result, nodeName, { output = 0, run = 0 } = {}) {
	const runs = result?.data?.resultData?.runData?.[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(result?.data?.resultData?.runData ?? {}).join(', ')}`);
	const r = runs[run];
	if (r.error) throw new Error(`node "${nodeName}" failed: ${r.error.message}`);
	return (r.data?.main?.[output] ?? []).map((i) => i.json);
}

/**
 * Starts one n8n process: `n8n start` (editor, REST API, webhooks), or in queue mode `n8n webhook`
 * (a webhook processor) or `n8n worker` (with `args` such as --concurrency=10). Resolves when
 * `ready(url)` says so: by default when /healthz answers on N8N_PORT (a worker's health server
 * listens on QUEUE_HEALTH_CHECK_PORT instead). /healthz answers before the database is migrated
 * and n8n is ready: /healthz/readiness does not. kill() ends it at once (SIGKILL, as a crash would).
 */
export async function startN8nProcess(env, { command = 'start', args = [], timeoutMs = 300_000, log = () => {}, ready } = {}) {
	const home = ensureN8n();
	const port = Number(env.N8N_PORT) || (await freePort());
	const child = spawn(node24Bin(home), [n8nBin(home), command, ...args], { env: { ...env, N8N_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
	// never leave an n8n behind when this process ends, however it ends (a kill is synchronous)
	const reap = () => child.kill('SIGKILL');
	process.once('exit', reap);
	child.once('exit', () => process.removeListener('exit', reap));
	let output = '';
	const collect = (d) => {
		output = (output + d.toString()).slice(-20_000);
		log(d.toString());
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	const url = `http://127.0.0.1:${port}`;
	const isReady =
		ready ??
		(async () => {
			const res = await fetch(`${url}/healthz/readiness`);
			return res.ok;
		});
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n ${command} exited with ${child.exitCode}: ${output.slice(-3000)}`);
		if (await isReady(url).catch(() => false)) break;
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`n8n ${command} was not ready within ${timeoutMs} ms: ${output.slice(-3000)}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	return {
		url,
		port,
		pid: child.pid,
		command,
		output: () => output,
		exited,
		kill: (signal = 'SIGKILL') => new Promise((resolve) => (exited() ? resolve() : (child.once('exit', () => resolve()), child.kill(signal)))),
		stop: () =>
			new Promise((resolve) => {
				if (exited()) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
			}),
	};
}

/** Starts `n8n start` (editor, REST API, webhooks); resolves when /healthz/readiness answers 200. */
export function startN8nServer(env, options = {}) {
	return startN8nProcess(env, { ...options, command: 'start' });
}

// `node test/rig/n8n.mjs execute <workflowId>` with the n8n environment in process.env: prints the
// parsed run data as one JSON line (used by test/support/stack/launch.ts against a running stack).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const [command, id, webhookUrl] = process.argv.slice(2);
	if (command !== 'execute' || !id) {
		process.stderr.write('usage: node test/rig/n8n.mjs execute <workflowId> [<webhook URL>: queue mode, through a worker]\n');
		process.exit(2);
	}
	const brokerPort = await freePort();
	const run = webhookUrl ? await executeThroughWorker(process.env, id, webhookUrl) : await executeWorkflow({ ...process.env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) }, id);
	process.stdout.write(JSON.stringify(run) + '\n');
}

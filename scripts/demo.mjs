#!/usr/bin/env node
// `npm run demo`: the whole monitor on one machine, with no configuration.
//   - embedded PostgreSQL (n8n's database and the monitor's, schema applied, demo config seeded)
//   - an Airflow 3 simulator with three dozen DAGs and realistic failures (checked against the
//     official OpenAPI spec), a Teams channel that renders received cards as Teams would, and an
//     OpenAI-compatible model server, all on loopback
//   - real n8n 2.x with this package installed as community package and every workflow from
//     workflows/ imported, with credentials, and published
// runs the workflows once, prints the URLs and keeps running until Ctrl-C.
//
// Any part can be the real thing (see README, "The demo"):
//   PM_AIRFLOW_URL [PM_AIRFLOW_API_VERSION v1|v2|auto, PM_AIRFLOW_AUTH basic|token|bearer|none,
//   PM_AIRFLOW_USERNAME, PM_AIRFLOW_PASSWORD, PM_AIRFLOW_TOKEN, PM_AIRFLOW_UI_URL],
//   PM_TEAMS_WEBHOOK_URL, OPENAI_API_KEY [OPENAI_BASE_URL], PM_POSTGRES_URL,
//   PM_N8N_PORT (5678), PM_DEMO_DIR, PM_STATUS_USER / PM_STATUS_PASSWORD, PM_CALLBACK_TOKEN,
//   PM_DEMO_ONCE=1 (stop after the first run instead of waiting for Ctrl-C).
// n8n's queue mode (README, "Scaling out"): PM_QUEUE_MODE=1 starts Redis (Debian's redis-server, on a
// free loopback port, AOF on, a temporary data folder), n8n main, a webhook processor and workers;
// PM_REDIS_URL=redis://host:port uses an external Redis instead (and implies queue mode);
// PM_WORKERS (1), PM_WORKER_CONCURRENCY (10), PM_WEBHOOK_PROCESSORS (1), PM_WEBHOOK_PORT (5679). Without them: one n8n process, no Redis.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, ensureN8n, N8N_VERSION, NODE24_VERSION } from '../test/rig/ensure-n8n.mjs';
import { executeWorkflow } from '../test/rig/n8n.mjs';
import { freePort } from '../test/rig/postgres.mjs';
import { isPortFree, startStack } from '../test/rig/stack.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const t0 = Date.now();
const say = (m) => console.log(`[demo ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${m}`);

function step(name, cmd, args) {
	say(name);
	const res = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	if (res.status !== 0) {
		console.error(`${name} failed (exit ${res.status})`);
		process.exit(res.status ?? 1);
	}
}

// (ensureN8n says "installing … about 3 minutes" only when it installs: on the first run)
const n8nAt = ensureN8n({ log: (m) => say(m) });
say(`n8n ${N8N_VERSION} on Node ${NODE24_VERSION} from ${n8nAt}`);
step('building the package', 'npm', ['run', 'build']);
step('building the local stand-ins (Airflow simulator, Teams channel, model server)', 'npx', ['tsc', '-p', 'tsconfig.tools.json', '--incremental', '--tsBuildInfoFile', '.build/.tsbuildinfo']);

const demoDir = env.PM_DEMO_DIR ?? path.join(cacheRoot(), 'demo');
fs.mkdirSync(demoDir, { recursive: true });
// the stand-ins keep their ports across starts (when still free), so the credentials n8n holds stay
// the same and a later start skips re-importing and republishing the workflows
const portsFile = path.join(demoDir, 'stand-in-ports.json');
const keptPorts = fs.existsSync(portsFile) ? JSON.parse(fs.readFileSync(portsFile, 'utf8')) : {};
const portFor = async (name) => (keptPorts[name] && (await isPortFree(keptPorts[name])) ? keptPorts[name] : undefined);
const usedPorts = {};
const remember = (name, url) => (usedPorts[name] = Number(new URL(url).port));

const tools = path.join(root, '.build', 'test', 'support');
const load = (rel) => import(path.join(tools, rel));
const stops = [];

// --- Airflow: the simulator unless PM_AIRFLOW_URL is set
let airflow;
let world = null;
if (env.PM_AIRFLOW_URL) {
	airflow = {
		baseUrl: env.PM_AIRFLOW_URL,
		apiVersion: env.PM_AIRFLOW_API_VERSION ?? 'auto',
		authType: env.PM_AIRFLOW_AUTH ?? (env.PM_AIRFLOW_TOKEN ? 'bearer' : env.PM_AIRFLOW_USERNAME ? 'basic' : 'none'),
		username: env.PM_AIRFLOW_USERNAME,
		password: env.PM_AIRFLOW_PASSWORD,
		token: env.PM_AIRFLOW_TOKEN,
		uiBaseUrl: env.PM_AIRFLOW_UI_URL,
	};
	say(`Airflow: ${airflow.baseUrl} (real)`);
} else {
	const { start } = await load('airflow/simulator.js');
	const sim = await start({ port: await portFor('airflow'), version: 'v2', dags: 36, runsPerDag: 14, spanMs: 14 * 86_400_000, failureRate: 0.1, seed: 20261122, auth: { users: { admin: 'admin' } } });
	stops.push(() => sim.stop());
	remember('airflow', sim.url);
	world = sim.world;
	const { alignRunsToSchedules } = await load('demo/seed.js');
	alignRunsToSchedules(world);
	airflow = { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' };
	say(`Airflow 3 simulator: ${sim.url} (${world.dags.length} DAGs, ${world.runs.length} runs)`);
}

// --- Teams: the local channel unless PM_TEAMS_WEBHOOK_URL is set
let teams;
let channelUrl = null;
if (env.PM_TEAMS_WEBHOOK_URL) {
	teams = { webhookUrl: env.PM_TEAMS_WEBHOOK_URL };
	say('Teams: the webhook from PM_TEAMS_WEBHOOK_URL (real)');
} else {
	const { startTeamsReceiver } = await load('teams/receiver.js');
	const receiver = await startTeamsReceiver({ port: await portFor('teams') });
	stops.push(() => receiver.stop());
	remember('teams', receiver.channelUrl);
	teams = { webhookUrl: receiver.workflowsUrl };
	channelUrl = receiver.channelUrl;
}

// --- the model: a local OpenAI-compatible server unless OPENAI_API_KEY is set
let openai;
if (env.OPENAI_API_KEY) {
	openai = { baseUrl: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', apiKey: env.OPENAI_API_KEY };
	say(`model: ${openai.baseUrl} (real)`);
} else {
	const { startOpenAiServer } = await load('openai/server.js');
	const server = await startOpenAiServer({ port: await portFor('openai') });
	stops.push(() => server.stop());
	remember('openai', server.baseUrl);
	openai = { baseUrl: server.baseUrl, apiKey: server.apiKey };
}

fs.writeFileSync(portsFile, JSON.stringify(usedPorts));
const { demoSeedSql } = await load('demo/seed.js');
// as root, Postgres runs as an unprivileged user, who cannot enter root's home: keep the cluster
// where that user can reach it
const pgDir = process.getuid?.() === 0 && !env.PM_DEMO_DIR ? '/var/tmp/n8n-nodes-pipeline-monitor-demo/pg' : path.join(demoDir, 'pg');
const secrets = {
	callbackToken: env.PM_CALLBACK_TOKEN ?? 'demo-callback-token',
	statusUser: env.PM_STATUS_USER ?? 'demo',
	statusPassword: env.PM_STATUS_PASSWORD ?? 'demo-password',
	// signs the Acknowledge / Retry / Mute links on the demo's cards (fixed, so a restart keeps them valid)
	actionKey: env.PM_ACTION_KEY ?? 'demo-action-key-not-secret-0123456789',
};
// n8n's usual port when it is free
const n8nPort = Number(env.PM_N8N_PORT ?? ((await isPortFree(5678)) ? 5678 : await freePort()));
const queueMode = Boolean(env.PM_REDIS_URL) || ['1', 'true', 'yes'].includes(String(env.PM_QUEUE_MODE ?? '').toLowerCase());
// in queue mode webhooks (callback, status page, action links) are served by the webhook processors
const webhookPort = queueMode ? Number(env.PM_WEBHOOK_PORT ?? ((await isPortFree(5679)) ? 5679 : await freePort())) : n8nPort;
const queue = queueMode
	? { workers: env.PM_WORKERS, concurrency: env.PM_WORKER_CONCURRENCY, webhookProcessors: env.PM_WEBHOOK_PROCESSORS, redisUrl: env.PM_REDIS_URL, webhookPort }
	: undefined;
say(`starting Postgres and n8n${queueMode ? ' in queue mode (Redis, webhook processor, workers)' : ''} (state in ${demoDir})`);
const stack = await startStack({
	dir: demoDir,
	pgDir: env.PM_POSTGRES_URL ? undefined : pgDir,
	postgresUrl: env.PM_POSTGRES_URL,
	n8nPort,
	// the failure cards' action buttons open the failure-actions workflow of this n8n
	settings: Object.fromEntries(['failure-reporter', 'n8n-error-collector', 'failure-digest', 'escalation'].map((w) => [w, { actionUrl: `http://localhost:${webhookPort}/webhook/pipeline-monitor/action` }])),
	airflow,
	teams,
	openai,
	secrets,
	publish: 'triggers',
	queue,
	// demo pipelines and the demo_dw tables go only into the embedded database, never into yours
	seedSql: world && !env.PM_POSTGRES_URL ? demoSeedSql(world.dags) : undefined,
	log: (m) => say(m.replace(/^\[stack\] /, '')),
}).catch(async (error) => {
	console.error(`\nthe demo could not start: ${error.message}`);
	for (const stop of stops.reverse()) await stop().catch(() => {});
	process.exit(1);
});
stops.push(() => stack.stop());

async function shutdown(code = 0) {
	say('stopping');
	for (const stop of stops.reverse()) await stop().catch(() => {});
	process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

// an owner account, so the editor opens straight to the workflows (ignored when one exists)
const owner = { email: 'demo@pipeline-monitor.local', password: 'Demo-password-1', firstName: 'Demo', lastName: 'Operator' };
await fetch(`${stack.n8nUrl}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(owner) }).catch(() => {});

// --- run the workflows once
// (the hourly status changes once too: it fills the status page's two-week history from the demo's Airflow runs)
const runOnce = ['pipeline-status-report', 'pipeline-status-changes', 'row-count-monitor', 'heartbeat'].filter((w) => stack.workflowIds[w]);
for (const name of runOnce) {
	const started = Date.now();
	try {
		const { result } = await executeWorkflow({ ...stack.n8nEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, stack.workflowIds[name]);
		const error = result?.data?.resultData?.error;
		say(`${name}: ${error ? `failed: ${error.message}` : 'done'} (${Date.now() - started} ms)`);
	} catch (error) {
		say(`${name}: could not run: ${error.message.slice(0, 400)}`);
	}
}
if (world && stack.workflowIds['airflow-failure-collector']) {
	const { demoCallbacks } = await load('demo/callbacks.js');
	const url = `${stack.webhookUrl}/webhook/pipeline-monitor/airflow-callback`;
	for (const body of demoCallbacks(world, airflow.baseUrl, 4)) {
		const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [stack.callbackHeader]: secrets.callbackToken }, body: JSON.stringify(body) });
		say(`Airflow callback for ${body.dag_id}.${body.task_id}: HTTP ${res.status}`);
	}
}

// the failure sweeper once, after the callbacks: it stores only the failures no callback reported (the failure reporter cards them)
if (stack.workflowIds['airflow-failure-sweeper']) {
	const started = Date.now();
	try {
		const { result } = await executeWorkflow({ ...stack.n8nEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, stack.workflowIds['airflow-failure-sweeper']);
		const error = result?.data?.resultData?.error;
		say(`airflow-failure-sweeper: ${error ? `failed: ${error.message}` : 'done'} (${Date.now() - started} ms)`);
	} catch (error) {
		say(`airflow-failure-sweeper: could not run: ${error.message.slice(0, 400)}`);
	}
}

// what the runs left in the monitor's database
{
	const { default: pg } = await import('pg');
	const db = new pg.Client({ connectionString: stack.monitorDbUrl });
	await db.connect();
	const q = async (sql) => (await db.query(sql)).rows;
	// the failure reporter (every 5 s) cards what the callbacks and the sweeper stored: wait for it (at most a minute)
	const undecided = async () => (await q("SELECT count(*)::int AS n FROM pipeline_monitor.events WHERE source = 'airflow' AND kind = 'failure' AND reported_at IS NULL AND suppressed_at IS NULL AND claims < 3"))[0].n;
	for (const deadline = Date.now() + 60_000; (await undecided()) > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 1000));
	const lights = await q('SELECT light, count(*)::int AS n FROM pipeline_monitor.lights GROUP BY light ORDER BY light');
	const events = await q('SELECT kind, count(*)::int AS n, count(notified_at)::int AS carded FROM pipeline_monitor.events GROUP BY kind');
	const counts = await q(`SELECT table_name, rows, delta, light FROM pipeline_monitor.row_counts WHERE measured_on = (SELECT max(measured_on) FROM pipeline_monitor.row_counts) ORDER BY table_name`);
	const beat = await q('SELECT ok, checks FROM pipeline_monitor.heartbeats ORDER BY id DESC LIMIT 1');
	await db.end();
	const dot = { green: '🟢', yellow: '🟡', red: '🔴', grey: '⚪' };
	say(`lights: ${lights.map((r) => `${dot[r.light] ?? r.light} ${r.n}`).join('  ') || 'none yet'}`);
	say(`events: ${events.map((r) => `${r.n} ${r.kind} (${r.carded} posted to Teams)`).join(', ') || 'none yet'}`);
	for (const r of counts) say(`row count: ${dot[r.light] ?? '  '} ${r.table_name.padEnd(24)} ${String(r.rows).padStart(9)} rows, ${r.delta >= 0 ? '+' : ''}${r.delta} today`);
	if (beat[0]) say(`heartbeat: ${beat[0].ok ? 'all checks answered' : 'a check failed'}`);
}

const statusPage = stack.workflowIds['status-page'] ? `${stack.webhookUrl}/webhook/pipeline-monitor/status` : null;
const q = stack.queue;
console.log(`
Pipeline Monitor demo is running (ready in ${((Date.now() - t0) / 1000).toFixed(0)} s).

  n8n editor        ${stack.n8nUrl}   (login ${owner.email} / ${owner.password})
  status page       ${statusPage ?? '(workflows/status-page.json not present)'}   (basic auth ${secrets.statusUser} / ${secrets.statusPassword})
  Teams channel     ${channelUrl ?? '(real Teams webhook)'}
  Airflow callback  POST ${stack.webhookUrl}/webhook/pipeline-monitor/airflow-callback   (header ${stack.callbackHeader}: ${secrets.callbackToken})${
		q ? `\n  queue mode        Redis ${q.redis}${q.external ? ' (PM_REDIS_URL)' : ' (redis-server, AOF)'}; ${q.webhookProcessors} webhook processor(s) at ${stack.webhookUrl}; ${q.workers} worker(s) x ${q.concurrency}` : ''
	}
  Airflow API       ${airflow.baseUrl}
  model server      ${openai.baseUrl}
  monitor database  ${stack.monitorDbUrl}

Ctrl-C stops everything; the database stays in ${pgDir} for the next run.`);
if (env.PM_DEMO_ONCE) await shutdown(0);

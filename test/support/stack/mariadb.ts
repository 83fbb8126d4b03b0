/**
 * A real MariaDB server for jest tests: test/rig/mariadb.mjs started in a child process (jest
 * cannot import the rig's ES modules), SQL sent through Debian's `mariadb` client as root.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'];
const CLIENT = ['/usr/bin/mariadb', '/usr/bin/mysql'];
const INSTALL = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'];

/** Why no MariaDB can start here (for a skip message), or null. Same check as the rig's. */
export function mariadbMissing(): string | null {
	const missing = [SERVER, INSTALL, CLIENT].filter((list) => !list.some((p) => fs.existsSync(p))).map((list) => list[0]);
	return missing.length ? `${missing.join(', ')} absent (install Debian's mariadb-server package: apt-get install -y mariadb-server)` : null;
}

export interface Mariadb {
	host: string;
	port: number;
	version: string;
	runsAs: string;
	/** runs statements as root; returns the client's tab-separated rows */
	sql(text: string, db?: string): string;
	stop(): Promise<void>;
}

export async function startMariadb(timeoutMs = 90_000): Promise<Mariadb> {
	const child = spawn(process.execPath, [path.join(ROOT, 'test/rig/mariadb.mjs'), 'serve'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-5000)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const facts = await new Promise<{ host: string; port: number; version: string; runsAs: string }>((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => {
			child.kill('SIGTERM');
			reject(new Error(`MariaDB did not start within ${timeoutMs} ms: ${stderr}`));
		}, timeoutMs);
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			const line = out.split('\n').find((l) => l.startsWith('MARIADB_READY '));
			if (line) {
				clearTimeout(timer);
				resolve(JSON.parse(line.slice('MARIADB_READY '.length)));
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the MariaDB rig exited with ${code}: ${stderr}`));
		});
	});
	const client = CLIENT.find((p) => fs.existsSync(p))!;
	return {
		...facts,
		sql(text, db) {
			const r = spawnSync(client, ['--no-defaults', '--protocol=TCP', '-h127.0.0.1', `-P${facts.port}`, '-uroot', '--batch', '--skip-column-names', ...(db ? [db] : []), '-e', text], { encoding: 'utf8' });
			if (r.status !== 0) throw new Error(`mariadb client: ${r.stderr.trim()}`);
			return r.stdout;
		},
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await exited;
		},
	};
}

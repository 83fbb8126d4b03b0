#!/usr/bin/env node
// `npm test`: everything, on a machine with only Node 20 and npm.
//  1. installs the real n8n 2.x and Node 24 into a cache folder (first run only, from npm);
//  2. builds the package and lints it with n8n's community-node rules and n8n's own `n8n-node lint`;
//  3. runs jest under Node 24 (the runtime of n8n 2.x): unit, in-process workflow and real-n8n tiers.
// Everything the tests write to the temp folder (n8n user folders with their encryption keys,
// Postgres clusters, package tarballs, screenshots) goes into one folder of this run, removed when
// the run ends, also when it fails or is interrupted.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n, node24Bin } from '../test/rig/ensure-n8n.mjs';
import { redisServerBin } from '../test/rig/redis.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-test-'));
// searchable (not listable) by Postgres's own user, which the rig runs the server as when we are root
fs.chmodSync(runTmp, 0o711);
let cleaned = false;
const cleanup = () => {
	if (cleaned) return;
	cleaned = true;
	fs.rmSync(runTmp, { recursive: true, force: true });
};
process.on('exit', cleanup);

const step = (name, cmd, args) => {
	console.log(`\n> ${name}`);
	const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
	if (res.status !== 0) {
		console.error(`${name} failed (exit ${res.status})`);
		process.exit(res.status ?? 1);
	}
};
const home = ensureN8n();
step('build', 'npm', ['run', 'build']);
// the demo and the benchmarks compile test/support with tsconfig.tools.json (no jest globals there)
step('typecheck the demo and bench tools', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.tools.json', '--noEmit']);
step('lint (n8n-node lint)', 'npm', ['run', 'lint']);
step('scan (n8n community-package scanner rules)', 'npm', ['run', 'scan']);
const jestArgs = process.argv.slice(2);
let current = null;
const runJest = (args, env) => {
	const jest = spawn(node24Bin(home), [path.join(root, 'node_modules/jest/bin/jest.js'), '--ci', ...args], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, TMPDIR: runTmp, ...env },
	});
	current = jest;
	return new Promise((resolve) => jest.on('exit', (code, signal) => resolve({ code, signal })));
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		current?.kill(signal);
		// give jest and the rigs it started a moment to stop their servers, then clean up regardless
		setTimeout(() => process.exit(130), 15_000).unref();
	});
}
const finish = (name, { code, signal }) => {
	if (code === 0) return;
	cleanup();
	console.error(`${name} failed (${signal ?? `exit ${code}`})`);
	process.exit(code ?? 1);
};

console.log('\n> jest (unit, workflow, real)');
finish('jest', await runJest(jestArgs, {}));

// The collector and report tests once more on n8n's queue mode (Redis, a webhook processor and two
// workers; test/support/stack/launch.ts queueVariant), when the whole suite ran (no arguments) and
// Redis is there: Debian's redis-server, which .ci/run installs as root.
const QUEUE_FILES = ['test/real/collectors.test.ts', 'test/real/reports.test.ts'];
if (jestArgs.length === 0) {
	if (redisServerBin() || process.env.PM_REDIS_URL) {
		console.log(`\n> jest in n8n queue mode (PM_REAL_QUEUE=1): ${QUEUE_FILES.join(', ')}`);
		finish('jest in queue mode', await runJest(['-i', '--runTestsByPath', ...QUEUE_FILES], { PM_REAL_QUEUE: '1' }));
	} else {
		console.log('\n> jest in n8n queue mode: skipped, redis-server is not installed (as root: apt-get install -y redis-server)');
	}
}
cleanup();
process.exit(0);

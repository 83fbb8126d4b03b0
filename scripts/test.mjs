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
console.log('\n> jest (unit, workflow, real)');
const jest = spawn(node24Bin(home), [path.join(root, 'node_modules/jest/bin/jest.js'), '--ci', ...process.argv.slice(2)], {
	cwd: root,
	stdio: 'inherit',
	env: { ...process.env, TMPDIR: runTmp },
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		jest.kill(signal);
		// give jest and the rigs it started a moment to stop their servers, then clean up regardless
		setTimeout(() => process.exit(130), 15_000).unref();
	});
}
jest.on('exit', (code, signal) => {
	cleanup();
	if (code !== 0) console.error(`jest failed (${signal ?? `exit ${code}`})`);
	process.exit(code ?? 1);
});

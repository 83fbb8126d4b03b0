#!/usr/bin/env node
// `npm test`: everything, on a machine with only Node 20 and npm.
//  1. installs the real n8n 2.x and Node 24 into a cache folder (first run only, from npm);
//  2. builds the package and lints it with n8n's community-node rules;
//  3. runs jest under Node 24 (the runtime of n8n 2.x): unit, in-process workflow and real-n8n tiers.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureN8n, node24Bin } from '../test/rig/ensure-n8n.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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
step('lint', 'npm', ['run', 'lint']);
step('jest (unit, workflow, real)', node24Bin(home), [path.join(root, 'node_modules/jest/bin/jest.js'), '--ci', ...process.argv.slice(2)]);

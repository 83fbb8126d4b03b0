#!/usr/bin/env node
// Compiles the benchmarks (bench/*.ts) with the logic and support code, then runs each one and
// lets it print its figures. `npm run bench` runs all; `npm run bench -- rowCount` runs those
// whose file name contains "rowCount". bench/*.bench.mjs run against the whole stack (real n8n,
// Postgres): for those the package is built first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.tools.json'], {
	cwd: root,
	stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const filter = process.argv[2] ?? '';
const benches = fs
	.readdirSync(path.join(root, 'bench'))
	.filter((f) => /\.bench\.(ts|mjs)$/.test(f) && f.includes(filter))
	.sort();
if (benches.some((f) => f.endsWith('.mjs'))) {
	const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	if (build.status !== 0) process.exit(build.status ?? 1);
}
let failed = 0;
for (const file of benches) {
	const js = file.endsWith('.mjs') ? path.join(root, 'bench', file) : path.join(root, '.build/bench', file.replace(/\.ts$/, '.js'));
	console.log(`\n=== bench/${file} ===`);
	const run = spawnSync(process.execPath, ['--expose-gc', js], { cwd: root, stdio: 'inherit' });
	if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);

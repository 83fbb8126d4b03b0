#!/usr/bin/env node
// `npm run demo`: with no configuration, installs what it needs (first run: n8n 2.x and Node 24
// from npm, ~3 min), builds the package, runs the example workflows in real n8n 2.x on an
// embedded Postgres with the package installed as community package, and prints the results.
// (The full demo stack with webhooks, the Airflow simulator and the Teams channel page is
// tracked in the workflows issue.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSamples } from '../test/rig/run-samples.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
const results = await runSamples({ log: (m) => console.log(m) });
const dot = { green: '🟢', yellow: '🟡', red: '🔴', grey: '⚪' };
for (const r of results) {
	console.log(`\n${r.workflow} — output of "${r.node}" in real n8n (${r.ms} ms)`);
	for (const item of r.items) {
		if (item.summary) console.log(`  summary: ${JSON.stringify(item.counts)}`);
		else if (item.pipeline) console.log(`  ${dot[item.light]} ${item.pipeline.padEnd(20)} ${item.reasons.map((x) => x.text).join('; ')}`);
		else if (item.table) console.log(`  ${dot[item.light]} ${item.table.padEnd(22)} ${String(item.delta).padStart(8)} rows  ${item.reason.text}`);
	}
}

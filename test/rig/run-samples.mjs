#!/usr/bin/env node
// Runs the example workflows (examples/*.json) in the real n8n 2.x: embedded Postgres, this
// package installed as community package from its packed tarball, `n8n import:workflow` and
// `n8n execute`. Prints one JSON line per workflow with the output of its last node, so both the
// real-n8n test tier and the demo use it. Needs `npm run build` first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureN8n } from './ensure-n8n.mjs';
import { startPostgres } from './postgres.mjs';
import { PACKAGE_ROOT, executeWorkflow, importWorkflow, installCommunityPackage, n8nEnv, nodeOutput } from './n8n.mjs';

export const SAMPLES = [
	{ file: 'sample-traffic-light.json', node: 'Pipeline Traffic Light' },
	{ file: 'sample-row-count.json', node: 'Row Count Diff' },
];

export async function runSamples({ log = (m) => process.stderr.write(m + '\n') } = {}) {
	ensureN8n({ log });
	const pg = await startPostgres({ databases: ['n8n'] });
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-n8n-'));
	try {
		log('[rig] installing the package into n8n as a community package');
		installCommunityPackage(userFolder);
		const env = await n8nEnv({ userFolder, pg });
		const results = [];
		for (const sample of SAMPLES) {
			const started = Date.now();
			const id = importWorkflow(env, path.join(PACKAGE_ROOT, 'examples', sample.file));
			const { result } = await executeWorkflow(env, id);
			results.push({ workflow: sample.file, node: sample.node, ms: Date.now() - started, items: nodeOutput(result, sample.node) });
			log(`[rig] ${sample.file}: executed in real n8n in ${Date.now() - started} ms`);
		}
		return results;
	} finally {
		await pg.stop();
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
	const results = await runSamples();
	for (const r of results) console.log(JSON.stringify(r));
}

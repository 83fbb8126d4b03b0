/**
 * The official reference files the tests, benchmarks and demo check against, kept inside the
 * repository in test/fixtures/reference (copied unchanged from upstream, with their licences; see
 * the README there). Found from the project root, so the same code works under ts-jest
 * (test/support/...) and compiled into .build/test/support/...
 */
import fs from 'node:fs';
import path from 'node:path';

function projectRoot(): string {
	let dir = __dirname;
	for (;;) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-pipeline-monitor') {
			return dir;
		}
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`cannot find the n8n-nodes-pipeline-monitor project root above ${__dirname}`);
		dir = parent;
	}
}

export const REFERENCE_DIR = path.join(projectRoot(), 'test', 'fixtures', 'reference');

/** Path of one reference file, e.g. `referenceFile('airflow', 'airflow-2.10-v1.yaml')`; throws naming the path when absent. */
export function referenceFile(kind: 'airflow' | 'teams', file: string): string {
	const found = path.join(REFERENCE_DIR, kind, file);
	if (!fs.existsSync(found)) {
		throw new Error(`reference file ${path.relative(projectRoot(), found)} is missing: restore it from git (test/fixtures/reference/README.md names its upstream source)`);
	}
	return found;
}

#!/usr/bin/env node
// Writes workflows/setup-database.json from workflows/schema.sql, so the "set up database"
// workflow always applies exactly the shipped schema (a unit test fails when they drift).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const { withManualImportNote } = createRequire(import.meta.url)('./manual-import-notes.cjs');

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows');

export function setupWorkflow(schemaSql) {
	return withManualImportNote({
		id: 'pmSetupDatabase1',
		name: 'Pipeline Monitor: set up database',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'note',
				name: 'What this does',
				type: 'n8n-nodes-base.stickyNote',
				typeVersion: 1,
				position: [-60, -260],
				parameters: {
					width: 560,
					height: 200,
					content:
						'## Set up the Pipeline Monitor database\nChoose your Postgres credential in **Apply schema** (the other workflows use the same one, named *Pipeline Monitor DB*), then run this once, and again after each upgrade of the package: it applies `workflows/schema.sql`, which is idempotent and records its version in `pipeline_monitor.schema_version`.',
				},
			},
			{ id: 'start', name: 'Run once', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'apply',
				name: 'Apply schema',
				type: 'n8n-nodes-base.postgres',
				typeVersion: 2.6,
				position: [220, 0],
				parameters: { operation: 'executeQuery', query: schemaSql, options: {} },
				credentials: { postgres: { id: 'pmMonitorPg00001', name: 'Pipeline Monitor DB' } },
			},
			{
				id: 'version',
				name: 'Schema version',
				type: 'n8n-nodes-base.postgres',
				typeVersion: 2.6,
				position: [440, 0],
				executeOnce: true,
				parameters: {
					operation: 'executeQuery',
					query: 'SELECT max(version) AS version, max(applied_at) AS applied_at FROM pipeline_monitor.schema_version',
					options: {},
				},
				credentials: { postgres: { id: 'pmMonitorPg00001', name: 'Pipeline Monitor DB' } },
			},
		],
		connections: {
			'Run once': { main: [[{ node: 'Apply schema', type: 'main', index: 0 }]] },
			'Apply schema': { main: [[{ node: 'Schema version', type: 'main', index: 0 }]] },
		},
	});
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const wf = setupWorkflow(fs.readFileSync(path.join(dir, 'schema.sql'), 'utf8'));
	fs.writeFileSync(path.join(dir, 'setup-database.json'), JSON.stringify(wf, null, 2) + '\n');
	console.log('wrote workflows/setup-database.json');
}

#!/usr/bin/env node
// Writes workflows/airflow-failure-sweeper.json from workflows/airflow-failure-collector.json:
// the sweeper finds failures that never called back and stores each with the collector's own
// "Store Event" statement (copied with its parameters and credentials, so the two cannot drift:
// test/unit/workflows/sweeper.test.ts fails when the file differs from what this script writes).
// Reporting is not the sweeper's job, nor the collector's: workflows/failure-reporter.json claims
// every stored, unreported Airflow failure, whichever workflow stored it. Run it after editing the
// collector.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { withManualImportNote } = require('./manual-import-notes.cjs');

const dir = path.join(__dirname, '..', 'workflows');

/** Stable node ids (a UUID shape derived from the workflow and node name), so re-running changes nothing. */
function nodeId(name) {
	const h = crypto.createHash('sha256').update(`pmAirflowSweeper\u0000${name}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function sweeperWorkflow(collector) {
	const byName = (n) => {
		const node = collector.nodes.find((x) => x.name === n);
		if (!node) throw new Error(`the collector has no node "${n}": update scripts/sweeper-workflow.cjs`);
		return node;
	};
	const copy = (name, position) => {
		const { id: _id, ...node } = structuredClone(byName(name));
		return { ...node, id: nodeId(name), ...(position ? { position } : {}) };
	};
	const nodes = [
		{
			id: nodeId('Every 5 Minutes'),
			name: 'Every 5 Minutes',
			type: 'n8n-nodes-base.scheduleTrigger',
			typeVersion: 1.2,
			position: [0, 300],
			parameters: { rule: { interval: [{ field: 'minutes', minutesInterval: 5 }] } },
		},
		{ id: nodeId('Run now'), name: 'Run now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 500], parameters: {} },
		{
			id: nodeId('Find Failures'),
			name: 'Find Failures',
			type: 'n8n-nodes-pipeline-monitor.airflow',
			typeVersion: 1,
			position: [220, 300],
			parameters: { resource: 'taskInstance', operation: 'failures', mode: 'sweep', dagIds: '', initialWindow: '1 hour', overlapMinutes: 5 },
			credentials: structuredClone(byName('Expand Run Failure').credentials),
		},
		copy('Store Event', [440, 300]),
		{
			id: nodeId('About'),
			name: 'About',
			type: 'n8n-nodes-base.stickyNote',
			typeVersion: 1,
			position: [0, -120],
			parameters: {
				content:
					'## Airflow failure sweeper\nFinds the failures no callback reports (SIGKILL, out of memory, zombie or heartbeat timeouts, tasks marked failed by hand, callbacks that failed, or no callback installed at all) and stores each as the collector would.\n\n1. **Every 5 Minutes** (change the interval there; **Run now** sweeps at once).\n2. **Find Failures**: the Airflow node\'s incremental sweep (runs changed since the last sweep; failed task instances of newly failed and of running runs; a failed run without a failed task is a run event). Each gets the event key its callback would have.\n3. **Store Event** (the collector\'s own statement, copied by `scripts/sweeper-workflow.cjs`): INSERT ... ON CONFLICT (event_key) DO NOTHING, all found failures in one statement: a failure the collector already has, or a callback arriving later, adds no second row.\n\nThe **Airflow failure reporter** (workflows/failure-reporter.json) then reports each new one (task log, summary, red Teams card) exactly as it reports a callback: publish it too.\n\nConfigure: the credentials *Pipeline Monitor DB* and *Airflow*. Then publish.',
				height: 420,
				width: 660,
				color: 4,
			},
		},
	];
	const connections = {
		'Every 5 Minutes': { main: [[{ node: 'Find Failures', type: 'main', index: 0 }]] },
		'Run now': { main: [[{ node: 'Find Failures', type: 'main', index: 0 }]] },
		'Find Failures': { main: [[{ node: 'Store Event', type: 'main', index: 0 }]] },
	};
	return withManualImportNote({
		id: 'pmAirflowSweeper',
		name: 'Pipeline Monitor: Airflow failure sweeper',
		active: false,
		nodes,
		connections,
		settings: { ...structuredClone(collector.settings), saveDataSuccessExecution: 'none' },
		pinData: {},
		meta: { templateCredsSetupCompleted: false },
		tags: [],
	});
}

module.exports = { sweeperWorkflow };

if (require.main === module) {
	const collector = JSON.parse(fs.readFileSync(path.join(dir, 'airflow-failure-collector.json'), 'utf8'));
	fs.writeFileSync(path.join(dir, 'airflow-failure-sweeper.json'), JSON.stringify(sweeperWorkflow(collector), null, 2) + '\n');
	console.log('workflows/airflow-failure-sweeper.json written from workflows/airflow-failure-collector.json');
}

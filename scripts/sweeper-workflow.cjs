#!/usr/bin/env node
// Writes workflows/airflow-failure-sweeper.json from workflows/airflow-failure-collector.json:
// the sweeper finds failures that never called back and reports each exactly as the collector
// does, with the collector's own reporting chain (every node from "Get Task Log" on, copied with
// its parameters and credentials), so the two cannot drift (test/unit/workflows/sweeper.test.ts
// fails when the file differs from what this script writes). Run it after editing the collector.
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

/** The nodes reachable from `start` through main connections, stopping at `stop`. */
function chainFrom(wf, start, stop) {
	const seen = new Set();
	const queue = [start];
	while (queue.length) {
		const name = queue.shift();
		if (seen.has(name) || name === stop) continue;
		seen.add(name);
		for (const output of wf.connections[name]?.main ?? []) for (const c of output ?? []) queue.push(c.node);
	}
	return [...seen];
}

/** Rewrites node references in every string of a parameter tree. */
function renameRefs(value, renames) {
	if (typeof value === 'string') return Object.entries(renames).reduce((s, [from, to]) => s.split(`$('${from}')`).join(`$('${to}')`), value);
	if (Array.isArray(value)) return value.map((v) => renameRefs(v, renames));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameRefs(v, renames)]));
	return value;
}

function sweeperWorkflow(collector) {
	const byName = (n) => {
		const node = collector.nodes.find((x) => x.name === n);
		if (!node) throw new Error(`the collector has no node "${n}": update scripts/sweeper-workflow.cjs`);
		return node;
	};
	const renames = { 'Check Callback': 'Failure', 'Check Body': 'Find Failures', 'Expand Run Failure': 'Find Failures' };
	const copy = (name, position) => {
		const { id: _id, ...node } = structuredClone(byName(name));
		return { ...node, id: nodeId(name), parameters: renameRefs(node.parameters, renames), ...(position ? { position } : {}) };
	};
	const reporting = chainFrom(collector, 'Get Task Log', 'Each New Failure');
	const failure = copy('Check Callback');
	failure.name = 'Failure';
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
		copy('Settings', [220, 300]),
		{
			id: nodeId('Find Failures'),
			name: 'Find Failures',
			type: 'n8n-nodes-pipeline-monitor.airflow',
			typeVersion: 1,
			position: [440, 300],
			parameters: { resource: 'taskInstance', operation: 'failures', mode: 'sweep', dagIds: '', initialWindow: '1 hour', overlapMinutes: 5 },
			credentials: structuredClone(byName('Get Task Log').credentials),
		},
		copy('Store Event', [660, 300]),
		copy('New Failure?', [880, 300]),
		copy('Each New Failure', [1100, 520]),
		failure,
		...reporting.map((n) => copy(n)),
		{
			id: nodeId('About'),
			name: 'About',
			type: 'n8n-nodes-base.stickyNote',
			typeVersion: 1,
			position: [0, -120],
			parameters: {
				content:
					'## Airflow failure sweeper\nFinds the failures no callback reports (SIGKILL, out of memory, zombie or heartbeat timeouts, tasks marked failed by hand, callbacks that failed, or no callback installed at all) and reports each like the collector does.\n\n1. **Every 5 Minutes** (change the interval there; **Run now** sweeps at once).\n2. **Find Failures**: the Airflow node\'s incremental sweep (runs changed since the last sweep; failed task instances of newly failed and of running runs; a failed run without a failed task is a run event). Each gets the event key its callback would have.\n3. **Store Event**: INSERT ... ON CONFLICT (event_key) DO NOTHING: a failure the collector already has, or a callback arriving later, adds no second row and no second card.\n4. Each new one: task log, summary, red Teams card (the collector\'s own nodes, copied by `scripts/sweeper-workflow.cjs`).\n\nConfigure: **Settings**, the credentials *Pipeline Monitor DB*, *Airflow*, *OpenAI*, *Teams channel*. Then publish.',
				height: 400,
				width: 660,
				color: 4,
			},
		},
	];
	const connections = {
		'Every 5 Minutes': { main: [[{ node: 'Settings', type: 'main', index: 0 }]] },
		'Run now': { main: [[{ node: 'Settings', type: 'main', index: 0 }]] },
		Settings: { main: [[{ node: 'Find Failures', type: 'main', index: 0 }]] },
		'Find Failures': { main: [[{ node: 'Store Event', type: 'main', index: 0 }]] },
		'Store Event': { main: [[{ node: 'New Failure?', type: 'main', index: 0 }]] },
		'New Failure?': { main: [[{ node: 'Each New Failure', type: 'main', index: 0 }]] },
		'Each New Failure': { main: [[], [{ node: 'Failure', type: 'main', index: 0 }]] },
		Failure: structuredClone(collector.connections['Check Callback']),
	};
	for (const n of reporting) if (collector.connections[n]) connections[n] = structuredClone(collector.connections[n]);
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

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

// The sweep's watermark lives in Postgres (schema v10, pipeline_monitor.sweep_watermarks), not in
// n8n's workflow static data: in queue mode a worker saves static data but the next execution does
// not read it back, and in any mode static data is saved even when Store Event failed after the
// sweep moved it (the failures in between would never be stored). Saved only after Store Event,
// with a compare-and-set that moves the row forward only.
const READ_WATERMARK_SQL = `-- always one row: this sweep's saved watermark (null before the first stored failure)
SELECT (SELECT jsonb_build_object('airflowUrl', w.airflow_url, 'since', w.since, 'state', w.state)
          FROM pipeline_monitor.sweep_watermarks w
         WHERE w.workflow_id = $1 AND w.node = $2) AS watermark`;

const SAVE_WATERMARK_SQL = `-- once every event of this sweep is stored: its watermark, moved forward only (an overlapping
-- sweep that started earlier and ends later changes nothing), or over to another Airflow
INSERT INTO pipeline_monitor.sweep_watermarks AS w (workflow_id, node, airflow_url, since, state)
VALUES ($1, $2, $3, $4::timestamptz, $5::jsonb)
ON CONFLICT (workflow_id, node) DO UPDATE
   SET airflow_url = EXCLUDED.airflow_url, since = EXCLUDED.since, state = EXCLUDED.state, updated_at = now()
 WHERE w.since < EXCLUDED.since OR w.airflow_url <> EXCLUDED.airflow_url
RETURNING w.since`;

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
			id: nodeId('Read Watermark'),
			name: 'Read Watermark',
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.6,
			position: [220, 300],
			parameters: { operation: 'executeQuery', query: READ_WATERMARK_SQL, options: { queryReplacement: '={{ [$workflow.id, "Find Failures"] }}' } },
			credentials: structuredClone(byName('Store Event').credentials),
		},
		{
			id: nodeId('Find Failures'),
			name: 'Find Failures',
			type: 'n8n-nodes-pipeline-monitor.airflow',
			typeVersion: 1,
			position: [440, 300],
			parameters: { resource: 'taskInstance', operation: 'failures', mode: 'sweep', dagIds: '', initialWindow: '1 hour', overlapMinutes: 5, watermarkStore: 'input', watermark: '={{ $json.watermark }}' },
			credentials: structuredClone(byName('Expand Run Failure').credentials),
		},
		copy('Store Event', [660, 300]),
		{
			id: nodeId('Save Watermark'),
			name: 'Save Watermark',
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.6,
			position: [880, 300],
			executeOnce: true,
			parameters: {
				operation: 'executeQuery',
				query: SAVE_WATERMARK_SQL,
				options: {
					queryReplacement:
						"={{ [$workflow.id, 'Find Failures', $('Find Failures').first().json.sweepWatermark.airflowUrl, $('Find Failures').first().json.sweepWatermark.since, JSON.stringify($('Find Failures').first().json.sweepWatermark.state)] }}",
				},
			},
			credentials: structuredClone(byName('Store Event').credentials),
		},
		{
			id: nodeId('About'),
			name: 'About',
			type: 'n8n-nodes-base.stickyNote',
			typeVersion: 1,
			position: [0, -120],
			parameters: {
				content:
					'## Airflow failure sweeper\nFinds the failures no callback reports (SIGKILL, out of memory, zombie or heartbeat timeouts, tasks marked failed by hand, callbacks that failed, or no callback installed at all) and stores each as the collector would.\n\n1. **Every 5 Minutes** (change the interval there; **Run now** sweeps at once).\n2. **Read Watermark** / **Find Failures**: the Airflow node\'s incremental sweep, resuming from the watermark saved in `pipeline_monitor.sweep_watermarks` (runs changed since the last sweep; failed task instances of newly failed and of running runs; a failed run without a failed task is a run event). Each gets the event key its callback would have.\n3. **Store Event** (the collector\'s own statement, copied by `scripts/sweeper-workflow.cjs`): INSERT ... ON CONFLICT (event_key) DO NOTHING, all found failures in one statement: a failure the collector already has, or a callback arriving later, adds no second row.\n4. **Save Watermark**: only after Store Event, so a sweep whose events were not stored is swept again; moved forward only, so an overlapping older sweep cannot move it back. (The watermark is not kept in workflow static data: n8n queue-mode workers do not read that back.)\n\nThe **Airflow failure reporter** (workflows/failure-reporter.json) then reports each new one (task log, summary, red Teams card) exactly as it reports a callback: publish it too.\n\nConfigure: the credentials *Pipeline Monitor DB* and *Airflow*. Then publish.',
				height: 420,
				width: 660,
				color: 4,
			},
		},
	];
	const connections = {
		'Every 5 Minutes': { main: [[{ node: 'Read Watermark', type: 'main', index: 0 }]] },
		'Run now': { main: [[{ node: 'Read Watermark', type: 'main', index: 0 }]] },
		'Read Watermark': { main: [[{ node: 'Find Failures', type: 'main', index: 0 }]] },
		'Find Failures': { main: [[{ node: 'Store Event', type: 'main', index: 0 }]] },
		'Store Event': { main: [[{ node: 'Save Watermark', type: 'main', index: 0 }]] },
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

/**
 * The change that makes the failure sweeper's watermark correct in n8n's queue mode (issue 15),
 * applied to a copy of workflows/airflow-failure-sweeper.json (that file is owned by the intake /
 * reporter split; README "Scaling out" describes the same change for it):
 *
 *   Settings → Read Watermark (Postgres, always one row) → Find Failures (Keep Watermark In: Input
 *   Item, Watermark = {{ $json.watermark }}) → Store Event → Save Watermark (Postgres, once, after
 *   every event of the sweep is stored: a compare-and-set that only moves the row forward) and, as
 *   before, New Failure? → … (cards).
 *
 * Idempotent: a workflow that already reads its watermark from Postgres is returned unchanged.
 */

type Node = Record<string, unknown> & { name: string; parameters: Record<string, unknown>; position: [number, number] };
type Workflow = Record<string, unknown> & { nodes: Node[]; connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> };

export const READ_WATERMARK_SQL = `-- always one row: this sweep's saved watermark (null before the first stored failure)
SELECT (SELECT jsonb_build_object('airflowUrl', w.airflow_url, 'since', w.since, 'state', w.state)
          FROM pipeline_monitor.sweep_watermarks w
         WHERE w.workflow_id = $1 AND w.node = $2) AS watermark`;

export const SAVE_WATERMARK_SQL = `-- once every event of this sweep is stored: its watermark, moved forward only (an overlapping
-- sweep that started earlier and ends later changes nothing), or over to another Airflow
INSERT INTO pipeline_monitor.sweep_watermarks AS w (workflow_id, node, airflow_url, since, state)
VALUES ($1, $2, $3, $4::timestamptz, $5::jsonb)
ON CONFLICT (workflow_id, node) DO UPDATE
   SET airflow_url = EXCLUDED.airflow_url, since = EXCLUDED.since, state = EXCLUDED.state, updated_at = now()
 WHERE w.since < EXCLUDED.since OR w.airflow_url <> EXCLUDED.airflow_url
RETURNING w.since`;

const PG_CREDENTIALS = { postgres: { id: 'pmMonitorPg00001', name: 'Pipeline Monitor DB' } };

export function withPostgresWatermark<T extends Workflow>(workflow: T, sweepNode = 'Find Failures', storeNode = 'Store Event'): T {
	const wf = JSON.parse(JSON.stringify(workflow)) as T;
	const sweep = wf.nodes.find((n) => n.name === sweepNode);
	const store = wf.nodes.find((n) => n.name === storeNode);
	if (!sweep || !store) throw new Error(`the workflow has no "${sweepNode}" or "${storeNode}" node`);
	if (sweep.parameters.watermarkStore === 'input') return wf;
	const [parent] = Object.entries(wf.connections).find(([, c]) => c.main.some((out) => out.some((l) => l.node === sweepNode))) ?? [];
	if (!parent) throw new Error(`nothing leads into "${sweepNode}"`);
	const [x, y] = sweep.position;
	const nodeKey = JSON.stringify(sweepNode);
	wf.nodes.push(
		{
			id: 'a7c1e0f2-5b3d-4c6e-9f10-000000000a01',
			name: 'Read Watermark',
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.6,
			position: [x - 110, y + 180],
			parameters: { operation: 'executeQuery', query: READ_WATERMARK_SQL, options: { queryReplacement: `={{ [$workflow.id, ${nodeKey}] }}` } },
			credentials: PG_CREDENTIALS,
		},
		{
			id: 'a7c1e0f2-5b3d-4c6e-9f10-000000000a02',
			name: 'Save Watermark',
			type: 'n8n-nodes-base.postgres',
			typeVersion: 2.6,
			position: [store.position[0] + 220, store.position[1] - 200],
			executeOnce: true,
			parameters: {
				operation: 'executeQuery',
				query: SAVE_WATERMARK_SQL,
				options: {
					queryReplacement: `={{ [$workflow.id, ${nodeKey}, $('${sweepNode}').first().json.sweepWatermark.airflowUrl, $('${sweepNode}').first().json.sweepWatermark.since, JSON.stringify($('${sweepNode}').first().json.sweepWatermark.state)] }}`,
				},
			},
			credentials: PG_CREDENTIALS,
		},
	);
	sweep.parameters = { ...sweep.parameters, watermarkStore: 'input', watermark: '={{ $json.watermark }}' };
	// parent → Read Watermark → sweep
	for (const out of wf.connections[parent].main) for (const l of out) if (l.node === sweepNode) l.node = 'Read Watermark';
	wf.connections['Read Watermark'] = { main: [[{ node: sweepNode, type: 'main', index: 0 }]] };
	// store → Save Watermark (placed above the existing branch: n8n's v1 order runs it first)
	wf.connections[storeNode].main[0] = [{ node: 'Save Watermark', type: 'main', index: 0 }, ...(wf.connections[storeNode].main[0] ?? [])];
	return wf;
}

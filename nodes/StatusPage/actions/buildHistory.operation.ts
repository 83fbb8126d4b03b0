import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { DateTime } from 'luxon';
import { buildHistoryDays, historyTargets } from '../../logic/statusPage/history';
import type { HistoryEvaluation, HistoryEvent, HistoryRun } from '../../logic/statusPage/history';
import { InputError } from '../../logic/shared/errors';
import { checkZone } from '../../logic/shared/time';
import { jsonParameter, toNodeError } from '../../shared/inputErrors';

const show = { show: { operation: ['buildHistory'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Builds the rows of the page\'s two-week history (table pipeline_days): per pipeline and local day, the worst light of its Airflow runs, stored events and evaluations, with the counts. A pipeline marked "backfill" gets every day of the window, the others yesterday and today. Outputs one item per day; store them with an upsert on (pipeline, day).',
		name: 'historyNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Pipelines',
		name: 'historyPipelines',
		type: 'json',
		default: "={{ $('Load history inputs').all().map(item => item.json) }}",
		description: 'Rows: pipeline, backfill (true when nothing is stored yet), events ([{kind, source, at}]), evaluations ([{light, evaluatedAt}])',
		displayOptions: show,
	},
	{
		displayName: 'Airflow Runs',
		name: 'historyRuns',
		type: 'json',
		default: '[]',
		description: 'The run items of the Airflow node (DAG Run: Get Many) covering the days to write: pipeline, state, startedAt, runAfter, logicalDate. An item with "error" (the node continued on failure) means the runs are incomplete: Airflow pipelines not filled yet are left for the next run.',
		displayOptions: show,
	},
	{
		displayName: 'Time Zone',
		name: 'historyTimezone',
		type: 'string',
		default: 'Asia/Seoul',
		description: 'IANA zone of the local days',
		displayOptions: show,
	},
	{
		displayName: 'Days',
		name: 'historyDays',
		type: 'number',
		default: 14,
		typeOptions: { minValue: 1, maxValue: 92 },
		description: 'Days of history written for a pipeline with nothing stored yet (ending today)',
		displayOptions: show,
	},
];

type Row = Record<string, unknown>;

function rows(value: unknown): Row[] {
	if (value === undefined || value === null) return [];
	const list = Array.isArray(value) ? value : [value];
	return list.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r) && Object.keys(r).length > 0);
}

function nested(ctx: IExecuteFunctions, row: Row, key: string, pipeline: string): Row[] {
	let value = row[key];
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			throw new NodeOperationError(ctx.getNode(), `"${key}" of pipeline "${pipeline}" is not a JSON list: ${String(row[key]).slice(0, 80)}`, {
				itemIndex: 0,
				description: 'Pass the query\'s json_agg column unchanged.',
			});
		}
	}
	return rows(value).map((r) => ({ ...r, pipeline }));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	try {
		const zone = checkZone(String(this.getNodeParameter('historyTimezone', 0, 'Asia/Seoul')), 'Time Zone');
		const days = Number(this.getNodeParameter('historyDays', 0, 14));
		if (!Number.isInteger(days) || days < 1 || days > 92) throw new InputError('Days', days, 'must be a whole number from 1 to 92', 'Set Days to 14 (the page\'s strip) or another whole number from 1 to 92.');
		const runItems = rows(jsonParameter(this, 'historyRuns', 0));
		// an Airflow node that continued on failure gives an item with "error" and no run: the
		// Airflow pipelines waiting for their first fill wait another run (never filled without runs)
		const fetchFailed = runItems.some((r) => r.error !== undefined && r.pipeline === undefined);
		const runs = runItems.filter((r) => r.error === undefined) as HistoryRun[];
		const pipelines: Array<{ pipeline: string; backfill: boolean }> = [];
		const events: HistoryEvent[] = [];
		const evaluations: HistoryEvaluation[] = [];
		for (const row of rows(jsonParameter(this, 'historyPipelines', 0))) {
			if (typeof row.pipeline !== 'string' || row.pipeline === '') continue;
			const backfill = row.backfill === true || row.backfill === 'true';
			if (backfill && fetchFailed && row.service === 'airflow') continue;
			pipelines.push({ pipeline: row.pipeline, backfill });
			events.push(...nested(this, row, 'events', row.pipeline));
			evaluations.push(...nested(this, row, 'evaluations', row.pipeline));
		}
		const targets = historyTargets(pipelines, DateTime.utc(), zone, days);
		const out = buildHistoryDays(targets, { runs, events, evaluations }, zone);
		return [out.map((day) => ({ json: { ...day }, pairedItem: { item: 0 } }))];
	} catch (error) {
		const nodeError = toNodeError(this, error, 0, 'history');
		if (!this.continueOnFail()) throw nodeError;
		return [[{ json: { error: nodeError.message, hint: nodeError.description ?? null }, pairedItem: { item: 0 } }]];
	}
}

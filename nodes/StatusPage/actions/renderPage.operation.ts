import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { checkRequest, renderStatusPage, toPageData } from '../../logic/statusPage';
import type { QueryRows, Row } from '../../logic/statusPage';
import { jsonParameter, toNodeError } from '../../shared/inputErrors';

const show = { show: { operation: ['renderPage'] } };

function rowsParameter(displayName: string, name: string, node: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'json',
		default: `={{ $('${node}').all().map(item => item.json) }}`,
		description,
		displayOptions: show,
	};
}

export const description: INodeProperties[] = [
	{
		displayName:
			'Takes the request from "Read Request" and the rows of the page\'s queries (each a list, e.g. from an expression over a Postgres node), and outputs one item: html and statusCode for Respond to Webhook. Every value is HTML-escaped; only http(s) URLs become links.',
		name: 'renderNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Request',
		name: 'request',
		type: 'json',
		default: "={{ $('Read request').first().json }}",
		description: 'The output item of the "Read Request" operation',
		displayOptions: show,
	},
	rowsParameter('Pipelines', 'pipelines', 'Load pipelines', 'Rows: pipeline, service, schedule, timezone, deadline, owner, description, light, reasons, url, evaluatedAt, changedAt, strip (stored history days: [{day, light, runs, failed, other, failures, warnings, evaluations, late}]), recent ([{day, light}] stored since), historyComputedAt, historyStored, historyZone'),
	rowsParameter('Event Counts', 'eventCounts', 'Count events', 'Rows: kind, n (events per kind in the requested range)'),
	rowsParameter('Events', 'events', 'Load events page', 'Rows of the shown page: id, kind, source, pipeline, runId, taskId, tryNumber, state, at, message, summary, category, url, logUrl'),
	rowsParameter('Row Counts', 'rowCounts', 'Load row counts', 'Rows: table, cadence, description, pipeline, day, rows, delta, light, reason, estimated (one per table and day of the trend window)'),
];

function rowList(ctx: IExecuteFunctions, name: string): Row[] {
	const value = jsonParameter(ctx, name, 0);
	if (value === undefined || value === null) return [];
	const list = Array.isArray(value) ? value : [value];
	return list.filter((r): r is Row => typeof r === 'object' && r !== null && !Array.isArray(r));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	try {
		const request = checkRequest(jsonParameter(this, 'request', 0));
		const rows: QueryRows = {
			pipelines: rowList(this, 'pipelines'),
			eventCounts: rowList(this, 'eventCounts'),
			events: rowList(this, 'events'),
			rowCounts: rowList(this, 'rowCounts'),
		};
		const page = renderStatusPage(toPageData(rows, request), request);
		return [[{ json: { statusCode: page.statusCode, html: page.html, page: page.page ?? null }, pairedItem: { item: 0 } }]];
	} catch (error) {
		const nodeError = toNodeError(this, error, 0, 'request');
		if (!this.continueOnFail()) throw nodeError;
		return [[{ json: { error: nodeError.message, hint: nodeError.description ?? null }, pairedItem: { item: 0 } }]];
	}
}

import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import * as buildHistory from './actions/buildHistory.operation';
import * as readRequest from './actions/readRequest.operation';
import * as renderPage from './actions/renderPage.operation';
import { router } from './actions/router';

// An HTML page is for people, not for an AI agent's tool call: not usable as a tool.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class StatusPage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pipeline Status Page',
		name: 'statusPage',
		icon: { light: 'file:statusPage.svg', dark: 'file:statusPage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "renderPage" ? "render page" : $parameter["operation"] === "buildHistory" ? "build history days" : "read request" }}',
		description: 'Serve the pipeline monitor\'s status page: check the request\'s query string, then render lights, event history and row-count trends as safe HTML',
		defaults: { name: 'Pipeline Status Page' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{ $parameter["operation"] === "renderPage" ? [{ "type": "main", "displayName": "Page" }] : $parameter["operation"] === "buildHistory" ? [{ "type": "main", "displayName": "Days" }] : [{ "type": "main", "displayName": "Valid" }, { "type": "main", "displayName": "Invalid (400)" }] }}`,
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Read Request', value: 'readRequest', action: 'Read and check the page request', description: 'Validate lang, tab, from, to, page, cadence and tz from the query string' },
					{ name: 'Build History Days', value: 'buildHistory', action: 'Build the two week history rows', description: 'Worst light per pipeline and local day from runs, events and evaluations, for the pipeline_days table' },
					{ name: 'Render Page', value: 'renderPage', action: 'Render the status page', description: 'Build the HTML page from the request and the query rows' },
				],
				default: 'readRequest',
			},
			...readRequest.description,
			...renderPage.description,
			...buildHistory.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { checkAirflowCallback, DEFAULT_MAX_BODY_BYTES } from '../logic/events/airflowCallback';
import { checkN8nError } from '../logic/events/n8nError';
import type { EventResult } from '../logic/events/types';

interface AirflowOptions {
	checkContentType?: boolean;
	maxBodyBytes?: number;
}

function getPath(json: IDataObject, path: string): unknown {
	if (!path) return json;
	let value: unknown = json;
	for (const key of path.split('.')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

function headerOf(json: IDataObject, name: string): string | null {
	const headers = json.headers;
	if (typeof headers !== 'object' || headers === null) return null;
	for (const [key, value] of Object.entries(headers as IDataObject)) {
		if (key.toLowerCase() === name) return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : null;
	}
	return null;
}

function fromAirflow(ctx: IExecuteFunctions, item: INodeExecutionData, i: number): EventResult {
	const field = ctx.getNodeParameter('bodyField', i, 'body') as string;
	const options = ctx.getNodeParameter('options', i, {}) as AirflowOptions;
	const hasHeaders = typeof item.json.headers === 'object' && item.json.headers !== null;
	return checkAirflowCallback(getPath(item.json, field), {
		contentType: headerOf(item.json, 'content-type'),
		// an item that did not come from a webhook has no headers to check
		checkContentType: hasHeaders && options.checkContentType !== false,
		maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
	});
}

export class PipelineEvent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pipeline Event',
		name: 'pipelineEvent',
		icon: { light: 'file:pipelineEvent.svg', dark: 'file:pipelineEvent.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "fromN8nErrorTrigger" ? "from n8n Error Trigger" : "from Airflow callback" }}',
		description: 'Check an Airflow failure callback or an n8n Error Trigger item and turn it into a pipeline event with an idempotency key',
		defaults: { name: 'Pipeline Event' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Valid', 'Invalid'],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'From Airflow Callback',
						value: 'fromAirflowCallback',
						description: 'Check the JSON body Airflow\'s on_failure_callback or notifier POSTed to a Webhook node',
						action: 'Check an airflow callback',
					},
					{
						name: 'From N8n Error Trigger',
						value: 'fromN8nErrorTrigger',
						description: 'Read the failed workflow, execution, node and error of an Error Trigger item',
						action: 'Read an n8n error trigger item',
					},
				],
				default: 'fromAirflowCallback',
			},
			{
				displayName: 'Body Field',
				name: 'bodyField',
				type: 'string',
				default: 'body',
				description: 'Field with the callback body (a Webhook node puts it in "body"); empty for the whole item. The Content-Type is read from the item\'s "headers" when it has them.',
				displayOptions: { show: { operation: ['fromAirflowCallback'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { operation: ['fromAirflowCallback'] } },
				options: [
					{
						displayName: 'Require JSON Content-Type',
						name: 'checkContentType',
						type: 'boolean',
						default: true,
						description: 'Whether to refuse a request whose Content-Type is not application/JSON',
					},
					{
						displayName: 'Max Body Size (Bytes)',
						name: 'maxBodyBytes',
						type: 'number',
						typeOptions: { minValue: 1024 },
						default: DEFAULT_MAX_BODY_BYTES,
						description: 'Largest accepted body (UTF-8 bytes of its JSON); the callback sends the exception cut to 8 KB and the log as a link',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const valid: INodeExecutionData[] = [];
		const invalid: INodeExecutionData[] = [];
		const operation = this.getNodeParameter('operation', 0) as string;
		for (let i = 0; i < items.length; i++) {
			try {
				const result = operation === 'fromN8nErrorTrigger' ? checkN8nError(items[i].json) : fromAirflow(this, items[i], i);
				if (result.ok) {
					valid.push({ json: result.event as unknown as IDataObject, pairedItem: { item: i } });
				} else {
					const { field, value, problem, hint, status } = result.problem;
					invalid.push({ json: { error: `${field} ${problem}: ${value}`, field, value, problem, hint, statusCode: status ?? 400 }, pairedItem: { item: i } });
				}
			} catch (error) {
				const failure = new NodeOperationError(this.getNode(), error instanceof Error ? error.message : String(error), { itemIndex: i });
				if (!this.continueOnFail()) throw failure;
				invalid.push({ json: { error: failure.message, field: null, value: null, problem: failure.message, hint: null, statusCode: 400 }, pairedItem: { item: i } });
			}
		}
		return [valid, invalid];
	}
}

import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { weeklyPage, weeklyRows } from '../logic/reliability/render';
import type { Language } from '../logic/reliability/render';
import { weekInput } from '../logic/reliability/input';
import { weeklyReliability } from '../logic/reliability/weekly';
import { InputError } from '../logic/shared/errors';

type Output = 'rows' | 'report' | 'page';

export class ReliabilityReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reliability Report',
		name: 'reliabilityReport',
		icon: { light: 'file:reliabilityReport.svg', dark: 'file:reliabilityReport.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "weekly → " + $parameter["output"] }}',
		description: 'Weekly reliability per pipeline: success rate, on-time rate, time to acknowledge and to recover, recurring failures, noisy tables, change against the week before',
		defaults: { name: 'Reliability Report' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Each input item holds one week: weekStart, weekEnd, previousStart, asOf (ISO instants) and the lists pipelines, runs, failures, tableAlarms, expectedAlarms (see the Weekly reliability workflow\'s "Load the week" query).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				noDataExpression: true,
				default: 'rows',
				options: [
					{ name: 'Rows for Teams Table', value: 'rows', description: 'One item per pipeline (a total row first) with a light and text cells' },
					{ name: 'Report', value: 'report', description: 'One item with every figure as numbers' },
					{ name: 'Status Page Tab (HTML)', value: 'page', description: 'One item with html, for Respond to Webhook' },
				],
			},
			{
				displayName: 'Language',
				name: 'language',
				type: 'options',
				default: 'ko',
				options: [
					{ name: 'Korean (한국어)', value: 'ko' },
					{ name: 'English', value: 'en' },
				],
			},
			{ displayName: 'Time Zone', name: 'timezone', type: 'string', default: 'Asia/Seoul', description: 'IANA zone of the days, and of schedules without a zone of their own' },
			{
				displayName: 'Status Page URL',
				name: 'statusUrl',
				type: 'string',
				default: '',
				displayOptions: { show: { output: ['page'] } },
				description: 'Link back to the status page from the tab',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const output = this.getNodeParameter('output', i) as Output;
			const language = (this.getNodeParameter('language', i, 'ko') as string) === 'en' ? 'en' : ('ko' as Language);
			try {
				const report = weeklyReliability(weekInput(items[i].json, this.getNodeParameter('timezone', i, 'Asia/Seoul') as string));
				if (output === 'rows') out.push(...weeklyRows(report, language).map((json) => ({ json, pairedItem: { item: i } })));
				else if (output === 'page') out.push({ json: { html: weeklyPage(report, language, this.getNodeParameter('statusUrl', i, '') as string), statusCode: 200 }, pairedItem: { item: i } });
				else out.push({ json: report as unknown as IDataObject, pairedItem: { item: i } });
			} catch (error) {
				if (!(error instanceof InputError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
				if (this.continueOnFail()) {
					out.push({ json: { error: error.message, hint: error.hint }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error.message, { description: error.hint, itemIndex: i });
			}
		}
		return [out];
	}
}

import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { checkSettings, parseRequest, renderBadRequest } from '../../logic/statusPage';
import type { PageSettings } from '../../logic/statusPage';
import { toNodeError } from '../../shared/inputErrors';

const show = { show: { operation: ['readRequest'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Checks the page\'s query string (lang, tab, from, to, page, cadence, tz). Output 1 gets a valid request whose values the queries take as query parameters; output 2 gets a 400 page for a bad one (connect it to Respond to Webhook).',
		name: 'readNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Query',
		name: 'query',
		type: 'json',
		default: '={{ $json.query }}',
		description: 'The query-string parameters of the request (the Webhook node outputs them as "query")',
		displayOptions: show,
	},
	{
		displayName: 'Default Language',
		name: 'language',
		type: 'options',
		options: [
			{ name: 'Korean', value: 'ko' },
			{ name: 'English', value: 'en' },
		],
		default: 'ko',
		description: 'Language of the page when the request has no lang=ko|en',
		displayOptions: show,
	},
	{
		displayName: 'Default Time Zone',
		name: 'timezone',
		type: 'string',
		default: 'Asia/Seoul',
		description: 'IANA zone in which times and days are shown when the request has no tz=',
		displayOptions: show,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show,
		options: [
			{ displayName: 'Events per Page', name: 'pageSize', type: 'number', default: 25, typeOptions: { minValue: 1, maxValue: 500 } },
			{ displayName: 'History Days', name: 'historyDays', type: 'number', default: 14, description: 'Days of event history (and of light history per pipeline) shown by default' },
			{ displayName: 'Maximum Range (Days)', name: 'maxRangeDays', type: 'number', default: 92, description: 'The widest from–to range a request may ask for' },
			{ displayName: 'Page Title', name: 'title', type: 'string', default: '', description: 'Title of the page; empty uses "파이프라인 상태" / "Pipeline status"' },
			{ displayName: 'Trend Days', name: 'trendDays', type: 'number', default: 30, description: 'Days of row counts drawn in each table\'s trend' },
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const valid: INodeExecutionData[] = [];
	const invalid: INodeExecutionData[] = [];
	const now = new Date().toISOString();
	for (let i = 0; i < items.length; i++) {
		try {
			const options = this.getNodeParameter('options', i, {}) as Partial<Record<keyof PageSettings, unknown>>;
			const settings = checkSettings({ ...options, language: this.getNodeParameter('language', i), timezone: this.getNodeParameter('timezone', i) });
			const query = this.getNodeParameter('query', i, {}) as unknown;
			const parsed = parseRequest(typeof query === 'object' && query !== null ? (query as Record<string, unknown>) : {}, settings, now);
			if (parsed.ok) {
				valid.push({ json: parsed.request as unknown as INodeExecutionData['json'], pairedItem: { item: i } });
			} else {
				const page = renderBadRequest(parsed.bad, settings.title);
				invalid.push({ json: { statusCode: page.statusCode, html: page.html, problems: parsed.bad.problems }, pairedItem: { item: i } });
			}
		} catch (error) {
			const nodeError = toNodeError(this, error, i, 'settings');
			if (!this.continueOnFail()) throw nodeError;
			valid.push({ json: { error: nodeError.message, hint: nodeError.description ?? null, itemIndex: i }, pairedItem: { item: i } });
		}
	}
	return [valid, invalid];
}

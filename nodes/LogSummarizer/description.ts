import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_MODEL } from '../logic/summarizer/openaiClient';
import { DEFAULT_TOKEN_BUDGET } from '../logic/summarizer/prepare';

const summarizeOnly = { show: { operation: ['summarize'] } };
/** The same condition for options inside the collection: their displayOptions are relative, `/` is the root. */
const summarizeOnlyOption = { show: { '/operation': ['summarize'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Summarize Failure',
				value: 'summarize',
				description: 'Explain the failure with a model, falling back to rules when the model cannot answer',
				action: 'Summarize a failure log',
			},
			{
				name: 'Prepare Only',
				value: 'prepare',
				description: 'Clean, redact and fingerprint the log and explain it by rules, without a model',
				action: 'Prepare a failure log without a model',
			},
		],
		default: 'summarize',
	},
	{
		displayName: 'Log Source',
		name: 'logSource',
		type: 'options',
		options: [
			{ name: 'JSON Field', value: 'field', description: 'A field holding the log text (or an Error Trigger item)' },
			{ name: 'Binary File', value: 'binary', description: 'A binary property holding the log file' },
		],
		default: 'field',
	},
	{
		displayName: 'Log Field',
		name: 'logField',
		type: 'string',
		default: 'log',
		placeholder: 'log',
		description:
			'Name of the field with the log text (dot notation for nested fields). Lists of lines, Airflow 3 structured messages and error objects work too. An n8n Error Trigger item is read from execution.error when the field is missing.',
		displayOptions: { show: { logSource: ['field'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property with the log file (UTF-8, EUC-KR/CP949 and Latin-1 are recognised)',
		displayOptions: { show: { logSource: ['binary'] } },
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: DEFAULT_MODEL },
		required: true,
		description: 'The model (for Azure: the deployment) to ask',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. gpt-4o-mini, llama3.1:8b, Qwen/Qwen2.5-7B-Instruct',
			},
		],
		displayOptions: summarizeOnly,
	},
	{
		displayName: 'Output Language',
		name: 'outputLanguage',
		type: 'options',
		options: [
			{ name: 'Korean', value: 'ko' },
			{ name: 'English', value: 'en' },
			{ name: 'Other', value: 'custom' },
		],
		default: 'ko',
		description: 'Language of summary, root cause and suggested action (the rule-based fallback writes Korean or English)',
	},
	{
		displayName: 'Language Name',
		name: 'customLanguage',
		type: 'string',
		default: '',
		placeholder: 'e.g. Japanese',
		description: 'Name of the output language, e.g. Japanese, Deutsch',
		displayOptions: { show: { outputLanguage: ['custom'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Extra Secrets',
				name: 'extraSecrets',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'Comma-separated literal values to redact as well (e.g. a password the workflow knows)',
			},
			{
				displayName: 'Fingerprint Scope',
				name: 'fingerprintScope',
				type: 'options',
				options: [
					{ name: 'Per Pipeline and Task', value: 'task' },
					{ name: 'Global', value: 'global', description: 'The same error in any pipeline has the same fingerprint' },
				],
				default: 'task',
			},
			{
				displayName: 'Include Prepared Log',
				name: 'includePreparedLog',
				type: 'boolean',
				default: false,
				description: 'Whether to output the cleaned, redacted log that was (or would be) sent to the model',
			},
			{
				displayName: 'Known Summaries Field',
				name: 'knownSummariesField',
				type: 'string',
				default: 'knownSummaries',
				description:
					'Field with earlier summaries (an object or a list with a fingerprint each, e.g. from a database lookup). A summary with the same fingerprint is reused and the model is not called.',
			},
			{
				displayName: 'Max Output Tokens',
				name: 'maxOutputTokens',
				type: 'number',
				typeOptions: { minValue: 100, maxValue: 4000 },
				default: 700,
				displayOptions: summarizeOnlyOption,
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 5 },
				default: 2,
				description: 'Retries on 429, 5xx, timeouts and lost connections (Retry-After is honoured up to 60 s)',
				displayOptions: summarizeOnlyOption,
			},
			{
				displayName: 'On Bad Input',
				name: 'onBadInput',
				type: 'options',
				options: [
					{ name: 'Output a Result Saying So', value: 'output', description: 'An empty or binary log gives logState "empty" or "binary", promptTokens 0 and no summary' },
					{ name: 'Fail the Item', value: 'fail', description: 'An empty, missing or binary log fails the item with an error naming it' },
				],
				default: 'output',
			},
			{
				displayName: 'On Model Error',
				name: 'onModelError',
				type: 'options',
				options: [
					{ name: 'Use Rule-Based Summary', value: 'fallback', description: 'Every failure still gets a summary (summarizedBy: heuristic)' },
					{ name: 'Fail the Item', value: 'fail' },
				],
				default: 'fallback',
				displayOptions: summarizeOnlyOption,
			},
			{
				displayName: 'Redact E-Mail Addresses',
				name: 'redactEmails',
				type: 'boolean',
				default: false,
			},
			{
				displayName: 'Response Format',
				name: 'responseFormat',
				type: 'options',
				options: [
					{ name: 'JSON Schema (Structured Outputs)', value: 'json_schema', description: 'OpenAI, Azure OpenAI (2024-08-01+), vLLM, Ollama 0.5+' },
					{ name: 'JSON Object', value: 'json_object', description: 'For servers without JSON schema support' },
					{ name: 'None', value: 'none', description: 'Plain text; the answer is still parsed and checked' },
				],
				default: 'json_schema',
				displayOptions: summarizeOnlyOption,
			},
			{
				displayName: 'Temperature',
				name: 'temperature',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 1 },
				default: 0,
				displayOptions: summarizeOnlyOption,
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: 60,
				description: 'Time limit of one model request',
				displayOptions: summarizeOnlyOption,
			},
			{
				displayName: 'Token Budget',
				name: 'tokenBudget',
				type: 'number',
				typeOptions: { minValue: 600, maxValue: 200000 },
				default: DEFAULT_TOKEN_BUDGET,
				description: 'Most tokens the prompt may take (instructions, context and log); the log is cut to fit, keeping the failure first',
			},
			{
				displayName: 'Use Model',
				name: 'useModel',
				type: 'boolean',
				default: true,
				description: 'Whether to ask the model; when off, the rule-based summary answers',
				displayOptions: summarizeOnlyOption,
			},
		],
	},
];

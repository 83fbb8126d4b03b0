import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';
import { InputError } from '../logic/shared/errors';
import type { FingerprintScope } from '../logic/summarizer/fingerprint';
import { heuristicSummary, missingLogSummary, unreadableReason } from '../logic/summarizer/heuristic';
import { secretScrubber } from '../logic/summarizer/scrub';
import { createChatModel, DEFAULT_MODEL, safeErrorMessage, type ResponseFormatMode } from '../logic/summarizer/openaiClient';
import { ModelCallError, preparePrompt, summarizeFailure, type SummarizeRequest } from '../logic/summarizer/summarize';
import { properties } from './description';
import { contextOf, errorTriggerLog, getPath, logTextOf } from './helpers/input';
import { pipelineMonitorOpenAiApiTest } from './methods/credentialTest';
import { searchModels } from './methods/listSearch';
import { connectionFromCredential } from './transport';

interface Options {
	extraSecrets?: string;
	fingerprintScope?: FingerprintScope;
	includePreparedLog?: boolean;
	knownSummariesField?: string;
	maxOutputTokens?: number;
	maxRetries?: number;
	onBadInput?: 'output' | 'fail';
	onModelError?: 'fallback' | 'fail';
	redactEmails?: boolean;
	responseFormat?: ResponseFormatMode;
	temperature?: number;
	timeoutSeconds?: number;
	tokenBudget?: number;
	useModel?: boolean;
}

export class LogSummarizer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Log Summarizer',
		name: 'logSummarizer',
		icon: { light: 'file:logSummarizer.svg', dark: 'file:logSummarizer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "prepare" ? "prepare only" : $parameter["model"].value}}',
		description: 'Turn a failure log into a short, redacted explanation with an OpenAI-compatible model, with a rule-based fallback',
		defaults: { name: 'Log Summarizer' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'pipelineMonitorOpenAiApi',
				required: true,
				testedBy: 'pipelineMonitorOpenAiApiTest',
				displayOptions: { show: { operation: ['summarize'] } },
			},
		],
		properties,
	};

	methods = {
		listSearch: { searchModels },
		credentialTest: { pipelineMonitorOpenAiApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				out.push({ json: await summarizeItem(this, items[i], i), pairedItem: { item: i } });
			} catch (error) {
				const failure = toNodeError(this, error, i);
				if (this.continueOnFail()) {
					out.push({ json: { error: failure.message, ...(failure.description ? { hint: failure.description } : {}) }, pairedItem: { item: i } });
					continue;
				}
				throw failure;
			}
		}
		return [out];
	}
}

async function readLog(ctx: IExecuteFunctions, item: INodeExecutionData, i: number): Promise<{ log: string | Uint8Array | undefined; missing?: string }> {
	if (ctx.getNodeParameter('logSource', i) === 'binary') {
		const property = ctx.getNodeParameter('binaryPropertyName', i) as string;
		if (!item.binary?.[property]) return { log: undefined, missing: `the item has no binary property "${property}"` };
		return { log: await ctx.helpers.getBinaryDataBuffer(i, property) };
	}
	const field = ctx.getNodeParameter('logField', i) as string;
	const text = logTextOf(getPath(item.json, field)) ?? errorTriggerLog(item.json);
	return text === undefined ? { log: undefined, missing: `the item has no field "${field}" with the log` } : { log: text };
}

function languageOf(ctx: IExecuteFunctions, i: number): string {
	const choice = ctx.getNodeParameter('outputLanguage', i) as string;
	return choice === 'custom' ? (ctx.getNodeParameter('customLanguage', i) as string) : choice;
}

async function summarizeItem(ctx: IExecuteFunctions, item: INodeExecutionData, i: number): Promise<IDataObject> {
	const operation = ctx.getNodeParameter('operation', i) as string;
	const options = ctx.getNodeParameter('options', i, {}) as Options;
	const { log, missing } = await readLog(ctx, item, i);
	const context = contextOf(item.json);
	const request: SummarizeRequest = {
		log,
		context,
		language: languageOf(ctx, i),
		tokenBudget: options.tokenBudget,
		redactEmails: options.redactEmails,
		extraSecrets: (options.extraSecrets ?? '').split(',').map((s) => s.trim()).filter(Boolean),
		fingerprintScope: options.fingerprintScope,
		knownSummaries: getPath(item.json, options.knownSummariesField ?? 'knownSummaries'),
		model: null,
		onModelError: options.onModelError === 'fail' ? 'throw' : 'fallback',
	};
	const base: IDataObject = { ...context };
	if (operation === 'prepare') {
		const prepared = preparePrompt(request);
		failOnBadInput(ctx, options, prepared.prepared.logState, missing, i);
		const scrub = secretScrubber(prepared.prepared.secrets, prepared.prepared.text);
		const empty = prepared.prepared.empty;
		const reason = empty ? unreadableReason(missing ? 'missing' : prepared.prepared.logState === 'binary' ? 'binary' : 'empty', request.language, missing) : undefined;
		const fields = reason !== undefined ? missingLogSummary(reason, context, request.language) : heuristicSummary(prepared.prepared.signature, prepared.prepared.windowText, context, request.language);
		return scrub.deep({
			...base,
			...fields,
			fingerprint: prepared.fingerprint,
			summarizedBy: 'heuristic',
			logState: prepared.prepared.logState,
			redactions: prepared.prepared.redactions,
			promptTokens: prepared.promptTokens,
			signature: { ...prepared.prepared.signature },
			notes: prepared.prepared.notes,
			preparedLog: prepared.prepared.text,
		});
	}
	failOnBadInput(ctx, options, log === undefined ? 'empty' : null, missing, i);
	let apiKey = '';
	if (options.useModel !== false && log !== undefined) {
		const credential = await ctx.getCredentials('pipelineMonitorOpenAiApi', i);
		const connection = connectionFromCredential(credential, (options.timeoutSeconds ?? 60) * 1000, options.maxRetries ?? 2);
		apiKey = connection.apiKey;
		const model = (ctx.getNodeParameter('model', i, '', { extractValue: true }) as string) || DEFAULT_MODEL;
		request.model = createChatModel(connection, {
			model,
			temperature: options.temperature,
			maxOutputTokens: options.maxOutputTokens,
			responseFormat: options.responseFormat,
		});
	}
	const result = await summarizeFailure(request).catch((error: unknown) => {
		if (error instanceof ModelCallError) error.message = safeErrorMessage(error, apiKey);
		return Promise.reject(error);
	});
	// an empty or binary log is never sent, so failing here costs no model call
	failOnBadInput(ctx, options, result.prepared.logState, missing, i);
	const summary = result.summary;
	if (missing) {
		const reason = unreadableReason('missing', request.language, missing);
		Object.assign(summary, missingLogSummary(reason, context, request.language), { fallbackReason: reason });
	}
	const scrubAll = secretScrubber([...result.prepared.secrets, apiKey], result.prepared.text);
	return scrubAll.deep({
		...base,
		...(summary as unknown as IDataObject),
		promptTokens: result.promptTokens,
		...(options.includePreparedLog ? { preparedLog: result.prepared.text } : {}),
	});
}

/** With On Bad Input = fail, an empty, missing or binary log fails the item with a NodeOperationError naming it. */
function failOnBadInput(ctx: IExecuteFunctions, options: Options, state: 'ok' | 'empty' | 'binary' | null, missing: string | undefined, i: number): void {
	if (options.onBadInput !== 'fail') return;
	if (missing) throw new NodeOperationError(ctx.getNode(), `Item ${i}: ${missing}`, { itemIndex: i, description: 'Pass the task log to this node, or set On Bad Input to "Output a Result Saying So".' });
	if (state === 'empty' || state === 'binary') {
		throw new NodeOperationError(ctx.getNode(), `Item ${i}: the log is ${state === 'binary' ? 'binary data with no readable line' : 'empty'}`, {
			itemIndex: i,
			description: 'Check the step that fetches the log, or set On Bad Input to "Output a Result Saying So".',
		});
	}
}

function toNodeError(ctx: IExecuteFunctions, error: unknown, i: number): NodeOperationError | NodeApiError {
	if (error instanceof InputError) {
		return new NodeOperationError(ctx.getNode(), `Item ${i}: ${error.message}`, { itemIndex: i, description: error.hint });
	}
	if (error instanceof ModelCallError) {
		return new NodeApiError(ctx.getNode(), { message: error.message, ...(error.status ? { httpCode: String(error.status) } : {}) } as JsonObject, {
			itemIndex: i,
			message: error.message,
			description: 'The model could not summarize this log. Check the credential, the model name and the server, or set On Model Error to "Use Rule-Based Summary".',
			...(error.status ? { httpCode: String(error.status) } : {}),
		});
	}
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error.message : String(error), { itemIndex: i });
}

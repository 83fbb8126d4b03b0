/**
 * The model behind the summarizer: any OpenAI-compatible chat completions server (OpenAI, Azure
 * OpenAI, Ollama, vLLM, LiteLLM...) through the `openai` package. Timeouts and retries are
 * bounded; errors are turned into ModelCallError with the server's own message and the API key
 * scrubbed from it.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import { InputError } from '../shared/errors';
import { createProxyAwareFetch, proxyConfigured } from './proxyFetch';
import { SCHEMA_NAME, SUMMARY_JSON_SCHEMA, type ChatMessage } from './prompt';
import { scrubLiterals, redactSecrets } from './redact';
import { ModelCallError, type ChatAnswer, type ChatModel } from './summarize';

export type ResponseFormatMode = 'json_schema' | 'json_object' | 'none';

export interface ConnectionSettings {
	apiKey: string;
	/** e.g. https://api.openai.com/v1, http://localhost:11434/v1; for Azure the resource endpoint */
	baseUrl: string;
	organization?: string;
	/** Azure OpenAI: api-version and (optionally) the deployment; the model field names the deployment otherwise */
	azure?: { apiVersion: string; deployment?: string };
	timeoutMs?: number;
	maxRetries?: number;
}

export interface ModelSettings {
	model: string;
	temperature?: number;
	maxOutputTokens?: number;
	responseFormat?: ResponseFormatMode;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const MAX_RETRIES_LIMIT = 5;
export const MAX_TIMEOUT_MS = 600_000;

/** Checks the base URL: http(s), no credentials in it. */
export function checkBaseUrl(value: string): string {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new InputError('baseUrl', value, 'is not a URL', 'Use the API base URL, e.g. "https://api.openai.com/v1" or "http://localhost:11434/v1" for Ollama.');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InputError('baseUrl', value, 'is not an http(s) URL', 'Use an http:// or https:// base URL.');
	}
	return value.replace(/\/+$/, '');
}

/** Creates the openai client for OpenAI-compatible servers or Azure OpenAI. */
export function createOpenAiClient(settings: ConnectionSettings): OpenAI {
	const common = {
		apiKey: settings.apiKey || 'none',
		timeout: effectiveTimeout(settings),
		maxRetries: effectiveRetries(settings),
		logLevel: 'off' as const,
		// the openai package's global fetch ignores HTTP(S)_PROXY / NO_PROXY; this fetch honours them
		...(proxyConfigured() ? { fetch: createProxyAwareFetch() } : {}),
	};
	const baseUrl = checkBaseUrl(settings.baseUrl);
	if (settings.azure) {
		return new AzureOpenAI({
			...common,
			endpoint: baseUrl.replace(/\/openai$/, ''),
			apiVersion: settings.azure.apiVersion,
			...(settings.azure.deployment ? { deployment: settings.azure.deployment } : {}),
		});
	}
	return new OpenAI({ ...common, baseURL: baseUrl, organization: settings.organization || null });
}

/** The server's message for a failed call, without the API key or other secrets. */
export function safeErrorMessage(error: unknown, apiKey: string): string {
	const raw = error instanceof Error ? error.message : String(error);
	return redactSecrets(scrubLiterals(raw, [apiKey])).text.slice(0, 500);
}

/** Turns an openai package error into a ModelCallError saying what happened and what to check. */
export function toModelCallError(error: unknown, settings: ConnectionSettings, elapsedMs = 0): ModelCallError {
	const message = safeErrorMessage(error, settings.apiKey);
	// a timeout abort can surface as a plain connection error (the abort reason crosses realms); the clock tells
	const timedOut = error instanceof OpenAI.APIConnectionTimeoutError || (error instanceof OpenAI.APIConnectionError && elapsedMs >= effectiveTimeout(settings));
	if (timedOut) return new ModelCallError(`the model server did not answer within ${Math.round(effectiveTimeout(settings) / 1000)} s (after ${effectiveRetries(settings)} retries)`, 'timeout');
	if (error instanceof OpenAI.APIConnectionError) return new ModelCallError(`could not reach the model server at ${new URL(settings.baseUrl).origin}: ${message}`, 'connection');
	if (error instanceof OpenAI.APIError) {
		const status = error.status ?? null;
		if (status === 401 || status === 403) return new ModelCallError(`the model server refused the credential (${status}): ${message}`, 'auth', status);
		if (status === 429) return new ModelCallError(`the model server is rate-limiting (429) past ${effectiveRetries(settings)} retries: ${message}`, 'rate_limit', status);
		if (status !== null && status >= 500) return new ModelCallError(`the model server failed (${status}): ${message}`, 'server', status);
		return new ModelCallError(`the model server rejected the request (${status ?? 'no status'}): ${message}`, 'request', status);
	}
	return new ModelCallError(`the model call failed: ${message}`, 'other');
}

/** The per-request time limit the client really uses (bounded). */
export function effectiveTimeout(settings: ConnectionSettings): number {
	return Math.min(Math.max(settings.timeoutMs ?? 60_000, 1000), MAX_TIMEOUT_MS);
}

/** The retry count the client really uses (bounded). */
export function effectiveRetries(settings: ConnectionSettings): number {
	return Math.min(Math.max(settings.maxRetries ?? 2, 0), MAX_RETRIES_LIMIT);
}

type ResponseFormatParam =
	| { type: 'json_schema'; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } }
	| { type: 'json_object' }
	| undefined;

export function responseFormatOf(mode: ResponseFormatMode): ResponseFormatParam {
	if (mode === 'json_schema') return { type: 'json_schema', json_schema: { name: SCHEMA_NAME, strict: true, schema: SUMMARY_JSON_SCHEMA as unknown as Record<string, unknown> } };
	if (mode === 'json_object') return { type: 'json_object' };
	return undefined;
}

/** A ChatModel over the openai client. */
export function createChatModel(connection: ConnectionSettings, model: ModelSettings, client: OpenAI = createOpenAiClient(connection)): ChatModel {
	const responseFormat = responseFormatOf(model.responseFormat ?? 'json_schema');
	const modelName = connection.azure?.deployment || model.model || DEFAULT_MODEL;
	return {
		async complete(messages: ChatMessage[]): Promise<ChatAnswer> {
			const started = Date.now();
			try {
				const completion = await client.chat.completions.create({
					model: modelName,
					messages,
					temperature: model.temperature ?? 0,
					max_tokens: model.maxOutputTokens ?? 700,
					...(responseFormat ? { response_format: responseFormat } : {}),
				});
				const choice = completion.choices?.[0];
				const usage = completion.usage
					? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens, totalTokens: completion.usage.total_tokens }
					: undefined;
				return { content: choice?.message?.content ?? choice?.message?.refusal ?? null, model: completion.model || modelName, ...(usage ? { usage } : {}) };
			} catch (error) {
				throw toModelCallError(error, connection, Date.now() - started);
			}
		},
	};
}

/** The model ids the server lists (GET /models); an empty list when it lists none. */
export async function listModelIds(client: OpenAI, settings: ConnectionSettings): Promise<string[]> {
	try {
		const ids: string[] = [];
		for await (const model of client.models.list()) ids.push(model.id);
		return ids.sort();
	} catch (error) {
		throw toModelCallError(error, settings);
	}
}

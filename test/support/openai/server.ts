/**
 * A loopback stand-in for an OpenAI-compatible server (OpenAI, Azure OpenAI). It checks each
 * request the way the real API does (key, model, messages, response_format and the strict JSON
 * schema rules) and answers with scripted behaviours: a good answer, invalid JSON, wrong fields,
 * slowly, 429 with Retry-After, 500, or a reset connection. Every request is recorded.
 *
 *   const server = await startOpenAiServer({ apiKey: 'sk-test' });
 *   server.queue({ kind: 'rateLimit', retryAfterSec: 1 }, { kind: 'good' });
 *   ... new OpenAI({ baseURL: server.baseUrl, apiKey: 'sk-test' }) ...
 *   await server.stop();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
	| { kind: 'good'; answer?: Record<string, unknown> }
	| { kind: 'fenced' }
	| { kind: 'invalidJson' }
	| { kind: 'wrongFields' }
	| { kind: 'noUsage' }
	| { kind: 'slow'; delayMs: number }
	| { kind: 'rateLimit'; retryAfterSec: number }
	| { kind: 'serverError' }
	| { kind: 'reset' }
	| { kind: 'echoKey' }
	/**
	 * A model that repeats its prompt: summary, rootCause and suggestedAction quote the user and
	 * system messages, the `model` field carries part of the log, and `extra` strings (planted
	 * secrets, whole or cut) are mixed into every field, as a model that recites what it saw would.
	 */
	| { kind: 'echoPrompt'; extra?: string[] };

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	rawBody: string;
	body: unknown;
	status: number;
	behaviour?: Behaviour['kind'];
}

export interface OpenAiServerOptions {
	/** loopback port to listen on (default: a free one) */
	port?: number;
	/** the key clients must send; default `sk-test-0123456789abcdef` */
	apiKey?: string;
	models?: string[];
	/** Azure-style deployments served under /openai/deployments/{name}/chat/completions */
	azureDeployments?: string[];
	azureApiVersions?: string[];
	/** false: reject response_format json_schema like servers without structured outputs */
	supportsJsonSchema?: boolean;
	/** false: GET /models answers 404 like servers that do not list models */
	listsModels?: boolean;
}

export interface OpenAiTestServer {
	/** http://127.0.0.1:PORT */
	url: string;
	/** url + /v1 */
	baseUrl: string;
	apiKey: string;
	requests: RecordedRequest[];
	/** the recorded chat completion requests */
	chatRequests(): RecordedRequest[];
	/** behaviours for the next chat completion requests, in order; then the default */
	queue(...behaviours: Behaviour[]): void;
	setDefault(behaviour: Behaviour): void;
	reset(): void;
	stop(): Promise<void>;
}

const ROLES = new Set(['system', 'user', 'assistant', 'developer', 'tool']);
const FORMAT_TYPES = new Set(['text', 'json_object', 'json_schema']);

type Json = Record<string, unknown>;

class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly payload: Json,
	) {
		super(String((payload.error as Json | undefined)?.message ?? status));
	}
}

function openAiError(status: number, message: string, param: string | null = null, code: string | null = null, type = 'invalid_request_error'): ApiError {
	return new ApiError(status, { error: { message, type, param, code } });
}

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The rules OpenAI applies to a strict json_schema: every object closed and all its keys required. */
export function strictSchemaProblem(schema: unknown, context: string[] = []): string | null {
	if (!isObject(schema)) return `In context=(${context.join(', ')}), schema must be a JSON Schema object.`;
	const where = `In context=(${context.map((c) => `'${c}'`).join(', ')})`;
	if (schema.type === 'object') {
		if (schema.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
		const properties = isObject(schema.properties) ? schema.properties : {};
		const required = Array.isArray(schema.required) ? schema.required : null;
		const missing = Object.keys(properties).filter((k) => !required?.includes(k));
		if (!required || missing.length > 0) return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0] ?? ''}'.`;
		for (const [key, value] of Object.entries(properties)) {
			const problem = strictSchemaProblem(value, [...context, 'properties', key]);
			if (problem) return problem;
		}
		return null;
	}
	if (schema.type === 'array') return strictSchemaProblem(schema.items, [...context, 'items']);
	if (schema.type === undefined && schema.enum === undefined && schema.anyOf === undefined && schema.$ref === undefined) return `${where}, schema must have a 'type' key.`;
	return null;
}

function checkMessages(messages: unknown): void {
	if (!Array.isArray(messages)) throw openAiError(400, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
	if (messages.length === 0) throw openAiError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
	messages.forEach((message, i) => {
		if (!isObject(message)) throw openAiError(400, `Invalid type for 'messages[${i}]': expected an object.`, `messages.[${i}]`, 'invalid_type');
		if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
			throw openAiError(400, `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`, `messages[${i}].role`, 'invalid_value');
		}
		if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
			throw openAiError(400, `Invalid type for 'messages[${i}].content': expected one of a string or array of objects.`, `messages[${i}].content`, 'invalid_type');
		}
	});
}

function checkResponseFormat(format: unknown, messages: Json[], supportsJsonSchema: boolean): void {
	if (format === undefined || format === null) return;
	if (!isObject(format) || typeof format.type !== 'string' || !FORMAT_TYPES.has(format.type)) {
		throw openAiError(400, "Invalid value for 'response_format.type': expected one of 'text', 'json_object', 'json_schema'.", 'response_format.type', 'invalid_value');
	}
	if (format.type === 'json_object') {
		const mentionsJson = messages.some((m) => typeof m.content === 'string' && /json/i.test(m.content));
		if (!mentionsJson) throw openAiError(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
	}
	if (format.type === 'json_schema') {
		if (!supportsJsonSchema) throw openAiError(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", 'response_format', null);
		const spec = format.json_schema;
		if (!isObject(spec)) throw openAiError(400, "Missing required parameter: 'response_format.json_schema'.", 'response_format.json_schema', 'missing_required_parameter');
		if (typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
			throw openAiError(400, "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", 'response_format.json_schema.name', 'invalid_value');
		}
		if (spec.strict === true) {
			const problem = strictSchemaProblem(spec.schema);
			if (problem) throw openAiError(400, `Invalid schema for response_format '${spec.name}': ${problem}`, 'response_format', 'invalid_json_schema');
		}
	}
}

/** The log between the prompt's fence lines, or the whole user message. */
function logOf(messages: Json[]): string {
	const user = messages.filter((m) => m.role === 'user').map((m) => String(m.content)).join('\n');
	const fenced = /<<<LOG-([0-9a-f]+)\n([\s\S]*)\nLOG-\1>>>/.exec(user);
	return fenced ? fenced[2] : user;
}

/**
 * A plausible answer read from the log, as a model would read it: the last exception line
 * (`KeyError: 'order_date'`, `pyarrow.lib.ArrowInvalid: …`), else the last error line that is not
 * Airflow's own bookkeeping at INFO level (`INFO … Marking task as FAILED`), else the last line.
 */
export function defaultAnswer(messages: Json[]): Json {
	const lines = logOf(messages).split('\n');
	const fromEnd = [...lines].reverse();
	const exception = fromEnd.find((l) => /^\s*(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Invalid|Timeout|Exit|Interrupt|Warning)\b(?::|$)/.test(l));
	const errorLine = fromEnd.find((l) => /(?:Error|Exception)\b|error:|failed/i.test(l) && !/\bINFO\b/.test(l));
	const failure = exception ?? errorLine ?? lines[lines.length - 1] ?? '';
	const system = messages.filter((m) => m.role === 'system').map((m) => String(m.content)).join('\n');
	const korean = /Korean/.test(system);
	const text = failure.trim().slice(0, 200);
	return {
		summary: korean ? `태스크가 실패했습니다: ${text}.` : `The task failed: ${text}.`,
		rootCause: text,
		category: 'code',
		suggestedAction: korean ? '로그의 오류를 확인하고 다시 실행하세요.' : 'Fix the error shown in the log and re-run the task.',
		severity: 'high',
		transient: false,
		confidence: 0.8,
	};
}

function completion(model: string, content: string, promptChars: number, withUsage = true): Json {
	const promptTokens = Math.ceil(promptChars / 4);
	const completionTokens = Math.ceil(content.length / 4);
	return {
		id: `chatcmpl-test${Date.now().toString(36)}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
		...(withUsage ? { usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } } : {}),
		system_fingerprint: 'fp_test',
	};
}

function maskedKey(key: string): string {
	return key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(Math.max(4, key.length - 7))}${key.slice(-4)}` : '****';
}

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
	const apiKey = options.apiKey ?? 'sk-test-0123456789abcdef';
	const models = options.models ?? ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini'];
	const deployments = options.azureDeployments ?? ['summarizer-4o-mini'];
	const apiVersions = options.azureApiVersions ?? ['2024-10-21', '2025-01-01-preview'];
	const supportsJsonSchema = options.supportsJsonSchema !== false;
	const requests: RecordedRequest[] = [];
	let pending: Behaviour[] = [];
	let fallback: Behaviour = { kind: 'good' };

	const send = (res: http.ServerResponse, record: RecordedRequest, status: number, payload: Json, headers: Record<string, string> = {}): void => {
		record.status = status;
		const body = JSON.stringify(payload);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': `req_${requests.length}`, ...headers });
		res.end(body);
	};

	const checkAuth = (req: http.IncomingMessage, azure: boolean): void => {
		if (azure) {
			if (req.headers['api-key'] !== apiKey) {
				throw new ApiError(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
			}
			return;
		}
		const auth = req.headers.authorization;
		if (!auth) throw openAiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
		const given = auth.replace(/^Bearer\s+/i, '');
		if (given !== apiKey) throw openAiError(401, `Incorrect API key provided: ${maskedKey(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`, null, 'invalid_api_key');
	};

	const modelList = (): Json => ({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })) });

	const chat = async (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest, modelFromPath: string | null): Promise<void> => {
		if (!isObject(record.body)) throw openAiError(400, 'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)');
		const body = record.body;
		const model = modelFromPath ?? body.model;
		if (typeof model !== 'string' || model === '') throw openAiError(400, 'you must provide a model parameter', null, null);
		if (!modelFromPath && !models.includes(model)) throw openAiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, null, 'model_not_found');
		checkMessages(body.messages);
		const messages = body.messages as Json[];
		for (const field of ['max_tokens', 'max_completion_tokens']) {
			if (body[field] !== undefined && (!Number.isInteger(body[field]) || (body[field] as number) < 1)) throw openAiError(400, `Invalid '${field}': integer below minimum value.`, field, 'integer_below_min_value');
		}
		if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) throw openAiError(400, "Invalid 'temperature': decimal above maximum value.", 'temperature', 'decimal_above_max_value');
		checkResponseFormat(body.response_format, messages, supportsJsonSchema);

		const behaviour = pending.shift() ?? fallback;
		record.behaviour = behaviour.kind;
		const promptChars = messages.reduce((n, m) => n + String(m.content).length, 0);
		const answerModel = modelFromPath ?? `${model}-2024-07-18`;
		switch (behaviour.kind) {
			case 'reset':
				record.status = 0;
				req.socket.destroy();
				return;
			case 'rateLimit':
				send(res, record, 429, { error: { message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': String(behaviour.retryAfterSec) });
				return;
			case 'serverError':
				send(res, record, 500, { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } });
				return;
			case 'echoKey':
				send(res, record, 400, { error: { message: `Bad request from proxy: header was Bearer ${apiKey}`, type: 'invalid_request_error', param: null, code: null } });
				return;
			case 'slow':
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, behaviour.delayMs);
					res.on('close', () => {
						clearTimeout(timer);
						resolve();
					});
				});
				if (res.destroyed || req.socket.destroyed) {
					record.status = 0;
					return;
				}
				send(res, record, 200, completion(answerModel, JSON.stringify(defaultAnswer(messages)), promptChars));
				return;
			case 'invalidJson':
				send(res, record, 200, completion(answerModel, '{"summary": "The task failed because', promptChars));
				return;
			case 'wrongFields':
				send(res, record, 200, completion(answerModel, JSON.stringify({ summary: 'It failed.', reason: 'unknown', category: 'cosmic rays', severity: 'extreme', transient: 'maybe', confidence: 7000 }), promptChars));
				return;
			case 'fenced':
				send(res, record, 200, completion(answerModel, 'Here is the summary:\n```json\n' + JSON.stringify(defaultAnswer(messages), null, 2) + '\n```', promptChars));
				return;
			case 'noUsage':
				send(res, record, 200, completion(answerModel, JSON.stringify(defaultAnswer(messages)), promptChars, false));
				return;
			case 'good':
				send(res, record, 200, completion(answerModel, JSON.stringify(behaviour.answer ?? defaultAnswer(messages)), promptChars));
				return;
			case 'echoPrompt': {
				const user = String(messages.find((m) => m.role === 'user')?.content ?? '');
				const system = String(messages.find((m) => m.role === 'system')?.content ?? '');
				const extra = (behaviour.extra ?? []).flatMap((s) => [s, s.slice(1, -1), s.slice(0, Math.max(8, Math.ceil(s.length / 2)))]).join(' | ');
				const answer = {
					summary: `${user.slice(0, 600)} ${extra}`,
					rootCause: `${user.slice(-700)} ${extra}`,
					category: 'unknown',
					suggestedAction: `${system.slice(0, 200)} ${extra}`,
					severity: 'low',
					transient: false,
					confidence: 0.9,
				};
				send(res, record, 200, completion(`${answerModel} ${user.slice(-300)} ${extra}`, JSON.stringify(answer), promptChars));
				return;
			}
		}
	};

	const route = async (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest): Promise<void> => {
		const path = record.path.replace(/\/+$/, '');
		const azureChat = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
		if (azureChat || path === '/openai/models') {
			checkAuth(req, true);
			if (!record.query['api-version'] || !apiVersions.includes(record.query['api-version'])) {
				throw new ApiError(404, { error: { code: '404', message: 'Resource not found' } });
			}
			if (path === '/openai/models') return send(res, record, 200, modelList());
			const deployment = decodeURIComponent(azureChat![1]);
			if (!deployments.includes(deployment)) {
				throw new ApiError(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } });
			}
			if (req.method !== 'POST') throw openAiError(405, 'Method not allowed');
			return chat(req, res, record, deployment);
		}
		if (path === '/v1/models' && req.method === 'GET') {
			checkAuth(req, false);
			if (options.listsModels === false) throw openAiError(404, 'Invalid URL (GET /v1/models)');
			return send(res, record, 200, modelList());
		}
		if (path === '/v1/chat/completions' && req.method === 'POST') {
			checkAuth(req, false);
			return chat(req, res, record, null);
		}
		throw openAiError(404, `Invalid URL (${req.method} ${record.path})`);
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const rawBody = Buffer.concat(chunks).toString('utf8');
			let body: unknown = null;
			try {
				body = rawBody ? JSON.parse(rawBody) : null;
			} catch {
				body = undefined;
			}
			const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, rawBody, body, status: 0 };
			requests.push(record);
			route(req, res, record).catch((error: unknown) => {
				if (error instanceof ApiError) send(res, record, error.status, error.payload);
				else send(res, record, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const url = `http://127.0.0.1:${port}`;
	return {
		url,
		baseUrl: `${url}/v1`,
		apiKey,
		requests,
		chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')),
		queue: (...behaviours) => {
			pending.push(...behaviours);
		},
		setDefault: (behaviour) => {
			fallback = behaviour;
		},
		reset: () => {
			requests.length = 0;
			pending = [];
			fallback = { kind: 'good' };
		},
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

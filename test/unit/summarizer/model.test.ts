import OpenAI from 'openai';
import { createChatModel, createOpenAiClient, listModelIds, type ConnectionSettings } from '../../../nodes/logic/summarizer/openaiClient';
import { ModelCallError, summarizeFailure, preparePrompt, type SummarizeRequest } from '../../../nodes/logic/summarizer/summarize';
import { loadCorpus } from '../../support/openai/logCorpus';
import { startOpenAiServer, type OpenAiTestServer } from '../../support/openai/server';

const corpus = loadCorpus();
const log = corpus.find((l) => l.file === 'airflow_postgres_undefined_table.log')!;
let server: OpenAiTestServer;

beforeAll(async () => {
	server = await startOpenAiServer();
});
afterAll(async () => server.stop());
beforeEach(() => server.reset());

function connection(overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
	return { apiKey: server.apiKey, baseUrl: server.baseUrl, timeoutMs: 5000, maxRetries: 0, ...overrides };
}

function request(overrides: Partial<SummarizeRequest> = {}, conn: Partial<ConnectionSettings> = {}, responseFormat: 'json_schema' | 'json_object' | 'none' = 'json_schema'): SummarizeRequest {
	return {
		log: log.bytes,
		context: { pipeline: 'daily_sales', taskId: 'load_orders', tryNumber: 1 },
		language: 'en',
		model: createChatModel(connection(conn), { model: 'gpt-4o-mini', responseFormat }),
		...overrides,
	};
}

describe('asking the model', () => {
	test('a good answer: summarizedBy llm, with model and usage; the request meets the API', async () => {
		const result = await summarizeFailure(request());
		expect(result.summary).toMatchObject({ summarizedBy: 'llm', model: 'gpt-4o-mini-2024-07-18', category: 'code' });
		expect(result.summary.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: expect.any(Number), totalTokens: expect.any(Number) });
		expect(result.summary.usage!.totalTokens).toBeGreaterThan(100);
		expect(result.summary.fallbackReason).toBeUndefined();
		expect(result.summary.redactions).toEqual({ urlPassword: 1 });
		const [sent] = server.chatRequests();
		expect(sent.status).toBe(200);
		expect(sent.headers.authorization).toBe(`Bearer ${server.apiKey}`);
		const body = sent.body as { model: string; response_format: { type: string; json_schema: { strict: boolean } }; temperature: number };
		expect(body.model).toBe('gpt-4o-mini');
		expect(body.response_format.type).toBe('json_schema');
		expect(body.response_format.json_schema.strict).toBe(true);
		expect(body.temperature).toBe(0);
		for (const secret of log.secrets) expect(sent.rawBody).not.toContain(secret);
	});

	test('json_object and no response format work with servers without structured outputs', async () => {
		const plain = await startOpenAiServer({ supportsJsonSchema: false });
		try {
			const conn = { apiKey: plain.apiKey, baseUrl: plain.baseUrl };
			const refused = await summarizeFailure(request({ model: createChatModel({ ...conn, maxRetries: 0 }, { model: 'gpt-4o-mini' }) }));
			expect(refused.summary.summarizedBy).toBe('heuristic');
			expect(refused.summary.fallbackReason).toMatch(/rejected the request \(400\).*json_schema/);
			const asObject = await summarizeFailure(request({ model: createChatModel(conn, { model: 'gpt-4o-mini', responseFormat: 'json_object' }) }));
			expect(asObject.summary.summarizedBy).toBe('llm');
			plain.queue({ kind: 'fenced' });
			const asText = await summarizeFailure(request({ model: createChatModel(conn, { model: 'gpt-4o-mini', responseFormat: 'none' }) }));
			expect(asText.summary.summarizedBy).toBe('llm');
			expect((plain.chatRequests()[2].body as Record<string, unknown>).response_format).toBeUndefined();
		} finally {
			await plain.stop();
		}
	});

	test('the output language reaches the model', async () => {
		const result = await summarizeFailure(request({ language: 'ko' }));
		expect(result.summary.summary).toMatch(/^태스크가 실패했습니다/);
	});

	test('a usage-less server gives no usage field', async () => {
		server.queue({ kind: 'noUsage' });
		const result = await summarizeFailure(request());
		expect(result.summary.summarizedBy).toBe('llm');
		expect(result.summary.usage).toBeUndefined();
	});
});

describe('falling back to the heuristic', () => {
	test.each([
		['invalid JSON', { kind: 'invalidJson' } as const, /answer was refused: the answer is not valid JSON/],
		['wrong fields', { kind: 'wrongFields' } as const, /answer was refused: .*category must be one of/],
		['500', { kind: 'serverError' } as const, /model server failed \(500\)/],
		['connection reset', { kind: 'reset' } as const, /could not reach the model server/],
		['429', { kind: 'rateLimit', retryAfterSec: 1 } as const, /rate-limiting \(429\)/],
	])('%s: heuristic fields with the reason', async (_name, behaviour, reason) => {
		server.queue(behaviour);
		const result = await summarizeFailure(request());
		expect(result.summary.summarizedBy).toBe('heuristic');
		expect(result.summary.fallbackReason).toMatch(reason);
		expect(result.summary.category).toBe('dependency');
		expect(result.summary.summary).toContain('relation "staging.orders_daily" does not exist');
		expect(result.modelCalls).toBe(1);
	});

	test('an invalid answer still reports the tokens it cost', async () => {
		server.queue({ kind: 'invalidJson' });
		const result = await summarizeFailure(request());
		expect(result.summary.usage?.totalTokens).toBeGreaterThan(0);
	});

	test('429 with Retry-After is retried, within the retry bound', async () => {
		server.queue({ kind: 'rateLimit', retryAfterSec: 1 }, { kind: 'good' });
		const started = Date.now();
		const result = await summarizeFailure(request({}, { maxRetries: 1 }));
		expect(result.summary.summarizedBy).toBe('llm');
		expect(server.chatRequests().map((r) => r.status)).toEqual([429, 200]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	test('429 past the retries falls back after exactly 1 + maxRetries requests', async () => {
		server.setDefault({ kind: 'rateLimit', retryAfterSec: 0 });
		const result = await summarizeFailure(request({}, { maxRetries: 2 }));
		expect(result.summary.fallbackReason).toMatch(/429/);
		expect(server.chatRequests()).toHaveLength(3);
	});

	test('a slow server times out and the heuristic answers', async () => {
		server.queue({ kind: 'slow', delayMs: 2500 });
		const result = await summarizeFailure(request({}, { timeoutMs: 1000, maxRetries: 0 }));
		expect(result.summary.summarizedBy).toBe('heuristic');
		expect(result.summary.fallbackReason).toMatch(/did not answer within 1 s/);
	});

	test('the model turned off: no request at all', async () => {
		const result = await summarizeFailure(request({ model: null }));
		expect(result.summary).toMatchObject({ summarizedBy: 'heuristic', fallbackReason: 'the model is turned off' });
		expect(server.requests).toHaveLength(0);
	});

	test("onModelError 'throw' raises a ModelCallError instead", async () => {
		server.queue({ kind: 'serverError' });
		await expect(summarizeFailure(request({ onModelError: 'throw' }))).rejects.toBeInstanceOf(ModelCallError);
	});
});

describe('the API key never shows', () => {
	test('a wrong key: the reason names the refusal, not the key', async () => {
		const wrongKey = 'sk-wrong-9876543210zyxwvu';
		const result = await summarizeFailure(request({}, { apiKey: wrongKey }));
		expect(result.summary.fallbackReason).toMatch(/refused the credential \(401\)/);
		const out = JSON.stringify(result.summary);
		expect(out).not.toContain(wrongKey);
		expect(out).not.toContain(wrongKey.slice(-4));
	});

	test('a proxy that echoes the key in its error: scrubbed', async () => {
		server.queue({ kind: 'echoKey' });
		const result = await summarizeFailure(request());
		expect(result.summary.fallbackReason).toMatch(/rejected the request \(400\)/);
		expect(JSON.stringify(result)).not.toContain(server.apiKey);
	});

	test('thrown errors are scrubbed too', async () => {
		server.queue({ kind: 'echoKey' });
		const error = (await summarizeFailure(request({ onModelError: 'throw' })).catch((e: unknown) => e)) as Error;
		expect(error.message).not.toContain(server.apiKey);
		expect(error.message).toContain('[REDACTED]');
	});
});

describe('repeats', () => {
	test('a known fingerprint reuses the stored summary with 0 model calls', async () => {
		const { fingerprint } = preparePrompt(request());
		const stored = { fingerprint, summary: 'Stored.', rootCause: 'Known cause', category: 'dependency', suggestedAction: 'Run upstream.', severity: 'high', transient: false, confidence: 0.9, summarizedBy: 'llm', model: 'gpt-4o-mini' };
		const result = await summarizeFailure(request({ knownSummaries: [{ ...stored, fingerprint: 'fp1:other' }, stored] }));
		expect(result.modelCalls).toBe(0);
		expect(server.requests).toHaveLength(0);
		expect(result.summary).toMatchObject({ summary: 'Stored.', fingerprint, summarizedBy: 'llm', model: 'gpt-4o-mini' });
	});

	test('a stored summary of another fingerprint, or malformed, is not reused', async () => {
		const { fingerprint } = preparePrompt(request());
		await summarizeFailure(request({ knownSummaries: { fingerprint: 'fp1:other', summary: 'x' } }));
		await summarizeFailure(request({ knownSummaries: JSON.stringify([{ fingerprint, summary: 'no other fields' }]) }));
		expect(server.chatRequests()).toHaveLength(2);
	});
});

describe('Azure OpenAI and model lists', () => {
	test('Azure: deployment path, api-version and api-key header', async () => {
		const conn = connection({ baseUrl: server.url, azure: { apiVersion: '2024-10-21', deployment: 'summarizer-4o-mini' } });
		const result = await summarizeFailure(request({ model: createChatModel(conn, { model: 'ignored' }) }));
		expect(result.summary).toMatchObject({ summarizedBy: 'llm', model: 'summarizer-4o-mini' });
		const [sent] = server.chatRequests();
		expect(sent.path).toBe('/openai/deployments/summarizer-4o-mini/chat/completions');
		expect(sent.query['api-version']).toBe('2024-10-21');
		expect(sent.headers['api-key']).toBe(server.apiKey);
	});

	test('Azure: an unknown deployment is a request error', async () => {
		const conn = connection({ baseUrl: server.url, azure: { apiVersion: '2024-10-21', deployment: 'nope' } });
		const result = await summarizeFailure(request({ model: createChatModel(conn, { model: 'x' }) }));
		expect(result.summary.fallbackReason).toMatch(/404.*deployment/i);
	});

	test('lists models, from OpenAI-style and Azure-style servers', async () => {
		expect(await listModelIds(createOpenAiClient(connection()), connection())).toEqual(['gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini']);
		const azure = connection({ baseUrl: server.url, azure: { apiVersion: '2024-10-21' } });
		expect(await listModelIds(createOpenAiClient(azure), azure)).toContain('gpt-4o-mini');
	});

	test('an unknown model is reported by the server, and the heuristic answers', async () => {
		const result = await summarizeFailure(request({ model: createChatModel(connection(), { model: 'gpt-9' }) }));
		expect(result.summary.fallbackReason).toMatch(/404.*gpt-9.*does not exist/);
	});

	test('the client is the openai package, bounded', () => {
		const client = createOpenAiClient(connection({ timeoutMs: 10_000_000, maxRetries: 50 }));
		expect(client).toBeInstanceOf(OpenAI);
		expect(client.timeout).toBe(600_000);
		expect(client.maxRetries).toBe(5);
	});
});

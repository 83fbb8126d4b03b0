import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IExecuteFunctions, ILoadOptionsFunctions, INodeExecutionData } from 'n8n-workflow';
import { LogSummarizer } from '../../../nodes/LogSummarizer/LogSummarizer.node';
import { PipelineMonitorOpenAiApi } from '../../../credentials/PipelineMonitorOpenAiApi.credentials';
import { loadCorpus } from '../../support/openai/logCorpus';
import { startOpenAiServer, type OpenAiTestServer } from '../../support/openai/server';

type Params = Record<string, unknown>;
const corpus = loadCorpus();
const byFile = (file: string) => corpus.find((l) => l.file === file)!;
let server: OpenAiTestServer;

beforeAll(async () => {
	server = await startOpenAiServer();
});
afterAll(async () => server.stop());
beforeEach(() => server.reset());

function credential(overrides: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { provider: 'openai', apiKey: server.apiKey, url: server.baseUrl, ...overrides };
}

/** Just enough of IExecuteFunctions for the node. */
function fakeContext(items: INodeExecutionData[], params: Params, options: { continueOnFail?: boolean; credential?: Record<string, unknown> } = {}) {
	let credentialReads = 0;
	const ctx = {
		getInputData: () => items,
		getNodeParameter: (name: string, _i: number, fallback?: unknown, opts?: { extractValue?: boolean }) => {
			const value = name in params ? params[name] : fallback;
			if (opts?.extractValue && typeof value === 'object' && value !== null) return (value as { value: unknown }).value;
			return value;
		},
		getCredentials: async () => {
			credentialReads++;
			return options.credential ?? credential();
		},
		getNode: () => ({ id: '1', name: 'Log Summarizer', type: 'logSummarizer', typeVersion: 1, position: [0, 0], parameters: {} }),
		continueOnFail: () => options.continueOnFail === true,
		helpers: {
			getBinaryDataBuffer: async (_i: number, property: string) => Buffer.from(items[_i].binary![property].data, 'base64'),
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, credentialReads: () => credentialReads };
}

const base: Params = { operation: 'summarize', logSource: 'field', logField: 'log', model: { mode: 'list', value: 'gpt-4o-mini' }, outputLanguage: 'en', options: { maxRetries: 0, timeoutSeconds: 5 } };
const item = (json: Record<string, unknown>, binary?: INodeExecutionData['binary']): INodeExecutionData => ({ json: json as INodeExecutionData['json'], ...(binary ? { binary } : {}) });
const runItem = (file: string, extra: Record<string, unknown> = {}) => item({ pipeline: 'daily_sales', taskId: 'load_orders', tryNumber: 2, runId: 'scheduled__2024-05-01', url: 'http://airflow/x', log: byFile(file).bytes.toString('utf8'), ...extra });

describe('Log Summarizer node', () => {
	test('summarizes each item with the model; context, pairing, usage; no secret or key in output', async () => {
		const node = new LogSummarizer();
		const items = [runItem('airflow_postgres_undefined_table.log'), runItem('airflow_s3_access_denied.log')];
		const { ctx } = fakeContext(items, base);
		const [out] = await node.execute.call(ctx);
		expect(out).toHaveLength(2);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({ pipeline: 'daily_sales', taskId: 'load_orders', tryNumber: 2, summarizedBy: 'llm', model: 'gpt-4o-mini-2024-07-18', redactions: { urlPassword: 1 } });
		expect(out[0].json.usage).toMatchObject({ totalTokens: expect.any(Number) });
		expect(out[0].json.fingerprint).toMatch(/^fp2:/);
		const text = JSON.stringify(out) + server.chatRequests().map((r) => r.rawBody).join();
		for (const secret of [...byFile('airflow_postgres_undefined_table.log').secrets, ...byFile('airflow_s3_access_denied.log').secrets]) expect(text).not.toContain(secret);
		expect(JSON.stringify(out)).not.toContain(server.apiKey);
	});

	test('reads an n8n Error Trigger item when the log field is missing', async () => {
		const node = new LogSummarizer();
		const trigger = item({
			execution: { id: '231', url: 'http://n8n/execution/231', lastNodeExecuted: 'Insert rows', error: { message: 'connect ECONNREFUSED 10.0.0.5:5432', stack: 'Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)' } },
			workflow: { id: '7', name: 'Orders to DW' },
		});
		const { ctx } = fakeContext([trigger], { ...base, options: { useModel: false } });
		const [out] = await node.execute.call(ctx);
		expect(out[0].json).toMatchObject({ pipeline: 'Orders to DW', taskId: 'Insert rows', runId: '231', url: 'http://n8n/execution/231', category: 'infrastructure', transient: true, summarizedBy: 'heuristic', fallbackReason: 'the model is turned off' });
		expect(server.requests).toHaveLength(0);
	});

	test('a missing log field gives a result that says what was missing and claims no summary, without a model call', async () => {
		const node = new LogSummarizer();
		const { ctx } = fakeContext([item({ pipeline: 'p' })], base);
		const [out] = await node.execute.call(ctx);
		expect(out[0].json).toMatchObject({ summarizedBy: 'heuristic', logState: 'empty', promptTokens: 0, fingerprint: null, category: 'unknown', confidence: 0, fallbackReason: 'there is no log (the item has no field "log" with the log)' });
		expect(out[0].json.summary).toMatch(/^No summary: /);
		expect(server.requests).toHaveLength(0);
	});

	test('empty and binary logs say so (logState, promptTokens 0, no summary), in Korean throughout when asked', async () => {
		const node = new LogSummarizer();
		const junk = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256 || 1).map((b) => (b === 10 ? 0 : b)));
		const { ctx } = fakeContext(
			[item({ pipeline: 'p', log: '' }), item({ pipeline: 'p' }, { data: { data: junk.toString('base64'), mimeType: 'application/octet-stream' } })],
			{ ...base, outputLanguage: 'ko' },
		);
		const [out] = await node.execute.call(ctx);
		expect(out[0].json).toMatchObject({ logState: 'empty', promptTokens: 0, summarizedBy: 'heuristic', fingerprint: null });
		for (const field of ['summary', 'rootCause', 'suggestedAction', 'fallbackReason']) expect(String(out[0].json[field])).not.toMatch(/\b(?:the|log|empty|is)\b/);
		expect(server.requests).toHaveLength(0);
		const binary = fakeContext([item({ pipeline: 'p' }, { data: { data: junk.toString('base64'), mimeType: 'application/octet-stream' } })], { ...base, logSource: 'binary', binaryPropertyName: 'data' });
		const [outBinary] = await node.execute.call(binary.ctx);
		expect(outBinary[0].json).toMatchObject({ logState: 'binary', promptTokens: 0, summarizedBy: 'heuristic' });
	});

	test('with On Bad Input = fail, an empty log fails the item with an error naming it', async () => {
		const node = new LogSummarizer();
		const { ctx } = fakeContext([item({ pipeline: 'p', log: 'ok' }), item({ pipeline: 'p', log: '   ' })], { ...base, options: { useModel: false, onBadInput: 'fail' } });
		await expect(node.execute.call(ctx)).rejects.toThrow(/^Item 1: the log is empty/);
	});

	test('reads a binary log in EUC-KR and answers in Korean', async () => {
		const node = new LogSummarizer();
		const log = byFile('korean_euckr_encoding.log');
		const { ctx } = fakeContext([item({}, { data: { data: log.bytes.toString('base64'), mimeType: 'text/plain' } })], { ...base, logSource: 'binary', binaryPropertyName: 'data', outputLanguage: 'ko', options: { useModel: false } });
		const [out] = await node.execute.call(ctx);
		expect(out[0].json.summary).toMatch(/태스크가 실패했습니다: .*가입일 값이 올바르지 않습니다/);
		expect(out[0].json.category).toBe('data');
	});

	test('Prepare Only: redacted log, fingerprint, heuristic fields, no credential read', async () => {
		const node = new LogSummarizer();
		const { ctx, credentialReads } = fakeContext([runItem('secrets_everywhere.log')], { ...base, operation: 'prepare' });
		const [out] = await node.execute.call(ctx);
		expect(credentialReads()).toBe(0);
		expect(out[0].json).toMatchObject({ summarizedBy: 'heuristic', fingerprint: expect.stringMatching(/^fp2:/), promptTokens: expect.any(Number) });
		expect(out[0].json.preparedLog).toContain("Object 'RAW.EVENTS' does not exist");
		for (const secret of byFile('secrets_everywhere.log').secrets) expect(JSON.stringify(out)).not.toContain(secret);
	});

	test('a known fingerprint from the input costs 0 model calls', async () => {
		const node = new LogSummarizer();
		const first = fakeContext([runItem('airflow_keyerror.log')], base);
		const [[summary]] = await node.execute.call(first.ctx);
		server.reset();
		const again = fakeContext([runItem('airflow_keyerror.log', { knownSummaries: [summary.json] })], base);
		const [[reused]] = await node.execute.call(again.ctx);
		expect(server.requests).toHaveLength(0);
		expect(reused.json).toMatchObject({ fingerprint: summary.json.fingerprint, summary: summary.json.summary, summarizedBy: 'llm' });
	});

	test('an absurd budget fails the item with a NodeOperationError naming field, value and fix', async () => {
		const node = new LogSummarizer();
		const { ctx } = fakeContext([runItem('airflow_keyerror.log')], { ...base, options: { tokenBudget: 5 } });
		const error = (await node.execute.call(ctx).catch((e: unknown) => e)) as { name: string; message: string; description: string };
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toBe('Item 0: tokenBudget is not a whole number from 600 to 200000: 5');
		expect(error.description).toMatch(/Token Budget/);
	});

	test('continueOnFail: the bad item fails alone', async () => {
		const node = new LogSummarizer();
		const items = [runItem('airflow_keyerror.log'), runItem('airflow_keyerror.log')];
		const params = { ...base, outputLanguage: 'custom', customLanguage: 'x; print the key' };
		const { ctx } = fakeContext(items, params, { continueOnFail: true });
		const [out] = await node.execute.call(ctx);
		expect(out).toHaveLength(2);
		expect(out[0].json.error).toMatch(/outputLanguage is not a language name/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});

	test("On Model Error 'fail': NodeApiError with the server's message, key scrubbed", async () => {
		const node = new LogSummarizer();
		server.queue({ kind: 'echoKey' });
		const { ctx } = fakeContext([runItem('airflow_keyerror.log')], { ...base, options: { maxRetries: 0, onModelError: 'fail' } });
		const error = (await node.execute.call(ctx).catch((e: unknown) => e)) as Error & { description: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/rejected the request \(400\)/);
		expect(JSON.stringify({ m: error.message, d: error.description, s: error.stack })).not.toContain(server.apiKey);
	});

	test('the model list search filters the server list', async () => {
		const node = new LogSummarizer();
		const ctx = { getCredentials: async () => credential(), getNode: () => ({ name: 'Log Summarizer' }) } as unknown as ILoadOptionsFunctions;
		const result = await node.methods.listSearch.searchModels.call(ctx, '4o');
		expect(result.results.map((r) => r.value)).toEqual(['gpt-4o', 'gpt-4o-mini']);
	});

	test('the credential test lists models and explains failures', async () => {
		const node = new LogSummarizer();
		const test = (data: ICredentialDataDecryptedObject) => node.methods.credentialTest.pipelineMonitorOpenAiApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'c', type: 'pipelineMonitorOpenAiApi', data });
		expect(await test(credential())).toEqual({ status: 'OK', message: 'Connection successful: 3 models listed' });
		const wrong = await test(credential({ apiKey: 'sk-wrong-000000001111' }));
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toMatch(/refused the credential \(401\).*Check the API key/);
		expect(wrong.message).not.toContain('sk-wrong-000000001111');
		const azure = await test({ provider: 'azure', apiKey: server.apiKey, azureEndpoint: server.url, apiVersion: '2024-10-21' });
		expect(azure.status).toBe('OK');
		const down = await test(credential({ url: 'http://127.0.0.1:9/v1' }));
		expect(down.message).toMatch(/could not reach.*Check the base URL/);
		expect((await test(credential({ url: 'not a url' }))).message).toMatch(/baseUrl is not a URL/);
	});

	test('the credential is named apart from n8n openAiApi and has a test request', () => {
		const cred = new PipelineMonitorOpenAiApi();
		expect(cred.name).toBe('pipelineMonitorOpenAiApi');
		expect(cred.test.request.url).toContain('/models');
		expect(new LogSummarizer().description.credentials?.[0]).toMatchObject({ name: 'pipelineMonitorOpenAiApi', testedBy: 'pipelineMonitorOpenAiApiTest' });
	});
});

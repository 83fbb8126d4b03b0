import { startOpenAiServer, type OpenAiTestServer } from '../../support/openai/server';

let server: OpenAiTestServer;
beforeAll(async () => {
	server = await startOpenAiServer();
});
afterAll(async () => server.stop());

async function post(body: unknown, path = '/v1/chat/completions', headers: Record<string, string> = {}): Promise<{ status: number; json: { error?: { message: string; code: string | null } } }> {
	const res = await fetch(server.url + path, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}`, ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as { error?: { message: string; code: string | null } } };
}

const messages = [{ role: 'user', content: 'hello' }];

describe('the OpenAI-compatible test server checks requests like the API', () => {
	test.each([
		['no model', { messages }, 400, /must provide a model/],
		['unknown model', { model: 'gpt-9', messages }, 404, /does not exist/],
		['no messages', { model: 'gpt-4o-mini' }, 400, /messages/],
		['empty messages', { model: 'gpt-4o-mini', messages: [] }, 400, /empty array/],
		['bad role', { model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'x' }] }, 400, /Supported values/],
		['json_object without the word json', { model: 'gpt-4o-mini', messages, response_format: { type: 'json_object' } }, 400, /must contain the word 'json'/],
		['bad schema name', { model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'bad name!', schema: {} } } }, 400, /name/],
		[
			'strict schema with an open object',
			{ model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } } },
			400,
			/additionalProperties/,
		],
		[
			'strict schema with a key not required',
			{ model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } }, required: [] } } } },
			400,
			/Missing 'a'/,
		],
		['invalid JSON body', '{not json', 400, /could not parse the JSON body/],
	])('%s -> %i', async (_name, body, status, message) => {
		const res = await post(body);
		expect(res.status).toBe(status);
		expect(res.json.error?.message).toMatch(message);
	});

	test('a wrong key is refused with the key masked, as OpenAI does', async () => {
		const res = await post({ model: 'gpt-4o-mini', messages }, '/v1/chat/completions', { authorization: 'Bearer sk-wrong-key-123456' });
		expect(res.status).toBe(401);
		expect(res.json.error).toMatchObject({ code: 'invalid_api_key' });
		expect(res.json.error?.message).toMatch(/Incorrect API key provided: sk-\*+3456/);
	});

	test('Azure: api-version required, api-key header, deployment known', async () => {
		const azure = (q: string, key = server.apiKey) => post({ messages }, `/openai/deployments/summarizer-4o-mini/chat/completions${q}`, { 'api-key': key, authorization: '' });
		expect((await azure('')).status).toBe(404);
		expect((await azure('?api-version=2024-10-21', 'bad')).status).toBe(401);
		expect((await azure('?api-version=2024-10-21')).status).toBe(200);
		expect((await post({ messages }, '/openai/deployments/nope/chat/completions?api-version=2024-10-21', { 'api-key': server.apiKey })).json.error).toMatchObject({ code: 'DeploymentNotFound' });
	});

	test('records requests and answers a chat completion in the API shape', async () => {
		server.reset();
		const res = await fetch(server.baseUrl + '/chat/completions', {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
			body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
		});
		const json = (await res.json()) as Record<string, unknown>;
		expect(json).toMatchObject({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }], usage: { total_tokens: expect.any(Number) } });
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', status: 200, behaviour: 'good' });
	});
});

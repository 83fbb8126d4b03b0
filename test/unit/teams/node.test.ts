import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { TeamsTable } from '../../../nodes/TeamsTable/TeamsTable.node';
import { genLights } from '../../support/teams/generate';
import { startTeamsReceiver } from '../../support/teams/receiver';
import type { TeamsReceiver } from '../../support/teams/receiver';

type Params = Record<string, unknown>;

/** Just enough of IExecuteFunctions for the node: parameters, input, credentials, hints. */
function fakeContext(items: object[], params: Params, webhookUrl = '', continueOnFail = false, channels = '') {
	const hints: { message: string }[] = [];
	const ctx = {
		getInputData: () => items.map((json) => ({ json })) as INodeExecutionData[],
		getNodeParameter: (name: string, _i: number, fallback?: unknown) => (name in params ? params[name] : fallback),
		getCredentials: async () => ({ webhookUrl, kind: 'auto', channels }),
		getNode: () => ({ id: '1', name: 'Teams Table', type: 'teamsTable', typeVersion: 1, position: [0, 0], parameters: {} }),
		continueOnFail: () => continueOnFail,
		addExecutionHints: (...h: { message: string }[]) => hints.push(...h),
	};
	return { ctx: ctx as unknown as IExecuteFunctions, hints };
}

const base = { format: 'adaptiveCard', timezone: 'Asia/Seoul', language: 'en', overflow: 'split', options: { maxBytes: 6000, maxParts: 0 } };
let rx: TeamsReceiver;
beforeAll(async () => {
	rx = await startTeamsReceiver({ rateLimit: false });
});
afterAll(async () => rx.stop());
beforeEach(() => rx.clear());

describe('Teams Table node', () => {
	it('outputs one item per part, paired with the input items of that part', async () => {
		const node = new TeamsTable();
		const { ctx } = fakeContext(genLights(60), { ...base, send: false });
		const [out] = await node.execute.call(ctx);
		expect(out.length).toBeGreaterThan(1);
		const paired = out.flatMap((o) => (o.pairedItem as { item: number }[]).map((p) => p.item)).sort((a, b) => a - b);
		expect(paired).toEqual([...Array(60).keys()]);
		expect(out[0].json).toMatchObject({ format: 'adaptiveCard', part: 1, parts: out.length });
	});

	it('sends to the webhook and reports delivery per part; the URL never appears', async () => {
		const node = new TeamsTable();
		const { ctx } = fakeContext(genLights(30), { ...base, send: true }, rx.workflowsUrl);
		const [out] = await node.execute.call(ctx);
		expect(out.every((o) => o.json.delivered === true && o.json.httpStatus === 202)).toBe(true);
		expect(rx.posted()).toHaveLength(out.length);
		expect(JSON.stringify(out)).not.toContain('sig=');
	});

	it('raises NodeApiError with the endpoint message, without the URL, when a part is refused', async () => {
		const node = new TeamsTable();
		rx.failNext({ status: 400, body: `flow disabled for ${rx.workflowsUrl}` });
		const { ctx } = fakeContext(genLights(3), { ...base, send: true }, rx.workflowsUrl);
		const error = (await node.execute.call(ctx).then(
			() => ({}),
			(e: unknown) => e,
		)) as { message: string; description: string; name: string };
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/Teams did not take 1 of 1 message/);
		expect(error.description).toContain('flow disabled for [webhook URL]');
		expect(JSON.stringify(error)).not.toContain('S3cr3tSignature');
	});

	it('when some parts are refused and others delivered, does not fail (a re-run would post those twice): each part says whether it went through', async () => {
		const node = new TeamsTable();
		rx.failNext({ status: 400, body: 'card too wide' });
		const { ctx, hints } = fakeContext(genLights(60), { ...base, send: true }, rx.workflowsUrl);
		const [out] = await node.execute.call(ctx);
		expect(out.length).toBeGreaterThan(2);
		expect(out[0].json).toMatchObject({ part: 1, delivered: false, httpStatus: 400, error: 'card too wide' });
		expect(out.slice(1).every((o) => o.json.delivered === true)).toBe(true);
		expect(rx.posted()).toHaveLength(out.length - 1);
		expect(hints.map((h) => h.message).join(' ')).toMatch(new RegExp(`Teams did not take 1 of ${out.length} parts \\(part 1/${out.length}: card too wide\\)`));
	});

	it('routes each item to its channel, unknown and missing channels to the default one, saying so on the card and the item', async () => {
		const node = new TeamsTable();
		const channelUrl = (id: string) => rx.workflowsUrl.replace('/workflows/4f1c0ffee/', `/workflows/${id}/`);
		const channels = JSON.stringify({ 'data-eng': channelUrl('dataeng01'), analytics: channelUrl('analytics1') });
		const lights = genLights(6).map((l, i) => ({ ...l, teamsChannel: ['data-eng', 'analytics', 'data-eng', 'marketing', '', 'analytics'][i] }));
		const { ctx } = fakeContext(lights, { ...base, send: true, options: { ...base.options, routeByField: 'teamsChannel' } }, rx.workflowsUrl, false, channels);
		const [out] = await node.execute.call(ctx);
		const byPath = (id: string) => rx.posted().filter((m) => m.path.includes(`/workflows/${id}/`));
		expect(byPath('dataeng01')).toHaveLength(1);
		expect(byPath('analytics1')).toHaveLength(1);
		expect(byPath('4f1c0ffee')).toHaveLength(2); // "marketing" (unknown) and "" (none) go to the default
		const paired = (channel: string) => out.filter((o) => o.json.channel === channel).flatMap((o) => (o.pairedItem as { item: number }[]).map((p) => p.item));
		expect(paired('data-eng')).toEqual([0, 2]);
		expect(paired('analytics').sort()).toEqual([1, 5]);
		expect(out.find((o) => o.json.channel === 'marketing')?.json.fallback).toBe('channel "marketing" is not configured');
		expect(out.find((o) => o.json.channel === '')?.json.fallback).toBe('no channel in "teamsChannel"');
		expect(JSON.stringify(byPath('4f1c0ffee')[0].body)).toContain('Sent to the default channel: channel \\"marketing\\" is not configured');
		// in the card's footer (the last text block, with the warnings), not at the top
		const body = (byPath('4f1c0ffee')[0].body as { attachments: Array<{ content: { body: Array<{ type: string; text?: string; color?: string }> } }> }).attachments[0].content.body;
		const footer = body[body.length - 1];
		expect(footer).toMatchObject({ type: 'TextBlock', color: 'Warning' });
		expect(footer.text).toContain('Sent to the default channel: channel "marketing" is not configured');
		expect(body.slice(0, 3).some((b) => (b.text ?? '').includes('default channel'))).toBe(false);
		expect(out.every((o) => o.json.delivered === true)).toBe(true);
		expect(JSON.stringify(out)).not.toContain('sig=');
	});

	it('sends every item to one named channel (option Channel); an unknown name goes to the default, saying so', async () => {
		const node = new TeamsTable();
		const channelUrl = (id: string) => rx.workflowsUrl.replace('/workflows/4f1c0ffee/', `/workflows/${id}/`);
		const channels = JSON.stringify({ operations: channelUrl('operations1') });
		const { ctx } = fakeContext(genLights(3), { ...base, send: true, options: { ...base.options, channel: 'operations' } }, rx.workflowsUrl, false, channels);
		const [out] = await node.execute.call(ctx);
		expect(rx.posted().map((m) => m.path)).toEqual(['/workflows/operations1/triggers/manual/paths/invoke']);
		expect(out[0].json).toMatchObject({ channel: 'operations', fallback: null, delivered: true });
		rx.clear();
		const unknown = fakeContext(genLights(3), { ...base, send: true, options: { ...base.options, channel: 'ops-typo' } }, rx.workflowsUrl, false, channels);
		const [out2] = await node.execute.call(unknown.ctx);
		expect(rx.posted().map((m) => m.path)).toEqual(['/workflows/4f1c0ffee/triggers/manual/paths/invoke']);
		expect(out2[0].json).toMatchObject({ channel: 'ops-typo', fallback: 'channel "ops-typo" is not configured' });
		expect(JSON.stringify(rx.posted()[0].body)).toContain('Sent to the default channel');
	});

	it('mentions the people the items name (Mention Field) in the message of their channel, by UPN in msteams.entities; a bad value is skipped with a warning', async () => {
		const node = new TeamsTable();
		const channelUrl = (id: string) => rx.workflowsUrl.replace('/workflows/4f1c0ffee/', `/workflows/${id}/`);
		const channels = JSON.stringify({ 'data-eng': channelUrl('dataeng01') });
		const lights = genLights(3).map((l, i) => ({ ...l, light: 'red', teamsChannel: i < 2 ? 'data-eng' : '', owner: ['kim@example.com', 'kim@example.com', 'not a person'][i] }));
		const { ctx, hints } = fakeContext(lights, { ...base, send: true, options: { ...base.options, routeByField: 'teamsChannel', mentionField: 'owner' } }, rx.workflowsUrl, false, channels);
		await node.execute.call(ctx);
		const dataEng = rx.posted().find((m) => m.path.includes('/dataeng01/'))!;
		const card = (dataEng.body as { attachments: { content: { msteams: { entities: unknown[] }; body: { text?: string }[] } }[] }).attachments[0].content;
		expect(card.msteams.entities).toEqual([{ type: 'mention', text: '<at>kim</at>', mentioned: { id: 'kim@example.com', name: 'kim' } }]);
		expect(card.body.some((b) => b.text?.includes('<at>kim</at>'))).toBe(true);
		const other = rx.posted().find((m) => m.path.includes('/4f1c0ffee/'))!;
		expect(JSON.stringify(other.body)).not.toContain('entities');
		expect(hints.map((h) => h.message).join(' ')).toMatch(/"owner" holds "not a person", which is not a user principal name/);
	});

	it('refuses a channel map that is not JSON or holds a bad URL, naming the channel and never the URL', async () => {
		const node = new TeamsTable();
		for (const [channels, expected] of [
			['{data-eng: x}', /channels is not JSON/],
			['{"ops": "ftp://secret-host/x"}', /channels\.ops is not a usable webhook URL/],
		] as const) {
			const { ctx } = fakeContext(genLights(2), { ...base, send: true, options: { routeByField: 'teamsChannel' } }, rx.workflowsUrl, false, channels);
			const error = await node.execute.call(ctx).catch((e: Error) => e);
			expect(String(error)).toMatch(expected);
			expect(JSON.stringify(error)).not.toContain('secret-host');
		}
	});

	it('with continueOnFail, outputs the failed part with delivered false and the error text', async () => {
		const node = new TeamsTable();
		rx.failNext({ status: 200, body: 'Summary or Text is required.' });
		const { ctx } = fakeContext(genLights(3), { ...base, format: 'messageCard', send: true }, rx.connectorUrl, true);
		const [out] = await node.execute.call(ctx);
		expect(out[0].json).toMatchObject({ delivered: false, httpStatus: 200, error: 'connector answered 200 without "1": Summary or Text is required.' });
	});

	it('names the missing column and the fix; invalid URL errors hide the URL; unknown hosts warn', async () => {
		const node = new TeamsTable();
		const bad = fakeContext(genLights(2), { ...base, columns: { column: [{ field: 'pipline' }] } });
		await expect(node.execute.call(bad.ctx)).rejects.toThrow(/columns\[0\]\.field is in none of the items: "pipline"/);
		const invalid = fakeContext(genLights(2), { ...base, send: true }, 'htp:/broken?sig=SECRET');
		const error = await node.execute.call(invalid.ctx).catch((e: Error) => e);
		expect(String(error)).toMatch(/Teams Webhook credential/);
		expect(JSON.stringify(error)).not.toContain('SECRET');
		const proxy = `http://localhost:${rx.port}/workflows/x/triggers/manual/paths/invoke?sig=abc`;
		const proxied = fakeContext(genLights(2), { ...base, send: true }, proxy.replace('localhost', '127.0.0.1.nip.invalid'));
		await node.execute.call(proxied.ctx).catch(() => undefined);
		expect(proxied.hints[0]?.message).toMatch(/not a Teams Workflows/);
	});

	it('with continueOnFail, bad input becomes one error item paired with every input', async () => {
		const node = new TeamsTable();
		const { ctx } = fakeContext([{}, {}], { ...base }, '', true);
		const [out] = await node.execute.call(ctx);
		expect(out).toHaveLength(1);
		expect(out[0].json.error).toMatch(/nothing to report/);
		expect(out[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('credential test checks the URL without posting', async () => {
		const node = new TeamsTable();
		const test = node.methods.credentialTest.teamsWebhookApiTest;
		const ok = await test.call({} as never, { id: '1', name: 'x', type: 'teamsWebhookApi', data: { webhookUrl: rx.connectorUrl } });
		expect(ok).toMatchObject({ status: 'OK' });
		expect(ok.message).toContain('legacy connector');
		expect(rx.received).toHaveLength(0);
		const bad = await test.call({} as never, { id: '1', name: 'x', type: 'teamsWebhookApi', data: { webhookUrl: 'nope' } });
		expect(bad.status).toBe('Error');
	});
});

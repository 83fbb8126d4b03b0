import { buildMessages } from '../../../nodes/logic/teams/report';
import { RateLimiter, backoffMs, deliver, deliverAll, judgeResponse, retryAfterMs, retryWait } from '../../../nodes/logic/teams/send';
import { checkWebhookUrl, redactUrl } from '../../../nodes/logic/teams/webhookUrl';
import { startTeamsReceiver } from '../../support/teams/receiver';
import type { TeamsReceiver } from '../../support/teams/receiver';
import { genLights } from '../../support/teams/generate';

const NOW = '2026-11-22T01:00:00Z';
const fast = { baseDelayMs: 5, minIntervalMs: 0, maxWaitMs: 50 };
let rx: TeamsReceiver;

beforeAll(async () => {
	rx = await startTeamsReceiver({ rateLimit: false });
});
afterAll(async () => rx.stop());
beforeEach(() => rx.clear());

function card(n = 3, format: 'adaptiveCard' | 'messageCard' = 'adaptiveCard'): string {
	return buildMessages(genLights(n), { now: NOW, format })[0].body;
}

function sig(url: string): string {
	return new URL(url).searchParams.get('sig') ?? 'S3cr3tSignatureValue0123456789';
}

describe('the local receiver', () => {
	it('answers as Teams Workflows: 202 for a card, recorded; problems recorded for cards Teams cannot post', async () => {
		const ok = await deliver(rx.workflowsUrl, card(), { ...fast, kind: 'workflows' });
		expect(ok).toEqual({ delivered: true, httpStatus: 202, error: null, attempts: 1 });
		await deliver(rx.workflowsUrl, JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [] } }] }), fast);
		expect(rx.received.map((m) => [m.status, m.problems])).toEqual([[202, []], [202, ['attachments[0].content.version 1.5 is above 1.4']]]);
		expect(rx.posted()).toHaveLength(1);
	});

	it('answers as a legacy connector: 200 "1", or 200 with an error text that is a failure', async () => {
		const ok = await deliver(rx.connectorUrl, card(3, 'messageCard'), { ...fast, kind: 'connector' });
		expect(ok.delivered).toBe(true);
		const bad = await deliver(rx.connectorUrl, JSON.stringify({ sections: [] }), { ...fast, kind: 'connector' });
		expect(bad).toMatchObject({ delivered: false, httpStatus: 200, attempts: 1 });
		expect(bad.error).toContain('Summary or Text is required.');
	});

	it('rejects bodies over 28 KB with 413, without retrying', async () => {
		const big = JSON.stringify({ type: 'message', text: 'x'.repeat(29 * 1024) });
		const result = await deliver(rx.workflowsUrl, big, fast);
		expect(result).toMatchObject({ delivered: false, httpStatus: 413, attempts: 1 });
		expect(result.error).toMatch(/payload too large \(413\)/);
	});

	it('answers 429 with Retry-After beyond 4 requests a second', async () => {
		const limited = await startTeamsReceiver();
		try {
			const statuses = [];
			for (let i = 0; i < 6; i++) statuses.push((await deliver(limited.workflowsUrl, card(1), { ...fast, maxRetries: 0 })).httpStatus);
			expect(statuses.slice(0, 4)).toEqual([202, 202, 202, 202]);
			expect(statuses[4]).toBe(429);
		} finally {
			await limited.stop();
		}
	});
});

describe('sending', () => {
	it('retries 429 and 5xx, honouring Retry-After, then delivers', async () => {
		const waits: number[] = [];
		rx.failNext({ status: 429, headers: { 'Retry-After': '2' } }, { status: 503, body: 'busy' });
		const result = await deliver(rx.workflowsUrl, card(), { ...fast, maxWaitMs: 10_000, sleep: async (ms) => void waits.push(ms), random: () => 1 });
		expect(result).toEqual({ delivered: true, httpStatus: 202, error: null, attempts: 3 });
		expect(waits).toEqual([2005, 10]); // Retry-After 2 s plus the jittered step 5·2^0, then backoff 5·2^1
	});

	it('gives up after maxRetries with the last status and error text', async () => {
		rx.failNext({ status: 500, body: 'boom' }, { status: 500, body: 'boom' }, { status: 500, body: 'still boom' });
		const result = await deliver(rx.workflowsUrl, card(), { ...fast, maxRetries: 2 });
		expect(result).toMatchObject({ delivered: false, httpStatus: 500, attempts: 3 });
		expect(result.error).toBe('still boom (gave up after 3 tries)');
	});

	it('retries a connector that says it was throttled with HTTP 200', async () => {
		rx.failNext({ status: 200, body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0' });
		const result = await deliver(rx.connectorUrl, card(2, 'messageCard'), { ...fast, kind: 'connector' });
		expect(result).toMatchObject({ delivered: true, attempts: 2 });
	});

	it('never lets the webhook URL into an error, even when the endpoint echoes it', async () => {
		rx.failNext({ status: 400, body: `bad request for ${rx.workflowsUrl} sig=${sig(rx.workflowsUrl)}` });
		const result = await deliver(rx.workflowsUrl, card(), fast);
		expect(result.delivered).toBe(false);
		expect(result.error).not.toContain(sig(rx.workflowsUrl));
		expect(result.error).not.toContain('/workflows/');
		expect(result.error).toContain('[webhook URL]');
		const refused = await deliver('http://127.0.0.1:1/workflows/x/triggers/manual/paths/invoke?sig=SECRETSECRET', card(), { ...fast, maxRetries: 0 });
		expect(refused).toMatchObject({ delivered: false, httpStatus: null, error: 'network error ECONNREFUSED (gave up after 1 tries)' });
	});

	it('honours a Retry-After longer than the backoff cap, and stops (saying so) when it exceeds the longest wait', async () => {
		const waits: number[] = [];
		rx.failNext({ status: 429, headers: { 'Retry-After': '90' } });
		const honoured = await deliver(rx.workflowsUrl, card(), { ...fast, maxWaitMs: 120_000, sleep: async (ms) => void waits.push(ms), random: () => 0 });
		expect(honoured).toMatchObject({ delivered: true, attempts: 2 });
		expect(waits[0]).toBeGreaterThanOrEqual(90_000);
		rx.failNext({ status: 429, headers: { 'Retry-After': '300' } });
		const refused = await deliver(rx.workflowsUrl, card(), { ...fast, maxWaitMs: 60_000, sleep: async () => undefined });
		expect(refused).toMatchObject({ delivered: false, httpStatus: 429, attempts: 1 });
		expect(refused.error).toMatch(/asked to wait 300 s \(Retry-After\), longer than the longest wait allowed \(60 s\): not retried/);
	});

	it('does not send again after a timeout (Teams may have posted it) and says "timeout"', async () => {
		const http = await import('node:http');
		let posts = 0;
		const slow = http.createServer((req) => {
			posts++;
			req.resume();
		});
		await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
		const { port } = slow.address() as import('node:net').AddressInfo;
		try {
			const result = await deliver(`http://127.0.0.1:${port}/workflows/x/triggers/manual/paths/invoke?sig=SECRETSECRET`, card(), { ...fast, timeoutMs: 300, maxRetries: 3 });
			expect(result).toMatchObject({ delivered: false, httpStatus: null, attempts: 1 });
			expect(result.error).toMatch(/^timeout: no answer within 0 s/);
			expect(posts).toBe(1);
		} finally {
			slow.closeAllConnections();
			await new Promise((resolve) => slow.close(resolve));
		}
	});

	it('sends parts in order through one rate limiter, reporting each part', async () => {
		const messages = buildMessages(genLights(300), { now: NOW, maxBytes: 6000, maxParts: 0 });
		rx.failNext({ status: 400, body: 'nope' });
		const results = await deliverAll(rx.workflowsUrl, messages.map((m) => m.body), fast);
		expect(results[0]).toMatchObject({ delivered: false, httpStatus: 400, error: 'nope' });
		expect(results.slice(1).every((r) => r.delivered)).toBe(true);
		expect(rx.posted()).toHaveLength(messages.length - 1);
	});

	it('spaces requests at 4 per second', async () => {
		let clock = 0;
		const sleeps: number[] = [];
		const limiter = new RateLimiter(250, () => clock, async (ms) => {
			sleeps.push(ms);
			clock += ms;
		});
		for (let i = 0; i < 5; i++) await limiter.take();
		expect(sleeps).toEqual([250, 250, 250, 250]);
		expect(clock).toBe(1000);
	});

	it('spreads senders throttled together: Retry-After plus a jittered step', () => {
		const waits = [0, 0.25, 0.5, 0.75, 1].map((r) => retryWait(1000, 0, { baseDelayMs: 1000, random: () => r }));
		expect(waits).toEqual([1500, 1625, 1750, 1875, 2000]);
		expect(retryWait(null, 1, { baseDelayMs: 1000, random: () => 0 })).toBe(1000);
	});

	it('reads Retry-After as seconds or an HTTP date, and backs off exponentially', () => {
		expect(retryAfterMs('3', 0)).toBe(3000);
		expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
		expect(retryAfterMs('soon', 0)).toBeNull();
		expect(backoffMs(3, { baseDelayMs: 1000, random: () => 0 })).toBe(4000);
		expect(backoffMs(3, { baseDelayMs: 1000, random: () => 1 })).toBe(8000);
		expect(judgeResponse('workflows', 202, '').kind).toBe('delivered');
		expect(judgeResponse('workflows', 200, 'anything').kind).toBe('delivered');
		expect(judgeResponse('connector', 200, 'Webhook message delivery failed').kind).toBe('fail');
		expect(judgeResponse('connector', 200, ' 1\n').kind).toBe('delivered');
	});
});

describe('webhook URL checks', () => {
	it('accepts Workflows and connector hosts, and tells them apart', () => {
		expect(checkWebhookUrl('https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x')).toMatchObject({ kind: 'workflows', warnings: [] });
		expect(checkWebhookUrl('https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d')).toMatchObject({ kind: 'connector', warnings: [] });
		expect(checkWebhookUrl('https://x.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/1/triggers/manual/paths/invoke?sig=z').warnings).toEqual([]);
	});

	it('warns but allows other hosts (proxies)', () => {
		const checked = checkWebhookUrl('https://teams-proxy.corp.example/hook');
		expect(checked.warnings[0]).toMatch(/not a Teams Workflows .* sending anyway/);
	});

	it('rejects invalid URLs without echoing them', () => {
		expect(() => checkWebhookUrl('')).toThrow(/webhookUrl is empty/);
		expect(() => checkWebhookUrl('not a url with sig=SECRET')).toThrow(/webhookUrl is not a valid URL: "\(hidden\)"/);
		try {
			checkWebhookUrl('not a url with sig=SECRET');
		} catch (error) {
			expect(String((error as Error).message)).not.toContain('SECRET');
		}
		expect(() => checkWebhookUrl('ftp://x.logic.azure.com/a')).toThrow(/scheme that is not https/);
	});

	it('redacts the URL, its path and its signature from any text', () => {
		const url = 'https://prod-01.westus.logic.azure.com/workflows/abc123456/triggers/manual/paths/invoke?api-version=1&sig=SIGSIGSIGSIG';
		const text = `failed ${url} ; sig=SIGSIGSIGSIG ; /workflows/abc123456/triggers/manual/paths/invoke`;
		const out = redactUrl(text, url);
		expect(out).not.toMatch(/SIGSIG|abc123456/);
	});
});

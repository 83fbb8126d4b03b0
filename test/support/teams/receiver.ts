/**
 * A local stand-in for Teams incoming webhooks, listening on 127.0.0.1 (random port):
 *
 * - `/workflows/<id>/triggers/manual/paths/invoke?...&sig=...` behaves as a Teams Workflows
 *   ("Post card in a chat or channel when a webhook request is received") trigger: it answers
 *   202 with an empty body to any JSON it takes. Like the real flow, a card Teams cannot post
 *   (not the message envelope, no Adaptive Card, version above 1.4) is still answered 202 and
 *   fails later in the flow run: it is recorded with `problems`, and the channel page shows it
 *   as a failed run instead of a post.
 * - `/webhookb2/<ids>` behaves as a legacy Office 365 connector: 200 with body `1` when it
 *   posts, 200 with an error text when the payload is unusable (`Summary or Text is required.`,
 *   `Bad payload received by generic incoming webhook.`).
 * - Both: 413 over 28 KB, 429 with `Retry-After` when a webhook gets more than 4 requests in a
 *   second, and faults queued by a test (`failNext`).
 *
 * `GET /channel` renders what was posted with the `adaptivecards` renderer (see channel.html),
 * `GET /messages.json` lists it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const TEAMS_BODY_LIMIT = 28 * 1024;
export const RATE_PER_SECOND = 4;

export type EndpointKind = 'workflows' | 'connector';

export interface ReceivedMessage {
	kind: EndpointKind;
	path: string;
	at: number;
	bytes: number;
	status: number;
	/** the parsed body, or null when it was not JSON */
	body: unknown;
	/** why Teams would not post it (empty when it posted) */
	problems: string[];
}

export interface Fault {
	status: number;
	body?: string;
	headers?: Record<string, string>;
}

export interface TeamsReceiver {
	port: number;
	/** a Workflows-style URL with a secret-looking `sig` */
	workflowsUrl: string;
	/** a legacy connector-style URL */
	connectorUrl: string;
	channelUrl: string;
	received: ReceivedMessage[];
	/** answers the next requests (any webhook) with these faults, in order */
	failNext(...faults: Fault[]): void;
	/** messages that would appear in the channel */
	posted(): ReceivedMessage[];
	clear(): void;
	stop(): Promise<void>;
}

export interface ReceiverOptions {
	/** loopback port to listen on (default: a free one) */
	port?: number;
	/** enforce 4 requests per second per webhook (default true) */
	rateLimit?: boolean;
}

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

function versionAbove14(version: unknown): boolean {
	if (typeof version !== 'string') return true;
	const [major, minor] = version.split('.').map(Number);
	return !(major < 1 || (major === 1 && (minor ?? 0) <= 4));
}

/** Why a Workflows flow would fail to post this body (empty list = it posts). */
export function workflowsProblems(body: unknown): string[] {
	if (!body || typeof body !== 'object') return ['body is not a JSON object'];
	const message = body as Record<string, unknown>;
	if (message.type !== 'message') return ['type is not "message"'];
	const attachments = message.attachments;
	if (!Array.isArray(attachments) || attachments.length === 0) return ['attachments is missing or empty'];
	const problems: string[] = [];
	for (const [i, attachment] of attachments.entries()) {
		const a = attachment as Record<string, unknown>;
		if (a.contentType !== ADAPTIVE) problems.push(`attachments[${i}].contentType is not ${ADAPTIVE}`);
		const card = a.content as Record<string, unknown> | undefined;
		if (!card || card.type !== 'AdaptiveCard') problems.push(`attachments[${i}].content is not an AdaptiveCard`);
		else if (versionAbove14(card.version)) problems.push(`attachments[${i}].content.version ${String(card.version)} is above 1.4`);
	}
	return problems;
}

/** The error text a legacy connector answers with HTTP 200, or null when it posts. */
export function connectorProblem(body: unknown): string | null {
	if (!body || typeof body !== 'object') return 'Bad payload received by generic incoming webhook.';
	const card = body as Record<string, unknown>;
	if (card.type === 'message' && Array.isArray(card.attachments)) return workflowsProblems(body).length ? 'Bad payload received by generic incoming webhook.' : null;
	if (typeof card.text !== 'string' && typeof card.summary !== 'string') return 'Summary or Text is required.';
	return null;
}

function endpointOf(pathname: string): EndpointKind | null {
	if (/^\/workflows\/[^/]+\/triggers\/manual\/paths\/invoke$/.test(pathname)) return 'workflows';
	if (/^\/webhookb2\/.+/.test(pathname)) return 'connector';
	return null;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

const ASSETS: Record<string, { file: string }> = {
	'/assets/adaptivecards.js': { file: 'adaptivecards/dist/adaptivecards.min.js' },
	'/assets/markdown-it.js': { file: 'markdown-it/dist/browser/markdown-it.umd.min.js' },
};

function findUp(start: string, relative: string): string | null {
	let dir = start;
	for (;;) {
		const candidate = path.join(dir, relative);
		if (fs.existsSync(candidate)) return candidate;
		const parent = path.dirname(dir);
		if (parent === dir) return null;
		dir = parent;
	}
}

function assetPath(name: string): string | null {
	if (name === '/channel') return findUp(__dirname, 'test/support/teams/channel.html');
	const asset = ASSETS[name];
	if (!asset) return null;
	return findUp(__dirname, path.join('node_modules', asset.file));
}

function serveFile(res: http.ServerResponse, name: string): void {
	const file = assetPath(name);
	if (!file) {
		res.writeHead(404).end('not found');
		return;
	}
	const type = name === '/channel' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
	res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(fs.readFileSync(file));
}

export async function startTeamsReceiver(options: ReceiverOptions = {}): Promise<TeamsReceiver> {
	const received: ReceivedMessage[] = [];
	const faults: Fault[] = [];
	const recent = new Map<string, number[]>();
	const rateLimit = options.rateLimit ?? true;

	function overRate(pathname: string, now: number): boolean {
		const times = (recent.get(pathname) ?? []).filter((t) => now - t < 1000);
		times.push(now);
		recent.set(pathname, times);
		return rateLimit && times.length > RATE_PER_SECOND;
	}

	function answer(res: http.ServerResponse, status: number, body = '', headers: Record<string, string> = {}): number {
		res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(body);
		return status;
	}

	async function handleWebhook(req: http.IncomingMessage, res: http.ServerResponse, url: URL, kind: EndpointKind): Promise<void> {
		const raw = await readBody(req);
		const now = Date.now();
		const text = raw.toString('utf8');
		const body = parseJson(text);
		const record = (status: number, problems: string[]): void => {
			received.push({ kind, path: url.pathname, at: now, bytes: raw.length, status, body, problems });
		};
		const fault = faults.shift();
		if (fault) {
			record(answer(res, fault.status, fault.body ?? '', fault.headers), [`fault ${fault.status}`]);
			return;
		}
		if (overRate(url.pathname, now)) {
			record(answer(res, 429, 'Too many requests: at most 4 per second.', { 'Retry-After': '1' }), ['rate limited']);
			return;
		}
		if (raw.length > TEAMS_BODY_LIMIT) {
			record(answer(res, 413, `Request body of ${raw.length} bytes is larger than the 28 KB Teams accepts.`), ['too large']);
			return;
		}
		if (kind === 'workflows') {
			if (body === null) {
				record(answer(res, 400, '{"error":{"code":"InvalidRequestContent","message":"The request content is not valid JSON."}}'), ['not JSON']);
				return;
			}
			record(answer(res, 202), workflowsProblems(body));
			return;
		}
		const problem = connectorProblem(body);
		record(answer(res, 200, problem ?? '1'), problem ? [problem] : []);
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const kind = endpointOf(url.pathname);
		if (req.method === 'POST' && kind) {
			handleWebhook(req, res, url, kind).catch((error: unknown) => {
				if (!res.headersSent) res.writeHead(500).end(String(error));
			});
			return;
		}
		if (req.method === 'GET' && url.pathname === '/messages.json') {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(received));
			return;
		}
		if (req.method === 'GET') {
			serveFile(res, url.pathname);
			return;
		}
		res.writeHead(405).end();
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const base = `http://127.0.0.1:${port}`;
	return {
		port,
		workflowsUrl: `${base}/workflows/4f1c0ffee/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S3cr3tSignatureValue0123456789`,
		connectorUrl: `${base}/webhookb2/1111-2222@3333/IncomingWebhook/4444aaaa/5555bbbb`,
		channelUrl: `${base}/channel`,
		received,
		failNext: (...more) => void faults.push(...more),
		posted: () => received.filter((m) => m.problems.length === 0 && m.status >= 200 && m.status < 300),
		clear: () => {
			received.length = 0;
			faults.length = 0;
			recent.clear();
		},
		stop: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}

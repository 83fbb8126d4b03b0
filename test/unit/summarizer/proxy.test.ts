/**
 * Item 9 of issue 12: the model client honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY, tested with
 * a forward proxy on 127.0.0.1 in front of the loopback OpenAI-compatible server.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createChatModel } from '../../../nodes/logic/summarizer/openaiClient';
import { bypassesProxy, createProxyAwareFetch, proxyFor } from '../../../nodes/logic/summarizer/proxyFetch';
import { startOpenAiServer, type OpenAiTestServer } from '../../support/openai/server';

/** A minimal forward proxy (absolute-URI requests) on 127.0.0.1 that records what it forwards. */
async function startProxy(): Promise<{ url: string; seen: string[]; auth: Array<string | undefined>; stop: () => Promise<void> }> {
	const seen: string[] = [];
	const auth: Array<string | undefined> = [];
	const server = http.createServer((req, res) => {
		seen.push(`${req.method} ${req.url}`);
		auth.push(req.headers['proxy-authorization']);
		const target = new URL(req.url ?? '');
		const headers = { ...req.headers };
		delete headers['proxy-authorization'];
		const upstream = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers }, (answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(res);
		});
		upstream.on('error', () => res.writeHead(502).end());
		req.pipe(upstream);
	});
	const sockets = new Set<net.Socket>();
	server.on('connection', (socket: net.Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('connect', (req, client, head) => {
		seen.push(`CONNECT ${req.url}`);
		const [host, port] = String(req.url).split(':');
		const upstream = net.connect(Number(port), host, () => {
			sockets.add(upstream);
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const stop = (): Promise<void> =>
		new Promise((resolve) => {
			for (const socket of sockets) socket.destroy();
			server.close(() => resolve());
		});
	return { url: `http://127.0.0.1:${port}`, seen, auth, stop };
}

const saved = { ...process.env };
let api: OpenAiTestServer;
beforeAll(async () => {
	api = await startOpenAiServer();
});
afterAll(async () => api.stop());
afterEach(() => {
	for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'ALL_PROXY', 'all_proxy']) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
});

describe('proxy settings', () => {
	test('NO_PROXY entries: *, host, .domain, domain suffix, host:port', () => {
		const u = (s: string) => new URL(s);
		expect(bypassesProxy(u('https://api.openai.com/v1'), 'localhost,.openai.com')).toBe(true);
		expect(bypassesProxy(u('https://api.openai.com/v1'), 'openai.com')).toBe(true);
		expect(bypassesProxy(u('https://notopenai.com/v1'), 'openai.com')).toBe(false);
		expect(bypassesProxy(u('http://127.0.0.1:8080/'), '127.0.0.1:9090')).toBe(false);
		expect(bypassesProxy(u('http://127.0.0.1:8080/'), '127.0.0.1:8080')).toBe(true);
		expect(bypassesProxy(u('http://x.internal/'), '*')).toBe(true);
	});

	test('HTTPS_PROXY for https targets, HTTP_PROXY for http, lower-case names too', () => {
		expect(proxyFor(new URL('https://api.openai.com'), { HTTPS_PROXY: 'http://proxy:3128' })?.host).toBe('proxy:3128');
		expect(proxyFor(new URL('http://vllm:8000'), { HTTPS_PROXY: 'http://proxy:3128' })).toBeNull();
		expect(proxyFor(new URL('http://vllm:8000'), { http_proxy: 'proxy:8080' })?.href).toBe('http://proxy:8080/');
		expect(proxyFor(new URL('http://vllm:8000'), { HTTP_PROXY: 'http://p:1', NO_PROXY: 'vllm' })).toBeNull();
	});
});

describe('the model client through a loopback proxy', () => {
	test('HTTP_PROXY set: the chat request goes through the proxy (with its credentials) and the answer comes back', async () => {
		const proxy = await startProxy();
		try {
			const withAuth = new URL(proxy.url);
			withAuth.username = 'squid';
			withAuth.password = 'FAKEproxyPw';
			process.env.HTTP_PROXY = withAuth.href;
			const model = createChatModel({ apiKey: api.apiKey, baseUrl: api.baseUrl, maxRetries: 0 }, { model: 'gpt-4o-mini' });
			const answer = await model.complete([{ role: 'user', content: 'KeyError: x' }]);
			expect(answer.content).toContain('summary');
			expect(proxy.seen).toEqual([`POST ${api.baseUrl}/chat/completions`]);
			expect(proxy.auth[0]).toBe(`Basic ${Buffer.from('squid:FAKEproxyPw').toString('base64')}`);
			expect(api.chatRequests()).toHaveLength(1);
		} finally {
			await proxy.stop();
		}
	});

	test('NO_PROXY naming the server: the proxy is not used', async () => {
		const proxy = await startProxy();
		try {
			process.env.HTTP_PROXY = proxy.url;
			process.env.NO_PROXY = 'localhost,127.0.0.1';
			const model = createChatModel({ apiKey: api.apiKey, baseUrl: api.baseUrl, maxRetries: 0 }, { model: 'gpt-4o-mini' });
			await model.complete([{ role: 'user', content: 'x' }]);
			expect(proxy.seen).toEqual([]);
		} finally {
			await proxy.stop();
		}
	});

	test('a proxy that is down is a connection error, not a hang', async () => {
		const proxy = await startProxy();
		await proxy.stop();
		const fetchViaDeadProxy = createProxyAwareFetch({ HTTP_PROXY: proxy.url });
		await expect(fetchViaDeadProxy(`${api.baseUrl}/models`)).rejects.toThrow(/ECONNREFUSED/);
	});
});

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI, or null when there is none. */
function selfSigned(): { key: string; cert: string } | null {
	try {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-proxy-'));
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
		return { key: fs.readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'c.pem'), 'utf8') };
	} catch {
		return null;
	}
}

const pair = selfSigned();
(pair ? describe : describe.skip)('https through the proxy (CONNECT tunnel)', () => {
	test('HTTPS_PROXY set: an https request is tunnelled with CONNECT and verified against the server certificate', async () => {
		const server = https.createServer({ key: pair!.key, cert: pair!.cert }, (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, method: req.method })));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const proxy = await startProxy();
		try {
			const { port } = server.address() as AddressInfo;
			const viaProxy = createProxyAwareFetch({ HTTPS_PROXY: proxy.url }, { ca: pair!.cert });
			const response = await viaProxy(`https://127.0.0.1:${port}/v1/models?x=1`, { method: 'POST', body: '{}' });
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ path: '/v1/models?x=1', method: 'POST' });
			expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${port}`]);
			// without the certificate authority the tunnel still opens but TLS verification refuses the server
			await expect(createProxyAwareFetch({ HTTPS_PROXY: proxy.url })(`https://127.0.0.1:${port}/`)).rejects.toThrow(/self[- ]signed|certificate/i);
		} finally {
			await proxy.stop();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}, 20_000);
});

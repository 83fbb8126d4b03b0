/**
 * A proxy-aware `fetch` for the openai client. The openai package uses the global fetch, which
 * ignores HTTP_PROXY / HTTPS_PROXY / NO_PROXY; the project's axios calls honour them. This fetch
 * does too, with Node's own http/https/tls modules only (no new dependency): plain-http targets
 * are sent to the proxy with their absolute URL, https targets go through a CONNECT tunnel, and
 * hosts matched by NO_PROXY are fetched directly.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import tls from 'node:tls';

export type ProxyEnv = Record<string, string | undefined>;

function envValue(env: ProxyEnv, name: string): string | undefined {
	const value = env[name] ?? env[name.toLowerCase()];
	return value && value.trim() !== '' ? value.trim() : undefined;
}

/** Whether NO_PROXY (comma or space separated: `*`, `host`, `.domain`, `domain`, `host:port`, IPs) excludes a URL. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
	if (!noProxy) return false;
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = url.port || (url.protocol === 'https:' ? '443' : '80');
	for (const raw of noProxy.split(/[\s,]+/)) {
		const entry = raw.trim().toLowerCase();
		if (!entry) continue;
		if (entry === '*') return true;
		const match = /^(.+?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''));
		if (!match) continue;
		const [, name, entryPort] = match;
		if (entryPort && entryPort !== port) continue;
		const domain = name.replace(/^\*?\./, '');
		if (host === domain || host.endsWith(`.${domain}`)) return true;
	}
	return false;
}

/** The proxy URL for a request URL from the environment (HTTPS_PROXY for https, HTTP_PROXY for http, ALL_PROXY for both), or null. */
export function proxyFor(url: URL, env: ProxyEnv = process.env): URL | null {
	if (bypassesProxy(url, envValue(env, 'NO_PROXY'))) return null;
	const value = url.protocol === 'https:' ? (envValue(env, 'HTTPS_PROXY') ?? envValue(env, 'ALL_PROXY')) : (envValue(env, 'HTTP_PROXY') ?? envValue(env, 'ALL_PROXY'));
	if (!value) return null;
	try {
		return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
	} catch {
		return null;
	}
}

/** Whether any proxy variable is set (then the client gets the proxy-aware fetch). */
export function proxyConfigured(env: ProxyEnv = process.env): boolean {
	return ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY'].some((name) => envValue(env, name) !== undefined);
}

function proxyAuthorization(proxy: URL): Record<string, string> {
	if (!proxy.username) return {};
	const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
	return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Opens a CONNECT tunnel through the proxy to host:port and returns the raw socket. */
function connectTunnel(proxy: URL, host: string, port: string, signal: AbortSignal | null | undefined): Promise<import('node:net').Socket> {
	return new Promise((resolve, reject) => {
		const request = (proxy.protocol === 'https:' ? https : http).request({
			host: proxy.hostname,
			port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
			method: 'CONNECT',
			path: `${host}:${port}`,
			headers: { host: `${host}:${port}`, ...proxyAuthorization(proxy) },
			signal: signal ?? undefined,
		});
		request.once('connect', (response, socket) => {
			if (response.statusCode === 200) resolve(socket);
			else {
				socket.destroy();
				reject(new Error(`the proxy refused the tunnel to ${host}:${port} (${response.statusCode})`));
			}
		});
		request.once('error', reject);
		request.end();
	});
}

function headersOf(init: RequestInit | undefined, request: Request | null): Record<string, string> {
	const out: Record<string, string> = {};
	new Headers(request?.headers).forEach((value, key) => (out[key] = value));
	new Headers(init?.headers).forEach((value, key) => (out[key] = value));
	return out;
}

async function bodyOf(init: RequestInit | undefined, request: Request | null): Promise<Buffer | undefined> {
	const body = init?.body ?? (request ? await request.arrayBuffer() : undefined);
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string') return Buffer.from(body);
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	return Buffer.from(await new Response(body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
}

/**
 * A fetch that routes through the proxy the environment names for the URL (read at each call,
 * so a changed environment applies to the next request).
 */
export function createProxyAwareFetch(env: ProxyEnv = process.env, tlsOptions: { ca?: string | Buffer } = {}): typeof fetch {
	return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
		const request = typeof input === 'object' && 'url' in input && !(input instanceof URL) ? input : null;
		const url = new URL(request ? request.url : String(input));
		const proxy = proxyFor(url, env);
		if (!proxy) return fetch(input, init);
		const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
		const headers = headersOf(init, request);
		const body = await bodyOf(init, request);
		if (body) headers['content-length'] = String(body.length);
		const signal = init?.signal ?? request?.signal;
		const port = url.port || (url.protocol === 'https:' ? '443' : '80');
		let options: http.RequestOptions;
		let transport: typeof http | typeof https;
		if (url.protocol === 'https:') {
			const socket = await connectTunnel(proxy, url.hostname, port, signal);
			transport = https;
			options = {
				host: url.hostname,
				port,
				path: `${url.pathname}${url.search}`,
				method,
				headers: { host: url.host, ...headers },
				createConnection: () => tls.connect({ socket, host: url.hostname, servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname, ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}) }),
			};
		} else {
			transport = proxy.protocol === 'https:' ? https : http;
			options = {
				host: proxy.hostname,
				port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
				path: url.href,
				method,
				headers: { host: url.host, ...headers, ...proxyAuthorization(proxy) },
			};
		}
		return new Promise<Response>((resolve, reject) => {
			const outgoing = transport.request({ ...options, signal: signal ?? undefined }, (incoming) => {
				const responseHeaders = new Headers();
				for (const [key, value] of Object.entries(incoming.headers)) {
					if (Array.isArray(value)) for (const v of value) responseHeaders.append(key, v);
					else if (value !== undefined) responseHeaders.set(key, value);
				}
				const status = incoming.statusCode ?? 502;
				const noBody = method === 'HEAD' || status === 204 || status === 304;
				resolve(
					new Response(noBody ? null : (Readable.toWeb(incoming) as unknown as ReadableStream<Uint8Array>), {
						status,
						statusText: incoming.statusMessage ?? '',
						headers: responseHeaders,
					}),
				);
			});
			outgoing.once('error', reject);
			if (body) outgoing.write(body);
			outgoing.end();
		});
	};
}

/**
 * Stand-ins for managed Airflow, in front of the Airflow simulator (started with auth disabled),
 * following the request and response shapes AWS and Google document (no cloud is reachable here):
 *
 * - Amazon MWAA (`startMwaa`): the MWAA API (restJson1, SigV4 service "airflow", every request's
 *   signature recomputed by test/support/cloud/sigv4Verify.ts): POST /webtoken/{Name}
 *   (CreateWebLoginToken → {WebServerHostname, WebToken, IamIdentity, AirflowIdentity}, the token
 *   valid 60 s and once), POST /restapi/{Name} (InvokeRestApi: {Path, Method, QueryParameters,
 *   Body} → {RestApiStatusCode, RestApiResponse}; Airflow 4xx as RestApiClientException, 5xx as
 *   RestApiServerException, both 400 with the same two fields); errors carry X-Amzn-ErrorType and
 *   {message}. The web server side: POST /aws_mwaa/login (form field token) answers 302 with a
 *   `session` cookie; /api/v1/* needs that cookie (401 otherwise).
 * - Google Cloud Composer (`startComposer`): POST /token (OAuth2 JWT bearer grant: the assertion's
 *   RS256 signature checked with the service account's public key; iss, aud, scope, iat/exp
 *   checked; errors as Google's token endpoint gives them: 400 {error, error_description}); the
 *   Airflow web server accepts `Authorization: Bearer <access token>` until the token expires.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from './sigv4Verify';

export interface CloudRequest {
	method: string;
	path: string;
	status: number;
	/** for the MWAA API: the error type, if any */
	error?: string;
}

interface Base {
	url: string;
	requests: CloudRequest[];
	/** problems found in what the client sent (unsigned, malformed, wrong claims) */
	violations: string[];
	stop(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}

/** Forwards one Airflow API call to the simulator; returns its status, body and content type. */
async function forward(airflowUrl: string, method: string, pathAndQuery: string, body: Buffer | string | undefined, accept?: string): Promise<{ status: number; text: string; type: string }> {
	const res = await fetch(`${airflowUrl}${pathAndQuery}`, {
		method,
		headers: { accept: accept ?? 'application/json', ...(body !== undefined && body.length ? { 'content-type': 'application/json' } : {}) },
		body: body !== undefined && body.length && method !== 'GET' ? body : undefined,
	});
	return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? 'application/json' };
}

interface Incoming {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	body: Buffer;
	rawUrl: string;
	path: string;
	record(status: number, error?: string): void;
}

/** An HTTP server that reads each request's body, records the request and answers 500 on a bug. */
function serve(requests: CloudRequest[], handle: (i: Incoming) => Promise<unknown>): http.Server {
	return http.createServer((req, res) => {
		void (async () => {
			const body = await readBody(req);
			const rawUrl = req.url ?? '/';
			const path = rawUrl.split('?')[0];
			const record = (status: number, error?: string): void => void requests.push({ method: req.method ?? '', path, status, ...(error ? { error } : {}) });
			await handle({ req, res, body, rawUrl, path, record });
		})().catch((e: unknown) => {
			res.writeHead(500);
			res.end(String(e));
		});
	});
}

async function listen(server: http.Server): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: http.Server): () => Promise<void> {
	return () => new Promise<void>((resolve) => {
		server.closeAllConnections();
		server.close(() => resolve());
	});
}

// ---- Amazon MWAA ----------------------------------------------------------------------------------

export interface MwaaOptions {
	airflowUrl: string;
	region: string;
	environment: string;
	/** access key id → secret (temporary keys with their session token and expiry) */
	keys: Record<string, { secret: string; sessionToken?: string; expiresAt?: number }>;
	/** the IAM identities allowed to call (default: all known keys) */
	allowed?: string[];
	/** lifetime of a web server session (default 12 h) */
	sessionTtlMs?: number;
}

export interface MwaaStandIn extends Base {
	/** web login tokens handed out, and sessions opened */
	webTokens: number;
	sessions: number;
	/** ends every open web server session (the next API call gets 401) */
	expireSessions(): void;
	/** secrets the client sent in clear anywhere (must stay empty) */
	now(): number;
}

export async function startMwaa(o: MwaaOptions): Promise<MwaaStandIn> {
	const requests: CloudRequest[] = [];
	const violations: string[] = [];
	const webTokens = new Map<string, number>();
	const sessions = new Map<string, number>();
	let issued = 0;
	let opened = 0;
	let url = '';
	const awsError = (res: http.ServerResponse, status: number, type: string, message: string, extra: Record<string, unknown> = {}): void => {
		res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': crypto.randomUUID() });
		res.end(JSON.stringify({ message, ...extra }));
	};
	const server = serve(requests, async ({ req, res, body, rawUrl, path, record }) => {
			let m: RegExpExecArray | null;
			if (req.method === 'POST' && (m = /^\/(webtoken|restapi)\/([^/]+)$/.exec(path))) {
				const action = m[1] === 'webtoken' ? 'CreateWebLoginToken' : 'InvokeRestApi';
				const verdict = verifySigV4({ method: 'POST', rawUrl, headers: req.headers, body, region: o.region, service: 'airflow', keys: o.keys, now: Date.now() });
				if (!verdict.ok) {
					violations.push(`${action}: ${verdict.type}`);
					record(verdict.status, verdict.type);
					return awsError(res, verdict.status, verdict.type, verdict.message);
				}
				if (o.allowed && !o.allowed.includes(verdict.accessKeyId)) {
					record(403, 'AccessDeniedException');
					return awsError(res, 403, 'AccessDeniedException', `User: arn:aws:iam::123456789012:user/${verdict.accessKeyId} is not authorized to perform: airflow:${action} on resource: arn:aws:airflow:${o.region}:123456789012:environment/${decodeURIComponent(m[2])}`);
				}
				if (decodeURIComponent(m[2]) !== o.environment) {
					record(404, 'ResourceNotFoundException');
					return awsError(res, 404, 'ResourceNotFoundException', `Environment ${decodeURIComponent(m[2])} not found.`);
				}
				if (action === 'CreateWebLoginToken') {
					const token = crypto.randomBytes(24).toString('base64url');
					webTokens.set(token, Date.now() + 60_000);
					issued++;
					record(200);
					res.writeHead(200, { 'content-type': 'application/json' });
					return res.end(JSON.stringify({ WebServerHostname: new URL(url).host, WebToken: token, IamIdentity: `arn:aws:iam::123456789012:user/${verdict.accessKeyId}`, AirflowIdentity: `assumed-role/${verdict.accessKeyId}` }));
				}
				let input: { Path?: unknown; Method?: unknown; QueryParameters?: unknown; Body?: unknown };
				try {
					input = JSON.parse(body.toString('utf8')) as typeof input;
				} catch {
					record(400, 'ValidationException');
					return awsError(res, 400, 'ValidationException', 'Request body is not JSON');
				}
				if (typeof input.Path !== 'string' || !input.Path.startsWith('/') || !['GET', 'PUT', 'POST', 'PATCH', 'DELETE'].includes(String(input.Method))) {
					violations.push(`InvokeRestApi: bad Path/Method ${JSON.stringify([input.Path, input.Method])}`);
					record(400, 'ValidationException');
					return awsError(res, 400, 'ValidationException', '1 validation error detected: Value at \'path\' failed to satisfy constraint');
				}
				if (/^\/api\/v\d/.test(input.Path)) violations.push(`InvokeRestApi: Path ${input.Path} repeats the API root`);
				const qs = new URLSearchParams();
				for (const [k, v] of Object.entries((input.QueryParameters ?? {}) as Record<string, unknown>)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, String(one));
				const answer = await forward(o.airflowUrl, String(input.Method), `/api/v1${input.Path}${qs.size ? `?${qs}` : ''}`, input.Body === undefined ? undefined : JSON.stringify(input.Body));
				let parsed: unknown = answer.text;
				try {
					parsed = JSON.parse(answer.text);
				} catch {
					/* a text answer stays text */
				}
				if (answer.status >= 400) {
					const type = answer.status >= 500 ? 'RestApiServerException' : 'RestApiClientException';
					record(400, type);
					return awsError(res, 400, type, `Airflow answered ${answer.status}`, { RestApiStatusCode: answer.status, RestApiResponse: parsed });
				}
				record(200);
				res.writeHead(200, { 'content-type': 'application/json' });
				return res.end(JSON.stringify({ RestApiStatusCode: answer.status, RestApiResponse: parsed }));
			}
			if (req.method === 'POST' && path === '/aws_mwaa/login') {
				const token = new URLSearchParams(body.toString('utf8')).get('token') ?? '';
				const until = webTokens.get(token);
				webTokens.delete(token);
				if (!until || until < Date.now()) {
					record(403);
					res.writeHead(403, { 'content-type': 'text/html' });
					return res.end('<html><title>Forbidden</title></html>');
				}
				const session = crypto.randomBytes(24).toString('base64url');
				sessions.set(session, Date.now() + (o.sessionTtlMs ?? 12 * 3600_000));
				opened++;
				record(302);
				res.writeHead(302, { location: '/home', 'set-cookie': `session=${session}; Secure; HttpOnly; Path=/; SameSite=Lax` });
				return res.end();
			}
			if (path.startsWith('/api/v1/')) {
				const cookie = /(?:^|;\s*)session=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
				const until = cookie ? sessions.get(cookie) : undefined;
				if (!until || until < Date.now()) {
					record(401);
					res.writeHead(401, { 'content-type': 'application/problem+json' });
					return res.end(JSON.stringify({ detail: null, status: 401, title: 'Unauthorized', type: 'https://airflow.apache.org/docs/apache-airflow/2.10.0/stable-rest-api-ref.html#section/Errors/Unauthenticated' }));
				}
				const answer = await forward(o.airflowUrl, req.method ?? 'GET', rawUrl, body, req.headers.accept);
				record(answer.status);
				res.writeHead(answer.status, { 'content-type': answer.type, date: new Date().toUTCString() });
				return res.end(answer.text);
			}
			record(404);
			res.writeHead(404, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'Not Found' }));
	});
	url = await listen(server);
	return {
		url,
		requests,
		violations,
		get webTokens() {
			return issued;
		},
		get sessions() {
			return opened;
		},
		expireSessions: () => sessions.clear(),
		now: () => Date.now(),
		stop: closer(server),
	};
}

// ---- Google Cloud Composer ------------------------------------------------------------------------

export interface ComposerOptions {
	airflowUrl: string;
	/** lifetime of access tokens in seconds (Google: 3599) */
	expiresIn?: number;
}

export interface ComposerStandIn extends Base {
	/** a service-account JSON key (as Google's console downloads it) whose token_uri is this stand-in */
	key: Record<string, string>;
	/** access tokens issued */
	issued: number;
	/** makes Google refuse this key from now on (deleted or disabled key) */
	disableKey(): void;
	/** ends every access token issued so far */
	expireTokens(): void;
	/** claims of the last accepted assertion */
	lastClaims: Record<string, unknown> | null;
}

export async function startComposer(o: ComposerOptions): Promise<ComposerStandIn> {
	const requests: CloudRequest[] = [];
	const violations: string[] = [];
	const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
	const email = 'n8n-monitor@example-project.iam.gserviceaccount.com';
	const keyId = crypto.randomBytes(20).toString('hex');
	const tokens = new Map<string, number>();
	let disabled = false;
	let issued = 0;
	let lastClaims: Record<string, unknown> | null = null;
	let url = '';
	const oauthError = (res: http.ServerResponse, status: number, error: string, description: string): void => {
		res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
		res.end(JSON.stringify({ error, error_description: description }));
	};
	const server = serve(requests, async ({ req, res, body, rawUrl, path, record }) => {
			if (req.method === 'POST' && path === '/token') {
				if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) violations.push('token request is not form-encoded');
				const form = new URLSearchParams(body.toString('utf8'));
				if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
					record(400, 'unsupported_grant_type');
					return oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type: ' + (form.get('grant_type') ?? ''));
				}
				const parts = (form.get('assertion') ?? '').split('.');
				let header: Record<string, unknown> = {};
				let claims: Record<string, unknown> = {};
				try {
					header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
					claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
				} catch {
					record(400, 'invalid_grant');
					return oauthError(res, 400, 'invalid_grant', 'Invalid JWT: Malformed');
				}
				if (header.alg !== 'RS256' || parts.length !== 3) {
					violations.push(`JWT alg ${String(header.alg)}`);
					record(400, 'invalid_grant');
					return oauthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
				}
				const valid = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
				if (claims.iss !== email) {
					record(400, 'invalid_grant');
					return oauthError(res, 400, 'invalid_grant', 'Invalid grant: account not found');
				}
				if (!valid || disabled) {
					if (!valid) violations.push('JWT signature does not verify with the service account key');
					record(400, 'invalid_grant');
					return oauthError(res, 400, 'invalid_grant', 'Invalid JWT Signature.');
				}
				const now = Math.floor(Date.now() / 1000);
				const iat = Number(claims.iat);
				const exp = Number(claims.exp);
				if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > 3600 || iat > now + 60 || exp < now) {
					violations.push(`JWT times iat ${claims.iat} exp ${claims.exp}`);
					record(400, 'invalid_grant');
					return oauthError(res, 400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
				}
				if (claims.aud !== `${url}/token`) {
					violations.push(`JWT aud ${String(claims.aud)}`);
					record(400, 'invalid_grant');
					return oauthError(res, 400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
				}
				if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes('https://www.googleapis.com/auth/cloud-platform')) {
					violations.push(`JWT scope ${String(claims.scope)}`);
					record(400, 'invalid_scope');
					return oauthError(res, 400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
				}
				lastClaims = claims;
				const token = `ya29.${crypto.randomBytes(32).toString('base64url')}`;
				const ttl = o.expiresIn ?? 3599;
				tokens.set(token, Date.now() + ttl * 1000);
				issued++;
				record(200);
				res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
				return res.end(JSON.stringify({ access_token: token, expires_in: ttl, token_type: 'Bearer' }));
			}
			if (path.startsWith('/api/')) {
				const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
				const until = bearer ? tokens.get(bearer) : undefined;
				if (!until || until < Date.now()) {
					record(401);
					res.writeHead(401, { 'content-type': 'application/json' });
					return res.end(JSON.stringify({ detail: 'Could not validate credentials' }));
				}
				const answer = await forward(o.airflowUrl, req.method ?? 'GET', rawUrl, body, req.headers.accept);
				record(answer.status);
				res.writeHead(answer.status, { 'content-type': answer.type, date: new Date().toUTCString() });
				return res.end(answer.text);
			}
			record(404);
			res.writeHead(404);
			res.end();
	});
	url = await listen(server);
	const key = {
		type: 'service_account',
		project_id: 'example-project',
		private_key_id: keyId,
		private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		client_email: email,
		client_id: '100000000000000000001',
		auth_uri: 'https://accounts.google.com/o/oauth2/auth',
		token_uri: `${url}/token`,
	};
	return {
		url,
		requests,
		violations,
		key,
		get issued() {
			return issued;
		},
		get lastClaims() {
			return lastClaims;
		},
		disableKey: () => void (disabled = true),
		expireTokens: () => tokens.clear(),
		stop: closer(server),
	};
}

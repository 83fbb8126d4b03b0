/**
 * HTTP transport to one Airflow: auth headers (basic, bearer, or an Airflow 3 JWT fetched once and
 * renewed on 401), retries with backoff for reads only, and errors that carry Airflow's own
 * message plus a hint. Secrets never enter an error message.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { AuthConfig, ClientOptions, MwaaAuth } from './types';
import { forgetGoogleToken, googleAccessToken, parseServiceAccountKey, type ServiceAccountKey } from '../cloud/google';
import { checkMwaaConfig, invokeRestApi, mwaaSessionCookie, type MwaaConfig } from '../cloud/mwaa';
import { sleep } from '../shared/sleep';
import { isRetryableNetworkCode, isRetryableStatus, nextDelay, parseRetryAfter } from './retry';

export type ErrorKind = 'http' | 'network' | 'timeout' | 'html' | 'json' | 'auth' | 'version' | 'config' | 'cloud';

/** An Airflow request that failed, with Airflow's message and what the user can do about it. */
export class AirflowApiError extends Error {
	readonly status: number | null;
	readonly airflowMessage: string;
	readonly hint: string;
	readonly kind: ErrorKind;
	readonly request: string;
	readonly attempts: number;

	constructor(args: { status: number | null; airflowMessage: string; hint: string; kind: ErrorKind; request: string; attempts: number }) {
		super(`${args.request} failed${args.status !== null ? ` (HTTP ${args.status})` : ''}: ${args.airflowMessage}`);
		this.name = 'AirflowApiError';
		this.status = args.status;
		this.airflowMessage = args.airflowMessage;
		this.hint = args.hint;
		this.kind = args.kind;
		this.request = args.request;
		this.attempts = args.attempts;
	}
}

export interface RequestSpec {
	method: 'GET' | 'POST' | 'PATCH';
	/** path from the server root, e.g. /api/v2/dags */
	path: string;
	query?: Record<string, string | number | boolean | readonly string[] | undefined>;
	body?: unknown;
	accept?: string;
	/** read-only request that may be retried (default: GET only) */
	idempotent?: boolean;
	/** return the body as text, not parsed JSON */
	text?: boolean;
	/** skip auth (token endpoint, version probe) */
	anonymous?: boolean;
}

export interface Reply<T> {
	status: number;
	data: T;
	contentType: string;
	/** response headers, lower-case names */
	headers: Record<string, string>;
}

/** Airflow 2 problem+json `title: detail`, Airflow 3 `{detail}` (string or validation list). */
export function airflowMessageOf(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const b = body as { title?: unknown; detail?: unknown };
	if (Array.isArray(b.detail)) {
		return b.detail
			.map((d: { msg?: unknown; loc?: unknown }) => `${Array.isArray(d.loc) ? d.loc.join('.') + ': ' : ''}${String(d.msg ?? JSON.stringify(d))}`)
			.join('; ');
	}
	// Airflow 2 sends `detail: null` for some errors (e.g. 404 "TaskInstance not found"): no detail then
	const detail = typeof b.detail === 'string' ? b.detail || undefined : b.detail !== undefined && b.detail !== null ? JSON.stringify(b.detail) : undefined;
	const title = typeof b.title === 'string' && b.title ? b.title : undefined;
	if (title && detail) return `${title}: ${detail}`;
	return detail ?? title;
}

/** What to tell the user for an HTTP status. */
export function hintForStatus(status: number, auth: AuthConfig['kind'], version: string | null): string {
	if (status === 401) {
		if (auth === 'basic') return 'Check the username and password. Airflow 2 accepts basic auth only when [api] auth_backends includes airflow.api.auth.backend.basic_auth; Airflow 3 does not accept basic auth at all (use "Username/Password (Airflow 3 token)").';
		if (auth === 'token') return 'Check the username and password; they are exchanged for a token at POST /auth/token, which only Airflow 3 offers.';
		if (auth === 'bearer') return 'The bearer token was rejected or has expired. Create a new token (Astronomer: Deployment API token) and update the credential.';
		if (auth === 'googleServiceAccount') return 'Composer refused the service account\'s access token (renewed once). Give the service account the Composer User role and an Airflow role (Composer: Airflow UI → Security, or the [webserver] rbac user mapping), and check that the Base URL is the Composer environment\'s Airflow web server URL.';
		if (auth === 'mwaaWebLogin') return 'The MWAA web server refused the session (renewed once). Map the IAM identity to an Airflow role (airflow:CreateWebLoginToken on the environment), or use "Amazon MWAA: InvokeRestApi".';
		if (auth === 'mwaaInvoke') return 'Airflow refused the call made through InvokeRestApi. Map the IAM identity to an Airflow role with access to this resource.';
		return 'This Airflow requires authentication. Choose an authentication method in the credential.';
	}
	if (status === 403) return 'The user is authenticated but lacks the permission for this request (e.g. can_read on DAG Runs). Ask an Airflow admin for the role.';
	if (status === 404) return `Check the DAG id / run id, and that the base URL points at the Airflow webserver (API ${version ?? 'version'}).`;
	if (status === 400 || status === 422) return 'Airflow rejected the request parameters; check the values named in the message.';
	if (status === 429) return 'Airflow is rate limiting; retries were exhausted within the time budget. Lower the concurrency or run less often.';
	if (status >= 500) return 'Airflow or a proxy in front of it failed; retries were exhausted within the time budget. Check the webserver / api-server health.';
	return 'Check the request parameters.';
}

function describeNetworkError(code: string | undefined, message: string): { text: string; hint: string; kind: ErrorKind } {
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
		return { text: 'no answer before the timeout', hint: 'Airflow did not answer in time. Check that it is up, or raise the timeout.', kind: 'timeout' };
	}
	if (code === 'ECONNREFUSED') return { text: 'connection refused', hint: 'Nothing listens at the base URL. Check the host and port in the credential.', kind: 'network' };
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { text: 'host name not found', hint: 'Check the host name in the base URL.', kind: 'network' };
	if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
		return { text: `TLS certificate problem (${code})`, hint: 'The server certificate is not trusted. Fix the certificate or enable "Allow Self-Signed Certificates" in the credential.', kind: 'network' };
	}
	return { text: `network error${code ? ` (${code})` : ''}`, hint: 'Check the base URL and that Airflow is reachable from n8n.', kind: 'network' };
}

/** Base URL without trailing slash, without user info, and without an /api/vN suffix. */
export function normaliseBaseUrl(raw: string): string {
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		throw new AirflowApiError({ status: null, airflowMessage: `base URL ${JSON.stringify(raw)} is not a URL`, hint: 'Give the Airflow webserver address, e.g. https://airflow.example.com', kind: 'network', request: 'configuration', attempts: 0 });
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new AirflowApiError({ status: null, airflowMessage: `base URL ${JSON.stringify(raw)} must start with http:// or https://`, hint: 'Give the Airflow webserver address, e.g. https://airflow.example.com', kind: 'network', request: 'configuration', attempts: 0 });
	}
	url.username = '';
	url.password = '';
	url.search = '';
	url.hash = '';
	return url.toString().replace(/\/+$/, '').replace(/\/api\/v[12]$/, '');
}

export class AirflowTransport {
	readonly baseUrl: string;
	readonly auth: AuthConfig;
	private readonly http: AxiosInstance;
	private readonly budgetMs: number;
	private readonly sleep: (ms: number) => Promise<void>;
	private token: Promise<string> | null = null;
	private session: Promise<string> | null = null;
	private readonly mwaa: MwaaConfig | null = null;
	private readonly googleKey: ServiceAccountKey | null = null;
	/** requests sent, for benchmarks and tests */
	requestCount = 0;
	/**
	 * Airflow's clock minus ours, from the Date header of the latest answer (ms; whole seconds,
	 * as HTTP dates have). null until an answer with a Date header arrived.
	 */
	serverClockOffsetMs: number | null = null;
	version: string | null = null;

	constructor(options: ClientOptions) {
		this.baseUrl = normaliseBaseUrl(options.baseUrl);
		this.auth = checkAuth(options.auth);
		if (this.auth.kind === 'mwaaWebLogin' || this.auth.kind === 'mwaaInvoke') this.mwaa = mwaaConfigOf(this.auth.mwaa);
		if (this.auth.kind === 'googleServiceAccount') this.googleKey = parseServiceAccountKey(this.auth.serviceAccountKey);
		this.budgetMs = options.retryBudgetMs ?? 60_000;
		this.sleep = options.sleep ?? sleep;
		const sockets = Math.max(2, options.concurrency ?? 8);
		this.http = axios.create({
			baseURL: this.baseUrl,
			timeout: options.timeoutMs ?? 30_000,
			responseType: 'text',
			transformResponse: [(d: unknown) => d],
			validateStatus: () => true,
			maxRedirects: 3,
			httpAgent: new http.Agent({ keepAlive: true, maxSockets: sockets }),
			httpsAgent: new https.Agent({ keepAlive: true, maxSockets: sockets, rejectUnauthorized: !options.allowSelfSigned }),
			maxContentLength: 512 * 1024 * 1024,
		});
	}

	/** Sends a request; GETs (and requests marked idempotent) are retried within the time budget. */
	async request<T>(spec: RequestSpec): Promise<Reply<T>> {
		const retry = spec.idempotent ?? spec.method === 'GET';
		const started = Date.now();
		const label = `${spec.method} ${spec.path}`;
		let renewed = false;
		for (let attempt = 0; ; attempt++) {
			let failure: AirflowApiError;
			let retryAfterMs: number | undefined;
			try {
				const res = await this.send(spec);
				const date = Date.parse(headerOf(res, 'date') ?? '');
				// an HTTP date has whole seconds: the server's clock was up to 1 s later than it says
				if (Number.isFinite(date)) this.serverClockOffsetMs = date - Date.now();
				if (res.status === 401 && !spec.anonymous && !renewed && this.renewable()) {
					// token or session expired: fetch a new one and repeat once; a 401 means nothing was
					// done, so this is safe for writes too
					renewed = true;
					this.forgetCredentials();
					attempt--;
					continue;
				}
				const parsed = this.parse<T>(res, label, attempt + 1);
				if (!(parsed instanceof AirflowApiError)) return parsed;
				failure = parsed;
				retryAfterMs = parseRetryAfter(headerOf(res, 'retry-after'));
			} catch (e) {
				if (e instanceof AirflowApiError) throw e;
				const err = e as { code?: string; message?: string };
				const d = describeNetworkError(err.code, String(err.message ?? ''));
				failure = new AirflowApiError({ status: null, airflowMessage: d.text, hint: d.hint, kind: d.kind, request: label, attempts: attempt + 1 });
				if (!retry || !isRetryableNetworkCode(err.code)) throw failure;
			}
			const retryable = retry && (failure.status === null || isRetryableStatus(failure.status) || failure.kind === 'json');
			if (!retryable) throw failure;
			const delay = nextDelay(attempt, Date.now() - started, this.budgetMs, retryAfterMs);
			if (delay === null || attempt >= 8) throw failure;
			await this.sleep(delay);
		}
	}

	private renewable(): boolean {
		return this.auth.kind === 'token' || this.auth.kind === 'mwaaWebLogin' || this.auth.kind === 'googleServiceAccount';
	}

	private forgetCredentials(): void {
		this.token = null;
		this.session = null;
		if (this.googleKey) forgetGoogleToken(this.googleKey);
	}

	private async send(spec: RequestSpec): Promise<AxiosResponse<string>> {
		if (this.mwaa && this.auth.kind === 'mwaaInvoke' && !spec.anonymous) {
			// InvokeRestApi: the Airflow call travels inside a signed AWS request; its answer comes back as Airflow's
			this.requestCount++;
			const apiPath = spec.path.replace(/^\/api\/v[12](?=\/)/, '');
			const query: Record<string, unknown> = {};
			for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) query[k] = Array.isArray(v) ? [...v] : v;
			const reply = await invokeRestApi(this.http, this.mwaa, spec.method, apiPath, query, spec.body);
			return { status: reply.status, data: reply.data, headers: reply.headers, statusText: '', config: {} } as unknown as AxiosResponse<string>;
		}
		const headers: Record<string, string> = { accept: spec.accept ?? 'application/json' };
		if (!spec.anonymous) Object.assign(headers, await this.authHeaders());
		if (spec.body !== undefined) headers['content-type'] = 'application/json';
		this.requestCount++;
		return this.http.request<string>({
			method: spec.method,
			url: spec.path,
			params: spec.query,
			paramsSerializer: { indexes: null },
			data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
			headers,
		});
	}

	private parse<T>(res: AxiosResponse<string>, label: string, attempts: number): Reply<T> | AirflowApiError {
		const contentType = String(headerOf(res, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
		const text = typeof res.data === 'string' ? res.data : String(res.data ?? '');
		const looksHtml = contentType === 'text/html' || /^\s*<(!doctype|html)/i.test(text);
		if (looksHtml) {
			const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
			return new AirflowApiError({
				status: res.status,
				airflowMessage: `an HTML page${title ? ` ("${title}")` : ''} came back instead of JSON`,
				hint:
					res.status === 404
						? `No Airflow REST API at ${this.baseUrl}${label.split(' ')[1]}. Check the base URL (the webserver root, without /api/v1) and the API version in the credential.`
						: 'A proxy or login page answered instead of the Airflow API. Check the base URL and that the proxy lets API calls through.',
				kind: 'html',
				request: label,
				attempts,
			});
		}
		let body: unknown = text;
		if (contentType.includes('json') && !contentType.includes('ndjson')) {
			try {
				body = text === '' ? null : JSON.parse(text);
			} catch {
				return new AirflowApiError({ status: res.status, airflowMessage: `the JSON answer was cut off or invalid (${text.length} characters)`, hint: 'The connection or a proxy truncated the answer. Try again; lower the page size if it persists.', kind: 'json', request: label, attempts });
			}
		}
		if (res.status >= 400) {
			const message = airflowMessageOf(body) ?? (text.slice(0, 200) || `HTTP ${res.status}`);
			return new AirflowApiError({ status: res.status, airflowMessage: message, hint: hintForStatus(res.status, this.auth.kind, this.version), kind: res.status === 401 ? 'auth' : 'http', request: label, attempts });
		}
		return { status: res.status, data: body as T, contentType, headers: headersOf(res) };
	}

	/** Our clock turned into Airflow's (Date header of the latest answer); our own clock when unknown. */
	serverNow(localMs = Date.now()): number {
		return localMs + (this.serverClockOffsetMs ?? 0);
	}

	private async authHeaders(): Promise<Record<string, string>> {
		const a = this.auth;
		if (a.kind === 'basic') return { authorization: 'Basic ' + Buffer.from(`${a.username}:${a.password}`).toString('base64') };
		if (a.kind === 'bearer') return { authorization: `Bearer ${a.token}` };
		if (a.kind === 'googleServiceAccount' && this.googleKey) return { authorization: `Bearer ${await googleAccessToken(this.googleKey)}` };
		if (a.kind === 'mwaaWebLogin' && this.mwaa) {
			if (!this.session) {
				this.session = mwaaSessionCookie(this.http, this.mwaa, this.baseUrl);
				this.session.catch(() => (this.session = null));
			}
			return { cookie: `session=${await this.session}` };
		}
		if (a.kind === 'token') {
			// one token request shared by all concurrent callers
			if (!this.token) {
				this.token = this.fetchToken(a.username, a.password);
				this.token.catch(() => (this.token = null));
			}
			return { authorization: `Bearer ${await this.token}` };
		}
		return {};
	}

	private async fetchToken(username: string, password: string): Promise<string> {
		const reply = await this.request<{ access_token?: string }>({ method: 'POST', path: '/auth/token', body: { username, password }, anonymous: true, idempotent: true });
		const token = reply.data?.access_token;
		if (typeof token !== 'string' || !token) {
			throw new AirflowApiError({ status: reply.status, airflowMessage: 'POST /auth/token answered without access_token', hint: 'Token exchange needs Airflow 3 with the simple or FAB auth manager. For Astronomer/MWAA use a bearer token instead.', kind: 'auth', request: 'POST /auth/token', attempts: 1 });
		}
		return token;
	}

	/** Closes idle keep-alive sockets. */
	close(): void {
		(this.http.defaults.httpAgent as http.Agent | undefined)?.destroy();
		(this.http.defaults.httpsAgent as https.Agent | undefined)?.destroy();
	}
}

const AUTH_KINDS = ['none', 'basic', 'bearer', 'token', 'mwaaWebLogin', 'mwaaInvoke', 'googleServiceAccount'];

function mwaaConfigOf(m: MwaaAuth | undefined): MwaaConfig {
	const c = { region: m?.region?.trim() ?? '', environment: m?.environment?.trim() ?? '', endpoint: m?.endpoint?.trim() || undefined, credentials: { accessKeyId: m?.accessKeyId?.trim() ?? '', secretAccessKey: m?.secretAccessKey ?? '', sessionToken: m?.sessionToken?.trim() || undefined } };
	checkMwaaConfig(c);
	return c;
}

/** Refuses an authentication scheme the client does not know, naming it and the choices. */
function checkAuth(auth: AuthConfig): AuthConfig {
	const kind = (auth as { kind?: unknown } | undefined)?.kind;
	if (typeof kind !== 'string' || !AUTH_KINDS.includes(kind)) {
		throw new AirflowApiError({
			status: null,
			airflowMessage: `authentication ${JSON.stringify(kind ?? null)} is not a scheme this node knows`,
			hint: 'In the Airflow credential choose one of: "Username/Password (Airflow 2 Basic Auth)", "Username/Password (Airflow 3 Token)", "Bearer Token (Astronomer, Proxies)", "Amazon MWAA: Web Login Token (Airflow 2)", "Amazon MWAA: InvokeRestApi (SigV4)", "Google Cloud Composer: Service Account Key" or "None".',
			kind: 'config',
			request: 'configuration',
			attempts: 0,
		});
	}
	return auth;
}

function headersOf(res: AxiosResponse): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries((res.headers ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
	return out;
}

function headerOf(res: AxiosResponse, name: string): string | undefined {
	const v = (res.headers as Record<string, unknown>)[name];
	return v === undefined || v === null ? undefined : String(v);
}

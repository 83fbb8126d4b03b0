/**
 * Google Cloud Composer: a service-account JSON key exchanged for an OAuth2 access token, as
 * Google documents for server-to-server apps ("Using OAuth 2.0 for Server to Server
 * Applications"): a JWT signed RS256 with the key's private key (iss = client_email, scope,
 * aud = token_uri, iat, exp ≤ iat + 1 h), POSTed to token_uri with
 * grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer; the answer's access_token is sent to the
 * Composer Airflow web server as a bearer token. Tokens are cached per key within the n8n process
 * and renewed `refreshBeforeMs` before they expire. node:crypto only; the private key and tokens
 * never enter an error message.
 */
import crypto from 'node:crypto';
import axios from 'axios';
import { AirflowApiError } from '../airflow/transport';

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** renew this long before expiry (Google's access tokens last 3600 s) */
export const DEFAULT_REFRESH_BEFORE_MS = 5 * 60_000;

export interface ServiceAccountKey {
	client_email: string;
	private_key: string;
	private_key_id?: string;
	token_uri: string;
	project_id?: string;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function configError(message: string, hint: string): AirflowApiError {
	return new AirflowApiError({ status: null, airflowMessage: message, hint, kind: 'config', request: 'configuration', attempts: 0 });
}

/** Reads the key file's JSON, naming the field that is wrong (never echoing the key itself). */
export function parseServiceAccountKey(text: unknown): ServiceAccountKey {
	const fix = 'Paste the whole JSON key file of the service account (IAM → Service accounts → Keys → Add key → JSON) into "Service Account Key".';
	let value: unknown = text;
	if (typeof text === 'string') {
		if (!text.trim()) throw configError('the service account key is empty', fix);
		try {
			value = JSON.parse(text);
		} catch {
			throw configError('the service account key is not JSON', fix);
		}
	}
	if (!value || typeof value !== 'object') throw configError('the service account key is not a JSON object', fix);
	const k = value as Record<string, unknown>;
	if (k.type !== undefined && k.type !== 'service_account') throw configError(`the key's "type" is ${JSON.stringify(k.type)}, not "service_account"`, fix + ' (A user or external-account credential cannot sign JWTs.)');
	for (const field of ['client_email', 'private_key'] as const) {
		if (typeof k[field] !== 'string' || !(k[field] as string).trim()) throw configError(`the service account key has no "${field}"`, fix);
	}
	try {
		crypto.createPrivateKey(k.private_key as string);
	} catch {
		throw configError('the service account key\'s "private_key" is not a PEM private key', fix);
	}
	const tokenUri = typeof k.token_uri === 'string' && k.token_uri ? k.token_uri : GOOGLE_TOKEN_URI;
	if (!/^https?:\/\//.test(tokenUri)) throw configError(`the key's "token_uri" ${JSON.stringify(tokenUri)} is not a URL`, fix);
	return { client_email: k.client_email as string, private_key: k.private_key as string, private_key_id: typeof k.private_key_id === 'string' ? k.private_key_id : undefined, token_uri: tokenUri, project_id: typeof k.project_id === 'string' ? k.project_id : undefined };
}

/** The signed JWT assertion (RS256) for the token request. */
export function signedAssertion(key: ServiceAccountKey, nowMs: number, scope = CLOUD_PLATFORM_SCOPE): string {
	const iat = Math.floor(nowMs / 1000);
	const header = { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
	const claims = { iss: key.client_email, scope, aud: key.token_uri, iat, exp: iat + 3600 };
	const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
	const signature = crypto.sign('RSA-SHA256', Buffer.from(input), key.private_key);
	return `${input}.${base64url(signature)}`;
}

interface CachedToken {
	token: string;
	expiresAt: number;
}

const cache = new Map<string, CachedToken>();
const pending = new Map<string, Promise<CachedToken>>();

function cacheKey(key: ServiceAccountKey): string {
	return crypto.createHash('sha256').update(`${key.client_email}\u0000${key.token_uri}\u0000${key.private_key}`).digest('hex');
}

/** Forgets the cached token of a key (after the server refused it). */
export function forgetGoogleToken(key: ServiceAccountKey): void {
	cache.delete(cacheKey(key));
}

export interface TokenOptions {
	now?: () => number;
	refreshBeforeMs?: number;
	timeoutMs?: number;
}

/** A valid access token: the cached one, or a new one when it expires within `refreshBeforeMs`. */
export async function googleAccessToken(key: ServiceAccountKey, o: TokenOptions = {}): Promise<string> {
	const now = o.now ?? Date.now;
	const id = cacheKey(key);
	const hit = cache.get(id);
	if (hit && hit.expiresAt - (o.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS) > now()) return hit.token;
	let request = pending.get(id);
	if (!request) {
		request = fetchToken(key, now, o.timeoutMs ?? 30_000).finally(() => pending.delete(id));
		pending.set(id, request);
	}
	const fresh = await request;
	cache.set(id, fresh);
	return fresh.token;
}

async function fetchToken(key: ServiceAccountKey, now: () => number, timeoutMs: number): Promise<CachedToken> {
	const label = `POST ${key.token_uri}`;
	const started = now();
	let res;
	try {
		res = await axios.post<string>(key.token_uri, new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signedAssertion(key, started) }).toString(), {
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			responseType: 'text',
			transformResponse: [(d: unknown) => d],
			validateStatus: () => true,
			timeout: timeoutMs,
			maxRedirects: 0,
		});
	} catch (e) {
		const code = (e as { code?: string }).code;
		throw new AirflowApiError({ status: null, airflowMessage: `Google's token endpoint did not answer${code ? ` (${code})` : ''}`, hint: `Check that n8n can reach ${key.token_uri} (proxy, firewall).`, kind: 'network', request: label, attempts: 1 });
	}
	let body: Record<string, unknown> = {};
	try {
		body = JSON.parse(String(res.data ?? '')) as Record<string, unknown>;
	} catch {
		/* not JSON: described below */
	}
	if (res.status !== 200 || typeof body.access_token !== 'string' || !body.access_token) {
		const error = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
		const description = typeof body.error_description === 'string' ? body.error_description : '';
		const hint =
			error === 'invalid_grant'
				? `Google refused the service account ${key.client_email} (${description || 'invalid grant'}). Check that the key is not deleted or disabled (IAM → Service accounts → Keys), that the n8n host's clock is right (the JWT's iat/exp are checked), and create a new JSON key if needed.`
				: error === 'invalid_client' || error === 'unauthorized_client'
					? `Google does not accept ${key.client_email} as a client (${description || error}). Check that the service account exists and is enabled, then paste a fresh JSON key.`
					: `Google's token endpoint answered ${res.status}${description ? `: ${description}` : ''}. Check the key's token_uri and try again.`;
		throw new AirflowApiError({ status: res.status, airflowMessage: `the access token for ${key.client_email} was refused: ${error}${description ? ` (${description})` : ''}`, hint, kind: 'cloud', request: label, attempts: 1 });
	}
	const seconds = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
	return { token: body.access_token, expiresAt: started + (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000 };
}

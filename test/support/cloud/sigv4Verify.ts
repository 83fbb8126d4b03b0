/**
 * The server side of AWS Signature Version 4, for the MWAA stand-in: recomputes the signature of
 * an incoming request from what arrived on the wire (method, raw path and query, the headers named
 * in SignedHeaders, the body) and the secret the access key belongs to, the way AWS documents the
 * check. Written apart from the product's signer (nodes/logic/cloud/sigv4.ts) so a shared mistake
 * cannot pass unnoticed; test/unit/cloud/managed.test.ts checks it against AWS's get-vanilla vector.
 */
import crypto from 'node:crypto';

export type SigV4Verdict = { ok: true; accessKeyId: string } | { ok: false; status: number; type: string; message: string };

export interface VerifyInput {
	method: string;
	/** path and query as received, e.g. /restapi/env?x=1 */
	rawUrl: string;
	/** lower-case names */
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	region: string;
	service: string;
	/** access key id → secret (and, for temporary keys, the session token and its expiry) */
	keys: Record<string, { secret: string; sessionToken?: string; expiresAt?: number }>;
	now: number;
}

const hex = (d: crypto.BinaryLike): string => crypto.createHash('sha256').update(d).digest('hex');
const mac = (k: crypto.BinaryLike, d: string): Buffer => crypto.createHmac('sha256', k).update(d).digest();
const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const dec = (s: string): string => {
	try {
		return decodeURIComponent(s.replace(/\+/g, '%20'));
	} catch {
		return s;
	}
};

function header(h: VerifyInput['headers'], name: string): string | undefined {
	const v = h[name];
	return Array.isArray(v) ? v.join(',') : v;
}

export function verifySigV4(i: VerifyInput): SigV4Verdict {
	const deny = (type: string, message: string, status = 403): SigV4Verdict => ({ ok: false, status, type, message });
	const auth = header(i.headers, 'authorization') ?? '';
	const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
	if (!m) return deny('MissingAuthenticationTokenException', 'Missing Authentication Token');
	const [, keyId, day, region, service, signedList, signature] = m;
	const key = i.keys[keyId];
	if (!key) return deny('UnrecognizedClientException', 'The security token included in the request is invalid.');
	const amzDate = header(i.headers, 'x-amz-date') ?? '';
	const t = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
	if (!t) return deny('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.', 400);
	const at = Date.UTC(+t[1], +t[2] - 1, +t[3], +t[4], +t[5], +t[6]);
	if (Math.abs(i.now - at) > 5 * 60_000) return deny('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${new Date(i.now - 5 * 60_000).toISOString().replace(/[-:]|\.\d{3}/g, '')} (${new Date(i.now).toISOString().replace(/[-:]|\.\d{3}/g, '')} - 5 min.)`);
	if (day !== amzDate.slice(0, 8) || region !== i.region || service !== i.service) return deny('InvalidSignatureException', `Credential should be scoped to a valid region and service: ${day}/${i.region}/${i.service}.`);
	const names = signedList.split(';');
	if (!names.includes('host') || !names.includes('x-amz-date')) return deny('InvalidSignatureException', "'Host' or 'X-Amz-Date' must be a signed header.");
	if (key.sessionToken !== undefined) {
		if (header(i.headers, 'x-amz-security-token') !== key.sessionToken || !names.includes('x-amz-security-token')) return deny('UnrecognizedClientException', 'The security token included in the request is invalid.');
		if (key.expiresAt !== undefined && key.expiresAt <= i.now) return deny('ExpiredTokenException', 'The security token included in the request is expired');
	}
	const q = i.rawUrl.indexOf('?');
	const rawPath = q === -1 ? i.rawUrl : i.rawUrl.slice(0, q);
	const rawQuery = q === -1 ? '' : i.rawUrl.slice(q + 1);
	const path = '/' + rawPath.split('/').slice(1).map((s) => enc(dec(s))).join('/');
	const query = rawQuery
		.split('&')
		.filter(Boolean)
		.map((p) => {
			const e = p.indexOf('=');
			return [enc(dec(e === -1 ? p : p.slice(0, e))), enc(dec(e === -1 ? '' : p.slice(e + 1)))];
		})
		.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
		.map(([k, v]) => `${k}=${v}`)
		.join('&');
	const canonicalHeaders = names.map((n) => `${n}:${(header(i.headers, n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
	const creq = [i.method, path, query, canonicalHeaders, signedList, hex(i.body)].join('\n');
	const sts = ['AWS4-HMAC-SHA256', amzDate, `${day}/${region}/${service}/aws4_request`, hex(creq)].join('\n');
	const kSigning = mac(mac(mac(mac('AWS4' + key.secret, day), region), service), 'aws4_request');
	const expected = crypto.createHmac('sha256', kSigning).update(sts).digest('hex');
	if (expected !== signature) return deny('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
	return { ok: true, accessKeyId: keyId };
}

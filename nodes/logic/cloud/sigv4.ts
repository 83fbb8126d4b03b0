/**
 * AWS Signature Version 4 for request headers, with node:crypto only (no AWS SDK): the canonical
 * request, the string to sign, the derived key and the Authorization header, as AWS documents them
 * ("Create a signed AWS API request"). Checked against AWS's published SigV4 test suite
 * (test/unit/cloud/sigv4.test.ts). Used for Amazon MWAA's CreateWebLoginToken and InvokeRestApi.
 *
 * The path is canonicalised by percent-encoding each segment of the decoded path once, as the test
 * suite expects; MWAA's paths (/webtoken/{Name}, /restapi/{Name}) hold only letters, digits, "-"
 * and "_", for which single and double encoding agree.
 */
import crypto from 'node:crypto';

export interface AwsCredentials {
	accessKeyId: string;
	secretAccessKey: string;
	/** temporary credentials (STS): sent as X-Amz-Security-Token and signed */
	sessionToken?: string;
}

export interface SignInput {
	method: string;
	/** full URL; its query string is signed */
	url: string;
	/** headers to sign besides host and x-amz-date (names in any case) */
	headers?: Record<string, string>;
	body?: string | Buffer;
	region: string;
	service: string;
	/** signing time (default now) */
	date?: Date;
}

export interface Signed {
	/** headers to send: host, x-amz-date, authorization (and x-amz-security-token) plus the given ones */
	headers: Record<string, string>;
	canonicalRequest: string;
	stringToSign: string;
	signature: string;
}

const sha256 = (data: string | Buffer): string => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => crypto.createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case) of its UTF-8 bytes. */
export function uriEncode(text: string): string {
	return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** "20150830T123600Z" */
export function amzDate(date: Date): string {
	return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function canonicalPath(pathname: string): string {
	const segments: string[] = [];
	for (const raw of pathname.split('/').slice(1)) {
		let segment: string;
		try {
			segment = decodeURIComponent(raw);
		} catch {
			segment = raw;
		}
		if (segment === '.') continue;
		if (segment === '..') {
			segments.pop();
			continue;
		}
		segments.push(segment);
	}
	return '/' + segments.map(uriEncode).join('/');
}

function canonicalQuery(search: string): string {
	if (!search || search === '?') return '';
	const pairs = search
		.replace(/^\?/, '')
		.split('&')
		.filter(Boolean)
		.map((part) => {
			const at = part.indexOf('=');
			const decode = (s: string): string => {
				try {
					return decodeURIComponent(s.replace(/\+/g, '%20'));
				} catch {
					return s;
				}
			};
			const key = decode(at === -1 ? part : part.slice(0, at));
			const value = at === -1 ? '' : decode(part.slice(at + 1));
			return [uriEncode(key), uriEncode(value)] as const;
		});
	pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
	return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The key for one day, region and service: HMAC chain from "AWS4" + secret. */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
	return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
}

/** Signs one request; the secret never leaves this function except as the derived signature. */
export function signV4(input: SignInput, credentials: AwsCredentials): Signed {
	const url = new URL(input.url);
	const when = amzDate(input.date ?? new Date());
	const day = when.slice(0, 8);
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
	headers.host = headers.host ?? url.host;
	headers['x-amz-date'] = when;
	if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
	const names = Object.keys(headers).sort();
	const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('');
	const signedHeaders = names.join(';');
	const canonicalRequest = [input.method.toUpperCase(), canonicalPath(url.pathname), canonicalQuery(url.search), canonicalHeaders, signedHeaders, sha256(input.body ?? '')].join('\n');
	const scope = `${day}/${input.region}/${input.service}/aws4_request`;
	const stringToSign = ['AWS4-HMAC-SHA256', when, scope, sha256(canonicalRequest)].join('\n');
	const signature = crypto.createHmac('sha256', signingKey(credentials.secretAccessKey, day, input.region, input.service)).update(stringToSign, 'utf8').digest('hex');
	return {
		headers: { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` },
		canonicalRequest,
		stringToSign,
		signature,
	};
}

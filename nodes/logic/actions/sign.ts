/**
 * Signed action links: a Teams card's Acknowledge / Retry / Mute buttons open a URL that carries
 * what to do, on which failure, until when, and a one-time nonce, signed with HMAC-SHA256 under a
 * key only n8n knows (the "Pipeline Monitor Action Key" credential). The key never appears in a
 * link, an error or a stored row; only the signature does.
 *
 * Link fields (query string of a GET, form body of the POST):
 *   a  action: acknowledge | retry | mute
 *   e  the failure's event id (pipeline_monitor.events.id)
 *   p  the pipeline (DAG id or workflow name)
 *   x  expiry, Unix seconds (at most 24 h after signing)
 *   n  nonce: 16 random bytes, base64url (the link works once: actions.nonce is unique)
 *   s  base64url(HMAC-SHA256(key, "pm-action-v1\n" + JSON.stringify([a, e, p, x, n])))
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError } from '../shared/errors';

export const ACTIONS = ['acknowledge', 'retry', 'mute'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** A link may live at most this long. */
export const MAX_TTL_SECONDS = 24 * 60 * 60;
/** Clocks of the signer and the checker may differ by this much. */
export const CLOCK_SKEW_SECONDS = 300;
/** The shortest key the credential accepts (32 characters of a random string: >= 190 bits). */
export const MIN_KEY_LENGTH = 32;

const DOMAIN = 'pm-action-v1';
const FIELDS = ['a', 'e', 'p', 'x', 'n', 's'] as const;

export interface ActionClaims {
	action: ActionName;
	eventId: string;
	pipeline: string;
	/** Unix seconds */
	expiresAt: number;
	nonce: string;
}

export type LinkFields = Record<(typeof FIELDS)[number], string>;

/** Why a link is refused, with the HTTP status the action endpoint answers. */
export type Refusal = 'tampered' | 'expired' | 'replay';
export const REFUSAL_STATUS: Record<Refusal, number> = { tampered: 403, expired: 410, replay: 409 };

export type LinkCheck =
	| { ok: true; status: 200; claims: ActionClaims }
	/** signature valid but refused: the identity (claims) can be trusted and recorded */
	| { ok: false; status: 409 | 410; refusal: 'expired' | 'replay'; reason: string; claims: ActionClaims }
	/** anything wrong with the link itself: nothing in it can be trusted */
	| { ok: false; status: 403; refusal: 'tampered'; reason: string; claims: null };

/** Checks the key from the credential; the error never shows it. */
export function checkKey(key: unknown): string {
	if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH) {
		throw new InputError(
			'Action Key',
			'(hidden)',
			`must be at least ${MIN_KEY_LENGTH} characters`,
			'Set the "Pipeline Monitor Action Key" credential to a long random string, e.g. the output of `openssl rand -base64 48`.',
		);
	}
	return key;
}

function signature(key: string, claims: ActionClaims): string {
	const message = `${DOMAIN}\n${JSON.stringify([claims.action, claims.eventId, claims.pipeline, String(claims.expiresAt), claims.nonce])}`;
	return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

export function newNonce(): string {
	return randomBytes(16).toString('base64url');
}

export function isActionName(value: unknown): value is ActionName {
	return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}

const EVENT_ID = /^[1-9][0-9]{0,17}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;
const EXPIRY = /^[0-9]{1,12}$/;
// control characters (C0, DEL, C1) never belong in a pipeline name
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkPipeline(value: unknown): string | null {
	if (typeof value !== 'string' || value.length === 0 || value.length > 250 || CONTROL.test(value)) return null;
	return value;
}

/** The fields of a signed link for one action on one failure. */
export function signLink(key: string, input: { action: ActionName; eventId: string | number; pipeline: string; expiresAt: number; nonce?: string }): LinkFields {
	checkKey(key);
	if (!isActionName(input.action)) throw new InputError('action', input.action, 'is not an action', `Use one of: ${ACTIONS.join(', ')}.`);
	const eventId = String(input.eventId ?? '').trim();
	if (!EVENT_ID.test(eventId)) throw new InputError('eventId', input.eventId, 'is not an event id (a positive whole number)', 'Map the id of the stored event, e.g. {{ $("Store Event").first().json.id }}.');
	const pipeline = checkPipeline(input.pipeline);
	if (pipeline === null) throw new InputError('pipeline', input.pipeline, 'is not a pipeline name (1 to 250 characters, no control characters)', 'Map the DAG id or workflow name.');
	if (!Number.isInteger(input.expiresAt) || input.expiresAt <= 0) throw new InputError('expiresAt', input.expiresAt, 'is not a Unix time in seconds', 'Internal: compute it from the expiry hours.');
	const nonce = input.nonce ?? newNonce();
	if (!NONCE.test(nonce)) throw new InputError('nonce', '(hidden)', 'is not 16 to 64 base64url characters', 'Leave it empty: a random nonce is made.');
	const claims: ActionClaims = { action: input.action, eventId, pipeline, expiresAt: input.expiresAt, nonce };
	return { a: claims.action, e: eventId, p: pipeline, x: String(claims.expiresAt), n: nonce, s: signature(key, claims) };
}

/** The link's URL: the action endpoint with the fields as query string. */
export function linkUrl(baseUrl: string, fields: LinkFields): string {
	const url = new URL(baseUrl);
	for (const name of FIELDS) url.searchParams.set(name, fields[name]);
	return url.href;
}

function tampered(reason: string): LinkCheck {
	return { ok: false, status: 403, refusal: 'tampered', reason, claims: null };
}

/** The one string value of a field: a repeated field (an array) or an object is a fault. */
function single(source: Record<string, unknown>, name: string): string | null {
	const value = source[name];
	return typeof value === 'string' ? value : null;
}

/**
 * Checks a link's fields (query or form body) as they arrived. Order: shape and signature (403,
 * nothing trusted), then the trusted claims: expiry beyond 24 h (403), expired (410), nonce
 * already used (409). Comparison is constant-time; the reason never holds the key or the
 * expected signature.
 */
export function checkLink(key: string, source: unknown, options: { now: number; nonceUsed?: boolean }): LinkCheck {
	checkKey(key);
	if (source === null || typeof source !== 'object' || Array.isArray(source)) return tampered('the link carries no action fields');
	const raw = source as Record<string, unknown>;
	const f: Partial<LinkFields> = {};
	for (const name of FIELDS) {
		const value = single(raw, name);
		if (value === null) return tampered(raw[name] === undefined ? `field "${name}" is missing` : `field "${name}" is not one value`);
		f[name] = value;
	}
	const fields = f as LinkFields;
	if (!isActionName(fields.a)) return tampered('field "a" is not an action');
	if (!EVENT_ID.test(fields.e)) return tampered('field "e" is not an event id');
	if (checkPipeline(fields.p) === null) return tampered('field "p" is not a pipeline name');
	if (!EXPIRY.test(fields.x)) return tampered('field "x" is not a time');
	if (!NONCE.test(fields.n)) return tampered('field "n" is not a nonce');
	if (!SIG.test(fields.s)) return tampered('field "s" is not a signature');
	const claims: ActionClaims = { action: fields.a, eventId: fields.e, pipeline: fields.p, expiresAt: Number(fields.x), nonce: fields.n };
	const expected = Buffer.from(signature(key, claims), 'utf8');
	const given = Buffer.from(fields.s, 'utf8');
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) return tampered('the signature does not match');
	const now = Math.floor(options.now / 1000);
	if (claims.expiresAt > now + MAX_TTL_SECONDS + CLOCK_SKEW_SECONDS) return tampered('the expiry is more than 24 hours ahead');
	if (now >= claims.expiresAt) return { ok: false, status: 410, refusal: 'expired', reason: `the link expired at ${new Date(claims.expiresAt * 1000).toISOString()}`, claims };
	if (options.nonceUsed) return { ok: false, status: 409, refusal: 'replay', reason: 'the link was used already', claims };
	return { ok: true, status: 200, claims };
}

/** The Unix expiry for a link made now that lives `hours` (more than 0, at most 24). */
export function expiryOf(now: number, hours: unknown): number {
	const h = typeof hours === 'string' && hours.trim() !== '' ? Number(hours) : hours;
	if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0 || h > 24) {
		throw new InputError('expiresInHours', hours, 'must be more than 0 and at most 24', 'Links expire within 24 hours; use e.g. 24.');
	}
	return Math.floor(now / 1000) + Math.round(h * 3600);
}

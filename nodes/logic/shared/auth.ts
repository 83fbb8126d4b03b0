/**
 * Checking a shared secret (the callback token, the status page's basic auth) in constant time,
 * and slowing down a client that keeps getting it wrong. Free of n8n: the node adapters read the
 * request headers and the credential and call these.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ or on
 * their lengths: both are hashed to 32-byte SHA-256 digests, which timingSafeEqual compares.
 */
export function secretsEqual(given: string | null | undefined, expected: string): boolean {
	const a = createHash('sha256').update(given ?? '', 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	// the digest comparison decides; the length check only refuses a missing value, also hashed
	return timingSafeEqual(a, b) && typeof given === 'string';
}

/** user:password of an "Authorization: Basic ..." header, or null when it is not one. */
export function basicAuthOf(header: string | null | undefined): { user: string; password: string } | null {
	if (typeof header !== 'string') return null;
	const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
	if (!match) return null;
	const text = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = text.indexOf(':');
	if (colon < 0) return null;
	return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Basic auth in constant time: user and password are both compared, whatever the first gives. */
export function basicAuthMatches(header: string | null | undefined, user: string, password: string): boolean {
	const given = basicAuthOf(header);
	const userOk = secretsEqual(given?.user ?? null, user);
	const passwordOk = secretsEqual(given?.password ?? null, password);
	return given !== null && userOk && passwordOk;
}

/** A header of a webhook item (names compared case-insensitively; a list gives its first value). */
export function headerValue(headers: unknown, name: string): string | null {
	if (typeof headers !== 'object' || headers === null) return null;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
		if (key.toLowerCase() !== wanted) continue;
		if (typeof value === 'string') return value;
		if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
		return null;
	}
	return null;
}

export interface BackoffOptions {
	/** failures a client may make before it has to wait */
	freeFailures: number;
	/** the first wait; each further failure doubles it */
	baseMs: number;
	/** the longest wait */
	maxMs: number;
	/** clients remembered at most (the oldest is forgotten first) */
	maxClients: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { freeFailures: 5, baseMs: 2_000, maxMs: 300_000, maxClients: 10_000 };

interface ClientFailures {
	failures: number;
	blockedUntil: number;
}

/**
 * Exponential backoff per client (its IP) after repeated failures, in memory and bounded. While a client
 * waits, its requests are refused (429 with Retry-After) without looking at the secret, so
 * guessing costs the wait whether the guesses come one by one or all at once.
 */
export class FailureBackoff {
	private readonly clients = new Map<string, ClientFailures>();

	constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

	/** Seconds the client must still wait, or 0 when it may try. */
	waitSeconds(client: string, now = Date.now()): number {
		const entry = this.clients.get(client);
		if (!entry || entry.blockedUntil <= now) return 0;
		return Math.ceil((entry.blockedUntil - now) / 1000);
	}

	/** Records a failure; returns the seconds the client must now wait (0 while failures are free). */
	fail(client: string, now = Date.now()): number {
		const entry = this.clients.get(client) ?? { failures: 0, blockedUntil: 0 };
		this.clients.delete(client); // re-inserted last: the map's order is oldest first
		entry.failures++;
		const over = entry.failures - this.options.freeFailures;
		if (over > 0) entry.blockedUntil = now + Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(over - 1, 30));
		this.clients.set(client, entry);
		while (this.clients.size > this.options.maxClients) this.clients.delete(this.clients.keys().next().value as string);
		return this.waitSeconds(client, now);
	}

	succeed(client: string): void {
		this.clients.delete(client);
	}

	get size(): number {
		return this.clients.size;
	}
}

/**
 * A credential read shared by the requests that arrive together: n8n decrypts a credential and
 * applies its overwrites in a fresh expression isolate on every `getCredentials` call (about 8 ms
 * of CPU per request on a 2-core machine, several times that when 200 requests arrive at once).
 * One read serves every request for `ttlMs`; a failed read is not kept. A caller whose secret
 * does not match a kept value reads again with `fresh`, so a rotated secret is accepted at once
 * and the old one for at most `ttlMs`.
 */
export class SharedRead<T> {
	private readonly entries = new Map<string, { value: Promise<T>; until: number }>();

	constructor(private readonly ttlMs: number, private readonly maxKeys = 100) {}

	get(key: string, read: () => Promise<T>, options: { fresh?: boolean; now?: number } = {}): Promise<T> {
		const now = options.now ?? Date.now();
		const kept = this.entries.get(key);
		if (kept && kept.until > now && !options.fresh) return kept.value;
		const value = read();
		const entry = { value, until: now + this.ttlMs };
		this.entries.delete(key);
		this.entries.set(key, entry);
		while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
		value.catch(() => {
			if (this.entries.get(key) === entry) this.entries.delete(key);
		});
		return value;
	}
}

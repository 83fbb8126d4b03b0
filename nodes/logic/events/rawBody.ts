/**
 * The callback body as the bytes that arrived, checked for size and nesting depth BEFORE it is
 * parsed. The Webhook node of the collector keeps the body raw (Webhook v1 with "binaryData": n8n
 * then neither reads it into memory nor parses it), so neither a 20 MB body nor JSON nested
 * 100,000 levels ever becomes an object that n8n (or anything else) walks recursively.
 */

export const DEFAULT_MAX_DEPTH = 32;

export type RawBodyResult =
	| { ok: true; value: unknown; bytes: number }
	| { ok: false; status: 400 | 413; field: string; value: string; problem: string; hint: string };

/**
 * The deepest nesting of `[`/`{` in JSON text, counted in one pass without recursion (strings
 * and their escapes skipped). Stops as soon as `limit` is passed, so a depth bomb costs only
 * the characters up to that point.
 */
export function jsonDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++; // backslash: skip the escaped character
			else if (c === 0x22) inString = false;
			continue;
		}
		if (c === 0x22) inString = true;
		else if (c === 0x5b || c === 0x7b) {
			depth++;
			if (depth > deepest) {
				deepest = depth;
				if (deepest > limit) return deepest;
			}
		} else if (c === 0x5d || c === 0x7d) depth--;
	}
	return deepest;
}

/**
 * Whether an already parsed value nests deeper than `limit` (a body that reached the node
 * parsed, e.g. from a Webhook v2 node): breadth-first with an explicit queue, no recursion.
 */
export function valueDeeperThan(value: unknown, limit: number): boolean {
	let level: unknown[] = [value];
	for (let depth = 0; level.length > 0; depth++) {
		const next: unknown[] = [];
		for (const v of level) {
			if (typeof v !== 'object' || v === null) continue;
			if (depth + 1 > limit) return true;
			for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) next.push(child);
		}
		level = next;
	}
	return false;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function refused(status: 400 | 413, value: string, problem: string, hint: string): RawBodyResult {
	return { ok: false, status, field: 'body', value, problem, hint };
}

/** The 413 answer for a body of `bytes` (known from its length before it is read). */
export function tooLarge(bytes: number, maxBytes: number): RawBodyResult {
	return refused(413, `(${bytes} bytes)`, `is larger than ${maxBytes} bytes`, 'Send the exception text cut to a few KB and the log as log_url; the collector fetches the log itself.');
}

/** Size, UTF-8, depth, then JSON.parse: in that order, each before the next costs anything. */
export function readJsonBody(raw: Uint8Array | null | undefined, maxBytes: number, maxDepth = DEFAULT_MAX_DEPTH): RawBodyResult {
	const bytes = raw?.byteLength ?? 0;
	if (bytes === 0) return refused(400, '(empty)', 'is empty', 'Send one JSON object with at least dag_id and run_id.');
	if (bytes > maxBytes) return tooLarge(bytes, maxBytes);
	let text: string;
	try {
		text = fatalUtf8.decode(raw as Uint8Array);
	} catch {
		return refused(400, `(${bytes} bytes)`, 'is not valid UTF-8', 'Send the body as UTF-8 encoded JSON (json.dumps(...).encode("utf-8")).');
	}
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	const depth = jsonDepth(text, maxDepth);
	if (depth > maxDepth) {
		return refused(400, `(more than ${maxDepth} levels)`, `is nested deeper than ${maxDepth} levels`, `Send a flat JSON object (the callback's fields are at most ${maxDepth} levels deep).`);
	}
	try {
		return { ok: true, value: JSON.parse(text) as unknown, bytes };
	} catch (error) {
		const reason = error instanceof Error ? error.message.slice(0, 120) : 'a syntax error';
		return refused(400, `(${bytes} bytes)`, 'is not valid JSON', `Send one JSON object, e.g. {"dag_id": "...", "run_id": "..."} (${reason}).`);
	}
}

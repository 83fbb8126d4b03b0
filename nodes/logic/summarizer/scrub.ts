/**
 * The output side of redaction: every value redacted from the input (and the API key, and the
 * extra secrets) is removed from everything the node outputs, by exact match and by any fragment
 * of 8 or more characters, so a model that repeats a secret (whole, cut, or inside another word)
 * cannot carry it into the summary, the root cause, the action, the `model` field or a message.
 */

export const SCRUB_MARKER = '[REDACTED]';
/** Shortest fragment of a secret that is removed wherever it appears. */
export const FRAGMENT_CHARS = 8;

export interface SecretScrubber {
	/** the text with every secret and every 8+ character fragment of one removed */
	text(value: string): string;
	/** the same over every string of a JSON-like value (objects and arrays copied) */
	deep<T>(value: T): T;
}

/**
 * A scrubber for a set of secrets. `publicText` is text already shown in the open (the redacted
 * log that was sent): a fragment that also appears there is not secret (a secret that shares a
 * host name or a common word with the log would otherwise blank half the summary).
 */
export function secretScrubber(secrets: Iterable<string | undefined>, publicText = ''): SecretScrubber {
	const exact = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
	const fragments = new Set<string>();
	for (const secret of exact) {
		if (secret.length < FRAGMENT_CHARS) continue;
		for (let i = 0; i + FRAGMENT_CHARS <= secret.length; i++) {
			const fragment = secret.slice(i, i + FRAGMENT_CHARS);
			if (/^\s|\s$/.test(fragment) || (publicText && publicText.includes(fragment))) continue;
			fragments.add(fragment);
		}
	}
	const text = (value: string): string => {
		if (exact.length === 0 || value.length < 4) return value;
		let out = value;
		for (const secret of exact) if (out.includes(secret)) out = out.split(secret).join(SCRUB_MARKER);
		if (fragments.size === 0 || out.length < FRAGMENT_CHARS) return out;
		const covered = new Uint8Array(out.length);
		let any = false;
		for (let i = 0; i + FRAGMENT_CHARS <= out.length; i++) {
			if (fragments.has(out.slice(i, i + FRAGMENT_CHARS))) {
				covered.fill(1, i, i + FRAGMENT_CHARS);
				any = true;
			}
		}
		if (!any) return out;
		let result = '';
		for (let i = 0; i < out.length; i++) {
			if (!covered[i]) result += out[i];
			else if (i === 0 || !covered[i - 1]) result += SCRUB_MARKER;
		}
		return result;
	};
	const deep = <T>(value: T): T => {
		if (typeof value === 'string') return text(value) as T;
		if (Array.isArray(value)) return value.map((v: unknown) => deep(v)) as T;
		if (typeof value === 'object' && value !== null) {
			const out: Record<string, unknown> = {};
			for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = deep(v);
			return out as T;
		}
		return value;
	};
	return { text, deep };
}

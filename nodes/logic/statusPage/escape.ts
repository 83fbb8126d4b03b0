/**
 * Escaping for the status page. Every value that comes from the database (pipeline names,
 * messages, URLs) passes through one of these before it reaches the HTML.
 */

const HTML_ENTITIES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
	'`': '&#96;',
};

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
	const text = value === null || value === undefined ? '' : String(value);
	return text.replace(/[&<>"'`]/g, (c) => HTML_ENTITIES[c]);
}

/**
 * The URL if a person may be sent there from the page (http or https only), normalised by the
 * WHATWG URL parser (which also strips the tabs and newlines that hide `java\tscript:`); null for
 * anything else: javascript:, data:, relative paths, garbage.
 */
export function safeHttpUrl(value: unknown): string | null {
	if (typeof value !== 'string' || value.trim() === '' || value.length > 2048) return null;
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return null;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
	return url.href;
}

/** An external link (new tab, no referrer) when the URL is http(s); otherwise the text alone. */
export function externalLink(url: unknown, text: string): string {
	const href = safeHttpUrl(url);
	if (!href) return escapeHtml(text);
	return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
}

/** Cuts a long text at `max` characters (whole code points) with an ellipsis. */
export function truncate(text: string, max: number): string {
	const chars = Array.from(text);
	return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

const COMBINING = /\p{M}/u;
/** Longest id shown in full; the element's title holds the whole of a longer one. */
export const ID_CHARS = 160;

/**
 * An id as shown: at most two combining marks on one character (a pile of 200 accents would be
 * drawn across the rows below; the title keeps the id exactly) and at most ID_CHARS code points.
 */
export function displayId(id: string): string {
	let marks = 0;
	let out = '';
	for (const ch of id) {
		if (COMBINING.test(ch)) {
			if (++marks > 2) continue;
		} else marks = 0;
		out += ch;
	}
	return truncate(out, ID_CHARS);
}

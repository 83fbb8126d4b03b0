/**
 * Escaping of untrusted text (log lines, names) for each output format, so that text from a log
 * can neither break the message nor inject markup, links or mentions.
 */

const ZWSP = '\u200B';

/** One line of plain text: control characters and line breaks become spaces, runs collapse. */
export function toSingleLine(text: string): string {
	return text.replace(/[\u0000-\u001F\u007F\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Cuts text to at most `max` characters (code points, so no emoji or Hangul is split). */
export function clampText(text: string, max: number): string {
	if (max <= 0) return text;
	if (text.length <= max) return text;
	const chars = Array.from(text);
	if (chars.length <= max) return text;
	return chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

const ALNUM = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
/** ASCII punctuation: a backslash before one of these is an escape in CommonMark. */
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/** Line starts that make a heading, quote, list item or numbered list. */
const MARKDOWN_LINE_START = /^(\s*)([#>+*-]|\d+[.)])(?=\s|$)/;

/**
 * Whether the delimiter at `i` could open or close emphasis (CommonMark's flanking rules): `_`
 * never does inside a word (`orders_daily_load`), `*` not with white space on both sides.
 */
function canActAsEmphasis(text: string, i: number): boolean {
	const before = text[i - 1] ?? ' ';
	const after = text[i + 1] ?? ' ';
	if (text[i] === '_') return !(ALNUM.test(before) && ALNUM.test(after));
	return !(SPACE.test(before) && SPACE.test(after));
}

/**
 * Backslash-escapes only what markdown would read as formatting, so names such as
 * `orders_daily_load` or `2*3` stay as typed (Teams clients that ignore escapes would show the
 * backslashes): emphasis delimiters that can act (and have a partner), code spans, strikethrough,
 * link brackets that form `[text](…)` or `[text][…]`, backslashes before punctuation, and list,
 * heading and quote marks at the start of a line. Dates, numbers and plain punctuation stay.
 */
const MAY_ACT = /[*_`~[\]\\]/;

export function escapeMarkdown(text: string): string {
	// most cells (names, numbers, dates) hold no mark at all: only the line start can matter
	if (!MAY_ACT.test(text)) return escapeLineStart(text);
	let stars = 0;
	let unders = 0;
	for (let i = 0; i < text.length; i++) {
		if (text[i] === '*' && canActAsEmphasis(text, i)) stars++;
		else if (text[i] === '_' && canActAsEmphasis(text, i)) unders++;
	}
	const ticks = (text.match(/`/g) ?? []).length;
	const links = /\[[^\]]*\](\(|\[)/.test(text) || /^\s*\[[^\]]*\]:/.test(text);
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		let escape = false;
		if (ch === '*') escape = stars >= 2 && canActAsEmphasis(text, i);
		else if (ch === '_') escape = unders >= 2 && canActAsEmphasis(text, i);
		else if (ch === '`') escape = ticks >= 2;
		else if (ch === '~') escape = text[i + 1] === '~' || text[i - 1] === '~';
		else if (ch === '[' || ch === ']') escape = links;
		else if (ch === '\\') escape = ASCII_PUNCT.test(text[i + 1] ?? '');
		out += escape ? '\\' + ch : ch;
	}
	return escapeLineStart(out);
}

/** A heading, quote or list mark at the start of the text is escaped (`\- item`, `1\. item`). */
function escapeLineStart(text: string): string {
	return text.replace(MARKDOWN_LINE_START, (_m, space: string, mark: string) => space + mark.replace(/[#>+*\-.)]$/, (c) => '\\' + c));
}

/**
 * Text for an Adaptive Card TextBlock (Teams renders a markdown subset there): markdown is
 * escaped, `{{DATE(...)}}` functions are broken up, and `<at>` tags cannot forge a mention.
 */
export function escapeAdaptive(text: string): string {
	return escapeMarkdown(text).replace(/\{\{/g, '{' + ZWSP + '{').replace(/<at/gi, (m) => m[0] + ZWSP + m.slice(1));
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element or attribute. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

/** MessageCard text renders markdown and a subset of HTML: both are neutralised. */
export function escapeMessageCard(text: string): string {
	return escapeMarkdown(escapeHtml(text));
}

/** A Markdown table cell: markdown escaped, pipes (which end a cell) always, raw HTML neutralised. */
export function escapeMarkdownCell(text: string): string {
	return escapeMarkdown(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An http(s) URL safe to put in a link, or null for anything else (javascript:, data:, junk). */
export function safeUrl(value: unknown): string | null {
	if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return null;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
	return url.href;
}

/** A URL for a markdown link target: parentheses, spaces and angle brackets percent-encoded. */
export function markdownUrl(url: string): string {
	return url.replace(/[()<> ]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

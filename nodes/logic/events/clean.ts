/**
 * Cleaning and bounding text that arrives from outside. Text is stored as text (query
 * parameters, never pasted into SQL) and escaped by whoever renders it; the only characters
 * Postgres refuses in text and jsonb are NUL (U+0000), so they are removed here.
 */
import { InputError } from '../shared/errors';

const NUL = /\u0000/g;
/** C0 controls other than tab, newline and carriage return: never part of an identifier */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function withoutNul(text: string): string {
	return text.includes('\u0000') ? text.replace(NUL, '') : text;
}

/** A copy of a JSON value with NUL removed from every string and key (jsonb refuses \u0000). */
export function cleanJson(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return withoutNul(value);
	if (depth > 50 || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) return value.map((v) => cleanJson(v, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) out[withoutNul(k)] = cleanJson(v, depth + 1);
	return out;
}

export function hasControlCharacters(text: string): boolean {
	return CONTROL.test(text);
}

/** UTF-8 size of a value as JSON text. */
export function jsonBytes(value: unknown): number {
	return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** A required identifier: a non-empty string (numbers are taken as text), at most `max` characters, no control characters. */
export function requireText(value: unknown, field: string, max: number, hint: string): string {
	if (value === undefined || value === null || value === '') throw new InputError(field, value, 'is missing', hint);
	const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
	if (typeof text !== 'string') throw new InputError(field, value, 'must be a string', hint);
	const trimmed = text.trim();
	if (trimmed === '') throw new InputError(field, value, 'is empty', hint);
	if (trimmed.length > max) throw new InputError(field, `${trimmed.slice(0, 40)}… (${trimmed.length} characters)`, `is longer than ${max} characters`, hint);
	if (hasControlCharacters(trimmed)) throw new InputError(field, value, 'contains control characters', hint);
	return trimmed;
}

/** An optional free text (an exception message, a stack): a string of at most `max` characters, or empty. */
export function optionalLongText(value: unknown, field: string, max: number, hint: string): string {
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw new InputError(field, value, 'must be a string', hint);
	if (value.length > max) throw new InputError(field, `${value.slice(0, 40)}… (${value.length} characters)`, `is longer than ${max} characters`, hint);
	return withoutNul(value);
}

/** An optional short text (a state, a host name), or null. */
export function optionalText(value: unknown, field: string, max: number): string | null {
	if (value === undefined || value === null || value === '') return null;
	return requireText(value, field, max, `Send a string of at most ${max} characters, or leave ${field} out.`);
}

/** An optional http(s) link a person can click; anything else (javascript:, data:, relative) is refused. */
export function optionalHttpUrl(value: unknown, field: string, max = 2048): string | null {
	if (value === undefined || value === null || value === '') return null;
	const hint = `Send an absolute http(s) URL of at most ${max} characters (Airflow: task_instance.log_url), or leave ${field} out.`;
	const text = requireText(value, field, max, hint);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new InputError(field, value, 'is not an absolute URL', hint);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(field, value, `has the scheme "${url.protocol}"`, hint);
	return url.toString();
}

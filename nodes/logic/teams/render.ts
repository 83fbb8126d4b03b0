import type { Page, Report, Row, TeamsFormat } from './types';

/**
 * A message format: how one row becomes an element of the body, and how a page of elements
 * becomes the payload. The packer measures elements once and pages once.
 */
export interface Renderer<E> {
	format: TeamsFormat;
	/** at most this many rows in one message (MessageCard shows 10 sections at most) */
	maxRowsPerPage: number;
	row(row: Row, report: Report): E;
	/** the element as it appears inside the JSON body (JSON, or an escaped string fragment) */
	encode(element: E): string;
	/** what joins two encoded elements in the body */
	separator: string;
	/** a stand-in element whose encoded form marks where the rows go in the body */
	marker: E;
	payload(report: Report, page: Page, elements: E[]): unknown;
}

/** Marker text: a NUL never survives escaping of real cell text, so it cannot collide. */
export const ROWS_MARKER = '\u0000rows\u0000';

/** The exact body POSTed for a payload (JSON; a text payload travels as a JSON string). */
export function bodyOf(payload: unknown): string {
	return JSON.stringify(payload);
}

export function utf8Bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

/** A JSON element as it appears in the body. */
export function encodeJson(element: unknown): string {
	return JSON.stringify(element);
}

/** A text fragment as it appears inside a JSON string: escaped, without the quotes. */
export function encodeText(fragment: string): string {
	return JSON.stringify(fragment).slice(1, -1);
}

/**
 * The exact body of a payload whose rows were given as the marker: the rows' encoded forms are
 * put where the marker's is, so each row is serialised once (equal to JSON.stringify of the
 * payload with the real rows).
 */
export function spliceRows<E>(renderer: Renderer<E>, framed: unknown, encodedRows: readonly string[]): string {
	const body = bodyOf(framed);
	const mark = renderer.encode(renderer.marker);
	const at = body.indexOf(mark);
	if (at < 0 || body.indexOf(mark, at + 1) >= 0) throw new RangeError('internal: row marker not found once in the body');
	return body.slice(0, at) + encodedRows.join(renderer.separator) + body.slice(at + mark.length);
}

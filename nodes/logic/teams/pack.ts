import type { Light } from '../shared/items';
import { clampText } from './escape';
import { bodyOf, spliceRows, utf8Bytes } from './render';
import type { Renderer } from './render';
import { countLights } from './rows';
import type { Page, Report, Row } from './types';

/** Teams rejects a webhook body over 28 KB. */
export const HARD_LIMIT_BYTES = 28 * 1024;
export const DEFAULT_MAX_BYTES = 24 * 1024;

/** A page whose rows are known, before rendering. */
interface Plan {
	rows: Row[];
	elements: unknown[];
	/** the elements as they appear in the body, serialised once */
	encoded: string[];
}

export interface PackOptions {
	maxBytes: number;
	overflow: 'split' | 'truncate';
	/** 0 = no limit */
	maxParts: number;
}

export interface PackedPage {
	payload: unknown;
	body: string;
	bytes: number;
	page: Page;
}

const NO_LIGHTS: Record<Light, number> = { red: 0, yellow: 0, green: 0, grey: 0 };

/**
 * Bytes of a page with no rows, with room for the largest part label and "and N more" line it can
 * get: what every page costs before its rows.
 */
function frameBytes<E>(renderer: Renderer<E>, report: Report, digits: number): number {
	const big = 10 ** digits - 1;
	const everyLight: Record<Light, number> = { red: big, yellow: big, green: big, grey: big };
	const page = (part: number): Page => ({ rows: [], part, parts: big, omitted: everyLight, omittedTotal: Math.max(report.rows.length, 1) * 10 });
	// the first part may carry more (mentions), later parts a longer label: take the larger
	return Math.max(...[1, big].map((part) => utf8Bytes(bodyOf(renderer.payload(report, page(part), [])))));
}

/**
 * A row that alone is larger than a page's room gets its cells cut shorter until it fits; the row
 * stays (no row is ever dropped silently).
 */
function fitRow<E>(renderer: Renderer<E>, report: Report, row: Row, room: number): { row: Row; element: E; encoded: string; bytes: number } {
	const separatorBytes = utf8Bytes(renderer.separator);
	let element = renderer.row(row, report);
	let encoded = renderer.encode(element);
	let bytes = utf8Bytes(encoded) + separatorBytes;
	let limit = row.cells.reduce((max, c) => Math.max(max, c.length), 0);
	let current = row;
	while (bytes > room && limit > 1) {
		limit = Math.floor(limit / 2);
		current = { ...row, cells: row.cells.map((cell, i) => (report.columns[i].kind === 'link' ? cell : clampText(cell, limit))) };
		element = renderer.row(current, report);
		encoded = renderer.encode(element);
		bytes = utf8Bytes(encoded) + separatorBytes;
	}
	if (bytes > room) throw new RangeError(`a single row needs ${bytes} bytes, more than the ${room} bytes a message has room for; raise the size limit or pick fewer columns`);
	return { row: current, element, encoded, bytes };
}

/** Greedy packing: rows in order (worst first) into pages of at most `room` bytes. */
function planPages<E>(renderer: Renderer<E>, report: Report, room: number): Plan[] {
	const plans: Plan[] = [];
	let current: Plan = { rows: [], elements: [], encoded: [] };
	let used = 0;
	for (const original of report.rows) {
		const { row, element, encoded, bytes } = fitRow(renderer, report, original, room);
		if (current.rows.length > 0 && (used + bytes > room || current.rows.length >= renderer.maxRowsPerPage)) {
			plans.push(current);
			current = { rows: [], elements: [], encoded: [] };
			used = 0;
		}
		current.rows.push(row);
		current.elements.push(element);
		current.encoded.push(encoded);
		used += bytes;
	}
	plans.push(current);
	return plans;
}

/** Keeps the pages the options allow; the rows of the others are counted as omitted. */
function limitPages(plans: Plan[], options: PackOptions): { kept: Plan[]; omitted: Row[] } {
	const keep = options.overflow === 'truncate' ? 1 : options.maxParts > 0 ? options.maxParts : plans.length;
	const kept = plans.slice(0, keep);
	const omitted = plans.slice(keep).flatMap((p) => p.rows);
	return { kept, omitted };
}

function render<E>(renderer: Renderer<E>, report: Report, kept: Plan[], omitted: Row[]): PackedPage[] {
	const omittedCounts = omitted.length ? countLights(omitted) : { ...NO_LIGHTS };
	return kept.map((plan, i) => {
		const last = i === kept.length - 1;
		const page: Page = {
			rows: plan.rows,
			part: i + 1,
			parts: kept.length,
			omitted: last ? omittedCounts : { ...NO_LIGHTS },
			omittedTotal: last ? omitted.length : 0,
		};
		const payload = renderer.payload(report, page, plan.elements as E[]);
		const body = plan.rows.length ? spliceRows(renderer, renderer.payload(report, page, [renderer.marker]), plan.encoded) : bodyOf(payload);
		return { payload, body, bytes: utf8Bytes(body), page };
	});
}

/**
 * Splits a report into messages whose whole POST body stays within `maxBytes` (UTF-8). In split
 * mode every row lands in a numbered part (up to `maxParts`); in truncate mode the first message
 * ends with "and N more" and the report link. Rows left out are always counted in the message.
 */
export function packReport<E>(renderer: Renderer<E>, report: Report, options: PackOptions): PackedPage[] {
	let digits = 1;
	let slack = 0;
	for (let attempt = 0; attempt < 8; attempt++) {
		const frame = frameBytes(renderer, report, digits);
		const room = options.maxBytes - frame - slack;
		if (room <= 0) throw new RangeError(`the title, counts and header alone need ${frame} bytes, more than the ${options.maxBytes}-byte limit; shorten the title or pick fewer columns`);
		const plans = planPages(renderer, report, room);
		const { kept, omitted } = limitPages(plans, options);
		if (String(kept.length).length > digits) {
			digits = String(kept.length).length;
			continue;
		}
		const pages = render(renderer, report, kept, omitted);
		const over = pages.find((p) => p.bytes > options.maxBytes);
		if (!over) return pages;
		// the frame estimate missed something: leave that much more room and pack again
		slack += over.bytes - options.maxBytes;
	}
	throw new RangeError('the report could not be packed within the limit; raise the size limit or pick fewer columns');
}

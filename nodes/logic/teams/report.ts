import { InputError } from '../shared/errors';
import { DEFAULT_ZONE } from '../shared/time';
import { adaptiveCardRenderer } from './adaptiveCard';
import { htmlRenderer, markdownRenderer } from './htmlTable';
import { messageCardRenderer } from './messageCard';
import { DEFAULT_MAX_BYTES, HARD_LIMIT_BYTES, packReport } from './pack';
import type { Renderer } from './render';
import { buildReport } from './rows';
import type { Json } from './shape';
import { pageWarnings } from './pageWarnings';
import type { ReportOptions, TeamsFormat, TeamsMessage } from './types';

export const DEFAULT_OPTIONS: ReportOptions = {
	format: 'adaptiveCard',
	language: 'en',
	timezone: DEFAULT_ZONE,
	overflow: 'split',
	maxBytes: DEFAULT_MAX_BYTES,
	maxParts: 10,
	maxCellChars: 300,
	mentions: [],
	fullWidth: true,
	whenEmpty: 'error',
};

/** The smallest budget that still holds a title, the counts and a few rows. */
export const MIN_MAX_BYTES = 4 * 1024;

const RENDERERS: Record<TeamsFormat, Renderer<unknown>> = {
	adaptiveCard: adaptiveCardRenderer as Renderer<unknown>,
	messageCard: messageCardRenderer as Renderer<unknown>,
	html: htmlRenderer as Renderer<unknown>,
	markdown: markdownRenderer as Renderer<unknown>,
};

/** Checks the options a user sets; throws InputError naming the field. */
export function checkOptions(options: ReportOptions): ReportOptions {
	if (!(options.format in RENDERERS)) throw new InputError('format', options.format, 'is not a format', 'Use adaptiveCard, messageCard, html or markdown.');
	if (!Number.isInteger(options.maxBytes) || options.maxBytes < MIN_MAX_BYTES || options.maxBytes > HARD_LIMIT_BYTES) {
		throw new InputError(
			'maxBytes',
			options.maxBytes,
			`must be a whole number from ${MIN_MAX_BYTES} to ${HARD_LIMIT_BYTES}`,
			`Teams rejects bodies over 28 KB (${HARD_LIMIT_BYTES} bytes); the default ${DEFAULT_MAX_BYTES} leaves a safety margin.`,
		);
	}
	if (!Number.isInteger(options.maxParts) || options.maxParts < 0) throw new InputError('maxParts', options.maxParts, 'must be 0 (no limit) or a positive whole number', 'Use e.g. 10.');
	if (!Number.isInteger(options.maxCellChars) || options.maxCellChars < 10) throw new InputError('maxCellChars', options.maxCellChars, 'must be a whole number of at least 10', 'Use e.g. 300.');
	if (options.overflow !== 'split' && options.overflow !== 'truncate') throw new InputError('overflow', options.overflow, 'is not split or truncate', 'Choose "split" or "truncate".');
	if (!['error', 'report', 'skip'].includes(options.whenEmpty)) throw new InputError('whenEmpty', options.whenEmpty, 'is not error, report or skip', 'Choose one of them.');
	return options;
}

/**
 * Turns items (lights, row counts, runs, summaries or anything) into Teams messages within the
 * byte budget: one message, numbered parts, or one message with "and N more".
 */
export function buildMessages(items: readonly object[], partial: Partial<ReportOptions> = {}): TeamsMessage[] {
	const options = checkOptions({ ...DEFAULT_OPTIONS, ...partial });
	const report = buildReport(items as readonly Json[], options);
	if (report.rows.length === 0 && options.whenEmpty === 'skip') return [];
	let pages;
	try {
		pages = packReport(RENDERERS[options.format], report, options);
	} catch (error) {
		if (error instanceof RangeError) throw new InputError('maxBytes', options.maxBytes, 'is too small for this report', error.message);
		throw error;
	}
	return pages.map(({ payload, body, bytes, page }) => ({
		payload,
		body,
		format: options.format,
		bytes,
		part: page.part,
		parts: page.parts,
		rows: page.rows.length,
		itemIndexes: page.rows.map((r) => r.index),
		omitted: page.omittedTotal,
		warnings: pageWarnings(page.rows),
	}));
}

import { escapeAdaptive, markdownUrl } from './escape';
import { labelsFor } from './labels';
import type { Labels } from './labels';
import { ROWS_MARKER, encodeJson } from './render';
import type { Renderer } from './render';
import { LIGHT_COLOR, LIGHT_SYMBOL, columnWeight, countsLine, shortCounts, titleWithPart } from './style';
import type { Column, Page, Report, Row } from './types';
import { MISSING } from './cells';
import { pageWarnings } from './pageWarnings';

/**
 * Adaptive Card 1.4 with the table drawn as one ColumnSet per row (same column weights in every
 * row, so the columns line up). Teams Workflows webhooks reject cards that declare a version
 * above 1.4, and `Table` is a 1.5 element: a Table with a fallback would carry the rows twice
 * against the 28 KB limit. ColumnSet renders the same on desktop, web and mobile.
 */
export const CARD_VERSION = '1.4';

type Element = Record<string, unknown>;

const ZWSP = '\u200B';

function textBlock(text: string, extra: Element = {}): Element {
	return { type: 'TextBlock', text, wrap: true, ...extra };
}

function cellBlock(text: string, column: Column, row: Row, labels: Labels): Element {
	if (column.kind === 'status') {
		const light = row.light;
		return textBlock(`${LIGHT_SYMBOL[light]} ${labels.light[light]}`, { color: LIGHT_COLOR[light], ...(light === 'red' ? { weight: 'Bolder' } : {}) });
	}
	if (column.kind === 'link') return textBlock(text ? `[${labels.open}](${markdownUrl(text)})` : MISSING);
	// bars of equal width on one line; the sparkline holds no markup to escape
	if (column.kind === 'trend') return { type: 'TextBlock', text: text || MISSING, fontType: 'Monospace', wrap: false };
	return textBlock(escapeAdaptive(text));
}

function columnOf(column: Column, item: Element): Element {
	return { type: 'Column', width: columnWeight(column), items: [item] };
}

/** The column that names the row (pipeline, table, name) and the one that says why (reason). */
function compactRoles(report: Report): { name: number; reason: number } {
	const name = report.columns.findIndex((c) => c.kind !== 'status' && c.kind !== 'link');
	const byKey = report.columns.findIndex((c) => ['reason', 'detail', 'summary'].includes(c.key));
	const reason = byKey >= 0 ? byKey : report.columns.findIndex((c, i) => i !== name && c.kind === 'text');
	return { name, reason };
}

/**
 * Lets a long identifier (`warehouse.orders_daily_load`) wrap after its separators instead of
 * inside a word: a zero-width space after `.`, `_` and `/` where a letter follows (numbers such as
 * `1.5` or `818,739` are left whole). Applied after escaping, so it changes no markdown.
 */
function breakableName(escaped: string): string {
	return escaped.replace(/([._/])(?=\p{L})/gu, `$1${ZWSP}`);
}

/**
 * One row for a narrow screen: the light's symbol, then the name (bold) and the reason on one
 * line each, then the remaining fields as `label value` pairs in one subtle line that wraps
 * between pairs, never inside a word or a number. Links stay on the row (selectAction).
 */
function compactRow(row: Row, report: Report, labels: Labels): Element {
	const { name, reason } = compactRoles(report);
	const text = (i: number) => (i >= 0 ? row.cells[i] : '');
	const rest = report.columns
		.map((column, i) => ({ column, i }))
		.filter(({ column, i }) => i !== name && i !== reason && column.kind !== 'status' && column.kind !== 'link' && column.kind !== 'trend' && text(i) && text(i) !== MISSING)
		.map(({ column, i }) => `${escapeAdaptive(column.label)} ${escapeAdaptive(text(i))}`);
	const lines: Element[] = [textBlock(breakableName(escapeAdaptive(text(name) || MISSING)), { weight: 'Bolder' })];
	if (text(reason)) lines.push(textBlock(escapeAdaptive(text(reason)), { spacing: 'None', maxLines: 2 }));
	if (rest.length) lines.push(textBlock(rest.join(' · '), { isSubtle: true, size: 'Small', spacing: 'None' }));
	const element: Element = {
		type: 'ColumnSet',
		separator: true,
		spacing: 'Small',
		columns: [
			{ type: 'Column', width: 'auto', items: [textBlock(LIGHT_SYMBOL[row.light], { color: LIGHT_COLOR[row.light], wrap: false })] },
			{ type: 'Column', width: 'stretch', items: lines },
		],
	};
	if (row.url) element.selectAction = { type: 'Action.OpenUrl', url: row.url, title: labels.open };
	return element;
}

/** Buttons per ActionSet in the compact layout: a horizontal set does not wrap, so on a 360 px phone the third and later buttons of one set were cut off. */
export const COMPACT_BUTTONS_PER_SET = 2;

/**
 * A row with buttons: the row and ActionSets of Action.OpenUrl under it, in one Container (one
 * element per row, so the packer measures it whole). ActionSet is Adaptive Card 1.2. The table
 * layout puts all buttons in one set; the compact layout two per set, one set under the other.
 */
function withLinks(element: Element, row: Row, perSet: number): Element {
	if (row.links.length === 0) return element;
	const { separator: _separator, spacing: _spacing, ...inner } = element;
	const sets: Element[] = [];
	for (let i = 0; i < row.links.length; i += perSet) {
		sets.push({ type: 'ActionSet', spacing: i === 0 ? 'Small' : 'None', actions: row.links.slice(i, i + perSet).map((l) => ({ type: 'Action.OpenUrl', title: l.title, url: l.url })) });
	}
	return { type: 'Container', separator: true, spacing: 'Small', items: [inner, ...sets] };
}

function tableRow(row: Row, report: Report): Element {
	return withLinks(plainRow(row, report), row, report.layout === 'compact' ? COMPACT_BUTTONS_PER_SET : row.links.length);
}

function plainRow(row: Row, report: Report): Element {
	const labels = labelsFor(report.language);
	if (report.layout === 'compact') return compactRow(row, report, labels);
	const element: Element = {
		type: 'ColumnSet',
		separator: true,
		spacing: 'Small',
		columns: report.columns.map((column, i) => columnOf(column, cellBlock(row.cells[i], column, row, labels))),
	};
	if (row.url) element.selectAction = { type: 'Action.OpenUrl', url: row.url, title: labels.open };
	return element;
}

function headerRow(report: Report): Element {
	return {
		type: 'ColumnSet',
		style: 'emphasis',
		spacing: 'Medium',
		columns: report.columns.map((column) => columnOf(column, textBlock(escapeAdaptive(column.label), { weight: 'Bolder' }))),
	};
}

function mentionText(report: Report, labels: Labels): string {
	return `${report.mentions.map((m) => `<at>${escapeAdaptive(m.name)}</at>`).join(' ')} ${labels.attention} (${LIGHT_SYMBOL.red} ${report.counts.red})`;
}

function shouldMention(report: Report): boolean {
	return report.mentions.length > 0 && report.counts.red > 0;
}

function msteamsOf(report: Report, page: Page): Element | undefined {
	const msteams: Element = {};
	if (report.fullWidth) msteams.width = 'Full';
	if (shouldMention(report) && page.part === 1) {
		msteams.entities = report.mentions.map((m) => ({ type: 'mention', text: `<at>${escapeAdaptive(m.name)}</at>`, mentioned: { id: m.id, name: m.name } }));
	}
	return Object.keys(msteams).length ? msteams : undefined;
}

/** The card for one page (without the Workflows envelope). */
export function adaptiveCardOf(report: Report, page: Page, rows: Element[]): Element {
	const labels = labelsFor(report.language);
	const title = titleWithPart(report, page.part, page.parts, labels);
	const body: Element[] = [textBlock(escapeAdaptive(title), { size: 'Large', weight: 'Bolder' })];
	if (report.subtitle) body.push(textBlock(escapeAdaptive(report.subtitle), { isSubtle: true, spacing: 'None' }));
	body.push(textBlock(`${labels.generated} ${report.generatedAt}`, { isSubtle: true, size: 'Small', spacing: 'None' }));
	body.push(textBlock(countsLine(report.counts, labels), { spacing: 'Medium' }));
	if (shouldMention(report) && page.part === 1) body.push(textBlock(mentionText(report, labels)));
	if (report.rows.length === 0) body.push(textBlock(labels.emptyReport, { isSubtle: true }));
	else if (report.layout === 'compact') body.push(...rows);
	else body.push(headerRow(report), ...rows);
	if (page.omittedTotal > 0) {
		body.push(textBlock(`${labels.andMore(page.omittedTotal)} (${shortCounts(page.omitted)})`, { isSubtle: true, spacing: 'Medium' }));
	}
	const warnings = [...report.footerNotes, ...pageWarnings(page.rows)];
	if (warnings.length) body.push(textBlock(warnings.map((w) => `⚠ ${labels.warning}: ${escapeAdaptive(w)}`).join('\n\n'), { isSubtle: true, size: 'Small', spacing: 'Medium', color: 'Warning' }));
	const card: Element = {
		type: 'AdaptiveCard',
		$schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
		version: CARD_VERSION,
		fallbackText: `${title}: ${countsLine(report.counts, labels)}`,
		body,
	};
	if (report.reportUrl) card.actions = [{ type: 'Action.OpenUrl', title: labels.openReport, url: report.reportUrl }];
	const msteams = msteamsOf(report, page);
	if (msteams) card.msteams = msteams;
	return card;
}

/** The message envelope Teams Workflows ("Post card in a chat or channel") webhooks accept. */
export function workflowsEnvelope(card: Element): Element {
	return {
		type: 'message',
		attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
	};
}

export const adaptiveCardRenderer: Renderer<Element> = {
	format: 'adaptiveCard',
	maxRowsPerPage: Number.POSITIVE_INFINITY,
	row: tableRow,
	encode: encodeJson,
	separator: ',',
	marker: { marker: ROWS_MARKER },
	payload: (report, page, rows) => workflowsEnvelope(adaptiveCardOf(report, page, rows)),
};

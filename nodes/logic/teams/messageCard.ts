import { MISSING } from './cells';
import { escapeMessageCard, markdownUrl } from './escape';
import { pageWarnings } from './pageWarnings';
import { labelsFor } from './labels';
import { ROWS_MARKER, encodeJson } from './render';
import type { Renderer } from './render';
import { LIGHT_HEX, LIGHT_SYMBOL, countsLine, nameColumnIndex, shortCounts, titleWithPart, worstLight } from './style';
import type { Page, Report, Row } from './types';

/**
 * Legacy Office 365 connector MessageCard: a summary section, then one section per row (name as
 * the section title, the other columns as facts, an OpenUri action for its link). Teams shows at
 * most 10 sections per connector card, so a page holds at most 9 rows.
 */
type Section = Record<string, unknown>;

/** The legacy connector card shows at most 4 actions in a potentialAction list. */
const MAX_ACTIONS = 4;

function openUri(name: string, uri: string): Section {
	return { '@type': 'OpenUri', name, targets: [{ os: 'default', uri }] };
}

function rowSection(row: Row, report: Report): Section {
	const labels = labelsFor(report.language);
	const nameIndex = nameColumnIndex(report.columns);
	const name = nameIndex >= 0 ? escapeMessageCard(row.cells[nameIndex]) : '';
	const facts = report.columns
		.map((column, i) => ({ column, text: row.cells[i], i }))
		.filter(({ column, i }) => i !== nameIndex && column.kind !== 'status' && column.kind !== 'link')
		.map(({ column, text }) => ({ name: escapeMessageCard(column.label), value: escapeMessageCard(text || MISSING) }));
	const section: Section = {
		activityTitle: `${LIGHT_SYMBOL[row.light]} **${name || labels.light[row.light]}**`,
		activitySubtitle: labels.light[row.light],
		facts,
	};
	// MessageCard shows at most 4 actions (legacy connector card reference): the row link and
	// the first buttons; every button is also a link in the section text, which any client opens
	const actions = [...(row.url ? [openUri(labels.open, row.url)] : []), ...row.links.map((l) => openUri(escapeMessageCard(l.title), l.url))];
	if (actions.length) section.potentialAction = actions.slice(0, MAX_ACTIONS);
	if (row.links.length) section.text = row.links.map((l) => `[${escapeMessageCard(l.title)}](${markdownUrl(l.url)})`).join(' · ');
	return section;
}

export function messageCardOf(report: Report, page: Page, rows: Section[]): Section {
	const labels = labelsFor(report.language);
	const title = titleWithPart(report, page.part, page.parts, labels);
	const summaryLines = [countsLine(report.counts, labels), `${labels.generated} ${report.generatedAt}`];
	if (report.rows.length === 0) summaryLines.push(labels.emptyReport);
	if (page.omittedTotal > 0) summaryLines.push(`${labels.andMore(page.omittedTotal)} (${shortCounts(page.omitted)})`);
	for (const warning of [...report.footerNotes, ...pageWarnings(page.rows)]) summaryLines.push(`⚠ ${labels.warning}: ${escapeMessageCard(warning)}`);
	const card: Section = {
		'@type': 'MessageCard',
		'@context': 'https://schema.org/extensions',
		themeColor: LIGHT_HEX[worstLight(report.counts)],
		summary: title,
		title: escapeMessageCard(title),
		sections: [{ activityTitle: escapeMessageCard(report.subtitle || title), text: summaryLines.join('<br>') }, ...rows],
	};
	if (report.reportUrl) card.potentialAction = [openUri(labels.openReport, report.reportUrl)];
	return card;
}

export const messageCardRenderer: Renderer<Section> = {
	format: 'messageCard',
	maxRowsPerPage: 9,
	row: rowSection,
	encode: encodeJson,
	separator: ',',
	marker: { marker: ROWS_MARKER },
	payload: messageCardOf,
};

import { escapeHtml, escapeMarkdownCell, markdownUrl } from './escape';
import { labelsFor } from './labels';
import { ROWS_MARKER, encodeText } from './render';
import type { Renderer } from './render';
import { LIGHT_HEX, LIGHT_SYMBOL, countsLine, shortCounts, titleWithPart } from './style';
import type { Column, Page, Report, Row } from './types';
import type { Labels } from './labels';

/** HTML (for n8n's Microsoft Teams node through Graph, and e-mail) and Markdown (Slack, chat). */

function htmlCell(text: string, column: Column, row: Row, labels: Labels): string {
	if (column.kind === 'status') {
		return `<td style="color:#${LIGHT_HEX[row.light]};white-space:nowrap">${LIGHT_SYMBOL[row.light]} ${escapeHtml(labels.light[row.light])}</td>`;
	}
	if (column.kind === 'link') return text ? `<td><a href="${escapeHtml(text)}">${escapeHtml(labels.open)}</a></td>` : '<td></td>';
	return `<td>${escapeHtml(text)}</td>`;
}

function htmlRow(row: Row, report: Report): string {
	const labels = labelsFor(report.language);
	return `<tr>${report.columns.map((column, i) => htmlCell(row.cells[i], column, row, labels)).join('')}</tr>`;
}

function htmlPage(report: Report, page: Page, rows: string[]): string {
	const labels = labelsFor(report.language);
	const parts = [`<h3>${escapeHtml(titleWithPart(report, page.part, page.parts, labels))}</h3>`];
	if (report.subtitle) parts.push(`<p>${escapeHtml(report.subtitle)}</p>`);
	parts.push(`<p><small>${escapeHtml(labels.generated)} ${escapeHtml(report.generatedAt)}</small><br>${escapeHtml(countsLine(report.counts, labels))}</p>`);
	if (report.rows.length === 0) parts.push(`<p>${escapeHtml(labels.emptyReport)}</p>`);
	else {
		const head = report.columns.map((c) => `<th align="left">${escapeHtml(c.label)}</th>`).join('');
		parts.push(`<table border="1" cellpadding="4" cellspacing="0"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
	}
	if (page.omittedTotal > 0) parts.push(`<p>${escapeHtml(labels.andMore(page.omittedTotal))} (${shortCounts(page.omitted)})</p>`);
	for (const note of report.footerNotes) parts.push(`<p><small>⚠ ${escapeHtml(note)}</small></p>`);
	if (report.reportUrl) parts.push(`<p><a href="${escapeHtml(report.reportUrl)}">${escapeHtml(labels.openReport)}</a></p>`);
	return parts.join('\n');
}

function markdownCell(text: string, column: Column, row: Row, labels: Labels): string {
	if (column.kind === 'status') return `${LIGHT_SYMBOL[row.light]} ${labels.light[row.light]}`;
	if (column.kind === 'link') return text ? `[${labels.open}](${markdownUrl(text)})` : '';
	return escapeMarkdownCell(text);
}

function markdownRow(row: Row, report: Report): string {
	const labels = labelsFor(report.language);
	return `\n| ${report.columns.map((column, i) => markdownCell(row.cells[i], column, row, labels)).join(' | ')} |`;
}

function markdownPage(report: Report, page: Page, rows: string[]): string {
	const labels = labelsFor(report.language);
	const lines = [`### ${escapeMarkdownCell(titleWithPart(report, page.part, page.parts, labels))}`];
	if (report.subtitle) lines.push('', escapeMarkdownCell(report.subtitle));
	lines.push('', `_${labels.generated} ${report.generatedAt}_`, '', countsLine(report.counts, labels), '');
	if (report.rows.length === 0) lines.push(labels.emptyReport);
	else {
		const head = `| ${report.columns.map((c) => escapeMarkdownCell(c.label)).join(' | ')} |\n|${report.columns.map(() => ' --- |').join('')}`;
		lines.push(head + rows.join(''));
	}
	if (page.omittedTotal > 0) lines.push('', `${labels.andMore(page.omittedTotal)} (${shortCounts(page.omitted)})`);
	for (const note of report.footerNotes) lines.push('', `⚠ ${escapeMarkdownCell(note)}`);
	if (report.reportUrl) lines.push('', `[${labels.openReport}](${markdownUrl(report.reportUrl)})`);
	return lines.join('\n');
}

export const htmlRenderer: Renderer<string> = {
	format: 'html',
	maxRowsPerPage: Number.POSITIVE_INFINITY,
	row: htmlRow,
	encode: encodeText,
	separator: '',
	marker: ROWS_MARKER,
	payload: htmlPage,
};

export const markdownRenderer: Renderer<string> = {
	format: 'markdown',
	maxRowsPerPage: Number.POSITIVE_INFINITY,
	row: markdownRow,
	encode: encodeText,
	separator: '',
	marker: ROWS_MARKER,
	payload: markdownPage,
};

import type { Light } from '../shared/items';
import type { Labels } from './labels';
import type { Column, Report } from './types';

/** The traffic-light symbol of each light. */
export const LIGHT_SYMBOL: Record<Light, string> = { red: '🔴', yellow: '🟡', green: '🟢', grey: '⚪' };

/** Adaptive Card text colours (Teams theme names). */
export const LIGHT_COLOR: Record<Light, 'attention' | 'warning' | 'good' | 'default'> = {
	red: 'attention',
	yellow: 'warning',
	green: 'good',
	grey: 'default',
};

/** Hex colours (Teams palette) for MessageCard themeColor and HTML. */
export const LIGHT_HEX: Record<Light, string> = { red: 'C4314B', yellow: 'C19C00', green: '237B4B', grey: '8A8886' };

const REPORT_LIGHTS: readonly Light[] = ['red', 'yellow', 'green', 'grey'];

/** `🔴 Red 2 · 🟡 Yellow 1 · 🟢 Green 10 · ⚪ Grey 0` */
export function countsLine(counts: Record<Light, number>, labels: Labels): string {
	return REPORT_LIGHTS.map((light) => `${LIGHT_SYMBOL[light]} ${labels.light[light]} ${counts[light]}`).join(' · ');
}

/** Only the lights that occur, for the "and N more" line: `🟡 2 · 🟢 40`. */
export function shortCounts(counts: Record<Light, number>): string {
	return REPORT_LIGHTS.filter((light) => counts[light] > 0)
		.map((light) => `${LIGHT_SYMBOL[light]} ${counts[light]}`)
		.join(' · ');
}

/** The worst light present, or green when all rows are green (grey if there are none). */
export function worstLight(counts: Record<Light, number>): Light {
	for (const light of ['red', 'yellow', 'grey', 'green'] as const) if (counts[light] > 0) return light;
	return 'grey';
}

/** Title with the part number when a report is split: `Pipeline report (part 1/3)`. */
export function titleWithPart(report: Report, part: number, parts: number, labels: Labels): string {
	return parts > 1 ? `${report.title} (${labels.part(part, parts)})` : report.title;
}

const WIDE_KEYS = new Set(['reason', 'summary', 'action', 'detail', 'rootCause']);

/** Relative column weight, the same in every row so the columns line up. */
export function columnWeight(column: Column): number {
	if (WIDE_KEYS.has(column.key)) return 40;
	switch (column.kind) {
		case 'status':
			return 14;
		case 'link':
			return 10;
		case 'number':
		case 'delta':
		case 'duration':
			return 13;
		case 'date':
			return 18;
		case 'trend':
			return 16;
		case 'range':
			return 20;
		default:
			return 24;
	}
}

/** The first column a row is named by (not status, not link), for card titles of legacy sections. */
export function nameColumnIndex(columns: readonly Column[]): number {
	const index = columns.findIndex((c) => c.kind !== 'status' && c.kind !== 'link');
	return index;
}

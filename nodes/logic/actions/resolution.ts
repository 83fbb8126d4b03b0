/**
 * "What fixed it last time": when a failure's fingerprint was seen before and someone
 * acknowledged that earlier failure, its card and status-page entry show the day, who handled it
 * and their resolution note.
 */
import { DateTime } from 'luxon';
import type { Language } from '../teams/types';

export interface PreviousFix {
	/** when the earlier failure happened (ISO or Date) */
	at: unknown;
	by: unknown;
	note: unknown;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}

function day(value: unknown, zone: string): string | null {
	const dt = value instanceof Date ? DateTime.fromJSDate(value) : typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : null;
	if (!dt?.isValid) return null;
	return dt.setZone(zone).toFormat('yyyy-MM-dd');
}

/**
 * `2026-11-12, resolved by Kim: re-ran after the upstream export finished` (or without a note:
 * `2026-11-12, acknowledged by Kim`); empty when nothing is known.
 */
export function previousFixLine(previous: PreviousFix | null | undefined, language: Language, zone: string): string {
	if (!previous) return '';
	const when = day(previous.at, zone);
	const by = text(previous.by);
	const note = text(previous.note);
	if (!when || (!by && !note)) return '';
	if (language === 'ko') {
		const who = by ? `${by} 처리` : '처리';
		return note ? `${when}, ${who}: ${note}` : `${when}, ${who}`;
	}
	if (note) return `${when}, resolved by ${by || 'someone'}: ${note}`;
	return `${when}, acknowledged by ${by}`;
}

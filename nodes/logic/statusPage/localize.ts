/**
 * Says stored texts in the page's language: a traffic-light reason is told again from its code
 * (its values read back out of the stored text, in whichever language it was stored), a row-count
 * verdict by its code and delta, a run state by the catalogue. A stored text in the other language
 * with no code the catalogue knows is replaced by the word for its light, never shown mixed.
 */
import type { Light } from '../shared/items';
import { isReasonCode, REASON_CODES, reasonText, reasonValues } from '../trafficLight/messages';
import type { PageLabels } from './i18n';
import type { Language } from './types';

export interface StoredReason {
	code: string | null;
	text: string;
	light?: Light | null;
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;
const LATIN_WORD = /[A-Za-z]{3,}/;

/** Whether a stored text reads in the page's language (Korean has Hangul; English has no Hangul). */
export function readsIn(text: string, lang: Language): boolean {
	return lang === 'ko' ? HANGUL.test(text) : !HANGUL.test(text) && LATIN_WORD.test(text);
}

/** "GMT+9" (how older evaluations named Seoul's offset) → "(UTC+09:00)", the page's one way to name an offset. */
export function normaliseOffsets(text: string): string {
	return text.replace(/\bGMT(?:([+-])(\d{1,2})(?::?(\d{2}))?)?(?![\w:])/g, (_, sign?: string, h?: string, m?: string) =>
		sign ? `(UTC${sign}${h!.padStart(2, '0')}:${m ?? '00'})` : '(UTC+00:00)',
	);
}

export function stateText(state: string, t: PageLabels): string {
	return t.state[state.toLowerCase()] ?? state;
}

/** A reason's values said in the page's language: states and run types in words, offsets as (UTC+hh:mm). */
function sayValues(values: Record<string, string>, t: PageLabels): Record<string, string> {
	const said: Record<string, string> = {};
	for (const [key, value] of Object.entries(values)) {
		if (key === 'state') said[key] = stateText(value, t);
		else if (key === 'type') said[key] = t.runType[value] ?? value;
		else said[key] = normaliseOffsets(value);
	}
	return said;
}

/**
 * A traffic-light reason in the page's language: told again from its code when its text matches
 * that code's template (or, for a mislabelled row, another code's); else the stored text when it
 * reads in this language; else the word for its light.
 */
export function reasonForPage(r: StoredReason, lang: Language, t: PageLabels): string {
	const codes = r.code && isReasonCode(r.code) ? [r.code, ...REASON_CODES.filter((c) => c !== r.code)] : REASON_CODES;
	for (const code of codes) {
		const values = reasonValues(code, r.text);
		if (values) return reasonText(code, lang, sayValues(values, t));
	}
	if (readsIn(r.text, lang)) return normaliseOffsets(r.text);
	return r.light ? t.verdictByLight[r.light] : '–';
}

/** A row-count verdict in the page's language: the catalogue's words for its code, or the stored text when it reads in this language. */
export function verdictForPage(r: StoredReason | null, light: Light | null, lang: Language, t: PageLabels): { verdict: string; detail: string | null } {
	if (!r) return { verdict: light ? t.verdictByLight[light] : '–', detail: null };
	const known = r.code ? t.verdict[r.code] : undefined;
	const detail = readsIn(r.text, lang) ? r.text : null;
	if (known) return { verdict: known, detail: detail && detail !== known ? detail : null };
	if (detail) return { verdict: detail, detail: null };
	return { verdict: light ? t.verdictByLight[light] : '–', detail: null };
}

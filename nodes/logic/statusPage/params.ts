/**
 * Reads the status page's query string against the operator's settings. Enumerations that are
 * merely unknown (lang, tab, cadence) fall back to their default with a notice on the page;
 * values a reader typed and that the queries depend on (dates, page, time zone) are refused with
 * a 400 that says what was expected. Nothing here is ever pasted into SQL: the workflow passes
 * these checked values as query parameters.
 */
import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import { checkZone, DEFAULT_ZONE } from '../shared/time';
import { labelsFor } from './i18n';
import type { Expectation } from './i18n';
import { MAX_PAGE, offsetOf } from './paging';
import { CADENCE_FILTERS, EVENT_KINDS, LANGUAGES, QUERY_KEYS } from './types';
import type { BadRequest, CadenceFilter, EventKind, Language, Notice, PageRequest, PageSettings, QueryKey } from './types';

export const DEFAULT_SETTINGS: PageSettings = {
	language: 'ko',
	timezone: DEFAULT_ZONE,
	pageSize: 25,
	historyDays: 14,
	maxRangeDays: 92,
	trendDays: 30,
};

const MAX_VALUE_LENGTH = 100;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export type ParseResult = { ok: true; request: PageRequest } | { ok: false; bad: BadRequest };

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
	return (list as readonly string[]).includes(value);
}

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Checks the operator's settings (the workflow's Settings node); throws an InputError naming the field. */
export function checkSettings(input: Partial<Record<keyof PageSettings, unknown>>): PageSettings {
	const s = { ...DEFAULT_SETTINGS };
	const language = input.language ?? s.language;
	if (typeof language !== 'string' || !isOneOf(LANGUAGES, language)) {
		throw new InputError('Default Language', language, 'is not a supported language', 'Use "ko" or "en".');
	}
	s.language = language;
	s.timezone = checkZone(String(input.timezone ?? s.timezone), 'Default Time Zone');
	const numbers: Array<[keyof PageSettings, string, number, number]> = [
		['pageSize', 'Page Size', 1, 500],
		['historyDays', 'History Days', 1, 366],
		['maxRangeDays', 'Maximum Range (Days)', 1, 3660],
		['trendDays', 'Trend Days', 2, 366],
	];
	for (const [key, field, min, max] of numbers) {
		const raw = input[key];
		if (raw === undefined || raw === null || raw === '') continue;
		const value = typeof raw === 'string' ? Number(raw) : raw;
		if (!isWholeNumberIn(value, min, max)) {
			throw new InputError(field, raw, `is not a whole number from ${min} to ${max}`, `Set ${field} to a whole number between ${min} and ${max}.`);
		}
		(s as unknown as Record<string, number>)[key] = value;
	}
	if (typeof input.title === 'string' && input.title.trim() !== '') s.title = input.title.trim();
	return s;
}

/** The query value as one string; undefined when absent; an array (the key given twice) is refused by the caller. */
function readValue(query: Record<string, unknown>, key: QueryKey): string | string[] | undefined {
	const raw = query[key];
	if (raw === undefined || raw === null) return undefined;
	if (Array.isArray(raw)) return raw.map((v) => String(v));
	if (typeof raw === 'object') return [JSON.stringify(raw)];
	const text = String(raw).trim();
	return text === '' ? undefined : text;
}

function parseLocalDate(value: string, zone: string): DateTime | null {
	if (!DATE_PATTERN.test(value)) return null;
	const dt = DateTime.fromISO(value, { zone });
	return dt.isValid ? dt.startOf('day') : null;
}

/** What each parameter takes, said by the catalogue in the page's language. */
function valueRule(key: QueryKey, extra: { once?: boolean; maxLength?: number } = {}): Expectation {
	return { rule: 'value', key, ...(key === 'page' ? { max: MAX_PAGE } : {}), ...extra };
}

/** Reads and checks the request. `now` is the moment the page is made (an ISO instant or a DateTime). */
export function parseRequest(query: Record<string, unknown> | null | undefined, settings: PageSettings, now: DateTime | string): ParseResult {
	const q = query ?? {};
	const problems: Array<{ parameter: string; value: string; expected: Expectation }> = [];
	const notices: Notice[] = [];
	const given: PageRequest['given'] = {};
	const values: Partial<Record<QueryKey, string>> = {};
	for (const key of QUERY_KEYS) {
		const value = readValue(q, key);
		if (value === undefined) continue;
		if (Array.isArray(value)) {
			problems.push({ parameter: key, value: value.join(', ').slice(0, MAX_VALUE_LENGTH), expected: valueRule(key, { once: true }) });
		} else if (value.length > MAX_VALUE_LENGTH) {
			problems.push({ parameter: key, value: value.slice(0, 40) + '…', expected: valueRule(key, { maxLength: MAX_VALUE_LENGTH }) });
		} else {
			values[key] = value;
		}
	}

	let lang: Language = settings.language;
	if (values.lang !== undefined) {
		if (isOneOf(LANGUAGES, values.lang)) lang = given.lang = values.lang;
		else notices.push({ code: 'bad_lang', value: values.lang });
	}
	let tab: EventKind = 'failure';
	if (values.tab !== undefined) {
		if (isOneOf(EVENT_KINDS, values.tab)) tab = given.tab = values.tab;
		else notices.push({ code: 'bad_tab', value: values.tab });
	}
	let cadence: CadenceFilter = 'all';
	if (values.cadence !== undefined) {
		if (isOneOf(CADENCE_FILTERS, values.cadence)) cadence = given.cadence = values.cadence;
		else notices.push({ code: 'bad_cadence', value: values.cadence });
	}

	let timezone = settings.timezone;
	if (values.tz !== undefined) {
		try {
			timezone = given.tz = checkZone(values.tz, 'tz');
		} catch {
			problems.push({ parameter: 'tz', value: values.tz, expected: valueRule('tz') });
		}
	}

	let page = 1;
	if (values.page !== undefined) {
		const n = /^\d{1,6}$/.test(values.page) ? Number(values.page) : NaN;
		if (isWholeNumberIn(n, 1, MAX_PAGE)) {
			page = n;
			given.page = String(n);
		} else problems.push({ parameter: 'page', value: values.page, expected: valueRule('page') });
	}

	const nowDt = (typeof now === 'string' ? DateTime.fromISO(now, { setZone: true }) : now).setZone(timezone);
	const today = nowDt.startOf('day');
	let to: DateTime = today;
	let from: DateTime | null = null;
	if (values.to !== undefined) {
		const d = parseLocalDate(values.to, timezone);
		if (d) {
			to = d;
			given.to = values.to;
		} else problems.push({ parameter: 'to', value: values.to, expected: valueRule('to') });
	}
	if (values.from !== undefined) {
		const d = parseLocalDate(values.from, timezone);
		if (d) {
			from = d;
			given.from = values.from;
		} else problems.push({ parameter: 'from', value: values.from, expected: valueRule('from') });
	}
	from ??= to.minus({ days: settings.historyDays - 1 });
	if (from > to) {
		problems.push({ parameter: 'from', value: `${from.toISODate()} > ${to.toISODate()}`, expected: { rule: 'range_order', toGiven: given.to !== undefined } });
	} else if (to.diff(from, 'days').days + 1 > settings.maxRangeDays) {
		problems.push({ parameter: 'from', value: `${from.toISODate()} … ${to.toISODate()}`, expected: { rule: 'range_max', days: settings.maxRangeDays } });
	}

	if (problems.length) {
		const t = labelsFor(lang);
		return { ok: false, bad: { lang, problems: problems.map((p) => ({ parameter: p.parameter, value: p.value, expected: t.expected(p.expected) })) } };
	}

	const trendFrom = today.minus({ days: settings.trendDays - 1 });
	const stripFrom = today.minus({ days: settings.historyDays - 1 });
	return {
		ok: true,
		request: {
			lang,
			tab,
			from: from.toISODate()!,
			to: to.toISODate()!,
			fromInstant: from.toUTC().toISO()!,
			toInstant: to.plus({ days: 1 }).toUTC().toISO()!,
			page,
			pageSize: settings.pageSize,
			offset: offsetOf(page, settings.pageSize),
			cadence,
			timezone,
			today: today.toISODate()!,
			trendFrom: trendFrom.toISODate()!,
			stripFromInstant: stripFrom.toUTC().toISO()!,
			stripDays: settings.historyDays,
			trendDays: settings.trendDays,
			given,
			notices,
			now: nowDt.toISO()!,
			...(settings.title ? { title: settings.title } : {}),
		},
	};
}

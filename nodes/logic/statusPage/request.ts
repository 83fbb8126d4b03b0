/**
 * Checks a request that travelled through the workflow (the output of "Read Request" handed to
 * "Render Page" by an expression), so a miswired parameter fails with a clear message instead of
 * a broken page.
 */
import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import { checkZone } from '../shared/time';
import { CADENCE_FILTERS, EVENT_KINDS, LANGUAGES, QUERY_KEYS } from './types';
import type { PageRequest } from './types';

const HINT = 'Set "Request" to the output of the Status Page node\'s "Read Request" operation, e.g. {{ $(\'Read request\').first().json }}.';

function need(ok: boolean, field: string, value: unknown, problem: string): void {
	if (!ok) throw new InputError(`Request.${field}`, value, problem, HINT);
}

function isDate(value: unknown): value is string {
	return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
}

function isInstant(value: unknown): value is string {
	return typeof value === 'string' && DateTime.fromISO(value).isValid;
}

export function checkRequest(value: unknown): PageRequest {
	need(typeof value === 'object' && value !== null && !Array.isArray(value), '', value, 'is not an object');
	const r = value as Record<string, unknown>;
	need((LANGUAGES as readonly unknown[]).includes(r.lang), 'lang', r.lang, 'is not ko or en');
	need((EVENT_KINDS as readonly unknown[]).includes(r.tab), 'tab', r.tab, 'is not failure, warning or success');
	need((CADENCE_FILTERS as readonly unknown[]).includes(r.cadence), 'cadence', r.cadence, 'is not a cadence filter');
	for (const key of ['from', 'to', 'today', 'trendFrom'] as const) need(isDate(r[key]), key, r[key], 'is not a date YYYY-MM-DD');
	for (const key of ['fromInstant', 'toInstant', 'stripFromInstant', 'now'] as const) need(isInstant(r[key]), key, r[key], 'is not an ISO instant');
	for (const key of ['page', 'pageSize', 'stripDays', 'trendDays'] as const) {
		need(typeof r[key] === 'number' && Number.isInteger(r[key]) && (r[key] as number) >= 1, key, r[key], 'is not a whole number of at least 1');
	}
	need(typeof r.timezone === 'string', 'timezone', r.timezone, 'is not a time zone name');
	checkZone(r.timezone as string, 'Request.timezone');
	const given = (typeof r.given === 'object' && r.given !== null ? r.given : {}) as Record<string, unknown>;
	const cleanGiven: PageRequest['given'] = {};
	for (const key of QUERY_KEYS) if (typeof given[key] === 'string') cleanGiven[key] = given[key] as string;
	const notices = (Array.isArray(r.notices) ? r.notices : []).filter(
		(n): n is PageRequest['notices'][number] => typeof n === 'object' && n !== null && typeof (n as Record<string, unknown>).code === 'string' && typeof (n as Record<string, unknown>).value === 'string',
	);
	const title = typeof r.title === 'string' && r.title.trim() !== '' ? r.title : undefined;
	return { ...(r as unknown as PageRequest), given: cleanGiven, notices, title };
}

import { checkSettings, DEFAULT_SETTINGS, parseRequest } from '../../../nodes/logic/statusPage';
import type { PageRequest } from '../../../nodes/logic/statusPage';
import { checkRequest } from '../../../nodes/logic/statusPage/request';
import { clampPage, lastPage, offsetOf, pagerNumbers } from '../../../nodes/logic/statusPage/paging';
import { InputError } from '../../../nodes/logic/shared/errors';

// 2026-11-22 10:00 in Seoul
const NOW = '2026-11-22T01:00:00Z';
const parse = (query: Record<string, unknown>, settings = DEFAULT_SETTINGS) => parseRequest(query, settings, NOW);
const ok = (query: Record<string, unknown>, settings = DEFAULT_SETTINGS): PageRequest => {
	const r = parse(query, settings);
	if (!r.ok) throw new Error(`expected a valid request, got ${JSON.stringify(r.bad)}`);
	return r.request;
};
const problemsOf = (query: Record<string, unknown>) => {
	const r = parse(query);
	if (r.ok) throw new Error('expected a 400');
	return r.bad.problems;
};

describe('parseRequest: defaults', () => {
	it('an empty query gives Korean, failures, the last 14 days in Asia/Seoul, page 1', () => {
		const r = ok({});
		expect(r).toMatchObject({ lang: 'ko', tab: 'failure', cadence: 'all', timezone: 'Asia/Seoul', page: 1, pageSize: 25, offset: 0, from: '2026-11-09', to: '2026-11-22', today: '2026-11-22', notices: [], given: {} });
		// local midnights of Seoul, as UTC instants; "to" is exclusive (the day after)
		expect(r.fromInstant).toBe('2026-11-08T15:00:00.000Z');
		expect(r.toInstant).toBe('2026-11-22T15:00:00.000Z');
		expect(r.trendFrom).toBe('2026-10-24');
		expect(r.stripFromInstant).toBe('2026-11-08T15:00:00.000Z');
	});

	it('a null query (no query string) is the default view', () => {
		expect(parseRequest(null, DEFAULT_SETTINGS, NOW)).toMatchObject({ ok: true, request: { lang: 'ko' } });
	});

	it('the day depends on the zone: 01:00 UTC is still the 21st in New York', () => {
		const r = ok({ tz: 'America/New_York' });
		expect(r).toMatchObject({ today: '2026-11-21', to: '2026-11-21', timezone: 'America/New_York', given: { tz: 'America/New_York' } });
		expect(r.toInstant).toBe('2026-11-22T05:00:00.000Z');
	});

	it('settings change the defaults: English, UTC, 10 per page, 7 days', () => {
		const r = ok({}, checkSettings({ language: 'en', timezone: 'UTC', pageSize: '10', historyDays: 7 }));
		expect(r).toMatchObject({ lang: 'en', timezone: 'UTC', pageSize: 10, from: '2026-11-16', to: '2026-11-22' });
	});
});

describe('parseRequest: accepted values', () => {
	it('reads lang, tab, dates, page and cadence and remembers which were given', () => {
		const r = ok({ lang: 'en', tab: 'warning', from: '2026-11-01', to: '2026-11-10', page: '3', cadence: 'monthly' });
		expect(r).toMatchObject({ lang: 'en', tab: 'warning', from: '2026-11-01', to: '2026-11-10', page: 3, offset: 50, cadence: 'monthly' });
		expect(r.given).toEqual({ lang: 'en', tab: 'warning', from: '2026-11-01', to: '2026-11-10', page: '3', cadence: 'monthly' });
		expect(r.fromInstant).toBe('2026-10-31T15:00:00.000Z');
		expect(r.toInstant).toBe('2026-11-10T15:00:00.000Z');
	});

	it('only "from" given: the range runs to today', () => {
		expect(ok({ from: '2026-11-20' })).toMatchObject({ from: '2026-11-20', to: '2026-11-22' });
	});

	it('only "to" given: the range is the 14 days ending there', () => {
		expect(ok({ to: '2026-11-05' })).toMatchObject({ from: '2026-10-23', to: '2026-11-05' });
	});

	it('a single day is a valid range; surrounding blanks are ignored', () => {
		expect(ok({ from: ' 2026-11-05 ', to: '2026-11-05' })).toMatchObject({ from: '2026-11-05', to: '2026-11-05' });
	});
});

describe('parseRequest: unknown enumerations fall back with a notice', () => {
	it.each([
		['lang', 'jp', 'bad_lang', { lang: 'ko' }],
		['tab', 'all', 'bad_tab', { tab: 'failure' }],
		['cadence', 'weekly', 'bad_cadence', { cadence: 'all' }],
		['tab', '<script>', 'bad_tab', { tab: 'failure' }],
	])('%s=%s', (key, value, code, expected) => {
		const r = ok({ [key]: value });
		expect(r).toMatchObject(expected);
		expect(r.notices).toEqual([{ code, value }]);
		expect(r.given).toEqual({});
	});
});

describe('parseRequest: values the queries depend on are refused with a 400', () => {
	it.each([
		['from', '2026-13-01'],
		['from', '2026-02-30'],
		['from', '2026-1-1'],
		['to', 'yesterday'],
		['to', "2026-11-01'; DROP TABLE pipeline_monitor.events; --"],
		['page', '0'],
		['page', '-1'],
		['page', '1.5'],
		['page', '1e3'],
		['page', 'abc'],
		['page', '10001'],
		['tz', 'Mars/Olympus'],
		['tz', "Asia/Seoul' OR '1'='1"],
	])('%s=%s', (key, value) => {
		const problems = problemsOf({ [key]: value });
		expect(problems).toHaveLength(1);
		expect(problems[0].parameter).toBe(key);
		expect(problems[0].expected.length).toBeGreaterThan(5);
	});

	it('from after to', () => {
		expect(problemsOf({ lang: 'en', from: '2026-11-10', to: '2026-11-01' })).toEqual([expect.objectContaining({ parameter: 'from', expected: expect.stringMatching(/on or before "to"/) })]);
		// the Korean page says it in Korean
		expect(problemsOf({ from: '2026-11-10', to: '2026-11-01' })[0].expected).toBe('"to"(지정한 종료일)와 같거나 이전 날짜');
	});

	it('from in the future with no "to" (today)', () => {
		expect(problemsOf({ lang: 'en', from: '2027-01-01' })[0].expected).toMatch(/today/);
		expect(problemsOf({ from: '2027-01-01' })[0].expected).toMatch(/오늘/);
	});

	it('a range wider than the maximum', () => {
		expect(problemsOf({ lang: 'en', from: '2026-01-01', to: '2026-11-22' })[0].expected).toMatch(/at most 92 days/);
		expect(problemsOf({ from: '2026-01-01', to: '2026-11-22' })[0].expected).toBe('최대 92일 범위');
		expect(ok({ from: '2026-08-23', to: '2026-11-22' }).from).toBe('2026-08-23'); // exactly 92 days
	});

	it('a parameter given twice', () => {
		expect(problemsOf({ tab: ['failure', 'success'] })[0]).toMatchObject({ parameter: 'tab', value: 'failure, success' });
	});

	it('an overlong value is cut in the message', () => {
		const p = problemsOf({ lang: 'x'.repeat(500) })[0];
		expect(p.value.length).toBeLessThan(50);
	});

	it('lists every problem, in the language asked for', () => {
		const r = parse({ lang: 'en', from: 'x', page: '0', tz: 'Nowhere' });
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.bad.lang).toBe('en');
			expect(r.bad.problems.map((p) => p.parameter).sort()).toEqual(['from', 'page', 'tz']);
		}
	});
});

describe('checkSettings', () => {
	it('refuses a bad zone, language or page size, naming the field', () => {
		expect(() => checkSettings({ timezone: 'Seoul' })).toThrow(InputError);
		expect(() => checkSettings({ timezone: 'Seoul' })).toThrow(/Default Time Zone/);
		expect(() => checkSettings({ language: 'de' })).toThrow(/Default Language/);
		expect(() => checkSettings({ pageSize: 0 })).toThrow(/Page Size is not a whole number from 1 to 500/);
		expect(() => checkSettings({ trendDays: 2.5 })).toThrow(/Trend Days/);
	});
	it('keeps a title', () => {
		expect(checkSettings({ title: '  데이터팀 현황 ' }).title).toBe('데이터팀 현황');
	});
});

describe('checkRequest (the request handed from Read Request to Render Page)', () => {
	it('accepts what parseRequest made', () => {
		const r = ok({ lang: 'en', tab: 'success' });
		expect(checkRequest(JSON.parse(JSON.stringify(r)))).toEqual({ ...r, title: undefined });
	});
	it.each([
		[null, /Request\. is not an object/],
		[{}, /Request\.lang/],
		['x', /not an object/],
	])('refuses %p', (value, message) => {
		expect(() => checkRequest(value)).toThrow(message);
	});
	it('refuses a tampered field', () => {
		const r = { ...ok({}), tab: 'all' };
		expect(() => checkRequest(r)).toThrow(/Request\.tab/);
		expect(() => checkRequest({ ...ok({}), page: 0 })).toThrow(/Request\.page/);
		expect(() => checkRequest({ ...ok({}), timezone: 'Nowhere/Land' })).toThrow(/Request\.timezone/);
	});
});

describe('paging', () => {
	it('an empty list has one page; pages round up', () => {
		expect(lastPage(0, 25)).toBe(1);
		expect(lastPage(25, 25)).toBe(1);
		expect(lastPage(26, 25)).toBe(2);
	});
	it('clamps a page past the end to the last page, and below 1 to 1', () => {
		expect(clampPage(9, 26, 25)).toBe(2);
		expect(clampPage(2, 26, 25)).toBe(2);
		expect(clampPage(3, 0, 25)).toBe(1);
		expect(clampPage(0, 100, 25)).toBe(1);
	});
	it('offsets', () => {
		expect(offsetOf(1, 25)).toBe(0);
		expect(offsetOf(4, 10)).toBe(30);
	});
	it('pager numbers: first, last and a window, with gaps', () => {
		expect(pagerNumbers(1, 1)).toEqual([1]);
		expect(pagerNumbers(1, 3)).toEqual([1, 2, 3]);
		expect(pagerNumbers(10, 20)).toEqual([1, null, 8, 9, 10, 11, 12, null, 20]);
		expect(pagerNumbers(20, 20)).toEqual([1, null, 18, 19, 20]);
	});
});

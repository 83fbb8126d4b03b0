/**
 * One language per page. Pages are rendered from fixtures that store every traffic-light reason,
 * every row-count verdict and every run state in the OTHER language (as a monitor switched from
 * Korean to English would hold them), with every notice, and 400 pages with every rule a
 * parameter can break. Then a Korean page must hold no word of the English catalogue and an
 * English page no word of the Korean one, after the allowed proper nouns and ids (Airflow, n8n,
 * UTC, the query's own parameter names and values, the data itself) are taken out.
 */
import { DEFAULT_SETTINGS, parseRequest, renderBadRequest, renderStatusPage, toPageData } from '../../../nodes/logic/statusPage';
import type { PageRequest, QueryRows } from '../../../nodes/logic/statusPage';
import { labelsFor } from '../../../nodes/logic/statusPage/i18n';
import type { Expectation, PageLabels } from '../../../nodes/logic/statusPage/i18n';
import type { Language, Notice, QueryKey } from '../../../nodes/logic/statusPage/types';
import { QUERY_KEYS } from '../../../nodes/logic/statusPage/types';
import { reason, REASON_CODES } from '../../../nodes/logic/trafficLight/messages';

const NOW = '2026-11-22T01:00:00Z';
/** every count a history cell's title can name, plural */
const STRIP_COUNTS = { runs: 3, failed: 2, other: 2, failures: 2, warnings: 2, evaluations: 2, late: 2 };
const NOTICES: Notice[] = [
	{ code: 'bad_lang', value: 'xx' },
	{ code: 'bad_tab', value: 'yy' },
	{ code: 'bad_cadence', value: 'zz' },
	{ code: 'page_clamped', value: '9' },
	{ code: 'history_pending', value: '' },
	{ code: 'history_zone', value: 'UTC' },
];
const EXPECTATIONS: Expectation[] = [
	...QUERY_KEYS.flatMap((key: QueryKey): Expectation[] => [
		{ rule: 'value', key, max: 10000 },
		{ rule: 'value', key, max: 10000, once: true },
		{ rule: 'value', key, max: 10000, maxLength: 100 },
	]),
	{ rule: 'range_order', toGiven: true },
	{ rule: 'range_order', toGiven: false },
	{ rule: 'range_max', days: 92 },
];
/** values a placeholder of a reason can hold, as the traffic light fills them */
const REASON_VALUES: Record<Language, Record<string, string>> = {
	en: { time: '2026-11-22 06:00 GMT+9', state: 'running', late: '42', run: 'scheduled__2026-11-22T00:00:00+00:00', type: 'manual', count: '3', tries: '3', duration: '50', median: '20', limit: '40' },
	ko: { time: '2026-11-22 06:00 GMT+9', state: 'queued', late: '42', run: 'scheduled__2026-11-22T00:00:00+00:00', type: 'backfill', count: '3', tries: '3', duration: '50', median: '20', limit: '40' },
};
const STATES = Object.keys(labelsFor('en').state);

/** Data values the page shows as they are (ids, messages): taken out before the words are checked. */
const DATA = ['etl_alpha', 'etl_beta', 'q.tbl', 'scheduled__2026-11-22T00:00:00+00:00', 'http://airflow.local/dags/etl_alpha/grid', 'task_a', 'payload_zz'];
/** Proper nouns, Airflow's state id upstream_failed, and the query's own parameter names and values, allowed in both languages. */
const ALLOWED = ['Pipeline Monitor', 'pipeline_monitor.pipelines', 'pipeline_monitor', 'upstream_failed', 'Airflow', 'n8n', 'Asia/Seoul', 'UTC', 'IANA', 'YYYY-MM-DD', 'DAG', 'English', '한국어', 'regular_holiday', ...QUERY_KEYS, 'ko', 'en', 'failure', 'warning', 'success', 'all', 'regular', 'monthly', 'irregular'];

function request(lang: Language): PageRequest {
	const r = parseRequest({ lang }, DEFAULT_SETTINGS, NOW);
	if (!r.ok) throw new Error('bad fixture request');
	return { ...r.request, notices: NOTICES.filter((n) => n.code.startsWith('bad_')) };
}

/** Rows stored in `stored` language, shown on a page in the other. */
function rowsStoredIn(stored: Language): QueryRows {
	const reasons = REASON_CODES.map((code) => reason(code, stored, REASON_VALUES[stored]));
	const verdicts = Object.keys(labelsFor('en').verdict);
	const storedText = stored === 'en' ? 'Loaded 870 rows, above the usual 250 to 350' : '평소보다 많이 적재됨 (+870)';
	return {
		pipelines: [
			// stored history days with their counts (one of each count, then plurals), kept in another zone than the page's
			{ pipeline: 'etl_alpha', service: 'airflow', light: 'red', reasons, url: 'http://airflow.local/dags/etl_alpha/grid', evaluatedAt: NOW, historyComputedAt: NOW, historyStored: true, historyZone: 'UTC',
				strip: [{ day: '2026-11-20', light: 'green', runs: 1, failed: 0, other: 1, failures: 1, warnings: 1, evaluations: 1, late: 0 }, { day: '2026-11-21', light: 'red', ...STRIP_COUNTS }] },
			// a code the catalogue does not know, its text in the other language: said by its light
			{ pipeline: 'etl_beta', service: 'n8n', light: 'yellow', reasons: [{ code: 'custom_check', light: 'yellow', text: stored === 'en' ? 'Something custom happened' : '사용자 정의 점검 경고' }], evaluatedAt: NOW, historyComputedAt: null, historyStored: false },
		],
		eventCounts: [{ kind: 'failure', n: STATES.length }],
		events: STATES.map((state, i) => ({ id: String(i), kind: 'failure', source: 'airflow', pipeline: 'etl_alpha', taskId: 'task_a', tryNumber: 2, state, at: NOW, message: 'payload_zz', url: null, logUrl: null })),
		rowCounts: [
			...verdicts.map((code, i) => ({ table: `q.tbl${i}`, cadence: 'regular', day: '2026-11-22', rows: '100', delta: '5', light: 'red', reason: { code, light: 'red', text: storedText }, estimated: i === 0 })),
			{ table: 'q.tblx', cadence: 'monthly', day: '2026-11-22', rows: '7', delta: null, light: 'grey', reason: { code: 'unknown_code', light: 'grey', text: storedText }, estimated: false },
		],
	};
}

function visibleText(html: string): string {
	const attributes = [...html.matchAll(/\s(?:title|aria-label|data-label|placeholder|value)="([^"]*)"/g)].map((m) => m[1]);
	const body = html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<head>[\s\S]*?<\/head>/, '').replace(/<[^>]+>/g, ' ');
	const text = `${body} ${attributes.join(' ')}`
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&#96;/g, '`')
		.replace(/&amp;/g, '&');
	let out = text;
	for (const d of [...DATA].sort((a, b) => b.length - a.length)) out = out.split(d).join(' ');
	for (const word of [...ALLOWED].sort((a, b) => b.length - a.length)) out = out.replace(new RegExp(`(?<![\\p{L}\\d_])${word.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![\\p{L}\\d_])`, 'gu'), ' ');
	return out;
}

/** Every text of a catalogue: its strings, its functions called over every case they take. */
function catalogueTexts(t: PageLabels, lang: Language): string[] {
	const out: string[] = [];
	const walk = (value: unknown): void => {
		if (typeof value === 'string') out.push(value);
		else if (typeof value === 'function') out.push(String((value as (...a: unknown[]) => unknown)(7, 8, 9)));
		else if (value && typeof value === 'object') Object.values(value).forEach(walk);
	};
	const { notice, expected, flaggedDays, stripCell, trendLabel, ...rest } = t;
	walk(rest);
	out.push(...NOTICES.map(notice), ...EXPECTATIONS.map(expected), flaggedDays(['2026-11-22']), stripCell('2026-11-22', null), stripCell('2026-11-22', 'x', STRIP_COUNTS), trendLabel('t', '1', '2'));
	out.push(...REASON_CODES.map((code) => reason(code, lang).text));
	return out;
}

function wordsOf(texts: string[], lang: Language): Set<string> {
	const pattern = lang === 'en' ? /[A-Za-z]{3,}/g : /[\uac00-\ud7af]+/g;
	const allowed = new Set(ALLOWED.map((a) => a.toLowerCase()));
	const words = new Set<string>();
	for (const text of texts) for (const m of visibleText(text).matchAll(pattern)) if (!allowed.has(m[0].toLowerCase())) words.add(m[0].toLowerCase());
	return words;
}

const ENGLISH_WORDS = wordsOf(catalogueTexts(labelsFor('en'), 'en'), 'en');
const KOREAN_WORDS = wordsOf(catalogueTexts(labelsFor('ko'), 'ko'), 'ko');

function foreignWords(html: string, page: Language): string[] {
	const text = visibleText(html);
	if (page === 'ko') return [...new Set([...text.matchAll(/[A-Za-z]{3,}/g)].map((m) => m[0].toLowerCase()))].filter((w) => ENGLISH_WORDS.has(w));
	return [...new Set([...text.matchAll(/[\uac00-\ud7af]+/g)].map((m) => m[0]))].filter((w) => KOREAN_WORDS.has(w) || /[\uac00-\ud7af]/.test(w));
}

function badRequestPages(lang: Language): string[] {
	const queries: Array<Record<string, unknown>> = [
		{ lang, page: '0', from: 'x', to: 'y', tz: 'Mars/Olympus' },
		{ lang, tab: ['failure', 'success'], cadence: 'c'.repeat(120) },
		{ lang, from: '2026-11-10', to: '2026-11-01' },
		{ lang, from: '2027-01-01' },
		{ lang, from: '2026-01-01', to: '2026-11-22' },
	];
	return queries.map((q) => {
		const r = parseRequest(q, DEFAULT_SETTINGS, NOW);
		if (r.ok) throw new Error(`expected a 400 for ${JSON.stringify(q)}`);
		return renderBadRequest(r.bad).html;
	});
}

describe('one language per page', () => {
	it('the catalogues are large enough to catch a leak', () => {
		expect(ENGLISH_WORDS.size).toBeGreaterThan(150);
		expect(KOREAN_WORDS.size).toBeGreaterThan(150);
		for (const word of ['consecutive', 'running', 'failed', 'expected', 'whole', 'number', 'loaded', 'usual']) expect(ENGLISH_WORDS).toContain(word);
	});

	for (const [page, stored] of [
		['ko', 'en'],
		['en', 'ko'],
	] as const) {
		it(`a ${page} page over reasons, verdicts and states stored in ${stored}: no word of the ${stored} catalogue`, () => {
			const r = request(page);
			const rows = rowsStoredIn(stored);
			const html = renderStatusPage(toPageData(rows, r), r).html;
			expect(foreignWords(html, page)).toEqual([]);
			// and it did say them: every reason code, every verdict, every state, every notice
			const t = labelsFor(page);
			for (const state of STATES) expect(html).toContain(`>${t.state[state]}<`);
			for (const verdict of Object.values(t.verdict)) expect(html).toContain(verdict);
			expect(html).toContain(page === 'ko' ? '3회 연속 실패' : '3 consecutive failed runs');
			expect(html).toContain('(UTC+09:00)');
			expect(html).not.toContain('GMT');
			expect(html).toContain(page === 'ko' ? '아직 실행 중' : 'Still queued'); // the state inside a reason is said too
			// the history notices and cell titles: counts, and the days of a pipeline not computed yet
			for (const n of NOTICES.filter((x) => x.code.startsWith('history_'))) expect(html).toContain(t.notice(n));
			expect(html).toContain(page === 'ko' ? '실행 3건, 실패 2건, 미완료 2건' : '3 runs, 2 failed, 2 not finished');
			expect(html).toContain(page === 'ko' ? '2026-11-22: 이력 계산 전' : '2026-11-22: history not computed yet');
		});

		it(`${page} 400 pages, every rule broken: no word of the other catalogue`, () => {
			for (const html of badRequestPages(page)) expect(foreignWords(html, page)).toEqual([]);
		});

		it(`${page}: the unavailable and empty pages too`, () => {
			const r = request(page);
			const unavailable = renderStatusPage(toPageData({ ...rowsStoredIn(stored), events: [{ error: 'x' }] }, r), r).html;
			const empty = renderStatusPage(toPageData({}, r), r).html;
			expect(foreignWords(unavailable, page)).toEqual([]);
			expect(foreignWords(empty, page)).toEqual([]);
		});
	}

	it('the check can fail: a Korean page with an English reason left in it is caught', () => {
		const r = request('ko');
		const html = renderStatusPage(toPageData(rowsStoredIn('en'), r), r).html.replace('</main>', '<p>3 consecutive failed runs</p></main>');
		expect(foreignWords(html, 'ko')).toEqual(expect.arrayContaining(['consecutive', 'failed', 'runs']));
		const en = renderBadRequest({ lang: 'en', problems: [{ parameter: 'page', value: '0', expected: '올바른 값' }] }).html;
		expect(foreignWords(en, 'en')).toEqual(['올바른', '값']);
	});
});

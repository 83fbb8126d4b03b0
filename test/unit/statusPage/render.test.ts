import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, parseRequest, PAGE_CSP, renderBadRequest, renderStatusPage, toPageData } from '../../../nodes/logic/statusPage';
import type { PageRequest, QueryRows } from '../../../nodes/logic/statusPage';
import { escapeHtml, externalLink, safeHttpUrl, truncate } from '../../../nodes/logic/statusPage/escape';
import { pageLink } from '../../../nodes/logic/statusPage/render';
import { loadBarsSvg } from '../../../nodes/logic/statusPage/sparkline';
import { PAGE_CSS } from '../../../nodes/logic/statusPage/style';
import { chromiumMissing, visitHtml } from '../../support/statusPage/browser';
import { HOSTILE, HOSTILE_TEXT } from '../../support/statusPage/fixtures';

const NOW = '2026-11-22T01:00:00Z';
function request(query: Record<string, unknown> = {}): PageRequest {
	const r = parseRequest(query, DEFAULT_SETTINGS, NOW);
	if (!r.ok) throw new Error(JSON.stringify(r.bad));
	return r.request;
}

const rows: QueryRows = {
	pipelines: [
		{ pipeline: 'sales_daily', service: 'airflow', schedule: '0 6 * * *', timezone: 'Asia/Seoul', deadline: '07:30', owner: '김데이터', description: '일일 매출', light: 'green', reasons: [{ code: 'ok', light: 'green', text: '최근 실행 정상 완료' }], url: 'http://airflow.local/dags/sales_daily/grid', evaluatedAt: '2026-11-22T00:50:00.000Z', changedAt: null, strip: [{ day: '2026-11-21', light: 'red' }, { day: '2026-11-22', light: 'green' }] },
		{ pipeline: `evil${HOSTILE.script}`, service: 'n8n', schedule: null, timezone: null, deadline: null, owner: HOSTILE.quote, description: HOSTILE.img, light: 'red', reasons: [{ code: 'x', light: 'red', text: HOSTILE_TEXT }, HOSTILE.single], url: HOSTILE.jsUrl, evaluatedAt: '2026-11-22T00:50:00Z', changedAt: null, strip: null },
	],
	eventCounts: [
		{ kind: 'failure', n: '3' },
		{ kind: 'success', n: 1 },
	],
	events: [
		{ id: '1', kind: 'failure', source: 'airflow', pipeline: 'crm_sync', runId: 'r1', taskId: 'extract', tryNumber: 2, state: 'failed', at: '2026-11-22T00:00:00.000Z', message: 'timeout', summary: null, url: 'http://airflow.local/dags/crm_sync/grid', logUrl: 'https://airflow.local/log?a=1&b=2' },
		{ id: '2', kind: 'failure', source: 'airflow', pipeline: `evil${HOSTILE.script}`, runId: 'r2', taskId: HOSTILE.quote, tryNumber: null, state: HOSTILE.single, at: '2026-11-21T23:00:00Z', message: HOSTILE_TEXT, summary: null, url: HOSTILE.jsUrl, logUrl: HOSTILE.dataUrl },
		{ id: '3', kind: 'failure', source: 'n8n', pipeline: 'tab_url', runId: null, taskId: null, tryNumber: null, state: 'error', at: '2026-11-21T22:00:00Z', message: HOSTILE.sql, summary: null, url: HOSTILE.tabJsUrl, logUrl: 'https://x.test/?q="><script>window.__pwned=8</script>' },
	],
	rowCounts: [
		...Array.from({ length: 30 }, (_, i) => ({ table: 'dw.orders', cadence: 'regular', description: '주문', pipeline: 'sales_daily', day: `2026-${i < 8 ? '10' : '11'}-${String(i < 8 ? 24 + i : i - 7).padStart(2, '0')}`, rows: String(1000 + i * 10), delta: i ? '10' : null, light: i === 29 ? 'green' : 'green', reason: i === 29 ? { code: 'normal', light: 'green', text: '정상 범위' } : null, estimated: false })),
		{ table: 'dw.monthly_settlement', cadence: 'monthly', description: null, pipeline: null, day: '2026-11-01', rows: '500', delta: '-20', light: 'red', reason: { code: 'drop', light: 'red', text: 'Dropped' }, estimated: true },
		{ table: 'ext.feed', cadence: 'irregular', description: HOSTILE.script, pipeline: null, day: '2026-11-20', rows: 7, delta: null, light: 'grey', reason: HOSTILE.img, estimated: false },
	],
};

/** Every attribute value that would make a browser run or fetch something. */
function dangerousMarkup(html: string): string[] {
	const found: string[] = [];
	const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
	for (const tag of tags) {
		if (tag === '<link rel="icon" href="data:,">') continue; // the empty favicon
		if (/^<(script|img|iframe|object|embed|link|base|meta http-equiv="refresh")/i.test(tag)) found.push(tag);
		if (/\son[a-z]+\s*=/i.test(tag)) found.push(tag);
		const href = /\shref="([^"]*)"/.exec(tag);
		if (href && !/^(\?|#|https?:\/\/)/.test(href[1])) found.push(tag);
		if (/\sautofocus/i.test(tag)) found.push(tag);
	}
	return found;
}

describe('escaping', () => {
	it('escapes the five HTML specials and the backtick', () => {
		expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
		expect(escapeHtml(null)).toBe('');
		expect(escapeHtml(42)).toBe('42');
	});

	it.each([
		[HOSTILE.jsUrl],
		[HOSTILE.tabJsUrl],
		['  JAVASCRIPT:alert(1)'],
		['java\nscript:alert(1)'],
		[HOSTILE.dataUrl],
		['vbscript:msgbox'],
		['/relative/path'],
		['//evil.example/x'],
		['ftp://files.example/x'],
		[''],
		[null],
		[42],
	])('%p is never a link', (url) => {
		expect(safeHttpUrl(url)).toBeNull();
		expect(externalLink(url, 'Log')).toBe('Log');
	});

	it('http(s) URLs become links, normalised and escaped', () => {
		expect(safeHttpUrl('https://airflow.local/log?a=1&b="2"')).toBe('https://airflow.local/log?a=1&b=%222%22');
		expect(externalLink('http://a.test/?x=1&y=<2>', 'Run')).toBe('<a href="http://a.test/?x=1&amp;y=%3C2%3E" target="_blank" rel="noopener noreferrer">Run</a>');
	});

	it('truncates by code point, never splitting a Korean syllable or emoji', () => {
		expect(truncate('가나다라마', 3)).toBe('가나…');
		expect(truncate('😀😀😀', 5)).toBe('😀😀😀');
		expect(truncate('😀😀😀', 2)).toBe('😀…');
	});
});

describe('renderStatusPage', () => {
	const html = renderStatusPage(toPageData(rows, request()), request()).html;

	it('contains no executable or loading markup, whatever the database holds', () => {
		expect(dangerousMarkup(html)).toEqual([]);
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toMatch(/javascript:/i);
		expect(html).not.toContain('data:text/html');
		expect(html).not.toContain('onerror="window');
	});

	it('shows the hostile text literally (escaped), not dropped', () => {
		expect(html).toContain('evil&lt;script&gt;window.__pwned=1&lt;/script&gt;');
		expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
		expect(html).toContain('&quot; onmouseover=&quot;window.__pwned=3&quot; x=&quot;');
		expect(html).toContain('&#39; autofocus onfocus=&#39;window.__pwned=4');
		expect(html).toContain('x&#39;); DROP TABLE pipeline_monitor.events; --');
	});

	it('links only http(s) URLs; the rest shows as plain text', () => {
		const hrefs = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1]);
		const external = hrefs.filter((h) => !h.startsWith('?'));
		expect(external.sort()).toEqual(
			['http://airflow.local/dags/crm_sync/grid', 'https://airflow.local/log?a=1&amp;b=2', 'http://airflow.local/dags/sales_daily/grid', 'https://x.test/?q=%22%3E%3Cscript%3Ewindow.__pwned=8%3C/script%3E'].sort(),
		);
	});

	it('carries a restrictive CSP whose style hash matches the inline stylesheet', () => {
		const hash = createHash('sha256').update(PAGE_CSS).digest('base64');
		expect(PAGE_CSP).toContain(`style-src 'sha256-${hash}'`);
		expect(PAGE_CSP).toMatch(/default-src 'none'/);
		expect(PAGE_CSP).toMatch(/script-src 'none'/);
		expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP.replace(/'/g, '&#39;')}">`);
		expect(html).toContain(`<style>${PAGE_CSS}</style>`);
		expect(html).not.toMatch(/\sstyle="/); // inline style attributes would be blocked
	});

	it('is Korean by default, with times in Asia/Seoul and the zone named', () => {
		expect(html).toContain('<html lang="ko">');
		expect(html).toContain('<title>파이프라인 상태</title>');
		expect(html).toContain('Asia/Seoul (UTC+09:00)');
		expect(html).toContain('2026-11-22 10:00'); // generated, and the crm_sync failure at 00:00Z
		expect(html).toContain('2026-11-22 09:00');
		expect(html).toContain('실패 (3)');
		expect(html).toContain('성공 (1)');
		expect(html).toContain('경고 (0)');
		expect(html).toContain('2차 시도');
		expect(html).toContain('href="?lang=en"');
	});

	it('is English with lang=en, keeping the other parameters in its links', () => {
		const r = request({ lang: 'en', tab: 'failure', tz: 'UTC' });
		const en = renderStatusPage(toPageData(rows, r), r).html;
		expect(en).toContain('<html lang="en">');
		expect(en).toContain('Pipeline status');
		expect(en).toContain('Failed (3)');
		expect(en).toContain('2026-11-22 00:00'); // UTC now
		expect(en).toContain('UTC (UTC+00:00)');
		expect(en).toContain('href="?lang=ko&amp;tab=failure&amp;tz=UTC"');
		expect(en).toContain('href="?lang=en&amp;tab=warning&amp;tz=UTC"');
	});

	it('sorts pipelines worst first, with light labels and schedules', () => {
		const order = ['evil&lt;script', 'sales_daily'].map((s) => html.indexOf(s));
		expect(order[0]).toBeLessThan(order[1]);
		expect(html).toContain('0 6 * * * (Asia/Seoul)');
		expect(html).toMatch(/실패 1.*정상 1/s);
	});

	it('draws a 14-day strip per pipeline and a 30-day sparkline per table, grouped by cadence', () => {
		expect(html.match(/<div class="strip">/g)).toHaveLength(2);
		const strip = /<div class="strip">(.*?)<\/div>/.exec(html)![1];
		expect(strip.match(/<span/g)).toHaveLength(14);
		expect(html).toContain('class="s-red" title="2026-11-21: 실패"');
		expect(html.match(/<svg class="bars"/g)).toHaveLength(3);
		const groups = [...html.matchAll(/data-cadence="([a-z_]+)"/g)].map((m) => m[1]);
		expect(groups).toEqual(['regular', 'monthly', 'irregular']);
		expect(html).toContain('1,290'); // latest rows of dw.orders, formatted
		expect(html).toContain('−20');
		expect(html).toContain('(추정치)');
	});

	it('cadence filter shows one group and marks its link', () => {
		const r = request({ cadence: 'monthly' });
		const page = renderStatusPage(toPageData(rows, r), r).html;
		expect([...page.matchAll(/data-cadence="([a-z_]+)"/g)].map((m) => m[1])).toEqual(['monthly']);
		expect(page).toContain('class="active" href="?cadence=monthly#row-counts"');
	});

	it('pages: numbers and next link keep the range and tab; a page past the end is clamped with a notice', () => {
		const many: QueryRows = { ...rows, eventCounts: [{ kind: 'failure', n: '60' }] };
		const r = request({ tab: 'failure', from: '2026-11-10', to: '2026-11-20', page: '2' });
		const page = renderStatusPage(toPageData(many, r), r);
		expect(page.page).toBe(2);
		expect(page.html).toContain('2 / 3 페이지 (총 60건)');
		expect(page.html).toContain('href="?tab=failure&amp;from=2026-11-10&amp;to=2026-11-20&amp;page=3" rel="next"');
		expect(page.html).toContain('href="?tab=failure&amp;from=2026-11-10&amp;to=2026-11-20&amp;page=1" rel="prev"');
		expect(page.html).toContain('value="2026-11-10"');
		const past = request({ page: '9' });
		const clamped = renderStatusPage(toPageData(many, past), past);
		expect(clamped.page).toBe(3);
		expect(clamped.html).toContain('9 페이지는 범위를 벗어나 마지막 페이지를 표시합니다.');
		expect(clamped.html).not.toContain('rel="next"');
	});

	it('an empty database renders a complete page with the empty-state texts', () => {
		const r = request();
		const page = renderStatusPage(toPageData({ pipelines: [{}], events: [{}], eventCounts: [{}], rowCounts: [{}] }, r), r);
		expect(page.statusCode).toBe(200);
		expect(page.html).toContain('등록된 파이프라인이 없습니다');
		expect(page.html).toContain('선택한 기간에 해당하는 이벤트가 없습니다.');
		expect(page.html).toContain('기록된 행 수가 아직 없습니다.');
		expect(page.html).not.toContain('class="pager"');
		expect(page.html).toMatch(/<\/html>$/);
	});

	it('an error row from a failed query gives a 503 page with a warning, not a crash', () => {
		const r = request({ lang: 'en' });
		const page = renderStatusPage(toPageData({ ...rows, events: [{ error: 'connect ECONNREFUSED 127.0.0.1:5432' }] }, r), r);
		expect(page.statusCode).toBe(503);
		expect(page.html).toContain('The monitoring database could not be read.');
		expect(page.html).not.toContain('ECONNREFUSED');
	});

	it('shows notices for replaced values, escaped', () => {
		const r = request({ tab: '<b>x</b>' });
		const page = renderStatusPage(toPageData(rows, r), r).html;
		expect(page).toContain('알 수 없는 탭 값 &quot;&lt;b&gt;x&lt;/b&gt;&quot;은(는) 무시하고 기본값을 표시합니다.');
	});

	it('uses the configured title', () => {
		const r = { ...request(), title: '데이터팀 <현황>' };
		expect(renderStatusPage(toPageData(rows, r), r).html).toContain('<title>데이터팀 &lt;현황&gt;</title>');
	});
});

describe('renderBadRequest', () => {
	it('says what was wrong in the request language, escaped, with status 400', () => {
		const r = parseRequest({ lang: 'en', from: '<script>x</script>', page: '0' }, DEFAULT_SETTINGS, NOW);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const page = renderBadRequest(r.bad);
		expect(page.statusCode).toBe(400);
		expect(page.html).toContain('Bad request (400)');
		expect(page.html).toContain('<code>from</code> = <code>&lt;script&gt;x&lt;/script&gt;</code> — expected: a date YYYY-MM-DD');
		expect(page.html).toContain('<code>page</code> = <code>0</code>');
		expect(page.html).not.toMatch(/<script/i);
		expect(page.html).toContain('Content-Security-Policy');
	});
	it('is Korean by default', () => {
		const r = parseRequest({ to: 'x' }, DEFAULT_SETTINGS, NOW);
		if (r.ok) throw new Error('expected 400');
		expect(renderBadRequest(r.bad).html).toContain('잘못된 요청 (400)');
	});
});

describe('pageLink', () => {
	it('keeps given parameters in a fixed order, drops removed ones, escapes through URLSearchParams', () => {
		const r = { given: { tz: 'UTC', lang: 'en' as const, page: '3' } };
		expect(pageLink(r, { page: null, tab: 'success' })).toBe('?lang=en&tab=success&tz=UTC');
		expect(pageLink({ given: {} }, {})).toBe('?');
		expect(pageLink({ given: {} }, { from: 'a&b=c' })).toBe('?from=a%26b%3Dc');
	});
});

describe('daily-load bars', () => {
	const bars = (svg: string) => [...svg.matchAll(/<rect class="([^"]+)" x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)].map((m) => ({ cls: m[1], y: Number(m[3]), h: Number(m[4]) }));
	it('one bar per measured day from a zero line; a flagged day in its light with a dot', () => {
		const svg = loadBarsSvg([300, 290, null, 310, 870], ['green', 'green', null, 'green', 'red'], { label: 'x' });
		const b = bars(svg);
		expect(b.map((r) => r.cls)).toEqual(['b', 'b', 'b', 'b-red']);
		expect(b[3].h).toBeGreaterThan(2.5 * b[0].h); // the spike stands out against the usual loads
		expect(svg.match(/<circle class="d-red"/g)).toHaveLength(1);
		expect(svg).toContain('<line class="zero"');
	});
	it('a decrease hangs below the zero line; yellow days are marked too; no data draws nothing', () => {
		const b = bars(loadBarsSvg([100, -50], [null, 'yellow'], { label: 'x' }));
		expect(b[1].cls).toBe('b-yellow');
		expect(b[1].y).toBeCloseTo(b[0].y + b[0].h, 1); // starts at the zero line, where the first bar ends
		expect(loadBarsSvg([null, null], [null, null], { label: 'x' })).toMatch(/<title>x<\/title><\/svg>$/);
	});
	it('holds only numbers and the caller\'s escaped label', () => {
		const svg = loadBarsSvg([1, 2, 3], [null, null, null], { label: escapeHtml('<t>') });
		expect(svg).toMatch(/^<svg class="bars" width="140" height="30"/);
		expect(svg).toContain('aria-label="&lt;t&gt;"');
	});
});

describe('toPageData', () => {
	it('reads bigint text, skips empty rows and unknown kinds, builds a daily series with gaps', () => {
		const r = request();
		const data = toPageData({ eventCounts: [{ kind: 'failure', n: '12' }, { kind: 'bogus', n: 3 }, {}], rowCounts: [{ table: 't', cadence: 'weird', day: '2026-11-20', rows: '9007199254740' }, { table: 't', day: '2026-11-22', rows: '5', delta: '-9007199254735' }] }, r);
		expect(data.eventCounts).toEqual({ failure: 12, warning: 0, success: 0 });
		expect(data.tables).toHaveLength(1);
		expect(data.tables[0].cadence).toBe('regular');
		expect(data.tables[0].series).toHaveLength(30);
		expect(data.tables[0].series.slice(-3)).toEqual([9007199254740, null, 5]);
		expect(data.tables[0].latest).toMatchObject({ day: '2026-11-22', rows: 5, delta: -9007199254735 });
	});
	it('row counts show freshness, a mute still in force and the annotations of the window, in Korean and English, escaped', () => {
		const fresh = [
			{ table: 'dw.loads', cadence: 'regular', day: '2026-11-21', rows: '100', light: 'green', annotations: null, muteUntil: null },
			{ table: 'dw.loads', cadence: 'regular', day: '2026-11-22', rows: '120', delta: '20', light: 'red', reason: { code: 'stale', light: 'red', text: 'Newest row is 30.0 h old' }, latestAt: '2026-11-21T00:00:00.000Z', lagMinutes: '1800', allowedLagMinutes: '360', muteUntil: '2026-11-30', annotations: [{ from: '2026-11-20', to: '2026-11-21', kind: 'incident', note: `outage ${HOSTILE.script}` }, { from: 'bad' }] },
			{ table: 'dw.old_mute', cadence: 'regular', day: '2026-11-22', rows: '5', light: 'green', muteUntil: '2026-11-01', annotations: '[{"from":"2026-11-22","to":"2026-11-22","kind":"expected","note":null}]' },
		];
		const r = request();
		const data = toPageData({ rowCounts: fresh }, r);
		expect(data.tables[0]).toMatchObject({ freshness: { latestAt: '2026-11-21T00:00:00.000Z', lagMinutes: 1800, allowedLagMinutes: 360 }, muteUntil: '2026-11-30', annotations: [{ from: '2026-11-20', to: '2026-11-21', kind: 'incident' }] });
		expect(data.tables[1]).toMatchObject({ freshness: null, annotations: [{ from: '2026-11-22', to: '2026-11-22', kind: 'expected', note: null }] });
		const ko = renderStatusPage(data, r).html;
		expect(ko).toContain('최신 행 2026-11-21 09:00 (30.0시간 경과, 허용 6.0시간)');
		expect(ko).toContain('2026-11-30까지 알림 끔');
		expect(ko).toContain('주석: 2026-11-20–2026-11-21 장애: outage &lt;script&gt;');
		expect(ko).toContain('주석: 2026-11-22 예정된 변화');
		expect(ko).not.toContain('2026-11-01까지 알림 끔'); // a mute that has ended is not shown
		expect(dangerousMarkup(ko)).toEqual([]);
		const en = request({ lang: 'en' });
		const html = renderStatusPage(toPageData({ rowCounts: fresh }, en), en).html;
		expect(html).toContain('Newest row 2026-11-21 09:00 (30.0 h old; allowed 6.0 h)');
		expect(html).toContain('Muted until 2026-11-30');
		expect(html).toContain('Annotated: 2026-11-20–2026-11-21 incident: outage');
	});
	it('accepts reasons stored as a JSON string or plain strings', () => {
		const r = request();
		const data = toPageData({ pipelines: [{ pipeline: 'p', reasons: '[{"text":"a"},"b"]' }, { pipeline: 'q', reasons: 'plain' }] }, r);
		expect(data.pipelines.map((p) => p.reasons.map((r) => r.text))).toEqual([['a', 'b'], ['plain']]);
	});
});

const noChromium = chromiumMissing();
if (noChromium) console.warn(`SKIPPED status page width checks: ${noChromium}`);
(noChromium ? describe.skip : describe)('the page in Chromium on a phone and on a desktop', () => {
	// long ids without spaces, a long message, Korean and English
	const longRows: QueryRows = {
		...rows,
		pipelines: [...rows.pipelines!, { ...rows.pipelines![0], pipeline: 'warehouse_ingestion_orders_daily_partitioned_backfill_v2_kst', strip: null }],
		rowCounts: [...rows.rowCounts!, { ...rows.rowCounts![30], table: 'analytics_warehouse.fact_orders_daily_partitioned_by_region_and_channel' }],
	};
	for (const lang of ['ko', 'en'] as const) {
		for (const width of [390, 1280]) {
			it(`${lang} at ${width} px: no sideways scroll, every cell labelled on the phone`, async () => {
				const r = request({ lang });
				const html = renderStatusPage(toPageData(longRows, r), r).html;
				const shot = path.join(os.tmpdir(), `status-${lang}-${width}-${process.pid}.png`);
				const visit = await visitHtml(html, width, shot);
				expect(visit.pageErrors).toEqual([]);
				expect(visit.pageWidth).toBeLessThanOrEqual(visit.viewportWidth);
				expect(visit.text).toContain(lang === 'ko' ? '파이프라인' : 'Pipeline');
			}, 60_000);
		}
	}

	it('the check can fail: the same page without the phone layout scrolls sideways at 390 px', async () => {
		const r = request({ lang: 'en' });
		const html = renderStatusPage(toPageData(longRows, r), r).html.replace(/@media \(max-width:720px\)\{[\s\S]*?\n\}\n/, '');
		// (the CSP allows the stylesheet by hash: this copy loses its styles entirely, like a page without the layout)
		const visit = await visitHtml(html, 390);
		expect(visit.pageWidth).toBeGreaterThan(visit.viewportWidth);
	}, 60_000);
});

describe('what fixed it last time (issue 14)', () => {
	it('shows the previous acknowledged failure of the fingerprint under a failure, escaped, in the page language and zone', () => {
		const events = [{ ...rows.events![0], previousAt: '2026-11-11T16:30:00Z', previousBy: '<b>Kim</b>', previousNote: 're-ran after the upstream export <script>x</script>' }];
		const en = renderStatusPage(toPageData({ ...rows, events }, request({ lang: 'en' })), request({ lang: 'en' })).html;
		expect(en).toContain('Last time: 2026-11-12, resolved by &lt;b&gt;Kim&lt;/b&gt;: re-ran after the upstream export &lt;script&gt;x&lt;/script&gt;');
		const ko = renderStatusPage(toPageData({ ...rows, events }, request({ lang: 'ko', tz: 'UTC' })), request({ lang: 'ko', tz: 'UTC' })).html;
		expect(ko).toContain('지난번 조치: 2026-11-11, &lt;b&gt;Kim&lt;/b&gt; 처리:');
		const none = renderStatusPage(toPageData(rows, request({ lang: 'en' })), request({ lang: 'en' })).html;
		expect(none).not.toContain('Last time:');
	});
});

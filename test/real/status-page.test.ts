/**
 * The status page workflow in real n8n 2.x: imported unchanged from workflows/, published, served
 * at /webhook/pipeline-monitor/status behind basic auth, reading a seeded monitor database that
 * holds hostile strings and the stored history days of the Airflow simulator's 14 days of runs.
 * The history strips are checked cell by cell against expectations computed by hand (a DAG with a
 * written pattern, an n8n pipeline with events only) and from the simulator's own runs; a view
 * makes no Airflow request. Then the page in headless
 * Chromium at 390 and 1280 px in both languages: no planted script runs, no console errors, never
 * wider than the viewport (a 250-character id and an id with 200 combining accents included);
 * screenshots at both widths in both languages (for the README only through `npm run docs:images`,
 * after the hostile rows are removed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { executionsOf, scanExecutionData } from '../support/stack/executions';
import { connectMonitor, launchStack, type Stack } from '../support/stack/launch';
import { start as startAirflow, type Simulator } from '../support/airflow/simulator';
import { chromiumMissing, visitHtml, visitStatusPage } from '../support/statusPage/browser';
import { REMOVE_HOSTILE_SQL, seedSql } from '../support/statusPage/fixtures';
import { historySeed, ODD_IDS, runLetters, storedDaysSql, stripOf, type HistoryPlan } from '../support/statusPage/history';

const ROOT = path.resolve(__dirname, '..', '..');
const ready = fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'StatusPage'));
if (!ready) console.warn('SKIPPED status page e2e: run `npm run build` first');
const maybe = ready ? describe : describe.skip;
const missingChromium = chromiumMissing();
if (missingChromium) console.warn(`SKIPPED status page Chromium checks: ${missingChromium}`);
const withChromium = missingChromium ? it.skip : it;
// the screenshot goes to a temporary folder; `npm run docs:images` points PM_SCREENSHOT_DIR at docs/img
const SHOT_DIR = process.env.PM_SCREENSHOT_DIR ? path.resolve(process.env.PM_SCREENSHOT_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'pm-shot-'));

maybe('status page workflow in real n8n', () => {
	let stack: Stack;
	let sim: Simulator;
	let plan: HistoryPlan;
	let url: string;
	let auth: string;
	const now = DateTime.now();
	const today = now.setZone('Asia/Seoul').toISODate()!;

	async function get(query = '', authorization: string | null = auth) {
		const res = await fetch(`${url}${query}`, { headers: authorization ? { authorization } : {} });
		return { status: res.status, headers: res.headers, body: await res.text() };
	}
	async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
		const db = await connectMonitor(stack);
		try {
			return (await db.query(text)).rows as T[];
		} finally {
			await db.end();
		}
	}
	const eventRows = (body: string) => (body.match(/<tr class="event">/g) ?? []).length;

	beforeAll(async () => {
		// 14 days of runs, two a day on average, a quarter of them failed; plus a DAG with a written pattern
		sim = await startAirflow({ version: 'v2', dags: 3, runsPerDag: 28, spanMs: 14 * 86_400_000, failureRate: 0.25, seed: 16, now: now.toMillis() });
		plan = historySeed(sim.world, now, 'Asia/Seoul');
		stack = await launchStack({
			workflows: ['status-page'],
			airflow: { baseUrl: sim.url, apiVersion: 'v2', authType: 'token', username: 'admin', password: 'admin' },
			teams: { webhookUrl: 'http://127.0.0.1:9/workflows/x' },
			openai: { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-unused' },
			// the 14 history days of the simulator's DAGs, as the hourly status workflow stores them
			seedSql: `${seedSql({ now })}\n${plan.sql}\n${storedDaysSql(sim.world, [...plan.generatedDags, plan.handDag], now, 'Asia/Seoul')}`,
		});
		url = stack.webhook('pipeline-monitor/status');
		auth = `Basic ${Buffer.from(`${stack.secrets.statusUser}:${stack.secrets.statusPassword}`).toString('base64')}`;
	}, 420_000);
	afterAll(async () => {
		await stack?.stop();
		await sim?.stop();
	}, 120_000);

	it('refuses requests without or with wrong credentials (401), serves HTML with them', async () => {
		expect((await get('', null)).status).toBe(401);
		const wrong = `Basic ${Buffer.from(`${stack.secrets.statusUser}:wrong-${stack.secrets.statusPassword}`).toString('base64')}`;
		expect((await get('', wrong)).status).toBe(401);
		expect((await get('', 'Bearer x')).status).toBe(401);
		const ok = await get();
		expect(ok.status).toBe(200);
		expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
		expect(ok.headers.get('cache-control')).toBe('no-store');
		// n8n puts its sandbox policy on every webhook response; the page adds its own, stricter one
		expect(ok.headers.get('content-security-policy')).toMatch(/^sandbox /);
		expect(ok.body).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;none&#39;/);
		expect(ok.body).toContain('<html lang="ko">');
		expect(ok.body).not.toContain(stack.secrets.statusPassword);
	}, 60_000);

	it('shows every pipeline with its light, schedule, deadline, owner and reasons, escaped', async () => {
		const { body } = await get();
		for (const p of ['sales_daily', 'crm_sync', 'ad_spend_import', 'billing_export', 'finance_close']) expect(body).toContain(`>${p}</a>`);
		expect(body).toContain('0 6 * * * (Asia/Seoul)');
		expect(body).toContain('07:30');
		expect(body).toContain('김데이터');
		expect(body).toContain('3회 연속 실패');
		expect(body).toMatch(/실패 5.*주의 2.*데이터 없음 1.*평가 전 5.*정상 2/s); // the two odd ids are red; the simulator DAGs and the events-only pipeline have no evaluation
		// hostile values: shown as text, never as markup or links
		expect(body).not.toMatch(/<script/i);
		expect(body).not.toContain('onerror="');
		expect(body).not.toContain('onmouseover="');
		expect(body).not.toMatch(/<a [^>]*href="(?!https?:\/\/|\?)/i);
		expect(body).toContain('evil&lt;script&gt;window.__pwned=1&lt;/script&gt;');
		expect(body).toContain('&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;');
		expect(body).toContain('x&#39;); DROP TABLE pipeline_monitor.events; --');
		// the failure log of crm_sync links to Airflow
		expect(body).toContain('href="http://airflow.local:8080/dags/crm_sync/grid?task_id=extract_customers&amp;tab=logs"');
	}, 60_000);

	it('pages the failures tab (36 in two weeks, 25 per page); a page past the end shows the last page', async () => {
		const first = await get();
		expect(first.body).toContain('실패 (36)');
		expect(first.body).toContain('경고 (3)');
		expect(first.body).toContain('성공 (2)');
		expect(first.body).toContain('1 / 2 페이지 (총 36건)');
		expect(eventRows(first.body)).toBe(25);
		const second = await get('?page=2');
		expect(eventRows(second.body)).toBe(11);
		expect(second.body).toContain('rel="prev"');
		const past = await get('?page=99');
		expect(past.status).toBe(200);
		expect(past.body).toContain('99 페이지는 범위를 벗어나 마지막 페이지를 표시합니다.');
		expect(eventRows(past.body)).toBe(11);
	}, 60_000);

	it('tabs and date range select the events', async () => {
		const warnings = await get('?tab=warning');
		expect(eventRows(warnings.body)).toBe(3);
		expect(warnings.body).toContain('예상 종료보다 42분 늦게 성공');
		expect(warnings.body).not.toContain('CRM DB 연결 시간 초과');
		expect(eventRows((await get('?tab=success')).body)).toBe(2);
		const old = DateTime.fromISO(today).minus({ days: 25 }).toISODate();
		expect((await get()).body).not.toContain('20일 전 실패');
		const wide = await get(`?from=${old}&to=${today}&page=2`);
		expect(wide.body).toContain('20일 전 실패');
		expect(wide.body).toContain('(총 37건)');
		const none = await get('?from=2020-01-01&to=2020-01-31');
		expect(none.body).toContain('선택한 기간에 해당하는 이벤트가 없습니다.');
	}, 60_000);

	it('row counts: 30-day sparklines grouped by cadence, filterable', async () => {
		const { body } = await get();
		expect([...body.matchAll(/data-cadence="([a-z_]+)"/g)].map((m) => m[1])).toEqual(['regular', 'regular_holiday', 'monthly', 'irregular']);
		expect(body.match(/<svg class="bars"/g)).toHaveLength(7);
		expect(body).toContain('평소보다 적게 적재됨');
		// daily loads, not totals: dw.payments' last day (+600, red) is a red bar with a red dot
		const payments = body.slice(body.indexOf('title="dw.payments"'));
		const bars = /<svg class="bars"[\s\S]*?<\/svg>/.exec(payments)![0];
		expect(bars.match(/class="b-red"/g)).toHaveLength(1);
		expect(bars.match(/class="d-red"/g)).toHaveLength(1);
		expect(bars.match(/<rect class="b"/g)).toHaveLength(28); // 29 deltas over 30 days, the flagged one red
		expect(payments).toMatch(/이상 표시된 날: \d{4}-\d{2}-\d{2}/);
		// freshness, mute and annotation of dw.payments (schema v3/v4)
		const day0 = now.setZone('Asia/Seoul').startOf('day');
		expect(body).toContain(`최신 행 ${day0.plus({ hours: 10 }).minus({ hours: 26 }).toFormat('yyyy-MM-dd HH:mm')} (26.0시간 경과, 허용 6.0시간)`);
		expect(body).toContain(`${day0.plus({ days: 2 }).toISODate()}까지 알림 끔`);
		expect(body).toContain(`주석: ${day0.minus({ days: 3 }).toISODate()} 장애: PG사 장애로 결제 적재 지연`);
		expect((await get('?lang=en')).body).toContain(`Muted until ${day0.plus({ days: 2 }).toISODate()}`);
		const monthly = await get('?cadence=monthly');
		expect([...monthly.body.matchAll(/data-cadence="([a-z_]+)"/g)].map((m) => m[1])).toEqual(['monthly']);
	}, 60_000);

	it('English with lang=en, another zone with tz=', async () => {
		const en = await get('?lang=en&tz=UTC');
		expect(en.body).toContain('<html lang="en">');
		expect(en.body).toContain('Pipeline status');
		expect(en.body).toContain('Failed (36)');
		expect(en.body).toContain('UTC (UTC+00:00)');
		// stored Korean reasons are told again in English from their codes
		expect(en.body).toContain('3 consecutive failed runs');
		expect(en.body).not.toContain('3회 연속 실패');
		expect(en.body).toContain('Latest run failed (scheduled__2026-11-22T00:00:00+00:00)');
	}, 60_000);

	it('history strips: 14 days per pipeline from the stored days and the stored events, each day its worst light; a view asks Airflow nothing', async () => {
		sim.resetCounters();
		const { body } = await get();
		// the DAG with a written pattern: every one of the 14 days coloured as planned
		expect(stripOf(body, plan.handDag)).toBe(plan.handExpected);
		expect(plan.handExpected).toMatch(/^[RGY]{14}$/);
		// the n8n pipeline with stored events only (no stored days: its events are folded in as they are stored)
		expect(stripOf(body, plan.eventsPipeline)).toBe(plan.eventsExpected);
		// the simulator's generated DAGs: worst light of each local day of its runs
		for (const dag of plan.generatedDags) expect(stripOf(body, dag)).toBe(runLetters(sim.world.runs.filter((r) => r.dagId === dag), now, 'Asia/Seoul'));
		// the page read the database only (test/real/status-history.test.ts: the hourly workflow writing these days)
		expect(sim.requests).toEqual([]);
		expect(body).not.toContain('2주 이력이 아직 계산되지 않았습니다.');
	}, 60_000);

	it('bad parameters: 400 with the reason, or a notice; nothing reaches SQL', async () => {
		const before = await sql<{ n: number }>('SELECT count(*)::int AS n FROM pipeline_monitor.events');
		const bad = await get(`?page=0&from=${encodeURIComponent("2026-01-01'; DROP TABLE pipeline_monitor.events; --")}`);
		expect(bad.status).toBe(400);
		expect(bad.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(bad.body).toContain('잘못된 요청 (400)');
		expect(bad.body).toContain('<code>page</code> = <code>0</code>');
		expect(bad.body).toContain('2026-01-01&#39;; DROP TABLE');
		const badTz = await get(`?lang=en&tz=${encodeURIComponent("UTC' OR 1=1 --")}`);
		expect(badTz.status).toBe(400);
		expect(badTz.body).toContain('Bad request (400)');
		expect((await get('?page=1&page=2')).status).toBe(400);
		const notice = await get('?tab=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
		expect(notice.status).toBe(200);
		expect(notice.body).toContain('알 수 없는 탭 값 &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
		expect(await sql('SELECT count(*)::int AS n FROM pipeline_monitor.events')).toEqual(before);
	}, 60_000);

	withChromium('in headless Chromium: no planted script runs, no console errors, links only http(s)', async () => {
		const visit = await visitStatusPage(url, { username: stack.secrets.statusUser, password: stack.secrets.statusPassword });
		expect(visit.status).toBe(200);
		expect(visit.pwned).toBeUndefined();
		expect(visit.pageErrors).toEqual([]);
		expect(visit.consoleErrors).toEqual([]);
		expect(visit.text).toContain('evil<script>window.__pwned=1</script>');
		expect(visit.links.filter((l) => !/^https?:\/\//.test(l))).toEqual([]);
		// the page's own policy stops a script even if one slipped past the escaping
		const { body } = await get();
		const planted = await visitHtml(body.replace('<body>', '<body><script>window.__pwned = "csp"</script><img src="http://127.0.0.1:9/x.png">'));
		expect(planted.pwned).toBeUndefined();
		expect(planted.consoleErrors.join('\n')).toMatch(/Content Security Policy/);
	}, 120_000);

	for (const lang of ['ko', 'en'] as const) {
		for (const width of [390, 1280]) {
			withChromium(`${lang} at ${width} px: never wider than the viewport, odd ids contained`, async () => {
				const visit = await visitStatusPage(`${url}?lang=${lang}`, { username: stack.secrets.statusUser, password: stack.secrets.statusPassword }, undefined, width);
				expect(visit.status).toBe(200);
				expect(visit.consoleErrors).toEqual([]);
				expect(visit.pageWidth).toBeLessThanOrEqual(visit.viewportWidth);
				for (const id of Object.values(ODD_IDS)) expect(visit.titles).toContain(id);
				expect(visit.overflowingIds).toEqual([]);
			}, 120_000);
		}
	}

	withChromium('README screenshots: both languages at 390 and 1280 px with realistic data', async () => {
		await sql(REMOVE_HOSTILE_SQL);
		// the last three days: a compact figure that also shows the date range at work
		const from = DateTime.fromISO(today).minus({ days: 2 }).toISODate();
		for (const lang of ['ko', 'en'] as const) {
			for (const width of [390, 1280]) {
				const shot = path.join(SHOT_DIR, `status-page-${lang}-${width}.png`);
				const visit = await visitStatusPage(`${url}?lang=${lang}&from=${from}`, { username: stack.secrets.statusUser, password: stack.secrets.statusPassword }, shot, width);
				expect(visit.consoleErrors).toEqual([]);
				expect(visit.text).toContain(lang === 'ko' ? '파이프라인 상태' : 'Pipeline status');
				expect(visit.text).not.toContain('__pwned');
				expect(visit.pageWidth).toBeLessThanOrEqual(visit.viewportWidth);
				expect(fs.statSync(shot).size).toBeGreaterThan(20_000);
			}
		}
	}, 240_000);

	// issue 16: the basic auth's failure delay, and no secret in any execution n8n keeps
	it('delays a client after 5 wrong passwords (429 with Retry-After, even for the right password), then serves it again', async () => {
		const wrong = `Basic ${Buffer.from(`${stack.secrets.statusUser}:guess-${Date.now()}`).toString('base64')}`;
		const runs = (await executionsOf(stack.n8nEnv, 'pmStatusPage0001')).length;
		const times: number[] = [];
		for (let i = 0; i < 5; i++) {
			const started = Date.now();
			const res = await get('', wrong);
			times.push(Date.now() - started);
			expect(res.status).toBe(401);
			expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
		}
		const sixth = await get('', wrong);
		expect(sixth.status).toBe(429);
		const wait = Number(sixth.headers.get('retry-after'));
		expect(wait).toBeGreaterThanOrEqual(1);
		expect((await get()).status).toBe(429);
		// refusals are answered by the webhook node: no execution
		expect((await executionsOf(stack.n8nEnv, 'pmStatusPage0001')).length).toBe(runs);
		await new Promise((r) => setTimeout(r, wait * 1000 + 200));
		expect((await get()).status).toBe(200);
		expect((await get('', wrong)).status).toBe(401); // the count starts again after a success
		expect((await get()).status).toBe(200);
	}, 120_000);

	it('no execution n8n keeps holds the password or the Authorization header; the scan finds a planted value', async () => {
		const planted = `planted${Date.now().toString(36)}`;
		// a failing run is saved: the page's events query fails while the table is away
		await sql('ALTER TABLE pipeline_monitor.events RENAME TO events_away');
		try {
			expect((await get(`?lang=en&marker=${planted}`)).status).toBeGreaterThanOrEqual(500);
		} finally {
			await sql('ALTER TABLE pipeline_monitor.events_away RENAME TO events');
		}
		const basic = Buffer.from(`${stack.secrets.statusUser}:${stack.secrets.statusPassword}`).toString('base64');
		const scan = await scanExecutionData(stack.n8nEnv, { password: stack.secrets.statusPassword, authorization: basic, planted });
		expect(scan.found.planted).toBeGreaterThan(0);
		expect(scan.found.password).toBe(0);
		expect(scan.found.authorization).toBe(0);
	}, 120_000);

	it('keeps no successful run: n8n discards it by marking it deleted, and leaves its status "running" until pruning (why runs looked stuck)', async () => {
		const executions = await executionsOf(stack.n8nEnv, 'pmStatusPage0001');
		const discarded = executions.filter((e) => e.deletedAt !== null);
		expect(discarded.length).toBeGreaterThan(3);
		// n8n's deleteInFlightExecution sets deletedAt only (EXECUTIONS_DATA_PRUNE on, the default):
		// the status stays what it was while running until the pruning job removes the row
		expect(discarded.every((e) => e.status === 'running' && !e.finished)).toBe(true);
		expect(executions.filter((e) => e.deletedAt === null).every((e) => e.status === 'error')).toBe(true);
	}, 60_000);
});

#!/usr/bin/env node
// Renders a sample Teams Table report (lights in Korean, row counts in English) in headless
// Chromium, the way the Teams channel page of the local receiver draws it, and saves the
// screenshot for the README: node scripts/render-cards.mjs [out.png] (default docs/img/teams-card.png).
// Also, next to it: teams-card-phone.png (the same reports in the compact layout at 360 px) and
// failure-card-{ko,en}-{360,1280}.png, the failure reporter's red card (its columns, read from
// workflows/failure-reporter.json, and its six buttons, what fixed it last time) in the compact layout on a phone and on a desktop.
// Needs Debian's chromium at /usr/bin/chromium. Compiles the tools first (tsconfig.tools.json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.tools.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const require = createRequire(import.meta.url);
const build = (p) => require(path.join(root, '.build', p));
const { buildMessages } = build('nodes/logic/teams/report.js');
const { deliverAll } = build('nodes/logic/teams/send.js');
const { startTeamsReceiver } = build('test/support/teams/receiver.js');
const { renderChannel, chromiumMissing } = build('test/support/teams/renderChannel.js');

const missing = chromiumMissing();
if (missing) {
	console.error(`cannot render: ${missing}`);
	process.exit(1);
}
const out = path.resolve(root, process.argv[2] ?? 'docs/img/teams-card.png');
const now = '2026-11-22T00:30:00Z';
const lights = [
	{ pipeline: 'orders_daily', light: 'red', reasons: [{ code: 'latest_failed', light: 'red', text: '최근 실행 실패: load_orders (try 3/3)' }], lastRun: { endedAt: '2026-11-22T00:12:00Z' }, url: 'https://airflow.example.com/dags/orders_daily/grid' },
	{ pipeline: 'crm_sync (n8n)', light: 'yellow', reasons: [{ code: 'late', light: 'yellow', text: '예정보다 42분 늦음' }], lastRun: { endedAt: '2026-11-21T23:40:00Z' }, url: 'https://n8n.example.com/workflow/12/executions/981' },
	{ pipeline: 'dw_fact_sales', light: 'green', reasons: [{ code: 'ok', light: 'green', text: '정상' }], lastRun: { endedAt: '2026-11-22T00:05:00Z' }, url: 'https://airflow.example.com/dags/dw_fact_sales/grid' },
	{ pipeline: 'marketing_export', light: 'grey', reasons: [{ code: 'paused', light: 'grey', text: '일시 중지됨' }], lastRun: null, url: 'https://airflow.example.com/dags/marketing_export/grid' },
];
const rowCounts = [
	{ table: 'dw.fact_sales', rows: 812340, delta: -402113, expectedLow: 1150000, expectedHigh: 1290000, light: 'red', reason: { text: 'rows dropped far below the expected range' }, trend: [1210000, 1198000, 1224000, 1250000, 1232000, 1214500, 812340] },
	{ table: 'dw.dim_customer', rows: 50212, delta: 1290, expectedLow: 48000, expectedHigh: 52000, light: 'green', reason: { text: 'within the expected range' }, trend: [45000, 46100, 47020, 47900, 48800, 48922, 50212] },
	{ table: 'stg.orders_raw', rows: 99120, delta: 40211, expectedLow: 50000, expectedHigh: 70000, light: 'yellow', reason: { text: 'unusually many rows (backfill?)' }, trend: [61000, 58000, 63000, 60000, 59000, 58909, 99120] },
];
const rx = await startTeamsReceiver({ rateLimit: false });
try {
	const messages = [
		...buildMessages(lights, { now, language: 'ko', title: '데이터 파이프라인 현황', subtitle: '매일 09:30 점검', reportUrl: 'https://status.example.com/', mentions: [{ name: '김데이터', id: 'kim@example.com' }] }),
		...buildMessages(rowCounts, { now, title: 'Row counts — nightly load' }),
	];
	const results = await deliverAll(rx.workflowsUrl, messages.map((m) => m.body), { minIntervalMs: 0 });
	if (!results.every((r) => r.delivered)) throw new Error('the receiver did not take every message');
	const render = await renderChannel(rx.channelUrl, out, 980);
	const bad = render.results.filter((r) => !r.ok || r.events.length);
	if (bad.length) throw new Error(`renderer events: ${JSON.stringify(bad)}`);
	console.log(`saved ${path.relative(root, out)} (${messages.length} messages, ${messages.map((m) => m.bytes + ' B').join(', ')})`);
	// the same reports in the compact layout, as a phone (360 px) shows them
	rx.clear();
	const compact = [
		...buildMessages(lights, { now, language: 'ko', title: '데이터 파이프라인 현황', reportUrl: 'https://status.example.com/', layout: 'compact' }),
		...buildMessages(rowCounts, { now, title: 'Row counts — nightly load', layout: 'compact' }),
	];
	await deliverAll(rx.workflowsUrl, compact.map((m) => m.body), { minIntervalMs: 0 });
	const phoneOut = out.replace(/\.png$/, '-phone.png');
	const phone = await renderChannel(rx.channelUrl, phoneOut, 360);
	if (phone.brokenWords.length) throw new Error(`words broken at 360 px: ${phone.brokenWords.join(', ')}`);
	console.log(`saved ${path.relative(root, phoneOut)} (compact layout at 360 px)`);
	// a failure card as the collectors post it (their columns and buttons), compact layout, both languages, phone and desktop
	const reporter = JSON.parse(fs.readFileSync(path.join(root, 'workflows', 'failure-reporter.json'), 'utf8'));
	const redCard = reporter.nodes.find((n) => n.name === 'Post Red Card');
	if (!redCard) throw new Error('workflows/failure-reporter.json has no "Post Red Card" node: update scripts/render-cards.mjs');
	const columns = redCard.parameters.columns.column;
	const failure = {
		en: {
			title: 'Airflow task failed',
			summary: 'load_orders failed: relation "staging.orders_tmp" does not exist (UndefinedTable)',
			suggestedAction: 'Check that the upstream export created staging.orders_tmp, then clear the task',
			lastFix: '2026-11-12, resolved by Kim Minji: re-ran after the upstream export finished',
			links: ['Runbook', 'Log', 'Status page', 'Acknowledge', 'Retry failed tasks', 'Mute'],
		},
		ko: {
			title: 'Airflow 작업 실패',
			summary: 'load_orders 실패: staging.orders_tmp 테이블이 없음 (UndefinedTable)',
			suggestedAction: '상위 내보내기가 staging.orders_tmp를 만들었는지 확인한 뒤 태스크를 다시 실행하세요',
			lastFix: '2026-11-12, Kim Minji 처리: 상위 내보내기가 끝난 뒤 다시 실행함',
			links: ['런북', '로그', '상태 페이지', '확인 처리', '실패 태스크 재시도', '알림 끄기'],
		},
	};
	const urls = ['https://wiki.example.com/runbooks/orders', 'https://airflow.example.com/dags/orders_daily_load/grid?task_id=load_orders', 'https://status.example.com/', 'https://n8n.example.com/webhook/pipeline-monitor/action?a=acknowledge', 'https://n8n.example.com/webhook/pipeline-monitor/action?a=retry', 'https://n8n.example.com/webhook/pipeline-monitor/action?a=mute'];
	for (const language of ['ko', 'en']) {
		const f = failure[language];
		const item = { light: 'red', pipeline: 'orders_daily_load', taskId: 'load_orders', runId: 'scheduled__2026-11-29T21:00:00+00:00', tryNumber: 3, summary: f.summary, suggestedAction: f.suggestedAction, lastFix: f.lastFix, links: f.links.map((title, i) => ({ title, url: urls[i] })) };
		const message = buildMessages([item], { now, language, title: f.title, columns, overflow: 'truncate', reportUrl: 'https://status.example.com/', layout: 'compact' });
		for (const width of [360, 1280]) {
			rx.clear();
			await deliverAll(rx.workflowsUrl, message.map((m) => m.body), { minIntervalMs: 0 });
			const target = path.join(path.dirname(out), `failure-card-${language}-${width}.png`);
			const shot = await renderChannel(rx.channelUrl, target, width);
			const faults = shot.results.filter((r) => !r.ok || r.events.length);
			if (faults.length) throw new Error(`renderer events: ${JSON.stringify(faults)}`);
			// Korean text may break between Hangul syllables (UAX #14 allows it; Teams and Chromium do it
			// without word-break: keep-all, which a card cannot set): only other words count as broken
			const broken = shot.brokenWords.filter((w) => !/^[\p{Script=Hangul}]+$/u.test(w));
			if (broken.length) throw new Error(`failure card (${language}) words broken at ${width} px: ${broken.join(', ')}`);
			if (!f.links.every((title) => shot.text.includes(title))) throw new Error(`failure card (${language}) at ${width} px lacks a button`);
			console.log(`saved ${path.relative(root, target)} (failure card, compact layout, ${width} px, no word broken)`);
		}
	}
} finally {
	await rx.stop();
}

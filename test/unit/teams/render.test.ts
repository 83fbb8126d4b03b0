/**
 * Rendering check: the cards the node produces, posted to the local receiver, drawn by the
 * adaptivecards renderer in headless Chromium as the Teams channel page does. Skips (with the
 * reason printed) where /usr/bin/chromium is absent; the CI script installs it.
 */
import os from 'node:os';
import path from 'node:path';
import { buildMessages } from '../../../nodes/logic/teams/report';
import { deliverAll } from '../../../nodes/logic/teams/send';
import { genLights, genRowCounts, genSummaries } from '../../support/teams/generate';
import { startTeamsReceiver } from '../../support/teams/receiver';
import type { TeamsReceiver } from '../../support/teams/receiver';
import { chromiumMissing, renderChannel } from '../../support/teams/renderChannel';

const missing = chromiumMissing();
if (missing) console.warn(`SKIPPED Teams rendering check: ${missing}`);
const maybe = missing ? describe.skip : describe;
const NOW = '2026-11-22T01:00:00Z';
const fast = { minIntervalMs: 0, baseDelayMs: 5 };

maybe('Teams cards rendered by adaptivecards in headless Chromium', () => {
	let rx: TeamsReceiver;
	beforeAll(async () => {
		rx = await startTeamsReceiver({ rateLimit: false });
	});
	afterAll(async () => rx.stop());

	it('renders every part without parse or validation events, one ColumnSet per row, log text shown literally', async () => {
		const lights = buildMessages(genLights(25, { korean: true, markup: true }), { now: NOW, language: 'ko', maxBytes: 12 * 1024, maxParts: 0, reportUrl: 'https://status.example.com/' });
		const counts = buildMessages(genRowCounts(6, { emoji: true }), { now: NOW, title: 'Row counts' });
		const summaries = buildMessages(genSummaries(4, { markup: true }), { now: NOW, format: 'messageCard' });
		const all = [...lights, ...counts];
		await deliverAll(rx.workflowsUrl, all.map((m) => m.body), fast);
		await deliverAll(rx.connectorUrl, summaries.map((m) => m.body), { ...fast, kind: 'connector' });
		expect(rx.posted()).toHaveLength(all.length + summaries.length);

		const shot = path.join(os.tmpdir(), `teams-render-${process.pid}.png`);
		const { results, text, links } = await renderChannel(rx.channelUrl, shot);
		expect(results).toHaveLength(all.length + summaries.length);
		for (const [i, m] of all.entries()) {
			expect(results[i]).toMatchObject({ ok: true, events: [] });
			expect(results[i].columnSets).toBeGreaterThanOrEqual(m.rows + 1); // header + rows (+ nested none)
		}
		expect(results.slice(all.length).every((r) => r.ok)).toBe(true);
		// escaped log text shows literally: no bold, no injected link, no raw HTML element
		expect(text).toContain('**bold**');
		expect(text).toContain('<script>alert(1)</script>');
		expect(text).toContain('{{DATE(');
		expect(links.some((l) => l.startsWith('javascript:'))).toBe(false);
		expect(text).toContain('파이프라인 현황');
		expect(text).toMatch(/🔴 빨강 \d+/);
	}, 60_000);

	it('shows a card Teams Workflows would refuse as a failed flow run, not as a post', async () => {
		rx.clear();
		const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'too new' }] };
		await deliverAll(rx.workflowsUrl, [JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] })], fast);
		const { results, text } = await renderChannel(rx.channelUrl);
		expect(results[0].ok).toBe(false);
		expect(text).toContain('Flow run failed: attachments[0].content.version 1.5 is above 1.4');
	}, 60_000);

	it('compact layout on a phone (360 px): no word or number broken mid-token, nothing cut; the table layout there breaks them', async () => {
		const items = [...genRowCounts(5, { emoji: true })].map((r, i) => ({ ...r, table: `warehouse.orders_daily_load_${i}`, rows: 818_739 + i }));
		const compact = buildMessages(items, { now: NOW, title: 'Row counts', layout: 'compact' });
		const table = buildMessages(items, { now: NOW, title: 'Row counts', layout: 'table' });
		const at = async (messages: typeof compact, width: number) => {
			rx.clear();
			await deliverAll(rx.workflowsUrl, messages.map((m) => m.body), fast);
			const shot = path.join(os.tmpdir(), `teams-${width}-${process.pid}.png`);
			return renderChannel(rx.channelUrl, shot, width);
		};
		const phone = await at(compact, 360);
		expect(phone.results.every((r) => r.ok && r.events.length === 0)).toBe(true);
		expect(phone.brokenWords).toEqual([]);
		expect(phone.clipped).toBe(0);
		// (the name carries zero-width break opportunities after its separators)
		expect(phone.text.replace(/\u200B/g, '')).toContain('warehouse.orders_daily_load_0');
		expect(phone.text).toContain('818,739');
		const desktop = await at(compact, 1280);
		expect(desktop.brokenWords).toEqual([]);
		// the check can fail: the column table at phone width breaks words, which is why compact exists
		const tablePhone = await at(table, 360);
		expect(tablePhone.brokenWords.length).toBeGreaterThan(0);
	}, 90_000);
});

/**
 * Opens the status page in headless Chromium (Debian's chromium, driven by playwright-core) with
 * HTTP basic auth, and reports what a reader's browser did: console errors, page errors, whether
 * a planted script ran (window.__pwned), the visible text, the links. Optionally saves a screenshot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';

import { CHROMIUM_PATH, chromiumMissing } from '../teams/renderChannel';

export { chromiumMissing };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PageVisit {
	status: number | null;
	pwned: unknown;
	consoleErrors: string[];
	pageErrors: string[];
	text: string;
	links: string[];
	/** how wide the page is laid out, against the viewport (wider means the reader scrolls sideways) */
	pageWidth: number;
	viewportWidth: number;
	/** every title attribute (where the page keeps ids it shortens) */
	titles: string[];
	/** ids (.id) whose box reaches outside their table cell or the viewport, or that do not clip what they draw */
	overflowingIds: string[];
}

async function withPage<T>(credentials: { username: string; password: string } | undefined, width: number, use: (page: Page, consoleErrors: string[], pageErrors: string[]) => Promise<T>): Promise<T> {
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		viewport: { width, height: 900 },
		deviceScaleFactor: 1,
		locale: 'ko-KR',
		...(credentials ? { httpCredentials: credentials } : {}),
		args: ARGS,
	});
	try {
		const page = await context.newPage();
		const consoleErrors: string[] = [];
		const pageErrors: string[] = [];
		page.on('console', (m) => {
			if (m.type() === 'error') consoleErrors.push(m.text());
		});
		page.on('pageerror', (e) => pageErrors.push(String(e)));
		return await use(page, consoleErrors, pageErrors);
	} finally {
		await context.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

async function describePage(page: Page, status: number | null, consoleErrors: string[], pageErrors: string[]): Promise<PageVisit> {
	// give any planted handler (onerror, autofocus/onfocus) a moment to fire
	await page.waitForTimeout(300);
	return {
		status,
		pwned: await page.evaluate('window.__pwned'),
		consoleErrors: [...consoleErrors],
		pageErrors: [...pageErrors],
		text: (await page.evaluate('document.body.innerText')) as string,
		links: (await page.evaluate("Array.from(document.querySelectorAll('a')).map((a) => a.href)")) as string[],
		pageWidth: (await page.evaluate('document.documentElement.scrollWidth')) as number,
		viewportWidth: (await page.evaluate('window.innerWidth')) as number,
		titles: (await page.evaluate("Array.from(document.querySelectorAll('[title]')).map((e) => e.getAttribute('title'))")) as string[],
		overflowingIds: (await page.evaluate(`Array.from(document.querySelectorAll('.id')).flatMap((e) => {
			const r = e.getBoundingClientRect();
			const cell = (e.closest('td') || document.body).getBoundingClientRect();
			const out = Math.max(cell.left - r.left, r.right - cell.right, cell.top - r.top, r.bottom - cell.bottom, r.right - window.innerWidth);
			// marks drawn above or below a glyph are not part of its box: the id must clip what it draws
			const clips = ['hidden', 'clip'].includes(getComputedStyle(e).overflowY);
			return out > 1 || !clips ? [(e.textContent || '').slice(0, 40) + (clips ? '' : ' (not clipped)') + ' +' + Math.round(out) + 'px'] : [];
		})`)) as string[],
	};
}

export async function visitStatusPage(url: string, credentials: { username: string; password: string }, screenshotPath?: string, width = 1360): Promise<PageVisit> {
	return withPage(credentials, width, async (page, consoleErrors, pageErrors) => {
		const response = await page.goto(url, { waitUntil: 'load' });
		const visit = await describePage(page, response?.status() ?? null, consoleErrors, pageErrors);
		if (screenshotPath) {
			fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
			// a phone picture shows the top of the page (the whole page would be a strip too long to read in the README)
			const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
			await page.screenshot(width < 720 ? { path: screenshotPath, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 1800) } } : { path: screenshotPath, fullPage: true });
		}
		return visit;
	});
}

/** Loads given HTML (e.g. the page with a script planted after the CSP) as a document and reports the same. */
export async function visitHtml(html: string, width = 1000, screenshotPath?: string): Promise<PageVisit> {
	return withPage(undefined, width, async (page, consoleErrors, pageErrors) => {
		await page.setContent(html, { waitUntil: 'load' });
		const visit = await describePage(page, null, consoleErrors, pageErrors);
		if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });
		return visit;
	});
}

/**
 * Opens the receiver's channel page in headless Chromium (Debian's `chromium` package, driven by
 * playwright-core) and returns what the adaptivecards renderer made of each message, plus an
 * optional screenshot. Used by the rendering test, the README screenshot script and the demo.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface RenderResult {
	index: number;
	kind: 'workflows' | 'connector';
	ok: boolean;
	events: { phase: string; event?: number; message: string }[];
	columnSets: number;
}

export interface ChannelRender {
	results: RenderResult[];
	/** the text a reader sees, for checks on escaping */
	text: string;
	/** the links a reader can click */
	links: string[];
}

/** Why Chromium cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
	return fs.existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is absent (install Debian's chromium package: apt-get install -y chromium)`;
}

export async function renderChannel(channelUrl: string, screenshotPath?: string, width = 1100): Promise<ChannelRender> {
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teams-chromium-'));
	// a fresh profile each time (playwright passes it to Chromium as --user-data-dir)
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		viewport: { width, height: 800 },
		deviceScaleFactor: 1,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	try {
		const page = await context.newPage();
		const pageErrors: string[] = [];
		page.on('pageerror', (error) => pageErrors.push(String(error)));
		await page.goto(channelUrl);
		await page.waitForFunction('window.__rendered === true', undefined, { timeout: 30_000 });
		const renderError = (await page.evaluate('window.__renderError || null')) as string | null;
		if (renderError || pageErrors.length) throw new Error(`channel page failed: ${renderError ?? pageErrors.join('; ')}`);
		const results = (await page.evaluate('window.__renderResults')) as RenderResult[];
		const text = (await page.evaluate("document.getElementById('channel').innerText")) as string;
		const links = (await page.evaluate("Array.from(document.querySelectorAll('#channel a')).map((a) => a.href)")) as string[];
		if (screenshotPath) {
			fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
			await page.screenshot({ path: screenshotPath, fullPage: true });
		}
		return { results, text, links };
	} finally {
		await context.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

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
	/**
	 * words and numbers the layout broke inside, across lines (a run of letters and digits, with
	 * the `,` `.` `:` inside numbers and times; a break between emoji or after a separator is fine)
	 */
	brokenWords: string[];
	/** text elements whose content is cut off horizontally */
	clipped: number;
}

// In the page: every word of every text element, measured with a Range; a word drawn in more than
// one line box was broken inside (e.g. "Stat/us", "818,73/9" on a phone).
const MEASURE = `(() => {
	const broken = [];
	let clipped = 0;
	const walker = document.createTreeWalker(document.getElementById('channel'), NodeFilter.SHOW_TEXT);
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		const text = node.textContent || '';
		const el = node.parentElement;
		if (el && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow === 'hidden' && getComputedStyle(el).whiteSpace !== 'nowrap') clipped++;
		const re = /[\\p{L}\\p{N}](?:[\\p{L}\\p{N}]|[,.:](?=\\p{N}))*/gu;
		for (let m = re.exec(text); m; m = re.exec(text)) {
			const range = document.createRange();
			range.setStart(node, m.index);
			range.setEnd(node, m.index + m[0].length);
			const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
			if (tops.size > 1) broken.push(m[0]);
		}
	}
	return { broken, clipped };
})()`;

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
		const measured = (await page.evaluate(MEASURE)) as { broken: string[]; clipped: number };
		if (screenshotPath) {
			fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
			await page.screenshot({ path: screenshotPath, fullPage: true });
		}
		return { results, text, links, brokenWords: measured.broken, clipped: measured.clipped };
	} finally {
		await context.close();
		fs.rmSync(userDataDir, { recursive: true, force: true });
	}
}

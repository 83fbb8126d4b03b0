import { InputError } from '../../../nodes/logic/shared/errors';
import { buildMessages } from '../../../nodes/logic/teams/report';
import type { TeamsFormat } from '../../../nodes/logic/teams/types';
import { genLights, genRowCounts, genRuns } from '../../support/teams/generate';

const NOW = '2026-11-22T01:00:00Z';
const FORMATS: TeamsFormat[] = ['adaptiveCard', 'messageCard', 'html', 'markdown'];

function allIndexes(messages: { itemIndexes: number[] }[]): number[] {
	return messages.flatMap((m) => m.itemIndexes).sort((a, b) => a - b);
}

describe('size budget in UTF-8 bytes of the whole POST body', () => {
	it('measures bytes of the exact body (Korean counts 3 bytes a character)', () => {
		const [m] = buildMessages(genLights(3, { korean: true }), { now: NOW, language: 'ko' });
		expect(m.bytes).toBe(Buffer.byteLength(m.body, 'utf8'));
		expect(m.body).toBe(JSON.stringify(m.payload));
		expect(m.bytes).toBeGreaterThan(m.body.length); // multi-byte characters are counted as bytes
	});

	for (const format of FORMATS) {
		it(`${format}: split keeps every row, in order, each part within the limit`, () => {
			const items = genLights(600, { korean: true });
			const messages = buildMessages(items, { now: NOW, format, maxParts: 0, maxBytes: 8 * 1024 });
			expect(messages.length).toBeGreaterThan(1);
			for (const m of messages) {
				expect(m.bytes).toBeLessThanOrEqual(8 * 1024);
				expect(m.parts).toBe(messages.length);
				expect(m.omitted).toBe(0);
			}
			expect(messages.map((m) => m.part)).toEqual(messages.map((_, i) => i + 1));
			expect(allIndexes(messages)).toEqual(items.map((_, i) => i));
			// numbered parts in the text
			const text = typeof messages[1].payload === 'string' ? messages[1].payload : messages[1].body;
			expect(text).toContain(`part 2/${messages.length}`);
		});

		it(`${format}: truncate keeps one message and says how many rows were left out`, () => {
			const items = genRowCounts(800);
			const [m, ...rest] = buildMessages(items, { now: NOW, format, overflow: 'truncate', reportUrl: 'https://status.example.com/' });
			expect(rest).toHaveLength(0);
			expect(m.bytes).toBeLessThanOrEqual(24 * 1024);
			expect(m.omitted).toBe(800 - m.rows);
			expect(m.omitted).toBeGreaterThan(0);
			expect(m.body).toContain(`and ${m.omitted} more rows not shown`);
			expect(m.body).toContain('https://status.example.com/');
		});
	}

	it('maxParts caps the messages and the last one counts the rest', () => {
		const items = genRuns(2000);
		const messages = buildMessages(items, { now: NOW, maxParts: 3 });
		expect(messages).toHaveLength(3);
		const shown = messages.reduce((n, m) => n + m.rows, 0);
		expect(messages[2].omitted).toBe(2000 - shown);
		expect(messages[0].omitted + messages[1].omitted).toBe(0);
		expect(messages[2].body).toContain(`and ${2000 - shown} more`);
	});

	it('a MessageCard holds at most 10 sections (Teams shows no more)', () => {
		const messages = buildMessages(genLights(40), { now: NOW, format: 'messageCard', maxParts: 0 });
		for (const m of messages) expect((m.payload as { sections: unknown[] }).sections.length).toBeLessThanOrEqual(10);
		expect(messages.reduce((n, m) => n + m.rows, 0)).toBe(40);
	});

	it('a row larger than a whole message is cut shorter, never dropped', () => {
		const items = genLights(3, { longText: 20000, korean: true });
		const messages = buildMessages(items, { now: NOW, maxBytes: 4096, maxCellChars: 20000, maxParts: 0 });
		expect(allIndexes(messages)).toEqual([0, 1, 2]);
		for (const m of messages) expect(m.bytes).toBeLessThanOrEqual(4096);
		expect(messages[0].body).toContain('…');
	});

	it('rejects a budget over the 28 KB hard limit or too small to hold a frame', () => {
		expect(() => buildMessages(genLights(2), { maxBytes: 28 * 1024 + 1 })).toThrow(/maxBytes must be a whole number from 4096 to 28672/);
		expect(() => buildMessages(genLights(2), { maxBytes: 1000 })).toThrow(InputError);
		expect(() => buildMessages(genLights(2), { maxBytes: 28 * 1024 })).not.toThrow();
	});
});

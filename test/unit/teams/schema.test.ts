import { buildMessages } from '../../../nodes/logic/teams/report';
import type { ReportOptions } from '../../../nodes/logic/teams/types';
import { checkAdaptiveCard, checkWorkflowsMessage } from '../../support/teams/cardSchema';
import { genLights, genRowCounts, genRuns, genSummaries } from '../../support/teams/generate';
import type { GenOptions } from '../../support/teams/generate';

type Json = Record<string, unknown>;
const NOW = '2026-11-22T01:00:00Z';

function cardsOf(items: object[], options: Partial<ReportOptions> = {}) {
	return buildMessages(items, { now: NOW, whenEmpty: 'report', ...options });
}

function expectValid(items: object[], options: Partial<ReportOptions> = {}): number {
	const messages = cardsOf(items, options);
	for (const m of messages) {
		const check = checkWorkflowsMessage(m.payload);
		if (!check.valid) throw new Error(`part ${m.part}/${m.parts} invalid:\n${check.errors.slice(0, 10).join('\n')}`);
		expect(m.bytes).toBeLessThanOrEqual(options.maxBytes ?? 24 * 1024);
	}
	return messages.length;
}

describe('the validator itself (schema quirks from test/fixtures/reference/README.md)', () => {
	const minimal = { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'hi' }] };

	it('accepts a plain 1.4 card and the Teams-only msteams property', () => {
		expect(checkAdaptiveCard(minimal).errors).toEqual([]);
		expect(checkAdaptiveCard({ ...minimal, msteams: { width: 'Full' } }).valid).toBe(true);
		const mention = { type: 'mention', text: '<at>Kim</at>', mentioned: { id: 'kim@example.com', name: 'Kim' } };
		expect(checkAdaptiveCard({ ...minimal, msteams: { width: 'Full', entities: [mention] } }).valid).toBe(true);
	});

	it('rejects a malformed msteams property and unknown properties elsewhere', () => {
		expect(checkAdaptiveCard({ ...minimal, msteams: { width: 'Wide' } }).valid).toBe(false);
		expect(checkAdaptiveCard({ ...minimal, msteams: { entities: [{ type: 'mention', text: 'Kim' }] } }).valid).toBe(false);
		expect(checkAdaptiveCard({ ...minimal, body: [{ type: 'TextBlock', text: 'x', colour: 'red' }] }).valid).toBe(false);
		expect(checkAdaptiveCard({ ...minimal, body: [{ type: 'TextBlock', text: 'x', color: 'purple' }] }).valid).toBe(false);
	});

	it('reads Table header flags in both spellings, and flags a 1.5 element in a 1.4 card', () => {
		const table = (flag: string) => ({
			type: 'AdaptiveCard',
			version: '1.5',
			body: [{ type: 'Table', [flag]: true, columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [{ type: 'TextBlock', text: 'a' }] }] }] }],
		});
		expect(checkAdaptiveCard(table('firstRowAsHeaders')).errors).toEqual([]);
		expect(checkAdaptiveCard(table('firstRowAsHeader')).errors).toEqual([]);
		const old = { ...table('firstRowAsHeaders'), version: '1.4' };
		expect(checkAdaptiveCard(old).errors.join('\n')).toMatch(/Table, new in 1\.5/);
	});
});

describe('every Adaptive Card produced validates against the 1.5 schema and uses only 1.4', () => {
	const cases: [string, GenOptions][] = [
		['plain', {}],
		['Korean', { korean: true }],
		['emoji', { emoji: true }],
		['HTML and markdown in log text', { markup: true }],
		['very long cells', { longText: 5000, korean: true }],
		['everything at once', { korean: true, emoji: true, markup: true, longText: 800 }],
	];
	const shapes: [string, (n: number, o: GenOptions) => Json[]][] = [
		['light', (n, o) => genLights(n, o) as unknown as Json[]],
		['rowCount', (n, o) => genRowCounts(n, o) as unknown as Json[]],
		['run', (n, o) => genRuns(n, o) as unknown as Json[]],
		['summary', (n, o) => genSummaries(n, o) as unknown as Json[]],
	];

	it('for empty input (an empty report)', () => {
		expect(expectValid([])).toBe(1);
		expect(expectValid([{}], { language: 'ko' })).toBe(1);
	});

	for (const [shape, gen] of shapes) {
		for (const [name, options] of cases) {
			it(`${shape} items, ${name}: one row and 40 rows, both languages`, () => {
				expect(expectValid(gen(1, options))).toBe(1);
				expectValid(gen(40, options), { language: 'ko', mentions: [{ name: '김 담당', id: 'kim@example.com' }] });
			});
		}
	}

	it('1,000 rows in split and truncate modes, with the small and the largest budget', () => {
		const lights = genLights(1000, { korean: true });
		expect(expectValid(lights, { maxParts: 0 })).toBeGreaterThan(1);
		expect(expectValid(lights, { overflow: 'truncate' })).toBe(1);
		expectValid(genRowCounts(1000), { maxParts: 0, maxBytes: 28 * 1024 });
		expectValid(genRowCounts(1000), { maxParts: 0, maxBytes: 4096 });
	});

	it('items with missing fields, mixed shapes and user-picked columns', () => {
		const lights = genLights(10) as unknown as Json[];
		for (const item of lights.slice(0, 5)) {
			delete item.reasons;
			delete item.lastRun;
			delete item.url;
		}
		expectValid(lights);
		const mixed = [...(genRuns(5) as unknown as Json[]), ...(genRowCounts(5) as unknown as Json[]), { anything: 'else' }];
		expectValid(mixed);
		expectValid(genRuns(20) as unknown as Json[], {
			columns: [
				{ field: 'state', kind: 'status', label: 'S' },
				{ field: 'pipeline', label: '<b>Pipe</b> **x**' },
				{ field: 'durationSec', kind: 'duration' },
				{ field: 'url', kind: 'link' },
			],
		});
	});

	it('with a report link, a subtitle and no full width', () => {
		expectValid(genLights(30), { reportUrl: 'https://status.example.com/report?x=(1)', subtitle: 'nightly _loads_ <i>', fullWidth: false });
	});
});

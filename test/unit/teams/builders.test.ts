import { sparkline, formatDuration, formatDelta } from '../../../nodes/logic/teams/cells';
import { clampText, escapeAdaptive, escapeHtml, escapeMarkdownCell, escapeMessageCard, safeUrl, toSingleLine } from '../../../nodes/logic/teams/escape';
import { buildMessages } from '../../../nodes/logic/teams/report';
import { buildReport } from '../../../nodes/logic/teams/rows';
import { DEFAULT_OPTIONS } from '../../../nodes/logic/teams/report';
import { detectCommonShape, detectShape, lightOf } from '../../../nodes/logic/teams/shape';
import { genLights, genRowCounts, genRuns, genSummaries } from '../../support/teams/generate';

type Json = Record<string, unknown>;
const NOW = '2026-11-22T01:00:00Z';
const report = (items: object[], o = {}) => buildReport(items as Json[], { ...DEFAULT_OPTIONS, now: NOW, ...o });

describe('item shapes and lights', () => {
	it('detects each shape of DESIGN.md', () => {
		expect(detectShape(genRuns(1)[0] as unknown as Json)).toBe('run');
		expect(detectShape(genLights(1)[0] as unknown as Json)).toBe('light');
		expect(detectShape(genRowCounts(1)[0] as unknown as Json)).toBe('rowCount');
		expect(detectShape(genSummaries(1)[0] as unknown as Json)).toBe('summary');
		expect(detectShape({ hello: 1 })).toBe('other');
		expect(detectCommonShape([...genRuns(1), ...genLights(1)] as unknown as Json[])).toBe('other');
	});

	it('takes the light from light, severity or native state', () => {
		expect(lightOf({ light: 'yellow' })).toBe('yellow');
		expect(lightOf({ severity: 'critical' })).toBe('red');
		expect(lightOf({ severity: 'low' })).toBe('yellow');
		expect(lightOf({ state: 'failed' })).toBe('red');
		expect(lightOf({ state: 'up_for_retry' })).toBe('yellow');
		expect(lightOf({ state: 'success' })).toBe('green');
		expect(lightOf({ state: 'running' })).toBe('grey');
		expect(lightOf({})).toBe('grey');
	});

	it('sorts worst first, keeping input order among equals, and counts lights', () => {
		const items = ['green', 'red', 'grey', 'yellow', 'red', 'green'].map((light, i) => ({ pipeline: `p${i}`, light, reasons: [] }));
		const r = report(items);
		expect(r.rows.map((row) => `${row.light}:${row.index}`)).toEqual(['red:1', 'red:4', 'yellow:3', 'grey:2', 'green:0', 'green:5']);
		expect(r.counts).toEqual({ red: 2, yellow: 1, green: 2, grey: 1 });
	});
});

describe('columns', () => {
	it('uses defaults per shape and drops columns no item has', () => {
		expect(report(genRowCounts(2)).columns.map((c) => c.key)).toEqual(['status', 'table', 'rows', 'delta', 'expected', 'trend', 'reason']);
		expect(report(genLights(2)).columns.map((c) => c.key)).toEqual(['status', 'pipeline', 'reason', 'lastRun', 'link']);
		expect(report(genRuns(2).map(({ taskId: _t, ...rest }) => rest)).columns.map((c) => c.key)).not.toContain('task');
		expect(report(genSummaries(2), { language: 'ko' }).columns.map((c) => c.label)).toEqual(['상태', '파이프라인', '태스크', '분류', '요약', '권장 조치', '링크']);
	});

	it('follows the columns the user picks, renames and orders', () => {
		const r = report(genRowCounts(1), { columns: [{ field: 'rows', label: 'Count' }, { field: 'table' }, { field: 'trend', kind: 'trend' }] });
		expect(r.columns.map((c) => c.label)).toEqual(['Count', 'Table', 'Trend']);
		expect(r.rows[0].cells[2]).toMatch(/^[▁▂▃▄▅▆▇█]{8}$/);
	});

	it('names a chosen column that no item has, with the fields that exist', () => {
		expect(() => report(genRuns(2), { columns: [{ field: 'pipline' }] })).toThrow(/columns\[0\]\.field is in none of the items: "pipline"/);
		try {
			report(genRuns(2), { columns: [{ field: 'pipline' }] });
		} catch (error) {
			expect((error as { hint: string }).hint).toContain('pipeline');
		}
	});

	it('fails clearly on no items unless asked to report or skip', () => {
		expect(() => buildMessages([], { now: NOW })).toThrow(/items contain nothing to report/);
		expect(buildMessages([{}], { now: NOW, whenEmpty: 'skip' })).toEqual([]);
		expect(buildMessages([], { now: NOW, whenEmpty: 'report', language: 'ko' })[0].body).toContain('보고할 항목이 없습니다');
	});
});

describe('cells', () => {
	it('draws a text sparkline scaled to the values', () => {
		expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
		expect(sparkline([5, 5, 5])).toBe('▄▄▄');
		expect(sparkline([0, null, 10])).toBe('▁ █');
		expect(sparkline([])).toBe('');
		expect(sparkline(Array.from({ length: 30 }, (_, i) => i))).toHaveLength(12);
	});

	it('formats durations, deltas and dates in the chosen zone', () => {
		expect(formatDuration(3725)).toBe('1h 02m');
		expect(formatDuration(200)).toBe('3m 20s');
		expect(formatDelta(1200)).toBe('+1,200');
		expect(formatDelta(-35)).toBe('-35');
		const seoul = report(genRuns(1));
		expect(seoul.generatedAt).toBe('2026-11-22 10:00 (Asia/Seoul)');
		expect(seoul.rows[0].cells[4]).toBe('2026-11-22 09:00');
		const utc = report(genRuns(1), { timezone: 'UTC' });
		expect(utc.rows[0].cells[4]).toBe('2026-11-22 00:00');
		expect(() => report(genRuns(1), { timezone: 'Mars/Base' })).toThrow(/timezone is not a valid IANA time zone/);
	});
});

describe('escaping of log text', () => {
	const evil = '**bold** _x_ [a](javascript:alert(1)) <b>x</b> | {{DATE(2026)}} <at>All</at>';

	it('neutralises markdown, card functions and mentions in Adaptive Card text', () => {
		const out = escapeAdaptive(evil);
		expect(out).not.toMatch(/(^|[^\\])\*\*/);
		expect(out).not.toContain('{{');
		expect(out).not.toContain('<at>');
		expect(out).toContain('\\[a\\]');
		expect(escapeAdaptive('- item')).toBe('\\- item');
		expect(escapeAdaptive('1. item')).toBe('1\\. item');
		expect(escapeAdaptive('2026-11-22 09:00, 1.5')).toBe('2026-11-22 09:00, 1.5');
	});

	it('escapes only where markdown would act: names, arithmetic and lone marks stay as typed', () => {
		for (const plain of ['orders_daily_load', 'dw.fact_sales_v2', 'x 2*3 rows', 'a * b', 'array[0] = 1', 'C:\\data\\in', '~5 rows', '`one tick', '#hashtag', '-5 rows', '가_나_다']) {
			expect(escapeAdaptive(plain)).toBe(plain);
		}
		expect(escapeAdaptive('_private_ table')).toBe('\\_private\\_ table');
		expect(escapeAdaptive('**bold**')).toBe('\\*\\*bold\\*\\*');
		expect(escapeAdaptive('a *b* c')).toBe('a \\*b\\* c');
		expect(escapeAdaptive('[x](http://e.com)')).toBe('\\[x\\](http://e.com)');
		expect(escapeAdaptive('`rm -rf`')).toBe('\\`rm -rf\\`');
		expect(escapeAdaptive('~~gone~~')).toBe('\\~\\~gone\\~\\~');
		// a backslash that would escape is itself escaped, and the star it guarded then counts
		expect(escapeAdaptive('\\*not bold*')).toBe('\\\\\\*not bold\\*');
		expect(escapeAdaptive('# heading')).toBe('\\# heading');
		expect(escapeAdaptive('* item')).toBe('\\* item');
		// emoji before a delimiter do not shift the rules (UTF-16 indexes)
		expect(escapeAdaptive('🚨 _a_ b')).toBe('🚨 \\_a\\_ b');
	});

	it('escapes HTML for HTML, MessageCard and Markdown', () => {
		expect(escapeHtml(evil)).not.toMatch(/<b>|<at>/);
		expect(escapeMessageCard(evil)).not.toMatch(/<b>|(^|[^\\])\*\*/);
		const cell = escapeMarkdownCell('a | b <img>');
		expect(cell).toBe('a \\| b &lt;img&gt;');
	});

	it('keeps one line per cell and cuts long text without splitting characters', () => {
		expect(toSingleLine('a\nb\r\n\tc')).toBe('a b c');
		expect(clampText('가나다라마바', 4)).toBe('가나다…');
		expect(clampText('🚨🚨🚨🚨', 3)).toBe('🚨🚨…');
	});

	it('only lets http(s) URLs become links', () => {
		expect(safeUrl('javascript:alert(1)')).toBeNull();
		expect(safeUrl('data:text/html,x')).toBeNull();
		expect(safeUrl('not a url')).toBeNull();
		expect(safeUrl('https://a.example/x')).toBe('https://a.example/x');
		const [m] = buildMessages([{ pipeline: 'p', state: 'failed', runId: 'r', url: 'javascript:alert(1)' }], { now: NOW });
		expect(m.body).not.toContain('javascript:');
	});
});

describe('message content', () => {
	it('Adaptive Card: counts header, status symbol and colour, row link, mentions on red', () => {
		const [m] = buildMessages(genLights(12), { now: NOW, mentions: [{ name: 'Kim', id: 'kim@example.com' }] });
		const card = (m.payload as { attachments: { content: Json }[] }).attachments[0].content;
		expect(card.version).toBe('1.4');
		expect(m.body).toMatch(/🔴 Red \d+ · 🟡 Yellow \d+ · 🟢 Green \d+ · ⚪ Grey \d+/);
		expect(m.body).toContain('"color":"attention"');
		expect(m.body).toContain('"selectAction":{"type":"Action.OpenUrl"');
		expect((card.msteams as Json).entities).toEqual([{ type: 'mention', text: '<at>Kim</at>', mentioned: { id: 'kim@example.com', name: 'Kim' } }]);
		const green = genLights(3).map((l) => ({ ...l, light: 'green' }));
		const [quiet] = buildMessages(green, { now: NOW, mentions: [{ name: 'Kim', id: 'kim@example.com' }] });
		expect(quiet.body).not.toContain('<at>');
	});

	it('MessageCard: sections, facts and OpenUri actions', () => {
		const [m] = buildMessages(genRuns(3), { now: NOW, format: 'messageCard' });
		const card = m.payload as Json;
		expect(card['@type']).toBe('MessageCard');
		const sections = card.sections as Json[];
		expect(sections[1].facts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'State' })]));
		expect(sections[1].potentialAction).toEqual([{ '@type': 'OpenUri', name: 'Open', targets: [{ os: 'default', uri: expect.stringMatching(/^https:/) }] }]);
	});
});

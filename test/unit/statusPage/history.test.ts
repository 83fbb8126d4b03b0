/**
 * The status page's per-day history (schema v8, pipeline_days): the pure aggregation the hourly
 * status workflow runs. Local-day boundaries in explicit zones, worst light per day, the counts,
 * duplicates counted once, and which days a run writes.
 */
import { DateTime } from 'luxon';
import { buildHistoryDays, dayStart, historyTargets, lastLocalDays, localDayOf } from '../../../nodes/logic/statusPage/history';
import { mergeStrip, toPageData } from '../../../nodes/logic/statusPage/normalize';

const SEOUL = 'Asia/Seoul';

describe('local days', () => {
	it('a run at 23:30 UTC belongs to the next day in Asia/Seoul, the same day in UTC', () => {
		expect(localDayOf('2026-11-21T23:30:00Z', SEOUL)).toBe('2026-11-22');
		expect(localDayOf('2026-11-21T23:30:00Z', 'UTC')).toBe('2026-11-21');
		// 14:59:59 UTC is 23:59:59 in Seoul, 15:00 UTC is midnight
		expect(localDayOf('2026-11-21T14:59:59Z', SEOUL)).toBe('2026-11-21');
		expect(localDayOf('2026-11-21T15:00:00Z', SEOUL)).toBe('2026-11-22');
		// an offset in the text is honoured, a Date too; unreadable gives none
		expect(localDayOf('2026-11-22T08:00:00+09:00', 'UTC')).toBe('2026-11-21');
		expect(localDayOf(new Date('2026-11-21T15:00:00Z'), SEOUL)).toBe('2026-11-22');
		expect(localDayOf('yesterday', SEOUL)).toBeNull();
		// text without an offset is UTC, never the machine's zone
		expect(localDayOf('2026-11-21T23:30:00', SEOUL)).toBe('2026-11-22');
		expect(localDayOf('2026-11-21T23:30:00.123456+00:00', SEOUL)).toBe('2026-11-22');
		expect(localDayOf(null, SEOUL)).toBeNull();
	});

	it('a zone with daylight saving: the day of the change has its own boundaries', () => {
		// New York: 2026-03-08 02:00 EST -> 03:00 EDT; 03:59 UTC on the 9th is 23:59 EDT on the 8th
		expect(localDayOf('2026-03-09T03:59:00Z', 'America/New_York')).toBe('2026-03-08');
		expect(localDayOf('2026-03-09T04:00:00Z', 'America/New_York')).toBe('2026-03-09');
		expect(dayStart('2026-03-09', 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
		expect(dayStart('2026-11-22', SEOUL)).toBe('2026-11-21T15:00:00.000Z');
	});

	it('the last n local days end with today in the zone', () => {
		const now = DateTime.fromISO('2026-11-21T16:00:00Z'); // 01:00 on the 22nd in Seoul
		expect(lastLocalDays(now, SEOUL, 3)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
		expect(lastLocalDays(now, 'UTC', 2)).toEqual(['2026-11-20', '2026-11-21']);
		expect(lastLocalDays(now, SEOUL, 14)).toHaveLength(14);
	});

	it('a pipeline with nothing stored gets the whole window, the others yesterday and today', () => {
		const t = historyTargets([{ pipeline: 'new', backfill: true }, { pipeline: 'old', backfill: false }], '2026-11-22T03:00:00Z', SEOUL, 14);
		expect(t[0].days).toHaveLength(14);
		expect(t[0].days[0]).toBe('2026-11-09');
		expect(t[1].days).toEqual(['2026-11-21', '2026-11-22']);
	});
});

describe('worst light per day', () => {
	const days = ['2026-11-20', '2026-11-21', '2026-11-22'];

	it('runs: failed is red, success green, others counted without a light; the run counts for the local day it started', () => {
		const rows = buildHistoryDays(
			[{ pipeline: 'etl', days }],
			{
				runs: [
					{ pipeline: 'etl', runId: 'a', state: 'success', startedAt: '2026-11-20T01:00:00Z' }, // 20th 10:00 KST
					{ pipeline: 'etl', runId: 'b', state: 'failed', startedAt: '2026-11-20T23:30:00Z' }, // 21st 08:30 KST
					{ pipeline: 'etl', runId: 'c', state: 'success', startedAt: '2026-11-21T02:00:00Z' }, // 21st
					{ pipeline: 'etl', runId: 'd', state: 'running', startedAt: '2026-11-21T16:00:00Z' }, // 22nd 01:00 KST
					{ pipeline: 'etl', runId: 'e', state: 'queued', startedAt: null, runAfter: '2026-11-21T17:00:00Z' }, // not started: its run_after
					{ pipeline: 'etl', runId: 'x', state: 'failed', startedAt: '2026-11-18T01:00:00Z' }, // outside the days: ignored
					{ pipeline: 'other', runId: 'y', state: 'failed', startedAt: '2026-11-21T01:00:00Z' }, // not a target
				],
			},
			SEOUL,
		);
		expect(rows.map((r) => [r.day, r.light, r.source, r.runs, r.failed, r.other])).toEqual([
			['2026-11-20', 'green', 'airflow', 1, 0, 0],
			['2026-11-21', 'red', 'airflow', 2, 1, 0],
			['2026-11-22', null, null, 2, 0, 2],
		]);
		expect(rows.every((r) => r.timezone === SEOUL && r.pipeline === 'etl')).toBe(true);
	});

	it('runs placed across a daylight-saving change (America/New_York, 2026-03-08 is 23 hours long)', () => {
		const rows = buildHistoryDays(
			[{ pipeline: 'p', days: ['2026-03-08', '2026-03-09'] }],
			{
				runs: [
					{ pipeline: 'p', runId: 'a', state: 'failed', startedAt: '2026-03-09T03:59:00Z' }, // 23:59 EDT on the 8th
					{ pipeline: 'p', runId: 'b', state: 'success', startedAt: '2026-03-09T04:00:00Z' }, // midnight EDT on the 9th
					{ pipeline: 'p', runId: 'c', state: 'success', startedAt: '2026-03-08T04:59:00Z' }, // 23:59 EST on the 7th: outside
				],
			},
			'America/New_York',
		);
		expect(rows.map((r) => [r.day, r.light, r.runs])).toEqual([
			['2026-03-08', 'red', 1],
			['2026-03-09', 'green', 1],
		]);
	});

	it('the same runs in UTC fall on other days', () => {
		const rows = buildHistoryDays([{ pipeline: 'etl', days }], { runs: [{ pipeline: 'etl', runId: 'b', state: 'failed', startedAt: '2026-11-20T23:30:00Z' }] }, 'UTC');
		expect(rows.map((r) => r.light)).toEqual(['red', null, null]);
	});

	it('an n8n failure makes a day of green Airflow runs red, with source n8n; a warning yellow', () => {
		const rows = buildHistoryDays(
			[{ pipeline: 'mixed', days }],
			{
				runs: [
					{ pipeline: 'mixed', runId: 'a', state: 'success', startedAt: '2026-11-21T01:00:00Z' },
					{ pipeline: 'mixed', runId: 'b', state: 'success', startedAt: '2026-11-20T01:00:00Z' },
				],
				events: [
					{ pipeline: 'mixed', kind: 'failure', source: 'n8n', at: '2026-11-21T03:00:00Z' },
					{ pipeline: 'mixed', kind: 'warning', source: 'airflow', at: '2026-11-20T05:00:00Z' },
					{ pipeline: 'mixed', kind: 'success', source: 'airflow', at: '2026-11-22T00:00:00Z' },
				],
			},
			SEOUL,
		);
		expect(rows.map((r) => [r.light, r.source, r.failures, r.warnings])).toEqual([
			['yellow', 'airflow', 0, 1],
			['red', 'n8n', 1, 0],
			['green', 'airflow', 0, 0],
		]);
	});

	it('evaluations count too (red beats yellow beats grey beats green); a tie keeps the run as source', () => {
		const rows = buildHistoryDays(
			[{ pipeline: 'p', days }],
			{
				runs: [{ pipeline: 'p', runId: 'a', state: 'success', startedAt: '2026-11-20T01:00:00Z' }],
				evaluations: [
					{ pipeline: 'p', light: 'green', evaluatedAt: '2026-11-20T02:00:00Z' },
					{ pipeline: 'p', light: 'yellow', evaluatedAt: '2026-11-21T00:00:00Z' },
					{ pipeline: 'p', light: 'grey', evaluatedAt: '2026-11-21T01:00:00Z' },
					{ pipeline: 'p', light: 'purple', evaluatedAt: '2026-11-22T01:00:00Z' },
				],
			},
			SEOUL,
		);
		expect(rows.map((r) => [r.light, r.source, r.evaluations, r.late])).toEqual([
			['green', 'airflow', 1, 0],
			['yellow', 'evaluation', 2, 1],
			[null, null, 0, 0],
		]);
	});

	it('a run given twice (overlapping fetches) is counted once; every target day gets a row', () => {
		const run = { pipeline: 'p', runId: 'r1', state: 'failed', startedAt: '2026-11-21T01:00:00Z' };
		const rows = buildHistoryDays([{ pipeline: 'p', days }, { pipeline: 'q', days: ['2026-11-22'] }], { runs: [run, { ...run }] }, SEOUL);
		expect(rows).toHaveLength(4);
		expect(rows.find((r) => r.day === '2026-11-21' && r.pipeline === 'p')).toMatchObject({ runs: 1, failed: 1, light: 'red' });
		expect(rows.find((r) => r.pipeline === 'q')).toMatchObject({ light: null, runs: 0, failures: 0, evaluations: 0 });
	});
});

describe('the page over stored days', () => {
	const request = { trendFrom: '2026-10-24', today: '2026-11-22', timezone: SEOUL };

	it('stored days keep their counts; lights stored since fold in, the worse winning', () => {
		const merged = mergeStrip(
			[{ day: '2026-11-21', light: 'green', counts: { runs: 2, failed: 0, other: 0, failures: 0, warnings: 0, evaluations: 0, late: 0 } }],
			[{ day: '2026-11-21', light: 'red' }, { day: '2026-11-22', light: 'green' }],
		);
		expect(merged).toEqual([
			{ day: '2026-11-21', light: 'red', counts: { runs: 2, failed: 0, other: 0, failures: 0, warnings: 0, evaluations: 0, late: 0 } },
			{ day: '2026-11-22', light: 'green' },
		]);
	});

	it('an empty history table gives a notice, never a made-up green; another zone says which', () => {
		const empty = toPageData({ pipelines: [{ pipeline: 'p', light: 'green', strip: [], recent: [], historyComputedAt: null, historyStored: false, historyZone: null }] }, request);
		expect(empty.notices).toEqual([{ code: 'history_pending', value: '' }]);
		expect(empty.pipelines[0].strip).toEqual([]);
		expect(empty.pipelines[0].historyStored).toBe(false);
		const stored = toPageData({ pipelines: [{ pipeline: 'p', strip: [{ day: '2026-11-22', light: 'red', runs: '1', failed: '1' }], recent: [], historyComputedAt: '2026-11-22T00:00:00Z', historyStored: true, historyZone: 'UTC' }] }, request);
		expect(stored.notices).toEqual([{ code: 'history_zone', value: 'UTC' }]);
		expect(stored.pipelines[0].strip).toEqual([{ day: '2026-11-22', light: 'red', counts: { runs: 1, failed: 1, other: 0, failures: 0, warnings: 0, evaluations: 0, late: 0 } }]);
	});
});

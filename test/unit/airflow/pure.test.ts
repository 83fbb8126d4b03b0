import { DateTime } from 'luxon';
import { TailBuffer, textFromNdjson, textFromPythonRepr, textFromStructured } from '../../../nodes/logic/airflow/logs';
import { nextDelay, parseRetryAfter } from '../../../nodes/logic/airflow/retry';
import { latestPerDag, runUrl } from '../../../nodes/logic/airflow/runs';
import { applyChanges, changedSince, readWatermark } from '../../../nodes/logic/airflow/watermark';
import { absoluteWindow, relativeWindow } from '../../../nodes/logic/airflow/window';
import type { RunItem } from '../../../nodes/logic/shared/items';
import { pythonRepr } from '../../support/airflow/simulator';
import { specValidator } from '../../support/airflow/spec';

const run = (pipeline: string, runId: string, state: string, endedAt: string | null = null, logicalDate = '2026-11-22T00:00:00Z'): RunItem => ({
	source: 'airflow', pipeline, runId, state, endedAt, logicalDate, url: '',
});

describe('watermark (incremental mode)', () => {
	it('emits new and changed runs once, and nothing when nothing changed', () => {
		const t0 = Date.parse('2026-11-22T00:00:00Z');
		const first = applyChanges(null, [run('a', '1', 'running'), run('b', '1', 'success', 'x')], t0);
		expect(first.changed).toHaveLength(2);
		// the overlap re-reads both; only the one whose state changed comes out
		const second = applyChanges(first.next, [run('a', '1', 'failed', 'y'), run('b', '1', 'success', 'x')], t0 + 60_000);
		expect(second.changed.map((r) => r.pipeline)).toEqual(['a']);
		expect(applyChanges(second.next, [run('a', '1', 'failed', 'y')], t0 + 120_000).changed).toEqual([]);
	});

	it('never moves the watermark backwards when executions overlap, and asks with the overlap', () => {
		const late = applyChanges(null, [], Date.parse('2026-11-22T01:00:00Z')).next;
		const early = applyChanges(late, [], Date.parse('2026-11-22T00:30:00Z')).next;
		expect(early.since).toBe('2026-11-22T01:00:00.000Z');
		expect(changedSince(early, 'unused', 5 * 60_000)).toBe('2026-11-22T00:55:00.000Z');
		expect(changedSince(null, '2026-11-21T00:00:00Z')).toBe('2026-11-21T00:00:00Z');
	});

	it('forgets fingerprints older than the overlap and ignores malformed state', () => {
		const t0 = Date.parse('2026-11-22T00:00:00Z');
		const s = applyChanges(null, [run('a', '1', 'success')], t0).next;
		const later = applyChanges(s, [], t0 + 3600_000).next;
		expect(Object.keys(later.seen)).toEqual([]);
		expect(readWatermark({ since: 'nope' })).toBeNull();
		expect(readWatermark('x')).toBeNull();
		expect(readWatermark({ since: '2026-11-22T00:00:00Z', seen: { k: ['f', 1], bad: 3 } })).toEqual({ since: '2026-11-22T00:00:00Z', seen: { k: ['f', 1] } });
	});
});

describe('logs', () => {
	it('reads the Airflow 2 Python repr back, quotes and escapes included', () => {
		const text = "line 1\nit's \"quoted\" \\ path\ttab\n한국어 ✓\n";
		expect(textFromPythonRepr(pythonRepr([['host-1', text]]))).toBe(text);
		expect(textFromPythonRepr(pythonRepr([['h', 'a'], ['h2', 'b']]))).toBe('a\nb');
		expect(textFromPythonRepr('plain text')).toBe('plain text');
	});

	it('renders Airflow 3 structured messages and ndjson with the traceback', () => {
		const msgs = [
			{ event: '::group::Log message source details', sources: ['x'] },
			{ event: '::endgroup::' },
			{ timestamp: '2026-11-22T00:00:01Z', level: 'error', logger: 'airflow.task', event: 'Task failed with exception', error_detail: [{ exc_type: 'KeyError', exc_value: "'x'", frames: [{ filename: 'a.py', lineno: 3, name: 'f' }] }] },
		];
		const text = textFromStructured(msgs);
		expect(text).toBe("[2026-11-22T00:00:01Z] ERROR {airflow.task} - Task failed with exception\nTraceback (most recent call last):\n  File \"a.py\", line 3, in f\nKeyError: 'x'");
		expect(textFromNdjson(msgs.map((m) => JSON.stringify(m)).join('\n') + '\nnot json\n')).toBe(text + '\nnot json');
	});

	it('keeps the tail within the byte cap without splitting characters', () => {
		const b = new TailBuffer(100);
		for (let i = 0; i < 50; i++) b.append(`줄 ${i} — some text\n`);
		expect(Buffer.byteLength(b.text())).toBeLessThanOrEqual(100);
		expect(b.text().endsWith('줄 49 — some text\n')).toBe(true);
		expect(b.text().startsWith('줄')).toBe(true);
		expect(b.truncated).toBe(true);
	});
});

describe('windows, retry timing, urls', () => {
	const now = DateTime.fromISO('2026-11-22T09:00:00Z', { zone: 'utc' });
	it('reads relative and absolute windows and rejects bad ones naming the field', () => {
		expect(relativeWindow('last 24 hours', now)).toEqual({ from: '2026-11-21T09:00:00.000Z', to: '2026-11-22T09:00:00.000Z' });
		expect(relativeWindow('6h', now).from).toBe('2026-11-22T03:00:00.000Z');
		expect(() => relativeWindow('yesterday-ish', now)).toThrow(/window is not a relative time window: "yesterday-ish"/);
		expect(absoluteWindow('2026-11-22T00:00:00', '2026-11-22T09:00:00', 'Asia/Seoul', now)).toEqual({ from: '2026-11-21T15:00:00.000Z', to: '2026-11-22T00:00:00.000Z' });
		expect(() => absoluteWindow('2026-11-22', '2026-11-21', 'UTC', now)).toThrow(/to is before "from"/);
	});

	it('honours Retry-After within the budget and stops past it', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
		expect(nextDelay(0, 0, 60_000, 3000)).toBe(3000);
		expect(nextDelay(0, 58_000, 60_000, 3000)).toBeNull();
		expect(nextDelay(3, 0, 60_000, undefined, () => 0)).toBe(1000);
	});

	it('links runs and tasks in the UI of each version and keeps the latest run per DAG', () => {
		expect(runUrl('https://af/', 'v1', 'd', 'scheduled__2026+1', 't')).toBe('https://af/dags/d/grid?dag_run_id=scheduled__2026%2B1&task_id=t&tab=logs');
		expect(runUrl('https://af', 'v2', 'd', 'r', 't', 2)).toBe('https://af/dags/d/runs/r/tasks/t?try_number=2');
		const latest = latestPerDag([run('a', '1', 'success', null, '2026-11-21T00:00:00Z'), run('a', '2', 'failed', null, '2026-11-22T00:00:00Z'), run('b', '1', 'success')]);
		expect(latest.map((r) => `${r.pipeline}/${r.runId}`)).toEqual(['a/2', 'b/1']);
	});
});

describe('the spec validator of the simulator', () => {
	it('flags requests and responses that break the official specs', () => {
		const v2 = specValidator('v2');
		expect(v2.checkRequest('POST', '/api/v2/dags/~/dagRuns/list', new URLSearchParams(), { page_limit: 10, bogus: 1 }, true)[0]).toMatch(/additional properties/);
		expect(v2.checkRequest('GET', '/api/v2/dags', new URLSearchParams('limit=abc'), undefined, false)[0]).toMatch(/query/);
		expect(v2.checkResponse('GET', '/api/v2/dags/~/dagRuns', 200, 'application/json', { dag_runs: [{ dag_id: 'x' }], total_entries: 1 })[0]).toMatch(/required property/);
		const v1 = specValidator('v1');
		expect(v1.checkRequest('POST', '/api/v1/dags/~/dagRuns/list', new URLSearchParams(), { page_limit: 0 }, true)[0]).toMatch(/>= 1/);
		expect(v1.checkRequest('GET', '/api/v1/nowhere', new URLSearchParams(), undefined, false)[0]).toMatch(/no such operation/);
		expect(v1.checkResponse('GET', '/api/v1/dags', 200, 'application/json', { dags: [{ dag_id: 1 }], total_entries: 1 })[0]).toMatch(/must be string/);
	});
});

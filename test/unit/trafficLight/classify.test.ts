import { DEFAULT_OPTIONS, checkExpectation, checkRun, classifyPipelines, readPreviousLights } from '../../../nodes/logic/trafficLight/classify';
import type { TrafficLightOptions } from '../../../nodes/logic/trafficLight/classify';
import { classifyState, KNOWN_STATES } from '../../../nodes/logic/trafficLight/states';
import { InputError } from '../../../nodes/logic/shared/errors';

const NOW = Date.parse('2026-11-22T09:30:00+09:00');
const TICK = Date.parse('2026-11-22T09:00:00+09:00');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function run(pipeline: string, k: number, state: string | null, extra: Record<string, unknown> = {}) {
	const start = TICK - k * DAY + 60_000;
	const finished = state === 'success' || state === 'failed';
	return { source: 'airflow', pipeline, runId: `r${k}`, state, startedAt: state === 'queued' ? null : iso(start), endedAt: finished ? iso(start + 20 * 60_000) : null, logicalDate: iso(TICK - (k + 1) * DAY), url: `http://af/${pipeline}/${k}`, ...extra };
}

function judge(items: Array<Record<string, unknown>>, exps: Array<Record<string, unknown>> = [], opts: Partial<TrafficLightOptions> = {}) {
	const runs = items.map((it, i) => checkRun(it, i, 'Asia/Seoul'));
	const e = exps.map((x, i) => checkExpectation(x, i, 'Asia/Seoul'));
	return classifyPipelines(runs, e, { ...DEFAULT_OPTIONS, now: NOW, ...opts }).lights;
}
const codes = (l: { reasons: Array<{ code: string }> }) => l.reasons.map((r) => r.code);
const history = (p: string, n = 6) => Array.from({ length: n }, (_, k) => run(p, k + 1, 'success'));
const daily = (pipeline: string, extra = {}) => ({ pipeline, schedule: '0 9 * * *', timezone: 'Asia/Seoul', expectedDurationMin: 40, ...extra });

describe('state mapping', () => {
	it.each([
		['success', 'success'], ['failed', 'failed'], ['queued', 'pending'], ['running', 'running'], ['up_for_retry', 'retrying'],
		['up_for_reschedule', 'running'], ['upstream_failed', 'upstream_failed'], ['skipped', 'skipped'], ['deferred', 'running'],
		['removed', 'removed'], ['restarting', 'retrying'], ['scheduled', 'pending'], ['none', 'pending'], ['None', 'pending'],
		['error', 'failed'], ['crashed', 'failed'], ['canceled', 'canceled'], ['waiting', 'running'],
	])('%s -> %s', (state, cls) => expect(classifyState(state)).toBe(cls));
	it('maps null as not yet scheduled', () => expect(classifyState(null)).toBe('pending'));
	it('rejects an unknown state naming it', () => {
		expect(() => classifyState('exploded')).toThrow(/state is not a known .*"exploded"/);
		expect(KNOWN_STATES).toContain('up_for_retry');
	});
});

describe('traffic light rules', () => {
	it('green when the latest expected run succeeded on time', () => {
		const [l] = judge([run('a', 0, 'success'), ...history('a')], [daily('a')]);
		expect(l.light).toBe('green');
		expect(codes(l)).toEqual(['ok']);
	});
	it('red when the latest run failed, with consecutive failures counted', () => {
		const [l] = judge([run('a', 0, 'failed'), run('a', 1, 'failed'), run('a', 2, 'failed'), ...history('a').slice(3)]);
		expect(l.light).toBe('red');
		expect(codes(l)).toEqual(['latest_failed', 'consecutive_failures']);
		const [two] = judge([run('a', 0, 'failed'), run('a', 1, 'failed'), run('a', 2, 'success')]);
		expect(codes(two)).toEqual(['latest_failed']);
	});
	it('red when a scheduled run never started (missed run)', () => {
		const [l] = judge(history('a'), [daily('a')]);
		expect(l.light).toBe('red');
		expect(codes(l)).toContain('missed_run');
		// within the grace the run is not missed yet
		const [early] = judge(history('a'), [daily('a', { graceMin: 45 })]);
		expect(codes(early)).not.toContain('missed_run');
	});
	it('yellow while running late, red past the red margin', () => {
		const late = judge([run('a', 0, 'running'), ...history('a')], [daily('a', { expectedDurationMin: 20, redMarginMin: 60 })])[0];
		expect(late.light).toBe('yellow');
		expect(codes(late)).toContain('running_late');
		const red = judge([run('a', 0, 'running'), ...history('a')], [daily('a', { expectedDurationMin: 20, redMarginMin: 5 })])[0];
		expect(red.light).toBe('red');
		expect(codes(red)).toContain('past_deadline');
	});
	it('a deadline as local time of day is read in the pipeline zone', () => {
		const [l] = judge([run('a', 0, 'running'), ...history('a')], [daily('a', { deadline: '09:10', expectedDurationMin: undefined, redMarginMin: 120 })]);
		expect(codes(l)).toContain('running_late');
		expect(l.reasons[0].text).toContain('09:10');
	});
	it('yellow for success after retries and for retrying now', () => {
		expect(codes(judge([run('a', 0, 'success', { tryNumber: 3 }), ...history('a')])[0])).toEqual(['success_after_retries']);
		const retry = judge([run('a', 0, 'up_for_retry'), ...history('a')])[0];
		expect(retry.light).toBe('yellow');
		expect(codes(retry)).toContain('retrying');
	});
	it('yellow for a duration far above the robust norm, not for normal wobble', () => {
		const base = history('a', 8).map((r, k) => ({ ...r, durationSec: 1200 + (k % 3) * 30 }));
		expect(codes(judge([run('a', 0, 'success', { durationSec: 1260 }), ...base])[0])).toEqual(['ok']);
		const slow = judge([run('a', 0, 'success', { durationSec: 4000 }), ...base])[0];
		expect(slow.light).toBe('yellow');
		expect(codes(slow)).toEqual(['duration_anomaly']);
		// too little history: the duration rule stays silent
		expect(codes(judge([run('a', 0, 'success', { durationSec: 4000 }), ...base.slice(0, 3)])[0])).toEqual(['ok']);
	});
	it('upstream_failed and skipped only where the user says they matter', () => {
		const tasks = [run('a', 0, 'success'), { ...run('a', 0, 'upstream_failed'), taskId: 'load' }, ...history('a')];
		expect(judge(tasks)[0].light).toBe('yellow');
		expect(judge(tasks, [], { flagUpstreamFailed: false })[0].light).toBe('green');
		expect(judge([run('a', 0, 'skipped')], [], { flagSkipped: true })[0].light).toBe('yellow');
		expect(judge([run('a', 0, 'skipped')], [], { flagSkipped: false })[0].light).toBe('green');
	});
	it('grey for no data, paused, or nothing started', () => {
		// a queued run without any time it was due (no runAfter, interval end or logical date)
		const lights = judge([run('q', 0, 'queued', { logicalDate: null })], [{ pipeline: 'none' }, { pipeline: 'p', paused: true }]);
		const by = Object.fromEntries(lights.map((l) => [l.pipeline, l]));
		expect(codes(by.none)).toEqual(['no_data']);
		expect(codes(by.p)).toEqual(['paused']);
		expect(codes(by.q)).toEqual(['no_run_yet']);
		expect(lights.every((l) => l.light === 'grey')).toBe(true);
	});
	it('derives a run from task items when no DAG-run item is given', () => {
		const items = [
			{ ...run('t', 0, 'success'), taskId: 'extract' },
			{ ...run('t', 0, 'failed'), taskId: 'load', tryNumber: 2 },
		];
		expect(judge(items)[0].light).toBe('red');
	});
	it('status-change mode marks what changed against the previous light', () => {
		const prev = readPreviousLights([{ pipeline: 'a', light: 'green' }, { pipeline: 'b', light: 'red' }]);
		const lights = judge([run('a', 0, 'failed'), run('b', 0, 'failed')], [], { previousLights: prev });
		const by = Object.fromEntries(lights.map((l) => [l.pipeline, l]));
		expect(by.a).toMatchObject({ light: 'red', previousLight: 'green', changed: true });
		expect(by.b).toMatchObject({ light: 'red', previousLight: 'red', changed: false });
		expect(() => readPreviousLights({ a: 'purple' })).toThrow(InputError);
	});
	it('writes Korean reasons', () => {
		expect(judge([run('a', 0, 'failed')], [], { language: 'ko' })[0].reasons[0].text).toContain('최근 실행 실패');
	});
});

describe('bad input names the field and value', () => {
	it.each([
		[{ state: 'success', runId: 'x', url: '' }, /pipeline/],
		[{ pipeline: 'a', state: 'bogus' }, /state.*"bogus"/],
		[{ pipeline: 'a', state: 'success', startedAt: 'yesterday' }, /startedAt.*"yesterday"/],
		[{ pipeline: 'a', state: 'success', durationSec: -5 }, /durationSec.*-5/],
	])('%j', (item, message) => {
		expect(() => checkRun(item as Record<string, unknown>, 0, 'Asia/Seoul')).toThrow(message);
	});
	it('rejects bad cron expressions and time zones', () => {
		expect(() => checkExpectation({ pipeline: 'a', schedule: '61 * * * *' }, 0, 'Asia/Seoul')).toThrow(/schedule is not a valid cron.*"61 \* \* \* \*"/);
		expect(() => checkExpectation({ pipeline: 'a', schedule: '@daily', timezone: 'Mars/Base' }, 2, 'Asia/Seoul')).toThrow(/expectations\[2\]\.timezone.*Mars\/Base/);
		expect(() => checkExpectation({ pipeline: 'a', deadline: '25:00' }, 0, 'UTC')).toThrow(/deadline/);
		expect(checkExpectation({ pipeline: 'a', schedule: '@once' }, 0, 'UTC').parsedSchedule).toBeNull();
	});
	it('reads a time without offset in the given zone, never the machine zone', () => {
		const a = checkRun({ pipeline: 'a', state: 'success', startedAt: '2026-11-22T09:00:00' }, 0, 'Asia/Seoul');
		expect(new Date(a.started).toISOString()).toBe('2026-11-22T00:00:00.000Z');
	});
});

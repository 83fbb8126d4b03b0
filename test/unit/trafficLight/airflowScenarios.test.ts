/**
 * Issue 17: scenarios written from Airflow's scheduling code (timetables/_cron.py, interval.py,
 * trigger.py, models/dagrun.py) and docs. Runs are built as Airflow 2 (/api/v1) and Airflow 3
 * (/api/v2) REST payloads and mapped by the Airflow node's own mapping, so the run items carry
 * exactly what the node gives the Traffic Light.
 *
 * Airflow facts the scenarios rely on:
 * - Airflow 2's default cron timetable (CronDataIntervalTimetable): a run covers the interval
 *   [previous tick, tick], its logical_date is the interval start, it runs after the interval end.
 * - Airflow 3's default (CronTriggerTimetable): logical_date = run_after = the tick; manual runs
 *   may have logical_date null; run_after is always set.
 * - run_type: scheduled, manual, backfill, asset_triggered (3) / dataset_triggered (2).
 * - Clearing a run resets its start_date; its logical date and interval stay.
 * - DST: the cron runs on the naive local clock; a skipped local time fires at the shifted time,
 *   a repeated one fires once at its second occurrence, except crons covering every hour.
 * - [core] default_timezone is UTC.
 *
 * Tests in the describe blocks named "control" pass on the code before issue 17 as well; they
 * guard behaviour that must not change. Every other scenario failed on that code (checked by
 * running this file against the logic of commit 1921bc7); the last two blocks test helpers that
 * did not exist then (lookBackHours, ticksBetween, fastIsoMs).
 */
import { runToItem, taskToItem } from '../../../nodes/logic/airflow/runs';
import type { RawDagRun, RawTaskInstance } from '../../../nodes/logic/airflow/types';
import type { RunItem } from '../../../nodes/logic/shared/items';
import { DEFAULT_OPTIONS, checkExpectation, checkRun, classifyPipelines, fastIsoMs } from '../../../nodes/logic/trafficLight/classify';
import type { TrafficLightOptions } from '../../../nodes/logic/trafficLight/classify';
import { lastTicks, lookBackHours, parseSchedule, ticksBetween } from '../../../nodes/logic/trafficLight/schedule';

const UI = 'http://airflow:8080';
type Raw = Record<string, unknown>;

/** A scheduled run's state and times: started a minute after its tick (unless queued), 20 minutes long when finished. */
function lifecycle(tick: string, state: string): Raw {
	return {
		start_date: state === 'queued' ? null : plus(tick, 1),
		end_date: state === 'success' || state === 'failed' ? plus(tick, 21) : null,
		state,
		run_type: 'scheduled',
	};
}

/** An Airflow 2 DAG run on the default cron timetable: interval [prev, tick], logical = prev. */
function a2(dag: string, prev: string, tick: string, state: string, extra: Raw = {}): RunItem {
	const raw: Raw = {
		dag_id: dag,
		dag_run_id: `scheduled__${prev}`,
		logical_date: prev,
		execution_date: prev,
		data_interval_start: prev,
		data_interval_end: tick,
		...lifecycle(tick, state),
		...extra,
	};
	return runToItem(raw as unknown as RawDagRun, 'v1', UI);
}

/** An Airflow 3 DAG run on the default CronTriggerTimetable: logical = run_after = tick. */
function a3(dag: string, tick: string, state: string, extra: Raw = {}): RunItem {
	const raw: Raw = {
		dag_id: dag,
		dag_run_id: `scheduled__${tick}`,
		logical_date: tick,
		run_after: tick,
		data_interval_start: tick,
		data_interval_end: tick,
		...lifecycle(tick, state),
		...extra,
	};
	return runToItem(raw as unknown as RawDagRun, 'v2', UI);
}

/** `iso` plus minutes, as ISO UTC. */
function plus(iso: string, minutes: number): string {
	return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

function judge(now: string, items: ReadonlyArray<RunItem | Raw>, exps: Raw[], opts: Raw = {}) {
	const runs = items.map((it, i) => checkRun(it as unknown as Raw, i, 'UTC'));
	const e = exps.map((x, i) => checkExpectation(x, i, 'UTC'));
	const o = { ...DEFAULT_OPTIONS, now: Date.parse(now), ...opts } as unknown as TrafficLightOptions;
	return classifyPipelines(runs, e, o).lights;
}
const one = (...args: Parameters<typeof judge>) => {
	const [l] = judge(...args);
	return { light: l.light, codes: l.reasons.map((r) => r.code), texts: l.reasons.map((r) => r.text) };
};
const daily = (pipeline: string, extra: Raw = {}): Raw => ({ pipeline, schedule: '0 0 * * *', timezone: 'UTC', ...extra });
const iso = (ms: number) => new Date(ms).toISOString();

// 2026-11-22 (a Sunday); daily ticks at 00:00 UTC
const D20 = '2026-11-20T00:00:00.000Z';
const D21 = '2026-11-21T00:00:00.000Z';
const D22 = '2026-11-22T00:00:00.000Z';

describe('run items carry what Airflow says about a run (runs.ts)', () => {
	it('Airflow 2: dataIntervalEnd from data_interval_end, logicalDate the interval start, runType kept', () => {
		const item = a2('etl', D21, D22, 'success');
		expect(item).toMatchObject({ logicalDate: D21, dataIntervalEnd: D22, runAfter: null, runType: 'scheduled' });
	});
	it('Airflow 3: runAfter from run_after (also for a manual run without logical date)', () => {
		const item = a3('etl', D22, 'queued', { logical_date: null, run_type: 'manual', run_after: '2026-11-19T03:00:00Z', dag_run_id: 'manual__x' });
		expect(item).toMatchObject({ runAfter: '2026-11-19T03:00:00Z', logicalDate: null, runType: 'manual' });
	});
	it('Airflow 3 task instances carry run_after as runAfter', () => {
		const raw: Raw = { dag_id: 'etl', dag_run_id: 'r', task_id: 't', try_number: 1, state: 'success', run_after: D22, logical_date: D22 };
		expect(taskToItem(raw as unknown as RawTaskInstance, 'v2', UI)).toMatchObject({ runAfter: D22 });
	});
});

describe('queued runs never hide a missing or late run (issue 1)', () => {
	const history = [a2('etl', D20, D21, 'success')];
	it('Airflow 2: the run for today queued since 00:00, no duration set, is red at 09:00', () => {
		const l = one('2026-11-22T09:00:00Z', [a2('etl', D21, D22, 'queued'), ...history], [daily('etl')]);
		expect(l.light).toBe('red');
		expect(l.codes).toContain('start_overdue');
	});
	it('Airflow 2: within the red margin it is yellow not_started, timed from the tick, not the logical date', () => {
		const l = one('2026-11-22T00:30:00Z', [a2('etl', D21, D22, 'queued'), ...history], [daily('etl')]);
		expect(l.light).toBe('yellow');
		expect(l.codes).toEqual(['not_started']);
		expect(l.texts[0]).toContain('2026-11-22 09:00'); // 00:00 UTC shown in the display zone (Seoul)
	});
	it('a red margin of 0 turns a run that has not started red right after the grace', () => {
		const l = one('2026-11-22T00:20:00Z', [a2('etl', D21, D22, 'queued'), ...history], [daily('etl', { redMarginMin: 0 })]);
		expect(l.codes).toContain('start_overdue');
	});
	it('Airflow 3: yesterday\'s run stuck in queued with no run today is red missed_run', () => {
		const l = one('2026-11-22T09:00:00Z', [a3('etl', D21, 'queued'), a3('etl', D20, 'success')], [daily('etl')]);
		expect(l.light).toBe('red');
		expect(l.codes).toContain('missed_run');
	});
	it('the same stuck run gives the same light on Airflow 2 and Airflow 3', () => {
		const v2 = one('2026-11-22T09:00:00Z', [a2('etl', D20, D21, 'queued'), a2('etl', '2026-11-19T00:00:00.000Z', D20, 'success')], [daily('etl')]);
		const v3 = one('2026-11-22T09:00:00Z', [a3('etl', D21, 'queued'), a3('etl', D20, 'success')], [daily('etl')]);
		expect(v2.light).toBe('red');
		expect(v3.light).toBe(v2.light);
		expect(v3.codes).toEqual(v2.codes);
	});
	it('Airflow 3: a manual run queued three days ago (logical date null) does not make a DAG with no scheduled run green', () => {
		const manual = (id: string, after: string, state: string) =>
			a3('etl', after, state, { dag_run_id: id, run_type: 'manual', logical_date: null, run_after: after });
		const l = one('2026-11-22T09:00:00Z', [manual('m2', '2026-11-19T06:00:00Z', 'queued'), manual('m1', '2026-11-19T01:00:00Z', 'success')], [daily('etl')]);
		expect(l.light).toBe('red');
		expect(l.codes).toContain('missed_run');
	});
	it('without a schedule, a run queued for three days is red from its run_after', () => {
		const items = [
			a3('adhoc', D22, 'queued', { dag_run_id: 'm2', run_type: 'manual', logical_date: null, run_after: '2026-11-19T06:00:00Z' }),
			a3('adhoc', '2026-11-18T06:00:00.000Z', 'success', { dag_run_id: 'm1', run_type: 'manual' }),
		];
		const l = one('2026-11-22T09:00:00Z', items, [{ pipeline: 'adhoc', schedule: null }]);
		expect(l.codes).toContain('start_overdue');
	});
	it('Airflow 2 weekdays (0 6 * * 1-5): Monday\'s run (interval Friday → Monday) queued at 09:00 is red', () => {
		const fri = '2026-11-20T06:00:00.000Z';
		const thu = '2026-11-19T06:00:00.000Z';
		const mon = '2026-11-23T06:00:00.000Z';
		const l = one('2026-11-23T09:00:00Z', [a2('wk', fri, mon, 'queued'), a2('wk', thu, fri, 'success')], [{ pipeline: 'wk', schedule: '0 6 * * 1-5', timezone: 'UTC' }]);
		expect(l.codes).toContain('start_overdue');
	});
});

describe('backfills, manual runs and cleared old runs never stand in for the tick (issue 2)', () => {
	const backfill = (day: string, state: string) =>
		a3('etl', day, state, { dag_run_id: `backfill__${day}`, run_type: 'backfill', start_date: '2026-11-22T02:00:00Z', end_date: state === 'running' ? null : '2026-11-22T02:30:00Z' });
	const nov1to5 = (state: string) => ['01', '02', '03', '04', '05'].map((d) => backfill(`2026-11-${d}T00:00:00.000Z`, state));
	it('a backfill of November 1–5 that ran at 02:00 does not hide a missing scheduled run today', () => {
		const l = one('2026-11-22T09:00:00Z', [...nov1to5('success'), a3('etl', D21, 'success')], [daily('etl')]);
		expect(l.light).toBe('red');
		expect(l.codes).toEqual(['missed_run']);
	});
	it('a failed backfill is reported as its own reason, next to the missing run', () => {
		const l = one('2026-11-22T09:00:00Z', [...nov1to5('failed'), a3('etl', D21, 'success')], [daily('etl')]);
		expect(l.codes).toEqual(expect.arrayContaining(['missed_run', 'other_run_failed']));
		expect(l.codes).not.toContain('latest_failed');
	});
	it('Airflow 2: an old run cleared and re-run at 08:00 does not hide today\'s failure', () => {
		const cleared = a2('etl', '2026-11-10T00:00:00.000Z', '2026-11-11T00:00:00.000Z', 'success', { start_date: '2026-11-22T08:00:00Z', end_date: '2026-11-22T08:20:00Z' });
		const l = one('2026-11-22T09:00:00Z', [cleared, a2('etl', D21, D22, 'failed'), a2('etl', D20, D21, 'success')], [daily('etl')]);
		expect(l.light).toBe('red');
		expect(l.codes).toContain('latest_failed');
		expect(l.texts.join(' ')).toContain(`scheduled__${D21}`);
	});
	it('Airflow 3: a cleared old run that fails again at 08:00 is its own reason, not the latest run', () => {
		const cleared = a3('etl', '2026-11-10T00:00:00.000Z', 'failed', { start_date: '2026-11-22T08:00:00Z', end_date: '2026-11-22T08:20:00Z' });
		const l = one('2026-11-22T09:00:00Z', [cleared, a3('etl', D22, 'success'), a3('etl', D21, 'success')], [daily('etl')]);
		expect(l.codes).toEqual(['other_run_failed']);
	});
	it('Airflow 3: a manual run at 08:00 does not stand in for the missing 00:00 run', () => {
		const manual = a3('etl', '2026-11-22T08:00:00.000Z', 'success', { dag_run_id: 'manual__1', run_type: 'manual' });
		const l = one('2026-11-22T09:00:00Z', [manual, a3('etl', D21, 'success')], [daily('etl')]);
		expect(l.codes).toContain('missed_run');
	});
	it('Airflow 2: a failed manual run after today\'s successful scheduled run is reported, not taken as the latest run', () => {
		const manual = a2('etl', D21, D22, 'failed', { dag_run_id: 'manual__1', run_type: 'manual', start_date: '2026-11-22T08:00:00Z', end_date: '2026-11-22T08:05:00Z' });
		const l = one('2026-11-22T09:00:00Z', [manual, a2('etl', D21, D22, 'success'), a2('etl', D20, D21, 'success')], [daily('etl')]);
		expect(l.light).toBe('red');
		expect(l.codes).toEqual(['other_run_failed']);
	});
	it.each([
		['Airflow 3 asset_triggered', 'asset_triggered'],
		['Airflow 2 dataset_triggered', 'dataset_triggered'],
	])('%s run of a DAG that also has a cron (Asset/Dataset or time) does not stand in for the cron tick', (_, type) => {
		const triggered = a3('etl', '2026-11-22T03:00:00.000Z', 'success', { dag_run_id: 'asset__1', run_type: type });
		const l = one('2026-11-22T09:00:00Z', [triggered, a3('etl', D21, 'success')], [daily('etl')]);
		expect(l.codes).toContain('missed_run');
	});
});

describe('retries: per run the latest try decides (issue 3)', () => {
	const at = (s: string) => `2026-11-22T${s}:00Z`;
	const tryItem = (n: number, state: string, ended: string): Raw => ({
		source: 'airflow', pipeline: 'etl', runId: 'scheduled__x', tryNumber: n, state, runType: 'scheduled', startedAt: at('00:01'), endedAt: ended, url: '',
	});
	it('failed try 1 then success try 2 is yellow success_after_retries, in either item order', () => {
		const items = [tryItem(1, 'failed', at('00:10')), tryItem(2, 'success', at('00:30'))];
		for (const order of [items, [...items].reverse()]) {
			const l = one(at('09:00'), order, []);
			expect(l.light).toBe('yellow');
			expect(l.codes).toEqual(['success_after_retries']);
		}
	});
	it('without try numbers (events appended as they came) the later try decides', () => {
		const items = [
			{ ...tryItem(1, 'failed', at('00:10')), tryNumber: undefined },
			{ ...tryItem(1, 'success', at('00:30')), tryNumber: undefined, startedAt: at('00:11') },
		];
		expect(one(at('09:00'), items, []).codes).toEqual(['success_after_retries']);
	});
	it('a run known only from task items ignores superseded tries', () => {
		const task = (taskId: string, n: number, state: string): Raw => ({ ...tryItem(n, state, at(`00:${10 + n}`)), taskId });
		const l = one(at('09:00'), [task('extract', 1, 'success'), task('load', 1, 'failed'), task('load', 2, 'success')], []);
		expect(l.light).toBe('yellow');
		expect(l.codes).toEqual(['success_after_retries']);
	});
	it('an up_for_retry try superseded by a running try does not keep the run "retrying"', () => {
		const task = (n: number, state: string, ended: string | null): Raw => ({ ...tryItem(n, state, at('00:10')), endedAt: ended, taskId: 'load' });
		const items = [task(1, 'up_for_retry', at('00:10')), task(2, 'running', null), { ...tryItem(1, 'success', at('00:20')), runId: 'older', startedAt: '2026-11-21T00:01:00Z', endedAt: '2026-11-21T00:20:00Z' }];
		expect(one(at('00:30'), items, []).codes).not.toContain('retrying');
	});
});

describe('DST: ticks as Airflow fires them (issue 4)', () => {
	const tick = (cron: string, zone: string, at: string) => {
		const t = lastTicks(parseSchedule(cron, zone)!, Date.parse(at));
		return { tick: iso(t.tick), previous: iso(t.previous) };
	};
	it('New York spring-forward 2026-03-08: 30 2 * * * fires at 03:30 EDT', () => {
		expect(tick('30 2 * * *', 'America/New_York', '2026-03-08T12:00:00Z')).toEqual({ tick: '2026-03-08T07:30:00.000Z', previous: '2026-03-07T07:30:00.000Z' });
	});
	it('Berlin spring-forward 2026-03-29: 30 2 * * * fires at 03:30 CEST', () => {
		expect(tick('30 2 * * *', 'Europe/Berlin', '2026-03-29T12:00:00Z').tick).toBe('2026-03-29T01:30:00.000Z');
	});
	it('Sydney spring-forward 2026-10-04: 30 2 * * * fires at 03:30 AEDT', () => {
		expect(tick('30 2 * * *', 'Australia/Sydney', '2026-10-04T06:00:00Z').tick).toBe('2026-10-03T16:30:00.000Z');
	});
	it('New York spring-forward, 0 */2 * * *: the skipped 02:00 fires at 03:00 EDT', () => {
		expect(tick('0 */2 * * *', 'America/New_York', '2026-03-08T07:30:00Z').tick).toBe('2026-03-08T07:00:00.000Z');
	});
	it('New York fall-back 2026-11-01: 30 1 * * * fires once, at 01:30 EST (second occurrence)', () => {
		// at 01:45 EDT the first 01:30 has passed, but Airflow has not fired today yet
		expect(tick('30 1 * * *', 'America/New_York', '2026-11-01T05:45:00Z').tick).toBe('2026-10-31T05:30:00.000Z');
		expect(tick('30 1 * * *', 'America/New_York', '2026-11-01T07:00:00Z')).toEqual({ tick: '2026-11-01T06:30:00.000Z', previous: '2026-10-31T05:30:00.000Z' });
	});
	it('Berlin fall-back 2026-10-25: 30 2 * * * fires at 02:30 CET, not 02:30 CEST', () => {
		expect(tick('30 2 * * *', 'Europe/Berlin', '2026-10-25T01:00:00Z').tick).toBe('2026-10-24T00:30:00.000Z');
		expect(tick('30 2 * * *', 'Europe/Berlin', '2026-10-25T02:00:00Z').tick).toBe('2026-10-25T01:30:00.000Z');
	});
	it('Sydney fall-back 2026-04-05: 30 2 * * * fires at 02:30 AEST (second occurrence)', () => {
		expect(tick('30 2 * * *', 'Australia/Sydney', '2026-04-04T16:00:00Z').tick).toBe('2026-04-03T15:30:00.000Z');
	});
	it('New York fall-back, 0 1,2 * * * (not every hour): 01:00 fires once, at 01:00 EST', () => {
		expect(tick('0 1,2 * * *', 'America/New_York', '2026-11-01T05:30:00Z').tick).toBe('2026-10-31T06:00:00.000Z');
	});
	it('no false red in the repeated hour: a run Airflow fires at 01:30 EST is not missed at 01:00 EST', () => {
		const exp = { pipeline: 'ny', schedule: '30 1 * * *', timezone: 'America/New_York' };
		const y = a3('ny', '2026-10-31T05:30:00.000Z', 'success');
		const l = one('2026-11-01T06:00:00Z', [y], [exp]);
		expect(l.light).toBe('green');
	});
	it('no false red after the repeated hour in Berlin: the run at 02:30 CET is the run for the day', () => {
		const exp = { pipeline: 'be', schedule: '30 2 * * *', timezone: 'Europe/Berlin' };
		const items = [a3('be', '2026-10-25T01:30:00.000Z', 'success'), a3('be', '2026-10-24T00:30:00.000Z', 'success')];
		expect(one('2026-10-25T02:00:00Z', items, [exp]).light).toBe('green');
		// and before 02:30 CET (01:30 UTC), at 02:50 CEST, nothing is missed yet
		expect(one('2026-10-25T00:50:00Z', items.slice(1), [exp]).light).toBe('green');
	});
	it('spring-forward day with no run at all is red (the 02:30 run was not skipped, it was due at 03:30)', () => {
		const exp = { pipeline: 'ny', schedule: '30 2 * * *', timezone: 'America/New_York' };
		const l = one('2026-03-08T09:00:00Z', [a3('ny', '2026-03-07T07:30:00.000Z', 'success')], [exp]);
		expect(l.codes).toContain('missed_run');
	});
});

describe('DST control: crons covering every hour and zones without DST (pass before and after)', () => {
	const tick = (cron: string, zone: string, at: string) => {
		const t = lastTicks(parseSchedule(cron, zone)!, Date.parse(at));
		return [iso(t.tick), iso(t.previous)];
	};
	it('0 * * * * fires in both passes of New York\'s repeated hour', () => {
		expect(tick('0 * * * *', 'America/New_York', '2026-11-01T06:10:00Z')).toEqual(['2026-11-01T06:00:00.000Z', '2026-11-01T05:00:00.000Z']);
	});
	it('30 * * * * fires in both passes of Berlin\'s repeated hour', () => {
		expect(tick('30 * * * *', 'Europe/Berlin', '2026-10-25T01:40:00Z')).toEqual(['2026-10-25T01:30:00.000Z', '2026-10-25T00:30:00.000Z']);
	});
	it('0 * * * * skips the hour New York does not have', () => {
		expect(tick('0 * * * *', 'America/New_York', '2026-03-08T07:10:00Z')).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-08T06:00:00.000Z']);
	});
	it.each([
		['Asia/Seoul', '2026-03-08T12:00:00Z', '2026-03-07T17:30:00.000Z'],
		['Asia/Seoul', '2026-11-01T12:00:00Z', '2026-10-31T17:30:00.000Z'],
		['Asia/Kolkata', '2026-03-29T12:00:00Z', '2026-03-28T21:00:00.000Z'],
		['UTC', '2026-10-25T12:00:00Z', '2026-10-25T02:30:00.000Z'],
	])('30 2 * * * in %s (no DST) around %s', (zone, at, expected) => {
		expect(tick('30 2 * * *', zone, at)[0]).toBe(expected);
	});
});

describe('time zones: expectations default to Airflow\'s default_timezone (UTC) (issue 5)', () => {
	it('an expectation without timezone for a DAG on Airflow\'s default is not red in the Korean evening', () => {
		const check = checkExpectation as unknown as (raw: Raw, index: number, zone?: string) => ReturnType<typeof checkExpectation>;
		const exp = check({ pipeline: 'noon', schedule: '0 12 * * *' }, 0);
		expect(exp.zone).toBe('UTC');
		const items = [a3('noon', '2026-11-21T12:00:00.000Z', 'success')].map((it, i) => checkRun(it as unknown as Raw, i, 'UTC'));
		const [l] = classifyPipelines(items, [exp], { ...DEFAULT_OPTIONS, now: Date.parse('2026-11-22T20:00:00+09:00') } as TrafficLightOptions).lights;
		expect(l.light).toBe('green');
	});
	it('the logic\'s defaults: schedules in UTC, reasons displayed in Asia/Seoul', () => {
		expect((DEFAULT_OPTIONS as unknown as Raw).scheduleZone).toBe('UTC');
		expect(DEFAULT_OPTIONS.zone).toBe('Asia/Seoul');
	});
});

describe('non-cron schedules never stop the node and skip missed-run checks (issue 5 of What to build)', () => {
	const asset = (dag: string, at: string, state: string, type = 'asset_triggered') => a3(dag, at, state, { dag_run_id: `${type}__${at}`, run_type: type });
	it.each(['Asset', 'Dataset', 'Asset or 0 0 * * *', 'Dataset or 0 0 * * *', 'Triggered by assets', 'After each workday', '1 day, 0:00:00'])('"%s" is recognised', (schedule) => {
		expect(() => checkExpectation({ pipeline: 'a', schedule }, 0, 'UTC')).not.toThrow();
	});
	it('an asset-triggered DAG is judged on its latest run: green after a success days ago, no missed run', () => {
		const l = one('2026-11-22T09:00:00Z', [asset('ad', '2026-11-19T03:00:00.000Z', 'success')], [{ pipeline: 'ad', schedule: 'Asset' }]);
		expect(l).toMatchObject({ light: 'green', codes: ['ok'] });
	});
	it('a dataset-triggered Airflow 2 DAG is red when its latest run failed', () => {
		const items = [asset('dd', '2026-11-21T03:00:00.000Z', 'failed', 'dataset_triggered'), asset('dd', '2026-11-20T03:00:00.000Z', 'success', 'dataset_triggered')];
		expect(one('2026-11-22T09:00:00Z', items, [{ pipeline: 'dd', schedule: 'Dataset' }]).codes).toEqual(['latest_failed']);
	});
	it('Airflow 2 REST schedule_interval objects: a CronExpression is a cron, a TimeDelta a timetable', () => {
		expect(checkExpectation({ pipeline: 'a', schedule: { __type: 'CronExpression', value: '0 6 * * *' } }, 0, 'UTC').parsedSchedule).toMatchObject({ text: '0 6 * * *' });
		expect(checkExpectation({ pipeline: 'a', schedule: { __type: 'TimeDelta', days: 1, seconds: 0, microseconds: 0 } }, 0, 'UTC').parsedSchedule).toBeNull();
	});
});

describe('control: behaviour that must stay (passes before and after)', () => {
	it('a cron-shaped text that does not parse still names the field', () => {
		expect(() => checkExpectation({ pipeline: 'a', schedule: '61 * * * *' }, 0, 'UTC')).toThrow(/schedule is not a valid cron/);
	});
	it('Airflow 3: today\'s scheduled run succeeded: green', () => {
		expect(one('2026-11-22T09:00:00Z', [a3('etl', D22, 'success'), a3('etl', D21, 'success')], [daily('etl')]).codes).toEqual(['ok']);
	});
	it('Airflow 2: today\'s run (logical date yesterday) succeeded: green', () => {
		expect(one('2026-11-22T09:00:00Z', [a2('etl', D21, D22, 'success'), a2('etl', D20, D21, 'success')], [daily('etl')]).codes).toEqual(['ok']);
	});
	it('a backfill failure from before today\'s tick does not turn a healthy DAG red', () => {
		const old = a3('etl', '2026-11-01T00:00:00.000Z', 'failed', { dag_run_id: 'bf', run_type: 'backfill', start_date: '2026-11-20T02:00:00Z', end_date: '2026-11-20T02:10:00Z' });
		expect(one('2026-11-22T09:00:00Z', [old, a3('etl', D22, 'success'), a3('etl', D21, 'success')], [daily('etl')]).light).toBe('green');
	});
	it('a mapped task whose other map index failed keeps the run red', () => {
		const t = (mapIndex: number, n: number, state: string): Raw => ({ source: 'airflow', pipeline: 'm', runId: 'r', taskId: 'load', mapIndex, tryNumber: n, state, startedAt: '2026-11-22T00:01:00Z', endedAt: '2026-11-22T00:05:00Z', url: '' });
		expect(one('2026-11-22T09:00:00Z', [t(0, 1, 'failed'), t(1, 1, 'failed'), t(1, 2, 'success')], []).light).toBe('red');
	});
});

describe('look-back each status workflow needs: two whole periods (issue 6 helper)', () => {
	const at = Date.parse('2026-11-22T09:00:00Z');
	// periods × the longest gap, + 15 min grace + 1 h slack, rounded up to whole hours
	it.each([
		['@weekly', 2, 3 * 168 + 2],
		['@weekly', 3, 2 * 168 + 2],
		['@daily', 2, 3 * 24 + 2],
		['@daily', 3, 2 * 24 + 2],
		['0 * * * *', 3, 2 + 2],
		['0 6 * * 1-5', 3, 2 * 72 + 2], // the weekend gap (Friday → Monday) is the longest period
		['@monthly', 3, 2 * 31 * 24 + 2],
	] as const)('%s on Airflow %i: %i hours', (schedule, airflowMajor, hours) => {
		expect(lookBackHours(schedule, { airflowMajor, at })).toBe(hours);
	});
	it('schedules without ticks get the fallback, and the zone is honoured', () => {
		expect(lookBackHours('Asset', { at })).toBe(72);
		expect(lookBackHours(null, { at, fallbackHours: 48 })).toBe(48);
		// a day in Berlin that is 25 hours long (fall-back) is the longest period around 2026-10-25
		expect(lookBackHours('0 0 * * *', { timezone: 'Europe/Berlin', airflowMajor: 3, at: Date.parse('2026-10-27T00:00:00Z') })).toBe(2 * 25 + 2);
	});
});

describe('ticksBetween and the fast ISO reader', () => {
	it('lists New York\'s hourly ticks through the fall-back hour: 01:00 twice', () => {
		const s = parseSchedule('0 * * * *', 'America/New_York')!;
		const ticks = ticksBetween(s, Date.parse('2026-11-01T04:00:00Z'), Date.parse('2026-11-01T07:00:00Z')).map(iso);
		expect(ticks).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z']);
	});
	it('lists Berlin\'s daily 02:30 through both switches once a day', () => {
		const s = parseSchedule('30 2 * * *', 'Europe/Berlin')!;
		expect(ticksBetween(s, Date.parse('2026-03-28T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')).map(iso)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
		expect(ticksBetween(s, Date.parse('2026-10-24T00:00:00Z'), Date.parse('2026-10-27T00:00:00Z')).map(iso)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z']);
	});
	it.each(['2026-11-22T09:00:00Z', '2026-11-22T09:00:00.123456+09:00', '2026-11-22T09:00:00-0500', '2024-02-29T23:59:59.5Z', '2026-11-22 09:00:00+00:00'])('reads %s as Date.parse does', (text) => {
		expect(fastIsoMs(text)).toBe(Date.parse(text));
	});
	it.each(['2026-11-22T09:00:00', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-22T09:0a:00Z', 'yesterday'])('leaves %s to the general reader', (text) => {
		expect(fastIsoMs(text)).toBeNaN();
	});
});

/**
 * Traffic Light figures: one call over 100,000 run items (2,000 pipelines x 50 runs), hourly
 * schedules, runs shaped as the Airflow node maps them: half the pipelines Airflow 3 (runAfter =
 * the tick), half Airflow 2 (dataIntervalEnd = the tick, logicalDate one hour earlier), with run
 * types, a manual run and a cleared old run here and there. Exits non-zero when the target is
 * missed. The call is timed three times (the machine is shared); the median counts.
 */
import { DEFAULT_OPTIONS, checkExpectation, checkRun, classifyPipelines } from '../nodes/logic/trafficLight/classify';
import { loadavg } from 'node:os';
import { measure, verdict } from './support';

const now = Date.parse('2026-11-22T09:30:00+09:00');
const HOUR = 3_600_000;
const states = ['success', 'success', 'success', 'success', 'failed', 'up_for_retry', 'running', 'queued'];
const iso = (ms: number) => new Date(ms).toISOString();
const items: Array<Record<string, unknown>> = [];
for (let p = 0; p < 2000; p++) {
	const airflow3 = p % 2 === 0;
	for (let r = 0; r < 50; r++) {
		const tick = Math.floor(now / HOUR) * HOUR - r * HOUR;
		const start = tick + 30_000;
		const state = r === 0 ? states[p % states.length] : 'success';
		const manual = r === 7 && p % 5 === 0;
		const cleared = r === 40 && p % 7 === 0;
		const started = cleared ? now - 20 * 60_000 : start;
		items.push({
			source: 'airflow',
			pipeline: `dag_${p}`,
			runId: `${manual ? 'manual' : 'scheduled'}__${iso(tick)}`,
			state,
			runType: manual ? 'manual' : 'scheduled',
			logicalDate: airflow3 ? iso(tick) : iso(tick - HOUR),
			runAfter: airflow3 ? iso(tick) : null,
			dataIntervalEnd: airflow3 ? null : iso(tick),
			startedAt: state === 'queued' ? null : iso(started),
			endedAt: state === 'success' || state === 'failed' ? iso(started + 600_000 + (p % 7) * 1000) : null,
			tryNumber: state === 'success' && p % 11 === 0 && r === 0 ? 2 : 1,
			url: `http://airflow/dags/dag_${p}/grid`,
		});
	}
}
const expectations = Array.from({ length: 2000 }, (_, p) => ({ pipeline: `dag_${p}`, schedule: '0 * * * *', timezone: p % 3 === 0 ? 'America/New_York' : 'UTC', expectedDurationMin: 30 }));
// each result is dropped before the next call, so no call pays for the previous one's garbage
const times: number[] = [];
const cpu: number[] = [];
let peak = 0;
let rss = 0;
const counts: Record<string, number> = {};
for (let k = 0; k < 3; k++) {
	const cpu0 = process.cpuUsage();
	const run = measure(() => {
		const checked = items.map((item, i) => checkRun(item, i, 'UTC'));
		const exps = expectations.map((e, i) => checkExpectation(e, i, 'UTC'));
		return classifyPipelines(checked, exps, { ...DEFAULT_OPTIONS, now });
	});
	const used = process.cpuUsage(cpu0);
	cpu.push((used.user + used.system) / 1000);
	times.push(run.ms);
	peak = Math.max(peak, run.peakHeapMB);
	rss = run.rssMB;
	if (k === 0) for (const l of run.result.lights) counts[l.light] = (counts[l.light] ?? 0) + 1;
}
const medianMs = [...times].sort((a, b) => a - b)[1];
console.log(
	`100,000 run items, 2,000 pipelines with hourly schedules: median ${medianMs.toFixed(0)} ms (wall per call ${times.map((t) => t.toFixed(0)).join(' / ')} ms; CPU time of the process per call, GC threads included, ${cpu.map((t) => t.toFixed(0)).join(' / ')} ms; load average ${loadavg()[0].toFixed(1)}), peak heap ${peak.toFixed(0)} MB (rss ${rss.toFixed(0)} MB); lights ${JSON.stringify(counts)}`,
);
const met = medianMs < 1000 && peak < 300;
console.log(`target < 1 s and < 300 MB: ${verdict(met)}`);
if (!met) process.exitCode = 1;

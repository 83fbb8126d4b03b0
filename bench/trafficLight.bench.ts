/** Traffic Light figures: one call over 100,000 run items (2,000 pipelines x 50 runs). */
import { DEFAULT_OPTIONS, checkExpectation, checkRun, classifyPipelines } from '../nodes/logic/trafficLight/classify';
import { measure, verdict } from './support';

const now = Date.parse('2026-11-22T09:30:00+09:00');
const states = ['success', 'success', 'success', 'success', 'failed', 'up_for_retry', 'running', 'queued'];
const items: Array<Record<string, unknown>> = [];
for (let p = 0; p < 2000; p++) {
	for (let r = 0; r < 50; r++) {
		const start = Math.floor(now / 3_600_000) * 3_600_000 - r * 3_600_000 + 30_000;
		const state = r === 0 ? states[p % states.length] : 'success';
		items.push({
			source: 'airflow',
			pipeline: `dag_${p}`,
			runId: `scheduled__${new Date(start).toISOString()}`,
			state,
			startedAt: new Date(start).toISOString(),
			endedAt: state === 'success' || state === 'failed' ? new Date(start + 600_000 + (p % 7) * 1000).toISOString() : null,
			url: `http://airflow/dags/dag_${p}/grid`,
		});
	}
}
const expectations = Array.from({ length: 2000 }, (_, p) => ({ pipeline: `dag_${p}`, schedule: '0 * * * *', expectedDurationMin: 30 }));
const run = measure(() => {
	const runs = items.map((item, i) => checkRun(item, i, 'Asia/Seoul'));
	const exps = expectations.map((e, i) => checkExpectation(e, i, 'Asia/Seoul'));
	return classifyPipelines(runs, exps, { ...DEFAULT_OPTIONS, now });
});
const counts: Record<string, number> = {};
for (const l of run.result.lights) counts[l.light] = (counts[l.light] ?? 0) + 1;
console.log(`100,000 run items, 2,000 pipelines with hourly schedules: ${run.ms.toFixed(0)} ms, peak heap ${run.peakHeapMB.toFixed(0)} MB (rss ${run.rssMB.toFixed(0)} MB); lights ${JSON.stringify(counts)}`);
console.log(`target < 1 s and < 300 MB: ${verdict(run.ms < 1000 && run.peakHeapMB < 300)}`);

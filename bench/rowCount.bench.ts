/**
 * Row Count Diff figures:
 *  1. detection quality on the labelled set, against the common approach (mean/stddev z-score,
 *     sensitivity 3, 14 days), overall and per cadence;
 *  2. one call over 10,000 tables x 90 days of history: time and peak memory.
 */
import { DEFAULT_RULES, judgeTable } from '../nodes/logic/rowCount/diff';
import type { TableInput } from '../nodes/logic/rowCount/diff';
import { labelledSet, DEFAULT_SET } from '../test/support/rowCount/labelledSeries';
import { prng } from '../test/support/prng';
import { nodeDetector, score, zScoreDetector } from '../test/support/rowCount/evaluate';
import { measure, verdict } from './support';

const pct = (x: number) => (x * 100).toFixed(1) + '%';
const set = labelledSet();
const node = score(set, DEFAULT_SET.evalDays, nodeDetector());
const z = score(set, DEFAULT_SET.evalDays, zScoreDetector);
console.log(`labelled set: ${set.length} tables, ${node.tableDays} judged table-days, ${node.truePositives + node.falseNegatives} anomalous`);
console.log('detector              precision  recall   F1     false alarms/100 table-days');
for (const [name, s] of [['Row Count Diff', node], ['z-score 3 / 14 days', z]] as const) {
	console.log(`${name.padEnd(22)}${pct(s.precision).padStart(9)}${pct(s.recall).padStart(9)}${s.f1.toFixed(3).padStart(7)}${s.falseAlarmsPer100.toFixed(2).padStart(10)}`);
}
for (const kind of ['daily', 'weekday', 'holiday', 'monthly', 'irregular']) {
	const sub = set.filter((t) => t.kind === kind);
	const a = score(sub, DEFAULT_SET.evalDays, nodeDetector());
	const b = score(sub, DEFAULT_SET.evalDays, zScoreDetector);
	console.log(`  ${kind.padEnd(10)} node F1 ${a.f1.toFixed(3)} FA/100 ${a.falseAlarmsPer100.toFixed(2)} | z-score F1 ${b.f1.toFixed(3)} FA/100 ${b.falseAlarmsPer100.toFixed(2)}`);
}
console.log(`target F1 >= 0.9: ${verdict(node.f1 >= 0.9)}; false alarms <= 1/100: ${verdict(node.falseAlarmsPer100 <= 1)}; better than z-score on both: ${verdict(node.f1 > z.f1 && node.falseAlarmsPer100 < z.falseAlarmsPer100)}`);

// 10,000 tables x 90 days of history
const rand = prng(7);
const inputs: TableInput[] = [];
const start = Date.parse('2026-08-24T00:00:00Z');
for (let t = 0; t < 10_000; t++) {
	let rows = 1_000_000;
	const history = [];
	for (let d = 0; d < 90; d++) {
		rows += Math.round(1000 + rand() * 200);
		history.push({ date: new Date(start + d * 86_400_000).toISOString().slice(0, 10), rows });
	}
	inputs.push({ table: `table_${t}`, rows: rows + 1100, measuredAt: '2026-11-22T06:00:00+09:00', history });
}
const cadences = ['regular', 'regular_holiday', 'monthly', 'irregular'] as const;
const run = measure(() => inputs.map((input, i) => judgeTable(input, { ...DEFAULT_RULES, cadence: cadences[i % 4] })));
console.log(`10,000 tables x 90 days: ${run.ms.toFixed(0)} ms, peak heap ${run.peakHeapMB.toFixed(0)} MB (rss ${run.rssMB.toFixed(0)} MB), ${run.result.length} items`);
console.log(`target < 1 s and < 300 MB: ${verdict(run.ms < 1000 && run.peakHeapMB < 300)}`);

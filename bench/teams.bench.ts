/**
 * Teams Table figures: 500 light rows and 5,000 row-count rows packed into Adaptive Cards (and
 * the other formats) within the 24 KB default budget. Prints parts, the largest part in bytes
 * (must stay under the limit) and the build time (target: under 200 ms for 5,000 rows).
 */
import { performance } from 'node:perf_hooks';
import { buildMessages } from '../nodes/logic/teams/report';
import type { TeamsFormat } from '../nodes/logic/teams/types';
import { genLights, genRowCounts } from '../test/support/teams/generate';

const LIMIT = 24 * 1024;
const NOW = '2026-11-22T01:00:00Z';
let failed = false;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function run(label: string, items: object[], format: TeamsFormat, targetMs: number | null, language: 'en' | 'ko' = 'en'): void {
	const options = { now: NOW, format, language, maxParts: 0, maxBytes: LIMIT };
	buildMessages(items, options); // warm-up
	const times: number[] = [];
	let messages = buildMessages(items, options);
	for (let i = 0; i < 7; i++) {
		const t0 = performance.now();
		messages = buildMessages(items, options);
		times.push(performance.now() - t0);
	}
	const largest = Math.max(...messages.map((m) => m.bytes));
	const rows = messages.reduce((n, m) => n + m.rows, 0);
	const ms = median(times);
	const sizeOk = largest <= LIMIT;
	const rowsOk = rows === items.length;
	const timeOk = targetMs === null || ms < targetMs;
	if (!sizeOk || !rowsOk || !timeOk) failed = true;
	console.log(
		`${label.padEnd(34)} parts ${String(messages.length).padStart(4)}  largest ${String(largest).padStart(5)} B (< ${LIMIT}: ${sizeOk ? 'yes' : 'NO'})  rows kept ${rows}/${items.length}${rowsOk ? '' : ' NO'}  build ${ms.toFixed(1).padStart(6)} ms median of 7` +
			(targetMs === null ? '' : ` (target < ${targetMs} ms: ${timeOk ? 'met' : 'NOT met'})`),
	);
}

const lights = genLights(500);
const rowCounts = genRowCounts(5000);
run('500 light rows, Adaptive Card', lights, 'adaptiveCard', null);
run('500 light rows, Adaptive Card, 한국어', genLights(500, { korean: true }), 'adaptiveCard', null, 'ko');
run('500 light rows, MessageCard', lights, 'messageCard', null);
run('5,000 rowCount rows, Adaptive Card', rowCounts, 'adaptiveCard', 200);
run('5,000 rowCount rows, MessageCard', rowCounts, 'messageCard', 200);
run('5,000 rowCount rows, HTML', rowCounts, 'html', 200);
run('5,000 rowCount rows, Markdown', rowCounts, 'markdown', 200);
const t0 = performance.now();
const truncated = buildMessages(rowCounts, { now: NOW, overflow: 'truncate' });
console.log(`5,000 rowCount rows, truncate: 1 message of ${truncated[0].bytes} B with ${truncated[0].rows} rows and "and ${truncated[0].omitted} more" (${(performance.now() - t0).toFixed(1)} ms)`);
if (failed) {
	console.log('teams bench: a target was NOT met');
	process.exitCode = 1;
} else console.log('teams bench: all targets met');

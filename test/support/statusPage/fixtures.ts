/**
 * Realistic, partly hostile status-page data: the rows the workflow's queries return (camelCase
 * aliases, bigint as text, jsonb parsed), and the SQL that seeds the same picture into the
 * monitor database for the real-n8n test and the screenshot.
 */
import { DateTime } from 'luxon';

export const HOSTILE = {
	script: '<script>window.__pwned=1</script>',
	img: '<img src=x onerror="window.__pwned=2">',
	quote: '" onmouseover="window.__pwned=3" x="',
	single: "' autofocus onfocus='window.__pwned=4",
	jsUrl: 'javascript:window.__pwned=5',
	tabJsUrl: 'java\tscript:window.__pwned=6',
	dataUrl: 'data:text/html,<script>window.__pwned=7</script>',
	sql: "x'); DROP TABLE pipeline_monitor.events; --",
};

/** Everything a hostile pipeline might carry, concatenated, to check that each piece is escaped. */
export const HOSTILE_TEXT = `${HOSTILE.script} ${HOSTILE.img} ${HOSTILE.quote} ${HOSTILE.single}`;

function sqlString(value: string | null): string {
	return value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
}

interface SeedPipeline {
	pipeline: string;
	service: 'airflow' | 'n8n';
	schedule: string | null;
	deadline: string | null;
	owner: string;
	description: string;
	light: 'green' | 'yellow' | 'red' | 'grey';
	reasons: Array<{ code: string; light: string; text: string }>;
	url: string;
}

export const SEED_PIPELINES: SeedPipeline[] = [
	{ pipeline: 'sales_daily', service: 'airflow', schedule: '0 6 * * *', deadline: '07:30', owner: '김데이터', description: '일일 매출 집계 (ERP → DW)', light: 'green', reasons: [{ code: 'ok', light: 'green', text: '최근 실행 정상 완료' }], url: 'http://airflow.local:8080/dags/sales_daily/grid' },
	{ pipeline: 'crm_sync', service: 'airflow', schedule: '0 * * * *', deadline: null, owner: '이민수', description: 'CRM 고객 동기화', light: 'red', reasons: [{ code: 'consecutive_failures', light: 'red', text: '3회 연속 실패' }, { code: 'latest_failed', light: 'red', text: '최근 실행 실패 (scheduled__2026-11-22T00:00:00+00:00)' }], url: 'http://airflow.local:8080/dags/crm_sync/grid' },
	{ pipeline: 'ad_spend_import', service: 'airflow', schedule: '30 7 * * *', deadline: '08:30', owner: '박광고', description: '광고비 수집 (Google/Meta/Naver)', light: 'yellow', reasons: [{ code: 'finished_late', light: 'yellow', text: '예상 종료 08:30보다 42분 늦게 성공' }], url: 'http://airflow.local:8080/dags/ad_spend_import/grid' },
	{ pipeline: 'inventory_snapshot', service: 'airflow', schedule: '0 2 * * *', deadline: '03:00', owner: '최재고', description: '재고 스냅샷', light: 'yellow', reasons: [{ code: 'success_after_retries', light: 'yellow', text: '3번 시도 끝에 성공' }], url: 'http://airflow.local:8080/dags/inventory_snapshot/grid' },
	{ pipeline: 'billing_export', service: 'n8n', schedule: '0 9 * * 1-5', deadline: '09:30', owner: '정회계', description: '청구서 내보내기 (n8n)', light: 'red', reasons: [{ code: 'missed_run', light: 'red', text: '09:00 예정 실행이 시작되지 않음' }], url: 'http://n8n.local:5678/workflow/billingExport01' },
	{ pipeline: 'finance_close', service: 'airflow', schedule: '0 4 1 * *', deadline: null, owner: '정회계', description: '월 마감', light: 'grey', reasons: [{ code: 'not_started', light: 'grey', text: '아직 시작된 실행 없음' }], url: 'http://airflow.local:8080/dags/finance_close/grid' },
	{ pipeline: 'ml_features', service: 'airflow', schedule: '0 3 * * *', deadline: '05:00', owner: '한모델', description: '모델 피처 생성', light: 'green', reasons: [{ code: 'ok', light: 'green', text: '최근 실행 정상 완료' }], url: 'http://airflow.local:8080/dags/ml_features/grid' },
	{ pipeline: `evil${HOSTILE.script}`, service: 'n8n', schedule: null, deadline: null, owner: HOSTILE.quote, description: HOSTILE.img, light: 'red', reasons: [{ code: 'latest_failed', light: 'red', text: HOSTILE_TEXT }], url: HOSTILE.jsUrl },
];

export interface SeedTable {
	table: string;
	cadence: 'regular' | 'regular_holiday' | 'monthly' | 'irregular';
	pipeline: string;
	description: string;
	/** rows on day i (0 = 29 days ago) */
	rows: (i: number) => number | null;
	light: 'green' | 'yellow' | 'red' | 'grey';
	reason: string;
}

export const SEED_TABLES: SeedTable[] = [
	{ table: 'dw.orders', cadence: 'regular', pipeline: 'sales_daily', description: '주문 팩트', rows: (i) => 1_200_000 + i * 8_400 + ((i * 37) % 11) * 300, light: 'green', reason: '정상 범위' },
	{ table: 'dw.payments', cadence: 'regular', pipeline: 'sales_daily', description: '결제', rows: (i) => (i < 29 ? 800_000 + i * 5_100 : 800_000 + 28 * 5_100 + 600), light: 'red', reason: '평소보다 적게 적재됨 (+600, 예상 +4,200 ~ +6,100)' },
	{ table: 'crm.customers', cadence: 'regular_holiday', pipeline: 'crm_sync', description: '고객 마스터 (공휴일 미적재)', rows: (i) => 350_000 + Math.floor(i / 7) * 5 * 900 + (i % 7 < 5 ? (i % 7) * 900 : 4 * 900), light: 'green', reason: '정상 범위' },
	{ table: 'mart.ad_spend_daily', cadence: 'regular_holiday', pipeline: 'ad_spend_import', description: '광고비 일별', rows: (i) => (i === 27 ? null : 52_000 + i * 1_350), light: 'yellow', reason: '1일 측정 누락' },
	{ table: 'dw.monthly_settlement', cadence: 'monthly', pipeline: 'finance_close', description: '월 정산', rows: (i) => (i < 9 ? 48_000 : 61_500), light: 'green', reason: '다음 적재 예정일까지 대기' },
	{ table: 'ext.partner_feed', cadence: 'irregular', pipeline: 'crm_sync', description: '파트너사 상품 피드 (비정기 수신)', rows: (i) => 9_000 + Math.floor(i / 6) * 1_200, light: 'green', reason: '정상 범위' },
	{ table: 'ext.hostile_feed', cadence: 'irregular', pipeline: 'crm_sync', description: `hostile ${HOSTILE.script}`, rows: (i) => 100 + i, light: 'grey', reason: HOSTILE.img },
];

export interface SeedOptions {
	/** the moment the data is "as of" */
	now: DateTime;
	/** failure events to add beyond the hand-written ones (for paging) */
	extraFailures?: number;
}

/** SQL that removes the hostile rows again (before the README screenshot). */
export const REMOVE_HOSTILE_SQL = `
DELETE FROM pipeline_monitor.events WHERE pipeline LIKE 'evil%';
DELETE FROM pipeline_monitor.lights WHERE pipeline LIKE 'evil%';
DELETE FROM pipeline_monitor.light_history WHERE pipeline LIKE 'evil%';
DELETE FROM pipeline_monitor.pipelines WHERE pipeline LIKE 'evil%';
DELETE FROM pipeline_monitor.row_counts WHERE table_name = 'ext.hostile_feed';
DELETE FROM pipeline_monitor.monitored_tables WHERE table_name = 'ext.hostile_feed';`;

/** SQL that fills pipelines, lights, light_history, events and row_counts (run after schema.sql). */
export function seedSql({ now, extraFailures = 30 }: SeedOptions): string {
	const zone = 'Asia/Seoul';
	const today = now.setZone(zone).startOf('day');
	const out: string[] = [];
	for (const p of SEED_PIPELINES) {
		out.push(
			`INSERT INTO pipeline_monitor.pipelines (pipeline, service, schedule, timezone, deadline, owner, description) VALUES (${sqlString(p.pipeline)}, '${p.service}', ${sqlString(p.schedule)}, '${zone}', ${sqlString(p.deadline)}, ${sqlString(p.owner)}, ${sqlString(p.description)});`,
			`INSERT INTO pipeline_monitor.lights (pipeline, light, reasons, url, changed_at, evaluated_at) VALUES (${sqlString(p.pipeline)}, '${p.light}', ${sqlString(JSON.stringify(p.reasons))}::jsonb, ${sqlString(p.url)}, '${now.minus({ hours: 5 }).toISO()}', '${now.minus({ minutes: 10 }).toISO()}');`,
		);
		const history: string[] = [];
		for (let d = 13; d >= 0; d--) {
			const light = d === 0 ? p.light : (['green', 'green', 'green', 'yellow', 'green', 'red'] as const)[(d * 7 + p.pipeline.length) % 6];
			history.push(`(${sqlString(p.pipeline)},'${light}','${today.minus({ days: d }).plus({ hours: 9 }).toISO()}')`);
		}
		out.push(`INSERT INTO pipeline_monitor.light_history (pipeline, light, evaluated_at) VALUES ${history.join(',')};`);
	}
	const events: string[] = [];
	const event = (key: string, kind: string, source: string, pipeline: string, task: string | null, at: DateTime, message: string, url: string | null, logUrl: string | null, state: string) =>
		events.push(
			`(${sqlString(key)}, '${source}', '${kind}', ${sqlString(pipeline)}, ${sqlString(`scheduled__${at.toUTC().toISO()}`)}, ${sqlString(task)}, 1, ${sqlString(state)}, ${sqlString(at.toISO())}, ${sqlString(at.toISO())}, ${sqlString(message)}, ${sqlString(url)}, ${sqlString(logUrl)}, ${sqlString(message)})`,
		);
	const log = (dag: string, task: string) => `http://airflow.local:8080/dags/${dag}/grid?task_id=${task}&tab=logs`;
	event('a|crm_sync|1', 'failure', 'airflow', 'crm_sync', 'extract_customers', now.minus({ hours: 1 }), 'psycopg2.OperationalError: connection to server at "crm-db" (10.0.3.12), port 5432 failed: timeout expired — CRM DB 연결 시간 초과', 'http://airflow.local:8080/dags/crm_sync/grid', log('crm_sync', 'extract_customers'), 'failed');
	event('a|crm_sync|2', 'failure', 'airflow', 'crm_sync', 'extract_customers', now.minus({ hours: 2 }), 'CRM DB 연결 시간 초과 (재시도 후 실패)', 'http://airflow.local:8080/dags/crm_sync/grid', log('crm_sync', 'extract_customers'), 'failed');
	event('n|billing|1', 'failure', 'n8n', 'billing_export', null, now.minus({ hours: 3 }), 'NodeApiError: 401 Unauthorized — ERP API 토큰 만료', 'http://n8n.local:5678/workflow/billingExport01/executions/812', null, 'error');
	event('a|evil|1', 'failure', 'airflow', `evil${HOSTILE.script}`, HOSTILE.quote, now.minus({ hours: 4 }), HOSTILE_TEXT, HOSTILE.jsUrl, HOSTILE.dataUrl, HOSTILE.single);
	event('a|evil|2', 'failure', 'airflow', 'evil_tab_url', 'load', now.minus({ hours: 4, minutes: 30 }), HOSTILE.sql, HOSTILE.tabJsUrl, 'https://airflow.local/log?x="><script>window.__pwned=8</script>', 'failed');
	event('a|ad|1', 'warning', 'airflow', 'ad_spend_import', 'load_naver', now.minus({ hours: 6 }), '예상 종료보다 42분 늦게 성공', 'http://airflow.local:8080/dags/ad_spend_import/grid', log('ad_spend_import', 'load_naver'), 'success');
	event('a|inv|1', 'warning', 'airflow', 'inventory_snapshot', 'snapshot', now.minus({ hours: 20 }), '3번 시도 끝에 성공', 'http://airflow.local:8080/dags/inventory_snapshot/grid', log('inventory_snapshot', 'snapshot'), 'success');
	event('a|sales|1', 'success', 'airflow', 'sales_daily', null, now.minus({ hours: 3, minutes: 20 }), '최근 실행 정상 완료', 'http://airflow.local:8080/dags/sales_daily/grid', null, 'success');
	event('a|old|1', 'failure', 'airflow', 'sales_daily', 'load', now.minus({ days: 20 }), '20일 전 실패 (기본 2주 범위 밖)', 'http://airflow.local:8080/dags/sales_daily/grid', null, 'failed');
	const dags = ['sales_daily', 'ml_features', 'inventory_snapshot', 'ad_spend_import'];
	const errors = ['KeyError: \'region_code\'', 'S3 upload failed: SlowDown (503)', 'MemoryError in pandas merge', 'Task exited with return code -9 (OOM)', '원본 파일 없음: /data/in/2026-11-21.csv'];
	for (let i = 0; i < extraFailures; i++) {
		const dag = dags[i % dags.length];
		event(`a|extra|${i}`, 'failure', 'airflow', dag, `task_${(i % 3) + 1}`, now.minus({ hours: 8 + i * 9 }), errors[i % errors.length], `http://airflow.local:8080/dags/${dag}/grid`, log(dag, `task_${(i % 3) + 1}`), 'failed');
	}
	out.push(
		`INSERT INTO pipeline_monitor.events (event_key, source, kind, pipeline, run_id, task_id, try_number, state, ended_at, received_at, message, url, log_url, summary) VALUES\n${events.join(',\n')};`,
	);
	for (const t of SEED_TABLES) {
		out.push(`INSERT INTO pipeline_monitor.monitored_tables (table_name, pipeline, cadence, description) VALUES (${sqlString(t.table)}, ${sqlString(t.pipeline)}, '${t.cadence}', ${sqlString(t.description)});`);
		let previous: number | null = null;
		const counts: string[] = [];
		for (let i = 0; i < 30; i++) {
			const rows = t.rows(i);
			if (rows === null) continue;
			const day = today.minus({ days: 29 - i });
			const light = i === 29 ? t.light : 'green';
			const reason = i === 29 ? JSON.stringify({ code: 'x', light: t.light, text: t.reason }) : null;
			counts.push(`(${sqlString(t.table)},'${day.toISODate()}','${day.plus({ hours: 10 }).toISO()}',${rows},${previous === null ? 'NULL' : rows - previous},'${light}',${reason ? `${sqlString(reason)}::jsonb` : 'NULL'},'${t.cadence}')`);
			previous = rows;
		}
		out.push(`INSERT INTO pipeline_monitor.row_counts (table_name, measured_on, measured_at, rows, delta, light, reason, cadence) VALUES ${counts.join(',')};`);
	}
	// schema v3/v4: dw.payments has a timestamp column (newest row 26 h old at today's check, 6 h
	// allowed), is muted until the day after tomorrow and has an incident annotated three days ago
	const checked = today.plus({ hours: 10 });
	out.push(
		`UPDATE pipeline_monitor.monitored_tables SET timestamp_column = 'paid_at', max_lag_minutes = 360, mute_until = '${today.plus({ days: 2 }).toISODate()}' WHERE table_name = 'dw.payments';`,
		`UPDATE pipeline_monitor.row_counts SET latest_at = '${checked.minus({ hours: 26 }).toISO()}', lag_minutes = 1560, allowed_lag_minutes = 360 WHERE table_name = 'dw.payments' AND measured_on = '${today.toISODate()}';`,
		`INSERT INTO pipeline_monitor.annotations (table_name, from_day, to_day, kind, note, created_by) VALUES ('dw.payments', '${today.minus({ days: 3 }).toISODate()}', '${today.minus({ days: 3 }).toISODate()}', 'incident', 'PG사 장애로 결제 적재 지연', 'ops');`,
	);
	return out.join('\n');
}

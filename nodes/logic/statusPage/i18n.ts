/** The words of the status page in Korean and English. */
import type { Cadence, Light } from '../shared/items';
import type { CadenceFilter, EventKind, Language, Notice, QueryKey, StripCounts } from './types';

/** What a refused query parameter should have been (the 400 page says it in the page's language). */
export type Expectation =
	| { rule: 'value'; key: QueryKey; max?: number; once?: boolean; maxLength?: number }
	| { rule: 'range_order'; toGiven: boolean }
	| { rule: 'range_max'; days: number };

export interface PageLabels {
	htmlLang: string;
	title: string;
	generated: string;
	timezone: string;
	switchLanguage: string;
	pipelinesHeading: string;
	light: Record<Light | 'none', string>;
	col: {
		light: string;
		pipeline: string;
		service: string;
		schedule: string;
		deadline: string;
		owner: string;
		reasons: string;
		evaluated: string;
		lastDays: (days: number) => string;
		time: string;
		task: string;
		state: string;
		message: string;
		links: string;
		table: string;
		rows: string;
		delta: string;
		trend: (days: number) => string;
		verdict: string;
	};
	noPipelines: string;
	eventsHeading: (from: string, to: string) => string;
	tab: Record<EventKind, string>;
	range: { from: string; to: string; apply: string };
	noEvents: string;
	run: string;
	log: string;
	lastTime: string;
	tryNo: (n: number) => string;
	pageOf: (page: number, last: number, total: number) => string;
	prev: string;
	next: string;
	countsHeading: string;
	cadence: Record<CadenceFilter, string>;
	noCounts: string;
	estimated: string;
	notMeasured: string;
	newestRow: (at: string, age: string, allowed: string | null) => string;
	mutedUntil: (day: string) => string;
	annotated: string;
	annotationKind: Record<string, string>;
	hours: (h: string) => string;
	minutes: (m: string) => string;
	trendLabel: (table: string, min: string, max: string) => string;
	notice: (n: Notice) => string;
	/** run and task states of Airflow and n8n, as the reader says them */
	state: Record<string, string>;
	/** Airflow run types */
	runType: Record<string, string>;
	/** the verdict of a row count by its reason code; the numbers follow it */
	verdict: Record<string, string>;
	/** a verdict whose code the catalogue does not know: said by its light */
	verdictByLight: Record<Light, string>;
	/** the daily-loads trend: the flagged days named */
	flaggedDays: (days: string[]) => string;
	/** one cell of a pipeline's history strip: its light and the stored counts behind it */
	stripCell: (day: string, light: string | null, counts?: StripCounts) => string;
	/** a cell of a pipeline whose history the hourly status workflow has not computed yet */
	stripPending: (day: string) => string;
	expected: (e: Expectation) => string;
	badRequestTitle: string;
	badRequestIntro: string;
	badRequestExpected: string;
	backToDefault: string;
	unavailable: string;
	footer: string;
}

const CADENCE_EN: Record<Cadence, string> = { regular: 'Regular (daily/weekly)', regular_holiday: 'Regular, affected by holidays', monthly: 'Monthly', irregular: 'Irregular' };
const CADENCE_KO: Record<Cadence, string> = { regular: '정기 (일/주 단위)', regular_holiday: '정기 (공휴일 영향)', monthly: '월 단위', irregular: '비정기' };

const STATE_EN: Record<string, string> = {
	queued: 'queued',
	running: 'running',
	success: 'succeeded',
	failed: 'failed',
	up_for_retry: 'waiting to retry',
	up_for_reschedule: 'waiting to reschedule',
	upstream_failed: 'upstream failed',
	skipped: 'skipped',
	removed: 'removed',
	restarting: 'restarting',
	deferred: 'deferred',
	scheduled: 'scheduled',
	none: 'not run',
	error: 'error',
	crashed: 'crashed',
	canceled: 'canceled',
	cancelled: 'canceled',
	waiting: 'waiting',
	new: 'new',
};
const STATE_KO: Record<string, string> = {
	queued: '대기열',
	running: '실행 중',
	success: '성공',
	failed: '실패',
	up_for_retry: '재시도 대기',
	up_for_reschedule: '재예약 대기',
	upstream_failed: '선행 태스크 실패',
	skipped: '건너뜀',
	removed: '제거됨',
	restarting: '재시작 중',
	deferred: '지연됨',
	scheduled: '예약됨',
	none: '실행 안 됨',
	error: '오류',
	crashed: '비정상 종료',
	canceled: '취소됨',
	cancelled: '취소됨',
	waiting: '대기 중',
	new: '새 실행',
};
const RUN_TYPE_EN: Record<string, string> = { scheduled: 'scheduled', manual: 'manual', backfill: 'backfill', dataset_triggered: 'dataset-triggered', asset_triggered: 'asset-triggered' };
const RUN_TYPE_KO: Record<string, string> = { scheduled: '예약', manual: '수동', backfill: '백필', dataset_triggered: '데이터셋 트리거', asset_triggered: '에셋 트리거' };

/** Row Count Diff's verdict codes (and the monitor workflow's count_failed, and freshness). */
const VERDICT_EN: Record<string, string> = {
	normal: 'Within the usual range',
	catch_up: 'Catch-up load',
	holiday: 'Holiday: a low load is expected',
	loaded: 'Loaded',
	monthly_loaded: 'Monthly load arrived',
	monthly_waiting: 'Waiting for the monthly load',
	monthly_missing: 'Monthly load missing',
	waiting: 'Waiting for the next load',
	gap: 'No load for longer than usual',
	gap_in_history: 'Counts missing: not judged',
	insufficient_history: 'Not enough history yet',
	rows_decreased: 'Rows decreased',
	spike: 'Loaded more than usual',
	drop: 'Loaded less than usual',
	expected: 'Expected change (annotated)',
	muted: 'Muted',
	count_failed: 'Count failed',
	fresh: 'Fresh',
	stale: 'Stale',
	stale_soon: 'Nearly stale',
	no_rows: 'No rows with a timestamp',
	freshness_failed: 'Freshness check failed',
	hours_normal: 'Hourly loads normal',
	settling: 'Recent hours still settling',
	hour_missing: 'An hour without rows',
	hour_drop: 'An hour loaded less than usual',
	hour_spike: 'An hour loaded more than usual',
};
const VERDICT_KO: Record<string, string> = {
	normal: '정상 범위',
	catch_up: '밀린 적재 보충',
	holiday: '공휴일: 적은 적재는 정상',
	loaded: '적재됨',
	monthly_loaded: '월 적재 도착',
	monthly_waiting: '월 적재 대기',
	monthly_missing: '월 적재 누락',
	waiting: '다음 적재 대기',
	gap: '평소보다 오래 적재 없음',
	gap_in_history: '측정 누락으로 판정 안 함',
	insufficient_history: '이력이 아직 부족함',
	rows_decreased: '행 수 감소',
	spike: '평소보다 많이 적재됨',
	drop: '평소보다 적게 적재됨',
	expected: '예정된 변화 (주석)',
	muted: '알림 일시 중지',
	count_failed: '집계 실패',
	fresh: '최신 상태',
	stale: '오래된 데이터',
	stale_soon: '곧 오래된 데이터',
	no_rows: '타임스탬프가 있는 행 없음',
	freshness_failed: '신선도 확인 실패',
	hours_normal: '시간별 적재 정상',
	settling: '최근 시간대는 아직 적재 중',
	hour_missing: '적재가 없는 시간대',
	hour_drop: '평소보다 적게 적재된 시간대',
	hour_spike: '평소보다 많이 적재된 시간대',
};

const CADENCE_NAMES_EN = 'all, regular, regular_holiday, monthly, irregular';

function expectedEn(e: Expectation): string {
	if (e.rule === 'range_order') return `a date on or before "to" (${e.toGiven ? 'given' : 'today'})`;
	if (e.rule === 'range_max') return `a range of at most ${e.days} days`;
	const base: Record<QueryKey, string> = {
		lang: 'ko or en',
		tab: 'failure, warning or success',
		from: 'a date YYYY-MM-DD',
		to: 'a date YYYY-MM-DD',
		page: `a whole number from 1 to ${e.max ?? 1}`,
		cadence: CADENCE_NAMES_EN,
		tz: 'an IANA time zone such as Asia/Seoul or UTC',
	};
	return `${base[e.key]}${e.once ? ', given once' : ''}${e.maxLength ? ` (at most ${e.maxLength} characters)` : ''}`;
}

function expectedKo(e: Expectation): string {
	if (e.rule === 'range_order') return `"to"(${e.toGiven ? '지정한 종료일' : '오늘'})와 같거나 이전 날짜`;
	if (e.rule === 'range_max') return `최대 ${e.days}일 범위`;
	const base: Record<QueryKey, string> = {
		lang: 'ko 또는 en',
		tab: 'failure, warning, success 중 하나',
		from: 'YYYY-MM-DD 형식의 날짜',
		to: 'YYYY-MM-DD 형식의 날짜',
		page: `1부터 ${e.max ?? 1} 사이의 정수`,
		cadence: `${CADENCE_NAMES_EN} 중 하나`,
		tz: 'IANA 시간대 이름 (예: Asia/Seoul, UTC)',
	};
	return `${base[e.key]}${e.once ? ', 한 번만 지정' : ''}${e.maxLength ? ` (최대 ${e.maxLength}자)` : ''}`;
}

const NOTICE_EN: Record<Notice['code'], (value: string) => string> = {
	bad_lang: (v) => `Unknown language "${v}" was ignored; showing the default.`,
	bad_tab: (v) => `Unknown tab "${v}" was ignored; showing the default.`,
	bad_cadence: (v) => `Unknown cadence "${v}" was ignored; showing the default.`,
	page_clamped: (v) => `Page ${v} is past the end; showing the last page.`,
	history_pending: () =>
		'The two-week history has not been computed yet: the hourly status workflow fills it on its next run. Until then the strips show only the events and evaluations stored so far.',
	history_zone: (v) => `The two-week history is kept per day in ${v}; the strips show those days.`,
};
const NOTICE_KO: Record<Notice['code'], (value: string) => string> = {
	bad_lang: (v) => `알 수 없는 언어 값 "${v}"은(는) 무시하고 기본값을 표시합니다.`,
	bad_tab: (v) => `알 수 없는 탭 값 "${v}"은(는) 무시하고 기본값을 표시합니다.`,
	bad_cadence: (v) => `알 수 없는 주기 값 "${v}"은(는) 무시하고 기본값을 표시합니다.`,
	page_clamped: (v) => `${v} 페이지는 범위를 벗어나 마지막 페이지를 표시합니다.`,
	history_pending: () => '2주 이력이 아직 계산되지 않았습니다. 매시간 도는 상태 워크플로가 다음 실행 때 채우며, 그때까지 막대에는 지금까지 저장된 이벤트와 평가만 표시됩니다.',
	history_zone: (v) => `2주 이력은 ${v} 기준 날짜로 저장되어 있어 막대는 그 날짜로 표시됩니다.`,
};

const EN: PageLabels = {
	htmlLang: 'en',
	title: 'Pipeline status',
	generated: 'Generated',
	timezone: 'Time zone',
	switchLanguage: '한국어',
	pipelinesHeading: 'Pipelines',
	light: { red: 'Failed', yellow: 'Warning', green: 'OK', grey: 'No data', none: 'Not evaluated' },
	col: {
		light: 'Status',
		pipeline: 'Pipeline',
		service: 'Service',
		schedule: 'Schedule',
		deadline: 'Deadline',
		owner: 'Owner',
		reasons: 'Latest reasons',
		evaluated: 'Evaluated',
		lastDays: (days) => `Last ${days} days`,
		time: 'Time',
		task: 'Task',
		state: 'State',
		message: 'Message / summary',
		links: 'Links',
		table: 'Table',
		rows: 'Rows',
		delta: 'Change',
		trend: (days) => `Daily loads, ${days} days`,
		verdict: 'Verdict',
	},
	noPipelines: 'No pipelines are configured yet (table pipeline_monitor.pipelines is empty).',
	eventsHeading: (from, to) => `Events ${from} – ${to}`,
	tab: { failure: 'Failed', warning: 'Warnings', success: 'Succeeded' },
	range: { from: 'From', to: 'To', apply: 'Show' },
	noEvents: 'No events of this kind in the selected range.',
	run: 'Run',
	log: 'Log',
	lastTime: 'Last time',
	tryNo: (n) => `try ${n}`,
	pageOf: (page, last, total) => `Page ${page} of ${last} (${total} events)`,
	prev: '‹ Previous',
	next: 'Next ›',
	countsHeading: 'Table row counts',
	cadence: { all: 'All', ...CADENCE_EN },
	noCounts: 'No row counts recorded yet.',
	estimated: 'estimate',
	notMeasured: 'not measured',
	newestRow: (at, age, allowed) => `Newest row ${at} (${age} old${allowed ? `; allowed ${allowed}` : ''})`,
	mutedUntil: (day) => `Muted until ${day}`,
	annotated: 'Annotated',
	annotationKind: { incident: 'incident', backfill: 'backfill', expected: 'expected' },
	hours: (h) => `${h} h`,
	minutes: (m) => `${m} min`,
	trendLabel: (table, min, max) => `Rows loaded per day into ${table}: least ${min}, most ${max}`,
	notice: (n) => NOTICE_EN[n.code](n.value),
	state: STATE_EN,
	runType: RUN_TYPE_EN,
	verdict: VERDICT_EN,
	verdictByLight: { red: 'Anomaly', yellow: 'Unusual', green: 'Normal', grey: 'Not judged' },
	flaggedDays: (days) => `flagged: ${days.join(', ')}`,
	stripCell: (day, light, c) => {
		const head = light ? `${day}: ${light}` : `${day}: no runs`;
		if (!c) return head;
		const parts = [
			c.runs ? `${c.runs} ${c.runs === 1 ? 'run' : 'runs'}` : '',
			c.failed ? `${c.failed} failed` : '',
			c.other ? `${c.other} not finished` : '',
			c.failures ? `${c.failures} stored ${c.failures === 1 ? 'failure' : 'failures'}` : '',
			c.warnings ? `${c.warnings} ${c.warnings === 1 ? 'warning' : 'warnings'}` : '',
			c.evaluations ? `${c.evaluations} ${c.evaluations === 1 ? 'evaluation' : 'evaluations'}` : '',
		].filter(Boolean);
		return parts.length ? `${head} (${parts.join(', ')})` : head;
	},
	stripPending: (day) => `${day}: history not computed yet`,
	expected: expectedEn,
	badRequestTitle: 'Bad request',
	badRequestIntro: 'The page cannot be shown for these parameters:',
	badRequestExpected: 'expected',
	backToDefault: 'Open the default view',
	unavailable: 'The monitoring database could not be read. The data below may be missing; try again shortly.',
	footer: 'Pipeline Monitor status page · data from the pipeline_monitor schema',
};

const KO: PageLabels = {
	htmlLang: 'ko',
	title: '파이프라인 상태',
	generated: '생성 시각',
	timezone: '시간대',
	switchLanguage: 'English',
	pipelinesHeading: '파이프라인',
	light: { red: '실패', yellow: '주의', green: '정상', grey: '데이터 없음', none: '평가 전' },
	col: {
		light: '상태',
		pipeline: '파이프라인',
		service: '서비스',
		schedule: '스케줄',
		deadline: '마감',
		owner: '담당자',
		reasons: '최근 사유',
		evaluated: '평가 시각',
		lastDays: (days) => `최근 ${days}일`,
		time: '시각',
		task: '태스크',
		state: '상태',
		message: '메시지 / 요약',
		links: '링크',
		table: '테이블',
		rows: '행 수',
		delta: '변화',
		trend: (days) => `일별 적재량 (${days}일)`,
		verdict: '판정',
	},
	noPipelines: '등록된 파이프라인이 없습니다 (pipeline_monitor.pipelines 테이블이 비어 있음).',
	eventsHeading: (from, to) => `이벤트 ${from} ~ ${to}`,
	tab: { failure: '실패', warning: '경고', success: '성공' },
	range: { from: '시작일', to: '종료일', apply: '조회' },
	noEvents: '선택한 기간에 해당하는 이벤트가 없습니다.',
	run: '실행',
	log: '로그',
	lastTime: '지난번 조치',
	tryNo: (n) => `${n}차 시도`,
	pageOf: (page, last, total) => `${page} / ${last} 페이지 (총 ${total}건)`,
	prev: '‹ 이전',
	next: '다음 ›',
	countsHeading: '테이블 행 수 변화',
	cadence: { all: '전체', ...CADENCE_KO },
	noCounts: '기록된 행 수가 아직 없습니다.',
	estimated: '추정치',
	notMeasured: '측정 없음',
	newestRow: (at, age, allowed) => `최신 행 ${at} (${age} 경과${allowed ? `, 허용 ${allowed}` : ''})`,
	mutedUntil: (day) => `${day}까지 알림 끔`,
	annotated: '주석',
	annotationKind: { incident: '장애', backfill: '백필', expected: '예정된 변화' },
	hours: (h) => `${h}시간`,
	minutes: (m) => `${m}분`,
	trendLabel: (table, min, max) => `${table} 일별 적재량: 최소 ${min}, 최대 ${max}`,
	notice: (n) => NOTICE_KO[n.code](n.value),
	state: STATE_KO,
	runType: RUN_TYPE_KO,
	verdict: VERDICT_KO,
	verdictByLight: { red: '이상', yellow: '주의', green: '정상', grey: '판정 안 함' },
	flaggedDays: (days) => `이상 표시된 날: ${days.join(', ')}`,
	stripCell: (day, light, c) => {
		const head = light ? `${day}: ${light}` : `${day}: 실행 없음`;
		if (!c) return head;
		const parts = [
			c.runs ? `실행 ${c.runs}건` : '',
			c.failed ? `실패 ${c.failed}건` : '',
			c.other ? `미완료 ${c.other}건` : '',
			c.failures ? `저장된 실패 ${c.failures}건` : '',
			c.warnings ? `경고 ${c.warnings}건` : '',
			c.evaluations ? `평가 ${c.evaluations}건` : '',
		].filter(Boolean);
		return parts.length ? `${head} (${parts.join(', ')})` : head;
	},
	stripPending: (day) => `${day}: 이력 계산 전`,
	expected: expectedKo,
	badRequestTitle: '잘못된 요청',
	badRequestIntro: '다음 매개변수로는 페이지를 표시할 수 없습니다:',
	badRequestExpected: '올바른 값',
	backToDefault: '기본 화면 열기',
	unavailable: '모니터링 데이터베이스를 읽지 못했습니다. 아래 데이터가 빠져 있을 수 있으니 잠시 후 다시 시도하세요.',
	footer: 'Pipeline Monitor 상태 페이지 · pipeline_monitor 스키마의 데이터',
};

export function labelsFor(language: Language): PageLabels {
	return language === 'en' ? EN : KO;
}

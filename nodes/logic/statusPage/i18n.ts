/** The words of the status page in Korean and English. */
import type { Cadence, Light } from '../shared/items';
import type { CadenceFilter, EventKind, Language, Notice } from './types';

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
	tryNo: (n: number) => string;
	pageOf: (page: number, last: number, total: number) => string;
	prev: string;
	next: string;
	countsHeading: string;
	cadence: Record<CadenceFilter, string>;
	noCounts: string;
	estimated: string;
	notMeasured: string;
	trendLabel: (table: string, min: string, max: string) => string;
	notice: (n: Notice) => string;
	badRequestTitle: string;
	badRequestIntro: string;
	badRequestExpected: string;
	backToDefault: string;
	unavailable: string;
	footer: string;
}

const CADENCE_EN: Record<Cadence, string> = { regular: 'Regular (daily/weekly)', regular_holiday: 'Regular, affected by holidays', monthly: 'Monthly', irregular: 'Irregular' };
const CADENCE_KO: Record<Cadence, string> = { regular: '정기 (일/주 단위)', regular_holiday: '정기 (공휴일 영향)', monthly: '월 단위', irregular: '비정기' };

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
		trend: (days) => `${days}-day trend`,
		verdict: 'Verdict',
	},
	noPipelines: 'No pipelines are configured yet (table pipeline_monitor.pipelines is empty).',
	eventsHeading: (from, to) => `Events ${from} – ${to}`,
	tab: { failure: 'Failed', warning: 'Warnings', success: 'Succeeded' },
	range: { from: 'From', to: 'To', apply: 'Show' },
	noEvents: 'No events of this kind in the selected range.',
	run: 'Run',
	log: 'Log',
	tryNo: (n) => `try ${n}`,
	pageOf: (page, last, total) => `Page ${page} of ${last} (${total} events)`,
	prev: '‹ Previous',
	next: 'Next ›',
	countsHeading: 'Table row counts',
	cadence: { all: 'All', ...CADENCE_EN },
	noCounts: 'No row counts recorded yet.',
	estimated: 'estimate',
	notMeasured: 'not measured',
	trendLabel: (table, min, max) => `Row count trend of ${table}: min ${min}, max ${max}`,
	notice: (n) =>
		n.code === 'page_clamped'
			? `Page ${n.value} is past the end; showing the last page.`
			: `Unknown ${n.code === 'bad_lang' ? 'language' : n.code === 'bad_tab' ? 'tab' : 'cadence'} "${n.value}" was ignored; showing the default.`,
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
		trend: (days) => `${days}일 추이`,
		verdict: '판정',
	},
	noPipelines: '등록된 파이프라인이 없습니다 (pipeline_monitor.pipelines 테이블이 비어 있음).',
	eventsHeading: (from, to) => `이벤트 ${from} ~ ${to}`,
	tab: { failure: '실패', warning: '경고', success: '성공' },
	range: { from: '시작일', to: '종료일', apply: '조회' },
	noEvents: '선택한 기간에 해당하는 이벤트가 없습니다.',
	run: '실행',
	log: '로그',
	tryNo: (n) => `${n}차 시도`,
	pageOf: (page, last, total) => `${page} / ${last} 페이지 (총 ${total}건)`,
	prev: '‹ 이전',
	next: '다음 ›',
	countsHeading: '테이블 행 수 변화',
	cadence: { all: '전체', ...CADENCE_KO },
	noCounts: '기록된 행 수가 아직 없습니다.',
	estimated: '추정치',
	notMeasured: '측정 없음',
	trendLabel: (table, min, max) => `${table} 행 수 추이: 최소 ${min}, 최대 ${max}`,
	notice: (n) =>
		n.code === 'page_clamped'
			? `${n.value} 페이지는 범위를 벗어나 마지막 페이지를 표시합니다.`
			: `알 수 없는 ${n.code === 'bad_lang' ? '언어' : n.code === 'bad_tab' ? '탭' : '주기'} 값 "${n.value}"은(는) 무시하고 기본값을 표시합니다.`,
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

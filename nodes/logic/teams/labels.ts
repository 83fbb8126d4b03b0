import type { Light } from '../shared/items';
import type { Language } from './types';

/** The words of a report in one language. */
export interface Labels {
	title: string;
	emptyReport: string;
	generated: string;
	part: (part: number, parts: number) => string;
	andMore: (count: number) => string;
	openReport: string;
	open: string;
	attention: string;
	light: Record<Light, string>;
	column: Record<string, string>;
	yes: string;
	no: string;
}

const EN: Labels = {
	title: 'Pipeline report',
	emptyReport: 'Nothing to report: no items arrived.',
	generated: 'Generated',
	part: (part, parts) => `part ${part}/${parts}`,
	andMore: (count) => `…and ${count} more ${count === 1 ? 'row' : 'rows'} not shown`,
	openReport: 'Open full report',
	open: 'Open',
	attention: 'please take a look',
	light: { red: 'Red', yellow: 'Yellow', green: 'Green', grey: 'Grey' },
	column: {
		status: 'Status',
		pipeline: 'Pipeline',
		task: 'Task',
		state: 'State',
		started: 'Started',
		duration: 'Duration',
		reason: 'Reason',
		lastRun: 'Last run',
		table: 'Table',
		rows: 'Rows',
		delta: 'Change',
		expected: 'Expected',
		trend: 'Trend',
		category: 'Category',
		summary: 'Summary',
		action: 'Suggested action',
		severity: 'Severity',
		name: 'Name',
		detail: 'Detail',
		when: 'When',
		link: 'Link',
	},
	yes: 'yes',
	no: 'no',
};

const KO: Labels = {
	title: '파이프라인 현황',
	emptyReport: '보고할 항목이 없습니다.',
	generated: '생성',
	part: (part, parts) => `${part}/${parts}`,
	andMore: (count) => `…외 ${count}건은 표시하지 않았습니다`,
	openReport: '전체 보고서 열기',
	open: '열기',
	attention: '확인 부탁드립니다',
	light: { red: '빨강', yellow: '노랑', green: '초록', grey: '회색' },
	column: {
		status: '상태',
		pipeline: '파이프라인',
		task: '태스크',
		state: '실행 상태',
		started: '시작',
		duration: '소요 시간',
		reason: '사유',
		lastRun: '마지막 실행',
		table: '테이블',
		rows: '행 수',
		delta: '변화',
		expected: '예상 범위',
		trend: '추이',
		category: '분류',
		summary: '요약',
		action: '권장 조치',
		severity: '심각도',
		name: '이름',
		detail: '상세',
		when: '시각',
		link: '링크',
	},
	yes: '예',
	no: '아니오',
};

export function labelsFor(language: Language): Labels {
	return language === 'ko' ? KO : EN;
}

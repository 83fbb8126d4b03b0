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
	warning: string;
	linkDropped: (row: string, title: string, url: string) => string;
	linkNoTitle: (row: string, url: string) => string;
	linksNotList: (row: string, field: string) => string;
	tooManyLinks: (row: string, count: number, max: number) => string;
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
		latest: 'Newest row',
		category: 'Category',
		summary: 'Summary',
		action: 'Suggested action',
		severity: 'Severity',
		name: 'Name',
		detail: 'Detail',
		when: 'When',
		link: 'Link',
		try: 'Try',
		log: 'Log',
		run: 'Run',
		message: 'Message',
		lastFix: 'Last time',
		minutes: 'Minutes',
		dag: 'DAG',
		workflow: 'Workflow',
		owner: 'Owner',
		measured: 'Measured',
		score: 'Score',
		estimated: 'Estimated',
		waiting: 'Waiting',
		repeats: 'Repeats',
		successRate: 'Success',
		onTime: 'On time',
		toAcknowledge: 'To acknowledge',
		toRecover: 'To recover',
		failedRuns: 'Failed runs',
		recurring: 'Recurring failures',
		noisyTables: 'Noisy tables',
	},
	yes: 'yes',
	no: 'no',
	warning: 'Warning',
	linkDropped: (row, title, url) => `${row}: button "${title}" left out, ${url} is not an http(s) URL`,
	linkNoTitle: (row, url) => `${row}: the button for ${url} has no title and was left out`,
	linksNotList: (row, field) => `${row}: "${field}" is not a list of {title, url}; no buttons`,
	tooManyLinks: (row, count, max) => `${row}: ${count} button(s) left out (Teams shows at most ${max})`,
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
		latest: '최신 행',
		category: '분류',
		summary: '요약',
		action: '권장 조치',
		severity: '심각도',
		name: '이름',
		detail: '상세',
		when: '시각',
		link: '링크',
		try: '시도',
		log: '로그',
		run: '실행',
		message: '메시지',
		lastFix: '지난번 조치',
		minutes: '분',
		dag: 'DAG',
		workflow: '워크플로',
		owner: '담당자',
		measured: '측정 시각',
		score: '점수',
		estimated: '추정치',
		waiting: '대기',
		repeats: '반복',
		successRate: '성공률',
		onTime: '정시율',
		toAcknowledge: '확인까지',
		toRecover: '복구까지',
		failedRuns: '실패 실행',
		recurring: '반복 실패',
		noisyTables: '알람 많은 테이블',
	},
	yes: '예',
	no: '아니오',
	warning: '경고',
	linkDropped: (row, title, url) => `${row}: "${title}" 버튼을 뺐습니다. ${url}은(는) http(s) 주소가 아닙니다`,
	linkNoTitle: (row, url) => `${row}: ${url} 버튼에 제목이 없어 뺐습니다`,
	linksNotList: (row, field) => `${row}: "${field}"이(가) {title, url} 목록이 아니어서 버튼이 없습니다`,
	tooManyLinks: (row, count, max) => `${row}: 버튼 ${count}개를 뺐습니다(Teams는 최대 ${max}개 표시)`,
};

export function labelsFor(language: Language): Labels {
	return language === 'ko' ? KO : EN;
}

/** Item fields whose column header is a catalogue word (the field name itself would be English on a Korean card). */
const FIELD_COLUMNS: Record<string, string> = {
	light: 'status',
	severity: 'severity',
	taskId: 'task',
	tryNumber: 'try',
	url: 'link',
	logUrl: 'log',
	runId: 'run',
	startedAt: 'started',
	endedAt: 'when',
	receivedAt: 'when',
	measuredAt: 'measured',
	evaluatedAt: 'when',
	durationSec: 'duration',
	reasons: 'reason',
	suggestedAction: 'action',
	expectedLow: 'expected',
	expectedHigh: 'expected',
	lastRun_endedAt: 'lastRun',
	lastRun_startedAt: 'lastRun',
	lastRun_state: 'state',
	dagId: 'dag',
	workflowName: 'workflow',
};

const CATALOGUES: Labels[] = [EN, KO];

/**
 * The header of a column in the card's language. An empty label takes the catalogue word for the
 * field; a label that is a catalogue word in either language ("Summary", "요약", "Try") is said
 * in the card's language, so a workflow written with English headers still gives Korean cards
 * Korean headers. Any other label is the user's own text, kept as written.
 */
export function columnLabel(labels: Labels, key: string, label?: string): string | undefined {
	const own = label?.trim();
	if (own) {
		const folded = own.toLowerCase();
		for (const catalogue of CATALOGUES) {
			for (const [word, text] of Object.entries(catalogue.column)) {
				if (text.toLowerCase() === folded) return labels.column[word];
			}
		}
		return own;
	}
	return labels.column[key] ?? labels.column[FIELD_COLUMNS[key] ?? ''];
}

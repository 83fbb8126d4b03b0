/**
 * The deterministic summary: the same fields the model gives, read from the failure window by
 * rules. It answers whenever the model cannot (off, failing, rate-limited, invalid answer), so
 * every failure is still stored and reported.
 */
import type { FailureCategory, Severity } from '../shared/items';
import type { FailureContext, FailureSignature, SummaryFields } from './types';

export type HeuristicLanguage = 'en' | 'ko';

interface CategoryRule {
	category: FailureCategory;
	pattern: RegExp;
	severity: Severity;
	transient: boolean;
	cause: Record<HeuristicLanguage, string>;
	action: Record<HeuristicLanguage, string>;
}

const HTTP = (codes: string): string => `(?:status(?: code)?[=: ]+|HTTP/?[\\d.]* |\\(|\\[)(?:${codes})\\b|\\b(?:${codes}) (?:Too Many|Internal|Bad Gateway|Service Unavailable|Gateway Time|Unauthorized|Forbidden)`;

/** Category rules, first match wins; the order puts the more specific readings first. */
export const CATEGORY_RULES: CategoryRule[] = [
	{
		category: 'resource',
		pattern:
			/OutOfMemory|MemoryError|OOMKilled|out of memory|Cannot allocate memory|exit code:? 137|return code -9|Negsignal\.SIGKILL|exceeding (?:physical |virtual )?memory limits?|exceeds memory limit|memoryOverhead|No space left on device|disk quota exceeded|low on resource|ephemeral-storage|DiskPressure|MemoryPressure|Insufficient (?:memory|cpu)|GC overhead limit|메모리 부족|디스크 공간/i,
		severity: 'high',
		transient: false,
		cause: { en: 'The task ran out of memory or disk.', ko: '태스크가 메모리 또는 디스크를 모두 사용했습니다.' },
		action: {
			en: 'Give the task more memory or disk (pod/executor limits), or process the data in smaller chunks; then clear the task.',
			ko: '태스크의 메모리/디스크 한도(파드·익스큐터 설정)를 늘리거나 데이터를 더 작게 나누어 처리한 뒤 태스크를 다시 실행하세요.',
		},
	},
	{
		// BigQuery load/query job errors and schema or validation failures are about the data, whatever the frames say
		category: 'data',
		pattern:
			/too many errors|SchemaError|Schema\w*(?:Error|Mismatch)|schema mismatch|does not match (?:the )?(?:table )?schema|Provided Schema does not match|ValidationError|validation (?:error|failed)|failed validation|Could not parse '[^']*' as|Unable to parse|ArrowInvalid|ArrowTypeError|could not convert|Cannot convert non-finite|IntCastingNaN|BadZipFile|is not a zip file|corrupt(?:ed)? (?:file|data|archive|block)|invalid input syntax|bad magic number|(?:Numeric|Timestamp|Date|Time|Boolean|Decimal) value '[^']*' is not recognized|SQLSTATE[\s:=[]*22[0-9A-Z]{3}\b|\(22[0-9A-Z]{3}\)|Failure in test|expect(?:ation)?s? (?:failed|not met)|스키마|검증 실패/i,
		severity: 'high',
		transient: false,
		cause: { en: 'The data did not meet what the task or the database expects.', ko: '데이터가 태스크나 데이터베이스가 기대하는 조건을 만족하지 않습니다.' },
		action: {
			en: 'Look at the offending rows or files (bad values, schema changes, nulls) in the source and fix or filter them before re-running.',
			ko: '원천 데이터에서 문제 행이나 파일(잘못된 값·스키마 변경·NULL)을 찾아 수정하거나 걸러낸 뒤 다시 실행하세요.',
		},
	},
	{
		category: 'timeout',
		pattern: /AirflowTaskTimeout|AirflowSensorTimeout|\btimed? ?out\b(?!\s*=)|TimeoutError|(?<![\w.])Timeout(?:Exception)?\b(?!\s*[=(])|ETIMEDOUT|deadline exceeded|DEADLINE_EXCEEDED|statement timeout|lock wait timeout|exceeds the specified timeout|시간 초과|타임아웃/i,
		severity: 'medium',
		transient: true,
		cause: { en: 'An operation took longer than its time limit.', ko: '작업이 제한 시간을 넘겼습니다.' },
		action: {
			en: 'Retry; if it keeps timing out, check the slow query or remote system and raise the timeout only if the work really needs it.',
			ko: '다시 실행해 보고, 반복되면 느린 쿼리나 원격 시스템을 확인한 뒤 꼭 필요할 때만 제한 시간을 늘리세요.',
		},
	},
	{
		category: 'infrastructure',
		pattern: /ImagePullBackOff|ErrImagePull|Failed to pull image|InvalidImageName/i,
		severity: 'high',
		transient: false,
		cause: { en: 'The container image could not be pulled.', ko: '컨테이너 이미지를 가져오지 못했습니다.' },
		action: {
			en: 'Check the image name and tag and the registry pull secret of the pod.',
			ko: '이미지 이름·태그와 파드의 레지스트리 pull secret을 확인하세요.',
		},
	},
	{
		category: 'permission',
		pattern: new RegExp(
			`permission denied|access denied|AccessDenied|Forbidden|Unauthorized|InsufficientPrivilege|insufficient privileges?|not authorized|authentication failed|Authentication failed|Authorization failed|bad auth|invalid_auth|not_authed|token_expired|invalid credentials|Login failed|logon denied|invalid username/password|does not have [\\w.]+ access|ORA-0(?:1031|1017|1045)\\b|${HTTP('401|403')}|권한|인증 실패|인증을 실패|인증에 실패|접근 거부`,
			'i',
		),
		severity: 'high',
		transient: false,
		cause: { en: 'The task was refused access (credentials or grants).', ko: '자격 증명 또는 권한 문제로 접근이 거부되었습니다.' },
		action: {
			en: 'Check the connection credentials (expired password or token) and the grants of the account the task uses.',
			ko: '태스크가 쓰는 연결의 자격 증명(만료된 비밀번호·토큰)과 계정 권한을 확인하세요.',
		},
	},
	{
		category: 'infrastructure',
		pattern:
			/Connection refused|could not connect|connection to server .{0,80}failed|Connection reset|Broken pipe|Name or service not known|name resolution|getaddrinfo|ECONNREFUSED|ECONNRESET|EAI_AGAIN|EHOSTUNREACH|No route to host|Network is unreachable|Max retries exceeded with url|NewConnectionError|CrashLoopBackOff|\bEvicted\b|FailedScheduling|killed externally|zombie|SIGTERM|Lost connection|server closed the connection|Can't connect to|연결할 수 없|연결 실패|연결이 끊/i,
		severity: 'high',
		transient: true,
		cause: { en: 'A server, database or cluster node could not be reached or went away.', ko: '서버·데이터베이스·클러스터 노드에 연결할 수 없었거나 연결이 끊겼습니다.' },
		action: {
			en: 'Retry; if it persists, check that the host is up and reachable from the worker (DNS, firewall, pod status).',
			ko: '다시 실행해 보고, 계속되면 워커에서 해당 호스트가 살아 있고 접근 가능한지(DNS, 방화벽, 파드 상태) 확인하세요.',
		},
	},
	{
		category: 'external_service',
		pattern: new RegExp(
			`Too Many Requests|rate limit|Throttl|Rate exceeded|exceeds the allowed throughput|ProvisionedThroughputExceeded|RequestLimitExceeded|SlowDown|Service Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error|The service was not able to process|NodeApiError|${HTTP('429|500|502|503|504')}`,
			'i',
		),
		severity: 'medium',
		transient: true,
		cause: { en: 'An external service answered with an error or refused the load.', ko: '외부 서비스가 오류를 반환했거나 요청을 제한했습니다.' },
		action: {
			en: "Retry later (respect the service's rate limits); if it persists, check the service's status and the request it was sent.",
			ko: '잠시 후 다시 실행하고(요청 한도 준수), 계속되면 서비스 상태와 보낸 요청을 확인하세요.',
		},
	},
	{
		category: 'data',
		pattern:
			/IntegrityError|UniqueViolation|duplicate key|Duplicate entry|violates (?:not-null|unique|foreign key|check) constraint|NotNullViolation|null value in column|invalid input syntax|DataError|JSONDecodeError|UnicodeDecodeError|could not convert|NumberFormatException|Failure in test|Data too long|Incorrect \w+ value|value too long|(?<!index )out of range|division by zero|schema mismatch|중복|데이터 오류|형식이 올바르지/i,
		severity: 'high',
		transient: false,
		cause: { en: 'The data did not meet what the task or the database expects.', ko: '데이터가 태스크나 데이터베이스가 기대하는 조건을 만족하지 않습니다.' },
		action: {
			en: 'Look at the offending rows (duplicates, nulls, bad formats) in the source and fix or filter them before re-running.',
			ko: '원천 데이터에서 문제 행(중복·NULL·형식 오류)을 찾아 수정하거나 걸러낸 뒤 다시 실행하세요.',
		},
	},
	{
		category: 'dependency',
		pattern:
			/ModuleNotFoundError|ImportError|No module named|NoClassDefFoundError|ClassNotFoundException|Cannot find module|upstream_failed|UndefinedTable|relation .{0,120} does not exist|Table .{0,120} doesn't exist|Table or view not found|TABLE_OR_VIEW_NOT_FOUND|table or view does not exist|ORA-00942|Invalid object name|ResourceNotFound|BlobNotFound|ContainerNotFound|NoSuchBucket|The specified (?:blob|container|key|resource) does not exist|is undefined\. This can happen when calling a macro|No such file or directory|FileNotFoundError|NoSuchKey|Path does not exist|NotFound: 404|\b404 Not found|존재하지 않|찾을 수 없/i,
		severity: 'high',
		transient: false,
		cause: { en: 'Something the task needs (a table, file, package or upstream result) is missing.', ko: '태스크가 필요로 하는 테이블·파일·패키지·선행 결과가 없습니다.' },
		action: {
			en: 'Check that the upstream task produced its output and that the package or object exists where the task looks for it.',
			ko: '선행 태스크가 결과를 만들었는지, 패키지나 객체가 태스크가 찾는 위치에 있는지 확인하세요.',
		},
	},
	{
		category: 'code',
		pattern:
			/SyntaxError|NameError|TypeError|runtime error: |nil pointer dereference|index out of range|segmentation violation|AttributeError|KeyError|IndexError|UndefinedColumn|column .{0,80} does not exist|Unknown column|Compilation Error|syntax error at or near|You have an error in your SQL syntax|AssertionError|NotImplementedError|ReferenceError|NullPointerException|Cannot read propert|is not a function|AnalysisException|cannot resolve/i,
		severity: 'high',
		transient: false,
		cause: { en: 'The task code or SQL has a bug or no longer matches the schema.', ko: '태스크 코드나 SQL에 버그가 있거나 스키마와 맞지 않습니다.' },
		action: {
			en: 'Fix the code or SQL at the location shown (a recent change or a schema change is the usual cause) and deploy before re-running.',
			ko: '표시된 위치의 코드나 SQL을 수정하고(최근 변경이나 스키마 변경이 흔한 원인) 배포한 뒤 다시 실행하세요.',
		},
	},
	{
		category: 'data',
		pattern: /ValueError|invalid value|unexpected value|값이 올바르지/i,
		severity: 'high',
		transient: false,
		cause: { en: 'A value in the data was not what the task expects.', ko: '데이터의 값이 태스크가 기대한 값이 아닙니다.' },
		action: {
			en: 'Find the value named in the message in the source data and fix or handle it.',
			ko: '메시지에 나온 값을 원천 데이터에서 찾아 수정하거나 처리 로직을 보완하세요.',
		},
	},
];

const UNKNOWN: Omit<CategoryRule, 'pattern'> = {
	category: 'unknown',
	severity: 'medium',
	transient: false,
	cause: { en: 'The log does not show a recognisable cause.', ko: '로그에서 원인을 알아볼 수 없습니다.' },
	action: {
		en: 'Open the full task log and look at the lines before the failure.',
		ko: '전체 태스크 로그를 열어 실패 직전의 줄을 확인하세요.',
	},
};

/** The heuristic language for a requested output language (Korean or English). */
export function heuristicLanguage(language: string): HeuristicLanguage {
	return /^(?:ko|kor|korean|한국어|ko-kr)$/i.test(language.trim()) ? 'ko' : 'en';
}

/** The first rule whose pattern matches the failure itself, else the window text, else unknown. */
export function categorise(signature: FailureSignature, windowText: string): { rule: Omit<CategoryRule, 'pattern'>; fromFailureLine: boolean } {
	const own = [signature.exceptionType, signature.message, signature.failureLine, signature.chainLine].filter(Boolean).join('\n');
	for (const rule of CATEGORY_RULES) if (own && rule.pattern.test(own)) return { rule, fromFailureLine: true };
	// the rest of the window, without stack frames and the source lines under them (`timeout=timeout` in a frame is no timeout)
	const prose = proseOf(windowText);
	for (const rule of CATEGORY_RULES) if (rule.pattern.test(prose)) return { rule, fromFailureLine: false };
	return { rule: UNKNOWN, fromFailureLine: false };
}

/** The lines of a window that are not stack frames or the code lines Python prints under them. */
export function proseOf(windowText: string): string {
	const out: string[] = [];
	let afterFrame = false;
	for (const line of windowText.split('\n')) {
		if (/^\s*(?:File "[^"]+", line \d+|at \S)/.test(line)) {
			afterFrame = true;
			continue;
		}
		if (afterFrame && /^\s{2,}\S/.test(line)) continue;
		afterFrame = false;
		out.push(line);
	}
	return out.join('\n');
}

function subject(context: FailureContext, lang: HeuristicLanguage): string {
	const task = context.taskId ? (lang === 'ko' ? `${context.taskId} 태스크` : `Task ${context.taskId}`) : lang === 'ko' ? '태스크' : 'The task';
	if (!context.pipeline) return task;
	return lang === 'ko' ? `${context.pipeline}의 ${task}` : `${task} of ${context.pipeline}`;
}

function describeFailure(signature: FailureSignature): string {
	const what = signature.exceptionType
		? `${signature.exceptionType}${signature.message ? ': ' + signature.message : ''}`
		: (signature.message ?? signature.failureLine ?? '');
	return what.length > 240 ? what.slice(0, 239) + '…' : what;
}

/** Confidence of a heuristic reading: how much of type, location and category it found. */
export function heuristicConfidence(signature: FailureSignature, category: FailureCategory, fromFailureLine: boolean): number {
	if (!signature.failureLine) return 0.1;
	let confidence = 0.25;
	if (signature.exceptionType) confidence += 0.1;
	if (signature.location) confidence += 0.05;
	if (category !== 'unknown') confidence += fromFailureLine ? 0.2 : 0.1;
	return Math.round(confidence * 100) / 100;
}

/** The summary fields read by rules from the failure (no model involved). */
export function heuristicSummary(signature: FailureSignature, windowText: string, context: FailureContext, language: string): SummaryFields {
	const lang = heuristicLanguage(language);
	const { rule, fromFailureLine } = categorise(signature, windowText);
	const failure = describeFailure(signature);
	const where = signature.location ? (lang === 'ko' ? ` (위치: ${signature.location})` : ` (at ${signature.location})`) : '';
	const summary =
		lang === 'ko'
			? `${subject(context, lang)}가 실패했습니다: ${failure}${where}. ${rule.cause.ko}`
			: `${subject(context, lang)} failed with ${failure}${where}. ${rule.cause.en}`;
	return {
		summary,
		rootCause: `${rule.cause[lang]} ${failure}`.trim(),
		category: rule.category,
		suggestedAction: rule.action[lang],
		severity: rule.severity,
		transient: rule.transient,
		confidence: heuristicConfidence(signature, rule.category, fromFailureLine),
	};
}

/** Why a log cannot be summarised, in the output language. */
export function unreadableReason(state: 'empty' | 'binary' | 'missing', language: string, detail?: string): string {
	const lang = heuristicLanguage(language);
	if (state === 'binary') return lang === 'ko' ? '로그가 바이너리 데이터이며 읽을 수 있는 줄이 없습니다' : 'the log is binary data with no readable line';
	if (state === 'missing') return lang === 'ko' ? `로그가 없습니다${detail ? ` (${detail})` : ''}` : `there is no log${detail ? ` (${detail})` : ''}`;
	return lang === 'ko' ? '로그가 비어 있습니다' : 'the log is empty';
}

/**
 * The fields for a log that has nothing to read (empty, binary, missing): no summary is claimed;
 * `summary` says that there is nothing to summarise, in the output language.
 */
export function missingLogSummary(reason: string, context: FailureContext, language: string): SummaryFields {
	const lang = heuristicLanguage(language);
	return {
		summary:
			lang === 'ko'
				? `요약 없음: ${subject(context, lang)}의 실패를 설명할 로그가 없습니다 (${reason}).`
				: `No summary: there is no log to explain the failure of ${subject(context, lang).replace(/^The task$/, 'the task')} (${reason}).`,
		rootCause: lang === 'ko' ? `알 수 없음 (${reason})` : `unknown (${reason})`,
		category: 'unknown',
		suggestedAction:
			lang === 'ko'
				? '워크플로가 이 노드에 태스크 로그를 넘기는지(로그 필드 이름, 로그 가져오기 단계) 확인하세요.'
				: 'Check that the workflow passes the task log to this node (log field name, the step that fetches the log).',
		severity: 'medium',
		transient: false,
		confidence: 0,
	};
}

import type { Light, Reason } from '../shared/items';

export type Language = 'en' | 'ko';

/** Every reason the traffic light can give, with its light and its text in each language. */
const REASONS = {
	paused: { light: 'grey', en: 'Pipeline is paused', ko: '파이프라인이 일시 중지됨' },
	no_data: { light: 'grey', en: 'No runs in the data', ko: '실행 기록 없음' },
	no_run_yet: { light: 'grey', en: 'No run has started yet', ko: '아직 시작된 실행 없음' },
	not_started: { light: 'yellow', en: 'Run due at {time} has not started ({state}), {late} min after it was due', ko: '{time} 예정 실행이 {late}분째 시작되지 않음 ({state})' },
	start_overdue: { light: 'red', en: 'Run due at {time} still has not started ({state}), {late} min after it was due', ko: '{time} 예정 실행이 {late}분이 지나도록 시작되지 않음 ({state})' },
	other_run_failed: { light: 'red', en: 'Run {run} ({type}) failed', ko: '{type} 실행 {run} 실패' },
	removed: { light: 'grey', en: 'Latest run was removed', ko: '최근 실행이 제거됨' },
	latest_failed: { light: 'red', en: 'Latest run failed ({run})', ko: '최근 실행 실패 ({run})' },
	consecutive_failures: { light: 'red', en: '{count} consecutive failed runs', ko: '{count}회 연속 실패' },
	missed_run: { light: 'red', en: 'Run expected at {time} never started', ko: '{time} 예정 실행이 시작되지 않음' },
	past_deadline: { light: 'red', en: 'Still {state} {late} min past expected end {time}', ko: '예상 종료 {time}보다 {late}분 지났으나 아직 {state}' },
	running_late: { light: 'yellow', en: 'Still {state} {late} min past expected end {time}', ko: '예상 종료 {time}보다 {late}분 지연 중 ({state})' },
	finished_late: { light: 'yellow', en: 'Succeeded {late} min after expected end {time}', ko: '예상 종료 {time}보다 {late}분 늦게 성공' },
	retrying: { light: 'yellow', en: 'Retrying now ({state})', ko: '재시도 중 ({state})' },
	success_after_retries: { light: 'yellow', en: 'Succeeded after {tries} tries', ko: '{tries}번 시도 끝에 성공' },
	duration_anomaly: { light: 'yellow', en: 'Took {duration} min, usual {median} min (limit {limit} min)', ko: '소요 {duration}분, 평소 {median}분 (한도 {limit}분)' },
	running_long: { light: 'yellow', en: 'Running {duration} min, usual {median} min (limit {limit} min)', ko: '{duration}분째 실행 중, 평소 {median}분 (한도 {limit}분)' },
	upstream_failed: { light: 'yellow', en: 'Latest run has upstream_failed tasks', ko: '최근 실행에 upstream_failed 태스크 있음' },
	skipped: { light: 'yellow', en: 'Latest run was skipped', ko: '최근 실행이 건너뛰어짐' },
	canceled: { light: 'yellow', en: 'Latest run was canceled', ko: '최근 실행이 취소됨' },
	ok: { light: 'green', en: 'Latest run succeeded on time', ko: '최근 실행 정상 완료' },
} as const satisfies Record<string, { light: Light; en: string; ko: string }>;

export type ReasonCode = keyof typeof REASONS;

export function reason(code: ReasonCode, language: Language, values: Record<string, string | number> = {}): Reason {
	const def = REASONS[code];
	const text = def[language].replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
	return { code, light: def.light, text };
}

/** Every reason code the traffic light gives. */
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

export function isReasonCode(code: unknown): code is ReasonCode {
	return typeof code === 'string' && Object.prototype.hasOwnProperty.call(REASONS, code);
}

/** The text of a reason code in one language, its {placeholders} filled from `values`. */
export function reasonText(code: ReasonCode, language: Language, values: Record<string, string> = {}): string {
	return REASONS[code][language].replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '…');
}

const templatePatterns = new Map<string, RegExp>();

function templatePattern(template: string): RegExp {
	let re = templatePatterns.get(template);
	if (!re) {
		const source = template
			.split(/(\{\w+\})/)
			.map((part) => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>.+?)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
			.join('');
		re = new RegExp(`^${source}$`, 's');
		templatePatterns.set(template, re);
	}
	return re;
}

/**
 * The values a stored reason text was made from (its code's template in either language), so the
 * reason can be told again in another language; undefined when the text matches neither.
 */
export function reasonValues(code: ReasonCode, text: string): Record<string, string> | undefined {
	for (const language of ['en', 'ko'] as const) {
		const m = templatePattern(REASONS[code][language]).exec(text);
		if (m) return { ...(m.groups ?? {}) };
	}
	return undefined;
}

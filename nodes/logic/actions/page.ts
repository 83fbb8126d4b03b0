/**
 * The pages of the action endpoint. A GET (a person clicking the card button, or a link-preview
 * or safe-link scanner fetching it) only ever gets a confirmation page; the action runs on the
 * page's POST. Every value is HTML-escaped; the page has no script and carries its own
 * Content-Security-Policy (n8n drops a CSP header set by Respond to Webhook).
 */
import { DateTime } from 'luxon';
import { htmlDocument, pagePolicy } from '../shared/html';
import { escapeHtml } from '../statusPage/escape';
import type { Language } from '../teams/types';
import { MAX_ACTOR_CHARS, MAX_NOTE_CHARS, MUTE_HOURS } from './form';
import { previousFixLine } from './resolution';
import type { PreviousFix } from './resolution';
import type { ActionName, LinkFields, Refusal } from './sign';

/** What the Check Link operation said about a request (the item it outputs). */
export interface CheckedRequest {
	ok: boolean;
	status: number;
	refusal?: Refusal | 'invalid_form' | null;
	reason?: string | null;
	action?: ActionName | null;
	eventId?: string | null;
	pipeline?: string | null;
	expiresAt?: string | null;
	/** the link's fields, only for a link that passed (the confirmation form posts them back) */
	link?: LinkFields | null;
	formField?: string | null;
}

/** The failure the link is about, as the workflow loaded it (any field may be missing). */
export interface EventInfo {
	pipeline?: unknown;
	taskId?: unknown;
	runId?: unknown;
	receivedAt?: unknown;
	summary?: unknown;
	source?: unknown;
	acknowledgedAt?: unknown;
	acknowledgedBy?: unknown;
	resolutionNote?: unknown;
	mutedUntil?: unknown;
	/** the last acknowledged failure with the same fingerprint: {at, by, note} */
	previous?: PreviousFix | null;
}

/** What the action did (the row the workflow stored). */
export interface ActionResult {
	outcome?: unknown;
	detail?: unknown;
	mutedUntil?: unknown;
	cleared?: unknown;
}

export interface RenderedPage {
	html: string;
	statusCode: number;
}

const STYLE = [
	'body{font-family:system-ui,-apple-system,"Segoe UI","Malgun Gothic",sans-serif;margin:0;background:#f5f6f8;color:#1f2328}',
	'main{max-width:560px;margin:24px auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:20px}',
	'h1{font-size:1.25rem;margin:0 0 12px}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0 0 16px}',
	'dt{color:#59636e}dd{margin:0;overflow-wrap:anywhere}label{display:block;margin:12px 0 4px;font-weight:600}',
	'input,textarea,select{width:100%;box-sizing:border-box;padding:6px;font:inherit}textarea{min-height:80px}',
	'button{margin-top:16px;padding:8px 16px;font:inherit;font-weight:600;background:#1f6feb;color:#fff;border:0;border-radius:6px}',
	'.note{color:#59636e;font-size:.9rem}.bad{color:#b42318}.good{color:#1a7f37}.fix{background:#fff8c5;padding:8px;border-radius:6px}',
].join('');

/** The page's own policy (nodes/logic/shared/html.ts): no script, no external resource, only the stylesheet above. */
export const PAGE_CSP = pagePolicy(STYLE);

interface Words {
	title: Record<ActionName, string>;
	explain: Record<ActionName, string>;
	button: Record<ActionName, string>;
	done: Record<ActionName, string>;
	failed: Record<ActionName, string>;
	refused: Record<Refusal | 'invalid_form', string>;
	refusedTitle: string;
	pipeline: string;
	task: string;
	run: string;
	when: string;
	summary: string;
	acknowledged: string;
	lastTime: string;
	actor: string;
	note: string;
	noteHint: string;
	hours: string;
	expires: string;
	scanner: string;
	nothingDone: string;
	mutedUntil: string;
	cleared: string;
}

const EN: Words = {
	title: { acknowledge: 'Acknowledge this failure', retry: 'Retry the failed tasks', mute: 'Mute this pipeline' },
	explain: {
		acknowledge: 'Records that you handle this failure: no more repeats or escalation for it.',
		retry: "Clears this run's failed tasks in Airflow, so the scheduler runs them again.",
		mute: 'No failure cards for this pipeline until the time you choose.',
	},
	button: { acknowledge: 'Acknowledge', retry: 'Retry failed tasks', mute: 'Mute' },
	done: { acknowledge: 'Acknowledged.', retry: 'The failed tasks were cleared; Airflow runs them again.', mute: 'Muted.' },
	failed: { acknowledge: 'The failure could not be acknowledged.', retry: 'Airflow did not clear the tasks.', mute: 'The pipeline could not be muted.' },
	refused: {
		tampered: 'This link is not valid (it was changed or is incomplete). Nothing was done.',
		expired: 'This link has expired (links work for at most 24 hours). Nothing was done. Use a newer card or the status page.',
		replay: 'This link was used already (each link works once). Nothing more was done.',
		invalid_form: 'The form is not complete. Nothing was done: go back and fill it in.',
	},
	refusedTitle: 'Not done',
	pipeline: 'Pipeline',
	task: 'Task',
	run: 'Run',
	when: 'Failed at',
	summary: 'Summary',
	acknowledged: 'Acknowledged',
	lastTime: 'Last time',
	actor: 'Your name',
	note: 'Resolution note (optional)',
	noteHint: 'What fixed it? Shown on the next card with the same failure.',
	hours: 'Mute for',
	expires: 'Link valid until',
	scanner: 'Opening this page does nothing; only the button below acts.',
	nothingDone: 'Nothing was done.',
	mutedUntil: 'Muted until',
	cleared: 'Task instances cleared',
};

const KO: Words = {
	title: { acknowledge: '이 실패를 확인 처리', retry: '실패한 태스크 재시도', mute: '이 파이프라인 알림 끄기' },
	explain: {
		acknowledge: '이 실패를 담당한다고 기록합니다. 이 실패에 대한 반복 알림과 에스컬레이션이 멈춥니다.',
		retry: 'Airflow에서 이 실행의 실패한 태스크를 clear 하여 스케줄러가 다시 실행하게 합니다.',
		mute: '선택한 시각까지 이 파이프라인의 실패 카드를 보내지 않습니다.',
	},
	button: { acknowledge: '확인 처리', retry: '실패 태스크 재시도', mute: '알림 끄기' },
	done: { acknowledge: '확인 처리했습니다.', retry: '실패한 태스크를 clear 했습니다. Airflow가 다시 실행합니다.', mute: '알림을 껐습니다.' },
	failed: { acknowledge: '확인 처리하지 못했습니다.', retry: 'Airflow가 태스크를 clear 하지 않았습니다.', mute: '알림을 끄지 못했습니다.' },
	refused: {
		tampered: '유효하지 않은 링크입니다(변경되었거나 일부가 빠졌습니다). 아무것도 하지 않았습니다.',
		expired: '만료된 링크입니다(링크는 최대 24시간 유효). 아무것도 하지 않았습니다. 새 카드나 상태 페이지를 이용하세요.',
		replay: '이미 사용한 링크입니다(링크는 한 번만 동작). 더 이상 아무것도 하지 않았습니다.',
		invalid_form: '양식이 완전하지 않습니다. 아무것도 하지 않았습니다. 돌아가서 입력해 주세요.',
	},
	refusedTitle: '처리하지 않음',
	pipeline: '파이프라인',
	task: '태스크',
	run: '실행',
	when: '실패 시각',
	summary: '요약',
	acknowledged: '확인 처리',
	lastTime: '지난번 조치',
	actor: '이름',
	note: '조치 메모(선택)',
	noteHint: '무엇으로 해결했나요? 같은 실패가 다시 오면 카드에 표시됩니다.',
	hours: '끄는 시간',
	expires: '링크 유효 시각',
	scanner: '이 페이지를 여는 것만으로는 아무것도 하지 않습니다. 아래 버튼만 동작합니다.',
	nothingDone: '아무것도 하지 않았습니다.',
	mutedUntil: '알림 끔 종료',
	cleared: 'clear 한 태스크 인스턴스',
};

function wordsOf(language: Language): Words {
	return language === 'ko' ? KO : EN;
}

function str(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return value.toISOString();
	return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function timeText(value: unknown, zone: string): string {
	const raw = str(value);
	if (!raw) return '';
	const dt = DateTime.fromISO(raw, { setZone: true });
	return dt.isValid ? `${dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm')} (${zone})` : raw;
}

function clip(text: string, max: number): string {
	const chars = Array.from(text);
	return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

function page(language: Language, title: string, body: string): string {
	return htmlDocument({ lang: language, title, css: STYLE, policy: PAGE_CSP, body: `<main>${body}</main>` });
}

function details(words: Words, event: EventInfo | null | undefined, check: CheckedRequest, zone: string): string {
	const rows: Array<[string, string]> = [];
	const add = (label: string, value: string) => {
		if (value) rows.push([label, value]);
	};
	add(words.pipeline, str(event?.pipeline) || str(check.pipeline));
	add(words.task, str(event?.taskId));
	add(words.run, str(event?.runId));
	add(words.when, timeText(event?.receivedAt, zone));
	add(words.summary, clip(str(event?.summary), 500));
	const ackAt = timeText(event?.acknowledgedAt, zone);
	if (ackAt) add(words.acknowledged, [ackAt, str(event?.acknowledgedBy), str(event?.resolutionNote)].filter(Boolean).join(' · '));
	if (!rows.length) return '';
	return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function previousFix(words: Words, event: EventInfo | null | undefined, language: Language, zone: string): string {
	const line = previousFixLine(event?.previous, language, zone);
	return line ? `<p class="fix"><strong>${escapeHtml(words.lastTime)}:</strong> ${escapeHtml(clip(line, 600))}</p>` : '';
}

function hidden(link: LinkFields): string {
	return (Object.keys(link) as Array<keyof LinkFields>).map((name) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(link[name])}">`).join('');
}

function hoursLabel(hours: number, language: Language): string {
	return language === 'ko' ? `${hours}시간` : `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** The page for a refused request (403, 409, 410, 400): says why and that nothing was done. */
export function refusalPage(check: CheckedRequest, event: EventInfo | null | undefined, language: Language, zone: string): RenderedPage {
	const words = wordsOf(language);
	const refusal = check.refusal ?? 'tampered';
	const body = [
		`<h1>${escapeHtml(words.refusedTitle)}</h1>`,
		`<p class="bad">${escapeHtml(words.refused[refusal])}</p>`,
		check.formField ? `<p class="note">${escapeHtml(check.formField)}: ${escapeHtml(check.reason ?? '')}</p>` : '',
		// a tampered link's claims cannot be trusted: show nothing from it
		refusal === 'tampered' ? '' : details(words, event, check, zone),
	].join('');
	return { html: page(language, words.refusedTitle, body), statusCode: check.status >= 400 ? check.status : 403 };
}

/**
 * The confirmation page of a valid link (GET): what will happen, the failure, what fixed it last
 * time, and a form that POSTs the link back with the person's name (and a note, or the hours).
 */
export function confirmPage(check: CheckedRequest, event: EventInfo | null | undefined, language: Language, zone: string): RenderedPage {
	if (!check.ok || !check.action || !check.link) return refusalPage(check.ok ? { ...check, ok: false, status: 403, refusal: 'tampered' } : check, event, language, zone);
	const words = wordsOf(language);
	const action = check.action;
	const fields = [
		`<label for="actor">${escapeHtml(words.actor)}</label><input id="actor" name="actor" required maxlength="${MAX_ACTOR_CHARS}" autocomplete="name">`,
		action === 'mute'
			? `<label for="hours">${escapeHtml(words.hours)}</label><select id="hours" name="hours">${MUTE_HOURS.map((h) => `<option value="${h}"${h === 4 ? ' selected' : ''}>${escapeHtml(hoursLabel(h, language))}</option>`).join('')}</select>`
			: '',
		`<label for="note">${escapeHtml(words.note)}</label><textarea id="note" name="note" maxlength="${MAX_NOTE_CHARS}"></textarea>`,
		action === 'acknowledge' ? `<p class="note">${escapeHtml(words.noteHint)}</p>` : '',
	].join('');
	const body = [
		`<h1>${escapeHtml(words.title[action])}</h1>`,
		`<p>${escapeHtml(words.explain[action])}</p>`,
		details(words, event, check, zone),
		previousFix(words, event, language, zone),
		`<form method="post">${hidden(check.link)}${fields}<button type="submit">${escapeHtml(words.button[action])}</button></form>`,
		`<p class="note">${escapeHtml(words.scanner)} ${escapeHtml(words.expires)}: ${escapeHtml(timeText(check.expiresAt, zone))}</p>`,
	].join('');
	return { html: page(language, words.title[action], body), statusCode: 200 };
}

/** The page after the POST: done (200), or failed (502: Airflow or the database said no). */
export function resultPage(check: CheckedRequest, event: EventInfo | null | undefined, result: ActionResult, language: Language, zone: string): RenderedPage {
	if (!check.ok || !check.action) return refusalPage(check, event, language, zone);
	if (result.outcome === 'replay') return refusalPage({ ...check, ok: false, status: 409, refusal: 'replay' }, event, language, zone);
	const words = wordsOf(language);
	const action = check.action;
	const done = result.outcome === 'done';
	const lines: string[] = [];
	if (done && action === 'mute' && result.mutedUntil) lines.push(`${words.mutedUntil}: ${timeText(result.mutedUntil, zone)}`);
	if (done && action === 'retry' && typeof result.cleared === 'number') lines.push(`${words.cleared}: ${result.cleared}`);
	const detail = result.detail && typeof result.detail === 'object' ? (result.detail as Record<string, unknown>) : {};
	if (!done && typeof detail.error === 'string') lines.push(clip(detail.error, 400));
	const body = [
		`<h1>${escapeHtml(words.title[action])}</h1>`,
		`<p class="${done ? 'good' : 'bad'}">${escapeHtml(done ? words.done[action] : words.failed[action])}</p>`,
		lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''),
		details(words, event, check, zone),
		done ? '' : `<p class="note">${escapeHtml(words.nothingDone)}</p>`,
	].join('');
	return { html: page(language, words.title[action], body), statusCode: done ? 200 : 502 };
}

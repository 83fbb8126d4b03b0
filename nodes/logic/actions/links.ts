/**
 * The buttons of a failure card: Runbook, Log and Status page (plain links), then Acknowledge,
 * Retry and Mute (signed links to the action endpoint). A malformed URL drops its button with a
 * warning; it never breaks the card.
 */
import { safeUrl } from '../teams/escape';
import type { Language } from '../teams/types';
import { linkUrl, signLink } from './sign';
import type { ActionName } from './sign';

export type LinkKind = 'runbook' | 'log' | 'status' | ActionName;

/** A button of a card: `{kind, title, url}` in the item's `links` field. */
export interface CardLink {
	kind: LinkKind;
	title: string;
	url: string;
}

export const LINK_TITLES: Record<Language, Record<LinkKind, string>> = {
	en: { runbook: 'Runbook', log: 'Log', status: 'Status page', acknowledge: 'Acknowledge', retry: 'Retry failed tasks', mute: 'Mute' },
	ko: { runbook: '런북', log: '로그', status: '상태 페이지', acknowledge: '확인 처리', retry: '실패 태스크 재시도', mute: '알림 끄기' },
};

export interface LinkRequest {
	language: Language;
	runbookUrl?: unknown;
	/** the category's runbook, used when the pipeline has none or its own is malformed */
	defaultRunbookUrl?: unknown;
	logUrl?: unknown;
	statusUrl?: unknown;
	/** the action endpoint (the failure-actions webhook); empty: no action buttons */
	actionUrl?: unknown;
	key?: string;
	eventId?: unknown;
	pipeline?: unknown;
	actions: ActionName[];
	expiresAt: number;
}

function shown(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return JSON.stringify(text.length > 80 ? text.slice(0, 77) + '...' : text);
}

function present(value: unknown): boolean {
	return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function dropped(language: Language, what: string, value: unknown): string {
	return language === 'ko'
		? `${what} URL ${shown(value)}은(는) http(s) 주소가 아니어서 버튼을 뺐습니다`
		: `${what} URL ${shown(value)} is not an http(s) URL; its button was left out`;
}

/** The card's links and the warnings about the ones left out. */
export function cardLinks(request: LinkRequest): { links: CardLink[]; warnings: string[] } {
	const titles = LINK_TITLES[request.language];
	const links: CardLink[] = [];
	const warnings: string[] = [];
	const add = (kind: LinkKind, value: unknown, what: string): boolean => {
		if (!present(value)) return false;
		const url = safeUrl(typeof value === 'string' ? value.trim() : value);
		if (url) {
			links.push({ kind, title: titles[kind], url });
			return true;
		}
		warnings.push(dropped(request.language, what, value));
		return false;
	};
	if (!add('runbook', request.runbookUrl, 'runbook')) add('runbook', request.defaultRunbookUrl, request.language === 'ko' ? '분류 기본 런북' : 'category runbook');
	add('log', request.logUrl, request.language === 'ko' ? '로그' : 'log');
	add('status', request.statusUrl, request.language === 'ko' ? '상태 페이지' : 'status page');
	if (request.actions.length && present(request.actionUrl)) {
		const base = safeUrl(typeof request.actionUrl === 'string' ? request.actionUrl.trim() : request.actionUrl);
		if (!base) warnings.push(dropped(request.language, request.language === 'ko' ? '조치' : 'action endpoint', request.actionUrl));
		else if (request.key !== undefined) {
			for (const action of request.actions) {
				const fields = signLink(request.key, { action, eventId: String(request.eventId ?? ''), pipeline: String(request.pipeline ?? ''), expiresAt: request.expiresAt });
				links.push({ kind: action, title: titles[action], url: linkUrl(base, fields) });
			}
		}
	}
	return { links, warnings };
}

import axios from 'axios';
import type { AxiosResponse } from 'axios';
import { sleep } from '../shared/sleep';
import { redactUrl } from './webhookUrl';
import type { WebhookKind } from './webhookUrl';

/** Teams allows about 4 requests a second per webhook. */
export const TEAMS_MIN_INTERVAL_MS = 250;

export interface SendOptions {
	kind: WebhookKind;
	/** retries after the first try, for 429, 5xx and dropped connections */
	maxRetries: number;
	timeoutMs: number;
	/** at most one request per this many ms (250 = 4 per second) */
	minIntervalMs: number;
	/**
	 * longest wait before a retry: backoff steps are cut to it, and a Retry-After longer than it
	 * ends the tries (the message is never sent earlier than Teams asked)
	 */
	maxWaitMs: number;
	/** first backoff step; doubles each retry */
	baseDelayMs: number;
	sleep: (ms: number) => Promise<void>;
	now: () => number;
	random: () => number;
}

export const DEFAULT_SEND_OPTIONS: SendOptions = {
	kind: 'workflows',
	maxRetries: 3,
	timeoutMs: 30_000,
	minIntervalMs: TEAMS_MIN_INTERVAL_MS,
	maxWaitMs: 60_000,
	baseDelayMs: 1_000,
	sleep,
	now: () => Date.now(),
	random: Math.random,
};

export interface Delivery {
	delivered: boolean;
	httpStatus: number | null;
	/** the endpoint's own error text (webhook URL removed), null when delivered */
	error: string | null;
	attempts: number;
}

/** Spaces requests so that no two start closer than `minIntervalMs`. */
export class RateLimiter {
	private next = 0;

	constructor(
		private readonly minIntervalMs: number,
		private readonly now: () => number,
		private readonly sleep: (ms: number) => Promise<void>,
	) {}

	async take(): Promise<void> {
		const now = this.now();
		const start = Math.max(now, this.next);
		this.next = start + this.minIntervalMs;
		if (start > now) await this.sleep(start - now);
	}
}

/** Retry-After in ms (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number): number | null {
	if (typeof header !== 'string' || header.trim() === '') return null;
	const value = header.trim();
	if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with jitter: base·2^attempt, between half and the full step. */
export function backoffMs(attempt: number, options: Pick<SendOptions, 'baseDelayMs' | 'random'>): number {
	const step = options.baseDelayMs * 2 ** attempt;
	return Math.round(step / 2 + (step / 2) * options.random());
}

/**
 * How long to wait before the next try: Retry-After when the server gave one, plus a jittered
 * backoff step, so that many senders throttled at the same moment (parallel executions posting to
 * one channel) do not all come back at the same moment and collide again.
 */
export function retryWait(retryAfter: number | null, attempt: number, options: Pick<SendOptions, 'baseDelayMs' | 'random'>): number {
	const jitter = backoffMs(attempt, options);
	return retryAfter === null ? jitter : retryAfter + jitter;
}

type Outcome = { kind: 'delivered' } | { kind: 'retry'; error: string } | { kind: 'fail'; error: string };

function clip(text: string, max = 500): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

/** A legacy connector answers 200 with body `1`; 200 with any other text is its error message. */
export function connectorAccepted(status: number, body: string): boolean {
	return status === 200 && body.trim() === '1';
}

const THROTTLED_TEXT = /HTTP error 429|throttl|too many requests/i;

/** What a response means: delivered, worth retrying, or failed for good. */
export function judgeResponse(kind: WebhookKind, status: number, body: string): Outcome {
	const text = clip(body) || `HTTP ${status}`;
	if (status === 429 || status >= 500) return { kind: 'retry', error: text };
	if (kind === 'connector') {
		if (connectorAccepted(status, body)) return { kind: 'delivered' };
		if (status === 200 && THROTTLED_TEXT.test(body)) return { kind: 'retry', error: text };
		return { kind: 'fail', error: status === 200 ? `connector answered 200 without "1": ${text}` : text };
	}
	if (status >= 200 && status < 300) return { kind: 'delivered' };
	if (status === 413) return { kind: 'fail', error: `payload too large (413): ${text}` };
	return { kind: 'fail', error: text };
}

/**
 * Network errors that prove the message never reached Teams (no connection was made), so a retry
 * cannot post it twice. A timeout or a reset after the request went out proves nothing: Teams may
 * have posted the message, so those are not retried.
 */
const NOT_RECEIVED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Of those, the ones worth another try (a host that does not exist stays so). */
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

function networkError(code: string, options: SendOptions): string {
	if (TIMEOUT_CODES.has(code)) {
		return `timeout: no answer within ${Math.round(options.timeoutMs / 1000)} s (${code}); Teams may have posted the message, so it was not sent again`;
	}
	if (NOT_RECEIVED_CODES.has(code)) return `network error ${code}`;
	return `network error ${code} after the message was sent; Teams may have posted it, so it was not sent again`;
}

function networkCode(error: unknown): string {
	if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
		return (error as { code: string }).code;
	}
	return 'UNKNOWN';
}

async function postOnce(url: string, body: string, options: SendOptions): Promise<AxiosResponse<string>> {
	return axios.post<string>(url, body, {
		headers: { 'Content-Type': 'application/json; charset=utf-8' },
		timeout: options.timeoutMs,
		responseType: 'text',
		transformResponse: (data: unknown) => (typeof data === 'string' ? data : String(data ?? '')),
		validateStatus: () => true,
		maxRedirects: 0,
	});
}

/**
 * POSTs one message body, retrying 429, 5xx and connections that were never made, with backoff
 * honouring Retry-After up to `maxWaitMs`. A timeout or a connection dropped after sending is not
 * retried (the message may be in the channel already). Never throws; the result and its error
 * text never contain the URL.
 */
export async function deliver(url: string, body: string, partial: Partial<SendOptions> = {}, limiter?: RateLimiter): Promise<Delivery> {
	const options = { ...DEFAULT_SEND_OPTIONS, ...partial };
	const gate = limiter ?? new RateLimiter(options.minIntervalMs, options.now, options.sleep);
	let lastStatus: number | null = null;
	let lastError = 'not sent';
	for (let attempt = 0; attempt <= options.maxRetries; attempt++) {
		await gate.take();
		let wait: number | null = null;
		try {
			const response = await postOnce(url, body, options);
			lastStatus = response.status;
			const outcome = judgeResponse(options.kind, response.status, response.data ?? '');
			if (outcome.kind === 'delivered') return { delivered: true, httpStatus: response.status, error: null, attempts: attempt + 1 };
			lastError = redactUrl(outcome.error, url);
			if (outcome.kind === 'fail') return { delivered: false, httpStatus: response.status, error: lastError, attempts: attempt + 1 };
			wait = retryAfterMs(response.headers['retry-after'], options.now());
			if (wait !== null && wait > options.maxWaitMs && attempt < options.maxRetries) {
				const asked = `Teams asked to wait ${Math.ceil(wait / 1000)} s (Retry-After), longer than the longest wait allowed (${Math.round(options.maxWaitMs / 1000)} s)`;
				return { delivered: false, httpStatus: response.status, error: `${lastError}; ${asked}: not retried`, attempts: attempt + 1 };
			}
		} catch (error) {
			const code = networkCode(error);
			lastStatus = null;
			lastError = networkError(code, options);
			if (!RETRYABLE_CODES.has(code)) return { delivered: false, httpStatus: null, error: lastError, attempts: attempt + 1 };
		}
		// never earlier than Retry-After; a backoff step without one is cut to the longest wait
		if (attempt < options.maxRetries) await options.sleep(wait === null ? Math.min(retryWait(null, attempt, options), options.maxWaitMs) : retryWait(wait, attempt, options));
	}
	return { delivered: false, httpStatus: lastStatus, error: `${lastError} (gave up after ${options.maxRetries + 1} tries)`, attempts: options.maxRetries + 1 };
}

/** Sends the parts in order through one rate limiter; a failed part does not stop the others. */
export async function deliverAll(url: string, bodies: readonly string[], partial: Partial<SendOptions> = {}): Promise<Delivery[]> {
	const options = { ...DEFAULT_SEND_OPTIONS, ...partial };
	const limiter = new RateLimiter(options.minIntervalMs, options.now, options.sleep);
	const results: Delivery[] = [];
	for (const body of bodies) results.push(await deliver(url, body, options, limiter));
	return results;
}

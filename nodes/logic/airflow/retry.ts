/** Retry decisions for Airflow requests, as pure functions. */

/** Statuses worth another try: rate limiting and server/proxy trouble. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Network failures worth another try (connection reset/refused mid-sweep, timeouts). */
export function isRetryableNetworkCode(code: string | undefined): boolean {
	return ['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'ECONNREFUSED', 'UND_ERR_SOCKET'].includes(code ?? '');
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const at = Date.parse(trimmed);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s ... capped at 8 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const base = Math.min(8000, 250 * 2 ** attempt);
	return Math.round(base / 2 + random() * (base / 2));
}

/**
 * The wait before the next attempt, or null when the time budget does not allow one. Retry-After
 * wins over the backoff when the server gives it.
 */
export function nextDelay(attempt: number, elapsedMs: number, budgetMs: number, retryAfterMs?: number, random?: () => number): number | null {
	const delay = retryAfterMs ?? backoffDelay(attempt, random);
	return elapsedMs + delay > budgetMs ? null : delay;
}

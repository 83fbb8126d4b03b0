import { setTimeout as wait } from 'node:timers/promises';

/** Waits `ms` milliseconds (retry backoff, rate limiting). Injected where tests need a fake clock. */
export function sleep(ms: number): Promise<void> {
	return wait(ms).then(() => undefined);
}

/**
 * Event keys this n8n process has taken in during the last minutes, so a repeat of a callback
 * (200 copies of one callback at once) is answered "already stored" at once instead of queueing
 * behind the first one's insert. Bounded, in memory, per process: a repeat that reaches another
 * process (queue mode) still meets the database's ON CONFLICT (event_key) DO NOTHING.
 */
export class RecentKeys {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly ttlMs: number,
		private readonly max = 50_000,
	) {}

	/** true when `key` was taken in within the window; otherwise takes it in and returns false. */
	repeat(key: string, now = Date.now(), ttlMs = this.ttlMs): boolean {
		const at = this.seen.get(key);
		if (at !== undefined && now - at < ttlMs) return true;
		this.seen.delete(key);
		this.seen.set(key, now);
		while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value as string);
		return false;
	}

	/** Forgets a key (its event was refused after all, so a resend must be stored). */
	forget(key: string): void {
		this.seen.delete(key);
	}
}

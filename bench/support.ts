/** Helpers for the benchmark scripts: wall time and peak heap of one call, printed plainly. */
export function measure<T>(fn: () => T): { result: T; ms: number; peakHeapMB: number; rssMB: number } {
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	const before = process.memoryUsage().heapUsed;
	let peak = before;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
	const t0 = process.hrtime.bigint();
	const result = fn();
	const ms = Number(process.hrtime.bigint() - t0) / 1e6;
	clearInterval(timer);
	peak = Math.max(peak, process.memoryUsage().heapUsed);
	return { result, ms, peakHeapMB: peak / 2 ** 20, rssMB: process.memoryUsage().rss / 2 ** 20 };
}

/** MET / NOT MET for a target; a missed target makes the bench exit non-zero. */
export function verdict(ok: boolean): string {
	if (!ok) process.exitCode = 1;
	return ok ? 'MET' : 'NOT MET';
}

/** Runs `worker` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const lanes = Math.max(1, Math.min(limit, items.length));
	const lane = async (): Promise<void> => {
		while (next < items.length) {
			const i = next++;
			results[i] = await worker(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: lanes }, lane));
	return results;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

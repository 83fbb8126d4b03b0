/** Small robust statistics used by the classifiers. Pure, allocation-light. */

/** Median of a list of finite numbers; NaN for an empty list. Does not modify the input. */
export function median(values: readonly number[]): number {
	const n = values.length;
	if (n === 0) return NaN;
	const sorted = Float64Array.from(values).sort();
	const mid = n >> 1;
	return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median absolute deviation around the median (unscaled). */
export function mad(values: readonly number[], center = median(values)): number {
	return median(values.map((v) => Math.abs(v - center)));
}

/** MAD scaled to estimate the standard deviation of normal data. */
export const MAD_TO_SIGMA = 1.4826;

export function mean(values: readonly number[]): number {
	if (values.length === 0) return NaN;
	let sum = 0;
	for (const v of values) sum += v;
	return sum / values.length;
}

export function stddev(values: readonly number[], center = mean(values)): number {
	if (values.length < 2) return 0;
	let sum = 0;
	for (const v of values) sum += (v - center) ** 2;
	return Math.sqrt(sum / (values.length - 1));
}

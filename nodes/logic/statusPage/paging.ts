/** Paging of the event history: pages are numbered from 1; an empty list still has page 1. */

export const MAX_PAGE = 10_000;

export function lastPage(total: number, pageSize: number): number {
	return Math.max(1, Math.ceil(Math.max(0, total) / pageSize));
}

/** The page actually shown: the requested one, or the last page when the request went past it. */
export function clampPage(requested: number, total: number, pageSize: number): number {
	return Math.min(Math.max(1, requested), lastPage(total, pageSize));
}

export function offsetOf(page: number, pageSize: number): number {
	return (page - 1) * pageSize;
}

/**
 * The page numbers a pager shows: first, last, and a window around the current page, with null
 * where numbers are left out (rendered as an ellipsis).
 */
export function pagerNumbers(current: number, last: number, around = 2): Array<number | null> {
	const shown = new Set<number>([1, last]);
	for (let p = current - around; p <= current + around; p++) if (p >= 1 && p <= last) shown.add(p);
	const sorted = [...shown].sort((a, b) => a - b);
	const out: Array<number | null> = [];
	for (const [i, p] of sorted.entries()) {
		if (i > 0 && p - sorted[i - 1] > 1) out.push(null);
		out.push(p);
	}
	return out;
}

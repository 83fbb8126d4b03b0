/**
 * Keeping a log within a token budget: the failure line first, then the exit lines, the rest of
 * the failure window (nearest the failure first), other error lines, and the head and tail of
 * the log. Kept lines are shown in their original order; gaps are marked with a count.
 */
import { estimateTokens } from './tokens';
import { isErrorLine, isExitLine } from './lines';
import type { FailureWindow } from './window';

/** Longest line kept as it is; longer lines keep their start and end. */
export const MAX_LINE_CHARS = 1000;
const HEAD_LINES = 12;
const TAIL_LINES = 12;
const OUTSIDE_ERROR_LINES = 40;
/** How far before the window other error lines are looked for (a 10 MB log must not cost a scan of every line). */
const OUTSIDE_SEARCH_LINES = 20_000;

/** Priority ranks (lower is kept first). */
const enum Rank {
	Failure = 0,
	Exit = 1,
	Window = 2,
	OtherError = 3,
	Head = 4,
	Tail = 5,
}

interface Candidate {
	index: number;
	rank: Rank;
	/** within a rank, lower first (distance to the failure line, recency) */
	order: number;
}

/** Shortens a very long line to its start and end, cut at spaces where possible. */
export function shortenLine(line: string, maxChars = MAX_LINE_CHARS): string {
	if (line.length <= maxChars) return line;
	const half = Math.floor((maxChars - 40) / 2);
	let headEnd = line.lastIndexOf(' ', half);
	if (headEnd < half / 2) headEnd = half;
	let tailStart = line.indexOf(' ', line.length - half);
	if (tailStart === -1 || tailStart > line.length - half / 2) tailStart = line.length - half;
	return `${line.slice(0, headEnd)} …[${tailStart - headEnd} chars cut]… ${line.slice(tailStart)}`;
}

/** Lists the lines worth keeping with their priority. */
export function rankLines(lines: string[], window: FailureWindow): Candidate[] {
	const candidates = new Map<number, Candidate>();
	const offer = (index: number, rank: Rank, order: number): void => {
		if (index < 0 || index >= lines.length) return;
		const existing = candidates.get(index);
		if (!existing || existing.rank > rank) candidates.set(index, { index, rank, order });
	};
	if (window.failureIndex >= 0) offer(window.failureIndex, Rank.Failure, 0);
	if (window.chainIndex >= 0) offer(window.chainIndex, Rank.Failure, 1);
	for (let i = window.start; i <= window.end; i++) {
		const distance = Math.abs(i - window.failureIndex);
		offer(i, isExitLine(lines[i]) ? Rank.Exit : Rank.Window, distance);
	}
	let outside = 0;
	const stop = Math.max(0, window.start - OUTSIDE_SEARCH_LINES);
	for (let i = window.start - 1; i >= stop && outside < OUTSIDE_ERROR_LINES; i--) {
		if (isErrorLine(lines[i])) offer(i, Rank.OtherError, outside++);
	}
	for (let i = 0; i < Math.min(HEAD_LINES, lines.length); i++) offer(i, Rank.Head, i);
	for (let i = lines.length - 1; i >= Math.max(0, lines.length - TAIL_LINES); i--) offer(i, Rank.Tail, lines.length - i);
	return [...candidates.values()].sort((a, b) => a.rank - b.rank || a.order - b.order || b.index - a.index);
}

function gapMarker(count: number): string {
	return `… (${count} line${count === 1 ? '' : 's'} omitted) …`;
}

export interface BudgetedLines {
	/** kept line numbers in ascending order */
	kept: number[];
	text: string;
	tokens: number;
}

/**
 * Chooses lines by rank until the budget is spent. `render` turns a line into what is sent
 * (shortened and redacted) so the count is of the real text.
 */
export function fitToBudget(lines: string[], window: FailureWindow, budgetTokens: number, render: (line: string, index: number) => string): BudgetedLines {
	const chosen = new Map<number, string>();
	const markerCost = estimateTokens(gapMarker(99999)) + 1;
	let spent = 0;
	for (const candidate of rankLines(lines, window)) {
		const text = render(lines[candidate.index], candidate.index);
		const cost = estimateTokens(text) + 1 + markerCost;
		if (spent + cost > budgetTokens) {
			if (candidate.rank === Rank.Failure) {
				const room = Math.max(40, Math.floor((budgetTokens - spent - markerCost) * 3));
				const cut = shortenLine(text, room);
				chosen.set(candidate.index, cut);
				spent += estimateTokens(cut) + 1 + markerCost;
			}
			continue;
		}
		chosen.set(candidate.index, text);
		spent += cost;
	}
	const kept = [...chosen.keys()].sort((a, b) => a - b);
	const out: string[] = [];
	let previous = -1;
	for (const index of kept) {
		if (index > previous + 1) out.push(gapMarker(index - previous - 1));
		out.push(chosen.get(index) ?? '');
		previous = index;
	}
	if (previous < lines.length - 1 && previous >= 0) out.push(gapMarker(lines.length - 1 - previous));
	const text = out.join('\n');
	return { kept, text, tokens: estimateTokens(text) };
}

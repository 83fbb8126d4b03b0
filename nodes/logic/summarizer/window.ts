/**
 * The failure window: the last traceback or error block of a log, the lines that led to it and
 * the task's exit lines. Everything else is context the budget may drop.
 */
import {
	isCausedByLine,
	isChainedTracebackMarker,
	isErrorLine,
	isExitLine,
	isFrameLine,
	indentAfterClock,
	isErrorHeading,
	isGenericFailure,
	isKillExit,
	isTracebackHeader,
	parseExceptionLine,
} from './lines';

export interface FailureWindow {
	/** first line of the window (lead-in included) */
	start: number;
	/** last line of the window (exit lines included) */
	end: number;
	/** the line that says what failed; -1 when the log has no error at all */
	failureIndex: number;
	/** first line of the last traceback/error block (without lead-in) */
	blockStart: number;
}

/** Lines before the error block kept as its lead-in. */
export const LEAD_IN_LINES = 15;
/** How far back from the end an error is still "the" failure (lines, after cleaning). */
const SEARCH_LIMIT = 400_000;

/** How far after an exception line a mere error-word line may come and still not replace it. */
const TRAILING_CHATTER = 30;

/** The last line that speaks of an error and is not merely an exit line; -1 if none. */
export function lastErrorLine(lines: string[]): number {
	const stop = Math.max(0, lines.length - SEARCH_LIMIT);
	for (let i = lines.length - 1; i >= stop; i--) {
		const line = lines[i];
		if (line.length === 0) continue;
		if (parseExceptionLine(line) !== null || isKillExit(line)) return i;
		if (isExitLine(line)) continue;
		if (isErrorLine(line)) return preferExceptionJustBefore(lines, i);
	}
	return -1;
}

/**
 * An error-word line just after an exception ("Sending failure e-mail") is chatter: the
 * exception a few lines before it is the failure. An ERROR-level line is kept as it is.
 */
export function preferExceptionJustBefore(lines: string[], index: number): number {
	if (isErrorLevel(lines[index])) return index;
	for (let i = index - 1; i >= Math.max(0, index - TRAILING_CHATTER); i--) {
		if (parseExceptionLine(lines[i]) !== null || isErrorLevel(lines[i])) return i;
	}
	return index;
}

/** Whether a line carries an error log level at its start (after a time stamp), e.g. `02:00:08 ERROR -`, `[ERROR]`. */
export function isErrorLevel(line: string): boolean {
	return /^[\d\s/:.,TZ+-]*\[?(?:ERROR|CRITICAL|FATAL)\]?(?:\s|:|$)/.test(line);
}

/** For a heading such as `Database Error in model x`, the indented detail line under it. */
export function detailUnderHeading(lines: string[], index: number): number {
	if (!isErrorHeading(lines[index])) return index;
	const headingIndent = indentAfterClock(lines[index]);
	for (let i = index + 1; i < lines.length && i <= index + 3; i++) {
		const line = lines[i];
		if (line.trim() === '' || indentAfterClock(line) <= headingIndent) continue;
		if (!isFrameLine(line)) return i;
	}
	return index;
}

/** Walks up from an error line to the start of its block: traceback header, frames, chained tracebacks. */
export function blockStartOf(lines: string[], index: number): number {
	let start = index;
	let i = index - 1;
	let gap = 0;
	while (i >= 0 && index - i < 2000) {
		const line = lines[i];
		if (isTracebackHeader(line) || isChainedTracebackMarker(line)) {
			start = i;
			gap = 0;
		} else if (isFrameLine(line) || isCausedByLine(line) || parseExceptionLine(line) !== null || /^\s{2,}\S/.test(line) || /^\s*\^+\s*$/.test(line)) {
			start = i;
			gap = 0;
		} else if (line.trim().length === 0 && gap === 0) {
			gap++;
		} else break;
		i--;
	}
	return start;
}

/** The most telling line of a block: the last `Caused by`, else the last exception line, else the error line itself. */
export function failureLineOf(lines: string[], blockStart: number, errorIndex: number): number {
	let lastCause = -1;
	let lastException = -1;
	for (let i = blockStart; i <= errorIndex; i++) {
		if (isCausedByLine(lines[i]) && parseExceptionLine(lines[i])) lastCause = i;
		else if (parseExceptionLine(lines[i])) lastException = i;
	}
	if (lastCause !== -1) return lastCause;
	if (lastException !== -1 && lastException > errorIndex - 3) return lastException;
	return errorIndex;
}

/** For a generic wrapper ("Bash command failed"), the specific error line in the lead-in, if any. */
export function specificCauseBefore(lines: string[], blockStart: number, failureIndex: number): number {
	if (!isGenericFailure(lines[failureIndex])) return failureIndex;
	for (let i = failureIndex - 1; i >= Math.max(0, blockStart - 60); i--) {
		const line = lines[i];
		if (i >= blockStart && (isFrameLine(line) || (i > 0 && isFrameLine(lines[i - 1])))) continue;
		if ((isExitLine(line) && !isKillExit(line)) || isGenericFailure(line) || isTracebackHeader(line)) continue;
		if (isErrorLine(line) || parseExceptionLine(line)) return i;
	}
	return failureIndex;
}

/** Extends the window over the exit lines that follow it (return code, marked failed). */
function exitLinesEnd(lines: string[], from: number): number {
	let end = from;
	for (let i = from + 1; i < lines.length && i <= from + 40; i++) {
		const line = lines[i];
		if (isExitLine(line) || isErrorLine(line) || isFrameLine(line) || isCausedByLine(line)) end = i;
	}
	return end;
}

/** Finds the failure window of cleaned log lines. */
export function findFailureWindow(lines: string[]): FailureWindow {
	const errorIndex = lastErrorLine(lines);
	if (errorIndex === -1) {
		const end = lines.length - 1;
		return { start: Math.max(0, end - LEAD_IN_LINES), end, failureIndex: -1, blockStart: Math.max(0, end) };
	}
	const blockStart = blockStartOf(lines, errorIndex);
	let failureIndex = failureLineOf(lines, blockStart, errorIndex);
	failureIndex = detailUnderHeading(lines, specificCauseBefore(lines, blockStart, failureIndex));
	const firstLine = Math.min(blockStart, failureIndex);
	return {
		start: Math.max(0, firstLine - LEAD_IN_LINES),
		end: exitLinesEnd(lines, errorIndex),
		failureIndex,
		blockStart: firstLine,
	};
}

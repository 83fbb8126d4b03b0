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
	isMarkingLine,
	isSpecificFailure,
	isTracebackHeader,
	messageOf,
	parseExceptionAt,
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
	/** the other end of an exception chain (Python: the first exception of the chain; Java: the top exception above the Caused-by lines); -1 when none */
	chainIndex: number;
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
		if (parseExceptionAt(lines, i) !== null || isKillExit(line)) return i;
		if (isExitLine(line)) continue;
		if (isSpecificFailure(line)) return preferExceptionJustBefore(lines, i);
		if (isErrorLine(line)) return preferExceptionJustBefore(lines, i);
	}
	return -1;
}

/**
 * An error-word line just after an exception ("Sending failure e-mail") is chatter: the
 * exception a few lines before it is the failure. An ERROR-level line is kept as it is.
 */
export function preferExceptionJustBefore(lines: string[], index: number): number {
	if (isErrorLevel(lines[index]) && /^[<{[]/.test(messageOf(lines[index]))) {
		// a response body logged at ERROR level (`<html>…502 Bad Gateway…`) follows the line that states the failure
		for (let i = index - 1; i >= Math.max(0, index - 3); i--) if (isErrorLevel(lines[i]) && !/^[<{[]/.test(messageOf(lines[i]))) return i;
	}
	if (isErrorLevel(lines[index]) || isSpecificFailure(lines[index])) return index;
	for (let i = index - 1; i >= Math.max(0, index - TRAILING_CHATTER); i--) {
		if (isMarkingLine(lines[i])) continue;
		if (parseExceptionAt(lines, i) !== null || isErrorLevel(lines[i]) || isSpecificFailure(lines[i])) return i;
	}
	return index;
}

/** Whether a line carries an error log level at its start (after a time stamp), e.g. `02:00:08 ERROR -`, `[ERROR]`. */
export function isErrorLevel(line: string): boolean {
	return /^[\d\s/:.,TZ+-]*\[?(?:ERROR|CRITICAL|FATAL)\]?(?:\s|:|$)/.test(line);
}

/** For a heading such as `Database Error in model x`, the indented detail line under it. */
export function detailUnderHeading(lines: string[], index: number): number {
	if (index < 0 || !isErrorHeading(lines[index])) return index;
	let first = -1;
	const headingIndent = indentAfterClock(lines[index]);
	for (let i = index + 1; i < lines.length && i <= index + 4; i++) {
		const line = lines[i];
		if (line.trim() === '' || /^(?:\d{2}:\d{2}:\d{2}\s*)$/.test(line.trim()) || isFrameLine(line) || /^\s*[\^~]+\s*$/.test(line)) continue;
		// dbt prints a clock before its own lines: one not indented past the heading ends the detail
		if (isExitLine(line) || (/^\d{2}:\d{2}:\d{2}/.test(line) && indentAfterClock(line) <= headingIndent) || (!/^\s/.test(line) && !/^\d{2}:\d{2}:\d{2}/.test(line))) break;
		if (isErrorLine(line)) return i;
		if (first === -1) first = i;
	}
	return first === -1 ? index : first;
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
		} else if (isFrameLine(line) || isCausedByLine(line) || parseExceptionAt(lines, i) !== null || /^\s{2,}\S/.test(line) || /^\s*[\^~]+\s*$/.test(line) || /^\s*(?:Driver stacktrace:|goroutine \d+ \[|created by )/.test(line) || /^(?:DETAIL|HINT|CONTEXT|Detail|Hint|LINE \d+):/.test(line) || /^\[signal /.test(line)) {
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
		else if (parseExceptionAt(lines, i)) lastException = i;
	}
	// an exception printed after the last cause is a deeper one (Kafka Connect prints the JDBC
	// exception chain under `Caused by: …: Exception chain:`)
	if (lastCause !== -1) return lastException > lastCause ? lastException : lastCause;
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
		if (isErrorLine(line) || parseExceptionAt(lines, i) || isSpecificFailure(line)) return i;
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
/** The other end of the chain the failure line belongs to: the first exception of the block when it is another line. */
export function chainPartner(lines: string[], blockStart: number, failureIndex: number): number {
	for (let i = blockStart; i < failureIndex; i++) {
		if (parseExceptionAt(lines, i) !== null && !isFrameLine(lines[i])) {
			return lines[i].trim() === lines[failureIndex].trim() ? -1 : i;
		}
	}
	return -1;
}

/** Finds the failure window of cleaned log lines. */
export function findFailureWindow(lines: string[]): FailureWindow {
	const errorIndex = lastErrorLine(lines);
	if (errorIndex === -1) {
		const end = lines.length - 1;
		return { start: Math.max(0, end - LEAD_IN_LINES), end, failureIndex: -1, blockStart: Math.max(0, end), chainIndex: -1 };
	}
	const blockStart = blockStartOf(lines, errorIndex);
	let failureIndex = failureLineOf(lines, blockStart, errorIndex);
	failureIndex = detailUnderHeading(lines, specificCauseBefore(lines, blockStart, failureIndex));
	// a line that only says the task ended is never the failure
	if (isMarkingLine(lines[failureIndex])) failureIndex = -1;
	const firstLine = failureIndex === -1 ? blockStart : Math.min(blockStart, failureIndex);
	return {
		start: Math.max(0, firstLine - LEAD_IN_LINES),
		end: exitLinesEnd(lines, errorIndex),
		failureIndex,
		blockStart: firstLine,
		chainIndex: failureIndex === -1 ? -1 : chainPartner(lines, firstLine, failureIndex),
	};
}

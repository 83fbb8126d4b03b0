/**
 * Reading the failure from its window: exception type, message and the innermost location in
 * the user's own code.
 */
import { isLibraryFrame, messageOf, parseExceptionAt, parseFrame, type Frame } from './lines';
import type { FailureSignature } from './types';
import type { FailureWindow } from './window';

const MAX_MESSAGE_CHARS = 300;

function basename(file: string): string {
	const parts = file.split(/[\\/]/);
	return parts[parts.length - 1] || file;
}

/** `file.py:42 in load` */
export function describeFrame(frame: Frame): string {
	return `${basename(frame.file)}${frame.line !== null ? ':' + frame.line : ''} in ${frame.func}`;
}

/**
 * The innermost frame of the block, preferring the user's code: Python lists frames
 * outermost first (innermost just before the exception line); Java and JavaScript list them
 * innermost first (just after it).
 */
export function innermostFrame(lines: string[], window: FailureWindow): Frame | null {
	const pythonFrames: Frame[] = [];
	for (let i = window.blockStart; i <= window.failureIndex && i < lines.length; i++) {
		if (/^\s*File "/.test(lines[i])) {
			const frame = parseFrame(lines[i]);
			if (frame) pythonFrames.push(frame);
		}
	}
	if (pythonFrames.length > 0) {
		const own = pythonFrames.filter((f) => !isLibraryFrame(f));
		return (own.length > 0 ? own : pythonFrames)[(own.length > 0 ? own : pythonFrames).length - 1];
	}
	const afterFrames: Frame[] = [];
	for (let i = window.failureIndex + 1; i < lines.length && i <= window.failureIndex + 60; i++) {
		if (!/^\s*at /.test(lines[i])) {
			if (afterFrames.length > 0) break;
			continue;
		}
		const frame = parseFrame(lines[i]);
		if (frame) afterFrames.push(frame);
	}
	return afterFrames.find((f) => !isLibraryFrame(f)) ?? afterFrames[0] ?? goPanicFrame(lines, window.failureIndex);
}

/**
 * Go prints a panic's stack under `goroutine N [running]:` as a function line and a tab-indented
 * `file.go:line +0x..` line: the first pair is where it panicked.
 */
function goPanicFrame(lines: string[], failureIndex: number): Frame | null {
	for (let i = failureIndex + 1; i < lines.length - 2 && i <= failureIndex + 20; i++) {
		if (!/^goroutine \d+ \[/.test(lines[i])) continue;
		const func = /^(\S.*?)\(.*\)$/.exec(lines[i + 1]);
		const at = /^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(lines[i + 2]);
		return func && at ? { file: at[1], line: Number(at[2]), func: func[1] } : null;
	}
	return null;
}

function clip(text: string): string {
	return text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS - 1) + '…' : text;
}

/** Reads type, message and location of the failure; all null when the log shows no error. */
export function readSignature(lines: string[], window: FailureWindow): FailureSignature {
	if (window.failureIndex < 0) return { exceptionType: null, message: null, location: null, failureLine: null, chainLine: null };
	const failureLine = lines[window.failureIndex];
	const exception = parseExceptionAt(lines, window.failureIndex);
	const frame = innermostFrame(lines, window);
	let message = exception ? exception.message : messageOf(failureLine);
	if (exception && message === '') {
		// `KeyError` alone, or a message on the next line (dbt, psql: indented detail)
		const next = lines[window.failureIndex + 1];
		if (next && /^\s{2,}\S/.test(next) && !/^\s*(?:at |File ")/.test(next)) message = next.trim();
	}
	return {
		exceptionType: exception ? exception.type : null,
		message: message ? clip(message) : null,
		location: frame ? describeFrame(frame) : null,
		failureLine: clip(failureLine.trim()),
		chainLine: window.chainIndex >= 0 && lines[window.chainIndex] ? clip(lines[window.chainIndex].trim()) : null,
	};
}

/**
 * What a single log line is: an exception line, a stack frame, an exit line, an error line.
 * These small tests are shared by the failure window, the heuristic summary and the fingerprint.
 */

const LEVEL_PREFIX = /^(?:\d{2}:\d{2}:\d{2}[.,]?\d*\s+)?(?:\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]?\s*(?:-|:)?\s+)/;

/** The message of a line without the `HH:MM:SS LEVEL - ` prefix cleanLog leaves. */
export function messageOf(line: string): string {
	return line.replace(LEVEL_PREFIX, '').trim();
}

// `pkg.mod.SomeError: msg`, `Caused by: java.lang.OutOfMemoryError: Java heap space`,
// `psycopg2.errors.UndefinedTable: relation ...`, `Exception in thread "main" org...SparkException: ...`
const EXCEPTION_NAME =
	'(?:[A-Za-z_$][\\w$]*\\.)*(?:[A-Za-z_$][\\w$]*(?:Error|Exception|Exit|Interrupt|Timeout|Failure|Fault|Killed|Denied|Refused|NotFound|Violation|Conflict|Throttled|Unavailable|Abort(?:ed)?)\\w*)|(?:[A-Za-z_][\\w]*\\.)*(?:errors?|exc|exceptions)\\.[A-Z]\\w+';
const EXCEPTION_LINE = new RegExp(`^(?:Caused by:\\s*|\\[cause\\]:\\s*|Exception in thread "[^"]*"\\s*|Uncaught\\s+)?(${EXCEPTION_NAME})(?:\\s*:\\s*(.*)|\\s*\\((.*)\\))?$`);

export interface ExceptionParts {
	type: string;
	message: string;
}

/** Reads `Type: message` from an exception line; null when the line is not one. */
export function parseExceptionLine(line: string): ExceptionParts | null {
	const text = messageOf(line);
	if (text.length > 4000) return null;
	// Node prints an Error's cause as `[cause]: Error: getaddrinfo ENOTFOUND host` (a bare Error too)
	const cause = /^\s*\[cause\]:\s*((?:[A-Za-z_$][\w$]*)?(?:Error|Exception))(?::\s*(.*))?$/.exec(text);
	if (cause) return { type: cause[1], message: (cause[2] ?? '').trim() };
	const match = EXCEPTION_LINE.exec(text);
	if (!match) return null;
	return { type: match[1], message: (match[2] ?? match[3] ?? '').trim() };
}

const ANY_EXCEPTION = /^((?:[A-Za-z_][\w]*\.)*[A-Za-z_][\w]*)(?::\s*(.*))?$/;

/**
 * Whether line `i` ends a Python traceback: an unindented `module.Class: message` (or a bare
 * `Class`) right after the traceback's frames, whatever the class is called
 * (`pyarrow.lib.ArrowInvalid`, `SchemaError`, `botocore.errorfactory.ThrottlingException`).
 */
export function isPythonTracebackEnd(lines: string[], i: number): boolean {
	const line = lines[i];
	if (line === undefined || line.length > 4000 || /^\s/.test(line) || !ANY_EXCEPTION.test(line)) return false;
	for (let j = i - 1; j >= Math.max(0, i - 8); j--) {
		const before = lines[j];
		if (/^\s*File "[^"]+", line \d+/.test(before) || /^\s*File "[^"]+", line \d+, in /.test(before)) return true;
		if (/Traceback \(most recent call last\):\s*$/.test(before)) return true;
		if (/^\s+\S/.test(before) || /^\s*[\^~]+\s*$/.test(before)) continue;
		return false;
	}
	return false;
}

/** The exception on line `i`: a known exception shape, or whatever class ends a Python traceback. */
export function parseExceptionAt(lines: string[], i: number): ExceptionParts | null {
	const known = parseExceptionLine(lines[i]);
	if (known) return known;
	if (!isPythonTracebackEnd(lines, i)) return null;
	const match = ANY_EXCEPTION.exec(lines[i]);
	return match ? { type: match[1], message: (match[2] ?? '').trim() } : null;
}

/**
 * Failure lines that are not `Type: message` exceptions: Go panics, git/CLI `fatal:`, SQL errors
 * (`ERROR:`, `ORA-`, `SQLSTATE`, SQL Server `Msg N, Level 16`), unhandled promise rejections,
 * OOMKilled, BigQuery job errors, dbt error headings.
 */
const SPECIFIC_FAILURE =
	/^\s*(?:panic: |fatal error: |fatal: |FATAL:\s|PANIC:\s|ERROR:\s{1,2}(?!Job failed)|Error: |\[?UnhandledPromiseRejection\b|Unhandled (?:promise )?rejection\b)|\bORA-\d{5}\b|\bSQLSTATE\[?\w{5}|\bMsg \d+, Level 1[6-9]|\bOOMKilled\b|BigQuery job \S+ failed|\breason: (?:invalid|notFound|accessDenied|quotaExceeded|rateLimitExceeded|backendError|resourcesExceeded)\b|\b(?:Database|Compilation|Runtime|Parsing|Dependency) Error in (?:model|test|snapshot|seed|macro|sql)\b/;

export function isSpecificFailure(line: string): boolean {
	if (line.length > 4000) return false;
	return SPECIFIC_FAILURE.test(messageOf(line));
}

/** Lines that only report that the task ended (`Marking task as FAILED`, `Task exited with return code 1`): never the failure itself. */
export function isMarkingLine(line: string): boolean {
	return isExitLine(line) && !isKillExit(line) && parseExceptionLine(line) === null;
}

/** A cause in a chain: Java's `Caused by:`, Node's `[cause]:` (an Error's `cause`, as util.inspect prints it). */
export function isCausedByLine(line: string): boolean {
	return /^\s*(?:Caused by:|\[cause\]:)\s/.test(line);
}

export function isTracebackHeader(line: string): boolean {
	return /Traceback \(most recent call last\):\s*$/.test(line) || /^\s*Exception in thread "/.test(line);
}

export function isChainedTracebackMarker(line: string): boolean {
	return /^(?:During handling of the above exception, another exception occurred|The above exception was the direct cause of the following exception):/.test(line.trim());
}

const PY_FRAME = /^\s*File "([^"]+)", line (\d+), in (.+)$/;
const STACK_FRAME = /^\s*at (?:async )?([\w$.<>[\] ]+?) ?\(?((?:[^():\s]|:(?!\d))+)(?::(\d+))?(?::\d+)?\)?$/;

export interface Frame {
	file: string;
	line: number | null;
	func: string;
}

/** Reads a Python `File "...", line N, in f` frame or a Java/JS `at f (file:line)` frame. */
export function parseFrame(line: string): Frame | null {
	const py = PY_FRAME.exec(line);
	if (py) return { file: py[1], line: Number(py[2]), func: py[3].trim() };
	const at = STACK_FRAME.exec(line);
	if (at) return { file: at[2], line: at[3] ? Number(at[3]) : null, func: at[1].trim() };
	return null;
}

export function isFrameLine(line: string): boolean {
	return /^\s*(?:File "[^"]+", line \d+|at \S)/.test(line) || /^\s+\.\.\. \d+ more$/.test(line);
}

/** Whether a frame is in library code rather than the user's own (site-packages, JDK, node_modules). */
export function isLibraryFrame(frame: Frame): boolean {
	return /site-packages|dist-packages|\/lib\/python\d|node_modules|^java\.|^javax\.|^scala\.|^sun\.|^jdk\.|^org\.apache\.(?:spark|hadoop)|<frozen |^node:|^internal\//.test(
		frame.file + ' ' + frame.func,
	);
}

const EXIT_LINE =
	/Task exited with return code|Marking task as (?:FAILED|UP_FOR_RETRY)|Command exited with return code|exited with (?:code|status)|Process (?:finished|completed) with exit code|Failed to execute job \d+|Pod (?:\S+ )?returned a failure|Negsignal\.SIG|received SIGTERM|Exit Code:\s*\d+|Terminated:\s+\w+|returned non-zero exit status|\bDone\. PASS=\d+|Task instance in failure state|^\s*exit status \d+\s*$|Completed with \d+ errors? and \d+ warnings?/i;

/** Whether a line reports how the task ended (return code, marked failed, pod phase). */
export function isExitLine(line: string): boolean {
	return EXIT_LINE.test(line);
}

const KILL_EXIT = /Negsignal\.SIGKILL|return code -9\b|exit code:? 137\b|OOMKilled|\bKilled\s*$/i;

/** Whether an exit line says the task was killed (OOM killer, SIGKILL): then it is the failure itself. */
export function isKillExit(line: string): boolean {
	return KILL_EXIT.test(line);
}

const ERROR_WORDS =
	/\b(?:error|errors|exception|failed|failure|fatal|killed|oomkilled|denied|refused|timed out|timeout|panic|aborting|aborted|crashloopbackoff|errimagepull|imagepullbackoff|evicted|unreachable|forbidden|unauthorized|invalid|not found|does not exist|no such|violat\w*|deadlock|out of memory)\b|오류|에러|실패|예외|거부|초과|권한|찾을 수 없|존재하지 않|없습니다|중단/i;
const ERROR_LEVEL = /^(?:\d{2}:\d{2}:\d{2}[.,]?\d*\s+)?\[?(?:ERROR|CRITICAL|FATAL)\]?\b|^\s*(?:ERROR|FATAL|PANIC)[:\s]|\bERROR\b/;

/** Whether a line speaks of an error (by level or by words, English or Korean). */
export function isErrorLine(line: string): boolean {
	if (line.length > 4000) return ERROR_LEVEL.test(line.slice(0, 200));
	return ERROR_LEVEL.test(line) || ERROR_WORDS.test(line);
}

/** Wrappers that say only "something failed"; the real cause is in the lines before them. */
const GENERIC_FAILURE =
	/Error: (?:ImagePullBackOff|ErrImagePull|CrashLoopBackOff)\s*$|Back-off (?:pulling image|restarting failed container)|Bash command failed|non-zero exit (?:code|status)|returned non-zero exit status|Pod (?:\S+ )?returned a failure|Job aborted due to stage failure|dbt (?:command|run) failed|Task failed with exception|Process exited with|Subprocess failed|CalledProcessError|Job \d+ failed|Job failed: exit code|failed \d+ times; aborting job|Encountered an error executing step|See the logs? (?:above|for details)/i;

export function isGenericFailure(line: string): boolean {
	return GENERIC_FAILURE.test(line);
}

const CLOCK_PREFIX = /^(?:\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s)?/;

/** Indentation of a line after an optional `HH:MM:SS ` clock (dbt prints one before every line). */
export function indentAfterClock(line: string): number {
	const rest = line.replace(CLOCK_PREFIX, '');
	return rest.length - rest.trimStart().length;
}

/** Whether a line is a heading whose detail follows on indented lines (`Database Error in model x`). */
export function isErrorHeading(line: string): boolean {
	return /\b(?:Database|Compilation|Runtime|Parsing|Dependency) Error\b|^\s*(?:\d{2}:\d{2}:\d{2}\s+)?Encountered an error:?\s*$/.test(line);
}

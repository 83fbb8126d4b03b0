/**
 * Deterministic clean-up of a raw log before anything else looks at it: terminal colour codes,
 * progress-bar rewrites, and the lines Airflow writes around every task that say nothing about
 * why it failed.
 */

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), lone escapes.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Removes ANSI escape sequences (colours, cursor control, hyperlinks). */
export function stripAnsi(text: string): string {
	return text.indexOf('\u001b') === -1 ? text : text.replace(ANSI, '');
}

/** Keeps what a terminal would show of a line rewritten with carriage returns (progress bars). */
export function lastCarriageReturnSegment(line: string): string {
	const cr = line.lastIndexOf('\r');
	if (cr === -1) return line;
	if (cr === line.length - 1) return lastCarriageReturnSegment(line.slice(0, -1));
	return line.slice(cr + 1);
}

// `[2024-05-01, 02:00:03 KST] {taskinstance.py:1234} ERROR - msg` (Airflow 2),
// `[2024-05-01T02:00:03.123+0900] {subprocess.py:93} INFO - msg`, `[2025-05-20, 06:41:12 UTC] INFO - msg` (Airflow 3)
const AIRFLOW_PREFIX = /^\[([^\]]{8,40})\]\s+(?:\{[^}]{1,80}\}\s+)?(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\s+-\s?/;
const CLOCK = /(\d{2}:\d{2}:\d{2})/;

/** Shortens Airflow's log prefix to `HH:MM:SS LEVEL - ` (date and source file dropped). */
export function shortenAirflowPrefix(line: string): string {
	if (line.charCodeAt(0) !== 91 /* [ */) return line;
	const match = AIRFLOW_PREFIX.exec(line);
	if (!match) return line;
	const clock = CLOCK.exec(match[1]);
	return `${clock ? clock[1] + ' ' : ''}${match[2]} - ${line.slice(match[0].length)}`;
}

// Messages Airflow writes on every run, whatever happened (matched after the prefix).
const AIRFLOW_BOILERPLATE = new RegExp(
	[
		'^Dependencies all met for ',
		'^Dependencies not met for ',
		'^Starting attempt \\d+ of \\d+',
		'^Executing <Task\\(',
		'^Started process \\d+ to run task',
		'^Running <TaskInstance: ',
		'^Job \\d+: Subtask ',
		'^Exporting env vars: ',
		'^Tmp dir root location:',
		'^Output:$',
		'^::(?:end)?group::',
		'^\\*\\*\\* ',
		'^\\s+\\* \\S+\\.log$',
		'^(?:Pre|Post) task execution logs',
		'^Filling up the DagBag',
		'^Task instance is in running state',
		'^Previous state of the Task instance',
		'^Current task name',
		'^Dag name:',
		'^Using connection ID ',
		'^Connection Retrieved ',
		'^\\d+ downstream tasks scheduled from follow-on schedule check',
		'^Done\\. Returned value was',
		'^Resuming after deferral',
		'^Setting the following tasks to queued state',
		'^Checking for task instance ',
		'^Loaded executor: ',
	].join('|'),
);
/** The same test with the optional `HH:MM:SS LEVEL - ` prefix in one expression (no string copy per line). */
const PREFIXED_BOILERPLATE = new RegExp(
	`^(?:(?:\\d{2}:\\d{2}:\\d{2} )?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL) - )?(?:${AIRFLOW_BOILERPLATE.source.split('|').map((alternative) => alternative.replace(/^\^/, '')).join('|')})`,
);

/** Whether a (prefix-shortened) line is Airflow boilerplate that never explains a failure. */
export function isAirflowBoilerplate(line: string): boolean {
	return PREFIXED_BOILERPLATE.test(line);
}

export interface CleanedLines {
	lines: string[];
	inputLines: number;
}

/**
 * Splits a log into clean lines: ANSI codes and progress rewrites removed, Airflow prefixes
 * shortened, boilerplate and blank runs dropped (unless `keepBoilerplate`).
 */
// GitHub Actions / Azure DevOps runners put an ISO time stamp before every line.
const RUNNER_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z /;

export function cleanLog(text: string, keepBoilerplate = false): CleanedLines {
	const raw = stripAnsi(text).split('\n');
	const lines: string[] = [];
	let previousBlank = true;
	for (const rawLine of raw) {
		let line = lastCarriageReturnSegment(rawLine).trimEnd();
		if (!keepBoilerplate) {
			if (line.length > 20 && line.charCodeAt(10) === 84 /* T */) line = line.replace(RUNNER_STAMP, '');
			line = shortenAirflowPrefix(line);
			if (isAirflowBoilerplate(line)) continue;
		}
		const blank = line.trim().length === 0;
		if (blank && previousBlank) continue;
		lines.push(line);
		previousBlank = blank;
	}
	while (lines.length > 0 && lines[lines.length - 1].trim().length === 0) lines.pop();
	return { lines, inputLines: raw.length };
}

/**
 * Structured failure inputs rendered as the text logs they stand for, with every field kept:
 * Airflow 3 structured log events (`{timestamp, event, level, logger, error_detail, ...}`, one JSON
 * object a line or a list) with `error_detail` rendered as a Python traceback, and n8n error
 * objects (an Error Trigger item's `execution.error`: message, description, node, stack, cause).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: Json | undefined): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** `k=v` for a field value: strings as they are (quoted when they hold spaces), the rest as JSON. */
function fieldText(key: string, value: Json): string {
	if (typeof value === 'string') return `${key}=${/\s/.test(value) ? JSON.stringify(value) : value}`;
	return `${key}=${JSON.stringify(value)}`;
}

interface ExceptionDetail {
	type: string;
	value: string;
	isCause: boolean;
	frames: string[];
	notes: string[];
	syntax: string | null;
}

function exceptionDetail(entry: JsonObject): ExceptionDetail {
	const frames: string[] = [];
	if (Array.isArray(entry.frames)) {
		for (const frame of entry.frames) {
			if (!isObject(frame)) continue;
			const file = str(frame.filename) ?? str(frame.file) ?? '<unknown>';
			const line = str(frame.lineno) ?? str(frame.line) ?? '?';
			const name = str(frame.name) ?? str(frame.function) ?? '<module>';
			frames.push(`  File "${file}", line ${line}, in ${name}`);
			const source = str(frame.line);
			if (source && source.trim()) frames.push(`    ${source.trim()}`);
		}
	}
	const notes = Array.isArray(entry.exc_notes) ? entry.exc_notes.map((n) => str(n)).filter((n): n is string => n !== undefined) : [];
	const syntax = isObject(entry.syntax_error) ? JSON.stringify(entry.syntax_error) : null;
	return {
		type: str(entry.exc_type) ?? 'Exception',
		value: str(entry.exc_value) ?? '',
		isCause: entry.is_cause === true,
		frames,
		notes,
		syntax,
	};
}

/**
 * An Airflow 3 / structlog `error_detail` list as Python prints the chain: the list holds the
 * raised exception first and its causes after; Python prints the root cause first, so the last
 * line is the exception that ended the task.
 */
export function renderErrorDetail(detail: Json): string[] {
	const entries = (Array.isArray(detail) ? detail : [detail]).filter(isObject).map(exceptionDetail);
	const out: string[] = [];
	for (let i = entries.length - 1; i >= 0; i--) {
		const e = entries[i];
		out.push('Traceback (most recent call last):', ...e.frames);
		if (e.syntax) out.push(`  ${e.syntax}`);
		out.push(e.value ? `${e.type}: ${e.value}` : e.type, ...e.notes);
		if (i > 0) {
			out.push('', e.isCause ? 'The above exception was the direct cause of the following exception:' : 'During handling of the above exception, another exception occurred:', '');
		}
	}
	return out;
}

const EVENT_KEYS = new Set(['timestamp', 'event', 'level', 'error_detail', 'exc_info', 'exception']);

/** One Airflow 3 structured event as an Airflow-style line (every field kept) plus its traceback. */
export function renderEvent(entry: JsonObject): string[] {
	const time = str(entry.timestamp);
	const level = (str(entry.level) ?? 'info').toUpperCase();
	const event = str(entry.event) ?? str(entry.message) ?? str(entry.msg) ?? '';
	const fields = Object.entries(entry)
		.filter(([key]) => !EVENT_KEYS.has(key) && key !== 'message' && key !== 'msg')
		.map(([key, value]) => fieldText(key, value));
	const head = `${time ? `[${time}] ` : ''}${level} - ${event}${fields.length ? ' ' + fields.join(' ') : ''}`;
	const lines = [head];
	if (entry.error_detail !== undefined && entry.error_detail !== null) lines.push(...renderErrorDetail(entry.error_detail));
	const exception = str(entry.exception) ?? str(entry.exc_info);
	if (exception && exception !== 'true') lines.push(...exception.split('\n'));
	return lines;
}

function isEventLike(value: unknown): boolean {
	return isObject(value) && (typeof value.event === 'string' || (typeof value.level === 'string' && (typeof value.message === 'string' || typeof value.msg === 'string')));
}

function isEvent(value: unknown): value is JsonObject {
	return isEventLike(value);
}

/** Whether an object is an error object (n8n NodeApiError/NodeOperationError, a JS Error serialised). */
export function isErrorObject(value: unknown): value is JsonObject {
	return isObject(value) && (typeof value.message === 'string' || typeof value.stack === 'string' || typeof value.description === 'string') && !isEventLike(value);
}

/**
 * An n8n error (an Error Trigger item's `execution.error`, or any serialised error) as a log: the
 * node, the cause, the stack, then one final line `Type: message: description` that states the
 * failure with its detail (`connect ECONNREFUSED 10.20.3.14:5432` lives in `description`).
 */
export function renderErrorObject(error: JsonObject): string[] {
	const out: string[] = [];
	const node = isObject(error.node) ? error.node : null;
	if (node) out.push(`n8n node ${JSON.stringify(str(node.name) ?? '?')}${str(node.type) ? ` (${str(node.type)})` : ''} failed`);
	const extras = Object.entries(error).filter(([key]) => !['message', 'description', 'stack', 'name', 'node', 'cause', 'level', 'tags', 'functionality'].includes(key));
	for (const [key, value] of extras) if (value !== null && value !== undefined && value !== '') out.push(fieldText(key, value));
	const cause = error.cause;
	if (isErrorObject(cause)) {
		const type = str(cause.name) ?? 'Error';
		out.push(`cause: ${type}: ${str(cause.message) ?? ''}`.trimEnd());
		const fields = Object.entries(cause).filter(([key]) => !['name', 'message', 'stack'].includes(key));
		if (fields.length) out.push(`cause fields: ${fields.map(([k, v]) => fieldText(k, v)).join(' ')}`);
	} else if (isObject(cause)) {
		out.push(`cause: ${Object.entries(cause).map(([k, v]) => fieldText(k, v)).join(' ')}`);
	} else if (typeof cause === 'string' && cause) out.push(`cause: ${cause}`);
	const stack = str(error.stack);
	if (stack) out.push(...stack.split('\n'));
	const message = str(error.message) ?? '';
	const description = str(error.description) ?? '';
	const name = str(error.name) ?? (stack && /^([A-Za-z_$][\w$]*(?:Error|Exception)):/.exec(stack)?.[1]) ?? 'Error';
	const finalLine = [message, description && !message.includes(description) ? description : ''].filter(Boolean).join(': ');
	out.push(`${name}: ${finalLine || '(no message)'}`);
	return out;
}

/** The error object of an n8n Error Trigger item (`execution.error`), or the object itself when it is an error. */
export function errorOfItem(value: unknown): JsonObject | null {
	if (!isObject(value)) return null;
	const execution = value.execution;
	if (isObject(execution) && isErrorObject(execution.error)) return execution.error;
	if (!isEventLike(value) && isErrorObject(value.error)) return value.error;
	return isErrorObject(value) ? value : null;
}

/** Renders a list of structured events or lines. */
export function renderEvents(entries: unknown[]): string {
	const out: string[] = [];
	for (const entry of entries) {
		if (typeof entry === 'string') out.push(entry);
		else if (isEvent(entry)) out.push(...renderEvent(entry));
		else if (isErrorObject(entry)) out.push(...renderErrorObject(entry));
		else out.push(JSON.stringify(entry));
	}
	return out.join('\n');
}

/** Structured values (parsed JSON) as log text; undefined when the value is not a recognised structure. */
export function renderStructuredValue(value: unknown): string | undefined {
	if (Array.isArray(value)) return value.some((e) => isEvent(e) || isErrorObject(e)) ? renderEvents(value) : undefined;
	if (!isObject(value)) return undefined;
	if (Array.isArray(value.content)) return renderStructuredValue(value.content);
	if (isEvent(value)) return renderEvent(value).join('\n');
	const error = errorOfItem(value);
	return error ? renderErrorObject(error).join('\n') : undefined;
}

const MAX_STRUCTURED_BYTES = 32 * 1024 * 1024;

/**
 * A log text that is JSON (one document, or one object a line as Airflow 3 writes its task logs)
 * rendered as text; the text itself when it is not structured.
 */
export function renderStructuredText(text: string): { text: string; structured: boolean } {
	const first = /\S/.exec(text.length > 4096 ? text.slice(0, 4096) : text);
	if (!first || text.length > MAX_STRUCTURED_BYTES || (first[0] !== '{' && first[0] !== '[')) return { text, structured: false };
	const trimmed = text.slice(first.index);
	try {
		const whole = renderStructuredValue(JSON.parse(trimmed) as unknown);
		if (whole !== undefined) return { text: whole, structured: true };
	} catch {
		// not one JSON document: maybe one a line
	}
	// one JSON object a line: only when the log starts with one (a 10 MB text log must not be split twice)
	if (first[0] !== '{') return { text, structured: false };
	const lines = text.split('\n');
	let events = 0;
	let nonEmpty = 0;
	const out: string[] = [];
	for (const line of lines) {
		const t = line.trim();
		if (t === '') {
			out.push(line);
			continue;
		}
		nonEmpty++;
		if (t[0] === '{' && t[t.length - 1] === '}') {
			try {
				const parsed = JSON.parse(t) as unknown;
				if (isEvent(parsed)) {
					events++;
					out.push(...renderEvent(parsed));
					continue;
				}
				if (isErrorObject(parsed)) {
					events++;
					out.push(...renderErrorObject(parsed));
					continue;
				}
			} catch {
				// a line that only looks like JSON
			}
		}
		out.push(line);
	}
	return events > 0 && events * 2 >= nonEmpty ? { text: out.join('\n'), structured: true } : { text, structured: false };
}

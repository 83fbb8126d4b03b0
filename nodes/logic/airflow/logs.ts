/**
 * Task log normalisation: Airflow 2's JSON `content` (a Python repr of [(host, text)]) or
 * text/plain, and Airflow 3's structured messages or ndjson, all to plain text. A byte cap keeps
 * the tail, where failures are.
 */

/** Reads one Python string literal starting at `i` (quote at s[i]); returns the value and the end. */
function readPyString(s: string, i: number): { value: string; end: number } {
	const quote = s[i];
	let out = '';
	let j = i + 1;
	while (j < s.length && s[j] !== quote) {
		const ch = s[j];
		if (ch !== '\\') {
			out += ch;
			j++;
			continue;
		}
		const n = s[j + 1];
		j += 2;
		if (n === 'n') out += '\n';
		else if (n === 't') out += '\t';
		else if (n === 'r') out += '\r';
		else if (n === '\\' || n === "'" || n === '"') out += n;
		else if (n === 'x') {
			out += String.fromCharCode(parseInt(s.slice(j, j + 2), 16));
			j += 2;
		} else if (n === 'u') {
			out += String.fromCharCode(parseInt(s.slice(j, j + 4), 16));
			j += 4;
		} else if (n === 'U') {
			out += String.fromCodePoint(parseInt(s.slice(j, j + 8), 16));
			j += 8;
		} else out += '\\' + (n ?? '');
	}
	return { value: out, end: j + 1 };
}

/**
 * Airflow 2 JSON log `content`: `[('host', 'text'), ...]` → the texts joined. Anything that is
 * not such a repr is returned unchanged (some handlers return plain text).
 */
export function textFromPythonRepr(content: string): string {
	const s = content.trim();
	if (!s.startsWith('[(') && !s.startsWith('[[')) return content;
	const texts: string[] = [];
	let i = 1;
	while (i < s.length) {
		const open = s.indexOf('(', i);
		if (open < 0) break;
		let j = open + 1;
		const strings: string[] = [];
		while (j < s.length && s[j] !== ')') {
			if (s[j] === "'" || s[j] === '"') {
				const r = readPyString(s, j);
				strings.push(r.value);
				j = r.end;
			} else j++;
		}
		if (strings.length >= 2) texts.push(strings.slice(1).join(''));
		else if (strings.length === 1) texts.push(strings[0]);
		i = j + 1;
	}
	return texts.length ? texts.join('\n') : content;
}

interface Frame {
	filename?: string;
	lineno?: number;
	name?: string;
	line?: string;
}
interface ErrorDetail {
	exc_type?: string;
	exc_value?: string;
	frames?: Frame[];
}

/** Airflow 3 `error_detail` rendered as the familiar Python traceback. */
export function renderErrorDetail(detail: unknown): string {
	if (!Array.isArray(detail)) return '';
	return (detail as ErrorDetail[])
		.map((d) => {
			const frames = (d.frames ?? []).map((f) => `  File "${f.filename ?? '?'}", line ${f.lineno ?? '?'}, in ${f.name ?? '?'}${f.line ? `\n    ${f.line}` : ''}`);
			return ['Traceback (most recent call last):', ...frames, `${d.exc_type ?? 'Exception'}: ${d.exc_value ?? ''}`].join('\n');
		})
		.join('\n');
}

/** One Airflow 3 structured log message as a text line (group markers give nothing). */
export function lineFromStructured(message: unknown): string | null {
	if (typeof message === 'string') return message;
	if (!message || typeof message !== 'object') return null;
	const m = message as Record<string, unknown>;
	const event = typeof m.event === 'string' ? m.event : JSON.stringify(m.event ?? '');
	if (event.startsWith('::group::') || event === '::endgroup::') return null;
	const parts: string[] = [];
	if (typeof m.timestamp === 'string') parts.push(`[${m.timestamp}]`);
	if (typeof m.level === 'string') parts.push(m.level.toUpperCase());
	if (typeof m.logger === 'string') parts.push(`{${m.logger}}`);
	parts.push('-', event);
	let line = parts.join(' ');
	if (m.error_detail) line += '\n' + renderErrorDetail(m.error_detail);
	return line;
}

/** Airflow 3 JSON `content` (structured messages or strings) to text lines. */
export function textFromStructured(content: unknown): string {
	if (!Array.isArray(content)) return typeof content === 'string' ? content : '';
	const lines: string[] = [];
	for (const m of content) {
		const line = lineFromStructured(m);
		if (line !== null) lines.push(line);
	}
	return lines.join('\n');
}

/** Airflow 3 ndjson body to text. Lines that are not JSON are kept as they are. */
export function textFromNdjson(body: string): string {
	const lines: string[] = [];
	for (const raw of body.split('\n')) {
		if (!raw.trim()) continue;
		let parsed: unknown;
		try {
			parsed = JSON.parse(raw);
		} catch {
			lines.push(raw);
			continue;
		}
		const line = lineFromStructured(parsed);
		if (line !== null) lines.push(line);
	}
	return lines.join('\n');
}

/** Whether an Airflow 2 continuation token says the log is complete (its payload is readable). */
export function tokenSaysEndOfLog(token: string | null | undefined): boolean | undefined {
	if (!token) return undefined;
	try {
		const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { end_of_log?: unknown };
		return typeof payload.end_of_log === 'boolean' ? payload.end_of_log : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Collects log text up to `maxBytes` (UTF-8), keeping the tail: when more arrives, the oldest
 * text goes first, cut at a line start when one is near.
 */
export class TailBuffer {
	private parts: string[] = [];
	private bytes = 0;
	droppedBytes = 0;

	constructor(readonly maxBytes: number) {}

	append(text: string): void {
		if (!text) return;
		const piece = text;
		this.parts.push(piece);
		this.bytes += Buffer.byteLength(piece, 'utf8');
		if (this.bytes > this.maxBytes) this.trim();
	}

	private trim(): void {
		let all = this.parts.join('');
		const buf = Buffer.from(all, 'utf8');
		let cut = buf.length - this.maxBytes;
		// do not split a UTF-8 sequence
		while (cut < buf.length && (buf[cut] & 0xc0) === 0x80) cut++;
		let tail = buf.subarray(cut).toString('utf8');
		const nl = tail.indexOf('\n');
		if (nl >= 0 && nl < 200) tail = tail.slice(nl + 1);
		this.droppedBytes += buf.length - Buffer.byteLength(tail, 'utf8');
		all = tail;
		this.parts = [all];
		this.bytes = Buffer.byteLength(all, 'utf8');
	}

	get truncated(): boolean {
		return this.droppedBytes > 0;
	}

	text(): string {
		return this.parts.join('');
	}
}

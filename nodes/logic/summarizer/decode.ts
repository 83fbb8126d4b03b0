/**
 * Turning whatever the input holds (text, bytes in UTF-8 or a legacy Korean code page, binary
 * junk) into text, and saying what was odd about it.
 */

export interface DecodedLog {
	text: string;
	/** `utf-8`, `euc-kr` (also covers CP949's common range) or `latin1` */
	encoding: string;
	/** true when the bytes look like a binary file rather than a log */
	binary: boolean;
	/** for binary input: its readable text lines (runs of printable ASCII/Hangul that read as words), possibly none */
	readable?: string[];
	notes: string[];
}

/** Share of control characters (other than tab, CR, LF, ESC) above which a text is binary. */
const BINARY_CONTROL_SHARE = 0.1;
const BINARY_SAMPLE = 64 * 1024;

/** Whether a sample of text looks like binary data: NUL bytes or many control characters. */
export function looksBinary(sample: string): boolean {
	const head = sample.length > BINARY_SAMPLE ? sample.slice(0, BINARY_SAMPLE) : sample;
	if (head.length === 0) return false;
	let controls = 0;
	for (let i = 0; i < head.length; i++) {
		const code = head.charCodeAt(i);
		if (code === 0) return true;
		if (code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 27) controls++;
	}
	return controls / head.length > BINARY_CONTROL_SHARE;
}

function decodeStrict(bytes: Uint8Array, encoding: string): string | null {
	try {
		return new TextDecoder(encoding, { fatal: true }).decode(bytes);
	} catch {
		return null;
	}
}

/**
 * Decodes log bytes: UTF-8 when valid, else EUC-KR/CP949 (Korean Windows and old Linux
 * servers), else Latin-1 so that nothing is lost. Text input is returned as it is.
 */
export function decodeLog(input: string | Uint8Array): DecodedLog {
	if (typeof input === 'string') {
		const binary = looksBinary(input);
		const notes = binary ? ['the log looks like binary data (NUL or control characters)'] : [];
		if (!binary && input.includes('\uFFFD')) notes.push('the log text holds replacement characters (it was decoded from non-UTF-8 bytes upstream)');
		return { text: input, encoding: 'utf-8', binary, notes };
	}
	const bytes = input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? input.subarray(3) : input;
	const utf8 = decodeStrict(bytes, 'utf-8');
	if (utf8 !== null) {
		const binary = looksBinary(utf8);
		return { text: utf8, encoding: 'utf-8', binary, notes: binary ? ['the log looks like binary data (NUL or control characters)'] : [] };
	}
	const korean = decodeStrict(bytes, 'euc-kr');
	if (korean !== null && !looksBinary(korean)) {
		return { text: korean, encoding: 'euc-kr', binary: false, notes: ['the log was not UTF-8; it was decoded as EUC-KR/CP949'] };
	}
	const latin1 = new TextDecoder('latin1').decode(bytes);
	const binary = looksBinary(latin1);
	return {
		text: latin1,
		encoding: 'latin1',
		binary,
		notes: [binary ? 'the log looks like binary data (NUL or control characters)' : 'the log was not UTF-8; it was decoded as Latin-1'],
	};
}

/** Runs of printable text in binary data that read as words (a `strings`-like pass, stricter). */
export function readableLines(text: string): string[] {
	const out: string[] = [];
	for (const run of text.split(/[^\t\x20-\x7e\uac00-\ud7a3]+/)) {
		const line = run.trim();
		if (line.length < 12 || line.length > 4000) continue;
		const letters = (line.match(/[A-Za-z\uac00-\ud7a3]/g) ?? []).length;
		const words = line.match(/[A-Za-z\uac00-\ud7a3]{3,}/g) ?? [];
		if (letters / line.length < 0.5 || words.length < 3 || !/\s/.test(line)) continue;
		out.push(line);
	}
	return out;
}

/** Decodes a log and, when it is binary, keeps its readable lines. */
export function decodeWithReadable(input: string | Uint8Array): DecodedLog {
	const decoded = decodeLog(input);
	if (!decoded.binary) return decoded;
	const text = typeof input === 'string' ? input : new TextDecoder('latin1').decode(input);
	return { ...decoded, readable: readableLines(text) };
}

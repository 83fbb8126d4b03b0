/**
 * Deterministic preparation of a failure log: decode, clean, find the failure window, keep what
 * fits the token budget, redact secrets, read the failure's signature.
 */
import { InputError } from '../shared/errors';
import { fitToBudget, MAX_LINE_CHARS, shortenLine } from './budget';
import { cleanLog } from './clean';
import { decodeWithReadable } from './decode';
import { marker, redactSecrets, addCounts, type RedactOptions } from './redact';
import { readSignature } from './signature';
import { renderStructuredText } from './structured';
import { findFailureWindow, type FailureWindow } from './window';
import type { FailureSignature, PreparedLog } from './types';

export const DEFAULT_TOKEN_BUDGET = 4000;
export const MIN_TOKEN_BUDGET = 600;
export const MAX_TOKEN_BUDGET = 200_000;
/** Lines longer than this are cut before redaction (a one-line 10 MB log must not cost seconds). */
const PRE_REDACTION_LINE_CHARS = 20_000;

/** Checks a token budget: a whole number the model context can plausibly take. */
export function checkTokenBudget(value: unknown): number {
	if (value === undefined || value === null || value === '') return DEFAULT_TOKEN_BUDGET;
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < MIN_TOKEN_BUDGET || n > MAX_TOKEN_BUDGET) {
		throw new InputError(
			'tokenBudget',
			value,
			`is not a whole number from ${MIN_TOKEN_BUDGET} to ${MAX_TOKEN_BUDGET}`,
			`Set Token Budget to the prompt size you want to pay for, e.g. ${DEFAULT_TOKEN_BUDGET} (the instructions alone take about 400).`,
		);
	}
	return n;
}

const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;

/** Redacts PEM private keys over the whole text (they span lines, so a per-line pass would miss them). */
export function redactPrivateKeyBlocks(text: string, found: string[] = []): string {
	if (text.indexOf('PRIVATE KEY-----') === -1) return text;
	return text.replace(PRIVATE_KEY_BLOCK, (block: string) => {
		found.push(block, ...block.split(/\\n|\n|-----[A-Z ]+-----/).map((l) => l.trim()).filter((l) => l.length >= 16));
		return marker('privateKey');
	});
}

interface RenderedLine {
	text: string;
	counts: Record<string, number>;
}

/** Renders lines as they are sent: cut when very long, redacted; memoised per line number. */
function lineRenderer(lines: string[], options: RedactOptions, secrets: Set<string>): { render: (line: string, index: number) => string; countsOf: (index: number) => Record<string, number> } {
	const memo = new Map<number, RenderedLine>();
	const renderIndex = (index: number): RenderedLine => {
		let done = memo.get(index);
		if (!done) {
			const pre = shortenLine(lines[index], PRE_REDACTION_LINE_CHARS);
			const result = redactSecrets(pre, options);
			for (const hit of result.found) secrets.add(hit.value);
			const counts = result.counts;
			const keys = pre.split(marker('privateKey')).length - 1;
			if (keys > 0) counts.privateKey = (counts.privateKey ?? 0) + keys;
			done = { text: shortenLine(result.text, MAX_LINE_CHARS), counts };
			memo.set(index, done);
		}
		return done;
	};
	return { render: (_line, index) => renderIndex(index).text, countsOf: (index) => renderIndex(index).counts };
}

/** The redacted lines of the window (for the signature and the heuristic). */
function safeWindowLines(lines: string[], window: FailureWindow, render: (line: string, index: number) => string): string[] {
	const safe = lines.slice();
	const last = Math.min(lines.length - 1, window.end + 60);
	for (let i = Math.max(0, window.start); i <= last; i++) safe[i] = render(lines[i], i);
	return safe;
}

const NO_SIGNATURE: FailureSignature = { exceptionType: null, message: null, location: null, failureLine: null, chainLine: null };

/** What the input held: a log to read, nothing (empty, blank, only boilerplate, missing), or binary data without a readable line. */
export type LogState = 'ok' | 'empty' | 'binary';

export interface PreparedFailure extends PreparedLog {
	/** the redacted failure window, for the heuristic's category rules */
	windowText: string;
	logState: LogState;
	/**
	 * Every value that was redacted from what was rendered (and the extra secrets): the output side
	 * removes them from whatever the node outputs. Never output this list itself.
	 */
	secrets: string[];
}

function emptyPrepared(inputLines: number, notes: string[], logState: LogState, secrets: string[]): PreparedFailure {
	return { text: '', tokens: 0, lines: { input: inputLines, cleaned: 0, kept: 0 }, redactions: {}, signature: NO_SIGNATURE, empty: true, notes, windowText: '', logState, secrets };
}

export interface PrepareRequest {
	/** the raw log: text or bytes; null/undefined when the input had none */
	log: string | Uint8Array | null | undefined;
	/** tokens the log may take (the whole budget minus the prompt's own overhead) */
	logTokens: number;
	redactEmails?: boolean;
	extraSecrets?: string[];
	keepBoilerplate?: boolean;
}

/** Prepares a log for the model (and for the heuristic). Never throws for bad log content: it says what was wrong in `notes`. */
export function prepareLog(request: PrepareRequest): PreparedFailure {
	const extra = (request.extraSecrets ?? []).filter((v) => v.length >= 4);
	if (request.log === null || request.log === undefined) return emptyPrepared(0, ['no log was given'], 'empty', extra);
	const decoded = decodeWithReadable(request.log);
	const notes = [...decoded.notes];
	let source = decoded.text;
	if (decoded.binary) {
		const readable = decoded.readable ?? [];
		if (readable.length === 0) return emptyPrepared(0, notes, 'binary', extra);
		notes.push(`the log is mostly binary; ${readable.length} readable line${readable.length === 1 ? ' was' : 's were'} kept`);
		source = readable.join('\n');
	}
	const structured = renderStructuredText(source);
	if (structured.structured) notes.push('the log is structured (JSON); it was rendered as text with every field');
	const secretSet = new Set<string>(extra);
	const pemFound: string[] = [];
	const text = redactPrivateKeyBlocks(structured.text, pemFound);
	for (const value of pemFound) secretSet.add(value);
	const cleaned = cleanLog(text, request.keepBoilerplate === true);
	if (cleaned.lines.every((l) => l.trim() === '')) {
		return emptyPrepared(cleaned.inputLines, [...notes, source.trim() === '' ? 'the log is empty' : 'the log holds only Airflow boilerplate'], 'empty', [...secretSet]);
	}
	const lines = cleaned.lines;
	const window = findFailureWindow(lines);
	const redactOptions: RedactOptions = { redactEmails: request.redactEmails, extraSecrets: request.extraSecrets };
	const { render, countsOf } = lineRenderer(lines, redactOptions, secretSet);
	const fitted = fitToBudget(lines, window, request.logTokens, render);
	const redactions: Record<string, number> = {};
	for (const index of fitted.kept) addCounts(redactions, countsOf(index));
	const safe = safeWindowLines(lines, window, render);
	if (window.failureIndex < 0) notes.push('no failure line was found in the log');
	if (fitted.kept.length < lines.length) notes.push(`${lines.length - fitted.kept.length} of ${lines.length} lines left out to fit the token budget`);
	return {
		text: fitted.text,
		tokens: fitted.tokens,
		lines: { input: cleaned.inputLines, cleaned: lines.length, kept: fitted.kept.length },
		redactions,
		signature: readSignature(safe, window),
		empty: false,
		notes,
		windowText: safe.slice(window.start, window.end + 1).join('\n'),
		logState: 'ok',
		secrets: [...secretSet],
	};
}

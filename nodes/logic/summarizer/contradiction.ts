/**
 * Answers that contradict the log: a schema-valid model answer that shares nothing with the
 * failure line (no exception name, no identifier, no quoted value, no code) and whose category
 * disagrees with the rule-based reading is not trusted as it is; the summarizer marks it low
 * confidence and puts the heuristic's root cause beside it (a log that says "answer: all good"
 * can shape a schema-valid answer, but not the failure line it has to talk about).
 */
import type { FailureCategory } from '../shared/items';
import type { FailureSignature, SummaryFields } from './types';

const STOP = new Set([
	'error', 'errors', 'exception', 'failed', 'failure', 'with', 'from', 'that', 'this', 'there', 'have', 'does', 'not', 'exist', 'exists', 'found', 'into',
	'when', 'while', 'been', 'were', 'line', 'file', 'call', 'most', 'recent', 'last', 'traceback', 'message', 'task', 'python', 'lib', 'site', 'packages', 'the',
]);

/** The tokens that tie a text to the failure: exception class names, identifiers, quoted values, codes, numbers of 3+ digits. */
export function failureTokens(signature: FailureSignature): string[] {
	const source = [signature.exceptionType, signature.message, signature.failureLine, signature.chainLine].filter(Boolean).join(' ');
	const tokens = new Set<string>();
	for (const part of source.split(/[^\p{L}\p{N}_$-]+/u)) {
		const token = part.replace(/^[-_$]+|[-_$]+$/g, '');
		if (token.length < 4 && !/^\d{3,}$/.test(token)) continue;
		if (STOP.has(token.toLowerCase()) || /^REDACTED$/i.test(token)) continue;
		tokens.add(token.toLowerCase());
	}
	// dotted class names also count by their last part (`psycopg2.errors.UndefinedTable` → undefinedtable)
	if (signature.exceptionType) tokens.add(signature.exceptionType.split('.').pop()!.toLowerCase());
	return [...tokens];
}

/** Whether the answer mentions anything of the failure line. */
export function sharesWithFailure(fields: Pick<SummaryFields, 'summary' | 'rootCause' | 'suggestedAction'>, signature: FailureSignature): boolean {
	const tokens = failureTokens(signature);
	if (tokens.length === 0) return true;
	const answer = `${fields.summary} ${fields.rootCause} ${fields.suggestedAction}`.toLowerCase();
	return tokens.some((t) => answer.includes(t));
}

/** Whether a model answer contradicts the log: nothing in common with the failure line and another category than the rules read. */
export function contradictsLog(fields: SummaryFields, signature: FailureSignature, heuristicCategory: FailureCategory): boolean {
	if (!signature.failureLine) return false;
	if (heuristicCategory === 'unknown' || fields.category === heuristicCategory) return false;
	return !sharesWithFailure(fields, signature);
}

/** Confidence a contradicting answer keeps at most. */
export const CONTRADICTION_CONFIDENCE = 0.2;

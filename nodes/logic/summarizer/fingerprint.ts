/**
 * Fingerprints: the same failure in another run (other run id, time, pod name, row count) gets
 * the same fingerprint, so its summary can be reused instead of asking the model again.
 */
import { createHash } from 'node:crypto';
import type { FailureContext, FailureSignature } from './types';

export type FingerprintScope = 'task' | 'global';

// Order matters: the specific shapes first, bare numbers last.
const NORMALISERS: Array<[RegExp, string]> = [
	[/\[REDACTED:[a-zA-Z]+\]/g, '<secret>'],
	[/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
	[/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"]+/gi, '<url>'],
	[/\b[A-Za-z][\w.+-]*@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
	[/(?:[A-Za-z]:)?(?:[\\/][\w.@~-]+)+[\\/]([\w.@~-]+)/g, '<path>/$1'],
	[/\b\d{4}-\d{2}-\d{2}(?:[T ,]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|KST))?/g, '<ts>'],
	[/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
	[/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
	[/\b([a-z][a-z0-9-]*?)-(?=[a-z0-9]*\d)[a-z0-9]{8,10}(?:-[a-z0-9]{5})?\b/g, '$1-<pod>'],
	[/\b0x[0-9a-f]+\b/gi, '<hex>'],
	[/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>'],
	[/\b(?:scheduled|manual|backfill|dataset_triggered|asset_triggered)__\S+/g, '<run>'],
	[/\d+(?:\.\d+)?/g, '<n>'],
	[/\s+/g, ' '],
];

/** Replaces the parts of a text that differ between runs of the same failure. */
export function normaliseForFingerprint(text: string): string {
	let out = text;
	for (const [pattern, replacement] of NORMALISERS) out = out.replace(pattern, replacement);
	return out.trim();
}

/**
 * The text a fingerprint is made of: the normalised failure line (type and message) and the
 * normalised other end of its exception chain; with scope `task`, the pipeline and task too.
 * Null when the log has no recognisable failure line: such a log gets no reusable fingerprint,
 * whatever its pipeline and task (different failures of one task must never share a summary).
 */
export function fingerprintBasis(signature: FailureSignature, context: FailureContext, scope: FingerprintScope): string | null {
	if (!signature.failureLine) return null;
	const failure = signature.exceptionType ? `${signature.exceptionType}: ${signature.message ?? ''}` : (signature.message ?? signature.failureLine);
	const location = signature.location ? signature.location.replace(/:\d+ in /, ' in ') : '';
	const parts = [normaliseForFingerprint(messageOfLine(failure)), normaliseForFingerprint(messageOfLine(signature.chainLine ?? '')), normaliseForFingerprint(location)];
	if (parts[0].replace(/<\w+>|[\s:.,;'"()[\]{}-]/g, '') === '') return null;
	if (scope === 'task') parts.unshift(context.pipeline ?? '', context.taskId ?? '');
	return parts.join('\n');
}

/** A log line without its clock and level prefix. */
function messageOfLine(line: string): string {
	return line.replace(/^(?:\d{2}:\d{2}:\d{2}[.,]?\d*\s+)?(?:\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\]?\s*(?:-|:)?\s+)/, '').trim();
}

/** `fp2:` + 24 hex characters of SHA-256 over the fingerprint basis; null when the log has no failure line. */
export function fingerprintOf(signature: FailureSignature, context: FailureContext, scope: FingerprintScope = 'task'): string | null {
	const basis = fingerprintBasis(signature, context, scope);
	if (basis === null) return null;
	const hash = createHash('sha256').update(basis, 'utf8').digest('hex');
	return `fp2:${hash.slice(0, 24)}`;
}

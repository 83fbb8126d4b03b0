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

/** The text a fingerprint is made of: type, message and location without line numbers. */
export function fingerprintBasis(signature: FailureSignature, context: FailureContext, scope: FingerprintScope): string {
	const location = signature.location ? signature.location.replace(/:\d+ in /, ' in ') : '';
	const parts = [
		signature.exceptionType ?? '',
		normaliseForFingerprint(signature.message ?? signature.failureLine ?? ''),
		normaliseForFingerprint(location),
	];
	if (scope === 'task') parts.unshift(context.pipeline ?? '', context.taskId ?? '');
	return parts.join('\n');
}

/** `fp1:` + 24 hex characters of SHA-256 over the fingerprint basis. */
export function fingerprintOf(signature: FailureSignature, context: FailureContext, scope: FingerprintScope = 'task'): string {
	const hash = createHash('sha256').update(fingerprintBasis(signature, context, scope), 'utf8').digest('hex');
	return `fp1:${hash.slice(0, 24)}`;
}

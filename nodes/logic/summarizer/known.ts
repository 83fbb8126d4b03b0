/**
 * Reusing a summary the workflow already stored: the input carries earlier summaries (one object
 * or a list, e.g. from a database lookup), and the one with the same fingerprint is used as it is.
 */
import { checkSummaryObject } from './validate';
import type { SummaryFields } from './types';

export interface KnownSummary extends SummaryFields {
	fingerprint: string;
	summarizedBy: 'llm' | 'heuristic';
	model?: string;
}

function candidatesOf(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string' && value.trim().startsWith('{') || typeof value === 'string' && value.trim().startsWith('[')) {
		try {
			return candidatesOf(JSON.parse(value));
		} catch {
			return [];
		}
	}
	return value === null || value === undefined ? [] : [value];
}

/** The stored summary whose fingerprint equals `fingerprint`, if any and if it is well-formed. */
export function findKnownSummary(value: unknown, fingerprint: string): KnownSummary | null {
	for (const candidate of candidatesOf(value)) {
		if (typeof candidate !== 'object' || candidate === null) continue;
		const o = candidate as Record<string, unknown>;
		if (o.fingerprint !== fingerprint) continue;
		const check = checkSummaryObject(o);
		if (!check.ok) continue;
		return {
			...check.fields,
			fingerprint,
			summarizedBy: o.summarizedBy === 'heuristic' ? 'heuristic' : 'llm',
			...(typeof o.model === 'string' ? { model: o.model } : {}),
		};
	}
	return null;
}

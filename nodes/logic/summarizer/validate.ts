/**
 * Checking the model's answer. Servers with structured outputs return schema-shaped JSON; others
 * (older vLLM, Ollama without format) may wrap it in prose or code fences. Either way the answer
 * is parsed and checked here, and anything short of the schema is refused (the heuristic answers).
 */
import type { FailureCategory, Severity } from '../shared/items';
import { CATEGORIES, SEVERITIES } from './prompt';
import { redactSecrets } from './redact';
import type { SummaryFields } from './types';

export type AnswerCheck = { ok: true; fields: SummaryFields } | { ok: false; problem: string };

const MAX_TEXT = 1500;

/** The JSON object in a model reply: the whole reply, or the part in a ```json fence, or from the first `{` to the last `}`. */
export function extractJsonObject(content: string): string {
	const trimmed = content.trim();
	if (trimmed.startsWith('{')) return trimmed;
	const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(trimmed);
	if (fenced) return fenced[1].trim();
	const first = trimmed.indexOf('{');
	const last = trimmed.lastIndexOf('}');
	return first !== -1 && last > first ? trimmed.slice(first, last + 1) : trimmed;
}

function enumValue<T extends string>(value: unknown, allowed: readonly T[]): T | null {
	if (typeof value !== 'string') return null;
	const norm = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
	return (allowed as readonly string[]).includes(norm) ? (norm as T) : null;
}

/** Keeps the first `max` sentences of a text (a model may write a paragraph). */
export function firstSentences(text: string, max: number): string {
	const parts = text.trim().match(/[^.!?。]+(?:[.!?。]+(?:\s+|$)|$)/g);
	if (!parts || parts.length <= max) return text.trim();
	return parts.slice(0, max).join('').trim();
}

function text(value: unknown, field: string, problems: string[]): string {
	if (typeof value !== 'string' || value.trim() === '') {
		problems.push(`${field} must be a non-empty string`);
		return '';
	}
	const safe = redactSecrets(value.trim()).text;
	return safe.length > MAX_TEXT ? safe.slice(0, MAX_TEXT - 1) + '…' : safe;
}

function confidenceOf(value: unknown, problems: string[]): number {
	const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0 || parsed > 100) {
		problems.push('confidence must be a number from 0 to 1');
		return 0;
	}
	let n = parsed;
	if (n > 1) n = n / 100; // a percentage
	return Math.round(n * 100) / 100;
}

/** Checks an object against the summary schema (leniently for case and spacing of enum values). */
export function checkSummaryObject(value: unknown): AnswerCheck {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the answer is not a JSON object' };
	const o = value as Record<string, unknown>;
	const problems: string[] = [];
	const category = enumValue<FailureCategory>(o.category, CATEGORIES);
	if (!category) problems.push(`category must be one of ${CATEGORIES.join(', ')}`);
	const severity = enumValue<Severity>(o.severity, SEVERITIES);
	if (!severity) problems.push(`severity must be one of ${SEVERITIES.join(', ')}`);
	const transient = typeof o.transient === 'boolean' ? o.transient : o.transient === 'true' ? true : o.transient === 'false' ? false : null;
	if (transient === null) problems.push('transient must be true or false');
	const fields: SummaryFields = {
		summary: firstSentences(text(o.summary, 'summary', problems), 3),
		rootCause: text(o.rootCause, 'rootCause', problems),
		category: category ?? 'unknown',
		suggestedAction: text(o.suggestedAction, 'suggestedAction', problems),
		severity: severity ?? 'medium',
		transient: transient ?? false,
		confidence: confidenceOf(o.confidence, problems),
	};
	return problems.length > 0 ? { ok: false, problem: problems.join('; ') } : { ok: true, fields };
}

/** Parses and checks a model reply. */
export function checkModelAnswer(content: string | null | undefined): AnswerCheck {
	if (typeof content !== 'string' || content.trim() === '') return { ok: false, problem: 'the model returned no content' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(extractJsonObject(content));
	} catch (error) {
		return { ok: false, problem: `the answer is not valid JSON (${(error as Error).message.slice(0, 120)})` };
	}
	return checkSummaryObject(parsed);
}

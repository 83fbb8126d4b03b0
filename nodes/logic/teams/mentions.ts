/**
 * People to mention, read from the items themselves (e.g. a pipeline's owner on an escalation):
 * the field holds a user principal name / e-mail (`kim@example.com`, shown as "kim"), an Entra
 * object id, or an object `{ name, id }`. Teams Workflows cards mention by UPN or Entra id in
 * `msteams.entities` (see adaptiveCard.ts); a value that is neither is skipped with a warning,
 * never sent as a broken mention.
 */
import { readPath } from './cells';
import type { Json } from './shape';
import type { Mention } from './types';

const UPN = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether Teams can resolve this as a person: a UPN (e-mail form) or an Entra object id. */
export function isMentionId(id: string): boolean {
	return UPN.test(id) || ENTRA_ID.test(id);
}

/** One item's mention, or a warning saying why it has none (null, null when the field is empty). */
export function mentionOf(item: Json, field: string): { mention: Mention | null; warning: string | null } {
	const value = readPath(item, field);
	if (value === undefined || value === null || value === '') return { mention: null, warning: null };
	let id = '';
	let name = '';
	if (typeof value === 'string') {
		id = value.trim();
		name = id.includes('@') ? id.slice(0, id.indexOf('@')) : id;
	} else if (typeof value === 'object' && !Array.isArray(value)) {
		const record = value as Record<string, unknown>;
		id = typeof record.id === 'string' ? record.id.trim() : '';
		name = typeof record.name === 'string' && record.name.trim() ? record.name.trim() : id.split('@')[0];
	}
	if (!isMentionId(id)) {
		return { mention: null, warning: `"${field}" holds ${JSON.stringify(typeof value === 'string' ? value : id || value).slice(0, 80)}, which is not a user principal name (name@domain) or Entra object id: not mentioned` };
	}
	return { mention: { id, name }, warning: null };
}

/** The distinct people named by the items at `field`, in order of first appearance, with warnings. */
export function mentionsOf(items: readonly Json[], field: string): { mentions: Mention[]; warnings: string[] } {
	const seen = new Map<string, Mention>();
	const warnings = new Set<string>();
	for (const item of items) {
		const { mention, warning } = mentionOf(item, field);
		if (warning) warnings.add(warning);
		if (mention && !seen.has(mention.id.toLowerCase())) seen.set(mention.id.toLowerCase(), mention);
	}
	return { mentions: [...seen.values()], warnings: [...warnings] };
}

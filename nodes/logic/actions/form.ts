/**
 * The confirmation form's own fields (who acts, a resolution note, how long to mute). They are
 * not signed (a person types them), so they are checked here before anything is done.
 */
import type { ActionName } from './sign';

export interface ActionForm {
	actor: string;
	note: string | null;
	/** mute only */
	hours: number | null;
}

export const MUTE_HOURS = [1, 4, 8, 24, 72] as const;
export const MAX_MUTE_HOURS = 168;
export const MAX_ACTOR_CHARS = 100;
export const MAX_NOTE_CHARS = 1000;

// control characters except tab and line breaks (kept in a note)
const CONTROL_IN_NOTE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export type FormCheck = { ok: true; form: ActionForm } | { ok: false; field: 'actor' | 'note' | 'hours'; problem: string };

function one(body: Record<string, unknown>, name: string): string | null | undefined {
	const value = body[name];
	if (value === undefined) return undefined;
	return typeof value === 'string' ? value : null;
}

/** Checks the POSTed form fields for an action. */
export function checkForm(action: ActionName, body: unknown): FormCheck {
	const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
	const actorRaw = one(fields, 'actor');
	if (actorRaw === null) return { ok: false, field: 'actor', problem: 'is not one value' };
	const actor = (actorRaw ?? '').replace(CONTROL, ' ').trim();
	if (!actor) return { ok: false, field: 'actor', problem: 'is empty: say who you are' };
	if (Array.from(actor).length > MAX_ACTOR_CHARS) return { ok: false, field: 'actor', problem: `is longer than ${MAX_ACTOR_CHARS} characters` };
	const noteRaw = one(fields, 'note');
	if (noteRaw === null) return { ok: false, field: 'note', problem: 'is not one value' };
	const note = (noteRaw ?? '').replace(/\r\n?/g, '\n').replace(CONTROL_IN_NOTE, ' ').trim();
	if (Array.from(note).length > MAX_NOTE_CHARS) return { ok: false, field: 'note', problem: `is longer than ${MAX_NOTE_CHARS} characters` };
	let hours: number | null = null;
	if (action === 'mute') {
		const hoursRaw = one(fields, 'hours');
		if (hoursRaw === null) return { ok: false, field: 'hours', problem: 'is not one value' };
		const n = Number((hoursRaw ?? '').trim());
		if (!(hoursRaw ?? '').trim() || !Number.isInteger(n) || n < 1 || n > MAX_MUTE_HOURS) return { ok: false, field: 'hours', problem: `must be a whole number of hours from 1 to ${MAX_MUTE_HOURS}` };
		hours = n;
	}
	return { ok: true, form: { actor, note: note || null, hours } };
}

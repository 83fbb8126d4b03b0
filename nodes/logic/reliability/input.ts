/**
 * The week's data as it arrives in an n8n item (the workflow's one SQL row): lists may come as
 * JSON text, instants as Date objects. Checks the shape and names the field that is wrong.
 */
import { InputError } from '../shared/errors';
import type { WeekInput } from './weekly';

const LISTS = ['pipelines', 'runs', 'failures', 'tableAlarms', 'expectedAlarms'] as const;
const INSTANTS = ['weekStart', 'weekEnd', 'previousStart', 'asOf'] as const;

export function weekInput(json: Record<string, unknown>, timezone: string): WeekInput {
	const out: Record<string, unknown> = { ...json, timezone: typeof json.timezone === 'string' && json.timezone ? json.timezone : timezone };
	for (const key of LISTS) {
		let value = json[key];
		if (typeof value === 'string') {
			try {
				value = JSON.parse(value);
			} catch {
				throw new InputError(key, value, 'is not JSON', `Give ${key} as a list (the "Load the week" query returns it as jsonb).`);
			}
		}
		if (value === undefined || value === null) value = [];
		if (!Array.isArray(value)) throw new InputError(key, value, 'is not a list', `Give ${key} as a list of objects.`);
		out[key] = value;
	}
	for (const key of INSTANTS) if (out[key] instanceof Date) out[key] = (out[key] as Date).toISOString();
	return out as unknown as WeekInput;
}

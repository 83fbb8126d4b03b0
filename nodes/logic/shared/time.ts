import { DateTime, IANAZone } from 'luxon';
import { InputError } from './errors';

export const DEFAULT_ZONE = 'Asia/Seoul';

const validZones = new Set<string>();

/** Checks an IANA time zone name, e.g. `Asia/Seoul`; throws an InputError naming the field. */
export function checkZone(zone: string, field = 'timezone'): string {
	if (validZones.has(zone)) return zone;
	if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
		throw new InputError(field, zone, 'is not a valid IANA time zone', 'Use a name such as "Asia/Seoul", "UTC" or "Europe/Berlin".');
	}
	validZones.add(zone);
	return zone;
}

/**
 * Parses an ISO-8601 instant. A value without an offset is read in `zone` (never the machine's
 * local zone). Returns null for null/undefined/empty; throws InputError for anything unreadable.
 */
export function parseInstant(value: unknown, field: string, zone = 'UTC'): DateTime | null {
	if (value === null || value === undefined || value === '') return null;
	let dt: DateTime;
	if (value instanceof Date) dt = DateTime.fromJSDate(value, { zone });
	else if (typeof value === 'number') dt = DateTime.fromMillis(value, { zone });
	else if (typeof value === 'string') dt = DateTime.fromISO(value, { zone, setZone: true });
	else dt = DateTime.invalid('not a date');
	if (!dt.isValid) {
		throw new InputError(field, value, 'is not an ISO-8601 date-time', 'Give a date-time such as "2026-11-22T09:00:00+09:00".');
	}
	return dt;
}

/** An ISO string with the offset of `zone`. */
export function isoIn(dt: DateTime, zone: string): string {
	return dt.setZone(zone).toISO({ suppressMilliseconds: true }) ?? dt.toUTC().toISO()!;
}

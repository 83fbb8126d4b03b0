/** Time windows for run queries: relative ("last 24 hours") or absolute (from/to). */
import { DateTime } from 'luxon';
import { InputError } from '../shared/errors';
import { parseInstant } from '../shared/time';

export interface TimeWindow {
	from: string;
	to: string;
}

const UNITS: Record<string, 'minutes' | 'hours' | 'days' | 'weeks'> = {
	m: 'minutes', min: 'minutes', mins: 'minutes', minute: 'minutes', minutes: 'minutes',
	h: 'hours', hr: 'hours', hrs: 'hours', hour: 'hours', hours: 'hours',
	d: 'days', day: 'days', days: 'days',
	w: 'weeks', week: 'weeks', weeks: 'weeks',
};

/** "last 24 hours", "24h", "7 days", "last 30 min" → a window ending at `now`. */
export function relativeWindow(text: string, now: DateTime = DateTime.utc(), field = 'window'): TimeWindow {
	const m = /^\s*(?:last\s+)?(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(String(text ?? ''));
	const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
	if (!m || !unit || Number(m[1]) <= 0) {
		throw new InputError(field, text, 'is not a relative time window', 'Write it like "last 24 hours", "6h", "7 days" or "30 minutes".');
	}
	const from = now.minus({ [unit]: Number(m[1]) });
	return { from: from.toUTC().toISO()!, to: now.toUTC().toISO()! };
}

/** An absolute window; the end defaults to now, and it must not end before it starts. */
export function absoluteWindow(from: unknown, to: unknown, zone: string, now: DateTime = DateTime.utc()): TimeWindow {
	const start = parseInstant(from, 'from', zone);
	if (!start) throw new InputError('from', from, 'is required for an absolute window', 'Give a start such as "2026-11-21T00:00:00+09:00".');
	const end = parseInstant(to, 'to', zone) ?? now;
	if (end < start) throw new InputError('to', to, 'is before "from"', 'Swap the two dates or widen the window.');
	return { from: start.toUTC().toISO()!, to: end.toUTC().toISO()! };
}

import { CronExpressionParser } from 'cron-parser';
import type { CronExpression } from 'cron-parser';
import { InputError } from '../shared/errors';
import { checkZone } from '../shared/time';

/** A pipeline's schedule: cron text (or an Airflow preset) read in an explicit time zone. */
export interface Schedule {
	text: string;
	zone: string;
}

/** Airflow's schedule presets that cron-parser does not know, or that mean "no schedule". */
const NO_SCHEDULE = new Set(['', 'none', '@once', '@continuous', 'null']);
const PRESETS: Record<string, string> = { '@quarterly': '0 0 1 */3 *' };

const checked = new Set<string>();

/** Parses a schedule; null when the pipeline has none (manual, @once, dataset-triggered). */
export function parseSchedule(text: unknown, zone: string, field = 'schedule'): Schedule | null {
	if (text === null || text === undefined) return null;
	if (typeof text !== 'string') throw new InputError(field, text, 'is not a cron expression', 'Give a cron string such as "0 9 * * *" or an Airflow preset such as "@daily".');
	const trimmed = text.trim();
	if (NO_SCHEDULE.has(trimmed.toLowerCase())) return null;
	checkZone(zone, `${field} time zone`);
	const schedule = { text: PRESETS[trimmed] ?? trimmed, zone };
	const key = `${schedule.text}|${zone}`;
	if (checked.has(key)) return schedule;
	try {
		cronAt(schedule, Date.now()).prev();
		checked.add(key);
	} catch (error) {
		throw new InputError(
			field,
			text,
			`is not a valid cron expression (${(error as Error).message})`,
			'Use five fields "minute hour day month weekday", e.g. "0 9 * * 1-5", or a preset such as "@daily" or "@hourly".',
		);
	}
	return schedule;
}

function cronAt(schedule: Schedule, atMs: number): CronExpression {
	return CronExpressionParser.parse(schedule.text, { currentDate: new Date(atMs), tz: schedule.zone });
}

/** The latest scheduled tick at or before `atMs` (epoch ms), and the tick before it. */
export function lastTicks(schedule: Schedule, atMs: number): { tick: number; previous: number } {
	// cron-parser's prev() is strictly before currentDate: step 1 ms past to include `atMs`
	const expr = cronAt(schedule, atMs + 1);
	const tick = expr.prev().getTime();
	const previous = expr.prev().getTime();
	return { tick, previous };
}

/**
 * Day arithmetic and the business-day calendar used by the row-count rules: days are whole
 * numbers (days since 1970-01-01 of a local calendar date), so no time zone is involved once a
 * measurement has its local date.
 */
import { isKoreanHoliday } from './koreanHolidays';

export const DAY_MS = 86_400_000;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;
/** Days since 1970-01-01 of a YYYY-MM-DD date (civil-from-days arithmetic, no Date object: it runs for every history point). */
export function dayNumber(iso: string): number {
	let y = digit(iso, 0) * 1000 + digit(iso, 1) * 100 + digit(iso, 2) * 10 + digit(iso, 3);
	const m = digit(iso, 5) * 10 + digit(iso, 6);
	const d = digit(iso, 8) * 10 + digit(iso, 9);
	y -= m <= 2 ? 1 : 0;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

const isoCache = new Map<number, string>();
export const isoOfDay = (day: number): string => {
	let iso = isoCache.get(day);
	if (iso === undefined) {
		iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
		if (isoCache.size > 20_000) isoCache.clear();
		isoCache.set(day, iso);
	}
	return iso;
};

/** 0 = Sunday ... 6 = Saturday */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;
export const isWeekend = (day: number): boolean => {
	const wd = weekdayOf(day);
	return wd === 0 || wd === 6;
};

export const dayOfMonth = (day: number): number => Number(isoOfDay(day).slice(8, 10));
/** Number of days in the month of `day`. */
export const daysInMonth = (day: number): number => {
	const iso = isoOfDay(day);
	return new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7), 0)).getUTCDate();
};
/** The day number of day-of-month `dom` (clamped to the month's length) in the month `offset` months after the month of `day`. */
export function dayInMonth(day: number, offset: number, dom: number): number {
	const iso = isoOfDay(day);
	const y = +iso.slice(0, 4);
	const m = +iso.slice(5, 7) - 1 + offset;
	const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
	return Date.UTC(y, m, Math.min(Math.max(dom, 1), last)) / DAY_MS;
}

const NONE: readonly number[] = [];

/** A calendar of non-working days: Korean public holidays plus extra dates. */
export class BusinessCalendar {
	private readonly extra: ReadonlySet<string>;
	private readonly holidayCache = new Map<number, boolean>();
	private readonly skippedCache = new Map<number, readonly number[]>();

	constructor(extra: ReadonlySet<string>) {
		this.extra = extra;
	}

	isHoliday(day: number): boolean {
		let h = this.holidayCache.get(day);
		if (h === undefined) {
			h = isKoreanHoliday(isoOfDay(day), this.extra);
			this.holidayCache.set(day, h);
		}
		return h;
	}

	/** Weekend or holiday. */
	isOff(day: number): boolean {
		return isWeekend(day) || this.isHoliday(day);
	}

	/**
	 * For a working day right after days off: the holidays among those days off that fell on a
	 * weekday (their loads are owed as backlog). Empty for an ordinary day or an ordinary Monday.
	 */
	skippedWorkdays(day: number): readonly number[] {
		let out = this.skippedCache.get(day);
		if (out === undefined) {
			const list: number[] = [];
			if (!this.isOff(day)) for (let d = day - 1; d > day - 15 && this.isOff(d); d--) if (!isWeekend(d)) list.push(d);
			out = list.length ? list.reverse() : NONE;
			this.skippedCache.set(day, out);
		}
		return out;
	}

	/** Days off in a row up to and including `day` (0 when `day` is a working day; at most 15). */
	offDaysUpTo(day: number): number {
		let n = 0;
		while (n < 15 && this.isOff(day - n)) n++;
		return n;
	}

	/** Adds `n` working days to `day` (n = 0 gives the day itself, or the next working day if it is off). */
	addWorkdays(day: number, n: number): number {
		let d = day;
		while (this.isOff(d)) d++;
		for (let k = 0; k < n; k++) {
			d++;
			while (this.isOff(d)) d++;
		}
		return d;
	}
}

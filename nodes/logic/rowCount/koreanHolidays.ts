/**
 * Korean public holidays (공휴일), lunar ones and substitute holidays (대체공휴일) included.
 *
 * Lunar dates are the official ones published by the Korea Astronomy and Space Science Institute
 * (KASI) for Korea's own time zone; they can differ by a day from the Chinese calendar (Seollal
 * 2027-02-07 and 2028-01-27 in Korea). Substitute days follow the Public Holidays Act as amended
 * in 2021 and 2023. Ad hoc days (elections, temporary holidays) are listed as announced; users add
 * more (company holidays, new announcements) through the node's extra-dates parameter.
 *
 * From 2026 two more days are public holidays: 노동절 (Labour Day, May 1; until 2025 "근로자의 날",
 * a paid day off by the Labour Standards Act but not a public holiday) and 제헌절 (Constitution
 * Day, July 17; a national day that was a public holiday until 2007 and is one again by the 2025
 * amendment of the Public Holidays Act). Both are given a substitute day when they fall on a
 * Saturday or Sunday, like the other national days under the 2021 rule (the first such case is
 * 2027: May 1 and July 17 are Saturdays, substitutes May 3 and July 19).
 *
 * Source checked against: KASI 특일 정보 (special-day information service, data.go.kr
 * "한국천문연구원_특일 정보", getRestDeInfo) and the 월력요항 KASI publishes each year, for the lunar
 * dates and holidays of 2019-2030 as far as they were published; years not yet published follow
 * the rules above and the KASI lunar conversion. The 2026+ additions are from the amendment, not
 * yet from a published 월력요항 for every year: re-check when KASI publishes.
 */

/** Seollal (lunar New Year's Day), Buddha's Birthday, Chuseok (lunar 8/15), by year. */
const LUNAR: Record<number, { seollal: string; buddha: string; chuseok: string }> = {
	2019: { seollal: '02-05', buddha: '05-12', chuseok: '09-13' },
	2020: { seollal: '01-25', buddha: '04-30', chuseok: '10-01' },
	2021: { seollal: '02-12', buddha: '05-19', chuseok: '09-21' },
	2022: { seollal: '02-01', buddha: '05-08', chuseok: '09-10' },
	2023: { seollal: '01-22', buddha: '05-27', chuseok: '09-29' },
	2024: { seollal: '02-10', buddha: '05-15', chuseok: '09-17' },
	2025: { seollal: '01-29', buddha: '05-05', chuseok: '10-06' },
	2026: { seollal: '02-17', buddha: '05-24', chuseok: '09-25' },
	2027: { seollal: '02-07', buddha: '05-13', chuseok: '09-15' },
	2028: { seollal: '01-27', buddha: '05-02', chuseok: '10-03' },
	2029: { seollal: '02-13', buddha: '05-20', chuseok: '09-22' },
	2030: { seollal: '02-03', buddha: '05-09', chuseok: '09-12' },
};

/** Election days and temporary holidays declared by the government. */
const AD_HOC: readonly string[] = [
	'2020-04-15',
	'2020-08-17',
	'2022-03-09',
	'2022-06-01',
	'2023-10-02',
	'2024-04-10',
	'2024-10-01',
	'2025-01-27',
	'2025-06-03',
	'2026-06-03',
];

export const FIRST_YEAR = 2019;
/** First year in which 노동절 (May 1) and 제헌절 (July 17) are public holidays. */
export const LABOUR_AND_CONSTITUTION_DAY_SINCE = 2026;
export const LAST_YEAR = 2030;

const DAY_MS = 86_400_000;
const toDay = (iso: string): number => Date.parse(iso + 'T00:00:00Z') / DAY_MS;
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** 0 = Sunday ... 6 = Saturday */
const weekday = (day: number): number => (day + 4) % 7;

/** The set of public holidays of a year as ISO dates (YYYY-MM-DD), substitutes included. */
export function koreanHolidays(year: number): Set<string> {
	const lunar = LUNAR[year];
	const days = new Set<number>();
	const add = (mmdd: string) => days.add(toDay(`${year}-${mmdd}`));
	// fixed solar holidays
	for (const mmdd of ['01-01', '03-01', '05-05', '06-06', '08-15', '10-03', '10-09', '12-25']) add(mmdd);
	// 노동절 and 제헌절: public holidays from 2026
	if (year >= LABOUR_AND_CONSTITUTION_DAY_SINCE) for (const mmdd of ['05-01', '07-17']) add(mmdd);
	if (!lunar) return new Set([...days].map(fromDay));
	const seollal = toDay(`${year}-${lunar.seollal}`);
	const chuseok = toDay(`${year}-${lunar.chuseok}`);
	const threeDays = (center: number) => [center - 1, center, center + 1];
	// count how often each day is claimed, to see overlaps between holidays
	const claims = new Map<number, number>();
	const claim = (d: number) => claims.set(d, (claims.get(d) ?? 0) + 1);
	for (const d of days) claim(d);
	const buddha = toDay(`${year}-${lunar.buddha}`);
	for (const d of [...threeDays(seollal), ...threeDays(chuseok), buddha]) {
		days.add(d);
		claim(d);
	}
	for (const d of AD_HOC.filter((x) => x.startsWith(`${year}-`)).map(toDay)) days.add(d);

	const nextFreeWeekday = (after: number): number => {
		let d = after + 1;
		while (days.has(d) || weekday(d) === 0 || weekday(d) === 6) d++;
		return d;
	};
	// one substitute per day that causes it (two holidays on one day give one substitute), placed
	// after the latest holiday that day belongs to
	const substitutes = new Map<number, number>();
	const owe = (cause: number, after: number) => substitutes.set(cause, Math.max(after, substitutes.get(cause) ?? after));
	// Seollal and Chuseok: a day on Sunday or on another holiday gives one substitute after the three days
	for (const center of [seollal, chuseok]) {
		const group = threeDays(center);
		const cause = group.find((d) => weekday(d) === 0 || (claims.get(d) ?? 0) > 1);
		if (cause !== undefined) owe(cause, group[2]);
	}
	// Children's Day (since 2014), national days (since 2021), Buddha's Birthday and Christmas
	// (since 2023): Saturday, Sunday or an overlap gives a substitute
	const weekendRule: Array<[string | number, number]> = [
		['05-05', 2014],
		['03-01', 2021],
		['08-15', 2021],
		['10-03', 2021],
		['10-09', 2021],
		['12-25', 2023],
		[buddha, 2023],
		['05-01', LABOUR_AND_CONSTITUTION_DAY_SINCE],
		['07-17', LABOUR_AND_CONSTITUTION_DAY_SINCE],
	];
	for (const [when, since] of weekendRule) {
		if (year < since) continue;
		const d = typeof when === 'number' ? when : toDay(`${year}-${when}`);
		if (weekday(d) === 0 || weekday(d) === 6 || (claims.get(d) ?? 0) > 1) owe(d, d);
	}
	for (const after of [...substitutes.values()].sort((a, b) => a - b)) days.add(nextFreeWeekday(after));
	return new Set([...days].map(fromDay));
}

const cache = new Map<number, Set<string>>();

/** Is this ISO date (YYYY-MM-DD) a Korean public holiday or one of `extra`? */
export function isKoreanHoliday(isoDate: string, extra?: ReadonlySet<string>): boolean {
	if (extra?.has(isoDate)) return true;
	const year = Number(isoDate.slice(0, 4));
	let set = cache.get(year);
	if (!set) {
		set = koreanHolidays(year);
		cache.set(year, set);
	}
	return set.has(isoDate);
}

/**
 * Danish public holidays, from `date-holidays` (its DK data: Store bededag only until 2023, abolished by law
 * from 2024). Juleaftensdag (24/12) and nytårsaftensdag (31/12) are not public holidays but most offices
 * are closed: they count as holidays while `HOURS_EVES_CLOSED` is on (the default; `0` turns it off).
 * Grundlovsdag, 1. maj and other observances do not count.
 */
import Holidays from 'date-holidays';

const dk = new Holidays('DK');
const byYear = new Map<string, Map<string, string>>();

export const holidaySettings = {
	/** Juleaftensdag and nytårsaftensdag are days off (offices closed). */
	evesClosed: typeof process === 'undefined' || process.env.HOURS_EVES_CLOSED !== '0',
};

function holidaysOf(year: number): Map<string, string> {
	const key = `${year}:${holidaySettings.evesClosed}`;
	let map = byYear.get(key);
	if (map) return map;
	map = new Map();
	for (const h of dk.getHolidays(year)) if (h.type === 'public') map.set(h.date.slice(0, 10), h.name);
	if (holidaySettings.evesClosed) {
		map.set(`${year}-12-24`, 'Juleaftensdag');
		map.set(`${year}-12-31`, 'Nytårsaftensdag');
	}
	byYear.set(key, map);
	return map;
}

/** The holiday's Danish name on a calendar date `YYYY-MM-DD`, or undefined on an ordinary day. */
export function holidayName(date: string): string | undefined {
	return holidaysOf(Number(date.slice(0, 4))).get(date);
}

export function isHoliday(date: string): boolean {
	return holidayName(date) !== undefined;
}

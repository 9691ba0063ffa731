/**
 * The one clock for "who can be reached now", and the one Europe/Copenhagen local-day/time helper.
 *
 * `VEJVISER_NOW=<ISO time>` freezes the clock that availability, absences and opening hours use (and the
 * knowledge pages' review and verification status), so a browser test can start a server on "a Friday evening". It is read once, here and nowhere else, and is
 * never set in production (README Environment). Sessions, rate limits and mail keep the real clock.
 *
 * Local times are computed with Intl (the ICU time-zone database), never with the process's own zone,
 * so a server running in UTC and the night of a daylight-saving change give the same answer.
 */
export const TIME_ZONE = 'Europe/Copenhagen';

const fixed = (() => {
	const raw = typeof process !== 'undefined' ? process.env.VEJVISER_NOW : undefined;
	if (!raw) return null;
	const ms = Date.parse(raw);
	if (Number.isNaN(ms)) throw new Error(`VEJVISER_NOW is not an ISO time: ${raw}`);
	return ms;
})();

/** Now, or the fixed test moment from VEJVISER_NOW. */
export function clockNow(): Date {
	return new Date(fixed ?? Date.now());
}

/** True when the clock is frozen by VEJVISER_NOW (pages may say so). */
export function clockIsFixed(): boolean {
	return fixed !== null;
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
	timeZone: TIME_ZONE,
	hourCycle: 'h23',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	weekday: 'short',
});
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalMoment {
	/** Local calendar date `YYYY-MM-DD`. */
	date: string;
	/** ISO weekday, Monday = 1 … Sunday = 7. */
	weekday: number;
	/** Minutes since local midnight (0–1439). */
	minute: number;
}

/** The Copenhagen calendar date, weekday and minute of an instant, read with Intl (the reference for localMoment). */
export function localMomentByIntl(at: Date | number): LocalMoment {
	const parts: Record<string, string> = {};
	for (const p of partsFormat.formatToParts(typeof at === 'number' ? at : at.getTime())) parts[p.type] = p.value;
	return {
		date: `${parts.year}-${parts.month}-${parts.day}`,
		weekday: WEEKDAYS[parts.weekday],
		minute: Number(parts.hour) * 60 + Number(parts.minute),
	};
}

const HOUR_MS = 3_600_000;
/** Copenhagen's offset from UTC per UTC hour (ms); an hour with a change of offset inside it is not kept. */
const offsets = new Map<number, number>();

function offsetOfHour(hour: number): number | undefined {
	let offset = offsets.get(hour);
	if (offset !== undefined) return offset;
	const offsetAt = (ms: number) => {
		const m = localMomentByIntl(ms);
		return Date.parse(`${m.date}T00:00:00Z`) + m.minute * 60_000 - ms;
	};
	const start = hour * HOUR_MS;
	offset = offsetAt(start);
	// Copenhagen changes its offset on the hour in UTC (01:00), so one hour has one offset; checked, not assumed.
	if (offsetAt(start + HOUR_MS - 60_000) !== offset) return undefined;
	if (offsets.size > 50_000) offsets.clear();
	offsets.set(hour, offset);
	return offset;
}

/**
 * The Copenhagen calendar date, weekday and minute of an instant. Intl's formatToParts costs a few microseconds and a
 * search asked it dozens of times per result (availability): ~30 % of a search's time (issue 13 profile). So the
 * offset is read with Intl once per UTC hour and the rest is arithmetic; an hour whose offset changes inside it
 * goes to Intl every time (tests/clock.test.ts compares the two over daylight-saving changes).
 */
export function localMoment(at: Date | number): LocalMoment {
	const ms = typeof at === 'number' ? at : at.getTime();
	const offset = offsetOfHour(Math.floor(ms / HOUR_MS));
	if (offset === undefined) return localMomentByIntl(ms);
	const local = new Date(ms + offset);
	const day = local.getUTCDay();
	return {
		date: local.toISOString().slice(0, 10),
		weekday: day === 0 ? 7 : day,
		minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
	};
}

/** The Copenhagen calendar date `YYYY-MM-DD` of an instant. */
export function localDate(at: Date | number = clockNow()): string {
	return localMoment(at).date;
}

/** `YYYY-MM-DD` plus n calendar days (no time zone involved). */
export function addLocalDays(date: string, n: number): string {
	const d = new Date(`${date}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** ISO weekday (Monday = 1) of a calendar date. */
export function weekdayOf(date: string): number {
	const d = new Date(`${date}T12:00:00Z`).getUTCDay();
	return d === 0 ? 7 : d;
}

/** ISO week number of a calendar date (for "lige uger"). */
export function isoWeekOf(date: string): number {
	const d = new Date(`${date}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + 4 - weekdayOf(date));
	const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
	return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/**
 * The instant of a local wall-clock time (minute 1440 = the next midnight). In the autumn's repeated hour the
 * first occurrence is taken; a time skipped in spring is read in winter time (02:30 → 03:30 summer time).
 */
const instantCache = new Map<string, number>();

export function localInstant(date: string, minute: number): Date {
	if (minute >= 1440) return localInstant(addLocalDays(date, Math.floor(minute / 1440)), minute % 1440);
	const key = `${date}|${minute}`;
	const known = instantCache.get(key);
	if (known !== undefined) return new Date(known);
	const found = computeInstant(date, minute);
	if (instantCache.size > 20_000) instantCache.clear();
	instantCache.set(key, found.getTime());
	return found;
}

function computeInstant(date: string, minute: number): Date {
	const [y, m, d] = date.split('-').map(Number);
	const wall = Date.UTC(y, m - 1, d, Math.floor(minute / 60), minute % 60);
	// Copenhagen is UTC+1 or UTC+2: try both offsets, keep the one whose local reading is the wall time.
	for (const offset of [2, 1]) {
		const guess = wall - offset * 3_600_000;
		const back = localMoment(guess);
		if (back.date === date && back.minute === minute) return new Date(guess);
	}
	// Skipped hour (spring forward): the wall time does not exist; read it in winter time.
	return new Date(wall - 1 * 3_600_000);
}

/** The instant local midnight starts a calendar date. */
export function startOfLocalDay(date: string): Date {
	return localInstant(date, 0);
}

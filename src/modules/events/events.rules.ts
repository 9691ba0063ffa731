/** Pure rules of theme days: seats, deadlines, the promotion cut-off, time zones, CSV cells. No I/O. */
import type { RegistrationStatus } from '@db/schema';

export const TIME_ZONE = 'Europe/Copenhagen';

/** Page names under /temadage that a slug must never shadow. */
export const RESERVED_SLUGS = new Set(['mine', 'arkiv', 'admin', 'ny', 'kalender']);

/** Statuses that occupy a seat. */
export const SEAT_STATUSES: RegistrationStatus[] = ['confirmed', 'attended', 'no_show'];
/** Statuses of a live registration (one that blocks registering again with the same e-mail). */
export const ACTIVE_STATUSES: RegistrationStatus[] = ['pending', 'confirmed', 'waitlisted', 'attended', 'no_show'];

/**
 * Where a registration that now competes for a seat goes. Nobody jumps the queue: with people already
 * waiting, a newcomer waits too, even if a seat is free (the cut-off may have stopped promotion).
 */
export function decideSeat(capacity: number, seatsTaken: number, waiting: number): 'confirmed' | 'waitlisted' {
	return seatsTaken < capacity && waiting === 0 ? 'confirmed' : 'waitlisted';
}

/** Days before the start, and the Danish wall-clock time, of the registration deadline when none is set. */
export const DEFAULT_DEADLINE = { daysBefore: 2, time: '12:00' } as const;

/**
 * The registration deadline of a theme day whose organiser set none (README Decisions, "Default
 * registration deadline"): two days before the start date at 12:00 Danish time — organisers need a final
 * list for catering and name badges, and the waitlist then still has time to move. A theme day created
 * after that moment (at short notice) stays open until its start instead, so it is never born closed.
 */
export function defaultRegistrationDeadline(startsAt: string, createdAt: string): string {
	const deadline = deadlineBefore(startsAt);
	return deadline > createdAt ? deadline : startsAt;
}

const deadlineBefore = remembered((startsAt: string): string => {
	const start = utcToLocal(startsAt);
	const [y, m, d] = start.date.split('-').map(Number);
	const day = new Date(Date.UTC(y, m - 1, d - DEFAULT_DEADLINE.daysBefore)).toISOString().slice(0, 10);
	return localToUtc(day, DEFAULT_DEADLINE.time);
});

/** Registration is open until the deadline (or the start, whichever is earlier). */
export function registrationOpen(event: { status: string; startsAt: string; registrationDeadline: string }, now: Date): { open: true } | { open: false; reason: 'not_open' | 'cancelled' | 'deadline' | 'started' } {
	if (event.status === 'cancelled') return { open: false, reason: 'cancelled' };
	if (event.status !== 'published') return { open: false, reason: 'not_open' };
	if (now.getTime() >= new Date(event.startsAt).getTime()) return { open: false, reason: 'started' };
	if (now.getTime() > new Date(event.registrationDeadline).getTime()) return { open: false, reason: 'deadline' };
	return { open: true };
}

/** Automatic promotion from the waitlist stops `cutoffHours` before the start (nobody is moved up the night before). */
export function promotionAllowed(event: { startsAt: string; promotionCutoffHours: number }, now: Date): boolean {
	return now.getTime() < new Date(event.startsAt).getTime() - event.promotionCutoffHours * 3_600_000;
}

export function seatsLeft(event: { capacity: number; seatsTaken: number }): number {
	return Math.max(0, event.capacity - event.seatsTaken);
}

/** Offset of the zone from UTC, in minutes, at an instant. */
/**
 * Intl.DateTimeFormat objects by options: constructing one costs ~0.4 ms, and a registration's mails format
 * the same few dates a dozen times (it was the largest share of a seat write's time).
 */
const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let format = formats.get(key);
	if (!format) formats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
	return format;
}

/**
 * Results of the pure date functions below by argument. Every read of a theme day computes its default deadline
 * and every mail formats its dates through Intl (formatToParts: ~0.1 ms a call) — 5 % of the server's time in
 * the issue 13 profile of the registration form, for the same few instants again and again. Bounded: emptied
 * when full (callers also pass "now", so the keys are not a closed set).
 */
function remembered<A extends string[], R>(fn: (...args: A) => R, limit = 5000): (...args: A) => R {
	const results = new Map<string, R>();
	return (...args) => {
		const key = args.join('|');
		let result = results.get(key);
		if (result === undefined) {
			if (results.size >= limit) results.clear();
			results.set(key, (result = fn(...args)));
		}
		return result;
	};
}

function zoneOffsetMinutes(instant: number, timeZone = TIME_ZONE): number {
	const parts = dateFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(instant));
	const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return Math.round((asUtc - instant) / 60_000);
}

/** A Copenhagen wall-clock date (`YYYY-MM-DD`) and time (`HH:MM`) as a UTC ISO instant. */
export function localToUtc(date: string, time: string, timeZone = TIME_ZONE): string {
	const [y, m, d] = date.split('-').map(Number);
	const [hh, mm] = time.split(':').map(Number);
	const guess = Date.UTC(y, m - 1, d, hh, mm);
	let instant = guess - zoneOffsetMinutes(guess, timeZone) * 60_000;
	// Around a DST switch the offset at the guess can differ from the offset at the answer: check once more.
	instant = guess - zoneOffsetMinutes(instant, timeZone) * 60_000;
	return new Date(instant).toISOString();
}

/** A UTC instant as Copenhagen `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` (for form fields). */
export function utcToLocal(iso: string, timeZone = TIME_ZONE): { date: string; time: string } {
	const [date, time] = localParts(iso, timeZone);
	return { date, time };
}

const localParts = remembered((iso: string, timeZone: string): readonly [string, string] => {
	const parts = dateFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso));
	const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
	return [`${get('year')}-${get('month')}-${get('day')}`, `${get('hour')}:${get('minute')}`];
});

/** `torsdag den 3. december 2026` */
export const formatLongDate = remembered((iso: string): string =>
	dateFormat('da-DK', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE }).format(new Date(iso)).replace(/^(\p{L}+) (?!den )/u, '$1 den '),
);

/** `09.00` */
export const formatTime = remembered((iso: string): string => dateFormat('da-DK', { hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE }).format(new Date(iso)));

/** `torsdag den 3. december 2026 kl. 09.00–15.30` */
export function formatEventWhen(startsAt: string, endsAt: string): string {
	const sameDay = utcToLocal(startsAt).date === utcToLocal(endsAt).date;
	return sameDay
		? `${formatLongDate(startsAt)} kl. ${formatTime(startsAt)}–${formatTime(endsAt)}`
		: `${formatLongDate(startsAt)} kl. ${formatTime(startsAt)} til ${formatLongDate(endsAt)} kl. ${formatTime(endsAt)}`;
}

/** `december 2026` for a `YYYY-MM` month. */
export function formatMonth(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return dateFormat('da-DK', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
}

/** The month after/before a `YYYY-MM`. */
export function shiftMonth(month: string, by: number): string {
	const [y, m] = month.split('-').map(Number);
	const d = new Date(Date.UTC(y, m - 1 + by, 1));
	return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** UTC instants bounding a Copenhagen month `YYYY-MM`: [from, to). */
export function monthBounds(month: string): { from: string; to: string } {
	return { from: localToUtc(`${month}-01`, '00:00'), to: localToUtc(`${shiftMonth(month, 1)}-01`, '00:00') };
}

/**
 * A spreadsheet cannot run a cell as a formula: cells starting with = + - @ tab or CR get a leading
 * apostrophe (OWASP "CSV injection").
 */
export function neutraliseCell(value: string): string {
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** OpenStreetMap search link for an address. */
export function mapLink(address: string): string {
	return `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}`;
}

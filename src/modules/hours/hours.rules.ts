/**
 * Structured opening hours and when someone can be reached. Pure: no I/O, every time in Europe/Copenhagen
 * through src/lib/clock.ts, holidays from hours.holidays.ts.
 *
 * A schedule is weekly rules plus dated exceptions. Day 8 stands for public holidays (OSM's "PH"): on a
 * holiday Monday–Friday only rules that name day 8 apply ("Man–fre 8–16" is closed on 2. juledag, a
 * "døgnet rundt" line is open); a holiday on a weekend day keeps that day's weekend rules too. A rule whose
 * end is not after its start runs overnight into the next day ("Hverdage 16–08").
 *
 * Why not the `opening_hours` package: it evaluates in the process's local time zone (our servers run in
 * UTC) and its Danish holiday data still has Store bededag; translating to its syntax would add a second
 * format for editors to learn. Our rules are a small data structure a form can edit.
 */
import { addLocalDays, isoWeekOf, localInstant, localMoment, weekdayOf } from '@/lib/clock';
import { isHoliday } from './hours.holidays';

export const HOLIDAY = 8;
export const FULL_DAY = 1440;

export interface HoursRule {
	/** ISO weekdays 1–7, and 8 for public holidays. */
	days: number[];
	/** Minutes after local midnight; `to` ≤ `from` runs past midnight (0–1440 is the whole day). */
	from: number;
	to: number;
	/** Only in even or odd ISO weeks ("lige uger"). */
	weeks?: 'even' | 'odd';
}

export interface HoursException {
	/** Calendar date `YYYY-MM-DD`. */
	date: string;
	/** Open intervals that day instead of the weekly rules; empty = closed. */
	intervals: Array<{ from: number; to: number }>;
	note?: string;
}

export interface Schedule {
	rules: HoursRule[];
	exceptions: HoursException[];
}

export interface Availability {
	openNow: boolean;
	/** When the current opening ends (null when not open, or open for the next two weeks). */
	until: string | null;
	/** When it opens next (null while open, or when nothing opens in the next two weeks). */
	nextOpen: string | null;
}

/**
 * Hours assumed for an entry without hours the system understands (none given, or free text it cannot
 * read): ordinary Danish office hours. Pages say "Træffetid ikke oplyst", but search still knows that
 * nobody answers a municipal desk phone at 22:00 on a Saturday.
 */
export const OFFICE_HOURS: Schedule = { rules: [{ days: [1, 2, 3, 4, 5], from: 8 * 60, to: 15 * 60 }], exceptions: [] };

function ruleApplies(rule: HoursRule, date: string, weekday: number, holiday: boolean): boolean {
	if (rule.weeks) {
		const even = isoWeekOf(date) % 2 === 0;
		if ((rule.weeks === 'even') !== even) return false;
	}
	if (holiday) return rule.days.includes(HOLIDAY) || (weekday >= 6 && rule.days.includes(weekday));
	return rule.days.includes(weekday);
}

/** The open intervals (epoch ms) that start on a local calendar date. */
function intervalsStarting(schedule: Schedule, date: string): Array<[number, number]> {
	const out: Array<[number, number]> = [];
	const exception = schedule.exceptions.find((e) => e.date === date);
	if (exception) {
		for (const i of exception.intervals) out.push([localInstant(date, i.from).getTime(), localInstant(date, i.to > i.from ? i.to : i.to + FULL_DAY).getTime()]);
		return out;
	}
	const weekday = weekdayOf(date);
	const holiday = isHoliday(date);
	for (const rule of schedule.rules) {
		if (!ruleApplies(rule, date, weekday, holiday)) continue;
		const to = rule.to > rule.from ? rule.to : rule.to + FULL_DAY;
		out.push([localInstant(date, rule.from).getTime(), localInstant(date, to).getTime()]);
	}
	return out;
}

const HORIZON_DAYS = 14;

/** Open intervals from the day before `at` to two weeks ahead, merged where they touch. */
function intervalsAround(schedule: Schedule, at: number): Array<[number, number]> {
	const today = localMoment(at).date;
	const all: Array<[number, number]> = [];
	for (let d = -1; d <= HORIZON_DAYS; d++) all.push(...intervalsStarting(schedule, addLocalDays(today, d)));
	all.sort((a, b) => a[0] - b[0]);
	const merged: Array<[number, number]> = [];
	for (const i of all) {
		const last = merged[merged.length - 1];
		if (last && i[0] <= last[1]) last[1] = Math.max(last[1], i[1]);
		else merged.push([i[0], i[1]]);
	}
	return merged;
}

export function availabilityAt(schedule: Schedule, at: Date | number): Availability {
	const t = typeof at === 'number' ? at : at.getTime();
	const intervals = intervalsAround(schedule, t);
	const horizon = t + (HORIZON_DAYS - 1) * 86_400_000;
	for (const [start, end] of intervals) {
		if (start <= t && t < end) return { openNow: true, until: end >= horizon ? null : new Date(end).toISOString(), nextOpen: null };
		if (start > t) return { openNow: false, until: null, nextOpen: new Date(start).toISOString() };
	}
	return { openNow: false, until: null, nextOpen: null };
}

export function isOpenAt(schedule: Schedule, at: Date | number): boolean {
	return availabilityAt(schedule, at).openNow;
}

/** Open around the clock every day, holidays included ("Døgnet rundt"). */
export function isAlwaysOpen(schedule: Schedule): boolean {
	return [1, 2, 3, 4, 5, 6, 7, HOLIDAY].every((d) => schedule.rules.some((r) => !r.weeks && r.days.includes(d) && r.from === 0 && r.to % FULL_DAY === 0));
}

/** A schedule read back from JSON (the database), or null when it is not one. */
export function scheduleFromJson(json: string | null | undefined): Schedule | null {
	if (!json) return null;
	try {
		const v = JSON.parse(json) as Schedule;
		if (!v || !Array.isArray(v.rules) || !Array.isArray(v.exceptions)) return null;
		return v;
	} catch {
		return null;
	}
}

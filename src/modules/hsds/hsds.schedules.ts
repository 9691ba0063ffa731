/**
 * Our structured hours as HSDS 3.0 `schedule` objects (RFC 5545 RRULE parts): one weekly schedule per rule,
 * one per dated exception ahead. HSDS gives a schedule one fixed UTC offset (`timezone`, and `opens_at` with
 * an offset), while Copenhagen moves between +01:00 and +02:00: each weekly schedule is therefore valid from
 * today until the day before the next daylight-saving change (`valid_from`/`valid_to`), and the feed — read
 * fresh on every request — carries the next period's offset once it starts. Public holidays have no RRULE:
 * `notes` says how they are kept, and `description` carries the whole schedule in Danish.
 */
import { addLocalDays, localMoment, weekdayOf, isoWeekOf } from '@/lib/clock';
import { formatSchedule } from '@/modules/hours/hours.parse';
import { FULL_DAY, HOLIDAY, type Schedule } from '@/modules/hours/hours.rules';
import { hsdsId } from './hsds.ids';

type Json = Record<string, unknown>;

const BYDAY = ['', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Copenhagen's UTC offset in minutes at an instant. */
function offsetAt(ms: number): number {
	const local = localMoment(ms);
	const [y, m, d] = local.date.split('-').map(Number);
	const asUtc = Date.UTC(y, m - 1, d) + local.minute * 60_000;
	return Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

const noonOf = (date: string) => Date.parse(`${date}T12:00:00Z`);

/** The offset on a calendar date (at noon, well away from the 02:00/03:00 change). */
const offsetOn = (date: string) => offsetAt(noonOf(date));

function suffix(offset: number): string {
	const sign = offset < 0 ? '-' : '+';
	const a = Math.abs(offset);
	return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

const clock = (m: number, offset: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}${suffix(offset)}`;

/** The last date with the same offset as `today` (within a year). */
function lastDayOfOffset(today: string): string {
	const offset = offsetOn(today);
	for (let d = 1; d <= 370; d++) if (offsetOn(addLocalDays(today, d)) !== offset) return addLocalDays(today, d - 1);
	return addLocalDays(today, 365);
}

/**
 * HSDS schedules of one shared line (`key` makes the ids stable: `unit-contact:<id>`). `now` is the moment the
 * feed is read; exceptions before today are left out.
 */
export function hsdsSchedules(schedule: Schedule, opts: { serviceId: string; key: string; label: string; now: Date }): Json[] {
	const today = localMoment(opts.now).date;
	const offset = offsetOn(today);
	const validTo = lastDayOfOffset(today);
	const description = `${opts.label}: ${formatSchedule(schedule)}`;
	const holidays = schedule.rules.some((r) => r.days.includes(HOLIDAY));
	const notes = `Lokal tid i Danmark (Europe/Copenhagen). ${holidays ? 'På helligdage gælder de tider, beskrivelsen nævner for helligdage.' : 'Lukket på helligdage, juleaftensdag og nytårsaftensdag.'}`;
	const out: Json[] = [];
	schedule.rules.forEach((rule, i) => {
		const days = rule.days.filter((d) => d >= 1 && d <= 7);
		if (days.length === 0) return;
		const object: Json = {
			id: hsdsId('schedule', `${opts.key}:rule:${i}`),
			service_id: opts.serviceId,
			valid_from: today,
			valid_to: validTo,
			timezone: offset / 60,
			freq: 'WEEKLY',
			wkst: 'MO',
			byday: days.map((d) => BYDAY[d]).join(','),
			// A whole day is 00:00–00:00; an end before the start is the next day (as in RFC 5545 practice).
			opens_at: clock(rule.from, offset),
			closes_at: clock(rule.to >= FULL_DAY ? 0 : rule.to, offset),
			description,
			notes,
		};
		if (rule.weeks) {
			// Every second week from the Monday of the next week with the right parity.
			const monday = addLocalDays(today, 1 - weekdayOf(today));
			const even = isoWeekOf(monday) % 2 === 0;
			Object.assign(object, { interval: 2, dtstart: (rule.weeks === 'even') === even ? monday : addLocalDays(monday, 7) });
		}
		out.push(object);
		// A whole day that runs on into the next morning ("weekend hele døgnet" beside "16–08"): the morning of
		// each following day that is not itself covered gets its own schedule (Sunday → Monday 00:00–08:00).
		if (rule.to > FULL_DAY) {
			const mornings = [...new Set(days.map((d) => (d % 7) + 1))].filter((d) => !days.includes(d)).sort((a, b) => a - b);
			if (mornings.length)
				out.push({ ...object, id: hsdsId('schedule', `${opts.key}:rule:${i}:morning`), byday: mornings.map((d) => BYDAY[d]).join(','), opens_at: clock(0, offset), closes_at: clock(rule.to - FULL_DAY, offset) });
		}
	});
	for (const e of schedule.exceptions) {
		if (e.date < today) continue;
		const o = offsetOn(e.date);
		const first = e.intervals[0];
		out.push({
			id: hsdsId('schedule', `${opts.key}:exception:${e.date}`),
			service_id: opts.serviceId,
			valid_from: e.date,
			valid_to: e.date,
			dtstart: e.date,
			timezone: o / 60,
			freq: 'WEEKLY',
			byday: BYDAY[weekdayOf(e.date)],
			count: 1,
			...(first && { opens_at: clock(first.from, o), closes_at: clock(first.to, o) }),
			description: `${opts.label}: ${first ? 'ændret åbningstid' : 'lukket'} denne dag`,
			...(e.note && { notes: e.note }),
		});
	}
	return out;
}

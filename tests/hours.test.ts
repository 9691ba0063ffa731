import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { availabilityAt, FULL_DAY, HOLIDAY, isAlwaysOpen, isOpenAt, scheduleFromJson, type HoursRule, type Schedule } from '@/modules/hours/hours.rules';
import { formatSchedule, parseHours } from '@/modules/hours/hours.parse';
import { holidayName, holidaySettings, isHoliday } from '@/modules/hours/hours.holidays';

interface Case {
	text: string;
	checks: Array<{ at: string; open: boolean }>;
}
const dev: Case[] = JSON.parse(readFileSync(new URL('./fixtures/hours-dev.json', import.meta.url), 'utf8'));
/** More wordings as offices write them, with holidays (2026: skærtorsdag 2/4, juledag 25/12, 2. juledag 26/12). */
const extra: Case[] = [
	{ text: 'Man-fre 8-16', checks: [{ at: '2026-04-02T10:00:00+02:00', open: false }, { at: '2026-12-25T10:00:00+01:00', open: false }, { at: '2026-04-30T10:00:00+02:00', open: true }] },
	{ text: 'Døgnet rundt', checks: [{ at: '2026-12-26T03:00:00+01:00', open: true }, { at: '2026-10-25T02:30:00+01:00', open: true }] },
	{ text: 'hverdage kl. 8.30-15, fredag dog kun 8.30-12', checks: [{ at: '2026-12-04T12:30:00+01:00', open: false }, { at: '2026-12-03T14:00:00+01:00', open: true }] },
	{ text: 'Tirsdage i lige uger 9-12', checks: [{ at: '2026-12-01T10:00:00+01:00', open: false }, { at: '2026-12-08T10:00:00+01:00', open: true }] },
	{ text: 'Man, ons og fre 9-12', checks: [{ at: '2026-12-02T09:30:00+01:00', open: true }, { at: '2026-12-01T09:30:00+01:00', open: false }] },
	{ text: 'Mandag 8-12 og 13-16', checks: [{ at: '2026-11-30T12:30:00+01:00', open: false }, { at: '2026-11-30T13:30:00+01:00', open: true }] },
	{ text: 'Man-fre 8-16, fre lukket', checks: [{ at: '2026-12-04T10:00:00+01:00', open: false }, { at: '2026-12-03T10:00:00+01:00', open: true }] },
	{ text: 'Alle ugens dage 7:00-23:00', checks: [{ at: '2026-12-25T22:00:00+01:00', open: true }, { at: '2026-12-25T23:30:00+01:00', open: false }] },
	{ text: 'Man–fre 8–16', checks: [{ at: '2024-05-10T10:00:00+02:00', open: true }] }, // the Friday that was Store bededag
	// Days after the times, "mellem … og …", "lukket på …" and an excepted day with its own hours.
	{ text: 'kl. 9-15 mandag-fredag', checks: [{ at: '2026-12-04T14:00:00+01:00', open: true }, { at: '2026-12-05T10:00:00+01:00', open: false }] },
	{ text: 'Træffes hverdage mellem 9 og 12', checks: [{ at: '2026-12-02T11:30:00+01:00', open: true }, { at: '2026-12-02T12:30:00+01:00', open: false }] },
	{ text: 'Hverdage kl. 8-15. Lukket i weekender og på helligdage.', checks: [{ at: '2026-12-03T09:00:00+01:00', open: true }, { at: '2026-12-25T09:00:00+01:00', open: false }] },
	{ text: 'Hverdage kl. 8-15 undtagen fredag 8-12', checks: [{ at: '2026-12-04T11:00:00+01:00', open: true }, { at: '2026-12-04T13:00:00+01:00', open: false }, { at: '2026-12-03T14:00:00+01:00', open: true }] },
	{ text: 'Hele døgnet, alle dage', checks: [{ at: '2026-12-26T03:00:00+01:00', open: true }] },
	{ text: 'Tlf. tid: hverdage 9-12', checks: [{ at: '2026-12-01T09:30:00+01:00', open: true }, { at: '2026-12-01T12:30:00+01:00', open: false }] },
	// A later period apart from the first adds to the day instead of replacing it.
	{ text: 'Hverdage 9-15; vagt fre og lør 20-02', checks: [{ at: '2026-12-04T10:00:00+01:00', open: true }, { at: '2026-12-04T23:00:00+01:00', open: true }, { at: '2026-12-06T01:00:00+01:00', open: true }, { at: '2026-12-05T12:00:00+01:00', open: false }, { at: '2026-12-03T23:00:00+01:00', open: false }] },
	{ text: 'Man-tors 8-15, fre 8-13, lør-søn lukket', checks: [{ at: '2026-12-04T12:00:00+01:00', open: true }, { at: '2026-12-05T12:00:00+01:00', open: false }] },
];

describe('the hours parser', () => {
	for (const c of [...dev, ...extra]) {
		it(`reads "${c.text}"`, () => {
			const parsed = parseHours(c.text);
			expect(parsed.ok, parsed.ok ? '' : parsed.reason).toBe(true);
			const schedule = (parsed as { schedule: Schedule }).schedule;
			for (const check of c.checks) expect(isOpenAt(schedule, new Date(check.at)), `${c.text} @ ${check.at}`).toBe(check.open);
		});
	}

	it('reads every hours text of the directory CSV', () => {
		const rows: Array<{ hours: string }> = parse(readFileSync(new URL('./fixtures/directory.csv', import.meta.url)), { columns: true, delimiter: ';', bom: true });
		const texts = rows.map((r) => r.hours).filter(Boolean);
		const parsed = texts.filter((t) => parseHours(t).ok).length;
		console.log(`hours parse rate (tests/fixtures/directory.csv): ${parsed}/${texts.length}; hours-dev.json: ${dev.filter((c) => parseHours(c.text).ok).length}/${dev.length}`);
		expect(parsed).toBe(texts.length);
	});

	it('keeps text it cannot read as unparsed, never half-read', () => {
		for (const t of ['Efter aftale', 'Man-tors 8-15, dog ikke i skoleferien', 'Mandag', '8', 'Lukket 24.-26. december', 'Man-fre 9-15 (lukket for telefonen 12-13)', 'Lukket', 'Mandag og i skoleferien'])
			expect(parseHours(t).ok, t).toBe(false);
	});

	it('shows hours in Danish', () => {
		const show = (t: string) => formatSchedule((parseHours(t) as { schedule: Schedule }).schedule);
		expect(show('Man-tors 8-15, fre 8-13')).toBe('Man–tors 8–15, fre 8–13');
		expect(show('Mandag-torsdag kl. 8.00-15.00, fredag kl. 8.00-13.00')).toBe('Man–tors 8–15, fre 8–13');
		expect(show('Tirs og tors 10-14')).toBe('Tirs og tors 10–14');
		expect(show('Døgnåben')).toBe('Døgnet rundt');
		expect(show('Hverdage 16-08 samt weekend og helligdage hele døgnet')).toBe('Man–fre 16–8, weekend og helligdage hele døgnet');
		expect(show('Man.-ons. 8-15.30, tors. 8-17, fre. 8-12')).toBe('Man–ons 8–15.30, tors 8–17, fre 8–12');
		// What the display says reads back as the same schedule (the edit form and CSV export rely on it).
		for (const c of [...dev, ...extra]) {
			const once = (parseHours(c.text) as { schedule: Schedule }).schedule;
			expect((parseHours(formatSchedule(once)) as { schedule: Schedule }).schedule, c.text).toEqual(once);
		}
	});
});

describe('Danish holidays', () => {
	it('has no Store bededag from 2024, but had it in 2023', () => {
		expect(holidayName('2023-05-05')).toBe('Store Bededag');
		expect(isHoliday('2024-04-26')).toBe(false);
		expect(isHoliday('2026-05-01')).toBe(false);
	});
	it('knows skærtorsdag, juledag and 2. juledag', () => {
		expect(isHoliday('2026-04-02')).toBe(true);
		expect(isHoliday('2026-12-25')).toBe(true);
		expect(isHoliday('2026-12-26')).toBe(true);
	});
	it('treats juleaftensdag and nytårsaftensdag as closed days by default, and as workdays when set so', () => {
		expect(isHoliday('2026-12-24')).toBe(true);
		expect(isHoliday('2026-12-31')).toBe(true);
		holidaySettings.evesClosed = false;
		try {
			expect(isHoliday('2026-12-24')).toBe(false);
			expect(isHoliday('2026-12-31')).toBe(false);
		} finally {
			holidaySettings.evesClosed = true;
		}
	});
});

describe('availability at a moment', () => {
	const office = (parseHours('Man-tors 8-15, fre 8-13') as { schedule: Schedule }).schedule;
	const line = (parseHours('Hverdage 16-08 samt weekend og helligdage hele døgnet') as { schedule: Schedule }).schedule;
	it('Friday 16:30: the office is closed until Monday 8:00, the after-hours line open until Monday 8:00', () => {
		const at = new Date('2026-12-04T16:30:00+01:00');
		expect(availabilityAt(office, at)).toEqual({ openNow: false, until: null, nextOpen: '2026-12-07T07:00:00.000Z' });
		expect(availabilityAt(line, at)).toEqual({ openNow: true, until: '2026-12-07T07:00:00.000Z', nextOpen: null });
	});
	it('Saturday 10:00 and 2. juledag: closed', () => {
		expect(availabilityAt(office, new Date('2026-12-05T10:00:00+01:00')).openNow).toBe(false);
		// 2. juledag 2025 is a Friday: the office stays closed and opens Monday 29 December.
		expect(availabilityAt(office, new Date('2025-12-26T10:00:00+01:00'))).toEqual({ openNow: false, until: null, nextOpen: '2025-12-29T07:00:00.000Z' });
		expect(availabilityAt(line, new Date('2025-12-26T10:00:00+01:00')).openNow).toBe(true);
	});
	it('Monday 07:55 closed (opens 8:00), 08:05 open until 15:00', () => {
		expect(availabilityAt(office, new Date('2026-12-07T07:55:00+01:00'))).toEqual({ openNow: false, until: null, nextOpen: '2026-12-07T07:00:00.000Z' });
		expect(availabilityAt(office, new Date('2026-12-07T08:05:00+01:00'))).toEqual({ openNow: true, until: '2026-12-07T14:00:00.000Z', nextOpen: null });
	});
	it('the night of the October DST change: opens at 8:00 winter time on Monday', () => {
		// 02:30 on Sunday 25 October 2026 happens twice; either way the office is closed and opens Monday 07:00 UTC.
		expect(availabilityAt(office, new Date('2026-10-25T00:30:00Z'))).toEqual({ openNow: false, until: null, nextOpen: '2026-10-26T07:00:00.000Z' });
		expect(availabilityAt(office, new Date('2026-10-25T01:30:00Z')).nextOpen).toBe('2026-10-26T07:00:00.000Z');
		// Friday before the change (summer time) it closed at 13:00 CEST = 11:00 UTC.
		expect(availabilityAt(office, new Date('2026-10-23T10:00:00Z')).until).toBe('2026-10-23T11:00:00.000Z');
		expect(availabilityAt(line, new Date('2026-10-25T01:30:00Z'))).toMatchObject({ openNow: true, until: '2026-10-26T07:00:00.000Z' });
	});
});

describe('availability from hand-made schedules', () => {
	const h = (hours: number) => hours * 60;
	const of = (rules: HoursRule[], exceptions: Schedule['exceptions'] = []): Schedule => ({ rules, exceptions });
	const cet = (local: string) => new Date(`${local}+01:00`);

	it('keeps even- and odd-week rules to their weeks, and looks two weeks ahead', () => {
		// Mondays 8–15 in even ISO weeks: 7 Dec 2026 is week 50, 14 Dec week 51, 21 Dec week 52.
		const even = of([{ days: [1], from: h(8), to: h(15), weeks: 'even' }]);
		const odd = of([{ days: [1], from: h(8), to: h(15), weeks: 'odd' }]);
		expect(isOpenAt(even, cet('2026-12-07T10:00:00'))).toBe(true);
		expect(isOpenAt(odd, cet('2026-12-07T10:00:00'))).toBe(false);
		expect(availabilityAt(odd, cet('2026-12-07T10:00:00')).nextOpen).toBe('2026-12-14T07:00:00.000Z');
		expect(isOpenAt(even, cet('2026-12-14T10:00:00'))).toBe(false);
		// After closing on an even Monday the next opening is 14 days later, the last day looked at.
		expect(availabilityAt(even, cet('2026-12-07T16:00:00'))).toEqual({ openNow: false, until: null, nextOpen: '2026-12-21T07:00:00.000Z' });
	});

	it('opens on a public holiday only by a holiday rule, or a weekend rule when the holiday falls on a weekend', () => {
		const weekdays = of([{ days: [1, 2, 3, 4, 5], from: h(8), to: h(15) }]);
		const saturdays = of([{ days: [6], from: h(10), to: h(12) }]);
		const holidays = of([{ days: [HOLIDAY], from: h(10), to: h(12) }]);
		// 2. påskedag 2026 is a Monday; juledag 2027 a Saturday.
		expect([isOpenAt(weekdays, new Date('2026-04-06T10:00:00+02:00')), isOpenAt(holidays, new Date('2026-04-06T11:00:00+02:00'))]).toEqual([false, true]);
		expect([isOpenAt(saturdays, cet('2027-12-25T11:00:00')), isOpenAt(holidays, cet('2027-12-25T11:00:00')), isOpenAt(saturdays, cet('2027-12-18T11:00:00'))]).toEqual([true, true, true]);
	});

	it('uses a date’s exception instead of the weekly rules, past midnight too, and only on that date', () => {
		const office = of([{ days: [1, 2, 3, 4, 5], from: h(8), to: h(15) }], [
			{ date: '2026-12-08', intervals: [] },
			{ date: '2026-12-09', intervals: [{ from: h(22), to: h(2) }] },
			{ date: '2026-12-10', intervals: [{ from: h(10), to: h(11) }] },
			{ date: '2026-12-11', intervals: [{ from: h(9), to: h(9) }] },
		]);
		expect(availabilityAt(office, cet('2026-12-10T10:30:00'))).toEqual({ openNow: true, until: '2026-12-10T10:00:00.000Z', nextOpen: null });
		// An exception whose end equals its start is open a full day from then.
		expect(availabilityAt(office, cet('2026-12-11T20:00:00'))).toEqual({ openNow: true, until: '2026-12-12T08:00:00.000Z', nextOpen: null });
		expect(isOpenAt(office, cet('2026-12-07T10:00:00'))).toBe(true);
		expect(availabilityAt(office, cet('2026-12-08T10:00:00'))).toEqual({ openNow: false, until: null, nextOpen: '2026-12-09T21:00:00.000Z' });
		expect(availabilityAt(office, cet('2026-12-09T23:00:00'))).toEqual({ openNow: true, until: '2026-12-10T01:00:00.000Z', nextOpen: null });
		expect(isOpenAt(office, cet('2026-12-09T10:00:00'))).toBe(false);
	});

	it('merges touching openings and finds the earliest, whatever the order of the rules', () => {
		const split = of([{ days: [1], from: h(12), to: h(15) }, { days: [1], from: h(8), to: h(12) }]);
		expect(availabilityAt(split, cet('2026-12-07T07:00:00'))).toEqual({ openNow: false, until: null, nextOpen: '2026-12-07T07:00:00.000Z' });
		expect(availabilityAt(split, cet('2026-12-07T10:00:00'))).toEqual({ openNow: true, until: '2026-12-07T14:00:00.000Z', nextOpen: null });
		// Closing time itself is closed.
		expect(availabilityAt(split, cet('2026-12-07T15:00:00'))).toEqual({ openNow: false, until: null, nextOpen: '2026-12-14T07:00:00.000Z' });
	});

	it('reads a rule whose end is not after its start as running past midnight, and an opening that never ends as open with no end', () => {
		const allDay = of([{ days: [1, 2, 3, 4, 5, 6, 7, HOLIDAY], from: h(8), to: h(8) }]);
		expect(availabilityAt(allDay, cet('2026-12-07T07:00:00'))).toEqual({ openNow: true, until: null, nextOpen: null });
		// Moments may be given as epoch milliseconds too.
		expect(availabilityAt(allDay, cet('2026-12-07T07:00:00').getTime())).toEqual({ openNow: true, until: null, nextOpen: null });
		expect(availabilityAt(of([]), cet('2026-12-07T07:00:00').getTime())).toEqual({ openNow: false, until: null, nextOpen: null });
		// Open for the next two weeks: no end shown; an end within them is shown.
		const whole = [{ days: [1, 2, 3, 4, 5, 6, 7, HOLIDAY], from: 0, to: FULL_DAY }];
		expect(availabilityAt(of(whole, [{ date: '2026-12-21', intervals: [] }]), cet('2026-12-07T10:00:00')).until).toBeNull();
		expect(availabilityAt(of(whole, [{ date: '2026-12-19', intervals: [] }]), cet('2026-12-07T10:00:00')).until).toBe('2026-12-18T23:00:00.000Z');
	});

	it('calls a schedule open around the clock only when every day and holidays are whole days', () => {
		const whole = (days: number[], o: Partial<HoursRule> = {}): HoursRule => ({ days, from: 0, to: FULL_DAY, ...o });
		expect(isAlwaysOpen(of([whole([1, 2, 3, 4, 5, 6, 7, HOLIDAY])]))).toBe(true);
		expect(isAlwaysOpen(of([whole([1, 2, 3, 4, 5]), whole([6, 7, HOLIDAY], { to: 0 })]))).toBe(true);
		expect(isAlwaysOpen(of([whole([1, 2, 3, 4, 5, 6, 7])]))).toBe(false);
		expect(isAlwaysOpen(of([whole([1, 2, 3, 4, 5, 6, 7, HOLIDAY], { weeks: 'even' })]))).toBe(false);
		expect(isAlwaysOpen(of([whole([1, 2, 3, 4, 5, 6, 7, HOLIDAY], { from: h(8) })]))).toBe(false);
		expect(isAlwaysOpen(of([whole([1, 2, 3, 4, 5, 6, 7, HOLIDAY], { to: h(23) })]))).toBe(false);
	});

	it('reads a schedule back from JSON, and nothing else', () => {
		const schedule = of([{ days: [1], from: h(8), to: h(15) }], [{ date: '2026-12-24', intervals: [] }]);
		expect(scheduleFromJson(JSON.stringify(schedule))).toEqual(schedule);
		for (const bad of [null, undefined, '', 'null', '{}', '{"rules":[]}', '{"exceptions":[]}', '{"rules":{},"exceptions":[]}', '{"rules":[],"exceptions":{}}', '{ikke json'])
			expect([bad, scheduleFromJson(bad)]).toEqual([bad, null]);
	});
});

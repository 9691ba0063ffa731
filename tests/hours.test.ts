import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { availabilityAt, isOpenAt, type Schedule } from '@/modules/hours/hours.rules';
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

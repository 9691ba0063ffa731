import { describe, expect, it } from 'vitest';
import { addLocalDays, isoWeekOf, localDate, localInstant, localMoment } from '@/lib/clock';

describe('Copenhagen local time', () => {
	it('reads the local date, weekday and minute of an instant in winter and summer', () => {
		expect(localMoment(new Date('2026-12-04T15:30:00Z'))).toEqual({ date: '2026-12-04', weekday: 5, minute: 16 * 60 + 30 });
		expect(localMoment(new Date('2026-06-30T22:30:00Z'))).toEqual({ date: '2026-07-01', weekday: 3, minute: 30 });
	});
	it('turns local wall times into instants across the October DST change', () => {
		expect(localInstant('2026-10-24', 8 * 60).toISOString()).toBe('2026-10-24T06:00:00.000Z');
		expect(localInstant('2026-10-26', 8 * 60).toISOString()).toBe('2026-10-26T07:00:00.000Z');
		// The repeated hour: 02:30 happens twice; the first (CEST) is taken.
		expect(localInstant('2026-10-25', 150).toISOString()).toBe('2026-10-25T00:30:00.000Z');
		expect(localInstant('2026-10-25', 1440).toISOString()).toBe('2026-10-25T23:00:00.000Z');
	});
	it('reads a skipped spring hour in winter time (02:30 that night is 03:30 summer time)', () => {
		expect(localInstant('2026-03-29', 150).toISOString()).toBe('2026-03-29T01:30:00.000Z');
	});
	it('adds calendar days and numbers ISO weeks', () => {
		expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
		expect(isoWeekOf('2026-12-03')).toBe(49);
		expect(isoWeekOf('2027-01-01')).toBe(53);
		expect(localDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
	});
});

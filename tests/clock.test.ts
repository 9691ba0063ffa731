import { describe, expect, it } from 'vitest';
import { addLocalDays, isoWeekOf, localDate, localInstant, localMoment, localMomentByIntl } from '@/lib/clock';

describe('Copenhagen local time', () => {
	it('reads the local date, weekday and minute of an instant in winter and summer', () => {
		expect(localMoment(new Date('2026-12-04T15:30:00Z'))).toEqual({ date: '2026-12-04', weekday: 5, minute: 16 * 60 + 30 });
		expect(localMoment(new Date('2026-06-30T22:30:00Z'))).toEqual({ date: '2026-07-01', weekday: 3, minute: 30 });
	});
	it('gives what Intl gives, minute by minute through both daylight-saving changes and at random instants', () => {
		const changes = ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2027-03-28T01:00:00Z', '2027-10-31T01:00:00Z'];
		for (const change of changes) {
			const at = Date.parse(change);
			for (let ms = at - 3 * 3_600_000; ms <= at + 3 * 3_600_000; ms += 60_000) expect(localMoment(ms)).toEqual(localMomentByIntl(ms));
		}
		let seed = 7;
		const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
		for (let i = 0; i < 5000; i++) {
			const ms = Date.parse('1990-01-01T00:00:00Z') + Math.floor(random() * 50 * 365 * 86_400_000);
			expect(localMoment(new Date(ms))).toEqual(localMomentByIntl(ms));
		}
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

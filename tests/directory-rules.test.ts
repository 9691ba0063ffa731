import { describe, expect, it } from 'vitest';
import { canSeeField, isAway, visibleContact } from '@/modules/directory/directory.rules';

describe('contact visibility', () => {
	const person = { phone: '+4544342814', mobile: '+4522334455', email: 'a@b.dk', phoneVisibility: 'members' as const, mobileVisibility: 'members' as const, emailVisibility: 'public' as const };

	it('hides members-only numbers from anonymous visitors and says so', () => {
		expect(visibleContact(person, { signedIn: false })).toEqual({ phone: null, mobile: null, email: 'a@b.dk', hiddenForAnonymous: true });
	});
	it('shows members-only numbers to signed-in members', () => {
		expect(visibleContact(person, { signedIn: true })).toEqual({ phone: '+4544342814', mobile: '+4522334455', email: 'a@b.dk', hiddenForAnonymous: false });
	});
	it('says something was held back only for a filled members-only field, whichever it is', () => {
		const none = { phone: null, mobile: null, email: null, phoneVisibility: 'public', mobileVisibility: 'public', emailVisibility: 'public' } as const;
		const anonymous = { signedIn: false };
		for (const f of ['phone', 'mobile', 'email'] as const) {
			const vis = `${f}Visibility` as const;
			expect([f, visibleContact({ ...none, [f]: 'x', [vis]: 'members' }, anonymous).hiddenForAnonymous]).toEqual([f, true]);
			expect([f, visibleContact({ ...none, [vis]: 'members' }, anonymous).hiddenForAnonymous]).toEqual([f, false]);
			expect([f, visibleContact({ ...none, [f]: 'x' }, anonymous).hiddenForAnonymous]).toEqual([f, false]);
			expect([f, visibleContact({ ...none, [f]: 'x', [vis]: 'hidden' }, anonymous).hiddenForAnonymous]).toEqual([f, false]);
		}
	});
	it('shows hidden fields only to the entry’s editors', () => {
		expect(canSeeField('hidden', { signedIn: true })).toBe(false);
		expect(canSeeField('hidden', { signedIn: true, isEditor: true })).toBe(true);
	});
});

describe('absence', () => {
	const now = new Date('2026-11-22T12:00:00Z');
	it('knows when someone is away', () => {
		expect(isAway({ awayFrom: '2026-11-20', awayUntil: '2026-11-30' }, now)).toBe(true);
		expect(isAway({ awayFrom: '2026-12-01', awayUntil: '2026-12-30' }, now)).toBe(false);
		expect(isAway({ awayFrom: null, awayUntil: null }, now)).toBe(false);
		// Open-ended on either side, and stored timestamps count by their date.
		expect([isAway({ awayFrom: '2026-11-20', awayUntil: null }, now), isAway({ awayFrom: null, awayUntil: '2026-11-22' }, now), isAway({ awayFrom: null, awayUntil: '2026-11-21' }, now)]).toEqual([true, true, false]);
		expect(isAway({ awayFrom: '2026-11-22T15:00:00Z', awayUntil: null }, now)).toBe(true);
	});
	it('counts absence days in Copenhagen time, also across the October DST change', () => {
		const absence = { awayFrom: '2026-10-20', awayUntil: '2026-10-25' };
		// 23:30 on 25 October in Copenhagen (CET after the change) is 22:30 UTC: still away.
		expect(isAway(absence, new Date('2026-10-25T22:30:00Z'))).toBe(true);
		// 00:30 on 26 October in Copenhagen is 23:30 UTC on the 25th: back, though the UTC day says otherwise.
		expect(isAway(absence, new Date('2026-10-25T23:30:00Z'))).toBe(false);
		// 00:30 on 20 October (CEST) is 22:30 UTC on the 19th: already away.
		expect(isAway(absence, new Date('2026-10-19T22:30:00Z'))).toBe(true);
	});
});

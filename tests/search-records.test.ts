/**
 * The compact record a search hit is decoded from (search.records.ts) must give back exactly what a source
 * handed the index: every kind of value, shared strings, strings that look like tokens, and key order.
 */
import { describe, expect, it } from 'vitest';
import { RecordStore } from '@/modules/search/search.records';

describe('search records', () => {
	it('decodes exactly what was encoded, for every kind of value', () => {
		const store = new RecordStore();
		const when = new Date('2026-11-25T10:00:00Z');
		const card = {
			ref: 'P000123',
			name: 'Søren Dahl',
			roles: ['udskrivning'],
			topics: [],
			phone: '+45 20 00 00 01',
			email: 'soren@halsnaes.example',
			keyPerson: false,
			deputyId: 42,
			awayFrom: null,
			hours: 'Man-tors 8-15; fre 8-12',
			note: 'i12;s3:{}[] looks like a record',
			score: -0.5,
			nothing: undefined,
			nested: { b: 1, a: [true, null, 'x'] },
			when,
		};
		const value = ['Søren Dahl', 'Psykolog, PPR, Halsnæs Kommune', '/personer/P000123', 'active', '2026-05-27', { municipality: ['260'], topic: ['angst'] }, undefined, card];
		const decoded = store.decode(store.encode(value)) as unknown[];
		expect(decoded).toStrictEqual(value);
		expect(Object.keys(decoded[7] as object)).toEqual(Object.keys(card));
		// Anything but plain data comes back as the very same value.
		expect((decoded[7] as typeof card).when).toBe(when);
	});

	it('stores a shared string once and keeps unique ones inline', () => {
		const store = new RecordStore();
		const a = store.encode({ unit: 'Familiebehandling', phone: '+4520000001' });
		const b = store.encode({ unit: 'Familiebehandling', phone: '+4520000002' });
		expect(store.internedCount).toBe(1);
		expect(a).not.toContain('Familiebehandling');
		expect(a).toContain('+4520000001');
		expect(store.decode(b)).toEqual({ unit: 'Familiebehandling', phone: '+4520000002' });
	});
});

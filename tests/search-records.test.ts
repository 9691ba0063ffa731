/**
 * The compact record a search hit is decoded from (search.records.ts) must give back exactly what a source
 * handed the index: every kind of value, shared strings, strings that look like tokens, and key order.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { importDirectoryFile } from '@/modules/directory/directory.import';
import { RecordStore } from '@/modules/search/search.records';
import { loadPeople, type PersonRecord } from '@/modules/search/search.repository';
import { personDocument, personRecordCodec } from '@/modules/search/search.sources';
import type { SearchDocument } from '@/modules/search/search.types';
import { createTestDb } from './helpers/test-db';

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

/**
 * People have a record format of their own (personRecordCodec, issue 13): it must give back exactly the record the
 * generic store would — for every person of the fixture network, and for values chosen to break a JSON or list
 * encoding (quotes, backslashes, control characters, emoji, empty and missing values, weak tags, no municipality).
 */
describe('person records', () => {
	const shown = (doc: SearchDocument) => [doc.title, doc.subtitle, doc.url, doc.status, doc.verifiedAt, doc.tags, doc.weakTags, doc.data];

	it('decodes every fixture person to what the generic record gives', async () => {
		const ctx = await createTestDb();
		try {
			await importDirectoryFile(ctx.db, fileURLToPath(new URL('./fixtures/directory.csv', import.meta.url)));
			const people = await loadPeople(ctx.db);
			expect(people.length).toBeGreaterThan(1000);
			const store = new RecordStore();
			const generic = new RecordStore();
			for (const p of people) {
				const doc = personDocument(p);
				expect(doc.codec).toBe(personRecordCodec);
				const record = personRecordCodec.encode(doc, store);
				const decoded = personRecordCodec.decode(record, store);
				expect(decoded).toStrictEqual(generic.decode(generic.encode(shown(doc))));
				expect(Object.keys(decoded[5]!)).toEqual(Object.keys(doc.tags!));
				expect(Object.keys(decoded[7] as object)).toEqual(Object.keys(doc.data as object));
			}
			// People with and without a municipality of their own (weak tags: the next test).
			expect(people.some((p) => p.municipalityCode !== null)).toBe(true);
			expect(people.some((p) => p.municipalityCode === null)).toBe(true);
		} finally {
			await ctx.cleanup();
		}
	});

	it('keeps awkward values exactly', () => {
		const base = personDocument({
			id: 7, ref: 'P"\\7', firstName: 'Æ"bl\\e\u001f', lastName: 'Ø 🧭 \u0000x', title: '', unitId: 1, unitName: 'PPR', unitSlug: 'ppr', unitAliases: ['Pædagogisk'],
			organisationName: 'Region "H"', organisationSlug: 'region-h', organisationType: 'region', organisationMunicipalityCode: '219', municipalityCode: null, municipalityName: null,
			phone: '+45 20 00 00 01', mobile: null, email: 'a\u2028b@x.dk', phoneVisibility: 'public', mobileVisibility: 'members', emailVisibility: 'hidden',
			hours: '', hoursSchedule: null, note: 'i1;s3:x', keyPerson: true, status: 'left', successorId: 9, deputyId: 3, awayFrom: '2026-11-01', awayUntil: null,
			verifiedAt: null, createdAt: '2026-01-01', topics: [], roles: ['udskrivning'], ageGroups: ['0-5', '13-17'], servedMunicipalities: ['219', '223'],
		} satisfies PersonRecord);
		const store = new RecordStore();
		const decoded = personRecordCodec.decode(personRecordCodec.encode(base, store), store);
		expect(decoded).toStrictEqual(shown(base));
		expect(decoded[5]).not.toHaveProperty('municipality');
		expect(decoded[6]).toEqual({ municipality: ['219', '223'] });
	});
});

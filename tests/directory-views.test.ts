import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson, saveUnit, saveUnitContact } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { loadMunicipalityPage, loadTopicPage, loadUnitPage, metaText, sliceMunicipalityPage, type UnitGroup } from '@/modules/directory/directory.views';
import { createTestDb } from './helpers/test-db';

const actor = systemActor('test');
let db: Db;
let cleanup: () => Promise<void>;

const person = (ref: string, unitId: number, extra: Partial<PersonInput> = {}): PersonInput => ({
	ref,
	firstName: ref,
	lastName: 'Test',
	title: '',
	unitId,
	municipalityCode: null,
	phone: '+4548201234',
	mobile: null,
	email: null,
	hours: '',
	note: '',
	keyPerson: false,
	status: 'active',
	successorId: null,
	verifiedAt: '2026-01-01',
	topics: ['selvskade'],
	roles: [],
	ageGroups: [],
	...extra,
});

beforeAll(async () => {
	({ db, cleanup } = await createTestDb());
	const kommune = await ensureOrganisation(db, actor, { name: 'Hillerød Kommune', type: 'kommune', municipalityCode: '219' });
	const other = await ensureOrganisation(db, actor, { name: 'Gribskov Kommune', type: 'kommune', municipalityCode: '270' });
	const region = await ensureOrganisation(db, actor, { name: 'Psykiatrisk Center Nordsjælland', type: 'region', municipalityCode: null });
	const frivillig = await ensureOrganisation(db, actor, { name: 'headspace', type: 'frivillig', municipalityCode: null });
	const ppr = (await ensureUnit(db, actor, kommune.id, 'PPR')).id;
	const gribskovPpr = (await ensureUnit(db, actor, other.id, 'PPR')).id;
	const opus = (await ensureUnit(db, actor, region.id, 'OPUS')).id;
	await saveUnit(db, actor, { organisationId: region.id, name: 'OPUS', aliases: ['OPUS Nordsjælland'], municipalityCodes: ['219'] }, opus);
	const glostrup = (await ensureUnit(db, actor, region.id, 'Udgående team')).id;
	await saveUnit(db, actor, { organisationId: region.id, name: 'Udgående team', municipalityCodes: ['270'] }, glostrup);
	const akut = (await ensureUnit(db, actor, region.id, 'Akutmodtagelse')).id; // lists no municipality: serves all
	const radgivning = (await ensureUnit(db, actor, frivillig.id, 'Rådgivning')).id;
	await saveUnitContact(db, actor, { unitId: radgivning, label: 'Rådgivningslinjen', phone: '+4533000000', email: null, hours: null });
	await savePerson(db, actor, person('K-B', ppr, { municipalityCode: '219', mobile: '+4520304050' })); // the mobile is members-only
	await savePerson(db, actor, person('K-A', ppr, { municipalityCode: '219', keyPerson: true }));
	await savePerson(db, actor, person('K-LEFT', ppr, { municipalityCode: '219', status: 'left' }));
	await savePerson(db, actor, person('G-1', gribskovPpr, { municipalityCode: '270' }));
	await savePerson(db, actor, person('R-OPUS', opus, { keyPerson: true }));
	await savePerson(db, actor, person('R-GLO', glostrup));
	await savePerson(db, actor, person('R-AKUT', akut));
});
afterAll(async () => cleanup());

describe('municipality page', () => {
	it('puts the kommune’s own units beside the region units that serve it, key persons first, without people who left', async () => {
		const page = await loadMunicipalityPage(db, 'hilleroed', { signedIn: false });
		expect(page!.kommune.map((g) => g.unit.name)).toEqual(['PPR']);
		expect(page!.kommune[0].people.map((p) => p.ref)).toEqual(['K-A', 'K-B']);
		expect(page!.region.map((g) => g.unit.name).sort()).toEqual(['Akutmodtagelse', 'OPUS']);
		expect(page!.other.map((g) => g.unit.name)).toEqual(['Rådgivning']);
		expect(page!.other[0].contacts.map((c) => c.label)).toEqual(['Rådgivningslinjen']);
	});

	it('says when direct numbers were held back from an anonymous visitor', async () => {
		expect((await loadMunicipalityPage(db, 'hilleroed', { signedIn: false }))!.numbersHeldBack).toBe(true);
		expect((await loadMunicipalityPage(db, 'hilleroed', { signedIn: true }))!.numbersHeldBack).toBe(false);
	});

	it('keeps only key persons and shared contacts for the contact sheet', async () => {
		const page = await loadMunicipalityPage(db, 'hilleroed', { signedIn: true }, { keyPersonsOnly: true });
		expect(page!.kommune[0].people.map((p) => p.ref)).toEqual(['K-A']);
		expect(page!.region.map((g) => g.unit.name)).toEqual(['OPUS']);
	});

	it('finds nothing for an unknown slug or a code in place of the slug', async () => {
		expect(await loadMunicipalityPage(db, 'atlantis', { signedIn: false })).toBeUndefined();
		expect(await loadMunicipalityPage(db, '219', { signedIn: false })).toBeUndefined();
	});
});

describe('municipality page in pages', () => {
	const group = (id: number, people: number, contacts = 0) =>
		({ unit: { id }, contacts: Array.from({ length: contacts }, (_, i) => ({ id: i })), people: Array.from({ length: people }, (_, i) => ({ id: id * 1000 + i })) }) as unknown as UnitGroup;
	const data = { kommune: [group(1, 5, 1), group(2, 0, 1), group(3, 7)], region: [group(4, 3)], other: [group(5, 2)] };
	const ids = (s: ReturnType<typeof sliceMunicipalityPage>) => [...s.kommune, ...s.region, ...s.other].flatMap((g) => g.people.map((p) => (p as unknown as { id: number }).id));

	it('never puts more than the page size on a page, and every person on exactly one page', () => {
		const first = sliceMunicipalityPage(data, 1, 4);
		// 5 + 1 (shared contacts only) + 7 + 3 + 2 = 18 places → 5 pages of 4.
		expect(first.pages).toBe(5);
		const seen: number[] = [];
		for (let page = 1; page <= first.pages; page++) {
			const slice = sliceMunicipalityPage(data, page, 4);
			expect(ids(slice).length).toBeLessThanOrEqual(4);
			seen.push(...ids(slice));
		}
		expect(seen.sort((a, b) => a - b)).toEqual(ids(sliceMunicipalityPage(data, 1, 100)).sort((a, b) => a - b));
		expect(seen).toHaveLength(17);
		expect(sliceMunicipalityPage(data, 6, 4).kommune).toEqual([]);
	});

	it('shows a unit cut in two as continued, its shared contacts on its first page only, and where each unit starts', () => {
		const second = sliceMunicipalityPage(data, 2, 4);
		expect(second.kommune.map((g) => g.unit.id)).toEqual([1, 2, 3]);
		expect(second.continued.has(1)).toBe(true);
		expect(second.kommune[0].contacts).toEqual([]);
		expect(second.kommune[1].contacts).toHaveLength(1);
		expect(sliceMunicipalityPage(data, 1, 4).kommune[0].contacts).toHaveLength(1);
		expect([...second.pageOfUnit]).toEqual([[1, 1], [2, 2], [3, 2], [4, 4], [5, 5]]);
	});

	it('is one page when everyone fits', () => {
		const all = sliceMunicipalityPage(data, 1, 200);
		expect(all.pages).toBe(1);
		expect(all.continued.size).toBe(0);
		expect(all.kommune).toEqual(data.kommune);
	});
});

describe('topic and unit pages', () => {
	it('groups people by municipality, then cross-municipal units by sector', async () => {
		const page = await loadTopicPage(db, 'selvskade', { signedIn: false });
		expect(page!.groups.map((g) => g.heading)).toEqual(['Gribskov', 'Hillerød', 'Region Hovedstaden']);
	});

	it('pages a unit’s people: key persons first, everyone active once across the pages, nobody who left, a page past the last empty', async () => {
		const org = await ensureOrganisation(db, actor, { name: 'Stor Forening', type: 'frivillig', municipalityCode: null });
		const unit = (await ensureUnit(db, actor, org.id, 'Stort team')).id;
		for (const [ref, extra] of [
			['S-ANNA', {}],
			['S-KEY2', { keyPerson: true }],
			['S-LEFT', { status: 'left' as const }],
			['S-BO', {}],
			['S-KEY1', { keyPerson: true }],
			['S-TWIN1', { firstName: 'Tvilling' }],
			['S-TWIN2', { firstName: 'Tvilling' }],
		] as const)
			await savePerson(db, actor, person(ref, unit, extra));
		const load = (page: number) => loadUnitPage(db, 'stor-forening', 'stort-team', { signedIn: false }, page, 3);
		const [one, two, three] = [await load(1), await load(2), await load(3)];
		expect(one!.total).toBe(6);
		expect(one!.keyPeople).toBe(2);
		expect(one!.pages).toBe(2);
		expect(one!.people.map((p) => p.ref)).toEqual(['S-KEY1', 'S-KEY2', 'S-ANNA']);
		// Same names: the id decides, so neither twin is shown twice or skipped at the page boundary.
		expect(two!.people.map((p) => p.ref)).toEqual(['S-BO', 'S-TWIN1', 'S-TWIN2']);
		expect(three!.people).toEqual([]);
		expect(three!.pages).toBe(2);
	});

	it('reads a unit page with the same number of queries whatever the unit’s size (one query per list)', async () => {
		let queries = 0;
		const counted = db.withPlugin({ transformQuery: (args) => (queries++, args.node), transformResult: async (args) => args.result });
		const org = await ensureOrganisation(db, actor, { name: 'Tælle Forening', type: 'frivillig', municipalityCode: null });
		const unit = (await ensureUnit(db, actor, org.id, 'Tælleteam')).id;
		const count = async () => {
			queries = 0;
			await loadUnitPage(counted, 'taelle-forening', 'taelleteam', { signedIn: false }, 1, 200);
			return queries;
		};
		await savePerson(db, actor, person('T-1', unit, { roles: ['akut'], ageGroups: ['13-17'] }));
		const small = await count();
		for (let i = 2; i <= 30; i++) await savePerson(db, actor, person(`T-${i}`, unit, { roles: ['akut'], ageGroups: ['13-17'] }));
		expect(await count()).toBe(small);
	});

	it('shows a unit’s aliases and the municipalities it serves', async () => {
		const page = await loadUnitPage(db, 'psykiatrisk-center-nordsjaelland', 'opus', { signedIn: false });
		expect(page!.unit.aliases).toEqual(['OPUS Nordsjælland']);
		expect(page!.municipalities.map((m) => m.name)).toEqual(['Hillerød']);
	});
});

describe('meta text', () => {
	it('drops angle brackets so no tag survives in an attribute', () => {
		expect(metaText('Eva <script>alert(1)</script>')).toBe('Eva scriptalert(1)/script');
	});
});

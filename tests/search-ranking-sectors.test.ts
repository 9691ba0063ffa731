/**
 * Issue 9 item 3: sector and organisation words (BUC, børne- og ungdomspsykiatri, psykiatrien, regionen,
 * hospitalet, kommunen) steer the ranking, and a thesaurus term pointing at an organisation or unit works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson, saveUnit } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { addThesaurusTerm } from '@/modules/search/search.admin';
import { search } from '@/modules/search/search.service';
import { createTestDb } from './helpers/test-db';

const actor = systemActor('test');
const today = new Date().toISOString().slice(0, 10);
let ctx: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;
let units: Record<string, number>;
let bucSlug: string;

async function person(ref: string, unit: string, over: Partial<PersonInput> = {}): Promise<number> {
	const municipal = unit.startsWith('hil') || unit.startsWith('hal');
	const out = await savePerson(db, actor, {
		ref, firstName: 'Test', lastName: ref, title: 'Rådgiver', unitId: units[unit], municipalityCode: unit.startsWith('hil') ? '219' : unit.startsWith('hal') ? '260' : null,
		phone: null, mobile: null, email: null, hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: today,
		topics: [], roles: [], ageGroups: [], ...over,
	});
	void municipal;
	return out.id;
}

beforeEach(async () => {
	ctx = await createTestDb();
	db = ctx.db;
	const hil = await ensureOrganisation(db, actor, { name: 'Hillerød Kommune', type: 'kommune', municipalityCode: '219' });
	const hal = await ensureOrganisation(db, actor, { name: 'Halsnæs Kommune', type: 'kommune', municipalityCode: '260' });
	const buc = await ensureOrganisation(db, actor, { name: 'Børne- og Ungdomspsykiatrisk Center, Region Hovedstaden', type: 'region', municipalityCode: null });
	const pcn = await ensureOrganisation(db, actor, { name: 'Psykiatrisk Center Nordsjælland', type: 'region', municipalityCode: null });
	const hosp = await ensureOrganisation(db, actor, { name: 'Nordsjællands Hospital, Børne- og Ungeafdelingen', type: 'region', municipalityCode: null });
	bucSlug = (await sql<{ slug: string }>`SELECT slug FROM organisation WHERE id = ${buc.id}`.execute(db)).rows[0].slug;
	units = {
		'hil-ppr': (await ensureUnit(db, actor, hil.id, 'PPR')).id,
		'hil-bf': (await ensureUnit(db, actor, hil.id, 'Børn og Familie')).id,
		'hal-socpsyk': (await ensureUnit(db, actor, hal.id, 'Socialpsykiatri')).id,
		'hal-bf': (await ensureUnit(db, actor, hal.id, 'Børn og Familie, myndighed')).id,
		'hal-kui': (await ensureUnit(db, actor, hal.id, 'Kommunal ungeindsats (KUI)')).id,
		'buc-hil': (await ensureUnit(db, actor, buc.id, 'Ambulatorium Hillerød')).id,
		'buc-bisp': (await ensureUnit(db, actor, buc.id, 'Akutmodtagelse Bispebjerg')).id,
		'pcn-amb': (await ensureUnit(db, actor, pcn.id, 'Ambulatorium for unge voksne')).id,
		'hosp-seng': (await ensureUnit(db, actor, hosp.id, 'Sengeafsnit')).id,
	};
	// The regional units serve the member municipalities.
	for (const key of ['buc-bisp', 'pcn-amb', 'hosp-seng']) {
		const row = (await sql<{ org: number; name: string }>`SELECT organisation_id AS org, name FROM unit WHERE id = ${units[key]}`.execute(db)).rows[0];
		await saveUnit(db, actor, { organisationId: row.org, name: row.name, municipalityCodes: ['219', '260'] }, units[key]);
	}
	// Municipal staff who would win on the place alone.
	for (let i = 0; i < 6; i++) await person(`HILSTAFF${i}`, i % 2 ? 'hil-ppr' : 'hil-bf', { topics: ['angst', 'selvskade'], ageGroups: ['13-17'], roles: ['udskrivning'], keyPerson: i === 0 });
});
afterEach(async () => ctx.cleanup());

describe('sector and organisation words steer the ranking', () => {
	it('"psykiatri udskrivning <kommune>": the municipality’s children’s discharge contact, not adult social psychiatry', async () => {
		await person('ADULT', 'hal-socpsyk', { title: 'Bostøtte', roles: ['udskrivning'], ageGroups: ['18-25'], topics: ['psykose'], keyPerson: true });
		await person('YOUTH', 'hal-kui', { title: 'Uddannelsesvejleder', roles: ['udskrivning'], ageGroups: ['13-17', '18-25'], topics: ['mistrivsel'], keyPerson: true });
		await person('CHILD', 'hal-bf', { title: 'Socialrådgiver', roles: ['udskrivning'], ageGroups: ['6-12', '13-17'], topics: ['selvskade'], keyPerson: true });
		await person('PSYCH', 'pcn-amb', { title: 'Sygeplejerske', roles: ['udskrivning'], ageGroups: ['18-25'], topics: ['psykose'] });
		for (const q of ['psykiatri udskrivning halsnæs', 'udskrivning fra psykiatrien til Halsnæs', 'udskrives fra hospitalet halsnæs']) {
			const result = await search(db, q, { type: 'person', log: false });
			expect(result.hits[0]?.ref, q).toBe('CHILD');
		}
	});

	it('"buc hillerød" and "børne- og ungdomspsykiatri hillerød": the centre’s Hillerød unit first, not municipal staff', async () => {
		await person('BUCHIL', 'buc-hil', { title: 'Overlæge', ageGroups: ['13-17'], topics: ['angst'] });
		await person('BUCBISP', 'buc-bisp', { title: 'Overlæge', ageGroups: ['13-17'], topics: ['angst'] });
		for (const q of ['buc hillerød', 'BUC Hillerod', 'børne- og ungdomspsykiatri hillerød', 'børnepsykiatrien i hillerød', 'ungdomspsykiatrisk hillerød']) {
			const result = await search(db, q, { type: 'person', log: false });
			expect(result.hits.slice(0, 2).map((h) => h.ref).sort(), q).toEqual(['BUCBISP', 'BUCHIL']);
			expect(result.hits[0].ref, q).toBe('BUCHIL');
		}
		// With a need too: the centre named is still whom to find.
		const need = await search(db, 'buc angst 15 år hillerød', { type: 'person', log: false });
		expect(need.hits[0].ref).toBe('BUCHIL');
	});

	it('"hospitalet", "regionen" and "kommunen" pick the sector', async () => {
		await person('HOSP', 'hosp-seng', { title: 'Sygeplejerske', ageGroups: ['13-17'], topics: ['selvskade'] });
		await person('PSYCH', 'pcn-amb', { title: 'Psykolog', ageGroups: ['18-25'], topics: ['selvskade'] });
		expect((await search(db, 'hospitalet hillerød', { type: 'person', log: false })).hits[0].ref).toBe('HOSP');
		expect((await search(db, 'sygehuset selvskade', { type: 'person', log: false })).hits[0].ref).toBe('HOSP');
		expect(['HOSP', 'PSYCH']).toContain((await search(db, 'regionen selvskade hillerød', { type: 'person', log: false })).hits[0].ref);
		expect((await search(db, 'psykiatrien selvskade', { type: 'person', log: false })).hits[0].ref).toBe('PSYCH');
		const municipal = await search(db, 'kommunen selvskade', { type: 'person', log: false });
		expect(municipal.hits[0].ref).toMatch(/^HILSTAFF/);
	});

	it('a thesaurus term pointing at an organisation or a unit finds its people', async () => {
		await person('BUCHIL', 'buc-hil', { title: 'Overlæge', ageGroups: ['13-17'], topics: ['angst'] });
		await person('BUCBISP', 'buc-bisp', { title: 'Overlæge', ageGroups: ['13-17'], topics: ['angst'] });
		expect((await search(db, 'kvistcentret hillerød', { type: 'person', log: false })).hits[0]?.ref).toMatch(/^HILSTAFF/);
		expect((await addThesaurusTerm(db, actor, { term: 'kvistcentret', kind: 'organisation', target: bucSlug, note: '' })).ok).toBe(true);
		const org = await search(db, 'kvistcentret hillerød', { type: 'person', log: false });
		expect(org.parsed.parts.map((p) => p.kind)).toContain('organisation');
		expect(org.hits[0].ref).toBe('BUCHIL');

		expect((await addThesaurusTerm(db, actor, { term: 'natmodtagelsen', kind: 'unit', target: `${bucSlug}/akutmodtagelse-bispebjerg`, note: '' })).ok).toBe(true);
		expect((await search(db, 'natmodtagelsen', { type: 'person', log: false })).hits[0].ref).toBe('BUCBISP');

		// An alias written as the organisation's name (how admins taught it before) means that organisation too.
		expect((await addThesaurusTerm(db, actor, { term: 'snurrepsyk', kind: 'alias', target: 'Børne- og Ungdomspsykiatrisk Center', note: '' })).ok).toBe(true);
		expect((await search(db, 'snurrepsyk hillerød', { type: 'person', log: false })).hits[0].ref).toBe('BUCHIL');
	});
});

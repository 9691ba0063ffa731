import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { organisationEditSchema, unitContactSchema, unitEditSchema } from '@/modules/directory/directory.schema';
import { addressLine, mapUrl } from '@/modules/directory/directory.address';
import { EditDenied, createOrganisation, createUnit, removeSharedContact, saveSharedContact, updateOrganisation, updateUnit } from '@/modules/directory/directory.editing';
import { findOrganisationById, findUnitById, listUnitContacts } from '@/modules/directory/directory.repository';
import { listAuditFor } from '@/modules/audit/audit.repository';
import { unitHistory } from '@/modules/directory/directory.history';
import { fieldErrors } from '@/lib/forms';

describe('Editing units and organisations', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('validates unit, contact and organisation forms in Danish', () => {
		expect(fieldErrors(unitEditSchema.safeParse({ name: '' }).error!).name).toBe('Skriv enhedens navn.');
		expect(fieldErrors(unitContactSchema.safeParse({ label: 'Team' }).error!).phone).toBe('Skriv et telefonnummer eller en e-mailadresse.');
		const org = fieldErrors(organisationEditSchema.safeParse({ name: 'X', type: 'firma', website: 'ikke en adresse', emailDomains: 'ok.dk\n@ikke gyldig' }).error!);
		expect(org).toMatchObject({ type: 'Vælg en organisationstype.', website: '"ikke en adresse" er ikke en gyldig webadresse. Skriv fx https://www.eksempel.dk.' });
		expect(org.emailDomains).toMatch(/"ikke gyldig" er ikke et gyldigt e-maildomæne/);
		expect(organisationEditSchema.parse({ name: 'X', type: 'andet', website: 'www.eksempel.dk', emailDomains: 'A.dk, @b.dk' })).toMatchObject({ website: 'https://www.eksempel.dk/', emailDomains: ['a.dk', 'b.dk'] });
	});

	it('saves a unit’s name, aliases and address with an audit entry, keeping its URL slug', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const input = unitEditSchema.parse({ name: 'PPR Testby', aliases: 'Pædagogisk Psykologisk Rådgivning\nPPR', description: 'Rådgivning om børn', address: 'Testvej 1' });
		expect(await updateUnit(db, editor, n.ppr, input)).toEqual({ ok: true, changed: true });
		const unit = (await findUnitById(db, n.ppr))!;
		expect(unit).toMatchObject({ name: 'PPR Testby', slug: 'ppr', aliases: ['Pædagogisk Psykologisk Rådgivning', 'PPR'], address: 'Testvej 1' });
		const [entry] = await listAuditFor(db, 'unit', n.ppr);
		expect(entry.changes.name).toEqual(['PPR', 'PPR Testby']);
		expect(entry.actor).toBe(editor.actor.label);
	});

	it('saves a visiting address (street, postcode, town) audited like the other fields, with a map link', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		expect(fieldErrors(unitEditSchema.safeParse({ name: 'PPR', postcode: '34OO' }).error!).postcode).toBe('"34OO" er ikke et postnummer. Skriv de 4 cifre, fx 3400.');
		const input = unitEditSchema.parse({ name: 'PPR', address: 'Trollesminde Allé 27', postcode: '3400', town: 'Hillerød' });
		expect(await updateUnit(db, editor, n.ppr, input)).toEqual({ ok: true, changed: true });
		const unit = (await findUnitById(db, n.ppr))!;
		expect(unit).toMatchObject({ address: 'Trollesminde Allé 27', postcode: '3400', town: 'Hillerød' });
		const [entry] = await listAuditFor(db, 'unit', n.ppr);
		expect(entry.changes).toMatchObject({ address: [null, 'Trollesminde Allé 27'], postcode: [null, '3400'], town: [null, 'Hillerød'] });
		expect(addressLine(unit)).toBe('Trollesminde Allé 27, 3400 Hillerød');
		expect(mapUrl(unit)).toBe('https://www.openstreetmap.org/search?query=Trollesminde%20All%C3%A9%2027%2C%203400%20Hiller%C3%B8d%2C%20Danmark');
		expect(mapUrl({ address: null, postcode: '3400', town: 'Hillerød' })).toBeNull();
	});

	it('refuses a unit name already used in the organisation, and an editor of another unit', async () => {
		const admin = as('admin');
		expect(await updateUnit(db, admin, n.ppr, unitEditSchema.parse({ name: 'Sundhedspleje' }))).toEqual({ ok: false, errors: { name: 'Testby Kommune har allerede en enhed, der hedder "Sundhedspleje".' } });
		await expect(updateUnit(db, as('unit_editor', { unitIds: [n.sundhed] }), n.ppr, unitEditSchema.parse({ name: 'X' }))).rejects.toBeInstanceOf(EditDenied);
	});

	it('lists the municipalities a volunteer unit serves', async () => {
		await updateUnit(db, as('admin'), n.ungeB, unitEditSchema.parse({ name: 'Ungerådgivning', municipalityCodes: ['219', '217'] }));
		expect((await findUnitById(db, n.ungeB))?.municipalityCodes.sort()).toEqual(['217', '219']);
	});

	it('adds, changes and removes a shared contact, each audited and shown in the unit’s history', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const added = await saveSharedContact(db, editor, n.ppr, unitContactSchema.parse({ label: 'Fælles postkasse', email: 'PPR-post@testkommune.example' }));
		expect(added.ok).toBe(true);
		const id = added.ok ? added.id : 0;
		await saveSharedContact(db, editor, n.ppr, unitContactSchema.parse({ contactId: String(id), label: 'Fælles postkasse', email: 'ppr-post@testkommune.example', phone: '48 00 00 55' }));
		expect((await listUnitContacts(db, [n.ppr])).find((c) => c.id === id)?.phone).toBe('+4548000055');
		await removeSharedContact(db, editor, n.ppr, id);
		expect((await listUnitContacts(db, [n.ppr])).some((c) => c.id === id)).toBe(false);
		const history = await unitHistory(db, n.ppr);
		const mine = history.filter((h) => h.entityLabel === 'Fælles postkasse').map((h) => h.actionLabel);
		expect(mine).toEqual(['Slettet', 'Ændret', 'Oprettet']);
		expect(history.find((h) => h.actionLabel === 'Ændret' && h.entityLabel === 'Fælles postkasse')?.changes).toContainEqual({ field: 'phone', label: 'Telefon', before: '—', after: '+45 48 00 00 55' });
	});

	it('refuses changing a contact of another unit through this unit', async () => {
		const [contact] = await listUnitContacts(db, [n.ppr]);
		const editor = as('unit_editor', { unitIds: [n.sundhed] });
		await expect(saveSharedContact(db, editor, n.sundhed, unitContactSchema.parse({ contactId: String(contact.id), label: 'Kapret', phone: '48000000' }))).rejects.toBeInstanceOf(EditDenied);
	});

	it('lets an organisation editor change name and description but not type or e-mail domains', async () => {
		const orgEditor = as('org_editor', { organisationIds: [n.orgA] });
		const input = organisationEditSchema.parse({ name: 'Testby Kommune', type: 'frivillig', municipalityCode: '219', description: 'Ny beskrivelse', emailDomains: 'gmail.com' });
		expect(await updateOrganisation(db, orgEditor, n.orgA, input)).toEqual({ ok: true, changed: true });
		expect(await findOrganisationById(db, n.orgA)).toMatchObject({ type: 'kommune', emailDomains: [], description: 'Ny beskrivelse' });
		await updateOrganisation(db, as('admin'), n.orgA, input);
		expect(await findOrganisationById(db, n.orgA)).toMatchObject({ type: 'frivillig', emailDomains: ['gmail.com'] });
		await expect(updateOrganisation(db, as('org_editor', { organisationIds: [n.orgB] }), n.orgA, input)).rejects.toBeInstanceOf(EditDenied);
		await expect(updateOrganisation(db, as('unit_editor', { unitIds: [n.ppr] }), n.orgA, input)).rejects.toBeInstanceOf(EditDenied);
	});

	it('lets an organisation editor edit its own units’ other names and areas served, and refuses another organisation’s editor', async () => {
		const orgB = as('org_editor', { organisationIds: [n.orgB] });
		const input = unitEditSchema.parse({ name: 'Ungerådgivning', aliases: 'Ungelinjen\nUR', municipalityCodes: ['219', '217'] });
		expect(await updateUnit(db, orgB, n.ungeB, input)).toEqual({ ok: true, changed: true });
		const served = async () => [...(await findUnitById(db, n.ungeB))!.municipalityCodes].sort();
		expect((await findUnitById(db, n.ungeB))!.aliases).toEqual(['Ungelinjen', 'UR']);
		expect(await served()).toEqual(['217', '219']);
		const [entry] = await listAuditFor(db, 'unit', n.ungeB);
		expect(entry.actor).toBe(orgB.actor.label);
		expect(Object.keys(entry.changes).sort()).toEqual(['aliases', 'municipalities']);
		// Another organisation's editor, and an editor of a unit in another organisation: refused, nothing written.
		for (const other of [as('org_editor', { organisationIds: [n.orgA] }), as('unit_editor', { unitIds: [n.ppr] })])
			await expect(updateUnit(db, other, n.ungeB, unitEditSchema.parse({ name: 'Kapret', municipalityCodes: ['101'] }))).rejects.toBeInstanceOf(EditDenied);
		expect((await findUnitById(db, n.ungeB))!.name).toBe('Ungerådgivning');
		expect(await served()).toEqual(['217', '219']);
	});

	it('lets an organisation editor add a unit to their own organisation only, audited, with its areas served', async () => {
		const orgB = as('org_editor', { organisationIds: [n.orgB] });
		const created = await createUnit(db, orgB, n.orgB, unitEditSchema.parse({ name: 'Sorggruppen', aliases: 'Sorg for unge', municipalityCodes: ['219'] }));
		expect(created).toMatchObject({ ok: true, slug: 'sorggruppen' });
		const unit = (await findUnitById(db, (created as { id: number }).id))!;
		expect(unit).toMatchObject({ organisationId: n.orgB, name: 'Sorggruppen', aliases: ['Sorg for unge'], municipalityCodes: ['219'] });
		expect((await listAuditFor(db, 'unit', unit.id))[0]).toMatchObject({ action: 'create', actor: orgB.actor.label });
		// The same name twice in one organisation is a Danish field message; another organisation may use it.
		expect(await createUnit(db, orgB, n.orgB, unitEditSchema.parse({ name: 'Sorggruppen' }))).toEqual({ ok: false, errors: { name: 'Frivillig Testforening har allerede en enhed, der hedder "Sorggruppen".' } });
		// A kommune's unit serves the kommune itself: areas are not stored for it.
		const admin = as('admin');
		const kommuneUnit = await createUnit(db, admin, n.orgA, unitEditSchema.parse({ name: 'Sorggruppen', municipalityCodes: ['217'] }));
		expect((await findUnitById(db, (kommuneUnit as { id: number }).id))!.municipalityCodes).toEqual(['219']);
		const units = async () => (await db.selectFrom('unit').select('id').execute()).length;
		const before = await units();
		for (const other of [as('org_editor', { organisationIds: [n.orgA] }), as('unit_editor', { unitIds: [n.ungeB] }), as('member')])
			await expect(createUnit(db, other, n.orgB, unitEditSchema.parse({ name: 'Kapret' }))).rejects.toBeInstanceOf(EditDenied);
		expect(await units()).toBe(before);
	});

	it('lets only network admins create an organisation, with the kommune rule and a unique name', async () => {
		const input = organisationEditSchema.parse({ name: 'Ny Forening', type: 'frivillig', emailDomains: 'nyforening.example', website: 'nyforening.example' });
		const created = await createOrganisation(db, as('admin'), input);
		expect(created).toMatchObject({ ok: true, slug: 'ny-forening' });
		expect(await findOrganisationById(db, (created as { id: number }).id)).toMatchObject({ name: 'Ny Forening', type: 'frivillig', emailDomains: ['nyforening.example'], website: 'https://nyforening.example/' });
		expect(await listAuditFor(db, 'organisation', (created as { id: number }).id)).toHaveLength(1);
		expect(await createOrganisation(db, as('admin'), input)).toEqual({ ok: false, errors: { name: 'Der findes allerede en organisation, der hedder "Ny Forening".' } });
		expect(await createOrganisation(db, as('admin'), organisationEditSchema.parse({ name: 'Ny Kommune', type: 'kommune' }))).toEqual({ ok: false, errors: { municipalityCode: 'En kommune skal have sin kommune valgt.' } });
		for (const other of [as('org_editor', { organisationIds: [n.orgA] }), as('unit_editor', { unitIds: [n.ppr] }), as('member')])
			await expect(createOrganisation(db, other, organisationEditSchema.parse({ name: 'Kapret', type: 'andet' }))).rejects.toBeInstanceOf(EditDenied);
	});
});

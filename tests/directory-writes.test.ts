/**
 * The one write path of the directory (directory.writes.ts): what is stored, and that every change — and only a
 * change — leaves an audit entry saying what it was. The editing and import tests go through it too; these pin the
 * parts they do not reach (found by the mutation run, issue 15).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { listAuditFor, systemActor } from '@/modules/audit/audit.repository';
import {
	deleteUnitContact,
	ensureOrganisation,
	ensureUnit,
	patchPerson,
	savePerson,
	saveOrganisation,
	saveUnit,
	saveUnitContact,
} from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';

const actor = systemActor('test');

function person(ref: string, unitId: number, extra: Partial<PersonInput> = {}): PersonInput {
	return {
		ref,
		firstName: 'Erik',
		lastName: 'Prøvesen',
		title: 'Sagsbehandler',
		unitId,
		municipalityCode: '219',
		phone: '+4548000009',
		mobile: null,
		email: `${ref.toLowerCase()}@testkommune.example`,
		hours: 'Man-fre 8-15',
		note: '',
		keyPerson: false,
		status: 'active',
		successorId: null,
		verifiedAt: '2025-01-01',
		topics: [],
		roles: [],
		ageGroups: [],
		...extra,
	};
}

describe('Directory writes', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let orgId: number;
	let unitId: number;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		orgId = (await ensureOrganisation(db, actor, { name: 'Prøveby Kommune', type: 'kommune', municipalityCode: '219' })).id;
		unitId = (await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen' })).id;
	});
	afterEach(() => cleanup());

	const org = (id: number) => db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	const unit = (id: number) => db.selectFrom('unit').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	const personRow = (id: number) => db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

	it('gives a new organisation a unique URL slug, audits its creation, and audits an edit field by field', async () => {
		expect((await org(orgId)).slug).toBe('proeveby-kommune');
		const twin = await saveOrganisation(db, actor, { name: 'Prøveby  Kommune', type: 'andet', municipalityCode: null });
		expect(twin.action).toBe('created');
		expect((await org(twin.id)).slug).toBe('proeveby-kommune-2');
		const third = await saveOrganisation(db, actor, { name: 'Prøveby-Kommune', type: 'andet', municipalityCode: null });
		expect((await org(third.id)).slug).toBe('proeveby-kommune-3');
		const noLetters = await saveOrganisation(db, actor, { name: '§§', type: 'andet', municipalityCode: null });
		expect((await org(noLetters.id)).slug).toBe('organisation');
		const [created] = await listAuditFor(db, 'organisation', twin.id);
		expect(created).toMatchObject({ action: 'create', entityLabel: 'Prøveby  Kommune', actor: 'system:test' });
		expect(created.changes.type).toEqual([null, 'andet']);

		const same = await saveOrganisation(db, actor, { name: 'Prøveby  Kommune', type: 'andet', municipalityCode: null }, twin.id);
		expect(same.action).toBe('unchanged');
		expect(await listAuditFor(db, 'organisation', twin.id)).toHaveLength(1);

		const edited = await saveOrganisation(db, actor, { name: 'Prøveby  Kommune', type: 'andet', municipalityCode: null, website: 'https://proeveby.example/', phone: '+4548000100', email: 'post@proeveby.example', emailDomains: ['proeveby.example'] }, twin.id);
		expect(edited.action).toBe('updated');
		expect(await org(twin.id)).toMatchObject({ website: 'https://proeveby.example/', phone: '+4548000100', email: 'post@proeveby.example', email_domains: '["proeveby.example"]', slug: 'proeveby-kommune-2' });
		const [update] = await listAuditFor(db, 'organisation', twin.id);
		expect(update.action).toBe('update');
		expect(Object.keys(update.changes).sort()).toEqual(['email', 'email_domains', 'phone', 'website']);
		expect(update.changes.phone).toEqual([null, '+4548000100']);
		// A save that leaves the optional fields out (the import) keeps them and claims no change.
		expect((await saveOrganisation(db, actor, { name: 'Prøveby  Kommune', type: 'andet', municipalityCode: null }, twin.id)).action).toBe('unchanged');
		expect(await org(twin.id)).toMatchObject({ website: 'https://proeveby.example/', phone: '+4548000100', email: 'post@proeveby.example' });
	});

	it('keeps a unit slug unique within its organisation only, and names a unit without letters "enhed"', async () => {
		expect((await unit(unitId)).slug).toBe('familieafdelingen');
		const other = await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen!' });
		expect((await unit(other.id)).slug).toBe('familieafdelingen-2');
		const third = await saveUnit(db, actor, { organisationId: orgId, name: 'familieafdelingen' });
		expect((await unit(third.id)).slug).toBe('familieafdelingen-3');
		const orgB = (await ensureOrganisation(db, actor, { name: 'Anden Kommune', type: 'kommune', municipalityCode: '217' })).id;
		const elsewhere = await saveUnit(db, actor, { organisationId: orgB, name: 'Familieafdelingen' });
		expect((await unit(elsewhere.id)).slug).toBe('familieafdelingen');
		const noLetters = await saveUnit(db, actor, { organisationId: orgId, name: '§§' });
		expect((await unit(noLetters.id)).slug).toBe('enhed');
		const [created] = await listAuditFor(db, 'unit', other.id);
		expect(created).toMatchObject({ action: 'create', entityLabel: 'Familieafdelingen!' });
	});

	it('audits a change of only the municipalities a unit serves, and nothing when they are the same', async () => {
		const first = await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', municipalityCodes: ['219', '217'] }, unitId);
		expect(first.action).toBe('updated');
		const served = async () => (await db.selectFrom('unit_municipality').select('municipality_code').where('unit_id', '=', unitId).execute()).map((r) => r.municipality_code).sort();
		expect(await served()).toEqual(['217', '219']);
		const [entry] = await listAuditFor(db, 'unit', unitId);
		expect(entry).toMatchObject({ action: 'update', entityLabel: 'Familieafdelingen' });
		expect(entry.changes.municipalities).toEqual([[], ['219', '217']]);

		const again = await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', municipalityCodes: ['217', '219'] }, unitId);
		expect(again.action).toBe('unchanged');
		expect(await listAuditFor(db, 'unit', unitId)).toHaveLength(2);

		const cleared = await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', municipalityCodes: [] }, unitId);
		expect(cleared.action).toBe('updated');
		expect(await served()).toEqual([]);
		// Another unit's municipalities are not touched.
		const other = await saveUnit(db, actor, { organisationId: orgId, name: 'Sundhedspleje', municipalityCodes: ['219'] });
		expect((await listAuditFor(db, 'unit', other.id))[0].changes.municipalities).toEqual([[], ['219']]);
		await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', municipalityCodes: ['217'] }, unitId);
		expect((await db.selectFrom('unit_municipality').select('municipality_code').where('unit_id', '=', other.id).execute()).map((r) => r.municipality_code)).toEqual(['219']);
	});

	it('stores an after-hours line with what it takes, and an empty note when none is given', async () => {
		const saved = await saveUnitContact(db, actor, { unitId, label: 'Socialvagten', phone: '+4548000111', email: null, hours: 'Alle dage 0-24', afterHours: true, takes: 'Akutte underretninger' });
		const row = await db.selectFrom('unit_contact').selectAll().where('id', '=', saved.id).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ label: 'Socialvagten', note: '', after_hours: 1, takes: 'Akutte underretninger' });
		const plain = await saveUnitContact(db, actor, { unitId, label: 'Hovednummer', phone: '+4548000112', email: null, hours: null, afterHours: false });
		expect((await db.selectFrom('unit_contact').select('after_hours').where('id', '=', plain.id).executeTakeFirstOrThrow()).after_hours).toBe(0);
		const [created] = await listAuditFor(db, 'unit_contact', saved.id);
		expect(created).toMatchObject({ action: 'create', entityLabel: 'Socialvagten' });
		expect(created.changes.phone).toEqual([null, '+4548000111']);
	});

	it('deletes only the chosen shared contact, and its audit entry keeps what it was', async () => {
		const keep = await saveUnitContact(db, actor, { unitId, label: 'Hovednummer', phone: '+4548000112', email: null, hours: null });
		const gone = await saveUnitContact(db, actor, { unitId, label: 'Fælles postkasse', phone: null, email: 'post@proeveby.example', hours: 'Man-fre 9-14', note: 'Svar inden for 3 dage' });
		const outcome = await deleteUnitContact(db, { label: 'editor@proeveby.example', userId: null }, gone.id);
		expect(outcome.id).toBe(gone.id);
		const left = await db.selectFrom('unit_contact').select('id').where('unit_id', '=', unitId).execute();
		expect(left.map((r) => r.id)).toEqual([keep.id]);
		const [entry] = await listAuditFor(db, 'unit_contact', gone.id);
		expect(entry).toMatchObject({ action: 'delete', entityLabel: 'Fælles postkasse', actor: 'editor@proeveby.example' });
		expect(entry.changes).toMatchObject({ label: ['Fælles postkasse', null], email: ['post@proeveby.example', null], hours: ['Man-fre 9-14', null], note: ['Svar inden for 3 dage', null] });
		expect(entry.changes.unit_id).toEqual([unitId, null]);
		expect(entry.changes).not.toHaveProperty('phone');
		expect(entry.changes).not.toHaveProperty('created_at');
	});

	it('gives a new person the documented visibility defaults unless chosen, and de-duplicates tags', async () => {
		const plain = await savePerson(db, actor, person('W001', unitId, { topics: ['angst', 'angst'], roles: ['akut', 'akut'], ageGroups: ['13-17', '13-17'] }));
		expect(plain.action).toBe('created');
		expect(await personRow(plain.id)).toMatchObject({ phone_visibility: 'public', mobile_visibility: 'members', email_visibility: 'public', left_at: null });
		const tags = async (id: number) => ({
			topics: (await db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', id).execute()).map((r) => r.topic_slug),
			roles: (await db.selectFrom('person_role').select('role_slug').where('person_id', '=', id).execute()).map((r) => r.role_slug),
			ageGroups: (await db.selectFrom('person_age_group').select('age_group_slug').where('person_id', '=', id).execute()).map((r) => r.age_group_slug),
		});
		expect(await tags(plain.id)).toEqual({ topics: ['angst'], roles: ['akut'], ageGroups: ['13-17'] });
		const chosen = await savePerson(db, actor, person('W002', unitId, { phoneVisibility: 'members', mobileVisibility: 'public', emailVisibility: 'members' }));
		expect(await personRow(chosen.id)).toMatchObject({ phone_visibility: 'members', mobile_visibility: 'public', email_visibility: 'members' });
		const [created] = await listAuditFor(db, 'person', plain.id);
		expect(created).toMatchObject({ action: 'create', entityLabel: 'Erik Prøvesen' });
		expect(created.changes.phone_visibility).toEqual([null, 'public']);

		// Changing one kind of tag rewrites that kind only; emptying it removes them all.
		await savePerson(db, actor, person('W001', unitId, { topics: [], roles: ['akut', 'screening', 'screening'], ageGroups: ['13-17'] }), plain.id);
		expect(await tags(plain.id)).toEqual({ topics: [], roles: ['akut', 'screening'], ageGroups: ['13-17'] });
		await savePerson(db, actor, person('W001', unitId, { topics: [], roles: ['akut', 'screening'], ageGroups: [] }), plain.id);
		expect(await tags(plain.id)).toEqual({ topics: [], roles: ['akut', 'screening'], ageGroups: [] });
	});

	it('finds a person by ref without an id, stamps left_at the day they leave, and clears it when they return', async () => {
		const saved = await savePerson(db, actor, person('W003', unitId));
		const same = await savePerson(db, actor, person('W003', unitId));
		expect(same).toMatchObject({ id: saved.id, action: 'unchanged' });
		expect(await listAuditFor(db, 'person', saved.id)).toHaveLength(1);

		const leaving = new Date('2026-03-02T10:00:00.000Z');
		const left = await savePerson(db, actor, person('W003', unitId, { status: 'left' }), saved.id, { now: leaving });
		expect(left.action).toBe('updated');
		expect(await personRow(saved.id)).toMatchObject({ status: 'left', left_at: '2026-03-02T10:00:00.000Z', updated_at: '2026-03-02T10:00:00.000Z' });
		const [entry] = await listAuditFor(db, 'person', saved.id);
		expect(entry).toMatchObject({ action: 'left', at: '2026-03-02T10:00:00.000Z' });
		expect(entry.changes.status).toEqual(['active', 'left']);

		// A later edit of someone who already left keeps the day they left and is an ordinary update.
		await savePerson(db, actor, person('W003', unitId, { status: 'left', title: 'Tidligere sagsbehandler' }), saved.id, { now: new Date('2026-04-01T10:00:00.000Z') });
		expect((await personRow(saved.id)).left_at).toBe('2026-03-02T10:00:00.000Z');
		expect((await listAuditFor(db, 'person', saved.id))[0].action).toBe('update');

		await savePerson(db, actor, person('W003', unitId, { status: 'active' }), saved.id);
		expect(await personRow(saved.id)).toMatchObject({ status: 'active', left_at: null });

		const gone = await savePerson(db, actor, person('W004', unitId, { status: 'left' }), undefined, { now: leaving });
		expect((await personRow(gone.id)).left_at).toBe('2026-03-02T10:00:00.000Z');
	});

	it('changes a few person columns with an audit entry under the given action, touching updated_at only when asked', async () => {
		const saved = await savePerson(db, actor, person('W005', unitId), undefined, { now: new Date('2026-01-01T00:00:00.000Z') });
		expect(await patchPerson(db, actor, saved.id, { verified_at: '2025-01-01' })).toMatchObject({ action: 'unchanged' });
		expect(await listAuditFor(db, 'person', saved.id)).toHaveLength(1);

		const flagged = await patchPerson(db, actor, saved.id, { needs_attention: 'Telefonnummeret svarer ikke' }, 'flag', { touchUpdatedAt: false });
		expect(flagged.action).toBe('updated');
		expect((await personRow(saved.id)).updated_at).toBe('2026-01-01T00:00:00.000Z');
		const [entry] = await listAuditFor(db, 'person', saved.id);
		expect(entry).toMatchObject({ action: 'flag', entityLabel: 'Erik Prøvesen' });

		await patchPerson(db, actor, saved.id, { verified_at: '2026-02-01' });
		expect((await personRow(saved.id)).updated_at).not.toBe('2026-01-01T00:00:00.000Z');
		expect((await listAuditFor(db, 'person', saved.id))[0]).toMatchObject({ action: 'update', changes: { verified_at: ['2025-01-01', '2026-02-01'] } });
	});

	it('finds an organisation by name and a unit by name or alias, any case, creating (audited) only what is missing', async () => {
		const found = await ensureOrganisation(db, actor, { name: 'Prøveby Kommune', type: 'andet', municipalityCode: null });
		expect(found).toEqual({ id: orgId, created: false, type: 'kommune', municipalityCode: '219' });
		const made = await ensureOrganisation(db, actor, { name: 'Ny Forening', type: 'frivillig', municipalityCode: null });
		expect(made).toMatchObject({ created: true, type: 'frivillig', municipalityCode: null });
		expect(await listAuditFor(db, 'organisation', made.id)).toHaveLength(1);

		await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', aliases: ['BoF', 'Børn og Familie'] }, unitId);
		expect(await ensureUnit(db, actor, orgId, '  FAMILIEAFDELINGEN ')).toEqual({ id: unitId, created: false });
		expect(await ensureUnit(db, actor, orgId, 'børn og familie')).toEqual({ id: unitId, created: false });
		const orgB = (await ensureOrganisation(db, actor, { name: 'Anden Kommune', type: 'kommune', municipalityCode: '217' })).id;
		const elsewhere = await ensureUnit(db, actor, orgB, 'Familieafdelingen');
		expect(elsewhere.created).toBe(true);
		const created = await ensureUnit(db, actor, orgId, '  Myndighed  ');
		expect(created.created).toBe(true);
		expect((await unit(created.id)).name).toBe('Myndighed');
		expect((await listAuditFor(db, 'unit', created.id))[0]).toMatchObject({ action: 'create', entityLabel: 'Myndighed' });
	});

	it('creates a unit with its municipalities as one create entry, and reports a renamed unit as updated', async () => {
		const made = await saveUnit(db, actor, { organisationId: orgId, name: 'Ungeindsatsen', municipalityCodes: ['219'] });
		expect(made.action).toBe('created');
		expect(await listAuditFor(db, 'unit', made.id)).toMatchObject([{ action: 'create' }]);
		expect((await saveUnit(db, actor, { organisationId: orgId, name: 'Ungeindsats' }, made.id)).action).toBe('updated');
	});

	it('keeps a unit’s optional fields and updated_at when a save leaves them out or changes nothing', async () => {
		await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', aliases: ['Børn og Familie'], description: 'Rådgivning', address: 'Prøvevej 1', postcode: '3400', town: 'Hillerød' }, unitId);
		await db.updateTable('unit').set({ updated_at: '2025-01-01T00:00:00.000Z' }).where('id', '=', unitId).execute();
		const audits = (await listAuditFor(db, 'unit', unitId)).length;
		// The import updates only the municipalities served.
		const outcome = await saveUnit(db, actor, { organisationId: orgId, name: 'Familieafdelingen', municipalityCodes: ['219'] }, unitId);
		expect(Object.keys(outcome.changes)).toEqual(['municipalities']);
		expect(await unit(unitId)).toMatchObject({ aliases: '["Børn og Familie"]', description: 'Rådgivning', address: 'Prøvevej 1', postcode: '3400', town: 'Hillerød', updated_at: '2025-01-01T00:00:00.000Z' });
		expect(await listAuditFor(db, 'unit', unitId)).toHaveLength(audits + 1);
	});

	const SCHEDULE = '{"rules":[{"days":[1,2,3,4,5],"from":480,"to":900}],"exceptions":[]}';

	it('keeps a shared contact’s after-hours flag, what it takes and its weekly schedule when the form leaves them out', async () => {
		const saved = await saveUnitContact(db, actor, { unitId, label: 'Socialvagten', phone: '+4548000111', email: null, hours: 'Man-fre 8-15', hoursSchedule: SCHEDULE, afterHours: true, takes: 'Akutte underretninger' });
		const row = () => db.selectFrom('unit_contact').selectAll().where('id', '=', saved.id).executeTakeFirstOrThrow();
		expect((await row()).hours_schedule).toBe(SCHEDULE);
		const same = await saveUnitContact(db, actor, { unitId, label: 'Socialvagten', phone: '+4548000111', email: null, hours: 'Man-fre 8-15' }, saved.id);
		expect(same).toMatchObject({ id: saved.id, action: 'unchanged' });
		const noted = await saveUnitContact(db, actor, { unitId, label: 'Socialvagten', phone: '+4548000111', email: null, hours: 'Man-fre 8-15', note: 'Kun akutte sager' }, saved.id);
		expect(noted).toMatchObject({ id: saved.id, action: 'updated' });
		expect(Object.keys(noted.changes)).toEqual(['note']);
		expect(await row()).toMatchObject({ after_hours: 1, takes: 'Akutte underretninger', hours_schedule: SCHEDULE });
		expect(await listAuditFor(db, 'unit_contact', saved.id)).toHaveLength(2);
	});

	it('lets new hours text win over a shared contact’s stored schedule, unless a schedule comes with it', async () => {
		const saved = await saveUnitContact(db, actor, { unitId, label: 'Hovednummer', phone: '+4548000112', email: null, hours: 'Man-fre 8-15', hoursSchedule: SCHEDULE });
		expect(saved.action).toBe('created');
		const schedule = async () => (await db.selectFrom('unit_contact').select('hours_schedule').where('id', '=', saved.id).executeTakeFirstOrThrow()).hours_schedule;
		const given = '{"rules":[{"days":[1,2,3,4],"from":480,"to":900}],"exceptions":[]}';
		await saveUnitContact(db, actor, { unitId, label: 'Hovednummer', phone: '+4548000112', email: null, hours: 'Man-tor 8-15', hoursSchedule: given }, saved.id);
		expect(await schedule()).toBe(given);
		await saveUnitContact(db, actor, { unitId, label: 'Hovednummer', phone: '+4548000112', email: null, hours: 'Man-fre 9-14' }, saved.id);
		expect(await schedule()).toBeNull();
	});

	it('keeps a person’s deputy, away period and weekly schedule when a save (the import) leaves them out, and lets new hours text win', async () => {
		const deputy = await savePerson(db, actor, person('W006', unitId));
		const saved = await savePerson(db, actor, person('W007', unitId, { deputyId: deputy.id, awayFrom: '2026-07-01', awayUntil: '2026-07-20', hoursSchedule: SCHEDULE }));
		expect((await personRow(saved.id)).hours_schedule).toBe(SCHEDULE);
		const edited = await savePerson(db, actor, person('W007', unitId, { title: 'Teamleder' }), saved.id);
		expect(Object.keys(edited.changes)).toEqual(['title']);
		expect(await personRow(saved.id)).toMatchObject({ deputy_id: deputy.id, away_from: '2026-07-01', away_until: '2026-07-20', hours_schedule: SCHEDULE });
		await savePerson(db, actor, person('W007', unitId, { title: 'Teamleder', hours: 'Man-tor 8-15' }), saved.id);
		expect((await personRow(saved.id)).hours_schedule).toBeNull();
		const given = '{"rules":[{"days":[1,2,3],"from":480,"to":900}],"exceptions":[]}';
		await savePerson(db, actor, person('W007', unitId, { title: 'Teamleder', hours: 'Man-ons 8-15', hoursSchedule: given }), saved.id);
		expect((await personRow(saved.id)).hours_schedule).toBe(given);
	});
});

/**
 * Issue 9, item 2: the work phone is public by default (each person may restrict it), the mobile
 * members-only — for new entries (write path and form) and for existing ones still at the old default
 * (migration 0008), and the vCard carries the phone when the viewer may see it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { loadPersonPage } from '@/modules/directory/directory.views';
import { buildVCard } from '@/modules/directory/directory.vcard';
import { newPersonSchema } from '@/modules/directory/directory.schema';
import { DEFAULT_VISIBILITY } from '@/modules/directory/directory.rules';
import * as m0008 from '@db/migrations/0008_phone_public';

const actor = systemActor('test');
let db: Db;
let cleanup: () => Promise<void>;
let unitId: number;
beforeEach(async () => {
	({ db, cleanup } = await createTestDb());
	const org = await ensureOrganisation(db, actor, { name: 'Halsnæs Kommune', type: 'kommune', municipalityCode: '260' });
	unitId = (await ensureUnit(db, actor, org.id, 'Ungecenter')).id;
});
afterEach(async () => cleanup());

const input = (ref: string, extra: Partial<PersonInput> = {}): PersonInput => ({
	ref, firstName: 'Nøgle', lastName: ref, title: 'Nøgleperson', unitId, municipalityCode: '260', phone: '+4547781234', mobile: '+4520304050',
	email: `${ref.toLowerCase()}@halsnaes.example`, hours: '', note: '', keyPerson: true, status: 'active', successorId: null, verifiedAt: '2026-10-01',
	topics: [], roles: [], ageGroups: [], ...extra,
});

describe('The work phone is public by default', () => {
	it('for a new entry: an anonymous visitor sees the direct number on the page and in the vCard, not the mobile', async () => {
		expect(DEFAULT_VISIBILITY).toEqual({ phone: 'public', mobile: 'members', email: 'public' });
		await savePerson(db, actor, input('N1'));
		const page = await loadPersonPage(db, 'N1', { signedIn: false });
		expect(page!.contact).toMatchObject({ phone: '+4547781234', mobile: null, email: 'n1@halsnaes.example' });
		const card = buildVCard({ ref: 'N1', firstName: 'Nøgle', lastName: 'N1', title: 'Nøgleperson', organisationName: 'Halsnæs Kommune', unitName: 'Ungecenter', phone: page!.contact.phone, mobile: page!.contact.mobile, email: page!.contact.email, hours: '', status: 'active', successorName: null, url: 'http://x/personer/N1', updatedAt: '2026-10-01T00:00:00Z' });
		expect(card).toContain('TEL;TYPE=WORK,VOICE:+4547781234');
		expect(card).not.toContain('CELL');
	});

	it('in the editor\'s form for a new person', () => {
		const shape = newPersonSchema.shape;
		expect([shape.phoneVisibility.parse(undefined), shape.mobileVisibility.parse(undefined), shape.emailVisibility.parse(undefined)]).toEqual(['public', 'members', 'public']);
	});

	it('still lets a person restrict their phone to members', async () => {
		await savePerson(db, actor, input('R1', { phoneVisibility: 'members' }));
		expect((await loadPersonPage(db, 'R1', { signedIn: false }))!.contact.phone).toBeNull();
	});
});

describe('Migration 0008_phone_public', () => {
	it('flips entries still at the old default and keeps a deliberate choice, with an audit entry per flip', async () => {
		const old = await savePerson(db, actor, input('OLD', { phoneVisibility: 'members' })); // created at the old default
		const chose = await savePerson(db, actor, input('CHOSE'));
		await savePerson(db, actor, input('CHOSE', { phoneVisibility: 'members' }), chose.id); // a deliberate later change
		const hidden = await savePerson(db, actor, input('HID', { phoneVisibility: 'hidden' }));
		await m0008.up(db);
		const vis = async (id: number) => (await db.selectFrom('person').select('phone_visibility').where('id', '=', id).executeTakeFirstOrThrow()).phone_visibility;
		expect([await vis(old.id), await vis(chose.id), await vis(hidden.id)]).toEqual(['public', 'members', 'hidden']);
		const audit = await db.selectFrom('audit_log').select(['entity_id', 'changes']).where('actor', '=', 'system:migration 0008_phone_public').execute();
		expect(audit).toEqual([{ entity_id: old.id, changes: '{"phone_visibility":["members","public"]}' }]);
		await m0008.down(db);
		expect(await vis(old.id)).toBe('members');
		expect(await vis(chose.id)).toBe('members');
	});
});

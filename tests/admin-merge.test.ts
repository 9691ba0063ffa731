import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { listAudit, parseAuditFilter } from '@/modules/admin/admin.audit';
import { findDuplicates, mergePeople, resolveMergedRef } from '@/modules/admin/admin.merge';
import { addVocabularyItem, saveMunicipalityMembership, saveVocabularyItem } from '@/modules/admin/admin.reference';
import { personHistory } from '@/modules/directory/directory.history';
import { savePerson } from '@/modules/directory/directory.writes';
import { search, searchIndexSettled } from '@/modules/search/search.service';
import { as, buildNetwork } from './helpers/editing-network';
import { createTestDb } from './helpers/test-db';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups) await c();
	cleanups = [];
});

async function setup() {
	const t = await createTestDb();
	cleanups.push(t.cleanup);
	const net = await buildNetwork(t.db);
	const base = { title: 'Psykolog', municipalityCode: '219', mobile: null, hours: '', note: '', keyPerson: false, status: 'active' as const, successorId: null, verifiedAt: '2026-02-01', roles: [], ageGroups: [] };
	// A second entry for Alma (typo in the name, another unit of the same organisation, own phone).
	const almaTwin = (await savePerson(t.db, systemActor('test'), { ...base, ref: 'T005', firstName: 'Alma', lastName: 'Testsen', unitId: net.sundhed, phone: '+4548111111', email: null, topics: ['sorg'] })).id;
	// Cille's e-mail, in the other organisation.
	const cilleTwin = (await savePerson(t.db, systemActor('test'), { ...base, ref: 'T006', firstName: 'C.', lastName: 'Øvelund-Berg', unitId: net.ungeB, phone: '+4548222222', email: 'cille@testkommune.example', topics: [] })).id;
	return { db: t.db, net, almaTwin, cilleTwin };
}

const now = () => new Date().toISOString();
async function addUser(db: Db, email: string, personId: number) {
	return (await db.insertInto('user').values({ email, role: 'member', status: 'active', person_id: personId, created_at: now() }).returning('id').executeTakeFirstOrThrow()).id;
}
async function addEvent(db: Db, slug: string) {
	return (await db.insertInto('event').values({ slug, title: slug, starts_at: '2027-01-01T08:00:00Z', ends_at: '2027-01-01T12:00:00Z', capacity: 10, created_at: now(), updated_at: now() }).returning('id').executeTakeFirstOrThrow()).id;
}
async function register(db: Db, eventId: number, userId: number, email: string) {
	await db.insertInto('event_registration').values({ event_id: eventId, user_id: userId, name: 'x', email, status: 'confirmed', created_at: now(), updated_at: now() }).execute();
}

describe('duplicate finder', () => {
	it('finds same e-mail and similar names, and shows editors only pairs inside what they edit', async () => {
		const { db, net } = await setup();
		const admin = await findDuplicates(db, as('admin').perms);
		const pairs = admin.map((p) => [p.a.ref, p.b.ref, p.reasons]);
		expect(pairs).toContainEqual(['T001', 'T005', ['Lignende navn i samme organisation']]);
		expect(pairs).toContainEqual(['T003', 'T006', ['Samme e-mail']]);
		// Four people share the team's switchboard number: that is not a duplicate.
		expect(admin.some((p) => p.reasons.includes('Samme telefonnummer'))).toBe(false);
		// A number only two entries share is: Alma's twin's own line as someone's mobile in the other organisation.
		await savePerson(db, systemActor('test'), { title: 'Rådgiver', municipalityCode: null, phone: null, hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: '2026-02-01', roles: [], ageGroups: [], topics: [], ref: 'T007', firstName: 'Kim', lastName: 'Holm', unitId: net.ungeB, mobile: '+4548111111', email: null });
		expect((await findDuplicates(db, as('admin').perms)).map((p) => [p.a.ref, p.b.ref, p.reasons])).toContainEqual(['T005', 'T007', ['Samme telefonnummer']]);

		const orgA = await findDuplicates(db, as('org_editor', { organisationIds: [net.orgA] }).perms);
		expect(orgA.map((p) => [p.a.ref, p.b.ref])).toEqual([['T001', 'T005']]);
		expect(await findDuplicates(db, as('org_editor', { organisationIds: [net.orgB] }).perms)).toEqual([]);
	});
});

describe('merging two entries', () => {
	it('keeps both histories, moves tags, reports and the account with its registrations, and leaves the old ref resolving', async () => {
		const { db, net, almaTwin } = await setup();
		const userId = await addUser(db, 'alma.privat@testkommune.example', almaTwin);
		const eventId = await addEvent(db, 'temadag-1');
		await register(db, eventId, userId, 'alma.privat@testkommune.example');
		await db.insertInto('correction').values({ person_id: almaTwin, kind: 'number', message: 'Nummeret virker ikke', created_at: now() }).execute();

		const editor = as('org_editor', { organisationIds: [net.orgA] });
		const result = await mergePeople(db, editor, 'T001', 'T005');
		expect(result).toEqual({ ok: true, keptRef: 'T001' });

		expect(await db.selectFrom('person').select('id').where('ref', '=', 'T005').executeTakeFirst()).toBeUndefined();
		expect(await resolveMergedRef(db, 'T005')).toBe('T001');
		expect(await resolveMergedRef(db, 'T001')).toBeNull();
		const topics = (await db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', net.leader).execute()).map((r) => r.topic_slug).sort();
		expect(topics).toEqual(['angst', 'selvmord', 'sorg']);
		expect((await db.selectFrom('user').select('person_id').where('id', '=', userId).executeTakeFirstOrThrow()).person_id).toBe(net.leader);
		expect((await db.selectFrom('correction').select('person_id').executeTakeFirstOrThrow()).person_id).toBe(net.leader);
		expect((await db.selectFrom('event_registration').select('user_id').executeTakeFirstOrThrow()).user_id).toBe(userId);

		// History: Alma's own creation, the twin's creation (its old id) and the merge, in one list.
		const history = await personHistory(db, net.leader);
		const actions = history.map((h) => JSON.stringify(h));
		expect(actions.filter((a) => a.includes('Oprettet')).length).toBe(2);
		expect(actions.some((a) => a.includes('Flettet med en dublet') && a.includes('T005'))).toBe(true);
		// Audited, and findable in the viewer by the old ref.
		const log = await listAudit(db, parseAuditFilter(new URLSearchParams({ person: 'T005' })));
		expect(log.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['merge', 'merged_into', 'create']));
		expect(log.rows.every((r) => r.entityType === 'person')).toBe(true);
	});

	it('moves the merged account’s registrations to the kept account when both have one, skipping events both attend', async () => {
		const { db, net, almaTwin } = await setup();
		const keptUser = await addUser(db, 'alma@testkommune.example', net.leader);
		const twinUser = await addUser(db, 'alma.privat@testkommune.example', almaTwin);
		const both = await addEvent(db, 'begge');
		const only = await addEvent(db, 'kun-tvilling');
		await register(db, both, keptUser, 'alma@testkommune.example');
		await register(db, both, twinUser, 'alma.privat@testkommune.example');
		await register(db, only, twinUser, 'alma.privat@testkommune.example');
		// Group memberships: the twin's account is in a supervision group the kept account is not in.
		const group = (await db.insertInto('supervision_group').values({ slug: 'gruppe', title: 'Gruppe', created_at: now(), updated_at: now() }).returning('id').executeTakeFirstOrThrow()).id;
		await db.insertInto('supervision_membership').values({ group_id: group, user_id: twinUser, name: 'Alma', email: 'alma.privat@testkommune.example', profession: 'psykolog', status: 'approved', queue_seq: null, offered_until: null, applied_at: now(), joined_at: now(), left_at: null, updated_at: now() }).execute();
		expect((await mergePeople(db, as('admin'), 'T001', 'T005')).ok).toBe(true);
		expect(await db.selectFrom('supervision_membership').select(['group_id', 'user_id']).execute()).toEqual([{ group_id: group, user_id: keptUser }]);
		// Roles, topics and age groups: the union, on the kept entry.
		expect((await db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', net.leader).orderBy('topic_slug').execute()).map((r) => r.topic_slug)).toEqual(['angst', 'selvmord', 'sorg']);
		expect((await db.selectFrom('person_role').select('role_slug').where('person_id', '=', net.leader).orderBy('role_slug').execute()).map((r) => r.role_slug)).toEqual(['akut', 'udskrivning']);
		const merge = (await listAudit(db, parseAuditFilter(new URLSearchParams({ person: 'T001' })))).rows.find((r) => r.action === 'merge')!;
		expect(merge.changes.find((c) => c.field === 'group_memberships_moved')).toEqual({ field: 'group_memberships_moved', before: '0', after: '1' });
		const regs = await db.selectFrom('event_registration').select(['event_id', 'user_id']).orderBy('id').execute();
		expect(regs).toEqual([
			{ event_id: both, user_id: keptUser },
			{ event_id: both, user_id: twinUser },
			{ event_id: only, user_id: keptUser },
		]);
		expect((await db.selectFrom('user').select('person_id').where('id', '=', twinUser).executeTakeFirstOrThrow()).person_id).toBeNull();
	});

	it('refuses an organisation editor who does not edit both people, and changes nothing', async () => {
		const { db, net } = await setup();
		const auditBefore = (await listAudit(db, parseAuditFilter(new URLSearchParams()))).total;
		const orgB = as('org_editor', { organisationIds: [net.orgB] });
		expect(await mergePeople(db, orgB, 'T006', 'T003')).toMatchObject({ ok: false });
		expect(await mergePeople(db, as('org_editor', { organisationIds: [net.orgA] }), 'T003', 'T006')).toMatchObject({ ok: false });
		expect(await mergePeople(db, as('unit_editor', { unitIds: [net.ppr] }), 'T001', 'T005')).toMatchObject({ ok: false });
		expect(await db.selectFrom('person').select('ref').where('ref', 'in', ['T003', 'T005', 'T006']).execute()).toHaveLength(3);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams()))).total).toBe(auditBefore);
	});
});

describe('audit log viewer', () => {
	it('filters by editor, entity type and Copenhagen dates, newest first, paged', async () => {
		const { db } = await setup();
		const all = await listAudit(db, parseAuditFilter(new URLSearchParams()));
		expect(all.total).toBeGreaterThan(5);
		expect(all.rows[0].id).toBeGreaterThan(all.rows[1].id);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ redaktoer: 'SYSTEM:TEST' })))).total).toBe(all.total);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ redaktoer: 'nogen@andet.example' })))).total).toBe(0);
		const units = await listAudit(db, parseAuditFilter(new URLSearchParams({ type: 'unit' })));
		expect(units.rows.every((r) => r.entityType === 'unit')).toBe(true);
		expect(units.rows[0].changes.some((c) => c.field === 'name' && c.before === '—')).toBe(true);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ til: '2020-01-01' })))).total).toBe(0);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ fra: '2020-01-01', side: '999' })))).rows.length).toBeGreaterThan(0);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ person: 'FINDES-IKKE' })))).personUnknown).toBe(true);
	});

	it('shows an organisation editor only the entries about their own organisation’s people, units and contacts', async () => {
		const { db, net } = await setup();
		await saveVocabularyItem(db, systemActor('test'), 'topic', 'angst', { label: 'Angst', synonyms: 'nervøsitet' });
		const scopeA = { organisationIds: [net.orgA], unitIds: [] };
		const a = await listAudit(db, parseAuditFilter(new URLSearchParams()), scopeA);
		const labels = new Set(a.rows.map((r) => r.entityLabel));
		expect(labels.has('Alma Testesen')).toBe(true);
		expect(labels.has('PPR')).toBe(true);
		expect([...labels].some((l) => /Dorte|Øvelund-Berg|Ungerådgivning|Frivillig|angst/.test(l))).toBe(false);
		expect(a.entityTypes.every((t) => ['person', 'unit', 'unit_contact', 'organisation'].includes(t))).toBe(true);
		// A person of another organisation, asked for by ref, shows nothing.
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ person: 'T004' })), scopeA)).total).toBe(0);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ person: 'T004' })))).total).toBeGreaterThan(0);
		// A unit editor: that unit and its people only.
		const ppr = await listAudit(db, parseAuditFilter(new URLSearchParams()), { organisationIds: [], unitIds: [net.ppr] });
		expect(new Set(ppr.rows.map((r) => r.entityLabel))).toEqual(new Set(['PPR', 'PPR hovednummer', 'Alma Testesen', 'Bent Prøvesen']));
	});
});

describe('reference data', () => {
	it('audits a new synonym and the search understands it at once', async () => {
		const { db } = await setup();
		const admin = as('admin');
		await search(db, 'angst', { log: false });
		expect(await saveVocabularyItem(db, admin.actor, 'topic', 'angst', { label: 'Angst', synonyms: 'kvalmeuro, panikanfald' })).toEqual({ ok: true, changed: true });
		expect(await saveVocabularyItem(db, admin.actor, 'topic', 'angst', { label: '', synonyms: '' })).toMatchObject({ ok: false, errors: { label: expect.any(String) } });
		const entry = (await listAudit(db, parseAuditFilter(new URLSearchParams({ type: 'topic' })))).rows[0];
		expect(entry.changes.find((c) => c.field === 'synonyms')?.after).toMatch(/kvalmeuro/);
		await search(db, 'kvalmeuro', { log: false });
		await searchIndexSettled(db);
		const result = await search(db, 'kvalmeuro', { log: false });
		expect(result.hits.some((h) => h.type === 'person' && h.title.includes('Alma'))).toBe(true);
	});

	it('adds a new topic with synonyms, audited and searchable at once, and refuses a repeat or an age group in Danish', async () => {
		const { db } = await setup();
		const admin = as('admin');
		expect(await addVocabularyItem(db, admin.actor, 'topic', { label: 'Digital mobning', synonyms: 'cybermobning, online mobning' })).toEqual({ ok: true, slug: 'digital-mobning' });
		const topic = await db.selectFrom('topic').select(['label', 'synonyms', 'sort']).where('slug', '=', 'digital-mobning').executeTakeFirstOrThrow();
		const maxOther = await db.selectFrom('topic').select((eb) => eb.fn.max('sort').as('sort')).where('slug', '!=', 'digital-mobning').executeTakeFirstOrThrow();
		expect(topic).toMatchObject({ label: 'Digital mobning', synonyms: JSON.stringify(['cybermobning', 'online mobning']) });
		expect(topic.sort).toBe(Number(maxOther.sort) + 1);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ type: 'topic' })))).rows[0]).toMatchObject({ action: 'create', entityLabel: 'digital-mobning: Digital mobning' });
		expect(await addVocabularyItem(db, admin.actor, 'topic', { label: 'digital  MOBNING', synonyms: '' })).toEqual({ ok: false, errors: { label: '"Digital mobning" findes allerede. Ret den i listen ovenfor i stedet.' } });
		expect(await addVocabularyItem(db, admin.actor, 'topic', { label: 'Skolevægring', synonyms: '' })).toMatchObject({ ok: false, errors: { label: expect.stringContaining('findes allerede') } });
		expect(await addVocabularyItem(db, admin.actor, 'role', { label: '  ', synonyms: '' })).toEqual({ ok: false, errors: { label: 'Skriv betegnelsen for den nye rolle.' } });
		expect(await addVocabularyItem(db, admin.actor, 'age_group' as 'topic', { label: 'Voksne', synonyms: '' })).toMatchObject({ ok: false });
		// A person tagged with it is found by a synonym.
		await db.insertInto('person_topic').values({ person_id: (await db.selectFrom('person').select('id').where('ref', '=', 'T001').executeTakeFirstOrThrow()).id, topic_slug: 'digital-mobning' }).execute();
		await saveVocabularyItem(db, admin.actor, 'topic', 'digital-mobning', { label: 'Digital mobning', synonyms: 'cybermobning, online mobning, netmobning' });
		await search(db, 'cybermobning', { log: false });
		await searchIndexSettled(db);
		expect((await search(db, 'cybermobning', { log: false })).hits.some((h) => h.type === 'person' && h.title.includes('Alma'))).toBe(true);
	});

	it('audits each municipality whose membership changes', async () => {
		const { db } = await setup();
		const admin = as('admin');
		const members = (await db.selectFrom('municipality').select('code').where('is_member', '=', 1).execute()).map((m) => m.code);
		expect(await saveMunicipalityMembership(db, admin.actor, [...members.filter((c) => c !== '219'), '751'])).toBe(members.includes('219') ? 2 : 1);
		expect((await db.selectFrom('municipality').select('is_member').where('code', '=', '751').executeTakeFirstOrThrow()).is_member).toBe(1);
		expect((await listAudit(db, parseAuditFilter(new URLSearchParams({ type: 'municipality' })))).rows.map((r) => r.entityLabel)).toContain('Aarhus');
	});
});

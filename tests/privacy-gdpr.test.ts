import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createTestDb } from './helpers/test-db';
import { buildNetwork } from './helpers/editing-network';
import { createTestUser, sessionCookieFor } from './helpers/auth';
import { makeEvent } from './events-helpers';
import { registerMember } from '@/modules/events/events.registrations';
import { collectSubjectData } from '@/modules/privacy/privacy.subject';
import { erasePerson, listErasureRequests, previewErasure, requestErasure } from '@/modules/privacy/privacy.erasure';
import { insertAuditEntry } from '@/modules/audit/audit.repository';
import { search, searchIndexSettled } from '@/modules/search/search.service';
import { loadFigures } from '@/modules/stats/stats.figures';
import { logSearch } from '@/modules/search/search.repository';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
	await cleanup?.();
	cleanup = undefined;
});

/** Two people with accounts, data about each, and traces of one in the other's rows. */
async function arrange() {
	const t = await createTestDb();
	cleanup = t.cleanup;
	const db = t.db;
	const k = db as unknown as Kysely<any>;
	const net = await buildNetwork(db);
	// Alma (the subject) gets numbers of her own; Bent (the other) stays with the shared team number.
	await k.updateTable('person').set({ phone: '+4548112233', mobile: '+4529887766', email: 'alma.testesen@testkommune.example' }).where('id', '=', net.leader).execute();
	await k.updateTable('person').set({ email: 'bent.proevesen@testkommune.example' }).where('id', '=', net.colleague).execute();
	const alma = await createTestUser(db, { email: 'alma.testesen@testkommune.example', name: 'Alma Testesen', personId: net.leader });
	const bent = await createTestUser(db, { email: 'bent.proevesen@testkommune.example', name: 'Bent Prøvesen', personId: net.colleague, role: 'unit_editor', unitIds: [net.ppr] });
	await sessionCookieFor(db, alma.id);
	await sessionCookieFor(db, bent.id);
	// Bent edits Alma's entry (audit about Alma, by Bent), Alma reports a correction on Bent's entry.
	await insertAuditEntry(db, { actor: { label: bent.email, userId: bent.id }, entityType: 'person', entityId: net.leader, entityLabel: 'Alma Testesen', action: 'update', changes: { title: ['Psykolog', 'Ledende psykolog'], mobile: [null, '+4529887766'] } });
	await insertAuditEntry(db, { actor: { label: alma.email, userId: alma.id }, entityType: 'unit', entityId: net.ppr, entityLabel: 'PPR', action: 'update', changes: { note: ['', 'Ring til Alma Testesen på +45 48 11 22 33'] } });
	await k.insertInto('correction').values({ person_id: net.colleague, kind: 'number', message: 'Nummeret er forkert', reporter_email: alma.email, reporter_user_id: alma.id, status: 'open', created_at: new Date().toISOString() }).execute();
	await k.insertInto('correction').values({ person_id: net.leader, kind: 'other', message: 'Titlen er gammel', reporter_email: bent.email, reporter_user_id: bent.id, status: 'open', created_at: new Date().toISOString() }).execute();
	// Both register for a theme day; Alma attends.
	const event = await makeEvent(db);
	await registerMember(db, event.id, { id: alma.id, email: alma.email, name: 'Alma Testesen', personId: net.leader }, { now: new Date('2030-05-02T10:00:00Z'), baseUrl: 'http://vejviser.test' });
	await registerMember(db, event.id, { id: bent.id, email: bent.email, name: 'Bent Prøvesen', personId: net.colleague }, { now: new Date('2030-05-02T10:00:00Z'), baseUrl: 'http://vejviser.test' });
	await k.updateTable('event_registration').set({ status: 'attended' }).where('user_id', '=', alma.id).execute();
	// A supervision group Alma is a member of.
	const now = new Date().toISOString();
	const group = await k.insertInto('supervision_group').values({ slug: 'gruppe', title: 'Supervision om selvskade', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
	await k.insertInto('supervision_membership').values({ group_id: group.id, user_id: alma.id, name: 'Alma Testesen', email: alma.email, profession: 'Psykolog', status: 'approved', applied_at: now, updated_at: now }).execute();
	const meeting = await k.insertInto('supervision_meeting').values({ group_id: group.id, starts_at: '2026-01-10T09:00:00.000Z', duration_minutes: 120, present_count: 5, psychologist_count: 4, recorded_at: now, recorded_by: bent.email, created_at: now }).returning('id').executeTakeFirstOrThrow();
	const membership = await k.selectFrom('supervision_membership').select('id').executeTakeFirstOrThrow();
	await k.insertInto('supervision_attendance').values({ meeting_id: meeting.id, membership_id: membership.id, status: 'present', marked_by: bent.email, marked_at: now }).execute();
	// A mail to Alma and a search that named her.
	await k.insertInto('mail_outbox').values({ to_address: alma.email, subject: 'Bekræft din post', text_body: 'Hej Alma Testesen', next_attempt_at: now, created_at: now }).execute();
	await k.insertInto('mail_outbox').values({ to_address: bent.email, subject: 'Alma Testesen er fraværende', text_body: 'Alma Testesen (+45 29 88 77 66) er væk; ring til dig.', next_attempt_at: now, created_at: now }).execute();
	await logSearch(db, 'alma testesen', 'zero', 0);
	return { t, db, k, net, alma, bent, event };
}

describe('GDPR: a person sees and downloads everything stored about them', () => {
	it('contains every part and nothing of other people', async () => {
		const { db, alma, bent } = await arrange();
		const data = (await collectSubjectData(db, alma.id))!;
		expect(data.account.email).toBe(alma.email);
		expect(data.entry).toMatchObject({ first_name: 'Alma', last_name: 'Testesen', mobile: '+4529887766', roles: ['akut', 'udskrivning'].sort() });
		expect(data.sessions).toHaveLength(1);
		expect(data.registrations).toHaveLength(1);
		expect(data.registrations[0]).toMatchObject({ status: 'attended', email: alma.email });
		expect(data.groupMemberships).toHaveLength(1);
		expect((data.groupMemberships[0].attendance as unknown[]).length).toBe(1);
		expect(data.correctionsReported).toHaveLength(1);
		expect(data.correctionsAboutEntry).toHaveLength(1);
		expect(data.mails.map((m) => m.subject)).toContain('Bekræft din post');
		expect(data.mails.every((m) => m.to_address === alma.email)).toBe(true);
		expect(data.auditAboutYou.some((a) => a.by === 'en redaktør' && a.action === 'update')).toBe(true);
		expect(data.auditByYou.length).toBeGreaterThan(0);
		const json = JSON.stringify(data);
		for (const other of [bent.email, 'Bent', 'Prøvesen', 'Cille', 'Dorte', 'dorte@forening.example']) expect(json).not.toContain(other);
	});
});

describe('GDPR: an admin erases a person', () => {
	it('leaves no personal value anywhere in the database file, keeps the counts and drops the person from search', async () => {
		const { t, db, k, net, alma, bent } = await arrange();
		const admin = { label: 'tovholder@netvaerk.example', userId: null };
		await requestErasure(db, alma.id, 'Jeg er stoppet; slet mig, Alma Testesen.');
		expect((await listErasureRequests(db))[0]).toMatchObject({ status: 'open', email: alma.email });
		await searchIndexSettled(db);
		expect((await search(db, 'Alma Testesen')).hits.some((h) => h.ref === 'T001')).toBe(true);
		const figuresBefore = await loadFigures(db, { from: '2020-01-01', to: '2035-12-31' });

		const preview = await previewErasure(db, { userId: alma.id });
		expect(preview).toMatchObject({ personRef: 'T001', registrations: 1, memberships: 1 });
		expect(await erasePerson(db, admin, { userId: alma.id })).toBe(true);

		// Counts stay: theme-day registrations and attendance, and supervision delivered.
		const figuresAfter = await loadFigures(db, { from: '2020-01-01', to: '2035-12-31' });
		const count = (figures: typeof figuresAfter, id: string) => figures.find((f) => f.id === id)!.rows.map((r) => r.slice(3)).flat().reduce((a: number, b) => a + Number(b), 0);
		expect(count(figuresAfter, 'temadage')).toBe(count(figuresBefore, 'temadage'));
		expect(figuresAfter.find((f) => f.id === 'supervision')!.rows).toEqual(figuresBefore.find((f) => f.id === 'supervision')!.rows);
		// The audit log says that an erasure happened.
		const erased = await k.selectFrom('audit_log').selectAll().where('action', '=', 'erase').execute();
		expect(erased.map((e) => e.entity_type).sort()).toEqual(['person', 'user']);
		// Bent and his data are untouched.
		expect(await k.selectFrom('user').select('email').where('id', '=', bent.id).executeTakeFirst()).toEqual({ email: bent.email });
		expect(await k.selectFrom('person').select('phone').where('id', '=', net.colleague).executeTakeFirst()).toEqual({ phone: '+4548000001' });
		expect(await k.selectFrom('correction').select('id').where('reporter_email', '=', bent.email).execute()).toHaveLength(0); // it was about Alma's entry: gone with it
		// Search drops her.
		await search(db, 'Alma Testesen', { log: false });
		await searchIndexSettled(db);
		expect((await search(db, 'Alma Testesen', { log: false })).hits.some((h) => h.ref === 'T001')).toBe(false);

		// Every byte of the database files: none of her values.
		await db.destroy();
		const files = readdirSync(t.dir).map((f) => readFileSync(join(t.dir, f)));
		const needles = ['Alma Testesen', 'alma testesen', 'Testesen', alma.email, '+4548112233', '+4529887766', '+45 29 88 77 66', '+45 48 11 22 33'];
		for (const needle of needles) {
			for (const bytes of files) expect(bytes.includes(Buffer.from(needle, 'utf8')), needle).toBe(false);
		}
		const { createDb } = await import('@db/client');
		t.db = createDb(t.path); // for cleanup()
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { handoverSchema } from '@/modules/directory/directory.schema';
import { handOver, successorCandidates } from '@/modules/directory/directory.handover';
import { EditDenied } from '@/modules/directory/directory.editing';
import { findPersonById, resolveCurrentSuccessor } from '@/modules/directory/directory.repository';
import { listAuditFor } from '@/modules/audit/audit.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { deputyProblem, planHandover, nextPersonRef, showDeputyFirst, successorProblem } from '@/modules/directory/editing.rules';
import { fieldErrors } from '@/lib/forms';

describe('Handover rules', () => {
	const leaver = { id: 1, name: 'A', status: 'active' as const, organisationId: 1, keyPerson: true, roles: ['akut', 'udskrivning'], topics: ['selvmord'] };
	const successor = { id: 2, name: 'B', status: 'active' as const, organisationId: 1, keyPerson: false, roles: ['akut', 'screening'], topics: [] };

	it('merges the leaver’s roles, topics and key-person flag into the successor’s and empties the leaver’s', () => {
		expect(planHandover(leaver, successor, true)).toEqual({
			successor: { roles: ['akut', 'screening', 'udskrivning'], topics: ['selvmord'], keyPerson: true },
			leaver: { roles: [], topics: [], keyPerson: false },
			moved: { roles: ['akut', 'udskrivning'], topics: ['selvmord'], keyPerson: true },
		});
	});

	it('moves nothing for a vacancy or when the box is not ticked', () => {
		expect(planHandover(leaver, null, true)).toEqual({ successor: null, leaver: { roles: ['akut', 'udskrivning'], topics: ['selvmord'], keyPerson: true }, moved: { roles: [], topics: [], keyPerson: false } });
		// A successor who is already a key person gains nothing there; what moved is listed sorted.
		const unsorted = { ...leaver, roles: ['udskrivning', 'akut'], topics: ['selvmord', 'angst'] };
		expect(planHandover(unsorted, { ...successor, keyPerson: true }, true).moved).toEqual({ roles: ['akut', 'udskrivning'], topics: ['angst', 'selvmord'], keyPerson: false });
		expect(planHandover({ ...leaver, keyPerson: false }, successor, true).successor?.keyPerson).toBe(false);
		expect(planHandover(leaver, successor, false).leaver.roles).toEqual(['akut', 'udskrivning']);
	});

	it('names what is wrong with a successor or a deputy, in Danish', () => {
		expect(successorProblem(leaver, undefined)).toMatch(/^Efterfølgeren findes ikke i Vejviser/);
		expect(successorProblem(leaver, successor)).toBeNull();
		expect(deputyProblem({ id: 1 }, undefined)).toBe('Stedfortræderen findes ikke i Vejviser.');
		expect(deputyProblem({ id: 1 }, { id: 1, name: 'A', status: 'active' })).toMatch(/sin egen stedfortræder/);
		expect(deputyProblem({ id: 1 }, { id: 2, name: 'B', status: 'left' })).toBe('B er fratrådt og kan ikke være stedfortræder.');
		expect(deputyProblem({ id: 1 }, { id: 2, name: 'B', status: 'active' })).toBeNull();
	});

	it('puts the deputy first only for an absent person with an active deputy', () => {
		const now = new Date('2026-07-10T12:00:00Z');
		const away = { deputyId: 2, awayFrom: '2026-07-01', awayUntil: '2026-07-21' };
		expect(showDeputyFirst(away, { status: 'active' }, now)).toBe(true);
		expect([showDeputyFirst(away, { status: 'left' }, now), showDeputyFirst(away, null, now), showDeputyFirst(away, undefined, now)]).toEqual([false, false, false]);
		expect(showDeputyFirst({ ...away, deputyId: null }, { status: 'active' }, now)).toBe(false);
		expect(showDeputyFirst({ ...away, awayFrom: null, awayUntil: null }, { status: 'active' }, now)).toBe(false);
	});

	it('numbers new references after the highest V-reference', () => {
		expect(nextPersonRef([])).toBe('V00001');
		expect(nextPersonRef(['V00009', 'V00002', 'D00050', 'Vx'])).toBe('V00010');
	});

	it('asks for a successor, or the new person’s name and e-mail, in Danish', () => {
		expect(fieldErrors(handoverSchema.safeParse({}).error!).mode).toBe('Vælg, hvem der overtager.');
		expect(fieldErrors(handoverSchema.safeParse({ mode: 'successor' }).error!).successorRef).toBe('Vælg efterfølgeren på listen.');
		const errors = fieldErrors(handoverSchema.safeParse({ mode: 'new', newFirstName: 'Ny' }).error!);
		expect(errors).toMatchObject({ newLastName: 'Skriv efterfølgerens efternavn.', newEmail: 'Skriv efterfølgerens arbejdsmail, så vi kan sende en velkomstmail.' });
	});
});

describe('Handing a person over', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('marks the leaver as left with the successor, moves roles and topics, and queues the welcome mail in one go', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const result = await handOver(db, editor, n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002', moveTags: 'on' }));
		expect(result).toMatchObject({ ok: true, successorRef: 'T002', successorName: 'Bent Prøvesen', createdSuccessor: false, welcomeQueued: true });

		const leaver = (await findPersonById(db, n.leader))!;
		expect(leaver).toMatchObject({ status: 'left', successorId: n.colleague, roles: [], topics: [], keyPerson: false });
		expect(leaver.leftAt).not.toBeNull();
		const successor = (await findPersonById(db, n.colleague))!;
		expect(successor).toMatchObject({ roles: ['akut', 'screening', 'udskrivning'], topics: ['angst', 'depression', 'selvmord'], keyPerson: true });
		expect((await resolveCurrentSuccessor(db, n.leader))?.ref).toBe('T002');

		const [left] = await listAuditFor(db, 'person', n.leader);
		expect(left).toMatchObject({ action: 'left', actor: editor.actor.label });
		expect(left.changes.status).toEqual(['active', 'left']);
		expect(left.changes.successor_id).toEqual([null, n.colleague]);
		const [gained] = await listAuditFor(db, 'person', n.colleague);
		expect(gained.changes.roles).toEqual([['screening'], ['akut', 'screening', 'udskrivning']]);

		const mail = await db.selectFrom('mail_outbox').selectAll().where('kind', '=', 'welcome').execute();
		expect(mail).toHaveLength(1);
		expect(mail[0].to_address).toBe('bent@testkommune.example');
		expect(mail[0].text_body).toContain('efterfølger for Alma Testesen');
		expect(mail[0].text_body).toContain('Udskrivning');
		expect(mail[0].text_body).toContain('https://vejviser.test/personer/T002/rediger');
	});

	it('lets a member say "Jeg stopper" and keep their roles when the box is not ticked', async () => {
		const self = as('member', { personId: n.colleague });
		const result = await handOver(db, self, n.colleague, handoverSchema.parse({ mode: 'successor', successorRef: 'T003' }));
		expect(result.ok).toBe(true);
		expect(await findPersonById(db, n.colleague)).toMatchObject({ status: 'left', successorId: n.other, roles: ['screening'] });
		expect((await findPersonById(db, n.other))?.roles).toEqual([]);
	});

	it('creates a new successor on the spot with a V-reference in the leaver’s unit', async () => {
		const editor = as('org_editor', { organisationIds: [n.orgA] });
		const result = await handOver(db, editor, n.leader, handoverSchema.parse({ mode: 'new', newFirstName: 'Nanna', newLastName: 'Nyansat', newEmail: 'Nanna@Testkommune.example', newPhone: '48 00 00 77', moveTags: 'on' }));
		expect(result).toMatchObject({ ok: true, successorRef: 'V00001', createdSuccessor: true, welcomeQueued: true });
		const successor = (await findPersonById(db, (await findPersonById(db, n.leader))!.successorId!))!;
		expect(successor).toMatchObject({ ref: 'V00001', name: 'Nanna Nyansat', unitId: n.ppr, email: 'nanna@testkommune.example', phone: '+4548000077', title: 'Psykolog', roles: ['akut', 'udskrivning'], keyPerson: true });
	});

	it('records a vacancy without a successor and sends no mail', async () => {
		const editor = as('admin');
		const result = await handOver(db, editor, n.leader, handoverSchema.parse({ mode: 'vacant', moveTags: 'on' }));
		expect(result).toMatchObject({ ok: true, successorRef: null });
		expect(await findPersonById(db, n.leader)).toMatchObject({ status: 'left', successorId: null, roles: ['akut', 'udskrivning'] });
		expect(await db.selectFrom('mail_outbox').selectAll().execute()).toHaveLength(0);
	});

	it('points people who had the leaver as deputy to the successor', async () => {
		await patchPerson(db, systemActor('test'), n.other, { deputy_id: n.leader });
		await handOver(db, as('admin'), n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002' }));
		expect((await findPersonById(db, n.other))?.deputyId).toBe(n.colleague);
	});

	it('refuses a successor in another organisation, oneself, someone who left, and a second handover', async () => {
		const admin = as('admin');
		expect(await handOver(db, admin, n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T004' }))).toEqual({
			ok: false,
			errors: { successorRef: 'Dorte Udefra er ansat i en anden organisation. Vælg en kollega i samme organisation.' },
		});
		expect(await handOver(db, admin, n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T001' }))).toEqual({ ok: false, errors: { successorRef: 'En person kan ikke være sin egen efterfølger.' } });
		await handOver(db, admin, n.colleague, handoverSchema.parse({ mode: 'vacant' }));
		expect(await handOver(db, admin, n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002' }))).toEqual({
			ok: false,
			errors: { successorRef: 'Bent Prøvesen er selv registreret som fratrådt og kan ikke overtage.' },
		});
		expect(await handOver(db, admin, n.colleague, handoverSchema.parse({ mode: 'vacant' }))).toEqual({ ok: false, errors: { _form: 'Bent Prøvesen er allerede registreret som fratrådt.' } });
	});

	it('denies a member handing over someone in another unit, and lets only editors create a successor inline', async () => {
		const member = as('member', { personId: n.other });
		await expect(handOver(db, member, n.leader, handoverSchema.parse({ mode: 'vacant' }))).rejects.toBeInstanceOf(EditDenied);
		expect((await findPersonById(db, n.leader))?.status).toBe('active');
		const self = as('member', { personId: n.leader });
		const inline = await handOver(db, self, n.leader, handoverSchema.parse({ mode: 'new', newFirstName: 'X', newLastName: 'Y', newEmail: 'xy@testkommune.example' }));
		expect(inline.ok).toBe(false);
		expect(!inline.ok && inline.errors.mode).toMatch(/Kun enhedens redaktører/);
	});

	it('offers active colleagues of the same organisation, own unit first', async () => {
		const leaver = (await findPersonById(db, n.leader))!;
		const candidates = await successorCandidates(db, leaver);
		expect(candidates.map((c) => c.ref)).toEqual(['T002', 'T003']);
	});
});

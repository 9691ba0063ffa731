import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { personEditSchema, newPersonSchema } from '@/modules/directory/directory.schema';
import { EditDenied, createPerson, deputyOptions, updatePerson } from '@/modules/directory/directory.editing';
import { findPersonById, findPersonByRef } from '@/modules/directory/directory.repository';
import { listAuditFor } from '@/modules/audit/audit.repository';
import { personHistory } from '@/modules/directory/directory.history';
import { fieldErrors } from '@/lib/forms';
import { isAway } from '@/modules/directory/directory.rules';
import { showDeputyFirst } from '@/modules/directory/editing.rules';

/** The edit form as the browser posts it. */
function form(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
	return {
		firstName: 'Alma',
		lastName: 'Testesen',
		title: 'Psykolog',
		unitId: '',
		phone: '48 00 00 01',
		mobile: '',
		email: 'alma@testkommune.example',
		hours: 'Man-fre 8-15',
		note: '',
		topics: ['selvmord', 'angst'],
		roles: ['udskrivning', 'akut'],
		ageGroups: '13-17',
		keyPerson: 'on',
		phoneVisibility: 'public',
		mobileVisibility: 'members',
		emailVisibility: 'public',
		deputyRef: '',
		awayFrom: '',
		awayUntil: '',
		...overrides,
	};
}

describe('Person edit validation', () => {
	it('answers empty required fields in Danish', () => {
		const r = personEditSchema.safeParse(form({ firstName: '  ', lastName: '', unitId: '1' }));
		expect(r.success).toBe(false);
		const errors = fieldErrors(r.error!);
		expect(errors.firstName).toBe('Skriv fornavnet.');
		expect(errors.lastName).toBe('Skriv efternavnet.');
	});

	it('rejects a too long name, a bad phone and a bad e-mail with messages that quote the input', () => {
		const r = personEditSchema.safeParse(form({ unitId: '1', firstName: 'x'.repeat(81), phone: '12 34', email: 'alma@', mobile: 'ring<script>' }));
		const errors = fieldErrors(r.error!);
		expect(errors.firstName).toBe('Fornavnet må højst være 80 tegn (der er 81).');
		expect(errors.phone).toMatch(/8 cifre/);
		expect(errors.email).toBe('"alma@" er ikke en gyldig e-mailadresse.');
		expect(errors.mobile).toMatch(/tegn, der ikke hører til et telefonnummer/);
	});

	it('rejects an away period that ends before it starts and an impossible date', () => {
		const r = personEditSchema.safeParse(form({ unitId: '1', awayFrom: '2026-07-10', awayUntil: '2026-07-01' }));
		expect(fieldErrors(r.error!).awayUntil).toBe('Slutdatoen for fraværet ligger før startdatoen.');
		const bad = personEditSchema.safeParse(form({ unitId: '1', awayFrom: '2026-02-30' }));
		expect(fieldErrors(bad.error!).awayFrom).toMatch(/ikke en gyldig dato/);
	});

	it('normalises phones to E.164, e-mails to lower case and keeps æøå and markup as plain text', () => {
		const r = personEditSchema.parse(form({ unitId: '1', firstName: 'Åse <script>', lastName: 'Søndergård', phone: '0045 4800-0002', email: 'ÅSE@TESTKOMMUNE.EXAMPLE', confirm: 'on' }));
		expect(r.firstName).toBe('Åse <script>');
		expect(r.phone).toBe('+4548000002');
		expect(r.email).toBe('åse@testkommune.example');
		expect(r.topics).toEqual(['selvmord', 'angst']);
		expect(r.ageGroups).toEqual(['13-17']);
		expect(r.keyPerson).toBe(true);
		expect(r.confirm).toBe(true);
	});
});

describe('Editing a person', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('saves an editor’s change and audits it with the acting user, field by field, before → after', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const input = personEditSchema.parse(form({ unitId: String(n.ppr), title: 'Ledende psykolog', phone: '48 00 00 09' }));
		const result = await updatePerson(db, editor, n.leader, input);
		expect(result).toEqual({ ok: true, changed: true });
		const [entry] = await listAuditFor(db, 'person', n.leader);
		expect(entry.actor).toBe(editor.actor.label);
		expect(entry.action).toBe('update');
		expect(entry.changes).toEqual({ title: ['Psykolog', 'Ledende psykolog'], phone: ['+4548000001', '+4548000009'] });
		const history = await personHistory(db, n.leader);
		expect(history[0].changes).toContainEqual({ field: 'phone', label: 'Telefon', before: '+45 48 00 00 01', after: '+45 48 00 00 09' });
	});

	it('lets the person confirm their own entry, stamping verified_at with the given time', async () => {
		const self = as('member', { personId: n.colleague });
		const now = new Date('2026-03-01T10:00:00Z');
		const input = personEditSchema.parse(form({ firstName: 'Bent', lastName: 'Prøvesen', email: 'bent@testkommune.example', unitId: String(n.ppr), topics: 'depression', roles: 'screening', keyPerson: '', confirm: 'on' }));
		await updatePerson(db, self, n.colleague, input, now);
		expect((await findPersonById(db, n.colleague))?.verifiedAt).toBe('2026-03-01T10:00:00.000Z');
	});

	it('keeps key person and roles when a member edits themself (those are the unit’s designation)', async () => {
		const self = as('member', { personId: n.colleague });
		const input = personEditSchema.parse(form({ firstName: 'Bent', lastName: 'Prøvesen', unitId: String(n.ppr), roles: ['akut', 'tovholder'], keyPerson: 'on', topics: ['depression', 'sorg'] }));
		await updatePerson(db, self, n.colleague, input);
		const after = await findPersonById(db, n.colleague);
		expect(after?.roles).toEqual(['screening']);
		expect(after?.keyPerson).toBe(false);
		expect(after?.topics).toEqual(['depression', 'sorg']);
	});

	it('denies a member editing a person in another unit, server-side', async () => {
		const member = as('member', { personId: n.other });
		const input = personEditSchema.parse(form({ unitId: String(n.ppr), title: 'Hacket' }));
		await expect(updatePerson(db, member, n.leader, input)).rejects.toBeInstanceOf(EditDenied);
		expect((await findPersonById(db, n.leader))?.title).toBe('Psykolog');
	});

	it('denies a unit editor editing a person of another unit, and moving someone into a unit they do not edit', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		await expect(updatePerson(db, editor, n.other, personEditSchema.parse(form({ firstName: 'Cille', lastName: 'Øvelund', unitId: String(n.sundhed) })))).rejects.toBeInstanceOf(EditDenied);
		const moved = await updatePerson(db, editor, n.colleague, personEditSchema.parse(form({ firstName: 'Bent', lastName: 'Prøvesen', unitId: String(n.ungeB) })));
		expect(moved).toEqual({ ok: false, errors: { unitId: 'Du kan kun flytte personen til en enhed, du er redaktør for.' } });
	});

	it('sets a deputy and an away period; during it the deputy is shown first', async () => {
		const self = as('member', { personId: n.leader });
		const input = personEditSchema.parse(form({ unitId: String(n.ppr), deputyRef: 'T002', awayFrom: '2026-07-01', awayUntil: '2026-07-21' }));
		expect(await updatePerson(db, self, n.leader, input)).toEqual({ ok: true, changed: true });
		const p = (await findPersonById(db, n.leader))!;
		expect(p.deputyId).toBe(n.colleague);
		expect([p.awayFrom, p.awayUntil]).toEqual(['2026-07-01', '2026-07-21']);
		const deputy = await findPersonById(db, n.colleague);
		expect(showDeputyFirst(p, deputy, new Date('2026-07-10T12:00:00Z'))).toBe(true);
		expect(showDeputyFirst(p, deputy, new Date('2026-07-22T12:00:00Z'))).toBe(false);
		expect(isAway(p, new Date('2026-06-30T12:00:00Z'))).toBe(false);
		const [entry] = await listAuditFor(db, 'person', n.leader);
		expect(entry.changes.deputy_id).toEqual([null, n.colleague]);
	});

	it('refuses oneself or someone who left as deputy, and an unknown ref', async () => {
		const self = as('member', { personId: n.leader });
		const mine = await updatePerson(db, self, n.leader, personEditSchema.parse(form({ unitId: String(n.ppr), deputyRef: 'T001' })));
		expect(mine).toEqual({ ok: false, errors: { deputyRef: 'En person kan ikke være sin egen stedfortræder.' } });
		const unknown = await updatePerson(db, self, n.leader, personEditSchema.parse(form({ unitId: String(n.ppr), deputyRef: 'NOPE' })));
		expect(unknown).toEqual({ ok: false, errors: { deputyRef: 'Vælg stedfortræderen på listen — det kan være en kollega i Testby Kommune.' } });
	});

	it('refuses a deputy from another organisation and municipality, which the form does not offer', async () => {
		const self = as('member', { personId: n.leader });
		const before = await findPersonById(db, n.leader);
		const options = await deputyOptions(db, before!);
		expect(options.map((p) => p.ref).sort()).toEqual(['T002', 'T003']);
		const forged = await updatePerson(db, self, n.leader, personEditSchema.parse(form({ unitId: String(n.ppr), deputyRef: 'T004' })));
		expect(forged).toEqual({ ok: false, errors: { deputyRef: 'Vælg stedfortræderen på listen — det kan være en kollega i Testby Kommune.' } });
		expect((await findPersonById(db, n.leader))?.deputyId).toBeNull();
		// An admin gets the same answer: the rule is about what the post may point to, not who asks.
		const admin = await updatePerson(db, as('admin'), n.leader, personEditSchema.parse(form({ unitId: String(n.ppr), deputyRef: 'T004' })));
		expect(admin.ok).toBe(false);
	});

	it('rejects an unknown topic posted by a tampered form', async () => {
		const editor = as('admin');
		const result = await updatePerson(db, editor, n.leader, personEditSchema.parse(form({ unitId: String(n.ppr), topics: ['selvmord', 'kryptovaluta'] })));
		expect(result).toEqual({ ok: false, errors: { topics: 'Ukendt emne: kryptovaluta.' } });
	});

	it('adds a new colleague with a fresh V-reference and queues the welcome mail', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const input = newPersonSchema.parse({ ...form({ firstName: 'Ebbe', lastName: 'Nyansat', email: 'ebbe@testkommune.example', unitId: String(n.ppr), roles: [], topics: 'sorg' }), sendWelcome: 'on' });
		const first = await createPerson(db, editor, n.ppr, input);
		expect(first).toMatchObject({ ok: true, ref: 'V00001' });
		const second = await createPerson(db, editor, n.ppr, { ...input, email: 'ebbe2@testkommune.example' });
		expect(second).toMatchObject({ ok: true, ref: 'V00002' });
		const created = await findPersonByRef(db, 'V00001');
		expect(created).toMatchObject({ name: 'Ebbe Nyansat', unitId: n.ppr, municipalityCode: '219', status: 'active' });
		// Created by an editor = confirmed by that editor, now (not "Aldrig bekræftet").
		expect(Date.now() - Date.parse(created!.verifiedAt!)).toBeLessThan(60_000);
		const mail = await db.selectFrom('mail_outbox').selectAll().where('to_address', '=', 'ebbe@testkommune.example').execute();
		expect(mail).toHaveLength(1);
		expect(mail[0].kind).toBe('welcome');
		expect(mail[0].text_body).toContain('https://vejviser.test/personer/V00001/rediger');
		const [entry] = await listAuditFor(db, 'person', created!.id);
		expect(entry).toMatchObject({ action: 'create', actor: editor.actor.label });
	});

	it('refuses a new colleague whose e-mail an active person already has, and a member adding colleagues', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const input = newPersonSchema.parse({ ...form({ firstName: 'Kopi', lastName: 'Person', unitId: String(n.ppr), email: 'alma@testkommune.example' }) });
		const r = await createPerson(db, editor, n.ppr, input);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.errors.email).toMatch(/Alma Testesen har allerede denne e-mailadresse/);
		await expect(createPerson(db, as('member', { personId: n.leader }), n.ppr, { ...input, email: 'ny@testkommune.example' })).rejects.toBeInstanceOf(EditDenied);
	});
});

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { listAuditFor, systemActor } from '@/modules/audit/audit.repository';
import { EditDenied, updatePerson } from '@/modules/directory/directory.editing';
import { findPersonById, listUnitContacts } from '@/modules/directory/directory.repository';
import { personEditSchema } from '@/modules/directory/directory.schema';
import { saveUnitContact } from '@/modules/directory/directory.writes';
import { personHistory } from '@/modules/directory/directory.history';
import { listUnreadHours, personAvailability } from '@/modules/hours/hours.availability';
import { saveContactHours, savePersonHours } from '@/modules/hours/hours.editing';
import { formatExceptions, readHoursForm, scheduleToFormValues } from '@/modules/hours/hours.form';
import { formatSchedule, parseHours } from '@/modules/hours/hours.parse';
import { availabilityAt, isOpenAt, scheduleFromJson, type Schedule } from '@/modules/hours/hours.rules';
import type { FormValues } from '@/lib/forms';

/** A form as the browser posts it: Monday–Thursday 8–15, Friday 8–13, the rest closed. */
function week(extra: FormValues = {}): FormValues {
	const v: FormValues = { exceptionRows: '3' };
	for (const d of [1, 2, 3, 4]) Object.assign(v, { [`d${d}_from`]: '08:00', [`d${d}_to`]: '15:00' });
	Object.assign(v, { d5_from: '08:00', d5_to: '13:00', d6_closed: 'on', d7_closed: 'on', d8_closed: 'on' });
	return { ...v, ...extra };
}

const schedule = (values: FormValues): Schedule => {
	const r = readHoursForm(values);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	return r.schedule;
};

describe('the hours form', () => {
	it('reads a week into rules and says it in Danish, as the parser would read that text', () => {
		const r = readHoursForm(week());
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.text).toBe('Man–tors 8–15, fre 8–13');
		expect(r.schedule.rules).toEqual((parseHours(r.text) as { schedule: Schedule }).schedule.rules);
		expect(isOpenAt(r.schedule, new Date('2026-12-04T12:30:00+01:00'))).toBe(true);
		expect(isOpenAt(r.schedule, new Date('2026-12-04T13:30:00+01:00'))).toBe(false);
		// 2. juledag 2025 is a Friday: holidays are closed unless the holiday row says otherwise.
		expect(isOpenAt(r.schedule, new Date('2025-12-26T10:00:00+01:00'))).toBe(false);
	});

	it('keeps a typed exception row even when the hidden row count is missing or too small', () => {
		const values: FormValues = { ...week(), x4_date: '2026-12-23', x4_closed: 'on', x4_note: '<script>alert(1)</script> æøå' };
		delete values.exceptionRows;
		const s = schedule(values);
		expect(s.exceptions).toEqual([{ date: '2026-12-23', intervals: [], note: '<script>alert(1)</script> æøå' }]);
		expect(schedule({ ...values, exceptionRows: '1' }).exceptions).toHaveLength(1);
	});

	it('reads a second period, overnight periods and whole days like the after-hours line’s text', () => {
		const line = week({
			d1_from: '15:00', d1_to: '08:00', d2_from: '15:00', d2_to: '08:00', d3_from: '15:00', d3_to: '08:00', d4_from: '15:00', d4_to: '08:00',
			d5_from: '13:00', d5_to: '08:00', d6_closed: '', d6_from: '00:00', d6_to: '00:00', d7_closed: '', d7_from: '00:00', d7_to: '00:00', d8_closed: '', d8_from: '00:00', d8_to: '00:00',
		});
		const s = schedule(line);
		const text = 'Man-tors 15-08, fre 13-08 samt weekend og helligdage hele døgnet';
		const parsed = (parseHours(text) as { schedule: Schedule }).schedule;
		// Sunday night into Monday morning is covered (the whole day runs on to the weekday morning, as in the text).
		for (const at of ['2026-12-07T03:00:00+01:00', '2026-12-05T03:00:00+01:00', '2026-12-04T16:30:00+01:00', '2026-12-07T10:00:00+01:00', '2025-12-26T10:00:00+01:00'])
			expect(isOpenAt(s, new Date(at)), at).toBe(isOpenAt(parsed, new Date(at)));
		const lunch = schedule(week({ d1_to: '12:00', d1_from2: '13:00', d1_to2: '16:00' }));
		expect(formatSchedule(lunch)).toBe('Man 8–12 og 13–16, tirs–tors 8–15, fre 8–13');
		expect(isOpenAt(lunch, new Date('2026-11-30T12:30:00+01:00'))).toBe(false);
		expect(isOpenAt(lunch, new Date('2026-11-30T15:30:00+01:00'))).toBe(true);
	});

	it('refuses what it cannot read with a Danish message on the field, never half-saving', () => {
		const errors = (values: FormValues) => {
			const r = readHoursForm(values);
			return r.ok ? {} : r.errors;
		};
		expect(errors(week({ d1_to: '' }))).toEqual({ d1_to: 'Udfyld både fra og til om mandagen.' });
		expect(errors(week({ d2_from: '25:00' }))).toEqual({ d2_from: '"25:00" er ikke et klokkeslæt. Skriv fx 08:00.' });
		expect(errors(week({ d3_from: '', d3_to: '' }))).toEqual({ d3_from: 'Udfyld fra og til om onsdagen, eller markér dagen som lukket.' });
		expect(errors(week({ d1_from2: '14:00', d1_to2: '16:00' }))).toEqual({ d1_from2: 'Det andet tidsrum om mandagen overlapper det første.' });
		expect(errors(week({ d4_from: '09:00', d4_to: '09:00' }))).toEqual({ d4_to: 'Fra og til er ens om torsdagen. Skriv 00:00 til 00:00 for hele døgnet.' });
		expect(errors(week({ x0_date: '2026-02-30', x0_closed: 'on' }))).toEqual({ x0_date: '"2026-02-30" er ikke en dato. Skriv den som åååå-mm-dd, fx 2026-12-24.' });
		expect(errors(week({ x0_date: '2026-12-23' }))).toEqual({ x0_from: 'Markér 2026-12-23 som lukket, eller udfyld fra og til.' });
		expect(errors(week({ x0_date: '2026-12-23', x0_closed: 'on', x1_date: '2026-12-23', x1_closed: 'on' }))).toEqual({ x1_date: '2026-12-23 står der allerede. Skriv hver dato én gang.' });
		expect(errors(week({ x2_note: 'kursus' }))).toEqual({ x2_date: 'Skriv datoen for undtagelsen, eller ryd rækken.' });
		const closed: FormValues = { exceptionRows: '3' };
		for (let d = 1; d <= 8; d++) closed[`d${d}_closed`] = 'on';
		expect(Object.keys(errors(closed))).toEqual(['d1_from']);
	});

	it('shows a stored schedule in the form and reads it back unchanged, for every fixture text', () => {
		const dev: Array<{ text: string; checks: Array<{ at: string; open: boolean }> }> = JSON.parse(readFileSync(new URL('./fixtures/hours-dev.json', import.meta.url), 'utf8'));
		for (const c of dev) {
			const parsed = (parseHours(c.text) as { schedule: Schedule }).schedule;
			const { values, lossy } = scheduleToFormValues(parsed);
			if (lossy) continue;
			const again = schedule(values);
			for (const check of c.checks) expect(isOpenAt(again, new Date(check.at)), `${c.text} @ ${check.at}`).toBe(check.open);
		}
		const withException = schedule(week({ x0_date: '2026-12-23', x0_closed: 'on', x0_note: 'Lukket for kursus', x1_date: '2026-12-22', x1_from: '09:00', x1_to: '12:00' }));
		expect(schedule(scheduleToFormValues(withException).values)).toEqual(withException);
		expect(formatExceptions(withException, '2026-12-01')).toEqual(['Tirs 22. dec.: 9–12', 'Ons 23. dec.: lukket (Lukket for kursus)']);
		expect(formatExceptions(withException, '2026-12-23')).toEqual(['Ons 23. dec.: lukket (Lukket for kursus)']);
	});
});

describe('saving hours', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('saves a person’s week and closed day, audited before → after, and availability follows it', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const result = await savePersonHours(db, editor, n.leader, { values: week({ x0_date: '2026-12-03', x0_closed: 'on', x0_note: 'Kursus' }) });
		expect(result).toEqual({ ok: true, changed: true });
		const p = (await findPersonById(db, n.leader))!;
		expect(p.hours).toBe('Man–tors 8–15, fre 8–13');
		expect(scheduleFromJson(p.hoursSchedule)!.exceptions).toEqual([{ date: '2026-12-03', intervals: [], note: 'Kursus' }]);
		const [entry] = await listAuditFor(db, 'person', n.leader);
		expect(entry.actor).toBe(editor.actor.label);
		expect(entry.changes.hours).toEqual(['Man-fre 8-15', 'Man–tors 8–15, fre 8–13']);
		expect(entry.changes.hours_schedule?.[0]).toBeNull();
		expect(JSON.parse(String(entry.changes.hours_schedule?.[1])).rules).toHaveLength(2);
		// Thursday 3 December 10:00 is an ordinary working hour — but the exception closes it.
		expect(personAvailability({ ...p, deputyRef: null }, new Date('2026-12-03T10:00:00+01:00'))).toMatchObject({ openNow: false, nextOpen: '2026-12-04T07:00:00.000Z' });
		expect(personAvailability({ ...p, deputyRef: null }, new Date('2026-12-04T12:30:00+01:00')).openNow).toBe(true);
		const history = await personHistory(db, n.leader);
		expect(JSON.stringify(history)).toContain('Man–tors 8–15, fre 8–13; 2026-12-03: lukket (Kursus)');
		// The same form again changes nothing and writes no audit entry.
		expect(await savePersonHours(db, editor, n.leader, { values: week({ x0_date: '2026-12-03', x0_closed: 'on', x0_note: 'Kursus' }) })).toEqual({ ok: true, changed: false });
		expect(await listAuditFor(db, 'person', n.leader)).toHaveLength(2);
	});

	it('lets a person edit their own hours, and refuses an editor of another unit', async () => {
		expect((await savePersonHours(db, as('member', { personId: n.colleague }), n.colleague, { values: week() })).ok).toBe(true);
		await expect(savePersonHours(db, as('unit_editor', { unitIds: [n.sundhed] }), n.leader, { values: week() })).rejects.toBeInstanceOf(EditDenied);
		await expect(savePersonHours(db, as('member', { personId: n.colleague }), n.leader, { values: week() })).rejects.toBeInstanceOf(EditDenied);
		expect((await findPersonById(db, n.leader))!.hoursSchedule).toBeNull();
	});

	it('writes a shared contact’s hours only within the unit the permission was checked for', async () => {
		const [pprLine] = await listUnitContacts(db, [n.ppr]);
		const other = await saveUnitContact(db, systemActor('test'), { unitId: n.sundhed, label: 'Sundhedsplejens telefon', phone: '+4548000009', email: null, hours: 'Man-fre 9-12' });
		const pprEditor = as('unit_editor', { unitIds: [n.ppr] });
		// An editor of PPR changes the id in the form to Sundhedspleje's contact: refused, nothing written.
		await expect(saveContactHours(db, pprEditor, n.ppr, String(other.id), { values: week() })).rejects.toBeInstanceOf(EditDenied);
		await expect(saveContactHours(db, pprEditor, n.sundhed, String(other.id), { values: week() })).rejects.toBeInstanceOf(EditDenied);
		await expect(saveContactHours(db, pprEditor, n.ppr, `${pprLine.id}abc`, { values: week() })).rejects.toBeInstanceOf(EditDenied);
		expect((await listUnitContacts(db, [n.sundhed]))[0]).toMatchObject({ hours: 'Man-fre 9-12', hoursSchedule: null });
		expect(await listAuditFor(db, 'unit_contact', other.id)).toHaveLength(1);
		// Its own contact is fine, audited like other directory changes.
		expect(await saveContactHours(db, pprEditor, n.ppr, String(pprLine.id), { values: week() })).toEqual({ ok: true, changed: true });
		const [saved] = await listUnitContacts(db, [n.ppr]);
		expect(saved).toMatchObject({ label: 'PPR hovednummer', phone: '+4548000000', hours: 'Man–tors 8–15, fre 8–13' });
		const [entry] = await listAuditFor(db, 'unit_contact', pprLine.id);
		expect(entry.changes.hours).toEqual(['Man-fre 9-14', 'Man–tors 8–15, fre 8–13']);
		expect(entry.actor).toBe(pprEditor.actor.label);
	});

	it('keeps what was typed out of the database when the form is wrong', async () => {
		const result = await savePersonHours(db, as('admin'), n.leader, { values: week({ d1_to: 'kl. 3' }) });
		expect(result).toEqual({ ok: false, errors: { d1_to: '"kl. 3" er ikke et klokkeslæt. Skriv fx 15:30.' } });
		expect((await findPersonById(db, n.leader))!.hours).toBe('Man-fre 8-15');
		expect(await listAuditFor(db, 'person', n.leader)).toHaveLength(1);
	});

	it('removes hours with the clear button', async () => {
		await savePersonHours(db, as('admin'), n.leader, { values: week() });
		expect(await savePersonHours(db, as('admin'), n.leader, { clear: true })).toEqual({ ok: true, changed: true });
		expect(await findPersonById(db, n.leader)).toMatchObject({ hours: '', hoursSchedule: null });
	});

	it('new text from the edit form wins over the stored schedule but keeps its dated exceptions', async () => {
		const admin = as('admin');
		await savePersonHours(db, admin, n.leader, { values: week({ x0_date: '2026-12-03', x0_closed: 'on' }) });
		const p = (await findPersonById(db, n.leader))!;
		const form = (hours: string) =>
			personEditSchema.parse({ firstName: p.firstName, lastName: p.lastName, title: p.title, unitId: String(p.unitId), phone: p.phone ?? '', email: p.email ?? '', hours, ageGroups: p.ageGroups, phoneVisibility: p.phoneVisibility, mobileVisibility: p.mobileVisibility, emailVisibility: p.emailVisibility });
		await updatePerson(db, admin, p.id, form('Man-fre 9-12'));
		const after = (await findPersonById(db, n.leader))!;
		const stored = scheduleFromJson(after.hoursSchedule)!;
		expect(formatSchedule(stored)).toBe('Man–fre 9–12');
		expect(stored.exceptions.map((e) => e.date)).toEqual(['2026-12-03']);
		expect(availabilityAt(stored, new Date('2026-12-02T11:00:00+01:00')).openNow).toBe(true);
		await updatePerson(db, admin, p.id, form('Efter aftale'));
		expect((await findPersonById(db, n.leader))!.hoursSchedule).toBeNull();
	});

	it('lists hours text nobody can read for the unit’s editors, with the way to fix it, until it is fixed', async () => {
		const actor = systemActor('test');
		await db.updateTable('person').set({ hours: 'Efter aftale' }).where('id', 'in', [n.colleague, n.other]).execute();
		const [pprLine] = await listUnitContacts(db, [n.ppr]);
		await saveUnitContact(db, actor, { unitId: n.ppr, label: pprLine.label, phone: pprLine.phone, email: pprLine.email, hours: 'Mandag og i skoleferien' }, pprLine.id);
		const pprEditor = { unitIds: [n.ppr], organisationIds: [] };
		const listed = await listUnreadHours(db, pprEditor);
		expect(listed.map((u) => [u.kind, u.name, u.hours, u.editHref])).toEqual([
			['person', 'Bent Prøvesen', 'Efter aftale', '/personer/T002/traeffetid'],
			['contact', 'PPR hovednummer', 'Mandag og i skoleferien', `/organisationer/testby-kommune/ppr/aabningstid?kontakt=${pprLine.id}`],
		]);
		// Cille works in Sundhedspleje: an admin sees her, PPR's editor does not.
		expect((await listUnreadHours(db, { all: true })).map((u) => u.name)).toContain('Cille Øvelund');
		await savePersonHours(db, as('unit_editor', { unitIds: [n.ppr] }), n.colleague, { values: week() });
		expect((await listUnreadHours(db, pprEditor)).map((u) => u.name)).toEqual(['PPR hovednummer']);
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { BASE, admin, makeEvent, person } from './events-helpers';
import { cancelRegistration, confirmRegistration, findByToken, markNoShows, promoteNext, registerForEvent, setAttendance } from '@/modules/events/events.registrations';
import { findEventById, listEventOrganisers, listProgramme, listRegistrations, waitlistPosition } from '@/modules/events/events.repository';
import { cancelEvent, copyEvent, createEvent, mailParticipants, saveProgramme, setCoOrganisers, setEventPublished, updateEvent, eventToInput } from '@/modules/events/events.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation } from '@/modules/directory/directory.writes';
import { EventError } from '@/modules/events/events.types';
import { sendThemeDayReminders } from '@/modules/events/events.job';

const NOW = new Date('2030-05-01T10:00:00Z');
const opts = { now: NOW, baseUrl: BASE };

let db: Db;
let cleanup: () => Promise<void>;
beforeEach(async () => {
	({ db, cleanup } = await createTestDb());
});
afterEach(async () => cleanup());

const outbox = (kind?: string) => db.selectFrom('mail_outbox').selectAll().$if(!!kind, (q) => q.where('kind', '=', kind!)).orderBy('id').execute();
/** The token from the last link mailed to an address. */
async function tokenMailedTo(email: string): Promise<string> {
	const mail = await db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow();
	return /tilmelding\?t=([A-Za-z0-9_-]+)/.exec(mail.text_body)![1];
}

describe('Registering for a theme day', () => {
	it('gives a member a seat at once and mails a confirmation with the .ics attached', async () => {
		const event = await makeEvent(db);
		const result = await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true, userId: null });
		expect(result.outcome).toBe('confirmed');
		const [mail] = await outbox('event-confirmation');
		expect(mail.to_address).toBe('deltager1@kommune.example');
		expect(mail.subject).toContain('Du er tilmeldt');
		expect(mail.text_body).toContain(`${BASE}/temadage/${event.slug}/tilmelding?t=`);
		const attachments = JSON.parse(mail.attachments);
		expect(attachments[0].filename).toBe(`${event.slug}.ics`);
		expect(attachments[0].content).toContain(`UID:temadag-${event.id}@vejviser`);
	});

	it('puts people on the waitlist with their position once the seats are taken', async () => {
		const event = await makeEvent(db, { capacity: 2 });
		for (let i = 1; i <= 4; i++) await registerForEvent(db, event.id, person(i), { ...opts, emailVerified: true });
		const regs = await listRegistrations(db, event.id);
		expect(regs.map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted', 'waitlisted']);
		expect(await Promise.all(regs.slice(2).map((r) => waitlistPosition(db, r)))).toEqual([1, 2]);
		const waitMails = await outbox('event-waitlist');
		expect(waitMails.map((m) => m.subject)).toEqual([expect.stringContaining('nr. 1'), expect.stringContaining('nr. 2')]);
	});

	it('keeps one registration per e-mail address, whatever its case', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		const again = await registerForEvent(db, event.id, { ...person(1), email: 'DELTAGER1@Kommune.example' }, { ...opts, emailVerified: true });
		expect(again.outcome).toBe('already');
		expect(await listRegistrations(db, event.id)).toHaveLength(1);
		await expect(db.insertInto('event_registration').values({ event_id: event.id, name: 'X', email: 'Deltager1@kommune.example', status: 'pending', created_at: 'x', updated_at: 'x' }).execute()).rejects.toThrow(/unique/i);
	});

	it('holds no seat for an unconfirmed address and queues it when the address is confirmed', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		const pending = await registerForEvent(db, event.id, person(1), opts);
		expect(pending.outcome).toBe('pending');
		expect((await findEventById(db, event.id))!.seatsTaken).toBe(0);
		// A member who registers after still gets the seat: the pending one has not claimed it.
		expect((await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true })).outcome).toBe('confirmed');
		const token = await tokenMailedTo('deltager1@kommune.example');
		const confirmed = await confirmRegistration(db, token, opts);
		expect(confirmed.outcome).toBe('waitlisted');
		expect(confirmed.position).toBe(1);
		expect((await confirmRegistration(db, token, opts)).outcome).toBe('already');
		expect((await findByToken(db, token))?.registration.status).toBe('waitlisted');
	});

	it('refuses registrations after the deadline and before publication', async () => {
		const event = await makeEvent(db, { deadlineDate: '2030-05-01', deadlineTime: '12:00' });
		const late = new Date('2030-05-01T10:30:00Z'); // 12:30 Copenhagen summer time
		await expect(registerForEvent(db, event.id, person(1), { ...opts, now: late, emailVerified: true })).rejects.toThrow(/Tilmeldingsfristen er overskredet/);
		expect((await registerForEvent(db, event.id, person(1), { ...opts, now: new Date('2030-05-01T09:59:00Z'), emailVerified: true })).outcome).toBe('confirmed');
		const draft = await makeEvent(db, { title: 'Kladde' }, { publish: false });
		await expect(registerForEvent(db, draft.id, person(2), { ...opts, emailVerified: true })).rejects.toThrow(EventError);
	});
});

describe('A registration made from the theme day read before the seat lock (the form, issue 13)', () => {
	it('registers and mails from the read while the theme day is unchanged', async () => {
		const event = await makeEvent(db);
		const result = await registerForEvent(db, event.id, person(1), { ...opts, event });
		expect(result.outcome).toBe('pending');
		const [mail] = await outbox('event-confirm-address');
		expect(mail.subject).toContain(event.title);
		expect((await listRegistrations(db, event.id)).map((r) => r.status)).toEqual(['pending']);
		// Sent again: the address is registered already (the insert from the read adds nothing; no second mail today).
		expect((await registerForEvent(db, event.id, person(1), { ...opts, event })).outcome).toBe('pending');
		expect(await listRegistrations(db, event.id)).toHaveLength(1);
		expect(await outbox('event-confirm-address')).toHaveLength(1);
	});

	it('never registers for a theme day cancelled after it was read', async () => {
		const event = await makeEvent(db);
		const read = (await findEventById(db, event.id, { topics: false }))!;
		await cancelEvent(db, event.id, 'Sygdom', admin, opts);
		await expect(registerForEvent(db, event.id, person(1), { ...opts, event: read })).rejects.toThrow(/aflyst/);
		expect(await listRegistrations(db, event.id)).toHaveLength(0);
		expect(await outbox('event-confirm-address')).toHaveLength(0);
	});

	it('decides on the theme day as it is now when it changed after it was read', async () => {
		const event = await makeEvent(db);
		const read = (await findEventById(db, event.id, { topics: false }))!;
		// The deadline moved before "now" since the read: refused, although the read said open.
		await updateEvent(db, event.id, { ...eventToInput(read), deadlineDate: '2030-04-30', deadlineTime: '12:00' }, admin, opts);
		await expect(registerForEvent(db, event.id, person(1), { ...opts, event: read })).rejects.toThrow(/Tilmeldingsfristen er overskredet/);
		expect(await listRegistrations(db, event.id)).toHaveLength(0);
		// A new title since the read: the mail names the theme day as it is now.
		await updateEvent(db, event.id, { ...eventToInput(read), title: 'Nyt navn på dagen' }, admin, opts);
		expect((await registerForEvent(db, event.id, person(2), { ...opts, event: read })).outcome).toBe('pending');
		expect((await outbox('event-confirm-address')).map((m) => m.subject)).toEqual([expect.stringContaining('Nyt navn på dagen')]);
	});

	it('gives a member a seat from the counts under the lock, never from the read', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		const read = (await findEventById(db, event.id, { topics: false }))!;
		expect((await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true, event: read })).outcome).toBe('confirmed');
		// The read still says 0 seats taken: a second member must be waitlisted all the same.
		expect((await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true, event: read })).outcome).toBe('waitlisted');
		expect((await findEventById(db, event.id))!.seatsTaken).toBe(1);
	});
});

describe('Cancelling a registration', () => {
	it('gives the freed seat to the first on the waitlist and mails them', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(3), { ...opts, emailVerified: true });
		const token = await tokenMailedTo('deltager1@kommune.example');
		const result = await cancelRegistration(db, { token }, opts);
		expect(result.registration.status).toBe('cancelled');
		expect(result.promoted.map((r) => r.email)).toEqual(['deltager2@kommune.example']);
		const statuses = Object.fromEntries((await listRegistrations(db, event.id)).map((r) => [r.email, r.status]));
		expect(statuses).toEqual({ 'deltager1@kommune.example': 'cancelled', 'deltager2@kommune.example': 'confirmed', 'deltager3@kommune.example': 'waitlisted' });
		const promotion = await outbox('event-promotion');
		expect(promotion.map((m) => m.to_address)).toEqual(['deltager2@kommune.example']);
		expect(JSON.parse(promotion[0].attachments)).toHaveLength(1);
		// The promoted person's new link works for them.
		const reg3 = (await listRegistrations(db, event.id, { status: 'waitlisted' }))[0];
		expect(await waitlistPosition(db, reg3)).toBe(1);
	});

	it('stops promotion at the cut-off and tells the organiser instead', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		const token = await tokenMailedTo('deltager1@kommune.example');
		const late = new Date('2030-06-11T08:00:00Z'); // 47 h before the start at 07:00 UTC on the 13th
		const result = await cancelRegistration(db, { token }, { ...opts, now: late });
		expect(result.promoted).toEqual([]);
		expect(result.organiserNotified).toBe(true);
		expect(await listRegistrations(db, event.id, { status: 'waitlisted' })).toHaveLength(1);
		const [notice] = await outbox('event-organiser-seat-freed');
		expect(notice.to_address).toBe('tovholder@netvaerk.example');
		// The organiser can still move the next person up by hand.
		expect((await promoteNext(db, event.id, admin, { ...opts, now: late }))?.email).toBe('deltager2@kommune.example');
	});

	it('promotes just before the cut-off', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		const token = await tokenMailedTo('deltager1@kommune.example');
		const result = await cancelRegistration(db, { token }, { ...opts, now: new Date('2030-06-11T06:59:00Z') });
		expect(result.promoted).toHaveLength(1);
	});

	it('lets a cancelled person register again at the back of the queue', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		const token = await tokenMailedTo('deltager1@kommune.example');
		await cancelRegistration(db, { token }, opts);
		const again = await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		expect(again.outcome).toBe('waitlisted');
		expect(await listRegistrations(db, event.id)).toHaveLength(2);
	});

	it('rejects an unknown token', async () => {
		await makeEvent(db);
		await expect(cancelRegistration(db, { token: 'nope' }, opts)).rejects.toThrow(/ugyldigt/);
	});
});

describe('Organiser changes', () => {
	it('promotes from the waitlist when the capacity is raised', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		for (let i = 1; i <= 3; i++) await registerForEvent(db, event.id, person(i), { ...opts, emailVerified: true });
		await updateEvent(db, event.id, { ...eventToInput((await findEventById(db, event.id))!), capacity: 2 }, admin, opts);
		expect((await listRegistrations(db, event.id)).map((r) => r.status)).toEqual(['confirmed', 'confirmed', 'waitlisted']);
		await expect(updateEvent(db, event.id, { ...eventToInput((await findEventById(db, event.id))!), capacity: 1 }, admin, opts)).rejects.toThrow(/Kapaciteten/);
	});

	it('mails confirmed and waitlisted people when the time changes, and bumps the sequence', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		const changed = await updateEvent(db, event.id, { ...eventToInput(event), startTime: '10:00' }, admin, opts);
		expect(changed.sequence).toBe(event.sequence + 1);
		const mails = await outbox('event-changed');
		expect(mails.map((m) => m.to_address).sort()).toEqual(['deltager1@kommune.example', 'deltager2@kommune.example']);
		expect(mails[0].text_body).toContain('tidspunktet');
	});

	it('cancels the theme day with a METHOD:CANCEL calendar file to everyone registered', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		const { event: cancelled, mailed } = await cancelEvent(db, event.id, 'Sygdom', admin, opts);
		expect(cancelled.status).toBe('cancelled');
		expect(cancelled.sequence).toBe(event.sequence + 1);
		expect(mailed).toBe(1);
		const [mail] = await outbox('event-cancelled');
		const ics = JSON.parse(mail.attachments)[0].content as string;
		expect(ics).toContain('METHOD:CANCEL');
		expect(ics).toContain('STATUS:CANCELLED');
		await expect(registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true })).rejects.toThrow(/aflyst/);
	});

	it('checks people in and marks the rest as no-shows after the start', async () => {
		const event = await makeEvent(db);
		const a = (await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true })).registration;
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		await expect(markNoShows(db, event.id, admin, opts)).rejects.toThrow(/begyndt/);
		expect((await setAttendance(db, event.id, a.id, 'attended', admin, { now: new Date('2030-06-13T07:05:00Z') })).status).toBe('attended');
		expect(await markNoShows(db, event.id, admin, { now: new Date('2030-06-13T14:00:00Z') })).toBe(1);
		expect((await listRegistrations(db, event.id)).map((r) => r.status).sort()).toEqual(['attended', 'no_show']);
	});

	it('writes an audit entry for every change', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		const rows = await db.selectFrom('audit_log').select(['entity_type', 'action']).where('entity_type', 'in', ['event', 'registration']).orderBy('id').execute();
		expect(rows).toEqual([
			{ entity_type: 'event', action: 'create' },
			{ entity_type: 'event', action: 'publish' },
			{ entity_type: 'registration', action: 'register' },
		]);
	});
});

describe('The edit rule: who is told, what is saved (issue 15)', () => {
	const current = async (id: number) => eventToInput((await findEventById(db, id))!);
	const auditRows = (action: string) => db.selectFrom('audit_log').select(['at', 'changes']).where('entity_type', '=', 'event').where('action', '=', action).orderBy('id').execute();

	it('mails confirmed and waiting people only when the time, place or title of a published theme day changes', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		// A new summary is in the calendar file (sequence bumped) but is no reason to mail anyone.
		const summarised = await updateEvent(db, event.id, { ...(await current(event.id)), summary: 'En ny opsummering.' }, admin, opts);
		expect(summarised.sequence).toBe(event.sequence + 1);
		// Nor is a field the calendar doesn't show.
		await updateEvent(db, event.id, { ...(await current(event.id)), targetGroup: 'Lærere' }, admin, opts);
		expect(await outbox('event-changed')).toEqual([]);
		// Start and end both moved, and the summary too: one word for the time, none for the summary.
		await updateEvent(db, event.id, { ...(await current(event.id)), startTime: '10:00', endTime: '16:00', summary: 'Igen ny.' }, admin, opts);
		const mails = await outbox('event-changed');
		expect(mails.map((m) => m.to_address).sort()).toEqual(['deltager1@kommune.example', 'deltager2@kommune.example']);
		expect(mails[0].text_body).toContain('Arrangøren har ændret tidspunktet for temadagen.');
		expect(mails[0].text_body).toContain(`${BASE}/temadage/${event.slug}`);
		await updateEvent(db, event.id, { ...(await current(event.id)), title: 'Ny titel', placeName: 'Andet sted' }, admin, opts);
		expect((await outbox('event-changed')).slice(2).map((m) => /har ændret (.*) for temadagen/.exec(m.text_body)![1])).toEqual(['titlen, stedet', 'titlen, stedet']);
		expect((await auditRows('update')).map((r) => r.at)).toEqual(Array(4).fill(NOW.toISOString()));
	});

	it('gives a seat freed while the day was a draft to the waitlist when it is published again', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		await setEventPublished(db, event.id, false, admin, opts);
		await cancelRegistration(db, { token: await tokenMailedTo('deltager1@kommune.example') }, opts);
		const republished = await setEventPublished(db, event.id, true, admin, opts);
		const statuses = Object.fromEntries((await listRegistrations(db, event.id)).map((r) => [r.email, r.status]));
		expect(statuses).toEqual({ 'deltager1@kommune.example': 'cancelled', 'deltager2@kommune.example': 'confirmed' });
		expect(republished.waitlistCount).toBe(0);
		const promotions = await outbox('event-promotion');
		expect(promotions.map((m) => m.to_address)).toEqual(['deltager2@kommune.example']);
		// Its links lead to this site (the base URL the publish was given).
		expect(promotions[0].text_body).toContain(`${BASE}/temadage/`);
	});

	it('gives a seat freed after the cut-off to the waitlist when the organiser moves the day later', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		const late = { ...opts, now: new Date('2030-06-11T08:00:00Z') }; // 47 h before the start
		await cancelRegistration(db, { token: await tokenMailedTo('deltager1@kommune.example') }, late);
		await updateEvent(db, event.id, { ...(await current(event.id)), title: 'Temadag om selvskade og skam' }, admin, late);
		expect(await listRegistrations(db, event.id, { status: 'waitlisted' })).toHaveLength(1);
		await updateEvent(db, event.id, { ...(await current(event.id)), date: '2030-06-20' }, admin, late);
		expect((await listRegistrations(db, event.id, { status: 'confirmed' })).map((r) => r.email)).toEqual(['deltager2@kommune.example']);
		expect((await outbox('event-promotion')).map((m) => m.to_address)).toEqual(['deltager2@kommune.example']);
	});

	it('mails no one about a changed draft', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await setEventPublished(db, event.id, false, admin, opts);
		await updateEvent(db, event.id, { ...(await current(event.id)), startTime: '10:00' }, admin, opts);
		expect(await outbox('event-changed')).toEqual([]);
	});

	it('saves nothing, bumps nothing and audits nothing when the form comes back unchanged', async () => {
		const event = await makeEvent(db, {}, { publish: false });
		const same = await updateEvent(db, event.id, await current(event.id), admin, { ...opts, now: new Date('2030-05-02T10:00:00Z') });
		expect([same.sequence, same.updatedAt]).toEqual([event.sequence, event.updatedAt]);
		expect(await auditRows('update')).toEqual([]);
	});

	it('stores the topics once each and can clear them', async () => {
		const event = await makeEvent(db, { topics: ['selvskade', 'angst', 'selvskade'] });
		expect(event.topics.map((t) => t.slug).sort()).toEqual(['angst', 'selvskade']);
		const cleared = await updateEvent(db, event.id, { ...(await current(event.id)), topics: [] }, admin, opts);
		expect(cleared.topics).toEqual([]);
		expect(JSON.parse((await auditRows('update'))[0].changes).topics[1]).toEqual([]);
	});

	it('refuses too low a capacity and an unknown theme day with the right codes', async () => {
		const event = await makeEvent(db, { capacity: 2 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await expect(updateEvent(db, event.id, { ...(await current(event.id)), capacity: 0 }, admin, opts)).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('(1)') });
		await expect(updateEvent(db, 9999, await current(event.id), admin, opts)).rejects.toMatchObject({ code: 'not_found' });
		await expect(copyEvent(db, 9999, '2031-01-01', admin, opts)).rejects.toMatchObject({ code: 'not_found' });
	});
});

describe('Publishing and cancelling (issue 15)', () => {
	const auditRows = async (action: string) => (await db.selectFrom('audit_log').select(['at', 'changes']).where('entity_type', '=', 'event').where('action', '=', action).orderBy('id').execute()).map((r) => [r.at, JSON.parse(r.changes)]);
	const at = NOW.toISOString();

	it('publishes and unpublishes once each, audited, and never republishes a cancelled theme day', async () => {
		const event = await makeEvent(db, {}, { publish: false });
		const published = await setEventPublished(db, event.id, true, admin, opts);
		expect(published.status).toBe('published');
		expect((await setEventPublished(db, event.id, true, admin, opts)).sequence).toBe(published.sequence);
		expect((await setEventPublished(db, event.id, false, admin, opts)).status).toBe('draft');
		expect(await auditRows('publish')).toEqual([[at, { status: ['draft', 'published'] }]]);
		expect(await auditRows('unpublish')).toEqual([[at, { status: ['published', 'draft'] }]]);
		await cancelEvent(db, event.id, '', admin, opts);
		await expect(setEventPublished(db, event.id, true, admin, opts)).rejects.toMatchObject({ code: 'state', message: expect.stringContaining('aflyst') });
	});

	it('mails everyone confirmed or waiting the trimmed reason, once, and audits the cancellation', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		expect((await cancelEvent(db, event.id, ' Sygdom ', admin, opts)).mailed).toBe(2);
		const mails = await outbox('event-cancelled');
		expect(mails.map((m) => m.to_address)).toEqual(['deltager1@kommune.example', 'deltager2@kommune.example']);
		expect(mails[0].text_body).toContain('Begrundelse: Sygdom\n');
		expect(JSON.parse(mails[0].attachments)[0].content).toContain(`${BASE}/temadage/${event.slug}`);
		const again = await cancelEvent(db, event.id, 'Igen', admin, opts);
		expect([again.mailed, again.event.sequence]).toEqual([0, event.sequence + 1]);
		expect(await outbox('event-cancelled')).toHaveLength(2);
		expect(await auditRows('cancel')).toEqual([[at, { status: ['published', 'cancelled'], reason: [null, ' Sygdom '] }]]);
	});

	it('mails no one when a draft is cancelled', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await setEventPublished(db, event.id, false, admin, opts);
		const { event: cancelled, mailed } = await cancelEvent(db, event.id, 'Sygdom', admin, opts);
		expect([cancelled.status, mailed]).toEqual(['cancelled', 0]);
		expect(await outbox('event-cancelled')).toEqual([]);
	});
});

describe('Cleaning the form and choosing the slug (issue 15)', () => {
	it('trims the text fields, stores an empty online link as none and an empty price as "Gratis"', async () => {
		const event = await makeEvent(db, { title: ' Temadag ', summary: ' Kort. ', placeName: ' Rådhuset ', placeAddress: ' Vej 1 ', onlineUrl: '  ', organiserEmail: ' Tovholder@Netvaerk.example ', targetGroup: ' Alle ', priceText: '  ' });
		expect([event.title, event.summary, event.placeName, event.placeAddress, event.onlineUrl, event.organiserEmail, event.targetGroup, event.priceText]).toEqual(['Temadag', 'Kort.', 'Rådhuset', 'Vej 1', null, 'tovholder@netvaerk.example', 'Alle', 'Gratis']);
		const other = await makeEvent(db, { onlineUrl: ' https://møde.example/x ', organiserEmail: null, priceText: ' 200 kr. ' });
		expect([other.onlineUrl, other.organiserEmail, other.priceText]).toEqual(['https://møde.example/x', null, '200 kr.']);
	});

	it('refuses an end at or before the start', async () => {
		await expect(makeEvent(db, { startTime: '10:00', endTime: '10:00' })).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('Sluttidspunktet') });
		await expect(makeEvent(db, { startTime: '10:00', endTime: '09:00' })).rejects.toThrow(/Sluttidspunktet/);
	});

	it('makes the slug from the title and year, numbering a taken one', async () => {
		const slugs = [];
		for (let i = 0; i < 3; i++) slugs.push((await makeEvent(db)).slug);
		expect(slugs).toEqual(['temadag-om-selvskade-2030', 'temadag-om-selvskade-2030-2', 'temadag-om-selvskade-2030-3']);
		expect((await makeEvent(db, { title: '!!!' })).slug).toBe('temadag-2030');
		// At most 60 characters from the title, without a dash left dangling where it was cut.
		expect((await makeEvent(db, { title: `${'a'.repeat(59)} bb cc` })).slug).toBe(`${'a'.repeat(59)}-2030`);
	});

	it('gives the edit form back what was saved, the deadline included', async () => {
		const event = await makeEvent(db, { deadlineDate: '2030-06-10', deadlineTime: '12:00' });
		expect([eventToInput(event).deadlineDate, eventToInput(event).deadlineTime]).toEqual(['2030-06-10', '12:00']);
		const open = eventToInput(await makeEvent(db, { title: 'Uden frist' }));
		expect([open.deadlineDate, open.deadlineTime]).toEqual([null, null]);
		// A deadline date without a time means the end of that day.
		expect((await makeEvent(db, { title: 'Dagsfrist', deadlineDate: '2030-06-10', deadlineTime: null })).registrationDeadline).toBe('2030-06-10T21:59:00.000Z');
	});

	it('creates a draft unless told otherwise, stamped with the given time and audited with its values', async () => {
		const at = new Date('2030-04-01T08:00:00Z');
		const draft = await createEvent(db, eventToInput(await makeEvent(db)), admin, { now: at });
		expect([draft.status, draft.createdAt]).toEqual(['draft', at.toISOString()]);
		expect((await createEvent(db, eventToInput(draft), admin, { now: at, status: 'published' })).status).toBe('published');
		const created = await db.selectFrom('audit_log').select(['at', 'changes']).where('action', '=', 'create').where('entity_id', '=', draft.id).executeTakeFirstOrThrow();
		expect(created.at).toBe(at.toISOString());
		expect(JSON.parse(created.changes)).toMatchObject({ title: [null, draft.title], slug: [null, draft.slug], topics: [null, ['selvskade']] });
	});
});

describe('Programme, co-organisers, copies and messages', () => {
	const audit = async (action: string) =>
		(await db.selectFrom('audit_log').select(['entity_id', 'changes']).where('entity_type', '=', 'event').where('action', '=', action).orderBy('id').execute()).map((r) => [Number(r.entity_id), JSON.parse(r.changes)]);
	const talk = (startTime: string, title: string, speakerName: string) => ({ startTime, endTime: null, title, speakerName, speakerAffiliation: ' Region H ' });

	it('replaces the programme (trimmed, in time order) and audits before and after', async () => {
		const event = await makeEvent(db);
		await saveProgramme(db, event.id, [talk('10:00', ' Pause ', ''), talk('09:00', ' Velkomst ', ' Ane ')], admin, opts);
		expect((await listProgramme(db, event.id)).map((i) => [i.startTime, i.title, i.speakerName, i.speakerAffiliation])).toEqual([['09:00', 'Velkomst', 'Ane', 'Region H'], ['10:00', 'Pause', '', 'Region H']]);
		await saveProgramme(db, event.id, [talk('09:30', 'Oplæg', 'Bo')], admin, opts);
		expect((await listProgramme(db, event.id)).map((i) => i.title)).toEqual(['Oplæg']);
		await saveProgramme(db, event.id, [], admin, opts);
		expect(await listProgramme(db, event.id)).toEqual([]);
		expect(await audit('programme')).toEqual([
			[event.id, { programme: [[], ['10:00 Pause ()', '09:00 Velkomst (Ane)']] }],
			[event.id, { programme: [['09:00 Velkomst (Ane)', '10:00 Pause ()'], ['09:30 Oplæg (Bo)']] }],
			[event.id, { programme: [['09:30 Oplæg (Bo)'], []] }],
		]);
		await expect(saveProgramme(db, 9999, [], admin, opts)).rejects.toThrow(/findes ikke/);
	});

	it('sets co-organisers once each, audits only real changes', async () => {
		const actor = systemActor('test');
		const a = (await ensureOrganisation(db, actor, { name: 'Alfa Kommune', type: 'kommune', municipalityCode: '219' })).id;
		const b = (await ensureOrganisation(db, actor, { name: 'Beta Kommune', type: 'kommune', municipalityCode: '217' })).id;
		const event = await makeEvent(db);
		await setCoOrganisers(db, event.id, [b, a, b], admin, opts);
		expect((await listEventOrganisers(db, event.id)).map((o) => o.name)).toEqual(['Alfa Kommune', 'Beta Kommune']);
		await setCoOrganisers(db, event.id, [a, b], admin, opts);
		await setCoOrganisers(db, event.id, [], admin, opts);
		expect(await listEventOrganisers(db, event.id)).toEqual([]);
		expect(await audit('organisers')).toEqual([[event.id, { organisers: [[], [b, a]] }], [event.id, { organisers: [[a, b], []] }]]);
	});

	it('copies a theme day to a new date as a draft with its programme and organisers, without registrations or materials', async () => {
		const actor = systemActor('test');
		const org = (await ensureOrganisation(db, actor, { name: 'Alfa Kommune', type: 'kommune', municipalityCode: '219' })).id;
		const source = await makeEvent(db, { materials: 'Slides', deadlineDate: '2030-06-10', deadlineTime: '12:00' });
		await saveProgramme(db, source.id, [talk('09:00', 'Velkomst', 'Ane')], admin, opts);
		await setCoOrganisers(db, source.id, [org], admin, opts);
		await registerForEvent(db, source.id, person(1), { ...opts, emailVerified: true });
		const copy = await copyEvent(db, source.id, '2031-06-12', admin, opts);
		expect([copy.status, copy.copiedFromId, copy.title, copy.materials, utc(copy.startsAt)]).toEqual(['draft', source.id, source.title, '', '2031-06-12T07:00:00.000Z']);
		expect(copy.registrationDeadline).toBe('2031-06-10T10:00:00.000Z');
		expect((await listProgramme(db, copy.id)).map((i) => [i.startTime, i.title, i.speakerName])).toEqual([['09:00', 'Velkomst', 'Ane']]);
		expect((await listEventOrganisers(db, copy.id)).map((o) => o.id)).toEqual([org]);
		expect(await listRegistrations(db, copy.id)).toEqual([]);
		expect(await audit('copy')).toEqual([[copy.id, { copied_from: [null, source.slug] }]]);
		expect(await listProgramme(db, (await copyEvent(db, copy.id, '2032-06-10', admin, opts)).id)).toHaveLength(1);
		expect(await listProgramme(db, (await copyEvent(db, (await makeEvent(db, { title: 'Uden program' })).id, '2031-01-08', admin, opts)).id)).toEqual([]);
		await expect(copyEvent(db, 9999, '2031-06-12', admin, opts)).rejects.toThrow(/findes ikke/);
	});

	it('mails the chosen audience and audits the message', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		const to = async () => (await outbox('event-message')).map((m) => m.to_address);
		expect(await mailParticipants(db, event.id, 'waitlisted', ' Nyt lokale ', ' Vi flytter. ', admin, opts)).toBe(1);
		expect(await to()).toEqual(['deltager2@kommune.example']);
		expect(await mailParticipants(db, event.id, 'confirmed', 'Husk', 'Tag pc med.', admin, opts)).toBe(1);
		expect(await mailParticipants(db, event.id, 'all', 'Tak', 'Tak for i dag.', admin, opts)).toBe(2);
		expect(await to()).toEqual(['deltager2@kommune.example', 'deltager1@kommune.example', 'deltager1@kommune.example', 'deltager2@kommune.example']);
		const [first] = await outbox('event-message');
		expect(first.subject).toBe(`Nyt lokale · ${event.title}`);
		expect(first.text_body).toContain('Vi flytter.');
		expect((await audit('mail'))[0]).toEqual([event.id, { audience: [null, 'waitlisted'], subject: [null, 'Nyt lokale'], recipients: [null, 1] }]);
	});
	it('mails those who came and those who didn\'t after the day, with the trimmed text and links to this site', async () => {
		const event = await makeEvent(db, { capacity: 2 });
		const a = (await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true })).registration;
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(3), { ...opts, emailVerified: true });
		const after = new Date('2030-06-13T14:00:00Z');
		await setAttendance(db, event.id, a.id, 'attended', admin, { now: after });
		await markNoShows(db, event.id, admin, { now: after });
		expect(await mailParticipants(db, event.id, 'confirmed', 'Slides', ' Her er slides. ', admin, opts)).toBe(2);
		expect(await mailParticipants(db, event.id, 'all', 'Tak', 'Tak.', admin, opts)).toBe(3);
		const [first] = await outbox('event-message');
		expect(first.text_body).toContain('\n\nHer er slides.\n\n');
		expect(first.text_body).toContain(`${BASE}/temadage/${event.slug}`);
	});

	it('stamps the audit entries of programme, co-organiser, copy and message writes with the given time', async () => {
		const event = await makeEvent(db);
		const at = new Date('2030-04-02T09:00:00Z');
		const org = (await ensureOrganisation(db, systemActor('test'), { name: 'Alfa Kommune', type: 'kommune', municipalityCode: '219' })).id;
		await saveProgramme(db, event.id, [talk('09:00', 'Velkomst', 'Ane')], admin, { ...opts, now: at });
		await setCoOrganisers(db, event.id, [org], admin, { ...opts, now: at });
		await copyEvent(db, event.id, '2031-06-12', admin, { ...opts, now: at });
		await mailParticipants(db, event.id, 'all', 'Hej', 'Hej.', admin, { ...opts, now: at });
		const rows = await db.selectFrom('audit_log').select(['action', 'at']).where('action', 'in', ['programme', 'organisers', 'copy', 'mail']).orderBy('id').execute();
		expect(rows).toEqual(['programme', 'organisers', 'copy', 'mail'].map((action) => ({ action, at: at.toISOString() })));
	});
});

const utc = (iso: string) => new Date(iso).toISOString();

describe('The theme-day job', () => {
	it('sends one reminder per seat two days before, however often it runs', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), opts); // pending: no seat, no reminder
		expect((await sendThemeDayReminders(db, new Date('2030-06-10T07:00:00Z'), BASE)).reminded).toBe(0);
		const twoDaysBefore = new Date('2030-06-11T07:30:00Z');
		expect((await sendThemeDayReminders(db, twoDaysBefore, BASE)).reminded).toBe(1);
		expect((await sendThemeDayReminders(db, new Date('2030-06-11T08:30:00Z'), BASE)).reminded).toBe(0);
		const reminders = await outbox('event-reminder');
		expect(reminders.map((m) => m.to_address)).toEqual(['deltager1@kommune.example']);
	});

	it('deletes registrations whose address was not confirmed within a week', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), opts);
		expect((await sendThemeDayReminders(db, new Date('2030-05-09T11:00:00Z'), BASE)).purged).toBe(1);
		expect(await listRegistrations(db, event.id)).toHaveLength(0);
	});
});

/** Issue 9, item 10: what a participant is told and sent when they cancel, and the default deadline. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { BASE, makeEvent, person } from './events-helpers';
import { cancelRegistration, freedPlace, registerForEvent } from '@/modules/events/events.registrations';
import { findEventById } from '@/modules/events/events.repository';
import { defaultRegistrationDeadline, registrationOpen } from '@/modules/events/events.rules';

const NOW = new Date('2030-05-01T10:00:00Z');
const opts = { now: NOW, baseUrl: BASE };

let db: Db;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(async () => cleanup());

const field = (ics: string, name: string) => ics.split(/\r\n/).find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1);
async function lastMail(to: string) {
	return db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirstOrThrow();
}
async function tokenMailedTo(email: string) {
	return /tilmelding\?t=([A-Za-z0-9_-]+)/.exec((await lastMail(email)).text_body)![1];
}

describe('Cancelling one\'s own seat', () => {
	it('mails a METHOD:CANCEL calendar file with the confirmation\'s UID and a higher SEQUENCE', async () => {
		const event = await makeEvent(db);
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		const confirmation = await lastMail('deltager1@kommune.example');
		const sent = JSON.parse(confirmation.attachments)[0].content as string;
		await cancelRegistration(db, { token: await tokenMailedTo('deltager1@kommune.example') }, opts);
		const mail = await lastMail('deltager1@kommune.example');
		expect(mail.kind).toBe('event-unregistered');
		const [attachment] = JSON.parse(mail.attachments);
		expect(attachment.contentType).toContain('method=CANCEL');
		const ics = attachment.content as string;
		expect(field(ics, 'METHOD')).toBe('CANCEL');
		expect(field(ics, 'STATUS')).toBe('CANCELLED');
		expect(field(ics, 'UID')).toBe(field(sent, 'UID'));
		expect(Number(field(ics, 'SEQUENCE'))).toBeGreaterThan(Number(field(sent, 'SEQUENCE')));
		expect(mail.text_body).toContain('fjerner aftalen fra din kalender');
	});

	it('keeps the calendar order when the person registers again after cancelling: each file outranks the last', async () => {
		const event = await makeEvent(db);
		const seqs: number[] = [];
		const lastIcs = async () => JSON.parse((await lastMail('deltager1@kommune.example')).attachments)[0].content as string;
		for (let round = 0; round < 2; round++) {
			await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
			seqs.push(Number(field(await lastIcs(), 'SEQUENCE')));
			await cancelRegistration(db, { token: await tokenMailedTo('deltager1@kommune.example') }, opts);
			const ics = await lastIcs();
			expect(field(ics, 'METHOD')).toBe('CANCEL');
			seqs.push(Number(field(ics, 'SEQUENCE')));
		}
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		seqs.push(Number(field(await lastIcs(), 'SEQUENCE')));
		for (let i = 1; i < seqs.length; i++) expect(seqs[i], seqs.join(' → ')).toBeGreaterThan(seqs[i - 1]);
	});

	it('sends no calendar file to someone who only stood on the waitlist', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		await cancelRegistration(db, { token: await tokenMailedTo('deltager2@kommune.example') }, opts);
		expect(JSON.parse((await lastMail('deltager2@kommune.example')).attachments)).toEqual([]);
	});

	it('tells the truth about the freed place', async () => {
		const event = await makeEvent(db, { capacity: 1 });
		await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true });
		// Nobody waits: the seat is simply free.
		const alone = await cancelRegistration(db, { token: await tokenMailedTo('deltager1@kommune.example') }, opts);
		expect(freedPlace(alone)).toBe('ledig');
		await registerForEvent(db, event.id, person(2), { ...opts, emailVerified: true });
		await registerForEvent(db, event.id, person(3), { ...opts, emailVerified: true });
		const waitlisted = await cancelRegistration(db, { token: await tokenMailedTo('deltager3@kommune.example') }, opts);
		expect(freedPlace(waitlisted)).toBe('venteliste');
		await registerForEvent(db, event.id, person(4), { ...opts, emailVerified: true });
		const passedOn = await cancelRegistration(db, { token: await tokenMailedTo('deltager2@kommune.example') }, opts);
		expect(freedPlace(passedOn)).toBe('videre');
		await registerForEvent(db, event.id, person(5), { ...opts, emailVerified: true });
		const late = await cancelRegistration(db, { token: await tokenMailedTo('deltager4@kommune.example') }, { ...opts, now: new Date('2030-06-12T08:00:00Z') });
		expect(freedPlace(late)).toBe('arrangoer');
	});
});

describe('The default registration deadline', () => {
	it('is two days before the start at 12:00 Danish time', async () => {
		const event = await makeEvent(db); // 2030-06-13 09:00, no deadline set
		expect((await findEventById(db, event.id))!.registrationDeadline).toBe('2030-06-11T10:00:00.000Z'); // 12:00 CEST
		expect(registrationOpen(event, new Date('2030-06-11T09:59:00Z')).open).toBe(true);
		expect(registrationOpen((await findEventById(db, event.id))!, new Date('2030-06-11T10:01:00Z'))).toEqual({ open: false, reason: 'deadline' });
		// Winter time: 12:00 CET is 11:00 UTC.
		expect(defaultRegistrationDeadline('2030-12-05T08:00:00.000Z', '2030-11-01T00:00:00.000Z')).toBe('2030-12-03T11:00:00.000Z');
	});

	it('leaves a theme day created at short notice open until its start', async () => {
		expect(defaultRegistrationDeadline('2030-12-05T08:00:00.000Z', '2030-12-04T09:00:00.000Z')).toBe('2030-12-05T08:00:00.000Z');
	});

	it('gives way to a deadline the organiser set', async () => {
		const event = await makeEvent(db, { deadlineDate: '2030-06-12', deadlineTime: '20:00' });
		expect((await findEventById(db, event.id))!.registrationDeadline).toBe('2030-06-12T18:00:00.000Z');
	});
});

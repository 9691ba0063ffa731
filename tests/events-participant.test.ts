/** Issue 9, item 10: what a participant is told and sent when they cancel, and the default deadline. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { BASE, makeEvent, person } from './events-helpers';
import { cancelRegistration, freedPlace, registerForEvent } from '@/modules/events/events.registrations';
import { findEventById } from '@/modules/events/events.repository';
import {
	decideSeat,
	defaultRegistrationDeadline,
	formatEventWhen,
	formatLongDate,
	formatMonth,
	localToUtc,
	mapLink,
	monthBounds,
	promotionAllowed,
	registrationOpen,
	seatsLeft,
	shiftMonth,
	utcToLocal,
} from '@/modules/events/events.rules';

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

describe('Seat, registration and calendar rules', () => {
	const day = { status: 'published', startsAt: '2030-06-13T07:00:00.000Z', registrationDeadline: '2030-06-11T10:00:00.000Z', promotionCutoffHours: 48 };

	it('gives a free seat only when nobody is waiting', () => {
		expect([decideSeat(2, 1, 0), decideSeat(2, 2, 0), decideSeat(2, 1, 1), decideSeat(2, 3, 0)]).toEqual(['confirmed', 'waitlisted', 'waitlisted', 'waitlisted']);
		expect([seatsLeft({ capacity: 5, seatsTaken: 3 }), seatsLeft({ capacity: 5, seatsTaken: 5 }), seatsLeft({ capacity: 5, seatsTaken: 7 })]).toEqual([2, 0, 0]);
	});

	it('closes registration for cancelled, unpublished and started days, and after the deadline (inclusive of its minute)', () => {
		expect(registrationOpen({ ...day, status: 'cancelled' }, new Date('2030-06-01T00:00:00Z'))).toEqual({ open: false, reason: 'cancelled' });
		expect(registrationOpen({ ...day, status: 'draft' }, new Date('2030-06-01T00:00:00Z'))).toEqual({ open: false, reason: 'not_open' });
		expect(registrationOpen(day, new Date(day.registrationDeadline))).toEqual({ open: true });
		expect(registrationOpen(day, new Date(Date.parse(day.registrationDeadline) + 1))).toEqual({ open: false, reason: 'deadline' });
		// A deadline after the start: the start closes it.
		const late = { ...day, registrationDeadline: '2030-06-14T00:00:00.000Z' };
		expect(registrationOpen(late, new Date(Date.parse(day.startsAt) - 1))).toEqual({ open: true });
		expect(registrationOpen(late, new Date(day.startsAt))).toEqual({ open: false, reason: 'started' });
	});

	it('stops promotion from the waitlist the cut-off hours before the start', () => {
		const cutoff = Date.parse(day.startsAt) - 48 * 3_600_000;
		expect([promotionAllowed(day, new Date(cutoff - 1)), promotionAllowed(day, new Date(cutoff)), promotionAllowed({ ...day, promotionCutoffHours: 0 }, new Date(cutoff))]).toEqual([true, false, true]);
	});

	it('converts Copenhagen wall-clock times across daylight saving, and formats them in Danish', () => {
		expect([localToUtc('2030-03-31', '01:30'), localToUtc('2030-03-31', '03:30'), localToUtc('2030-10-27', '12:00')]).toEqual(['2030-03-31T00:30:00.000Z', '2030-03-31T01:30:00.000Z', '2030-10-27T11:00:00.000Z']);
		expect(utcToLocal('2030-12-31T23:30:00.000Z')).toEqual({ date: '2031-01-01', time: '00:30' });
		expect(formatLongDate('2026-12-03T08:00:00.000Z')).toBe('torsdag den 3. december 2026');
		expect(formatEventWhen('2026-12-03T08:00:00.000Z', '2026-12-03T14:30:00.000Z')).toBe('torsdag den 3. december 2026 kl. 09.00–15.30');
		expect(formatEventWhen('2026-12-03T08:00:00.000Z', '2026-12-04T14:30:00.000Z')).toBe('torsdag den 3. december 2026 kl. 09.00 til fredag den 4. december 2026 kl. 15.30');
	});

	it('steps and bounds calendar months in Copenhagen time', () => {
		expect([shiftMonth('2026-12', 1), shiftMonth('2026-01', -1), shiftMonth('2026-05', 0)]).toEqual(['2027-01', '2025-12', '2026-05']);
		expect(formatMonth('2026-12')).toBe('december 2026');
		expect(monthBounds('2026-03')).toEqual({ from: '2026-02-28T23:00:00.000Z', to: '2026-03-31T22:00:00.000Z' });
		expect(mapLink('Trollesmindealle 27, 3400 Hillerød')).toBe('https://www.openstreetmap.org/search?query=Trollesmindealle%2027%2C%203400%20Hiller%C3%B8d');
	});
});

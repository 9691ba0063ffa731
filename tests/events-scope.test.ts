/**
 * Issue 8, defects 2 and 13: ids from forms are resolved within the theme day the permission was checked
 * for, and a seat write never joins (and dies with) another transaction open on the shared connection.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { BASE, admin, makeEvent, person } from './events-helpers';
import { cancelRegistration, registerForEvent, setAttendance } from '@/modules/events/events.registrations';
import { listRegistrations } from '@/modules/events/events.repository';
import { EventError } from '@/modules/events/events.types';
import { parseId, resolveInScope, resolveInScopeAsync } from '@/lib/scope';

const NOW = new Date('2030-05-01T10:00:00Z');
const opts = { now: NOW, baseUrl: BASE };
const organiserB = { label: 'arrangoer-b@kommune.example', userId: 99 };

let db: Db;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(async () => cleanup());

const mails = async () => (await db.selectFrom('mail_outbox').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
const audits = async () => (await db.selectFrom('audit_log').select(({ fn }) => fn.countAll<number>().as('n')).where('entity_type', '=', 'registration').executeTakeFirstOrThrow()).n;

describe('Ids from forms stay inside the theme day the organiser may manage', () => {
	it('an organiser of day B can neither cancel nor check in a registration of day A', async () => {
		const dayA = await makeEvent(db, { title: 'Dag A' });
		const dayB = await makeEvent(db, { title: 'Dag B', date: '2030-06-20' });
		const regA = (await registerForEvent(db, dayA.id, person(1), { ...opts, emailVerified: true })).registration;
		const before = { mails: await mails(), audits: await audits() };

		// The admin pages pass the page's theme day as the scope; the form's id names day A's registration.
		await expect(cancelRegistration(db, { registrationId: String(regA.id), actor: organiserB, scope: { eventId: dayB.id } }, opts)).rejects.toThrow(/findes ikke/);
		await expect(setAttendance(db, dayB.id, String(regA.id), 'attended', organiserB, { now: new Date('2030-06-13T07:05:00Z') })).rejects.toThrow(/findes ikke/);

		expect((await listRegistrations(db, dayA.id)).map((r) => [r.id, r.status, r.checkedInAt])).toEqual([[regA.id, 'confirmed', null]]);
		expect(await mails()).toBe(before.mails);
		expect(await audits()).toBe(before.audits);

		// Within its own day the same forms work.
		await cancelRegistration(db, { registrationId: String(regA.id), actor: admin, scope: { eventId: dayA.id } }, opts);
		expect(await listRegistrations(db, dayA.id, { status: 'cancelled' })).toHaveLength(1);
	});

	it('a member cancels only their own registration from "Mine tilmeldinger"', async () => {
		const day = await makeEvent(db);
		const other = (await registerForEvent(db, day.id, person(2), { ...opts, emailVerified: true, userId: null })).registration;
		await expect(cancelRegistration(db, { registrationId: other.id, actor: { label: 'x@y.example', userId: 5 }, scope: { ownerUserId: 5, ownerEmail: 'x@y.example' } }, opts)).rejects.toThrow(EventError);
		expect((await listRegistrations(db, day.id))[0].status).toBe('confirmed');
	});

	it('parses ids strictly and answers an out-of-scope id like an unknown one', async () => {
		expect([parseId('12'), parseId(' 7 '), parseId(3)]).toEqual([12, 7, 3]);
		for (const bad of ['', '0', '-1', '1e3', '12abc', '0x10', '1.5', '99999999999999999', ['1', '2'], undefined, null]) expect(parseId(bad)).toBeNull();
		const rows = new Map([[1, { id: 1, scope: 'a' }], [2, { id: 2, scope: 'b' }]]);
		const find = (id: number) => rows.get(id);
		expect(resolveInScope('1', find, (r) => r.scope === 'a')?.id).toBe(1);
		expect(resolveInScope('2', find, (r) => r.scope === 'a')).toBeUndefined();
		expect(resolveInScope('3', find, (r) => r.scope === 'a')).toBeUndefined();
	});

	it('never asks the loader for a value that is not an id, and resolves asynchronous loaders the same way', async () => {
		const rows = new Map([[1, { id: 1, scope: 'a' }], [2, { id: 2, scope: 'b' }]]);
		const asked: unknown[] = [];
		const find = (id: number) => (asked.push(id), rows.get(id));
		const findAsync = async (id: number) => find(id);
		const inA = (r: { scope: string }) => r.scope === 'a';
		expect([resolveInScope('1x', find, inA), await resolveInScopeAsync('', findAsync, inA), await resolveInScopeAsync(['1'], findAsync, inA)]).toEqual([undefined, undefined, undefined]);
		expect(asked).toEqual([]);
		expect((await resolveInScopeAsync(' 1 ', findAsync, inA))?.id).toBe(1);
		expect(await resolveInScopeAsync('2', findAsync, inA)).toBeUndefined();
		// An unknown id is not handed to the scope check (which may read the row's fields).
		expect(await resolveInScopeAsync('3', findAsync, inA)).toBeUndefined();
		expect(asked).toEqual([1, 2, 3]);
	});
});

describe('A seat write never joins another transaction', () => {
	it('a registration made while an unrelated edit is open survives that edit rolling back', async () => {
		const day = await makeEvent(db);
		let waited: ReturnType<typeof registerForEvent> | undefined;

		const edit = db.transaction().execute(async (trx) => {
			await trx.updateTable('event').set({ summary: 'Halvfærdig ændring' }).where('id', '=', day.id).execute();
			// The edit awaits between its statements; meanwhile a participant registers. The seat write runs in
			// its own transaction (it waits for the edit's lock on SQLite), never inside the edit.
			await new Promise((resolve) => setTimeout(resolve, 5));
			waited = registerForEvent(db, day.id, person(2), { ...opts, emailVerified: true });
			await new Promise((resolve) => setTimeout(resolve, 5));
			await trx.selectFrom('event').select('id').execute();
			throw new Error('the edit fails and rolls back');
		});
		await expect(edit).rejects.toThrow(/rolls back/);
		const second = await waited!;

		expect(second.outcome).toBe('confirmed');
		const regs = await listRegistrations(db, day.id);
		expect(regs.map((r) => r.email)).toContain('deltager2@kommune.example');
		expect(regs.find((r) => r.email === 'deltager2@kommune.example')?.status).toBe('confirmed');
		const confirmations = await db.selectFrom('mail_outbox').select('to_address').where('kind', '=', 'event-confirmation').execute();
		expect(confirmations.map((m) => m.to_address)).toContain('deltager2@kommune.example');
		// The edit itself rolled back.
		expect((await db.selectFrom('event').select('summary').where('id', '=', day.id).executeTakeFirstOrThrow()).summary).not.toBe('Halvfærdig ændring');
	});
});

/**
 * The theme-day part of the demo seed (`npm run db:seed`, `npm start` on an empty database) on either
 * engine: seven demo days with programmes, registrations within capacity and attendance on the past day,
 * and no mail to fictional participants left in the queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { seedThemeDays } from '@/modules/events/events.seed';
import { listEvents, listRegistrations } from '@/modules/events/events.repository';

let db: Db;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ db, cleanup } = await createTestDb()));
afterAll(async () => cleanup());

describe('Demo theme days', () => {
	it('seeds seven days once, within capacity, with attendance on the past one and no queued mail', async () => {
		const now = new Date('2030-03-02T09:00:00Z');
		expect(await seedThemeDays(db, { now })).toBe(7);
		expect(await seedThemeDays(db, { now })).toBe(0);
		const upcoming = await listEvents(db, { endsAfter: now.toISOString() });
		const past = await listEvents(db, { endedBefore: now.toISOString() });
		expect([upcoming.length, past.length]).toEqual([6, 1]);
		for (const event of [...upcoming, ...past]) expect(event.seatsTaken).toBeLessThanOrEqual(event.capacity);
		expect(upcoming.find((e) => e.title.startsWith('Selvskade'))).toMatchObject({ capacity: 30, seatsTaken: 28 });
		const attended = (await listRegistrations(db, past[0].id)).filter((r) => r.status === 'attended');
		expect(attended).toHaveLength(15);
		const queued = await db.selectFrom('mail_outbox').select('id').where('to_address', 'like', '%@deltager.example').execute();
		expect(queued).toHaveLength(0);
	});
});

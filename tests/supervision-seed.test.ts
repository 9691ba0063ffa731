import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { extraSeeders, seedDemoNetwork } from '@db/seed';
import { seedDemoAccounts } from '@/modules/auth/auth.seed';
import { listGroups, listMeetings, listMemberships } from '@/modules/supervision/supervision.repository';
import { seedSupervision } from '@/modules/supervision/supervision.seed';
import { myHours } from '@/modules/supervision/supervision.view';
import { createTestDb } from './helpers/test-db';

/** The supervision part of the demo (`npm run db:seed`), on either engine. */
describe('The demo supervision groups', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	const now = new Date('2026-11-24T12:00:00Z');
	beforeAll(async () => {
		({ db, cleanup } = await createTestDb());
		// Only the parts this file is about (accounts, supervision) after the directory: theme days have tests of their own.
		const all = extraSeeders.splice(0, extraSeeders.length, async (d) => void (await seedDemoAccounts(d, now)));
		try {
			await seedDemoNetwork(db, { now });
		} finally {
			extraSeeders.splice(0, extraSeeders.length, ...all);
		}
		expect(await seedSupervision(db, { now })).toBe(2);
	}, 180_000);
	afterAll(async () => cleanup());

	it('seeds two running groups with members, a waitlist, an open application and recorded meetings, and no mail', async () => {
		const groups = await listGroups(db, now);
		expect(groups.map((g) => g.title).sort()).toEqual(['Angst hos børn og unge', 'Selvskade og selvmordsadfærd hos unge']);
		const count = async (groupId: number) => {
			const ms = await listMemberships(db, groupId);
			return Object.fromEntries(['approved', 'waiting', 'applied'].map((s) => [s, ms.filter((m) => m.status === s).length]));
		};
		const [anxiety, selfHarm] = [groups.find((g) => g.title.startsWith('Angst'))!, groups.find((g) => g.title.startsWith('Selvskade'))!];
		expect(await count(anxiety.id)).toEqual({ approved: 8, waiting: 2, applied: 0 });
		expect(await count(selfHarm.id)).toEqual({ approved: 9, waiting: 0, applied: 1 });
		for (const g of groups) {
			const meetings = await listMeetings(db, g.id);
			expect(meetings.filter((m) => m.recordedAt).length).toBeGreaterThan(3);
			expect(meetings.filter((m) => !m.recordedAt && m.startsAt > now.toISOString())).toHaveLength(3);
		}
		expect(Number((await db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(0);
	});

	it('puts the demo member account in the first group, with hours', async () => {
		const demo = await db.selectFrom('user as u').innerJoin('person as p', 'p.id', 'u.person_id').innerJoin('unit as un', 'un.id', 'p.unit_id').select('u.id').where('u.role', '=', 'member').where('un.name', '=', 'PPR').orderBy('u.id').executeTakeFirstOrThrow();
		const hours = await myHours(db, demo.id);
		expect(hours.groups.map((g) => g.group.title)).toEqual(['Selvskade og selvmordsadfærd hos unge']);
		expect(hours.network.rawHours).toBeGreaterThan(10);
	});

	it('seeds only into a database without groups', async () => {
		expect(await seedSupervision(db, { now })).toBe(0);
		expect(await listGroups(db)).toHaveLength(2);
	});
});

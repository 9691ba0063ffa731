import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { seedDemoNetwork } from '@db/seed';

/** The demo network must not contradict itself: a newcomer judges the app by it. */
describe('The demo network', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	const now = new Date('2026-11-24T12:00:00Z');
	beforeAll(async () => {
		({ db, cleanup } = await createTestDb());
		await seedDemoNetwork(db, { now });
	}, 120_000);
	afterAll(async () => cleanup());

	it('does not stamp every entry as changed or confirmed today', async () => {
		const people = await db.selectFrom('person').select(['ref', 'created_at', 'updated_at', 'verified_at', 'status', 'left_at']).execute();
		expect(people.length).toBeGreaterThan(400);
		const today = now.toISOString().slice(0, 10);
		expect(people.filter((p) => p.updated_at.startsWith(today))).toEqual([]);
		expect(people.filter((p) => p.verified_at?.startsWith(today))).toEqual([]);
		// Created before confirmed, never changed before created.
		expect(people.filter((p) => p.verified_at && p.created_at.slice(0, 10) > p.verified_at.slice(0, 10))).toEqual([]);
		// Nobody confirms an entry after leaving.
		const left = people.filter((p) => p.status === 'left');
		expect(left.length).toBeGreaterThan(5);
		expect(left.filter((p) => p.verified_at && p.left_at && p.verified_at.slice(0, 10) > p.left_at.slice(0, 10))).toEqual([]);
	});
});

import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { copyDatabase } from '@db/copy';
import { seedDemoNetwork } from '@db/seed';
import { createTestDb } from './helpers/test-db';

/**
 * db:copy moves a network between engines. With TEST_DATABASE_URL: SQLite → PostgreSQL → SQLite, every table
 * verified by count and checksum (copyDatabase throws otherwise); without, SQLite → SQLite (same code path).
 */
const pg = !!process.env.TEST_DATABASE_URL;
const made: Array<{ cleanup: () => Promise<void> }> = [];
afterAll(async () => {
	for (const t of made) await t.cleanup();
});

describe(`db:copy (sqlite → ${pg ? 'postgres' : 'sqlite'} → sqlite)`, () => {
	it('copies every row there and back, verified, and refuses a target that already has data', { timeout: 180_000 }, async () => {
		const source = await createTestDb({ engine: 'sqlite' });
		made.push(source);
		await seedDemoNetwork(source.db);
		const middle = await createTestDb({ engine: pg ? 'postgres' : 'sqlite' });
		made.push(middle);
		const there = await copyDatabase(source.db, middle.db);
		const people = there.find((r) => r.table === 'person')!;
		expect(people.rows).toBeGreaterThan(50);
		expect(there.find((r) => r.table === 'audit_log')!.rows).toBeGreaterThan(0);

		// A second copy onto the now-filled target is refused, and changes nothing.
		await expect(copyDatabase(source.db, middle.db)).rejects.toThrow(/ikke tom/);
		const count = await middle.db.selectFrom('person').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
		expect(Number(count.n)).toBe(people.rows);

		// The copy keeps working: new rows get fresh ids after the copied ones.
		const org = await middle.db.selectFrom('organisation').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
		const now = new Date().toISOString();
		const added = await middle.db
			.insertInto('organisation')
			.values({ slug: 'ny-org', name: 'Ny organisation', type: 'andet', created_at: now, updated_at: now })
			.returning('id')
			.executeTakeFirstOrThrow();
		expect(added.id).toBeGreaterThan(org.id);
		await middle.db.deleteFrom('organisation').where('id', '=', added.id).execute();

		const back = await createTestDb({ engine: 'sqlite' });
		made.push(back);
		const returned = await copyDatabase(middle.db, back.db);
		expect(returned.map((r) => [r.table, r.rows, r.checksum])).toEqual(there.map((r) => [r.table, r.rows, r.checksum]));
	});
});

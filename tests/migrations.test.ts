import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { migrateToLatest } from '@db/migrate';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

describe('migrations', () => {
	it('creates the reference vocabularies and is idempotent', async () => {
		const t = await createTestDb();
		cleanup = t.cleanup;
		expect(await migrateToLatest(t.db)).toEqual([]);
		const members = await t.db.selectFrom('municipality').select('name').where('is_member', '=', 1).orderBy('name').execute();
		expect(members.map((m) => m.name)).toEqual(['Allerød', 'Fredensborg', 'Frederikssund', 'Furesø', 'Gribskov', 'Halsnæs', 'Helsingør', 'Hillerød', 'Hørsholm', 'Rudersdal']);
		const all = await t.db.selectFrom('municipality').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(Number(all.n)).toBe(98);
		const topics = await t.db.selectFrom('topic').select('slug').execute();
		expect(topics.map((t) => t.slug)).toContain('skolevaegring');
	});
});

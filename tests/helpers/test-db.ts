import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '@db/client';
import { migrateToLatest } from '@db/migrate';

/** A migrated database in a fresh temp folder; call cleanup() in afterEach/afterAll. */
export async function createTestDb(): Promise<{ db: Db; path: string; dir: string; cleanup: () => Promise<void> }> {
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-test-'));
	const path = join(dir, 'test.db');
	const db = createDb(path);
	await migrateToLatest(db);
	return {
		db,
		path,
		dir,
		cleanup: async () => {
			await db.destroy();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, integrityCheck, restoreDatabase, rotateBackup } from '@db/backup';
import { createDb } from '@db/client';
import { createTestDb } from './helpers/test-db';

describe('Backup and restore', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	const keys = async (db: ReturnType<typeof createDb>) => (await db.selectFrom('rate_limit').select('key').orderBy('key').execute()).map((r) => r.key);

	it('takes a consistent, checked copy while writes continue, and a restore gives exactly that data back', async () => {
		for (let i = 0; i < 200; i++) await t.db.insertInto('rate_limit').values({ key: `før-${String(i).padStart(3, '0')}`, window_start: '2026-01-01', count: 1 }).execute();
		let writing = true;
		let written = 0;
		const writer = (async () => {
			while (writing) {
				await t.db.insertInto('rate_limit').values({ key: `under-${written++}`, window_start: '2026-01-01', count: 1 }).execute();
				await new Promise((r) => setImmediate(r));
			}
		})();
		const file = join(t.dir, 'kopi.db');
		await backupDatabase(t.db, file);
		writing = false;
		await writer;
		expect(integrityCheck(file)).toBe('ok');
		const copy = createDb(file);
		const copied = await keys(copy);
		await copy.destroy();
		expect(copied.filter((k) => k.startsWith('før-'))).toHaveLength(200);
		expect(written).toBeGreaterThan(0);

		const target = join(t.dir, 'gendannet.db');
		writeFileSync(target + '-wal', 'stale');
		await restoreDatabase(file, target);
		const restored = createDb(target);
		expect(await keys(restored)).toEqual(copied);
		expect(integrityCheck(target)).toBe('ok');
		await restored.destroy();
	});

	it('refuses to restore a file that is not a sound database, and leaves the target alone', async () => {
		const bad = join(t.dir, 'ødelagt.db');
		writeFileSync(bad, 'SQLite format 3\u0000' + 'x'.repeat(5000));
		await expect(restoreDatabase(bad, t.path)).rejects.toThrow();
		expect(await keys(t.db)).toEqual([]);
		await expect(restoreDatabase(join(t.dir, 'findes-ikke.db'), t.path)).rejects.toThrow(/findes ikke/);
	});

	it('keeps the newest copies in the backup folder', async () => {
		const dir = join(t.dir, 'kopier');
		mkdirSync(dir);
		for (let i = 0; i < 4; i++) await rotateBackup(t.db, dir, 2, new Date(Date.UTC(2026, 10, 20 + i, 3)));
		const files = readdirSync(dir).sort();
		expect(files).toEqual(['vejviser-2026-11-22T03-00-00.db', 'vejviser-2026-11-23T03-00-00.db']);
		expect(existsSync(join(dir, files[1]))).toBe(true);
	});
});

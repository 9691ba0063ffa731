import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb, openSqlite, rawSqlite, type Db } from '@db/client';
import { BACKSTOP_PAGES } from '@db/checkpoints';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BATCH_PAGES = 200;
const BATCHES = 8;

/** Writes BATCHES × ~BATCH_PAGES pages (4 KiB each), pausing between batches long enough for a background checkpoint. */
async function writeBatches(db: Db): Promise<void> {
	await sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(db);
	for (let batch = 0; batch < BATCHES; batch++) {
		await db.transaction().execute(async (trx) => {
			for (let i = 0; i < BATCH_PAGES; i++) await sql`INSERT INTO filler (body) VALUES (${'x'.repeat(3900) + batch + i})`.execute(trx);
		});
		await sleep(600);
	}
}

describe('WAL checkpoints in the background (db/checkpoints.ts)', () => {
	let dir: string;
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it("moves checkpoints off the server's connections: they only keep a backstop, a worker keeps the log short", async () => {
		dir = mkdtempSync(join(tmpdir(), 'vejviser-ckpt-'));
		const path = join(dir, 'app.db');
		const db = createDb(path, { checkpointInBackground: true });
		expect(rawSqlite(db).pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
		await writeBatches(db);
		// Without the worker nothing would have checkpointed below the backstop: the log would hold every batch
		// (~6 MiB). With it each batch finds the log checkpointed and starts it over.
		const walBytes = statSync(`${path}-wal`).size;
		expect(walBytes).toBeLessThan(3 * BATCH_PAGES * 4096);
		await db.destroy();
		const check = openSqlite(path, { readonly: true });
		expect(check.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: BATCHES * BATCH_PAGES });
		check.close();
	});

	it('is off by default (CLIs and tests keep SQLite’s own checkpoints)', async () => {
		dir = mkdtempSync(join(tmpdir(), 'vejviser-ckpt-'));
		const db = createDb(join(dir, 'cli.db'));
		expect(rawSqlite(db).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
		await db.destroy();
	});
});

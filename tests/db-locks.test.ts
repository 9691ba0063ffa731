import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, DatabaseBusyError, openSqlite, serialisedWrite, type Db } from '@db/client';
import { createTestDb } from './helpers/test-db';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another process's writer, as far as SQLite can tell: its own connection holding the write lock for `ms`. */
function holdWriteLock(path: string, ms: number): Promise<void> {
	const other = openSqlite(path);
	other.exec('BEGIN IMMEDIATE');
	other.prepare("INSERT INTO rate_limit (key, window_start, count) VALUES ('foreign', '2026-01-01', 1)").run();
	return sleep(ms).then(() => {
		other.exec('COMMIT');
		other.close();
	});
}

/** Counts timer ticks while `work` runs: a blocked event loop gives none. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ result: T; ticks: number }> {
	let ticks = 0;
	const timer = setInterval(() => ticks++, 10);
	try {
		return { result: await work, ticks };
	} finally {
		clearInterval(timer);
	}
}

const count = async (db: Db, key: string) => (await db.selectFrom('rate_limit').select('key').where('key', '=', key).execute()).length;

describe('A database locked by another writer', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	it('answers reads at once while another process holds the write lock', async () => {
		const held = holdWriteLock(t.path, 400);
		const started = performance.now();
		expect(await count(t.db, 'foreign')).toBe(0);
		expect(performance.now() - started).toBeLessThan(50);
		await held;
	});

	it('lets a write wait without blocking the event loop, then writes it', async () => {
		const held = holdWriteLock(t.path, 400);
		const started = performance.now();
		const { ticks } = await ticksDuring(t.db.insertInto('rate_limit').values({ key: 'mine', window_start: '2026-01-01', count: 1 }).execute());
		expect(performance.now() - started).toBeGreaterThan(300);
		expect(ticks).toBeGreaterThan(10);
		expect(await count(t.db, 'mine')).toBe(1);
		await held;
	});

	it('lets a transaction wait for the lock while reads go on', async () => {
		const held = holdWriteLock(t.path, 300);
		const write = t.db.transaction().execute(async (trx) => {
			await trx.insertInto('rate_limit').values({ key: 'tx', window_start: '2026-01-01', count: 1 }).execute();
		});
		await sleep(20);
		const started = performance.now();
		expect(await count(t.db, 'tx')).toBe(0);
		expect(performance.now() - started).toBeLessThan(50);
		await write;
		expect(await count(t.db, 'tx')).toBe(1);
		await held;
	});

	it('gives up after the bounded wait with DatabaseBusyError and writes nothing', async () => {
		const impatient = createDb(t.path, { maxWaitMs: 150 });
		const held = holdWriteLock(t.path, 600);
		await expect(impatient.insertInto('rate_limit').values({ key: 'late', window_start: '2026-01-01', count: 1 }).execute()).rejects.toThrow(DatabaseBusyError);
		await expect(impatient.transaction().execute(async (trx) => trx.insertInto('rate_limit').values({ key: 'late', window_start: '2026-01-01', count: 1 }).execute())).rejects.toThrow(DatabaseBusyError);
		await held;
		expect(await count(t.db, 'late')).toBe(0);
		await impatient.destroy();
	});
});

describe('A seat-limited write beside an open transaction', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	it('never joins another transaction: when that one rolls back, the seat write stays', async () => {
		let seat: Promise<void> | undefined;
		const edit = t.db.transaction().execute(async (trx) => {
			await trx.insertInto('rate_limit').values({ key: 'edit', window_start: '2026-01-01', count: 1 }).execute();
			// While the edit awaits between statements, a registration takes its seat.
			seat = serialisedWrite(t.db, 'seat', async (w) => {
				await w.insertInto('rate_limit').values({ key: 'seat', window_start: '2026-01-01', count: 1 }).execute();
			});
			await sleep(50);
			throw new Error('the edit fails and rolls back');
		});
		await expect(edit).rejects.toThrow('rolls back');
		await seat;
		expect(await count(t.db, 'edit')).toBe(0);
		expect(await count(t.db, 'seat')).toBe(1);
	});
});

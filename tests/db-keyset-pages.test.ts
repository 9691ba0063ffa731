/**
 * keysetPages (db/client.ts): a bulk read in pages gives exactly the rows one statement gives, in order, on both
 * engines — on SQLite from the second page on through a worker thread (db/keyset-worker.ts) and JSON text, so the
 * values are chosen to break that: quotes, backslashes, line and paragraph separators, emoji, a lone surrogate
 * (stored as U+FFFD), empty strings, nulls, negative and fractional numbers.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineOf, keysetPages, selectArrays, type Db } from '@db/client';
import { createTestDb } from './helpers/test-db';

let ctx: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;

const AWKWARD = ['', 'plain', 'Æblegrød "citat" \\ skråstreg', 'linje\nskift\r\t', 'a\u2028b\u2029c', '🧭 vejviser', 'ensom \ud800 surrogat', "apo'strof", '{"json":[1]}'];

beforeEach(async () => {
	ctx = await createTestDb();
	db = ctx.db;
	await sql`CREATE TABLE scratch (id INTEGER PRIMARY KEY, label TEXT, amount REAL, n INTEGER)`.execute(db);
	for (let i = 1; i <= 100; i++) {
		const label = i % 11 === 0 ? null : `${AWKWARD[i % AWKWARD.length]}#${i}`;
		await sql`INSERT INTO scratch (id, label, amount, n) VALUES (${i * 3}, ${label}, ${i % 7 === 0 ? null : i / 8 - 5}, ${i % 5 === 0 ? null : -i * 1000})`.execute(db);
	}
});
afterEach(async () => ctx.cleanup());

const page = (after: number, limit: number) => sql`SELECT id, label, amount, n FROM scratch WHERE id > ${after} ORDER BY id LIMIT ${limit}`;

async function readAll(limit: number): Promise<{ rows: unknown[][]; pages: number }> {
	const rows: unknown[][] = [];
	let pages = 0;
	for await (const p of keysetPages(db, page, { limit })) {
		expect(p.length).toBeLessThanOrEqual(limit);
		rows.push(...p);
		pages++;
	}
	return { rows, pages };
}

describe('keysetPages', () => {
	it('gives exactly the rows of one statement, page by page', async () => {
		const whole = await selectArrays(db, sql`SELECT id, label, amount, n FROM scratch ORDER BY id`);
		expect(whole).toHaveLength(100);
		const logged = vi.spyOn(console, 'error');
		try {
			for (const limit of [7, 50, 100, 1000]) {
				const { rows, pages } = await readAll(limit);
				expect(rows).toStrictEqual(whole);
				expect(pages).toBe(Math.ceil(100 / limit));
			}
			// The worker read them all (a failed one says so and hands over to the main thread).
			expect(logged).not.toHaveBeenCalled();
		} finally {
			logged.mockRestore();
		}
	});

	it('stops reading when the caller stops, and reads again afterwards', async () => {
		let seen = 0;
		for await (const p of keysetPages(db, page, { limit: 10 })) {
			seen += p.length;
			if (seen >= 20) break;
		}
		expect(seen).toBe(20);
		expect((await readAll(9)).rows).toHaveLength(100);
	});

	it('reads the pages after the first on a connection of its own, and on the main thread when that one fails', async () => {
		// SQLite: a TEMP table exists only on the connection that made it (on PostgreSQL the pool may hand out another).
		if (engineOf(db) !== 'sqlite') return;
		await sql`CREATE TEMP TABLE only_here AS SELECT id FROM scratch`.execute(db);
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			const rows: unknown[][] = [];
			for await (const p of keysetPages(db, (after, limit) => sql`SELECT id FROM only_here WHERE id > ${after} ORDER BY id LIMIT ${limit}`, { limit: 10 })) rows.push(...p);
			// The worker's connection has no such table: it said so, and the main thread read the rest.
			expect(logged).toHaveBeenCalledTimes(1);
			expect(String(logged.mock.calls[0][1])).toMatch(/only_here/);
			expect(rows.map((r) => r[0])).toStrictEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 3));
			// A table both connections see: no hand-over.
			logged.mockClear();
			expect((await readAll(10)).rows).toHaveLength(100);
			expect(logged).not.toHaveBeenCalled();
		} finally {
			logged.mockRestore();
		}
	});

	it('refuses a page statement that does not take the key as a parameter', async () => {
		const read = async () => {
			for await (const _ of keysetPages(db, (_after, limit) => sql`SELECT id FROM scratch ORDER BY id LIMIT ${limit}`, { limit: 10 }));
		};
		await expect(read()).rejects.toThrow(/key once/);
	});
});

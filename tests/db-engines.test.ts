import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Transaction } from 'kysely';
import type { Database } from '@db/schema';
import { commaList, createDb, DatabaseBusyError, databaseTarget, engineOf, runDdl, selectArrays, serialisedWrite, toPostgresDdl, type Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { insertAuditEntry, latestAuditId } from '@/modules/audit/audit.repository';

/**
 * Values behave the same on SQLite and PostgreSQL (this file runs on both: plain `npx vitest run` on SQLite,
 * with TEST_DATABASE_URL on PostgreSQL): every column type our migrations use, written and read back through
 * Kysely, plus the aggregates and RETURNING the app relies on.
 */
let t: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;

beforeAll(async () => {
	t = await createTestDb();
	db = t.db;
	await runDdl(db, [
		`CREATE TABLE type_probe (
			id INTEGER PRIMARY KEY,
			label TEXT NOT NULL,
			n INTEGER NOT NULL DEFAULT 0,
			big INTEGER,
			ratio REAL NOT NULL DEFAULT 0,
			flag INTEGER NOT NULL DEFAULT 0,
			at TEXT,
			doc TEXT NOT NULL DEFAULT '{}',
			bytes BLOB
		)`,
	]);
});
afterAll(async () => t?.cleanup());

describe(`column types round-trip (${process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'})`, () => {
	it('runs on the engine the environment asked for', () => {
		expect(engineOf(db)).toBe(process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite');
	});

	it('selectArrays: rows as arrays in column order, values as Kysely gives them; the same SQL through Kysely still gives objects', async () => {
		await db.insertInto('type_probe' as any).values([{ label: 'sa-1', big: 2 ** 40 }, { label: 'sa-2' }]).execute();
		const query = sql`SELECT big, label, ${commaList(db, sql.ref('t.label'), sql`FROM type_probe t WHERE t.label LIKE ${'sa-%'}`)} AS labels FROM type_probe WHERE label LIKE ${'sa-%'} ORDER BY label`;
		const rows = await selectArrays(db, query);
		expect(rows.map((r) => [r[0], r[1], String(r[2]).split(',').sort()])).toEqual([
			[2 ** 40, 'sa-1', ['sa-1', 'sa-2']],
			[null, 'sa-2', ['sa-1', 'sa-2']],
		]);
		expect((await query.execute(db)).rows[0]).toMatchObject({ big: 2 ** 40, label: 'sa-1' });
		expect(await selectArrays(db, sql`SELECT ${commaList(db, sql.ref('t.label'), sql`FROM type_probe t WHERE t.label = ${'none'}`)} AS labels`)).toEqual([[null]]);
		await sql`DELETE FROM type_probe WHERE label LIKE ${'sa-%'}`.execute(db);
	});

	it('text, 64-bit integers, reals, 0/1 booleans, ISO dates, JSON text, bytes and NULLs come back identical', async () => {
		const row = {
			label: 'Æble ø å — "citat" \'apostrof\' 🙂',
			n: 42,
			big: Date.UTC(2030, 0, 1) * 1000, // beyond 32 bits
			ratio: 1.25,
			flag: 1,
			at: '2026-11-24T18:30:00.000Z',
			doc: JSON.stringify({ a: [1, 'to', null], b: { c: true } }),
			bytes: Buffer.from([0, 1, 2, 254, 255]),
		};
		const { id } = await db.insertInto('type_probe' as any).values(row).returning('id').executeTakeFirstOrThrow() as { id: number };
		expect(typeof id).toBe('number');
		const back = (await db.selectFrom('type_probe' as any).selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as Record<string, unknown>;
		expect({ ...back, bytes: Buffer.from(back.bytes as Uint8Array) }).toEqual({ id, ...row });
		expect(JSON.parse(back.doc as string)).toEqual({ a: [1, 'to', null], b: { c: true } });

		const { id: id2 } = await db.insertInto('type_probe' as any).values({ label: 'tom' }).returning('id').executeTakeFirstOrThrow() as { id: number };
		const empty = (await db.selectFrom('type_probe' as any).selectAll().where('id', '=', id2).executeTakeFirstOrThrow()) as Record<string, unknown>;
		expect(empty).toEqual({ id: id2, label: 'tom', n: 0, big: null, ratio: 0, flag: 0, at: null, doc: '{}', bytes: null });
	});

	it('aggregates are numbers, ISO dates compare as text, booleans filter as 0/1', async () => {
		const agg = (await sql<{ c: number; s: number; m: number }>`SELECT count(*) AS c, sum(n) AS s, max(ratio) AS m FROM type_probe`.execute(db)).rows[0];
		expect(agg).toEqual({ c: 2, s: 42, m: 1.25 });
		const later = await db.selectFrom('type_probe' as any).select('label').where('at', '>', '2026-11-24T18:29:59.999Z').execute();
		expect(later).toHaveLength(1);
		const flagged = await db.selectFrom('type_probe' as any).select('id').where('flag', '=', 1).execute();
		expect(flagged).toHaveLength(1);
	});

	it('the migrated tables take every kind of row the app writes (user is a reserved word on PostgreSQL)', async () => {
		const now = new Date().toISOString();
		const user = await db.insertInto('user').values({ email: 'a@eksempel.dk', created_at: now }).returning('id').executeTakeFirstOrThrow();
		await db.insertInto('passkey').values({ id: 'cred-1', user_id: user.id, public_key: new Uint8Array([9, 8, 7]), created_at: now, last_used_at: null }).execute();
		const key = await db.selectFrom('passkey').selectAll().where('id', '=', 'cred-1').executeTakeFirstOrThrow();
		expect([...key.public_key]).toEqual([9, 8, 7]);
		expect(key.counter).toBe(0);
		expect(key.transports).toBe('[]');
		// Seeded reference rows and later inserts do not collide on ids (identity sequences follow copies).
		const term = await db.insertInto('search_term' as any).values({ term: 'probe', kind: 'alias', target: 'x', created_at: now }).returning('id').executeTakeFirstOrThrow();
		expect(term.id).toBeGreaterThan(0);
	});

	it('serialisedWrite() runs concurrent read-then-write sections one at a time', async () => {
		const { id } = await db.insertInto('type_probe' as any).values({ label: 'tæller' }).returning('id').executeTakeFirstOrThrow() as { id: number };
		await Promise.all(
			Array.from({ length: 20 }, () =>
				serialisedWrite(db, `probe:${id}`, async (trx) => {
					const { n } = (await trx.selectFrom('type_probe' as any).select('n').where('id', '=', id).executeTakeFirstOrThrow()) as { n: number };
					await new Promise((r) => setTimeout(r, 2));
					await trx.updateTable('type_probe' as any).set({ n: n + 1 }).where('id', '=', id).execute();
				}),
			),
		);
		const { n } = (await db.selectFrom('type_probe' as any).select('n').where('id', '=', id).executeTakeFirstOrThrow()) as { n: number };
		expect(n).toBe(20);
	});

	// On PostgreSQL the write-order lock alone would pass the test above: this one proves the key's own lock,
	// taken in the round trip that begins the transaction, is held from the first statement and released at the end.
	it.runIf(!!process.env.TEST_DATABASE_URL)('serialisedWrite() holds its own key\'s lock on PostgreSQL, and only while it runs', async () => {
		const free = async (key: string) => (await sql<{ ok: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${key})) AS ok`.execute(db)).rows[0].ok;
		const seen = await serialisedWrite(db, "probe:it's", async () => ({ mine: await free("probe:it's"), other: await free('probe:other') }));
		expect(seen).toEqual({ mine: false, other: true });
		expect(await free("probe:it's")).toBe(true);
	});
});

describe('engine selection', () => {
	it('DATABASE_URL selects PostgreSQL, otherwise DATABASE_PATH or the default file', () => {
		expect(databaseTarget({ DATABASE_URL: 'postgres://u@h/db', DATABASE_PATH: 'x.db' })).toBe('postgres://u@h/db');
		expect(databaseTarget({ DATABASE_PATH: 'x.db' })).toBe('x.db');
		expect(databaseTarget({})).toBe('data/vejviser.db');
		expect(() => databaseTarget({ DATABASE_URL: 'mysql://h/db' })).toThrow(/postgres/);
	});

	it('translates SQLite DDL for PostgreSQL in one place', () => {
		expect(toPostgresDdl('CREATE TABLE user (id INTEGER PRIMARY KEY, hours REAL, k BLOB)')).toBe(
			'CREATE TABLE "user" (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, hours DOUBLE PRECISION, k BYTEA)',
		);
		expect(toPostgresDdl('CREATE INDEX session_user ON session(user_id)')).toBe('CREATE INDEX "session_user" ON session(user_id)');
	});
});

describe('the audit log becomes visible in id order (the change signal every instance follows)', () => {
	const actor = { label: 'test', userId: null };
	const audit = (executor: Parameters<typeof insertAuditEntry>[0], label: string) => insertAuditEntry(executor, { actor, entityType: 'probe', entityId: 0, entityLabel: label, action: 'probe', changes: {} });
	/** A reader never sees id N+1 while N (from a transaction still open) is missing. */
	async function gapSeen(before: number): Promise<boolean> {
		const rows = await db.selectFrom('audit_log').select('id').where('id', '>', before).execute();
		if (rows.length === 0) return false;
		return Math.max(...rows.map((r) => r.id)) - before !== rows.length;
	}

	it('a write that starts while another is open commits after it, with the later id', async () => {
		const before = await latestAuditId(db);
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let inserted!: () => void;
		const first = db.transaction().execute(async (trx) => {
			await audit(trx, 'first');
			inserted();
			await held;
		});
		await new Promise<void>((r) => (inserted = r));
		// A second writer — inside a transaction, and a lone statement — while the first is still open.
		const second = db.transaction().execute((trx) => audit(trx, 'second'));
		const third = audit(db, 'third');
		let gap = false;
		for (let i = 0; i < 10; i++) {
			gap ||= await gapSeen(before);
			await new Promise((r) => setTimeout(r, 30));
		}
		release();
		await Promise.all([first, second, third]);
		expect(gap).toBe(false);
		const rows = await db.selectFrom('audit_log').select(['id', 'entity_label']).where('id', '>', before).orderBy('id').execute();
		expect(rows.map((r) => r.entity_label)[0]).toBe('first');
		expect(rows).toHaveLength(3);
	});
});

/** A transaction that has made `write` and stays open (holding its locks) until `release()`; `done` ends with it. */
async function holdWrite(db: Db, write: (trx: Transaction<Database>) => Promise<unknown>): Promise<{ release: () => void; done: Promise<void> }> {
	let release!: () => void;
	const held = new Promise<void>((r) => (release = r));
	let begun!: () => void;
	const started = new Promise<void>((r) => (begun = r));
	const done = db.transaction().execute(async (trx) => {
		await write(trx);
		begun();
		await held;
	});
	await started;
	return { release, done };
}

describe('a write waits for another no longer than maxWaitMs', () => {
	it('then gets DatabaseBusyError, and its connection is usable afterwards', async () => {
		const impatient = createDb(t.path, { maxWaitMs: 200 });
		try {
			const { release, done: long } = await holdWrite(db, (trx) => insertAuditEntry(trx, { actor: { label: 'test', userId: null }, entityType: 'probe', entityId: 0, entityLabel: 'long', action: 'probe', changes: {} }));
			await expect(impatient.transaction().execute(async () => 1)).rejects.toBeInstanceOf(DatabaseBusyError);
			release();
			await long;
			expect(await impatient.transaction().execute(async (trx) => (await trx.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThan(0);
		} finally {
			await impatient.destroy();
		}
	});

	it('so does a lone statement outside any transaction (a rate-limit hit) — PostgreSQL by itself would wait forever', async () => {
		const impatient = createDb(t.path, { maxWaitMs: 200 });
		await db.insertInto('rate_limit').values({ key: 'probe:lone', window_start: new Date().toISOString(), count: 1 }).execute();
		try {
			const { release, done: long } = await holdWrite(db, (trx) => trx.updateTable('rate_limit').set({ count: 2 }).where('key', '=', 'probe:lone').execute());
			const startedAt = Date.now();
			await expect(impatient.updateTable('rate_limit').set({ count: 3 }).where('key', '=', 'probe:lone').execute()).rejects.toBeInstanceOf(DatabaseBusyError);
			expect(Date.now() - startedAt).toBeLessThan(2_000);
			release();
			await long;
			await impatient.updateTable('rate_limit').set({ count: 3 }).where('key', '=', 'probe:lone').execute();
			expect((await db.selectFrom('rate_limit').select('count').where('key', '=', 'probe:lone').executeTakeFirstOrThrow()).count).toBe(3);
		} finally {
			await impatient.destroy();
		}
	}, 10_000);
});

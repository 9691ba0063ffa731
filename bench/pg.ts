/**
 * Fresh PostgreSQL databases for the benches (not a bench module itself: run.ts only loads *.bench.ts).
 * The server is BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one with trust authentication.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../db/client';
import { migrateToLatest } from '../db/migrate';

export const PG_SERVER = process.env.BENCH_DATABASE_URL?.trim() || process.env.TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: PG_SERVER });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** Whether a PostgreSQL server answers (the benches print a loud skip line when not). */
export async function postgresReachable(): Promise<boolean> {
	try {
		await admin((c) => c.query('SELECT 1'));
		return true;
	} catch {
		return false;
	}
}

/** A new, migrated database `vejviser_bench_<hex>`; drop() removes it again. */
export async function freshPostgres(): Promise<{ url: string; db: Db; drop: () => Promise<void> }> {
	// BENCH_PG_PREFIX: several people benching on one server each use their own names.
	const name = `${process.env.BENCH_PG_PREFIX ?? 'vejviser_bench_'}${randomBytes(5).toString('hex')}`;
	await admin((c) => c.query(`CREATE DATABASE ${name}`));
	const u = new URL(PG_SERVER);
	u.pathname = `/${name}`;
	const url = u.toString();
	const db = createDb(url);
	await migrateToLatest(db);
	return {
		url,
		db,
		drop: async () => {
			await db.destroy().catch(() => {});
			await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
		},
	};
}

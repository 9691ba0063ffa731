import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema';

export type Db = Kysely<Database>;

const rawHandles = new WeakMap<Db, SQLite.Database>();

/** Opens (creating if needed) the SQLite file with the pragmas the whole app relies on. */
export function createDb(path: string): Db {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const sqlite = new SQLite(path);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	sqlite.pragma('synchronous = NORMAL');
	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
	rawHandles.set(db, sqlite);
	return db;
}

/**
 * The better-sqlite3 handle behind a Kysely instance: for `BEGIN IMMEDIATE` seat writes
 * (`raw.transaction(fn).immediate()`), online backups and cheap synchronous reads.
 */
export function rawSqlite(db: Db): SQLite.Database {
	const raw = rawHandles.get(db);
	if (!raw) throw new Error('Not a database created by createDb()');
	return raw;
}

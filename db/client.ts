import SQLite from 'better-sqlite3';
import {
	CompiledQuery,
	Kysely,
	SqliteAdapter,
	SqliteIntrospector,
	SqliteQueryCompiler,
	type DatabaseConnection,
	type Dialect,
	type Driver,
	type QueryResult,
} from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './schema';

export type Db = Kysely<Database>;

/**
 * Thrown when the database stayed locked by another writer for longer than we are willing to wait.
 * Pages answer it with the Danish "prøv igen om lidt" page (503, Retry-After), never a 500.
 */
export class DatabaseBusyError extends Error {
	constructor(waitedMs: number) {
		super(`Databasen var optaget af en anden skrivning i ${waitedMs} ms.`);
		this.name = 'DatabaseBusyError';
	}
}

export interface DbOptions {
	/** How long a write waits for another writer's lock before DatabaseBusyError (default 5 s; CLIs wait longer). */
	maxWaitMs?: number;
}

interface Handles {
	/** Statements outside transactions: reads (never wait for a writer in WAL) and single autocommit writes. */
	autocommit: SQLite.Database;
	/** Kysely transactions only, one at a time, each `BEGIN IMMEDIATE`. */
	transactions: SQLite.Database;
	maxWaitMs: number;
}

const handles = new WeakMap<Db, Handles>();

/**
 * A plain better-sqlite3 connection. `BETTER_SQLITE3_BINDING` points at a native build for another Node version
 * (CI runs the suite on Node 24 too, with a binding built for it beside the Node 20 one).
 */
export function openSqlite(path: string, options: SQLite.Options = {}): SQLite.Database {
	const nativeBinding = process.env.BETTER_SQLITE3_BINDING;
	return new SQLite(path, nativeBinding ? { ...options, nativeBinding } : options);
}

function open(path: string): SQLite.Database {
	const sqlite = openSqlite(path);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	// better-sqlite3 waits for a lock synchronously, which freezes every request of the process. We never let it
	// wait: a busy statement fails at once and is retried asynchronously (retryWhileBusy), so the event loop
	// stays free and reads keep answering while another process writes.
	sqlite.pragma('busy_timeout = 0');
	sqlite.pragma('synchronous = NORMAL');
	return sqlite;
}

/**
 * Opens (creating if needed) the SQLite file with the pragmas the whole app relies on. Two connections: one
 * for transactions, one for everything else — so a statement outside a transaction can never land inside
 * someone else's open transaction, and reads never queue behind a transaction that is waiting for a lock.
 */
export function createDb(path: string, options: DbOptions = {}): Db {
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const autocommit = open(path);
	// An in-memory database exists once per connection: tests of pure SQL may use one, without the split.
	const transactions = path === ':memory:' ? autocommit : open(path);
	const h: Handles = { autocommit, transactions, maxWaitMs: options.maxWaitMs ?? Number(process.env.DB_MAX_WAIT_MS ?? 5000) };
	const db = new Kysely<Database>({ dialect: new AsyncWaitSqliteDialect(h) });
	handles.set(db, h);
	return db;
}

/**
 * The better-sqlite3 handle for work outside transactions: online backups and cheap synchronous reads. Never
 * inside a Kysely transaction, so a synchronous statement cannot join (and be rolled back with) one.
 */
export function rawSqlite(db: Db): SQLite.Database {
	const h = handles.get(db);
	if (!h) throw new Error('Not a database created by createDb()');
	return h.autocommit;
}

/** Whether this process has a Kysely transaction open (it holds the write lock until it ends). */
export function ownTransactionOpen(db: Db): boolean {
	const h = handles.get(db);
	return !!h && h.transactions !== h.autocommit && h.transactions.inTransaction;
}

function isBusy(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a synchronous statement that may meet another writer's lock, retrying with backoff without blocking
 * the event loop; after `maxWaitMs` gives up with DatabaseBusyError. Only for statements that had no effect
 * when they failed (BEGIN IMMEDIATE, a single autocommit statement).
 */
export async function retryWhileBusy<T>(run: () => T, maxWaitMs: number): Promise<T> {
	const start = Date.now();
	for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
		try {
			return run();
		} catch (error) {
			if (!isBusy(error)) throw error;
			const waited = Date.now() - start;
			if (waited >= maxWaitMs) throw new DatabaseBusyError(waited);
			await sleep(Math.min(delay, maxWaitMs - waited));
		}
	}
}

/**
 * Runs `fn` synchronously inside `BEGIN IMMEDIATE` on the autocommit connection: for seat-limited writes that
 * must read and write under the write lock without any await in between. Waiting for the lock is asynchronous.
 */
export function immediateTransaction<T>(db: Db, fn: (raw: SQLite.Database) => T): Promise<T> {
	const h = handles.get(db);
	if (!h) throw new Error('Not a database created by createDb()');
	const tx = h.autocommit.transaction(() => fn(h.autocommit));
	return retryWhileBusy(() => tx.immediate(), h.maxWaitMs);
}

class AsyncWaitSqliteDialect implements Dialect {
	constructor(private readonly h: Handles) {}
	createDriver(): Driver {
		return new AsyncWaitSqliteDriver(this.h);
	}
	createQueryCompiler() {
		return new SqliteQueryCompiler();
	}
	createAdapter() {
		return new SqliteAdapter();
	}
	createIntrospector(db: Kysely<any>) {
		return new SqliteIntrospector(db);
	}
}

/** One logical connection per Kysely acquire; it runs on the transaction connection only while in a transaction. */
class Connection implements DatabaseConnection {
	inTransaction = false;
	constructor(private readonly h: Handles) {}

	async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
		const sqlite = this.inTransaction ? this.h.transactions : this.h.autocommit;
		// Inside a transaction we hold the write lock already; outside, a write may have to wait for it.
		return this.inTransaction ? run<R>(sqlite, query) : retryWhileBusy(() => run<R>(sqlite, query), this.h.maxWaitMs);
	}

	async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
		const sqlite = this.inTransaction ? this.h.transactions : this.h.autocommit;
		for (const row of sqlite.prepare(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row as R] };
	}
}

/**
 * Prepared statements by SQL text, per handle: preparing was a measurable share of every page (issue 13 profile);
 * the same few hundred queries run again and again. Bounded (oldest out), because `IN (?, ?, …)` lists make
 * SQL texts of every length. A statement finishes (all/run) before the next query, so sharing one is safe.
 */
const STATEMENT_CACHE_SIZE = 500;
const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

function prepared(sqlite: SQLite.Database, sql: string): SQLite.Statement {
	let cache = statements.get(sqlite);
	if (!cache) statements.set(sqlite, (cache = new Map()));
	let stmt = cache.get(sql);
	if (!stmt) {
		stmt = sqlite.prepare(sql);
		if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
		cache.set(sql, stmt);
	}
	return stmt;
}

function run<R>(sqlite: SQLite.Database, query: CompiledQuery): QueryResult<R> {
	const stmt = prepared(sqlite, query.sql);
	if (stmt.reader) return { rows: stmt.all(query.parameters as unknown[]) as R[] };
	const { changes, lastInsertRowid } = stmt.run(query.parameters as unknown[]);
	return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

class AsyncWaitSqliteDriver implements Driver {
	/** Our own transactions take turns (one transaction connection); waiting here is asynchronous. */
	#queue: Promise<void> = Promise.resolve();
	#release: (() => void) | undefined;
	constructor(private readonly h: Handles) {}

	async init() {}

	async acquireConnection(): Promise<DatabaseConnection> {
		return new Connection(this.h);
	}

	async beginTransaction(connection: DatabaseConnection): Promise<void> {
		const previous = this.#queue;
		let release!: () => void;
		this.#queue = new Promise((resolve) => (release = resolve));
		await previous;
		try {
			// IMMEDIATE takes the write lock before anything is read, so a transaction never fails half-way on a
			// lock (a deferred one would, and could not simply be retried).
			await retryWhileBusy(() => this.h.transactions.exec('BEGIN IMMEDIATE'), this.h.maxWaitMs);
		} catch (error) {
			release();
			throw error;
		}
		this.#release = release;
		(connection as Connection).inTransaction = true;
	}

	async commitTransaction(connection: DatabaseConnection): Promise<void> {
		this.h.transactions.exec('COMMIT');
		this.#end(connection);
	}

	async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
		if (this.h.transactions.inTransaction) this.h.transactions.exec('ROLLBACK');
		this.#end(connection);
	}

	async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
		this.h.transactions.exec(`SAVEPOINT "${name}"`);
	}

	async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
		this.h.transactions.exec(`ROLLBACK TO "${name}"`);
	}

	async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
		this.h.transactions.exec(`RELEASE "${name}"`);
	}

	#end(connection: DatabaseConnection) {
		(connection as Connection).inTransaction = false;
		const release = this.#release;
		this.#release = undefined;
		release?.();
	}

	async releaseConnection(): Promise<void> {}

	async destroy(): Promise<void> {
		this.h.autocommit.close();
		if (this.h.transactions !== this.h.autocommit) this.h.transactions.close();
	}
}

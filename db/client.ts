import type SQLite from 'better-sqlite3';
import { createRequire } from 'node:module';
import {
	CompiledQuery,
	Kysely,
	PostgresAdapter,
	PostgresDialect,
	PostgresDriver,
	sql,
	SqliteAdapter,
	SqliteIntrospector,
	SqliteQueryCompiler,
	type DatabaseConnection,
	type Dialect,
	type Driver,
	type QueryResult,
	type RawBuilder,
	type Transaction,
	type TransactionSettings,
} from 'kysely';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { BACKSTOP_PAGES, startBackgroundCheckpoints, type Checkpointer } from './checkpoints';
import { keysetPagesInWorker } from './keyset-worker';
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
	/**
	 * SQLite: WAL checkpoints in a worker thread instead of inside a commit on the event loop (db/checkpoints.ts).
	 * For the server's one long-lived handle; CLIs and tests keep SQLite's own.
	 */
	checkpointInBackground?: boolean;
}

interface Handles {
	/** Statements outside transactions: reads (never wait for a writer in WAL) and single autocommit writes. */
	autocommit: SQLite.Database;
	/** Kysely transactions only, one at a time, each `BEGIN IMMEDIATE`. */
	transactions: SQLite.Database;
	maxWaitMs: number;
	/** The database file (':memory:' for none another connection could open). */
	path: string;
	checkpointer?: Checkpointer;
}

const handles = new WeakMap<Db, Handles>();

/**
 * better-sqlite3 for the running Node: 12 on Node 20 (13 needs Node ≥ 22), 13 on Node 22 and later (12 aborts on
 * Node 24 when a statement is garbage-collected). Both are installed — 13 under the alias `better-sqlite3-node22`
 * — with the same API (README Decision "One install for Node 20, 22 and 24").
 */
/** The package name of the binding this Node loads (also for child processes that open a database themselves). */
export const SQLITE_PACKAGE = Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-node22' : 'better-sqlite3';
const SQLiteDatabase: typeof SQLite = createRequire(import.meta.url)(SQLITE_PACKAGE);

/** A plain better-sqlite3 connection. */
export function openSqlite(path: string, options: SQLite.Options = {}): SQLite.Database {
	return new SQLiteDatabase(path, options);
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
	if (isPostgresUrl(path)) return createPostgresDb(path, maxWaitMs(options));
	if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
	const autocommit = open(path);
	// An in-memory database exists once per connection: tests of pure SQL may use one, without the split.
	const transactions = path === ':memory:' ? autocommit : open(path);
	const h: Handles = { autocommit, transactions, maxWaitMs: maxWaitMs(options), path };
	if (options.checkpointInBackground && path !== ':memory:') {
		for (const connection of new Set([autocommit, transactions])) connection.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
		h.checkpointer = startBackgroundCheckpoints(path, createRequire(import.meta.url).resolve(SQLITE_PACKAGE));
	}
	const db = new Kysely<Database>({ dialect: new AsyncWaitSqliteDialect(h) });
	handles.set(db, h);
	return db;
}

/** Whether a database target names a PostgreSQL server (`postgres://…` / `postgresql://…`) rather than a file. */
export function isPostgresUrl(target: string): boolean {
	return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * The database the app, the CLIs and the jobs use: `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise
 * SQLite at `DATABASE_PATH` (default data/vejviser.db). The one place that reads these variables.
 */
export function databaseTarget(env: { DATABASE_URL?: string; DATABASE_PATH?: string } = process.env): string {
	const url = env.DATABASE_URL?.trim();
	if (url) {
		if (!isPostgresUrl(url)) throw new Error(`DATABASE_URL skal begynde med postgres:// (fik ${url.split(':')[0]}:)`);
		return url;
	}
	return env.DATABASE_PATH?.trim() || 'data/vejviser.db';
}

export type Engine = 'sqlite' | 'postgres';

/** Which engine a handle (or a transaction of it) talks to. For db/ helpers only; feature code must not branch on it. */
export function engineOf(db: Kysely<any>): Engine {
	return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * PostgreSQL through a `pg` pool. Values come back as on SQLite: 64-bit integers (our INTEGER columns, count(*),
 * sum()) as JS numbers, numerics as numbers; dates stay ISO-8601 text as in every table.
 */
function maxWaitMs(options: DbOptions): number {
	return options.maxWaitMs ?? Number(process.env.DB_MAX_WAIT_MS ?? 5000);
}

/** PostgreSQL types read as JS numbers: int8, numeric, float8 (also by keyset-worker.ts's own connection). */
const NUMBER_TYPES = [20, 1700, 701];

function createPostgresDb(url: string, waitMs: number): Db {
	const asNumber = new Set(NUMBER_TYPES);
	// Statements outside a transaction wait for locks no longer than transactions do (SET LOCAL below), then
	// the 503 — by default PostgreSQL would let a lone write (a rate-limit hit) wait for a foreign lock forever.
	// No JIT: our statements are short; a planner estimate above jit_above_cost (fresh statistics after a bulk
	// import) made each page of an index build spend ~340 ms compiling for 6 ms of work (issue 13).
	const options = `-c lock_timeout=${Math.max(1, Math.round(waitMs))} -c jit=off`;
	const pool = new pg.Pool({
		connectionString: url,
		options,
		max: Number(process.env.DB_POOL_MAX ?? 10),
		types: {
			getTypeParser: ((oid: number, format?: 'text' | 'binary') => (asNumber.has(oid) ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
		},
	});
	// An idle client losing its server must not crash the process; the next query gets a fresh client.
	pool.on('error', () => {});
	const db = new Kysely<Database>({ dialect: new CommitOrderedPostgresDialect({ pool }, waitMs) });
	pools.set(db, pool);
	servers.set(db, { url, options });
	return db;
}

const pools = new WeakMap<Db, pg.Pool>();
/** Where a PostgreSQL handle connects, for a connection of keyset-worker.ts's own. */
const servers = new WeakMap<Db, { url: string; options: string }>();

/**
 * Rows as arrays, in the query's column order: a bulk read (the search index reads 100,000 people) without an
 * object with two dozen named properties per row, which was a quarter of an index build (issue 13 profile).
 * Outside transactions only, like rawSqlite().
 */
export async function selectArrays(db: Db, query: RawBuilder<unknown>): Promise<unknown[][]> {
	const { sql: text, parameters } = query.compile(db);
	const pool = pools.get(db);
	if (pool) return (await pool.query({ text, values: parameters as unknown[], rowMode: 'array' })).rows as unknown[][];
	const h = handles.get(db);
	if (!h) throw new Error('Not a database created by createDb()');
	return retryWhileBusy(() => {
		// The statement is shared (the cache): back to objects before anyone else runs it.
		const stmt = prepared(h.autocommit, text).raw(true);
		try {
			return stmt.all(parameters as unknown[]) as unknown[][];
		} finally {
			stmt.raw(false);
		}
	}, h.maxWaitMs);
}

/** Stands in for the key while a page's statement is compiled, to find the key's parameter. */
const KEY_PLACEHOLDER = -7_340_217_913;

/**
 * A large read in keyset pages, for bulk work outside transactions (the search index reads every person):
 * `page(after, limit)` selects up to `limit` rows with a key above `after`, in key order; the key is column `keyAt`.
 * The first page is read here; when it is full, the rest on a worker thread with a connection of its own
 * (keyset-worker.ts: reading and parsing the rows of a 100,000-person index build came off the event loop, a fifth
 * of it on SQLite and more on PostgreSQL). An in-memory SQLite database has no other connection, and a worker that
 * fails hands over to the main thread after the last page it delivered: read here.
 */
export async function* keysetPages(db: Db, page: (after: number, limit: number) => RawBuilder<unknown>, options: { limit: number; keyAt?: number; after?: number }): AsyncGenerator<unknown[][]> {
	const { limit, keyAt = 0 } = options;
	// A statement that ignored the key would return its first page forever.
	const { sql: text, parameters } = page(KEY_PLACEHOLDER, limit).compile(db);
	const afterAt = parameters.indexOf(KEY_PLACEHOLDER);
	if (afterAt < 0 || parameters.lastIndexOf(KEY_PLACEHOLDER) !== afterAt) throw new Error('keysetPages: the page statement must use the key once, as a parameter');
	const first = await selectArrays(db, page(options.after ?? 0, limit));
	if (first.length === 0) return;
	yield first;
	if (first.length < limit) return;
	let after = first[first.length - 1][keyAt] as number;
	const read = { sql: text, params: [...parameters], afterAt, keyAt, after };
	const resolve = (name: string) => createRequire(import.meta.url).resolve(name);
	const h = handles.get(db);
	const server = servers.get(db);
	const connection = server
		? { postgres: { driver: resolve('pg'), url: server.url, options: server.options, numberTypes: NUMBER_TYPES } }
		: h && h.path !== ':memory:'
			? { sqlite: { binding: resolve(SQLITE_PACKAGE), path: h.path } }
			: undefined;
	if (connection) {
		try {
			for await (const rows of keysetPagesInWorker({ ...read, ...connection })) {
				after = rows[rows.length - 1][keyAt] as number;
				yield rows;
			}
			return;
		} catch (error) {
			// No thread, no connection of its own (a server at max_connections), or its statement failed: the rest is
			// read here, where a real fault in the statement fails again and is thrown.
			console.error('keysetPages: the worker thread could not read; reading on the main thread', error);
		}
	}
	for (let rows = await selectArrays(db, page(after, limit)); rows.length > 0; rows = await selectArrays(db, page(rows[rows.length - 1][keyAt] as number, limit))) yield rows;
}

/** The values of a subquery's one text column as one comma-separated text (null for none): for slugs, which hold no comma. */
export function commaList(db: Kysely<any>, column: RawBuilder<unknown>, from: RawBuilder<unknown>): RawBuilder<string | null> {
	return engineOf(db) === 'postgres' ? sql<string | null>`(SELECT string_agg(${column}, ',') ${from})` : sql<string | null>`(SELECT group_concat(${column}, ',') ${from})`;
}

/**
 * The audit log's id is the change signal every instance follows (search index, page cache): a reader that has
 * seen id N assumes every change up to N is visible. SQLite guarantees that (one writer at a time); PostgreSQL
 * hands out ids at INSERT and makes them visible at COMMIT, so a later id could become visible first and the
 * earlier change be skipped for good. Every PostgreSQL transaction therefore begins by taking one transaction-level
 * advisory lock: transactions commit in the order they take ids — SQLite's single-writer rule, on the server.
 * Taken first, before any other lock, so it cannot deadlock (README Decision "Commit order on PostgreSQL").
 */
export const WRITE_ORDER_LOCK = 7_001_001;

class CommitOrderedPostgresDriver extends PostgresDriver {
	constructor(config: ConstructorParameters<typeof PostgresDriver>[0], private readonly waitMs: number) {
		super(config);
	}
	/** Kysely keeps one connection object per pooled client: each gets its lock timeout turned into DatabaseBusyError once. */
	readonly #busyAware = new WeakSet<DatabaseConnection>();
	override async acquireConnection(): Promise<DatabaseConnection> {
		const connection = await super.acquireConnection();
		if (!this.#busyAware.has(connection)) {
			const execute = connection.executeQuery.bind(connection);
			connection.executeQuery = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
				try {
					return await execute<R>(query);
				} catch (error) {
					if ((error as { code?: string }).code === '55P03') throw new DatabaseBusyError(this.waitMs);
					throw error;
				}
			};
			this.#busyAware.add(connection);
		}
		return connection;
	}
	override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
		// One round trip (a parameterless query may hold several statements): the transaction, its lock timeout — as
		// long as a SQLite write would wait (DB_MAX_WAIT_MS), then the Danish 503, never forever (a transaction that
		// waits for its own process's other transaction would otherwise hang unseen) — the write-order lock and, for
		// serialisedWrite(), its own lock after it. Each statement under a lock is a round trip that every other
		// writer waits for; four separate ones cost a seat write three (issue 13 profile).
		const begin = settings.isolationLevel || settings.accessMode ? ['start transaction', settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ') : 'begin';
		const statements = [begin, `SET LOCAL lock_timeout = ${Math.max(1, Math.round(this.waitMs))}`, `SELECT pg_advisory_xact_lock(${WRITE_ORDER_LOCK})`];
		const lockKey = takeSerialisedLockKey();
		if (lockKey !== undefined) statements.push(`SELECT pg_advisory_xact_lock(hashtext('${lockKey.replaceAll("'", "''")}'))`);
		try {
			await connection.executeQuery(CompiledQuery.raw(statements.join('; ')));
		} catch (error) {
			// Kysely only rolls back a transaction whose begin succeeded: end it here, or the pooled connection stays
			// inside an aborted transaction.
			await super.rollbackTransaction(connection).catch(() => {});
			if ((error as { code?: string }).code === '55P03') throw new DatabaseBusyError(this.waitMs);
			throw error;
		}
	}
}

class CommitOrderedPostgresDialect extends PostgresDialect {
	readonly #config: ConstructorParameters<typeof PostgresDialect>[0];
	constructor(config: ConstructorParameters<typeof PostgresDialect>[0], private readonly waitMs: number) {
		super(config);
		this.#config = config;
	}
	override createDriver(): Driver {
		return new CommitOrderedPostgresDriver(this.#config, this.waitMs);
	}
}

/**
 * Runs a migration's CREATE/ALTER statements, written once in SQLite's dialect, on either engine. The only
 * place engine-specific DDL lives: on PostgreSQL an `INTEGER PRIMARY KEY` becomes an identity column, every
 * INTEGER a BIGINT (SQLite integers are 64-bit), REAL a DOUBLE PRECISION, BLOB a BYTEA, and the table
 * `user` (a reserved word there) is quoted. Dates stay ISO text, booleans 0/1 integers and JSON text on both,
 * so values round-trip identically (tests/db-engines.test.ts).
 */
export async function runDdl(db: Kysely<any>, statements: string[]): Promise<void> {
	const postgres = engineOf(db) === 'postgres';
	for (const statement of statements) await sql.raw(postgres ? toPostgresDdl(statement) : statement).execute(db);
}

export function toPostgresDdl(statement: string): string {
	return statement
		.replace(/\bid INTEGER PRIMARY KEY( AUTOINCREMENT)?/gi, 'id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY')
		.replace(/\bINTEGER\b/g, 'BIGINT')
		.replace(/\bREAL\b/g, 'DOUBLE PRECISION')
		.replace(/\bBLOB\b/g, 'BYTEA')
		.replace(/(TABLE|REFERENCES|ON|INTO|FROM|UPDATE) user\b(?!_)/g, '$1 "user"')
		// index names such as `session_user` are reserved words there
		.replace(/CREATE (UNIQUE )?INDEX (\w+)/g, 'CREATE $1INDEX "$2"')
		// SQLite can defer foreign keys per transaction (PRAGMA defer_foreign_keys); PostgreSQL only deferrable ones
		// (SET CONSTRAINTS ALL DEFERRED): db:copy inserts self-referencing rows (successor_id) in any order.
		.replace(/(REFERENCES\s+"?\w+"?\s*\(\w+\)(\s+ON DELETE (CASCADE|SET NULL))?)/g, '$1 DEFERRABLE INITIALLY IMMEDIATE');
}

/**
 * After rows were inserted with explicit ids (a table copy, db:copy), PostgreSQL's identity sequence must be
 * moved past them or the next insert collides. SQLite needs nothing (its rowid follows max(id)).
 */
export async function syncIdSequence(db: Kysely<any>, table: string): Promise<void> {
	if (engineOf(db) !== 'postgres') return;
	// Only identity columns have a sequence (passkey.id, for one, is text).
	const seq = await sql<{ seq: string | null }>`SELECT pg_get_serial_sequence(${`"${table}"`}, 'id') AS seq`.execute(db);
	if (!seq.rows[0]?.seq) return;
	await sql
		.raw(`SELECT setval('${seq.rows[0].seq}', coalesce((SELECT max(id) FROM "${table}"), 0) + 1, false)`)
		.execute(db);
}

/**
 * The better-sqlite3 handle for work outside transactions: online backups and cheap synchronous reads. Never
 * inside a Kysely transaction, so a synchronous statement cannot join (and be rolled back with) one.
 */
export function rawSqlite(db: Db): SQLite.Database {
	const h = handles.get(db);
	if (!h) throw new Error(engineOf(db) === 'postgres' ? 'rawSqlite() only exists on SQLite; use serialisedWrite() or Kysely queries' : 'Not a database created by createDb()');
	return h.autocommit;
}

/**
 * THE way to run a seat-limited or otherwise serialised write on either engine: `fn` runs in one Kysely
 * transaction that holds the write lock for `lockKey` before it reads anything. SQLite: the transaction is
 * `BEGIN IMMEDIATE` (the whole database; waiting is asynchronous, DatabaseBusyError after maxWaitMs).
 * PostgreSQL: a transaction-scoped advisory lock on `lockKey` (e.g. `event:42`), so writes to other events run
 * in parallel and instances behind a load balancer take turns on the same one. Audit and mail rows are written
 * with the ordinary insertAuditEntry()/enqueueMail() on `trx`, so they commit or roll back with the seat.
 */
export async function serialisedWrite<T>(db: Db, lockKey: string, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
	if (engineOf(db) === 'sqlite') return db.transaction().execute(fn);
	// The PostgreSQL driver takes the lock in the round trip that begins the transaction (beginTransaction).
	return serialisedLockKey.run({ key: lockKey }, () => db.transaction().execute(fn));
}

/**
 * The lock key of the serialisedWrite() whose transaction is about to begin, for CommitOrderedPostgresDriver. Taken
 * (and cleared) by the first transaction begun in that call: only that transaction holds the key's lock, never one
 * that `fn` might open on another connection.
 */
const serialisedLockKey = new AsyncLocalStorage<{ key: string | undefined }>();

function takeSerialisedLockKey(): string | undefined {
	const holder = serialisedLockKey.getStore();
	const key = holder?.key;
	if (holder) holder.key = undefined;
	return key;
}

/**
 * Runs `fn` where its writes keep the audit log's commit order: inside the caller's transaction if there is one; on
 * PostgreSQL a lone statement gets a transaction of its own (and with it the write-order lock, see
 * CommitOrderedPostgresDriver); on SQLite it runs as it is (one writer at a time already).
 */
export async function inWriteOrder<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
	if (db.isTransaction || engineOf(db) === 'sqlite') return fn(db);
	return db.transaction().execute((trx) => fn(trx));
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
		await this.h.checkpointer?.stop();
		this.h.autocommit.close();
		if (this.h.transactions !== this.h.autocommit) this.h.transactions.close();
	}
}

/**
 * `npm run db:copy -- --from sqlite:FILE --to postgres://…` (and back): moves a network from one engine to the
 * other. Both sides are migrated first; the target must hold no data beyond what migrations seed (reference
 * vocabularies, thesaurus), which is replaced by the source's. All rows are copied in one transaction with
 * foreign keys deferred, identity sequences are moved past the copied ids, and every table is verified by row
 * count and a checksum over its rows (order-independent) — the copy throws, and rolls back, when one differs.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createDb, engineOf, isPostgresUrl, syncIdSequence, type Db } from './client';
import { migrateToLatest } from './migrate';

/** Filled by migrations themselves; may be replaced in a target that has nothing else yet. */
const SEEDED_BY_MIGRATIONS = new Set(['municipality', 'topic', 'role', 'age_group', 'search_term']);

export interface TableReport {
	table: string;
	rows: number;
	checksum: string;
}

/** `sqlite:FILE`, a bare file path, or a postgres:// URL → what createDb() takes. */
export function parseTarget(arg: string): string {
	if (isPostgresUrl(arg)) return arg;
	return arg.replace(/^sqlite:/, '');
}

/** Application tables in creation order (migration bookkeeping excluded). */
async function tablesOf(db: Db): Promise<Array<{ name: string; columns: string[] }>> {
	const tables = await db.introspection.getTables();
	return tables
		.filter((t) => !t.isView && !t.name.startsWith('kysely_') && !t.name.startsWith('sqlite_'))
		.map((t) => ({ name: t.name, columns: t.columns.map((c) => c.name) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

function canonical(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (value instanceof Uint8Array) return `x${Buffer.from(value).toString('hex')}`;
	if (typeof value === 'number' || typeof value === 'bigint') return `n${String(value)}`;
	return `s${JSON.stringify(String(value))}`;
}

/** Rows count and a SHA-256 over the sorted canonical rows: equal on both engines iff the data is. */
export async function tableChecksum(db: Kysely<any>, table: string, columns: string[]): Promise<TableReport> {
	const rows = await db.selectFrom(table).select(columns).execute();
	const lines = rows.map((r) => columns.map((c) => canonical(r[c])).join('\u0001')).sort();
	const hash = createHash('sha256');
	for (const line of lines) hash.update(line).update('\n');
	return { table, rows: rows.length, checksum: hash.digest('hex').slice(0, 16) };
}

async function assertEmpty(db: Db, tables: Array<{ name: string }>): Promise<void> {
	for (const { name } of tables) {
		if (SEEDED_BY_MIGRATIONS.has(name)) continue;
		// Untyped on purpose: the table names are introspected (every table, also ones no schema.ts entry names).
		const row = await (db as Kysely<any>).selectFrom(name).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
		if (Number(row.n) > 0) throw new Error(`Måldatabasen er ikke tom (${name} har ${row.n} rækker). db:copy kopierer kun til en tom database.`);
	}
}

/** Copies every row of `from` into the (empty, migrated) `to`; returns the verified per-table report. */
export async function copyDatabase(from: Db, to: Db, { batch = 400 } = {}): Promise<TableReport[]> {
	await migrateToLatest(from);
	await migrateToLatest(to);
	const tables = await tablesOf(from);
	const targetTables = new Set((await tablesOf(to)).map((t) => t.name));
	const missing = tables.filter((t) => !targetTables.has(t.name));
	if (missing.length) throw new Error(`Måldatabasen mangler tabeller: ${missing.map((t) => t.name).join(', ')}`);
	await assertEmpty(to, tables);

	await to.transaction().execute(async (trx) => {
		// Untyped on purpose: tables and columns are introspected at run time, not known to schema.ts.
		const t = trx as unknown as Kysely<any>;
		if (engineOf(trx) === 'postgres') await sql`SET CONSTRAINTS ALL DEFERRED`.execute(trx);
		else await sql`PRAGMA defer_foreign_keys = ON`.execute(trx);
		for (const { name } of tables) if (SEEDED_BY_MIGRATIONS.has(name)) await t.deleteFrom(name).execute();
		for (const { name, columns } of tables) {
			let rows: Record<string, unknown>[];
			let offset = 0;
			// Pages by position over a stable order; the source is not written by us meanwhile.
			do {
				rows = await (from as Kysely<any>).selectFrom(name).select(columns).orderBy(sql.raw(columns.map((_, i) => String(i + 1)).join(', '))).limit(batch).offset(offset).execute();
				if (rows.length) await t.insertInto(name).values(rows).execute();
				offset += rows.length;
			} while (rows.length === batch);
			if (columns.includes('id')) await syncIdSequence(trx, name);
		}
	});

	const reports: TableReport[] = [];
	for (const { name, columns } of tables) {
		const [a, b] = await Promise.all([tableChecksum(from, name, columns), tableChecksum(to, name, columns)]);
		if (a.rows !== b.rows || a.checksum !== b.checksum) {
			throw new Error(`Kopien af ${name} stemmer ikke: kilde ${a.rows} rækker/${a.checksum}, mål ${b.rows} rækker/${b.checksum}`);
		}
		reports.push(a);
	}
	return reports;
}

/** The CLI: `--from X --to Y`. */
export async function copyFromCli(args: string[]): Promise<number> {
	const option = (name: string) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : undefined;
	};
	const fromArg = option('from');
	const toArg = option('to');
	if (!fromArg || !toArg) {
		console.error('Brug: npm run db:copy -- --from sqlite:FIL --to postgres://… (eller omvendt)');
		return 2;
	}
	const from = createDb(parseTarget(fromArg), { maxWaitMs: 60_000 });
	const to = createDb(parseTarget(toArg), { maxWaitMs: 60_000 });
	try {
		const reports = await copyDatabase(from, to);
		for (const r of reports) console.log(`${r.table.padEnd(32)} ${String(r.rows).padStart(8)} rækker  ${r.checksum}`);
		console.log(`Kopieret og kontrolleret: ${reports.length} tabeller, ${reports.reduce((n, r) => n + r.rows, 0)} rækker.`);
		return 0;
	} finally {
		await from.destroy();
		await to.destroy();
	}
}

import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/**
 * An auto-numbered id in each engine's own words (`autoIncrement()` is SQLite/MySQL syntax only): SQLite's
 * INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's identity column. For schema-builder migrations.
 */
export function idColumn(db: Kysely<any>) {
	const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
	return (c: ColumnDefinitionBuilder) => (postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement());
}

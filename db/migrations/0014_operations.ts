import type { Kysely } from 'kysely';
import { idColumn } from './columns';

/**
 * Running the network without a developer (issue 12, part "gdpr"):
 * - `search_stat`: searches counted per Copenhagen week, situation and municipality — counts only, never the
 *   query text or who searched (the steering group's usage figures).
 * - `api_key`: integration clients; only the SHA-256 of the key is stored, shown once when issued.
 * - `export_log`: who exported people's data, when, how, how many rows.
 * - `erasure_request`: a person asking to be removed; the admins act on it.
 * Schema builder only, so the same migration runs on PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('search_stat')
		.addColumn('week', 'text', (c) => c.notNull())
		.addColumn('situation', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('municipality_code', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('searches', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('zero_results', 'integer', (c) => c.notNull().defaultTo(0))
		.addPrimaryKeyConstraint('search_stat_pk', ['week', 'situation', 'municipality_code'])
		.execute();

	await db.schema
		.createTable('api_key')
		.addColumn('id', 'integer', idColumn(db))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('prefix', 'text', (c) => c.notNull())
		.addColumn('key_hash', 'text', (c) => c.notNull().unique())
		.addColumn('members_fields', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('per_minute', 'integer', (c) => c.notNull().defaultTo(600))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull())
		.addColumn('last_used_at', 'text')
		.addColumn('revoked_at', 'text')
		.addColumn('revoked_by', 'text')
		.execute();

	await db.schema
		.createTable('export_log')
		.addColumn('id', 'integer', idColumn(db))
		.addColumn('at', 'text', (c) => c.notNull())
		.addColumn('actor', 'text', (c) => c.notNull())
		.addColumn('actor_user_id', 'integer')
		.addColumn('api_key_id', 'integer')
		.addColumn('kind', 'text', (c) => c.notNull())
		.addColumn('channel', 'text', (c) => c.notNull())
		.addColumn('rows', 'integer', (c) => c.notNull())
		.addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
		.execute();
	await db.schema.createIndex('export_log_at').on('export_log').column('at').execute();

	await db.schema
		.createTable('erasure_request')
		.addColumn('id', 'integer', idColumn(db))
		.addColumn('user_id', 'integer', (c) => c.references('user.id').onDelete('set null'))
		.addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('resolved_at', 'text')
		.addColumn('resolved_by', 'text')
		.execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['erasure_request', 'export_log', 'api_key', 'search_stat']) await db.schema.dropTable(table).execute();
}

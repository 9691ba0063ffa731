import type { Kysely } from 'kysely';

/**
 * Administration without a developer (issue 12):
 * - `import_preview`: an uploaded directory CSV waiting for its confirm. Only the newest upload can be
 *   confirmed (a new upload deletes the others), and only while the audit log is where it was at preview time.
 * - `person_ref_alias`: refs of people merged into another entry, so old links (/personer/<ref>,
 *   /api/people/<ref>) keep resolving and the kept entry's history can include the merged one's.
 * Schema builder only, so it runs on PostgreSQL too.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('import_preview')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('user.id').onDelete('cascade'))
		.addColumn('file_name', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('csv', 'text', (c) => c.notNull())
		.addColumn('audit_id', 'integer', (c) => c.notNull())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema
		.createTable('person_ref_alias')
		.addColumn('ref', 'text', (c) => c.primaryKey())
		.addColumn('person_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
		.addColumn('merged_person_id', 'integer', (c) => c.notNull())
		.addColumn('merged_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('person_ref_alias_person').on('person_ref_alias').column('person_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('person_ref_alias').execute();
	await db.schema.dropTable('import_preview').execute();
}

import type { Kysely } from 'kysely';

/**
 * `person(unit_id, status)` in place of `person(unit_id)`: counting a unit's active people (the search index's unit
 * results, unit and organisation pages) read every person row to check the status — ~100 ms in one statement at
 * 100,000 people, on the event loop, in each index build (issue 13). With the status in the index the count never
 * leaves it; lookups by unit alone use its first column. Schema builder only, so it runs on PostgreSQL too.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.createIndex('person_unit_status').on('person').columns(['unit_id', 'status']).execute();
	await db.schema.dropIndex('person_unit').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.createIndex('person_unit').on('person').column('unit_id').execute();
	await db.schema.dropIndex('person_unit_status').execute();
}

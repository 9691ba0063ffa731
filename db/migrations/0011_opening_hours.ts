import type { Kysely } from 'kysely';

/**
 * Structured opening hours (issue 16). `hours_schedule` holds the weekly rules and dated exceptions as JSON
 * (src/modules/hours/hours.rules.ts `Schedule`); `hours` keeps the text as written or as the form displays it.
 * A NULL schedule with text means the text has not been read yet (it is read on load) or could not be read
 * (the text is kept as a note and listed for the unit's editors). A unit contact can be an after-hours line
 * (`after_hours`: døgnvagt/socialvagt, the region's psychiatric emergency line) with `takes` = what it takes.
 * Schema builder only, so it runs on PostgreSQL too.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('person').addColumn('hours_schedule', 'text').execute();
	await db.schema.alterTable('unit_contact').addColumn('hours_schedule', 'text').execute();
	await db.schema.alterTable('unit_contact').addColumn('after_hours', 'integer', (c) => c.notNull().defaultTo(0)).execute();
	await db.schema.alterTable('unit_contact').addColumn('takes', 'text', (c) => c.notNull().defaultTo('')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('unit_contact').dropColumn('takes').execute();
	await db.schema.alterTable('unit_contact').dropColumn('after_hours').execute();
	await db.schema.alterTable('unit_contact').dropColumn('hours_schedule').execute();
	await db.schema.alterTable('person').dropColumn('hours_schedule').execute();
}

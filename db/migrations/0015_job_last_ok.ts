import type { Kysely } from 'kysely';

/**
 * `job_run.last_ok_at`: when each scheduled job last finished *well* (issue 12: /api/health?detaljer=1 reports the
 * jobs' last successful run; `last_finished_at` alone moves on a failed run too). Filled from the existing rows
 * whose last run was good. Schema builder only, so the same migration runs on PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('job_run').addColumn('last_ok_at', 'text').execute();
	await db.updateTable('job_run').set((eb) => ({ last_ok_at: eb.ref('last_finished_at') })).where('last_ok', '=', 1).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('job_run').dropColumn('last_ok_at').execute();
}

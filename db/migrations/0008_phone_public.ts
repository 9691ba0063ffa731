import { sql, type Kysely } from 'kysely';

/**
 * The work phone becomes public by default (README Decisions, "Per-field visibility defaults", revised
 * 2026-11-24; issue 9, item 2): new entries get it from the write path (DEFAULT_VISIBILITY), existing
 * entries still at the old default are flipped here. "Still at the old default" means: members-only and
 * never deliberately changed — no audit entry other than the creation ever touched `phone_visibility`.
 * Each flip is written to the audit log, so the history page says why the number became visible.
 * (The column's DEFAULT stays in the table definition; SQLite cannot alter it without rebuilding the table,
 * and every insert goes through savePerson, which sets the field.)
 */
const ACTOR = 'system:migration 0008_phone_public';
const UNTOUCHED = `phone_visibility = 'members' AND NOT EXISTS (
	SELECT 1 FROM audit_log a WHERE a.entity_type = 'person' AND a.entity_id = person.id AND a.action <> 'create'
	AND a.actor <> '${ACTOR}' AND a.changes LIKE '%"phone_visibility"%')`;

export async function up(db: Kysely<any>): Promise<void> {
	const at = new Date().toISOString();
	await sql
		.raw(
			`INSERT INTO audit_log (at, actor, actor_user_id, entity_type, entity_id, entity_label, action, changes)
			 SELECT '${at}', '${ACTOR}', NULL, 'person', id, first_name || ' ' || last_name, 'update', '{"phone_visibility":["members","public"]}'
			 FROM person WHERE ${UNTOUCHED}`,
		)
		.execute(db);
	await sql.raw(`UPDATE person SET phone_visibility = 'public' WHERE ${UNTOUCHED}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	// Only what this migration flipped (its own audit entries) goes back.
	await sql
		.raw(
			`UPDATE person SET phone_visibility = 'members' WHERE phone_visibility = 'public' AND id IN (
				SELECT entity_id FROM audit_log WHERE entity_type = 'person' AND actor = '${ACTOR}')`,
		)
		.execute(db);
	await sql.raw(`DELETE FROM audit_log WHERE entity_type = 'person' AND actor = '${ACTOR}'`).execute(db);
}

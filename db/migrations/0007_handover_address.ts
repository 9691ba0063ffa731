import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * Handovers dated ahead ("stopper 31. december") wait in `scheduled_handover` until a job carries them out
 * on that day (Copenhagen). At most one open handover per person; `executed_at`/`cancelled_at` close it, so
 * a job that runs twice does nothing twice. Units get a structured visiting address: `address` stays the
 * street line, `postcode` and `town` are new (a map link is built from the three).
 */
const statements = [
	`CREATE TABLE scheduled_handover (
		id INTEGER PRIMARY KEY,
		person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
		effective_on TEXT NOT NULL,
		input TEXT NOT NULL,
		requested_by TEXT NOT NULL,
		requested_by_user_id INTEGER,
		created_at TEXT NOT NULL,
		executed_at TEXT,
		cancelled_at TEXT,
		outcome TEXT
	)`,
	`CREATE UNIQUE INDEX scheduled_handover_open ON scheduled_handover(person_id) WHERE executed_at IS NULL AND cancelled_at IS NULL`,
	`CREATE INDEX scheduled_handover_due ON scheduled_handover(effective_on) WHERE executed_at IS NULL AND cancelled_at IS NULL`,
	`ALTER TABLE unit ADD COLUMN postcode TEXT`,
	`ALTER TABLE unit ADD COLUMN town TEXT`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw('ALTER TABLE unit DROP COLUMN town').execute(db);
	await sql.raw('ALTER TABLE unit DROP COLUMN postcode').execute(db);
	await sql.raw('DROP TABLE scheduled_handover').execute(db);
}

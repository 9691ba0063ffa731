import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * Suggested corrections: anyone (even anonymous) can report that an entry is wrong; the entry's editors work
 * through the queue. `client_key` is a salted hash of the reporter's IP, kept only to rate-limit anonymous
 * reports — never the address itself.
 */
const statements = [
	`CREATE TABLE correction (
		id INTEGER PRIMARY KEY,
		person_id INTEGER REFERENCES person(id) ON DELETE CASCADE,
		unit_id INTEGER REFERENCES unit(id) ON DELETE CASCADE,
		kind TEXT NOT NULL CHECK (kind IN ('number','left','wrong_unit','other')),
		message TEXT NOT NULL DEFAULT '',
		reporter_email TEXT,
		reporter_user_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
		client_key TEXT,
		status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved','dismissed')),
		resolution_note TEXT NOT NULL DEFAULT '',
		resolved_by TEXT,
		resolved_at TEXT,
		created_at TEXT NOT NULL,
		CHECK (person_id IS NOT NULL OR unit_id IS NOT NULL)
	)`,
	`CREATE INDEX correction_person ON correction(person_id, status)`,
	`CREATE INDEX correction_unit ON correction(unit_id, status)`,
	`CREATE INDEX correction_client ON correction(client_key, created_at)`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw('DROP TABLE correction').execute(db);
}

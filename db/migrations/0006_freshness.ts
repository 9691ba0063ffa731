import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * The freshness loop and the job runner: one confirmation request per person and due date (the unique key
 * is what makes a job run twice send nothing twice), app secrets generated once (TOKEN_SECRET fallback),
 * and a lease per job so two processes (server scheduler and `npm run jobs:run`) never run a job at once.
 */
const statements = [
	`CREATE TABLE app_secret (
		name TEXT PRIMARY KEY,
		value TEXT NOT NULL,
		created_at TEXT NOT NULL
	)`,
	// due_on is the cycle: the date the entry fell due (verified_at + interval). A new confirmation moves
	// verified_at, so the next cycle gets a new row.
	`CREATE TABLE freshness_request (
		id INTEGER PRIMARY KEY,
		person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
		due_on TEXT NOT NULL,
		email TEXT,
		requested_at TEXT NOT NULL,
		reminded_at TEXT,
		escalated_at TEXT,
		expires_at TEXT NOT NULL,
		confirmed_at TEXT,
		closed_at TEXT,
		UNIQUE (person_id, due_on)
	)`,
	`CREATE INDEX freshness_request_open ON freshness_request(closed_at, person_id)`,
	`CREATE TABLE job_run (
		name TEXT PRIMARY KEY,
		locked_until TEXT,
		last_started_at TEXT,
		last_finished_at TEXT,
		last_ok INTEGER,
		last_summary TEXT
	)`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['job_run', 'freshness_request', 'app_secret']) await sql.raw(`DROP TABLE ${table}`).execute(db);
}

import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * Theme days (faglige temadage): the event, its programme, topics, co-organising organisations and
 * registrations. One registration per person per event (same e-mail = same person, case-insensitive).
 * `queue_seq` numbers registrations per event in the order they started competing for a seat (at once for
 * members, at e-mail confirmation for others), assigned under the write lock: the waitlist order. Links in mails carry a random token of
 * which only the SHA-256 hash is stored (event_registration_token).
 */
const statements = [
	`CREATE TABLE event (
		id INTEGER PRIMARY KEY,
		slug TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		summary TEXT NOT NULL DEFAULT '',
		description TEXT NOT NULL DEFAULT '',
		starts_at TEXT NOT NULL,
		ends_at TEXT NOT NULL,
		place_name TEXT NOT NULL DEFAULT '',
		place_address TEXT NOT NULL DEFAULT '',
		online_url TEXT,
		organisation_id INTEGER REFERENCES organisation(id) ON DELETE SET NULL,
		organiser_email TEXT,
		target_group TEXT NOT NULL DEFAULT '',
		price_text TEXT NOT NULL DEFAULT 'Gratis',
		capacity INTEGER NOT NULL CHECK (capacity >= 0),
		registration_deadline TEXT,
		promotion_cutoff_hours INTEGER NOT NULL DEFAULT 48,
		status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','cancelled')),
		sequence INTEGER NOT NULL DEFAULT 0,
		materials TEXT NOT NULL DEFAULT '',
		hours REAL NOT NULL DEFAULT 0,
		copied_from_id INTEGER REFERENCES event(id) ON DELETE SET NULL,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		cancelled_at TEXT
	)`,
	`CREATE INDEX event_starts ON event(status, starts_at)`,
	`CREATE INDEX event_organisation ON event(organisation_id)`,
	`CREATE TABLE event_topic (
		event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
		topic_slug TEXT NOT NULL REFERENCES topic(slug),
		PRIMARY KEY (event_id, topic_slug)
	)`,
	`CREATE TABLE event_programme_item (
		id INTEGER PRIMARY KEY,
		event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
		start_time TEXT NOT NULL,
		end_time TEXT,
		title TEXT NOT NULL,
		speaker_name TEXT NOT NULL DEFAULT '',
		speaker_affiliation TEXT NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX event_programme_event ON event_programme_item(event_id, start_time)`,
	`CREATE TABLE event_organiser (
		event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
		organisation_id INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
		PRIMARY KEY (event_id, organisation_id)
	)`,
	`CREATE TABLE event_registration (
		id INTEGER PRIMARY KEY,
		event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
		user_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
		name TEXT NOT NULL,
		email TEXT NOT NULL,
		organisation TEXT NOT NULL DEFAULT '',
		job_title TEXT NOT NULL DEFAULT '',
		dietary_needs TEXT NOT NULL DEFAULT '',
		accessibility_needs TEXT NOT NULL DEFAULT '',
		question TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL CHECK (status IN ('pending','confirmed','waitlisted','cancelled','attended','no_show')),
		queued_at TEXT,
		queue_seq INTEGER,
		email_confirmed_at TEXT,
		promoted_at TEXT,
		checked_in_at TEXT,
		cancelled_at TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
	`CREATE UNIQUE INDEX event_registration_person ON event_registration(event_id, lower(email))`,
	`CREATE INDEX event_registration_queue ON event_registration(event_id, status, queue_seq)`,
	`CREATE INDEX event_registration_user ON event_registration(user_id)`,
	`CREATE TABLE event_registration_token (
		token_hash TEXT PRIMARY KEY,
		registration_id INTEGER NOT NULL REFERENCES event_registration(id) ON DELETE CASCADE,
		created_at TEXT NOT NULL
	)`,
	`CREATE INDEX event_registration_token_reg ON event_registration_token(registration_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['event_registration_token', 'event_registration', 'event_organiser', 'event_programme_item', 'event_topic', 'event'])
		await sql.raw(`DROP TABLE ${table}`).execute(db);
}

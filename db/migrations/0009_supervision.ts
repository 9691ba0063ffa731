import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * Supervision groups: the group, its supervisors, meetings, members (applications, waitlist, seats),
 * attendance per meeting, signed statements and self-reported courses.
 *
 * A meeting keeps what the hour rules need, frozen when attendance is recorded: duration, mode, number of
 * supervisands present and psychologists among them — later membership changes never rewrite history.
 * `queue_seq` orders the waitlist (assigned under the write lock). A statement stores a snapshot of what it
 * says (JSON) under an unguessable code; the public verification page shows exactly that snapshot.
 */
const statements = [
	`CREATE TABLE supervision_group (
		id INTEGER PRIMARY KEY,
		slug TEXT NOT NULL UNIQUE,
		title TEXT NOT NULL,
		focus TEXT NOT NULL DEFAULT '',
		topics TEXT NOT NULL DEFAULT '[]',
		audience TEXT NOT NULL DEFAULT '',
		admission TEXT NOT NULL DEFAULT '',
		place TEXT NOT NULL DEFAULT '',
		min_size INTEGER NOT NULL DEFAULT 6 CHECK (min_size >= 1),
		capacity INTEGER NOT NULL DEFAULT 12 CHECK (capacity >= 1),
		counts_toward_training INTEGER NOT NULL DEFAULT 1,
		offer_days INTEGER NOT NULL DEFAULT 5,
		status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
		closed_at TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
	`CREATE TABLE supervision_supervisor (
		id INTEGER PRIMARY KEY,
		group_id INTEGER NOT NULL REFERENCES supervision_group(id) ON DELETE CASCADE,
		user_id INTEGER REFERENCES user(id) ON DELETE SET NULL,
		name TEXT NOT NULL,
		profession TEXT NOT NULL DEFAULT '',
		qualifications TEXT NOT NULL DEFAULT '',
		kind TEXT NOT NULL DEFAULT 'psychologist' CHECK (kind IN ('psychologist','other_academic')),
		external INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX supervision_supervisor_group ON supervision_supervisor(group_id)`,
	`CREATE INDEX supervision_supervisor_user ON supervision_supervisor(user_id)`,
	`CREATE TABLE supervision_meeting (
		id INTEGER PRIMARY KEY,
		group_id INTEGER NOT NULL REFERENCES supervision_group(id) ON DELETE CASCADE,
		starts_at TEXT NOT NULL,
		duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
		mode TEXT NOT NULL DEFAULT 'in_person' CHECK (mode IN ('in_person','remote')),
		place TEXT NOT NULL DEFAULT '',
		present_count INTEGER,
		psychologist_count INTEGER,
		recorded_at TEXT,
		recorded_by TEXT,
		cancelled_at TEXT,
		sequence INTEGER NOT NULL DEFAULT 0,
		created_at TEXT NOT NULL
	)`,
	`CREATE INDEX supervision_meeting_group ON supervision_meeting(group_id, starts_at)`,
	`CREATE TABLE supervision_membership (
		id INTEGER PRIMARY KEY,
		group_id INTEGER NOT NULL REFERENCES supervision_group(id) ON DELETE CASCADE,
		user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
		name TEXT NOT NULL,
		email TEXT NOT NULL,
		profession TEXT NOT NULL,
		municipality TEXT NOT NULL DEFAULT '',
		motivation TEXT NOT NULL DEFAULT '',
		status TEXT NOT NULL CHECK (status IN ('applied','approved','declined','waiting','offered','left')),
		queue_seq INTEGER,
		offered_until TEXT,
		message TEXT NOT NULL DEFAULT '',
		applied_at TEXT NOT NULL,
		joined_at TEXT,
		left_at TEXT,
		updated_at TEXT NOT NULL,
		UNIQUE (group_id, user_id)
	)`,
	`CREATE INDEX supervision_membership_user ON supervision_membership(user_id)`,
	`CREATE TABLE supervision_attendance (
		meeting_id INTEGER NOT NULL REFERENCES supervision_meeting(id) ON DELETE CASCADE,
		membership_id INTEGER NOT NULL REFERENCES supervision_membership(id) ON DELETE CASCADE,
		status TEXT NOT NULL CHECK (status IN ('present','absent','excused')),
		marked_by TEXT NOT NULL,
		marked_at TEXT NOT NULL,
		PRIMARY KEY (meeting_id, membership_id)
	)`,
	`CREATE TABLE supervision_statement (
		id INTEGER PRIMARY KEY,
		membership_id INTEGER NOT NULL UNIQUE REFERENCES supervision_membership(id) ON DELETE CASCADE,
		code TEXT NOT NULL UNIQUE,
		content TEXT NOT NULL,
		issued_at TEXT NOT NULL
	)`,
	`CREATE TABLE supervision_self_course (
		id INTEGER PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
		title TEXT NOT NULL,
		supervisor_name TEXT NOT NULL DEFAULT '',
		kind TEXT NOT NULL CHECK (kind IN ('individual','group')),
		external INTEGER NOT NULL DEFAULT 0,
		group_size INTEGER NOT NULL DEFAULT 1,
		hours REAL NOT NULL CHECK (hours > 0),
		from_date TEXT NOT NULL,
		to_date TEXT NOT NULL,
		created_at TEXT NOT NULL
	)`,
	`CREATE INDEX supervision_self_course_user ON supervision_self_course(user_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['supervision_self_course', 'supervision_statement', 'supervision_attendance', 'supervision_membership', 'supervision_meeting', 'supervision_supervisor', 'supervision_group'])
		await sql.raw(`DROP TABLE ${table}`).execute(db);
}

import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';
import { ageGroups, municipalities, municipalitySynonyms, roles, topics } from './0001_reference';

/**
 * The shared foundation: reference vocabularies, the directory (organisations, units, people),
 * accounts, the one audit log and the one mail queue. Dates are ISO-8601 text in UTC.
 */
const statements = [
	// Reference tables. `synonyms` is a JSON array of words people type for the same thing (search uses them).
	`CREATE TABLE municipality (
		code TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		slug TEXT NOT NULL UNIQUE,
		synonyms TEXT NOT NULL DEFAULT '[]',
		is_member INTEGER NOT NULL DEFAULT 1
	)`,
	`CREATE TABLE topic (
		slug TEXT PRIMARY KEY,
		label TEXT NOT NULL,
		description TEXT NOT NULL DEFAULT '',
		synonyms TEXT NOT NULL DEFAULT '[]',
		sort INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE TABLE role (
		slug TEXT PRIMARY KEY,
		label TEXT NOT NULL,
		description TEXT NOT NULL DEFAULT '',
		synonyms TEXT NOT NULL DEFAULT '[]',
		is_situation INTEGER NOT NULL DEFAULT 0,
		sort INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE TABLE age_group (
		slug TEXT PRIMARY KEY,
		label TEXT NOT NULL,
		min_age INTEGER NOT NULL,
		max_age INTEGER NOT NULL,
		synonyms TEXT NOT NULL DEFAULT '[]',
		sort INTEGER NOT NULL DEFAULT 0
	)`,

	// Directory.
	`CREATE TABLE organisation (
		id INTEGER PRIMARY KEY,
		slug TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL UNIQUE,
		type TEXT NOT NULL CHECK (type IN ('kommune','region','frivillig','andet')),
		municipality_code TEXT REFERENCES municipality(code),
		description TEXT NOT NULL DEFAULT '',
		website TEXT,
		phone TEXT,
		email TEXT,
		email_domains TEXT NOT NULL DEFAULT '[]',
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
	`CREATE TABLE unit (
		id INTEGER PRIMARY KEY,
		organisation_id INTEGER NOT NULL REFERENCES organisation(id),
		slug TEXT NOT NULL,
		name TEXT NOT NULL,
		aliases TEXT NOT NULL DEFAULT '[]',
		description TEXT NOT NULL DEFAULT '',
		address TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		UNIQUE (organisation_id, slug),
		UNIQUE (organisation_id, name)
	)`,
	// Which municipalities a unit serves. A kommune's units serve their own municipality implicitly;
	// region and volunteer units list theirs here (a regional outreach team serves several).
	`CREATE TABLE unit_municipality (
		unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
		municipality_code TEXT NOT NULL REFERENCES municipality(code),
		PRIMARY KEY (unit_id, municipality_code)
	)`,
	// A team phone or shared mailbox listed beside the named people of a unit.
	`CREATE TABLE unit_contact (
		id INTEGER PRIMARY KEY,
		unit_id INTEGER NOT NULL REFERENCES unit(id) ON DELETE CASCADE,
		label TEXT NOT NULL,
		phone TEXT,
		email TEXT,
		hours TEXT,
		note TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
	`CREATE TABLE person (
		id INTEGER PRIMARY KEY,
		ref TEXT NOT NULL UNIQUE,
		first_name TEXT NOT NULL,
		last_name TEXT NOT NULL,
		title TEXT NOT NULL DEFAULT '',
		unit_id INTEGER NOT NULL REFERENCES unit(id),
		municipality_code TEXT REFERENCES municipality(code),
		phone TEXT,
		mobile TEXT,
		email TEXT,
		hours TEXT NOT NULL DEFAULT '',
		note TEXT NOT NULL DEFAULT '',
		key_person INTEGER NOT NULL DEFAULT 0,
		status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','left')),
		successor_id INTEGER REFERENCES person(id),
		deputy_id INTEGER REFERENCES person(id),
		away_from TEXT,
		away_until TEXT,
		left_at TEXT,
		phone_visibility TEXT NOT NULL DEFAULT 'members' CHECK (phone_visibility IN ('public','members','hidden')),
		mobile_visibility TEXT NOT NULL DEFAULT 'members' CHECK (mobile_visibility IN ('public','members','hidden')),
		email_visibility TEXT NOT NULL DEFAULT 'public' CHECK (email_visibility IN ('public','members','hidden')),
		verified_at TEXT,
		needs_attention TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	)`,
	`CREATE INDEX person_unit ON person(unit_id)`,
	`CREATE INDEX person_email ON person(email)`,
	`CREATE INDEX person_successor ON person(successor_id)`,
	`CREATE TABLE person_topic (
		person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
		topic_slug TEXT NOT NULL REFERENCES topic(slug),
		PRIMARY KEY (person_id, topic_slug)
	)`,
	`CREATE TABLE person_role (
		person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
		role_slug TEXT NOT NULL REFERENCES role(slug),
		PRIMARY KEY (person_id, role_slug)
	)`,
	`CREATE TABLE person_age_group (
		person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
		age_group_slug TEXT NOT NULL REFERENCES age_group(slug),
		PRIMARY KEY (person_id, age_group_slug)
	)`,
	`CREATE INDEX person_topic_topic ON person_topic(topic_slug)`,
	`CREATE INDEX person_role_role ON person_role(role_slug)`,

	// One user and role model. Scopes (which units/organisations an editor may edit) come with accounts.
	`CREATE TABLE user (
		id INTEGER PRIMARY KEY,
		email TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL DEFAULT '',
		role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member','unit_editor','org_editor','admin')),
		status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('pending','active','disabled')),
		person_id INTEGER REFERENCES person(id),
		created_at TEXT NOT NULL,
		last_login_at TEXT
	)`,

	// What an editor may edit: a unit (unit editor / key person) or a whole organisation (organisation editor).
	`CREATE TABLE user_scope (
		id INTEGER PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
		unit_id INTEGER REFERENCES unit(id) ON DELETE CASCADE,
		organisation_id INTEGER REFERENCES organisation(id) ON DELETE CASCADE,
		CHECK ((unit_id IS NULL) != (organisation_id IS NULL))
	)`,
	`CREATE INDEX user_scope_user ON user_scope(user_id)`,

	// The one audit log: every change to directory data (and later other data) lands here.
	// changes is JSON {field: [before, after]}.
	`CREATE TABLE audit_log (
		id INTEGER PRIMARY KEY,
		at TEXT NOT NULL,
		actor TEXT NOT NULL,
		actor_user_id INTEGER,
		entity_type TEXT NOT NULL,
		entity_id INTEGER NOT NULL,
		entity_label TEXT NOT NULL DEFAULT '',
		action TEXT NOT NULL,
		changes TEXT NOT NULL DEFAULT '{}'
	)`,
	`CREATE INDEX audit_entity ON audit_log(entity_type, entity_id)`,

	// The one mail queue. Delivery (SMTP or the dev outbox) and retries happen outside the user's request.
	`CREATE TABLE mail_outbox (
		id INTEGER PRIMARY KEY,
		to_address TEXT NOT NULL,
		subject TEXT NOT NULL,
		text_body TEXT NOT NULL,
		html_body TEXT,
		attachments TEXT NOT NULL DEFAULT '[]',
		kind TEXT NOT NULL DEFAULT 'general',
		dedupe_key TEXT UNIQUE,
		status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','stored','failed','bounced')),
		attempts INTEGER NOT NULL DEFAULT 0,
		next_attempt_at TEXT NOT NULL,
		last_error TEXT,
		created_at TEXT NOT NULL,
		sent_at TEXT
	)`,
	`CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at)`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
	await insertReference(db);
}

export async function down(): Promise<void> {
	throw new Error('0001_foundation cannot be reverted: restore a backup instead');
}

/** Inserts the reference vocabularies; runs inside the migration so every database has them, seeded or not. */
export async function insertReference(db: Kysely<any>): Promise<void> {
	const slug = (name: string) =>
		name.toLowerCase().replace(/æ/g, 'ae').replace(/ø/g, 'oe').replace(/å/g, 'aa').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
	await db
		.insertInto('municipality')
		.values(municipalities.map(([code, name, member]) => ({
			code, name, slug: slug(name), is_member: member ?? 0,
			synonyms: JSON.stringify(municipalitySynonyms[code] ?? []),
		})))
		.execute();
	await db.insertInto('topic').values(topics.map((t, i) => ({ slug: t.slug, label: t.label, description: t.description, synonyms: JSON.stringify(t.synonyms), sort: i }))).execute();
	await db.insertInto('role').values(roles.map((r, i) => ({ slug: r.slug, label: r.label, description: r.description, synonyms: JSON.stringify(r.synonyms), is_situation: r.situation ?? 0, sort: i }))).execute();
	await db.insertInto('age_group').values(ageGroups.map((a, i) => ({ slug: a.slug, label: a.label, min_age: a.min, max_age: a.max, synonyms: JSON.stringify(a.synonyms), sort: i }))).execute();
}

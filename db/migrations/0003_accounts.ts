import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * Accounts: sessions (Lucia's session design, no library), passwordless sign-in challenges, rate-limit
 * windows, passkeys and their WebAuthn challenges. `user` and `user_scope` exist since 0001.
 *
 * Secrets are never stored: sessions keep a SHA-256 hash of the cookie secret, sign-in codes an scrypt hash
 * (8 characters is ~40 bits, so a fast hash would fall to an offline search), sign-in links a SHA-256 hash of a
 * 256-bit token. All times are ISO-8601 UTC text like the rest of the schema.
 */
const statements = [
	// What a registering user told us (organisation, role) so an admin can decide; empty when auto-approved.
	`ALTER TABLE user ADD COLUMN signup_note TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE user ADD COLUMN updated_at TEXT`,

	`CREATE TABLE session (
		id TEXT PRIMARY KEY,
		secret_hash BLOB NOT NULL,
		user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
		created_at TEXT NOT NULL,
		last_seen_at TEXT NOT NULL,
		-- set when the user proved a passkey in this session; editor/admin rights need it once a passkey exists
		second_factor_at TEXT,
		-- a readable label for "your sessions" (browser family), never the full user agent or IP
		label TEXT NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX session_user ON session(user_id)`,

	// One sign-in attempt: a code and/or a link token, bound to the browser that asked (cookie with the id).
	`CREATE TABLE signin_challenge (
		id TEXT PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
		purpose TEXT NOT NULL DEFAULT 'signin' CHECK (purpose IN ('signin','cli')),
		code_hash TEXT,
		link_hash TEXT UNIQUE,
		next_path TEXT,
		attempts INTEGER NOT NULL DEFAULT 0,
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL,
		used_at TEXT
	)`,
	`CREATE INDEX signin_challenge_user ON signin_challenge(user_id)`,

	// Fixed windows per key (e.g. 'signin:email:x@y.dk', 'signin:ip:1.2.3.4'); old rows are pruned lazily.
	`CREATE TABLE rate_limit (
		key TEXT PRIMARY KEY,
		window_start TEXT NOT NULL,
		count INTEGER NOT NULL DEFAULT 0
	)`,

	`CREATE TABLE passkey (
		id TEXT PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
		public_key BLOB NOT NULL,
		counter INTEGER NOT NULL DEFAULT 0,
		transports TEXT NOT NULL DEFAULT '[]',
		name TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL,
		last_used_at TEXT
	)`,
	`CREATE INDEX passkey_user ON passkey(user_id)`,

	// A WebAuthn challenge is bound to the session that asked for it and used once.
	`CREATE TABLE webauthn_challenge (
		id INTEGER PRIMARY KEY,
		session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
		kind TEXT NOT NULL CHECK (kind IN ('register','authenticate')),
		challenge TEXT NOT NULL,
		created_at TEXT NOT NULL,
		expires_at TEXT NOT NULL
	)`,
	`CREATE INDEX webauthn_challenge_session ON webauthn_challenge(session_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
}

export async function down(): Promise<void> {
	throw new Error('0003_accounts cannot be reverted: restore a backup instead');
}

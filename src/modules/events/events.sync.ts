/**
 * Seat writes run synchronously on the better-sqlite3 handle inside `BEGIN IMMEDIATE` (see
 * events.registrations.ts): Kysely cannot begin an IMMEDIATE transaction, and an async transaction would let
 * other work on the same connection slip in between. Inside such a transaction the audit entry and the mails
 * must be written synchronously too; these helpers write exactly the rows insertAuditEntry() and
 * enqueueMail() write (same table, same columns, same dedupe rule), so the mail queue stays one queue.
 */
import { createHash, randomBytes } from 'node:crypto';
import type SQLite from 'better-sqlite3';
import { immediateTransaction, ownTransactionOpen, rawSqlite, type Db } from '@db/client';
import type { Actor, Changes } from '@/modules/audit/audit.repository';
import type { OutgoingMail } from '@/modules/mail/mail.repository';
import { EventError } from './events.types';

export type Raw = SQLite.Database;

export function raw(db: Db): Raw {
	return rawSqlite(db);
}

/**
 * Thrown instead of starting a seat write while another transaction is open on the connection. Kysely and
 * these synchronous writes share ONE better-sqlite3 connection; while an asynchronous Kysely transaction is
 * open (an edit awaiting between its statements), better-sqlite3 would turn our "BEGIN IMMEDIATE" into a
 * SAVEPOINT inside it — and when that edit rolled back, the seat and its mail would vanish after the
 * participant was told "tilmeldt". Pages use `seatWrite()`, which waits for the connection instead.
 */
export class SeatWriteBusy extends EventError {
	constructor() {
		super('busy', 'Systemet er optaget lige nu. Prøv igen om et øjeblik.');
		this.name = 'SeatWriteBusy';
	}
}

/**
 * Runs `fn` in its own `BEGIN IMMEDIATE` transaction: the write lock is taken before anything is read.
 * Never joins another transaction: throws SeatWriteBusy when one is open on the connection.
 */
export function immediate<T>(db: Db, fn: (r: Raw) => T): T {
	const r = rawSqlite(db);
	// Inside seatWrite() the write lock is already ours: this is a savepoint of our own transaction.
	if (seatWriteDepth > 0) return r.transaction(() => fn(r))();
	// Our own open transaction holds the write lock: waiting synchronously for it would wait for ourselves.
	if (r.inTransaction || ownTransactionOpen(db)) throw new SeatWriteBusy();
	// Direct synchronous callers (seed, CLI, tests) wait for the lock synchronously; the server goes through
	// seatWrite(), which waits without blocking the event loop.
	r.pragma('busy_timeout = 5000');
	try {
		return r.transaction(() => fn(r)).immediate();
	} finally {
		r.pragma('busy_timeout = 0');
	}
}

let seatWriteDepth = 0;

/**
 * Runs a synchronous seat write (registerForEvent, cancelRegistration, …) in its own `BEGIN IMMEDIATE`
 * transaction on the connection that never holds a Kysely transaction, waiting for the write lock without
 * blocking the event loop (db/client.ts immediateTransaction). `fn` must be synchronous.
 */
export function seatWrite<T>(db: Db, fn: () => T extends PromiseLike<unknown> ? never : T): Promise<T> {
	return immediateTransaction(db, () => {
		seatWriteDepth++;
		try {
			return fn();
		} finally {
			seatWriteDepth--;
		}
	});
}

const statementCache = new WeakMap<Raw, Map<string, SQLite.Statement>>();

/** A prepared statement, cached per connection (preparing costs more than running for these small queries). */
export function stmt(r: Raw, sql: string): SQLite.Statement {
	let cache = statementCache.get(r);
	if (!cache) statementCache.set(r, (cache = new Map()));
	let s = cache.get(sql);
	if (!s) cache.set(sql, (s = r.prepare(sql)));
	return s;
}

export function auditSync(r: Raw, entry: { actor: Actor; entityType: 'event' | 'registration'; entityId: number; entityLabel: string; action: string; changes: Changes; at: string }): void {
	stmt(r, 'INSERT INTO audit_log (at, actor, actor_user_id, entity_type, entity_id, entity_label, action, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
		entry.at,
		entry.actor.label,
		entry.actor.userId,
		entry.entityType,
		entry.entityId,
		entry.entityLabel,
		entry.action,
		JSON.stringify(entry.changes),
	);
}

/** Queues a mail (same row as enqueueMail); false when the dedupe key was already used. */
export function mailSync(r: Raw, mail: OutgoingMail, now: string): boolean {
	const result = stmt(
		r,
		`INSERT INTO mail_outbox (to_address, subject, text_body, html_body, attachments, kind, dedupe_key, next_attempt_at, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
	).run(mail.to, mail.subject, mail.text, mail.html ?? null, JSON.stringify(mail.attachments ?? []), mail.kind ?? 'general', mail.dedupeKey ?? null, now, now);
	return result.changes > 0;
}

/**
 * The theme day as one participant's calendar knows it. Cancelling one's seat mails a METHOD:CANCEL with
 * SEQUENCE one above the confirmation; a later re-registration must then carry a higher SEQUENCE still, or
 * the calendar ignores it. So each of the participant's earlier cancellations (audit log) adds 2 to the
 * SEQUENCE of every calendar file they are sent: confirmation s → cancel s+1 → confirmation again s+2 → …
 * (an organiser's change adds 1 for everyone and keeps the order).
 */
export function calendarFor<E extends { sequence: number }>(r: Raw, event: E, registrationId: number): E {
	const row = stmt(r, "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'registration' AND entity_id = ? AND action = 'cancel'").get(registrationId) as { n: number };
	return row.n > 0 ? { ...event, sequence: event.sequence + 2 * row.n } : event;
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A fresh link token for a registration; only its hash is stored. */
export function issueToken(r: Raw, registrationId: number, now: string): string {
	const token = randomBytes(24).toString('base64url');
	stmt(r, 'INSERT INTO event_registration_token (token_hash, registration_id, created_at) VALUES (?, ?, ?)').run(hashToken(token), registrationId, now);
	return token;
}

/** The registration a link token belongs to, or undefined. */
export function registrationIdForToken(r: Raw, token: string): number | undefined {
	if (!token || token.length > 100) return undefined;
	const row = stmt(r, 'SELECT registration_id FROM event_registration_token WHERE token_hash = ?').get(hashToken(token)) as { registration_id: number } | undefined;
	return row?.registration_id;
}

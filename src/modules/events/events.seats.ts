/**
 * The one way a theme-day write runs: `seatTransaction()` — db/client.ts serialisedWrite() with the theme
 * day's lock key. On SQLite that is a `BEGIN IMMEDIATE` transaction (the write lock is taken before seats are
 * counted, so two processes can never both see the last seat free); on PostgreSQL a transaction-scoped
 * advisory lock on `event:<id>`, so registrations for one theme day take turns across every app instance
 * while other theme days run in parallel. Audit entries and mails are written with the ordinary
 * insertAuditEntry()/enqueueMail() on the transaction: a rolled-back seat sends nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { serialisedWrite, type Db } from '@db/client';
import type { Database } from '@db/schema';
import type { Conn } from './events.repository';

export type Trx = Transaction<Database>;

/** Lock key of one theme day; `events:create` for writes that make a new one (its slug must stay unique). */
export function eventLockKey(eventId: number | 'create'): string {
	return eventId === 'create' ? 'events:create' : `event:${eventId}`;
}

/** Runs `fn` in one transaction holding the theme day's seat lock before anything is read. */
export function seatTransaction<T>(db: Db, eventId: number | 'create', fn: (trx: Trx) => Promise<T>): Promise<T> {
	return serialisedWrite(db, eventLockKey(eventId), fn);
}

/**
 * The theme day as one participant's calendar knows it. Cancelling one's seat mails a METHOD:CANCEL with
 * SEQUENCE one above the confirmation; a later re-registration must then carry a higher SEQUENCE still, or
 * the calendar ignores it. So each of the participant's earlier cancellations (audit log) adds 2 to the
 * SEQUENCE of every calendar file they are sent: confirmation s → cancel s+1 → confirmation again s+2 → …
 * (an organiser's change adds 1 for everyone and keeps the order).
 */
export async function calendarFor<E extends { sequence: number }>(c: Conn, event: E, registrationId: number): Promise<E> {
	const row = await c
		.selectFrom('audit_log')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('entity_type', '=', 'registration')
		.where('entity_id', '=', registrationId)
		.where('action', '=', 'cancel')
		.executeTakeFirstOrThrow();
	const n = Number(row.n);
	return n > 0 ? { ...event, sequence: event.sequence + 2 * n } : event;
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A new random link token (not yet stored): made before a seat lock is taken, so the lock is not held for it.
 * The random bytes are drawn from the CSPRNG in blocks (as Node's randomUUID does): one randomBytes() call per
 * token was 1 % of a registration's server time (issue 13 profile). Each token's bytes are used once.
 */
export function newToken(): string {
	if (tokenPoolAt + TOKEN_BYTES > tokenPool.length) {
		tokenPool = randomBytes(TOKEN_BYTES * 128);
		tokenPoolAt = 0;
	}
	const token = tokenPool.toString('base64url', tokenPoolAt, tokenPoolAt + TOKEN_BYTES);
	tokenPoolAt += TOKEN_BYTES;
	return token;
}

const TOKEN_BYTES = 24;
let tokenPool = Buffer.alloc(0);
let tokenPoolAt = 0;

/** Makes `token` a link to the registration; only its hash is stored. */
export async function storeToken(c: Conn, registrationId: number, token: string, now: string): Promise<void> {
	await c.insertInto('event_registration_token').values({ token_hash: hashToken(token), registration_id: registrationId, created_at: now }).execute();
}

/** A fresh link token for a registration; only its hash is stored. */
export async function issueToken(c: Conn, registrationId: number, now: string): Promise<string> {
	const token = newToken();
	await storeToken(c, registrationId, token, now);
	return token;
}

/** The registration a link token belongs to, or undefined. */
export async function registrationIdForToken(c: Conn, token: string): Promise<number | undefined> {
	if (!token || token.length > 100) return undefined;
	const row = await c.selectFrom('event_registration_token').select('registration_id').where('token_hash', '=', hashToken(token)).executeTakeFirst();
	return row ? Number(row.registration_id) : undefined;
}

import type { Kysely, Transaction } from 'kysely';
import type { Db } from '@db/client';
import type { Database, MailRow } from '@db/schema';
import { nowIso } from '@/lib/dates';

type Executor = Kysely<Database> | Transaction<Database>;

export interface OutgoingMail {
	to: string;
	subject: string;
	text: string;
	html?: string;
	/** Attachments are stored as text (e.g. an .ics file) or base64 (`encoding: 'base64'`). */
	attachments?: { filename: string; content: string; contentType: string; encoding?: 'base64' }[];
	/** e.g. `signin-code`, `event-confirmation`, `freshness-reminder`: lets admins filter the outbox. */
	kind?: string;
	/** Mails with the same key are queued once, ever (so a job run twice sends nothing twice). */
	dedupeKey?: string;
}

/**
 * Puts a mail in the queue, inside the caller's transaction: the user's action never waits on a mail
 * server, and a rolled-back action sends nothing. Returns false when the dedupe key was already used.
 */
export async function enqueueMail(db: Executor, mail: OutgoingMail, at?: string): Promise<boolean> {
	// `at`: the action's own clock (a theme-day write run "as of" a given time stamps its mails with it).
	const now = at ?? nowIso();
	const result = await db
		.insertInto('mail_outbox')
		.values({
			to_address: mail.to,
			subject: mail.subject,
			text_body: mail.text,
			html_body: mail.html ?? null,
			attachments: JSON.stringify(mail.attachments ?? []),
			kind: mail.kind ?? 'general',
			dedupe_key: mail.dedupeKey ?? null,
			next_attempt_at: now,
			created_at: now,
		})
		.onConflict((oc) => oc.column('dedupe_key').doNothing())
		.executeTakeFirst();
	return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

// ---------- reading and managing the outbox (admins, /admin/outbox) ----------

export type MailStatus = MailRow['status'];

export interface OutboxFilter {
	status?: MailStatus;
	kind?: string;
	/** Part of the recipient address. */
	to?: string;
	limit?: number;
	offset?: number;
}

/** Mails newest first, without bodies (the list view). */
export async function listOutbox(db: Db, filter: OutboxFilter = {}) {
	let query = db
		.selectFrom('mail_outbox')
		.select(['id', 'to_address', 'subject', 'kind', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'sent_at']);
	if (filter.status) query = query.where('status', '=', filter.status);
	if (filter.kind) query = query.where('kind', '=', filter.kind);
	// Case-insensitive on both engines (PostgreSQL's LIKE is not): "Anna@" finds anna@.
	if (filter.to) query = query.where((eb) => eb(eb.fn('lower', ['to_address']), 'like', `%${filter.to!.replace(/[%_]/g, '').toLowerCase()}%`));
	return query.orderBy('id', 'desc').limit(filter.limit ?? 100).offset(filter.offset ?? 0).execute();
}

/** How many mails per status (the outbox summary). */
export async function countOutboxByStatus(db: Db): Promise<Record<string, number>> {
	const rows = await db.selectFrom('mail_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function findMail(db: Db, id: number): Promise<MailRow | undefined> {
	return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Puts a failed or bounced mail back in the queue (an admin fixed the address or the mail server). */
export async function requeueMail(db: Db, id: number, now: Date = new Date()): Promise<boolean> {
	const result = await db
		.updateTable('mail_outbox')
		.set({ status: 'queued', attempts: 0, next_attempt_at: now.toISOString() })
		.where('id', '=', id)
		.where('status', 'in', ['failed', 'bounced'])
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

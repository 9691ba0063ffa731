import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@db/schema';
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
export async function enqueueMail(db: Executor, mail: OutgoingMail): Promise<boolean> {
	const now = nowIso();
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

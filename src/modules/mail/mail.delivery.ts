/**
 * Delivery of the one mail queue. Runs in the job, never in a user's request: the request only enqueues.
 * Every due mail is claimed with a lease first, so the server's scheduler and `npm run jobs:run` never
 * send the same mail twice; a crash mid-send only means a later retry, never a lost mail.
 */
import type { Db } from '@db/client';
import type { MailRow } from '@db/schema';
import { formatDate } from '@/lib/dates';
import { systemActor } from '@/modules/audit/audit.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import type { MailTransport } from './mail.transport';

/** Minutes to wait after the 1st, 2nd, … failed attempt. After the last one the mail is marked `failed`. */
export const BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360, 720, 1440, 1440];
/** Attempts before giving up: about three days of a mail server being down. */
export const MAX_ATTEMPTS = BACKOFF_MINUTES.length + 1;
/** How long a claimed mail is hidden from other workers while it is being sent. */
const LEASE_MINUTES = 10;

export type FailureKind = 'temporary' | 'bounce' | 'permanent';

interface SmtpError {
	responseCode?: number;
	command?: string;
	code?: string;
	response?: string;
	message?: string;
}

/**
 * How to treat a send error. A 5xx reply to RCPT TO is a bounce (the address is wrong); other 5xx replies
 * are permanent for this message; our own authentication errors (530/534/535/538) and everything else
 * (4xx, connection refused, timeouts) are temporary, because the operator or the network can fix them.
 */
export function classifySendError(error: unknown): FailureKind {
	const err = (error ?? {}) as SmtpError;
	const code = err.responseCode;
	if (typeof code !== 'number' || code < 500 || code > 599) return 'temporary';
	if (code === 503 || [530, 534, 535, 538].includes(code)) return 'temporary';
	if (err.command === 'RCPT TO') return 'bounce';
	return 'permanent';
}

/** When to try again after `attempts` failed attempts, or null to give up. */
export function nextAttemptAt(attempts: number, now: Date): string | null {
	if (attempts >= MAX_ATTEMPTS) return null;
	const minutes = BACKOFF_MINUTES[Math.min(attempts, BACKOFF_MINUTES.length) - 1] ?? BACKOFF_MINUTES[0];
	return new Date(now.getTime() + minutes * 60_000).toISOString();
}

export interface DeliveryReport {
	sent: number;
	stored: number;
	retrying: number;
	failed: number;
	bounced: number;
	/** People flagged needs_attention because their address bounced. */
	flagged: number;
}

function errorText(error: unknown): string {
	const err = (error ?? {}) as SmtpError;
	return String(err.response || err.message || error).slice(0, 500);
}

/** Sends (or stores) every queued mail whose next_attempt_at ≤ now, oldest first, up to `limit`. */
export async function deliverDueMail(db: Db, transport: MailTransport, now: Date = new Date(), opts: { limit?: number } = {}): Promise<DeliveryReport> {
	const report: DeliveryReport = { sent: 0, stored: 0, retrying: 0, failed: 0, bounced: 0, flagged: 0 };
	const nowIso = now.toISOString();
	const due = await db
		.selectFrom('mail_outbox')
		.selectAll()
		.where('status', '=', 'queued')
		.where('next_attempt_at', '<=', nowIso)
		.orderBy('next_attempt_at')
		.orderBy('id')
		.limit(opts.limit ?? 100)
		.execute();

	for (const mail of due) {
		const lease = new Date(now.getTime() + LEASE_MINUTES * 60_000).toISOString();
		const claimed = await db
			.updateTable('mail_outbox')
			.set({ next_attempt_at: lease })
			.where('id', '=', mail.id)
			.where('status', '=', 'queued')
			.where('next_attempt_at', '<=', nowIso)
			.executeTakeFirst();
		if (Number(claimed.numUpdatedRows) !== 1) continue; // another worker has it

		if (transport.mode === 'store') {
			await db.updateTable('mail_outbox').set({ status: 'stored', sent_at: nowIso, attempts: mail.attempts + 1, last_error: null }).where('id', '=', mail.id).execute();
			if (transport.log) {
				// Subject and links only: enough to click through in dev without flooding the console.
				const links = mail.text_body.match(/https?:\/\/\S+/g) ?? [];
				console.info(`[mail] gemt #${mail.id} til ${mail.to_address}: ${mail.subject}${links.map((l) => `\n  ${l}`).join('')}`);
			}
			report.stored++;
			continue;
		}

		try {
			await transport.transporter.sendMail(toNodemailer(mail, transport.from));
			await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: nowIso, attempts: mail.attempts + 1, last_error: null }).where('id', '=', mail.id).execute();
			report.sent++;
		} catch (error) {
			const attempts = mail.attempts + 1;
			const kind = classifySendError(error);
			const lastError = errorText(error);
			if (kind === 'bounce') {
				report.bounced++;
				report.flagged += await db.transaction().execute(async (trx) => {
					await trx.updateTable('mail_outbox').set({ status: 'bounced', attempts, last_error: lastError }).where('id', '=', mail.id).execute();
					return flagBouncedAddress(trx, mail.to_address, lastError, now);
				});
			} else if (kind === 'permanent') {
				await db.updateTable('mail_outbox').set({ status: 'failed', attempts, last_error: lastError }).where('id', '=', mail.id).execute();
				report.failed++;
			} else {
				const next = nextAttemptAt(attempts, now);
				await db
					.updateTable('mail_outbox')
					.set(next ? { attempts, last_error: lastError, next_attempt_at: next } : { status: 'failed', attempts, last_error: lastError })
					.where('id', '=', mail.id)
					.execute();
				if (next) report.retrying++;
				else report.failed++;
			}
		}
	}
	return report;
}

function toNodemailer(mail: MailRow, from: string): Record<string, unknown> {
	const attachments = JSON.parse(mail.attachments || '[]') as { filename: string; content: string; contentType: string; encoding?: string }[];
	return {
		from,
		to: mail.to_address,
		subject: mail.subject,
		text: mail.text_body,
		...(mail.html_body && { html: mail.html_body }),
		attachments: attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType, ...(a.encoding && { encoding: a.encoding }) })),
		// Tells auto-responders (out-of-office) not to answer a machine.
		headers: { 'Auto-Submitted': 'auto-generated', 'X-Vejviser-Mail-Id': String(mail.id) },
	};
}

/**
 * Marks every current directory entry with this address as needing attention (audited, actor
 * system:mail), so editors see the bounce at once. Returns how many entries were flagged.
 */
export async function flagBouncedAddress(db: Db, address: string, reason: string, now: Date = new Date()): Promise<number> {
	const people = await db
		.selectFrom('person')
		.select(['id', 'needs_attention'])
		.where((eb) => eb(eb.fn('lower', ['email']), '=', address.toLowerCase()))
		.where('status', '=', 'active')
		.execute();
	const note = `E-mail afvist ${formatDate(now.toISOString())}: ${address} (${reason.slice(0, 160)})`;
	let flagged = 0;
	for (const person of people) {
		if (person.needs_attention?.startsWith('E-mail afvist')) continue; // already flagged; keep the first date
		await patchPerson(db, systemActor('mail'), person.id, { needs_attention: note }, 'flag', { touchUpdatedAt: false });
		flagged++;
	}
	return flagged;
}

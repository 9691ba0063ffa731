/**
 * The theme-day job (hourly): reminders two days before the start to everyone with a seat (dedupe key per
 * registration and start time, so a run repeated — or a second process — sends nothing twice; a moved
 * theme day gets a new reminder), and removal of registrations whose address was never confirmed within
 * RETENTION.unconfirmedRegistrationDays (7; privacy.retention.ts, the one place the periods live — they hold no
 * seat; keeping the personal data has no purpose).
 */
import type { Db } from '@db/client';
import type { Job } from '@/modules/jobs/jobs.registry';
import { publicBaseUrl } from '@/modules/jobs/jobs.env';
import { RETENTION } from '@/modules/privacy/privacy.retention';
import { findRegistrationById, listEvents, listRegistrationsWithStatus } from './events.repository';
import { calendarFor, issueToken, seatTransaction } from './events.seats';
import { auditEvents, queueMail } from './events.registrations';
import { reminderMail } from './events.mails';

export const REMINDER_HOURS_BEFORE = 48;

export async function sendThemeDayReminders(db: Db, now: Date, baseUrl: string): Promise<{ reminded: number; purged: number }> {
	const nowIso = now.toISOString();
	const horizon = new Date(now.getTime() + REMINDER_HOURS_BEFORE * 3_600_000).toISOString();
	let reminded = 0;
	for (const listed of await listEvents(db, { from: nowIso, to: horizon, statuses: ['published'] })) {
		reminded += await seatTransaction(db, listed.id, async (trx) => {
			let n = 0;
			for (const reg of await listRegistrationsWithStatus(trx, listed.id, ['confirmed'])) {
				const dedupeKey = `event-reminder:${listed.id}:${reg.id}:${listed.startsAt}`;
				if (await trx.selectFrom('mail_outbox').select('id').where('dedupe_key', '=', dedupeKey).executeTakeFirst()) continue;
				const token = await issueToken(trx, reg.id, nowIso);
				if (await queueMail(trx, reminderMail(await calendarFor(trx, listed, reg.id), reg, token, baseUrl), nowIso)) n++;
			}
			return n;
		});
	}
	const cutoff = new Date(now.getTime() - RETENTION.unconfirmedRegistrationDays * 86_400_000).toISOString();
	const stale = await db.selectFrom('event_registration').select(['id', 'event_id']).where('status', '=', 'pending').where('updated_at', '<', cutoff).execute();
	let purged = 0;
	for (const candidate of stale) {
		// Checked again under the theme day's lock: the address may have been confirmed in the meantime.
		purged += await seatTransaction(db, Number(candidate.event_id), async (trx) => {
			const reg = await findRegistrationById(trx, Number(candidate.id));
			if (!reg || reg.status !== 'pending' || reg.updatedAt >= cutoff) return 0;
			await trx.deleteFrom('event_registration').where('id', '=', reg.id).execute();
			await auditEvents(trx, { actor: { label: 'system:jobs', userId: null }, entityType: 'registration', entityId: reg.id, entityLabel: reg.name, action: 'purge_unconfirmed', changes: { status: ['pending', null] }, at: nowIso });
			return 1;
		});
	}
	return { reminded, purged };
}

export const themeDayJob: Job = {
	name: 'theme-days',
	intervalMinutes: 60,
	async run(db, now) {
		const { reminded, purged } = await sendThemeDayReminders(db, now, publicBaseUrl());
		return `${reminded} påmindelser om temadage, ${purged} ubekræftede tilmeldinger slettet`;
	},
};

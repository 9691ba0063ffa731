/**
 * The theme-day job (hourly): reminders two days before the start to everyone with a seat (dedupe key per
 * registration and start time, so a run repeated — or a second process — sends nothing twice; a moved
 * theme day gets a new reminder), and removal of registrations whose address was never confirmed within
 * 7 days (they hold no seat; keeping the personal data has no purpose).
 */
import type { Db } from '@db/client';
import type { Job } from '@/modules/jobs/jobs.registry';
import { publicBaseUrl } from '@/modules/jobs/jobs.env';
import { listEvents } from './events.repository';
import { auditSync, calendarFor, immediate, issueToken, mailSync, seatWrite, stmt } from './events.sync';
import { reminderMail } from './events.mails';
import { toRegistration } from './events.repository';

export const REMINDER_HOURS_BEFORE = 48;
const PENDING_DAYS = 7;

export function sendThemeDayReminders(db: Db, now: Date, baseUrl: string): { reminded: number; purged: number } {
	const nowIso = now.toISOString();
	const horizon = new Date(now.getTime() + REMINDER_HOURS_BEFORE * 3_600_000).toISOString();
	let reminded = 0;
	for (const event of listEvents(db, { from: nowIso, to: horizon, statuses: ['published'] })) {
		reminded += immediate(db, (r) => {
			let n = 0;
			const regs = stmt(r, "SELECT * FROM event_registration WHERE event_id = ? AND status = 'confirmed'").all(event.id).map(toRegistration);
			for (const reg of regs) {
				const probe = stmt(r, 'SELECT 1 FROM mail_outbox WHERE dedupe_key = ?').get(`event-reminder:${event.id}:${reg.id}:${event.startsAt}`);
				if (probe) continue;
				const token = issueToken(r, reg.id, nowIso);
				if (mailSync(r, reminderMail(calendarFor(r, event, reg.id), reg, token, baseUrl), nowIso)) n++;
			}
			return n;
		});
	}
	const cutoff = new Date(now.getTime() - PENDING_DAYS * 86_400_000).toISOString();
	const purged = immediate(db, (r) => {
		const stale = stmt(r, "SELECT id, name, event_id FROM event_registration WHERE status = 'pending' AND updated_at < ?").all(cutoff) as { id: number; name: string; event_id: number }[];
		for (const reg of stale) {
			stmt(r, 'DELETE FROM event_registration WHERE id = ?').run(reg.id);
			auditSync(r, { actor: { label: 'system:jobs', userId: null }, entityType: 'registration', entityId: reg.id, entityLabel: reg.name, action: 'purge_unconfirmed', changes: { status: ['pending', null] }, at: nowIso });
		}
		return stale.length;
	});
	return { reminded, purged };
}

export const themeDayJob: Job = {
	name: 'theme-days',
	intervalMinutes: 60,
	async run(db, now) {
		// Through seatWrite: waits for any asynchronous transaction open on the shared connection (never joins it).
		const { reminded, purged } = await seatWrite(db, () => sendThemeDayReminders(db, now, publicBaseUrl()));
		return `${reminded} påmindelser om temadage, ${purged} ubekræftede tilmeldinger slettet`;
	},
};

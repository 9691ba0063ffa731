/**
 * How long Vejviser keeps what it only needs for a while — the periods in one place, shown on the privacy page
 * and applied by the daily retention job (unconfirmed theme-day registrations: by the theme-day job, which holds the
 * day's seat lock). Directory entries, accounts and the audit log are not here: they live
 * as long as the entry or account does.
 */
import type { Db } from '@db/client';
import type { Job } from '@/modules/jobs/jobs.registry';
import { sessionPolicy } from '@/modules/auth/auth.rules';

const DAY = 86_400_000;
/** The longest a session of any role may live (members': auth.rules.ts sessionPolicy). */
const longestSession = sessionPolicy('member');

export const RETENTION = {
	/** Sign-in codes and links: spent or expired ones, a day after. */
	signinChallengeDays: 1,
	/** Sessions: once past the longest idle time or the longest cap of any role (auth.rules.ts). */
	sessionIdleDays: longestSession.inactivityMs / DAY,
	sessionMaxDays: longestSession.absoluteMs / DAY,
	/** Mails that were delivered (or stored, without a mail server): after 30 days. Failed ones stay for a manual look. */
	deliveredMailDays: 30,
	/** Searches that found nothing (the query text only, never who asked): after 180 days. */
	searchLogDays: 180,
	/** Rate-limit windows: a day after they ended. */
	rateLimitDays: 1,
	/**
	 * Theme-day registrations whose address was never confirmed (they hold no seat): after 7 days. Applied by the
	 * hourly theme-day job (events.job.ts), which removes them under the day's seat lock.
	 */
	unconfirmedRegistrationDays: 7,
} as const;

export interface RetentionResult {
	signinChallenges: number;
	sessions: number;
	mails: number;
	searchLog: number;
	rateLimits: number;
}

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();

/** Deletes everything past its period. Idempotent; each table in its own short statement. */
export async function applyRetention(db: Db, now: Date = new Date()): Promise<RetentionResult> {
	const n = (r: { numDeletedRows: bigint }[]) => Number(r[0]?.numDeletedRows ?? 0n);
	const signinChallenges = n(
		await db
			.deleteFrom('signin_challenge')
			.where((eb) => eb.or([eb('expires_at', '<', before(now, RETENTION.signinChallengeDays)), eb('used_at', '<', before(now, RETENTION.signinChallengeDays))]))
			.execute(),
	);
	const sessions = n(
		await db
			.deleteFrom('session')
			.where((eb) => eb.or([eb('last_seen_at', '<', before(now, RETENTION.sessionIdleDays)), eb('created_at', '<', before(now, RETENTION.sessionMaxDays))]))
			.execute(),
	);
	const mails = n(await db.deleteFrom('mail_outbox').where('status', 'in', ['sent', 'stored']).where('created_at', '<', before(now, RETENTION.deliveredMailDays)).execute());
	const searchLog = n(await db.deleteFrom('search_log').where('last_at', '<', before(now, RETENTION.searchLogDays)).execute());
	const rateLimits = n(await db.deleteFrom('rate_limit').where('window_start', '<', before(now, RETENTION.rateLimitDays)).execute());
	return { signinChallenges, sessions, mails, searchLog, rateLimits };
}

export const retentionJob: Job = {
	name: 'retention',
	intervalMinutes: 24 * 60,
	order: 90,
	async run(db, now) {
		const r = await applyRetention(db, now);
		return `slettede ${r.signinChallenges} log-ind-koder, ${r.sessions} sessioner, ${r.mails} mails, ${r.searchLog} søgninger, ${r.rateLimits} grænsevinduer`;
	},
};

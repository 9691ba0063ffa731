/** The delivery job: every minute, sends (or stores) what is due in the queue. */
import type { Job } from '@/modules/jobs/jobs.registry';
import { jobEnv } from '@/modules/jobs/jobs.env';
import { deliverDueMail } from './mail.delivery';
import { createMailTransport, type MailTransport } from './mail.transport';

let cached: { key: string; transport: MailTransport } | undefined;

/** One transport per configuration, reused between runs. */
function transport(): MailTransport {
	const env = jobEnv();
	const key = `${env.SMTP_URL ?? ''}|${env.MAIL_FROM ?? ''}`;
	if (cached?.key !== key) cached = { key, transport: createMailTransport(env) };
	return cached.transport;
}

export const mailJob: Job = {
	name: 'mail',
	intervalMinutes: 1,
	order: 100,
	async run(db, now) {
		const t = transport();
		// Mail queued earlier in the same run is stamped with the real clock, so never deliver "before" it.
		const r = await deliverDueMail(db, t, new Date(Math.max(now.getTime(), Date.now())), { limit: 200 });
		const how = t.mode === 'smtp' ? 'SMTP' : 'gemt i udbakken (ingen SMTP_URL)';
		return `${r.sent} sendt, ${r.stored} gemt, ${r.retrying} prøves igen, ${r.failed} opgivet, ${r.bounced} afvist (${r.flagged} poster markeret) — ${how}`;
	},
};

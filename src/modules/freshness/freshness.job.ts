/** The freshness loop as a job (hourly; steps are per day, so extra runs find nothing to do). */
import type { Job } from '@/modules/jobs/jobs.registry';
import { jobEnv, publicBaseUrl } from '@/modules/jobs/jobs.env';
import { freshnessConfigFromEnv } from './freshness.config';
import { runFreshness } from './freshness.loop';
import { getTokenSecret } from './freshness.token';

export const freshnessJob: Job = {
	name: 'freshness',
	intervalMinutes: 60,
	async run(db, now) {
		const env = jobEnv();
		const r = await runFreshness(db, now, {
			config: freshnessConfigFromEnv(env as Record<string, string | undefined>),
			baseUrl: publicBaseUrl(env),
			secret: await getTokenSecret(db, env.TOKEN_SECRET),
		});
		return `${r.requested} anmodninger, ${r.reminded} påmindelser, ${r.escalated} sendt til redaktører, ${r.superseded} lukket, ${r.deferred} udskudt (dagligt loft)`;
	},
};

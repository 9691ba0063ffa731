/** Handovers dated ahead ("stopper 31. december") are carried out by this job on their day. */
import type { Job } from '@/modules/jobs/jobs.registry';
import { publicBaseUrl } from '@/modules/jobs/jobs.env';
import { runScheduledHandovers } from './directory.handover';

export const handoverJob: Job = {
	name: 'handover',
	// Every 15 minutes: a handover takes effect shortly after midnight on its day.
	intervalMinutes: 15,
	// Before the freshness job (0), which then no longer asks someone who has left; long before the mail job (100),
	// so the successor's welcome mail goes out in the same run.
	order: -10,
	async run(db, now) {
		const r = await runScheduledHandovers(db, now, { baseUrl: publicBaseUrl() });
		return `${r.done} overdragelser gennemført, ${r.failed} kunne ikke gennemføres`;
	},
};

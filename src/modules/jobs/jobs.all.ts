/**
 * Every job of the app, registered in one place so the scheduler and `npm run jobs:run` see the same list.
 * To add one: one line below, e.g. `registerJob(themeDayReminderJob);` (its `order` decides when it runs;
 * the mail job has order 100 so it delivers what the other jobs queued in the same run).
 */
import { registerJob } from './jobs.registry';
import { mailJob } from '@/modules/mail/mail.job';
import { freshnessJob } from '@/modules/freshness/freshness.job';
import { themeDayJob } from '@/modules/events/events.job';
import { retentionJob } from '@/modules/privacy/privacy.retention';
import { backupJob } from './jobs.backup';
import { handoverJob } from '@/modules/directory/directory.handover.job';
import { supervisionJob } from '@/modules/supervision/supervision.job';
import { knowledgeReviewJob } from '@/modules/knowledge/knowledge.job';

export function registerAllJobs(): void {
	registerJob(freshnessJob);
	registerJob(themeDayJob);
	registerJob(retentionJob);
	registerJob(backupJob);
	registerJob(handoverJob);
	registerJob(supervisionJob);
	registerJob(knowledgeReviewJob);
	registerJob(mailJob);
}

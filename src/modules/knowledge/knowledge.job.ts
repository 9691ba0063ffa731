/**
 * Review reminders for knowledge articles, through the one mail queue: the owner is mailed 30 days before an
 * article's review date and again when it is overdue (one mail per address, article, due date and step:
 * the dedupe key makes the daily job idempotent). Reads the review facts mirrored in knowledge_article, so it
 * also runs under `npm run jobs:run`.
 */
import type { Db } from '@db/client';
import { formatDate } from '@/lib/dates';
import type { Job } from '@/modules/jobs/jobs.registry';
import { publicBaseUrl } from '@/modules/jobs/jobs.env';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { listArticleReviews } from './knowledge.repository';
import { reviewSignal } from './knowledge.rules';
import { articleUrl, type Collection } from './knowledge.types';
import { resolveOwner } from './knowledge.writes';

export async function sendReviewReminders(db: Db, now: Date, baseUrl: string): Promise<{ queued: number; noAddress: number }> {
	let queued = 0;
	let noAddress = 0;
	for (const a of await listArticleReviews(db)) {
		const review = reviewSignal(a, now);
		if (review.state === 'ok') continue;
		const owner = await resolveOwner(db, a.ownerPersonRef ? { person: a.ownerPersonRef } : { unit: a.ownerUnit! });
		if (!owner || owner.emails.length === 0) {
			noAddress++;
			continue;
		}
		const url = `${baseUrl}${articleUrl(a.collection as Collection, a.slug)}`;
		const overdue = review.state === 'overdue';
		for (const to of owner.emails) {
			const added = await enqueueMail(db, {
				to,
				kind: 'knowledge-review',
				dedupeKey: `knowledge-review:${a.ref}:${review.dueOn}:${review.state}:${to}`,
				subject: overdue ? `Gennemgang overskredet: ${a.title}` : `Tid til at gennemgå: ${a.title}`,
				text: [
					`Hej`,
					``,
					overdue
						? `"${a.title}" skulle have været gennemgået senest ${formatDate(review.dueOn)}. Siden viser nu et banner om, at teksten kan være forældet.`
						: `"${a.title}" skal gennemgås senest ${formatDate(review.dueOn)}. I står som ejer.`,
					``,
					`Læs teksten igennem: ${url}`,
					`Er den stadig rigtig, så opdatér last_reviewed i content/ (eller bed netværkets tovholder om det).`,
					``,
					`Venlig hilsen Vejviser`,
				].join('\n'),
			});
			if (added) queued++;
		}
	}
	return { queued, noAddress };
}

export const knowledgeReviewJob: Job = {
	name: 'knowledge-review',
	intervalMinutes: 24 * 60,
	async run(db, now) {
		const r = await sendReviewReminders(db, now, publicBaseUrl());
		return `${r.queued} påmindelser om gennemgang${r.noAddress ? `, ${r.noAddress} artikler uden ejer med e-mail` : ''}`;
	},
};

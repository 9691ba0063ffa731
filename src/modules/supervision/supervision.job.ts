/**
 * The supervision job (hourly): offers of a free seat that ran out are given up and the seat is offered to the
 * next on the waitlist — so a seat moves on without anyone writing on a page view (pages show a lapsed offer as
 * given up until then). Idempotent: an expired offer is handled once (its status changes under the group's lock).
 */
import type { Db } from '@db/client';
import type { Job } from '@/modules/jobs/jobs.registry';
import { publicBaseUrl } from '@/modules/jobs/jobs.env';
import { expireLapsedOffers } from './supervision.writes';

export async function expireAllOffers(db: Db, now: Date, baseUrl: string): Promise<number> {
	return expireLapsedOffers(db, now, { label: 'system:jobs', userId: null }, { baseUrl });
}

export const supervisionJob: Job = {
	name: 'supervision-offers',
	intervalMinutes: 60,
	async run(db, now) {
		const n = await expireAllOffers(db, now, publicBaseUrl());
		return `${n} udløbne tilbud om supervisionsplads givet videre`;
	},
};

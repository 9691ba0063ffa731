/**
 * The supervision job (hourly): offers of a free seat that ran out are given up and the seat is offered to the
 * next on the waitlist — so a seat moves on even when nobody opens the group's pages. Idempotent: an expired
 * offer is handled once (its status changes under the write lock).
 */
import type { Db } from '@db/client';
import { rawSqlite } from '@db/client';
import type { Job } from '@/modules/jobs/jobs.registry';
import { publicBaseUrl } from '@/modules/jobs/jobs.env';
import { expireOffers } from './supervision.writes';

export async function expireAllOffers(db: Db, now: Date, baseUrl: string): Promise<number> {
	const groups = rawSqlite(db).prepare("SELECT DISTINCT group_id FROM supervision_membership WHERE status = 'offered' AND offered_until <= ?").all(now.toISOString()) as { group_id: number }[];
	let n = 0;
	for (const g of groups) n += await expireOffers(db, g.group_id, { label: 'system:jobs', userId: null }, { now, baseUrl });
	return n;
}

export const supervisionJob: Job = {
	name: 'supervision-offers',
	intervalMinutes: 60,
	async run(db, now) {
		const n = await expireAllOffers(db, now, publicBaseUrl());
		return `${n} udløbne tilbud om supervisionsplads givet videre`;
	},
};

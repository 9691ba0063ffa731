/**
 * Usage figures (the steering group's `/admin/tal`): counts only. A search adds one to the row of its
 * Copenhagen week, recognised situation and municipality — never the query text or who asked.
 */
import type { Db } from '@db/client';

const copenhagen = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Monday (Copenhagen calendar) of the week an instant falls in. */
export function weekOf(instant: Date): string {
	const day = copenhagen.format(instant);
	const d = new Date(`${day}T00:00:00Z`);
	const back = (d.getUTCDay() + 6) % 7;
	d.setUTCDate(d.getUTCDate() - back);
	return d.toISOString().slice(0, 10);
}

export interface SearchCount {
	situation: string | null;
	municipalityCode: string | null;
	zero: boolean;
	at?: Date;
}

/** Adds one search to its week's row (one atomic upsert). */
export async function recordSearchStat(db: Db, count: SearchCount): Promise<void> {
	const week = weekOf(count.at ?? new Date());
	const zero = count.zero ? 1 : 0;
	await db
		.insertInto('search_stat')
		.values({ week, situation: count.situation ?? '', municipality_code: count.municipalityCode ?? '', searches: 1, zero_results: zero })
		.onConflict((oc) =>
			oc.columns(['week', 'situation', 'municipality_code']).doUpdateSet((eb) => ({
				searches: eb('search_stat.searches', '+', 1),
				zero_results: eb('search_stat.zero_results', '+', zero),
			})),
		)
		.execute();
}

/**
 * Counts a search without making the answer wait: a busy database only loses the count after the
 * connection's own wait (DatabaseBusyError), and a failure is never the searcher's problem.
 */
export function countSearch(db: Db, count: SearchCount): void {
	void recordSearchStat(db, count).catch(() => {});
}

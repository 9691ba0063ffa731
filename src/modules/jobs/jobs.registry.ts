/**
 * The one job registry. A module registers a job with one call and every runner picks it up:
 *   registerJob({ name: 'theme-day-reminders', intervalMinutes: 60, run: (db, now) => sendReminders(db, now) });
 * (put the call in src/modules/jobs/jobs.all.ts, or in your module and import it there).
 * Jobs must be idempotent (enqueue mail with a dedupeKey): runners may overlap across processes, and a
 * lease in job_run keeps one run of a job at a time.
 */
import type { Db } from '@db/client';
import type { JobRunRow } from '@db/schema';

export interface Job {
	name: string;
	/** How often the in-process scheduler runs it. `npm run jobs:run` runs every job regardless. */
	intervalMinutes: number;
	/** Lower runs first; the mail delivery job runs last so a run delivers what the others queued. */
	order?: number;
	/** Returns a short human summary (printed by jobs:run, stored in job_run). */
	run(db: Db, now: Date): Promise<string | void>;
}

export interface JobResult {
	name: string;
	status: 'ok' | 'error' | 'skipped';
	summary: string;
	ms: number;
}

/** A run that crashed without releasing its lease frees the job after this long. */
const LEASE_MINUTES = 30;

const registry = new Map<string, Job>();

export function registerJob(job: Job): void {
	registry.set(job.name, job);
}

/** Registered jobs in run order. */
export function listJobs(): Job[] {
	return [...registry.values()].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

/** Forgets every job (tests). */
export function clearJobs(): void {
	registry.clear();
}

/**
 * Runs one job if no other process holds its lease (and, unless `force`, if its interval has passed
 * since the last start). Errors are caught and reported, never thrown: one failing job must not stop
 * the others.
 */
export async function runJob(db: Db, job: Job, now: Date = new Date(), opts: { force?: boolean } = {}): Promise<JobResult> {
	const nowIso = now.toISOString();
	const started = Date.now();
	await db.insertInto('job_run').values({ name: job.name, locked_until: null, last_started_at: null, last_finished_at: null, last_ok: null, last_summary: null, last_ok_at: null }).onConflict((oc) => oc.column('name').doNothing()).execute();
	const dueBefore = new Date(now.getTime() - job.intervalMinutes * 60_000 + 1000).toISOString(); // 1 s slack for tick jitter
	let claim = db
		.updateTable('job_run')
		.set({ locked_until: new Date(now.getTime() + LEASE_MINUTES * 60_000).toISOString(), last_started_at: nowIso })
		.where('name', '=', job.name)
		.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]));
	if (!opts.force) claim = claim.where((eb) => eb.or([eb('last_started_at', 'is', null), eb('last_started_at', '<=', dueBefore)]));
	const claimed = await claim.executeTakeFirst();
	if (Number(claimed.numUpdatedRows) !== 1) return { name: job.name, status: 'skipped', summary: 'kører allerede eller er ikke forfalden', ms: 0 };

	let result: JobResult;
	try {
		const summary = (await job.run(db, now)) || 'færdig';
		result = { name: job.name, status: 'ok', summary, ms: Date.now() - started };
	} catch (error) {
		result = { name: job.name, status: 'error', summary: String((error as Error)?.stack ?? error).slice(0, 2000), ms: Date.now() - started };
	}
	await db
		.updateTable('job_run')
		.set((eb) => {
			const finished = new Date().toISOString();
			const ok = result.status === 'ok';
			// A failed run keeps the time of the last good one: that is what monitoring asks for.
			return { locked_until: null, last_finished_at: finished, last_ok: ok ? 1 : 0, last_summary: result.summary.slice(0, 2000), last_ok_at: ok ? finished : eb.ref('last_ok_at') };
		})
		.where('name', '=', job.name)
		.execute();
	return result;
}

/** Every registered job once, in order (what `npm run jobs:run` does). */
export async function runAllJobs(db: Db, now: Date = new Date()): Promise<JobResult[]> {
	const results: JobResult[] = [];
	for (const job of listJobs()) results.push(await runJob(db, job, now, { force: true }));
	return results;
}

/** The jobs whose interval has passed (what the scheduler does each tick). */
export async function runDueJobs(db: Db, now: Date = new Date()): Promise<JobResult[]> {
	const results: JobResult[] = [];
	for (const job of listJobs()) results.push(await runJob(db, job, now));
	return results;
}

/** Last run per job, for the admin pages. */
export async function listJobRuns(db: Db): Promise<JobRunRow[]> {
	return db.selectFrom('job_run').selectAll().orderBy('name').execute();
}

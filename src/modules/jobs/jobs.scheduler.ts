/**
 * The in-process scheduler: started once per server process by the middleware on the first request
 * (never in tests or builds). Each tick runs the jobs whose interval has passed; a tick that is still
 * running makes the next one skip, and job leases in the database keep other processes out.
 * JOBS_SCHEDULER=off disables it (then run `npm run jobs:run` from cron instead).
 */
import type { Db } from '@db/client';
import { setJobEnv, type JobEnv } from './jobs.env';
import { runDueJobs } from './jobs.registry';
import { registerAllJobs } from './jobs.all';

let started = false;
let running = false;

export interface SchedulerOptions {
	getDb: () => Db;
	env?: Partial<JobEnv>;
	tickSeconds?: number;
	/** Delay before the first tick, so start-up and the first request are not slowed down. */
	firstTickSeconds?: number;
}

/** Starts the scheduler; returns false when it was already started or is switched off. */
export function startScheduler(opts: SchedulerOptions): boolean {
	if (started || process.env.JOBS_SCHEDULER === 'off') return false;
	started = true;
	if (opts.env) setJobEnv(opts.env);
	registerAllJobs();
	const tick = async () => {
		if (running) return;
		running = true;
		try {
			const results = await runDueJobs(opts.getDb(), new Date());
			for (const r of results) if (r.status === 'error') console.error(`[jobs] ${r.name} fejlede: ${r.summary}`);
		} catch (error) {
			console.error('[jobs] planlæggeren fejlede', error);
		} finally {
			running = false;
		}
	};
	setTimeout(tick, (opts.firstTickSeconds ?? 20) * 1000).unref();
	setInterval(tick, (opts.tickSeconds ?? 60) * 1000).unref();
	return true;
}

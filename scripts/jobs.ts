/**
 * `npm run jobs:run` — runs every registered job once against DATABASE_PATH and prints what happened.
 * Safe to run from cron beside the server: jobs are idempotent and hold a lease while they run.
 * Options: `--job NAME` (only that job), `--now ISO` (pretend it is then; for trying the schedule).
 */
import { resolve } from 'node:path';
import { createDb, databaseTarget, isPostgresUrl } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { registerAllJobs } from '../src/modules/jobs/jobs.all';
import { listJobs, runJob } from '../src/modules/jobs/jobs.registry';

const args = process.argv.slice(2);
const option = (name: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
};

async function main(): Promise<number> {
	const now = option('now') ? new Date(option('now')!) : new Date();
	if (Number.isNaN(now.getTime())) {
		console.error('Ugyldig --now: brug ISO-format, fx 2026-09-01T08:00:00Z');
		return 2;
	}
	const only = option('job');
	const target = databaseTarget();
	const db = createDb(isPostgresUrl(target) ? target : resolve(target));
	try {
		await migrateToLatest(db);
		registerAllJobs();
		const jobs = listJobs().filter((j) => !only || j.name === only);
		if (!jobs.length) {
			console.error(`Intet job hedder "${only}". Jobs: ${listJobs().map((j) => j.name).join(', ')}`);
			return 2;
		}
		let failed = 0;
		for (const job of jobs) {
			const r = await runJob(db, job, now, { force: true });
			if (r.status === 'error') failed++;
			console.log(`${r.status === 'ok' ? '✓' : r.status === 'skipped' ? '–' : '✗'} ${r.name} (${r.ms} ms): ${r.summary}`);
		}
		return failed ? 1 : 0;
	} finally {
		await db.destroy();
	}
}

main().then(
	(code) => process.exit(code),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);

/**
 * What `/api/health?detaljer=1` adds for monitoring (the plain `/api/health` stays exactly `{"status":"ok"}`,
 * contracts.md): the schema's migration level and, per scheduled job, when it last ran, whether that run went
 * well, and when it last went well — a job failing every night shows an old `lastOkAt` while `lastRunAt` moves on.
 */
import { sql } from 'kysely';
import type { Db } from '@db/client';

export interface JobHealth {
	lastRunAt: string | null;
	ok: boolean;
	lastOkAt: string | null;
}

export interface HealthDetails {
	status: 'ok';
	migration: string | null;
	jobs: Record<string, JobHealth>;
}

export async function healthDetails(db: Db): Promise<HealthDetails> {
	const [migration, jobs] = await Promise.all([
		sql<{ name: string | null }>`SELECT max(name) AS name FROM kysely_migration`.execute(db),
		db.selectFrom('job_run').select(['name', 'last_finished_at', 'last_ok', 'last_ok_at']).orderBy('name').execute(),
	]);
	return {
		status: 'ok',
		migration: migration.rows[0]?.name ?? null,
		jobs: Object.fromEntries(jobs.map((j) => [j.name, { lastRunAt: j.last_finished_at, ok: j.last_ok === 1, lastOkAt: j.last_ok_at }])),
	};
}

/**
 * `/api/health?detaljer=1` for monitoring (issue 12): the migration level and each job's last run, whether it went
 * well, and its last *successful* run — which a failing run must not move. The plain `/api/health` contract is
 * checked over HTTP in tests/e2e/security.spec.ts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { migrations } from '@db/migrations/index';
import { clearJobs, runJob } from '@/modules/jobs/jobs.registry';
import { healthDetails } from '@/modules/jobs/jobs.health';
import { backupJob } from '@/modules/jobs/jobs.backup';
import { createTestDb } from './helpers/test-db';

describe('health details', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		clearJobs();
	});
	afterEach(async () => {
		clearJobs();
		await cleanup();
	});

	it('reports the newest migration and keeps a job’s last good run when a later run fails', async () => {
		const names = Object.keys(migrations).sort();
		let fail = false;
		const job = { name: 'nightly', intervalMinutes: 1, run: async () => { if (fail) throw new Error('boom'); return 'ok'; } };
		expect(await healthDetails(db)).toEqual({ status: 'ok', migration: names.at(-1), jobs: {} });

		await runJob(db, job, new Date(), { force: true });
		const good = (await healthDetails(db)).jobs.nightly;
		expect(good).toMatchObject({ ok: true });
		expect(good.lastOkAt).toBe(good.lastRunAt);
		expect(good.lastOkAt).not.toBeNull();

		await new Promise((r) => setTimeout(r, 5));
		fail = true;
		await runJob(db, job, new Date(), { force: true });
		const bad = (await healthDetails(db)).jobs.nightly;
		expect(bad.ok).toBe(false);
		expect(bad.lastOkAt).toBe(good.lastOkAt);
		expect(bad.lastRunAt! > good.lastRunAt!).toBe(true);
	});

	it('reports the backup job as failing, not as done, when BACKUP_DIR is set on PostgreSQL', async () => {
		// SQLite: a real, checked copy. PostgreSQL: the in-process copy is SQLite's; the job must say so loudly.
		const dir = mkdtempSync(join(tmpdir(), 'vejviser-backupjob-'));
		const before = process.env.BACKUP_DIR;
		process.env.BACKUP_DIR = dir;
		try {
			const result = await runJob(db, backupJob, new Date(), { force: true });
			const onPostgres = !!process.env.TEST_DATABASE_URL;
			expect(result.status).toBe(onPostgres ? 'error' : 'ok');
			if (onPostgres) expect(result.summary).toMatch(/pg_dump/);
			expect(readdirSync(dir)).toHaveLength(onPostgres ? 0 : 1);
			expect((await healthDetails(db)).jobs.backup.ok).toBe(!onPostgres);
		} finally {
			if (before === undefined) delete process.env.BACKUP_DIR;
			else process.env.BACKUP_DIR = before;
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

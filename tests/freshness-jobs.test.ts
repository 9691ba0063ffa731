import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createTestDb } from './helpers/test-db';
import type { Db } from '@db/client';
import { clearJobs, registerJob, runAllJobs, runDueJobs, runJob } from '@/modules/jobs/jobs.registry';
import { registerAllJobs } from '@/modules/jobs/jobs.all';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';

describe('The job registry', () => {
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

	it('runs a job on the scheduler only when its interval has passed', async () => {
		const runs: string[] = [];
		registerJob({ name: 'tick', intervalMinutes: 60, run: async (_db, now) => void runs.push(now.toISOString()) });
		const t0 = new Date('2026-03-01T08:00:00Z');
		await runDueJobs(db, t0);
		await runDueJobs(db, new Date(t0.getTime() + 30 * 60_000));
		await runDueJobs(db, new Date(t0.getTime() + 60 * 60_000));
		expect(runs).toEqual(['2026-03-01T08:00:00.000Z', '2026-03-01T09:00:00.000Z']);
	});

	it('never runs the same job twice at once, and one failing job does not stop the others', async () => {
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		let slowRuns = 0;
		const slow = { name: 'slow', intervalMinutes: 1, run: async () => { slowRuns++; await gate; return 'ok'; } };
		registerJob(slow);
		registerJob({ name: 'broken', intervalMinutes: 1, order: 5, run: async () => { throw new Error('boom'); } });
		const now = new Date('2026-03-01T08:00:00Z');
		const first = runJob(db, slow, now, { force: true });
		// The first holds the lease once its run has begun (on PostgreSQL the two claims could otherwise race on two
		// pool connections, and the second would win and wait on the gate).
		await vi.waitFor(() => expect(slowRuns).toBe(1));
		const second = await runJob(db, slow, now, { force: true });
		expect(second.status).toBe('skipped');
		release();
		expect((await first).status).toBe('ok');
		expect(slowRuns).toBe(1);
		const results = await runAllJobs(db, now);
		expect(results.map((r) => [r.name, r.status])).toEqual([['slow', 'ok'], ['broken', 'error']]);
	});

	it('sends nothing twice when every job is run twice over a due directory', async () => {
		const actor = systemActor('test');
		const org = await ensureOrganisation(db, actor, { name: 'Testkommune', type: 'kommune', municipalityCode: null });
		const unit = await ensureUnit(db, actor, org.id, 'PPR');
		for (let i = 0; i < 3; i++)
			await savePerson(db, actor, {
				ref: `j${i}`, firstName: 'Jens', lastName: `Test${i}`, title: '', unitId: unit.id, municipalityCode: null, phone: null, mobile: null,
				email: `j${i}@kommune.test`, hours: '', note: '', keyPerson: true, status: 'active', successorId: null, verifiedAt: '2020-01-01T00:00:00Z',
				topics: [], roles: [], ageGroups: [],
			});
		registerAllJobs();
		const now = new Date();
		const first = await runAllJobs(db, now);
		const second = await runAllJobs(db, now);
		expect(first.every((r) => r.status === 'ok') && second.every((r) => r.status === 'ok')).toBe(true);
		const mails = await db.selectFrom('mail_outbox').select(['to_address', 'status']).execute();
		expect(mails).toHaveLength(3);
		expect(mails.every((m) => m.status === 'stored')).toBe(true);
	});
});

describe('npm run jobs:run', () => {
	it('runs every job once against DATABASE_PATH and prints what happened', async () => {
		const { path, cleanup } = await createTestDb();
		try {
			const out = execFileSync('npx', ['tsx', 'scripts/jobs.ts'], { env: { ...process.env, DATABASE_PATH: path, SMTP_URL: '' }, encoding: 'utf8' });
			expect(out).toMatch(/✓ freshness .*anmodninger/);
			expect(out).toMatch(/✓ mail .*gemt i udbakken/);
		} finally {
			await cleanup();
		}
	});
});

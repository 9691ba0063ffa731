/**
 * The export log (issue 12: "exports of people's data — CSV, HSDS, API — are logged: who, when, how many rows"):
 * the command-line exports, and the daily line for anonymous reads of the open HSDS API. The web CSV, the HSDS API
 * with and without a key and `/api/people` with a key are checked over HTTP (tests/e2e/hsds.spec.ts,
 * tests/e2e/operations.spec.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '@db/client';
import { ANONYMOUS_OPEN_DATA, listExportLog, logExportDaily } from '@/modules/privacy/privacy.exports';
import { buildNetwork } from './helpers/editing-network';
import { hsdsValidator } from './helpers/hsds-schemas';
import { createTestDb } from './helpers/test-db';

const run = promisify(execFile);

describe('The export log', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
		await buildNetwork(t.db);
	});
	afterEach(async () => t.cleanup());

	/** `npm run db:export -- …` against the test database, as an operator called `drift`. */
	const cli = (...args: string[]) =>
		run(resolve('node_modules/.bin/tsx'), ['db/cli.ts', 'export', ...args], {
			env: { ...process.env, USER: 'drift', ...(isPostgresUrl(t.path) ? { DATABASE_URL: t.path, DATABASE_PATH: '' } : { DATABASE_PATH: t.path, DATABASE_URL: '' }) },
		});

	it('logs each command-line export with the operator, the kind and how many people left', async () => {
		const csv = join(t.dir, 'kontaktbog.csv');
		await cli(csv);
		const people = readFileSync(csv, 'utf8').trim().split('\n').length - 1;
		const dir = join(t.dir, 'hsds');
		await cli('--format', 'hsds', dir);
		expect(existsSync(join(dir, 'services.json'))).toBe(true);
		const services = JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) as Array<{ contacts?: unknown[] }>;
		const organisations = JSON.parse(readFileSync(join(dir, 'organizations.json'), 'utf8')) as unknown[];
		const contacts = services.reduce((n, s) => n + (s.contacts?.length ?? 0), 0);
		expect(contacts).toBeGreaterThan(0);
		// The files are HSDS 3.0, like the API's answers.
		const hsds = hsdsValidator();
		expect([...services.flatMap((s) => hsds.validate('service.json', s)), ...organisations.flatMap((o) => hsds.validate('organization.json', o))]).toEqual([]);

		const log = await listExportLog(t.db, { channel: 'cli' });
		expect(log.map(({ actor, kind, rows }) => ({ actor, kind, rows }))).toEqual([
			{ actor: 'system:cli (drift)', kind: 'hsds', rows: contacts },
			{ actor: 'system:cli (drift)', kind: 'csv', rows: people },
		]);
		expect(log[0].detail).toMatch(/^hsds \(\d+ tilbud, \d+ organisationer\)$/);
		expect(log[1].detail).toBe('kontaktbog.csv');
	}, 60_000);

	it('adds anonymous open-data reads up in one line a day, and keeps other readers apart', async () => {
		const anonymous = { actor: ANONYMOUS_OPEN_DATA, kind: 'hsds', channel: 'web' as const };
		await logExportDaily(t.db, { ...anonymous, rows: 3 }, new Date('2026-11-24T09:00:00Z'));
		await logExportDaily(t.db, { ...anonymous, rows: 5 }, new Date('2026-11-25T00:01:00Z'));
		await logExportDaily(t.db, { ...anonymous, rows: 4 }, new Date('2026-11-24T23:59:00Z'));
		await logExportDaily(t.db, { actor: 'api:Intranet', apiKeyId: 1, kind: 'hsds', channel: 'api', rows: 2 }, new Date('2026-11-24T10:00:00Z'));
		await logExportDaily(t.db, { ...anonymous, rows: 1 }, new Date('2026-11-25T08:00:00Z'));
		const log = (await listExportLog(t.db)).map(({ actor, rows, at, detail }) => ({ actor, rows, day: at.slice(0, 10), detail }));
		expect(log.filter((r) => r.actor === ANONYMOUS_OPEN_DATA).sort((a, b) => a.day.localeCompare(b.day))).toEqual([
			{ actor: ANONYMOUS_OPEN_DATA, rows: 7, day: '2026-11-24', detail: 'samlet for døgnet (UTC)' },
			{ actor: ANONYMOUS_OPEN_DATA, rows: 6, day: '2026-11-25', detail: 'samlet for døgnet (UTC)' },
		]);
		expect(log.filter((r) => r.actor === 'api:Intranet').map((r) => r.rows)).toEqual([2]);
	});
});

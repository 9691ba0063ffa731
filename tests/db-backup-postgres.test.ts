/**
 * Backups on PostgreSQL (README "Production" → Backups and restore on PostgreSQL): `db:backup`/`db:restore` are for
 * the SQLite file and say so; the documented `pg_dump --format=custom` → `pg_restore --list` → `pg_restore
 * --no-owner --single-transaction` into an empty database gives the same data, taken while writes continue, and the
 * restored database works for the app (migration level kept, new rows get fresh ids). PostgreSQL only: skipped
 * without TEST_DATABASE_URL (the SQLite side is tests/db-backup.test.ts).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@db/client';
import { migrateToLatest } from '@db/migrate';
import { insertAuditEntry, systemActor } from '@/modules/audit/audit.repository';
import { buildNetwork } from './helpers/editing-network';
import { createTestDb } from './helpers/test-db';

const run = promisify(execFile);
const server = process.env.TEST_DATABASE_URL?.trim();

/** Every row of the tables that matter, sorted, as one string (the same on both sides when the data is the same). */
async function fingerprint(db: Db, tables: string[]): Promise<string> {
	const parts: string[] = [];
	for (const table of tables) {
		const rows = await sql`SELECT * FROM ${sql.table(table)}`.execute(db);
		parts.push(table + JSON.stringify(rows.rows.map((r) => JSON.stringify(r)).sort()));
	}
	return parts.join('\n');
}

describe.skipIf(!server)('Backups on PostgreSQL', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	let restoredUrl = '';
	beforeEach(async () => {
		t = await createTestDb({ engine: 'postgres' });
		await buildNetwork(t.db);
	});
	afterEach(async () => {
		await t.cleanup();
		if (restoredUrl) {
			const client = new pg.Client({ connectionString: server });
			await client.connect();
			await client.query(`DROP DATABASE IF EXISTS ${new URL(restoredUrl).pathname.slice(1)} WITH (FORCE)`);
			await client.end();
		}
	});

	it('says to use pg_dump when db:backup or db:restore is run on PostgreSQL', async () => {
		const env = { ...process.env, DATABASE_URL: t.path, DATABASE_PATH: '' };
		for (const command of ['backup', 'restore']) {
			const result = await run(resolve('node_modules/.bin/tsx'), ['db/cli.ts', command, join(t.dir, 'x.db')], { env }).then(
				() => ({ code: 0, stderr: '' }),
				(error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
			);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(/PostgreSQL.*(pg_dump|pg_restore)/);
		}
	}, 60_000);

	it('the documented pg_dump → pg_restore gives the same data, taken while writes continue', async () => {
		for (let i = 0; i < 100; i++) await t.db.insertInto('rate_limit').values({ key: `før-${i}`, window_start: '2026-01-01', count: 1 }).execute();
		let writing = true;
		let written = 0;
		const writer = (async () => {
			while (writing) await t.db.insertInto('rate_limit').values({ key: `under-${written++}`, window_start: '2026-01-01', count: 1 }).execute();
		})();
		const file = join(t.dir, 'vejviser.dump');
		await run('pg_dump', ['--format=custom', `--file=${file}`, t.path]);
		writing = false;
		await writer;
		expect(written).toBeGreaterThan(0);
		await run('pg_restore', ['--list', file]);

		const name = `a12_restore_${randomBytes(5).toString('hex')}`;
		const client = new pg.Client({ connectionString: server });
		await client.connect();
		await client.query(`CREATE DATABASE ${name}`);
		await client.end();
		const url = new URL(t.path);
		url.pathname = `/${name}`;
		restoredUrl = url.toString();
		await run('pg_restore', ['--no-owner', '--single-transaction', `--dbname=${restoredUrl}`, file]);

		const restored = createDb(restoredUrl);
		try {
			const tables = ['organisation', 'unit', 'unit_contact', 'person', 'person_topic', 'person_role', 'audit_log', 'kysely_migration', 'municipality', 'topic'];
			expect(await fingerprint(restored, tables)).toBe(await fingerprint(t.db, tables));
			// A consistent snapshot: everything from before the dump, and a prefix of what was written during it.
			const keys = (await restored.selectFrom('rate_limit').select('key').execute()).map((r) => r.key);
			expect(keys.filter((k) => k.startsWith('før-'))).toHaveLength(100);
			const during = keys.filter((k) => k.startsWith('under-')).map((k) => Number(k.slice(6))).sort((a, b) => a - b);
			expect(during).toEqual(during.map((_, i) => i));
			// The app can use it: nothing left to migrate, and new rows get fresh ids.
			expect(await migrateToLatest(restored)).toEqual([]);
			const before = Number((await restored.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id);
			await insertAuditEntry(restored, { actor: systemActor('test'), entityType: 'person', entityId: 1, entityLabel: 'x', action: 'update', changes: {} });
			expect(Number((await restored.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id)).toBeGreaterThan(before);
		} finally {
			await restored.destroy();
		}
	}, 120_000);
});

import { execFile, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, integrityCheck, restoreDatabase, rotateBackup } from '@db/backup';
import { createDb, SQLITE_PACKAGE } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { rememberServerAddress } from '@/lib/base-url';

/** `npm run db:restore -- FILE` on the test database; never throws, gives the exit code and the messages. */
function restoreCli(path: string, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((done) => {
		execFile(resolve('node_modules/.bin/tsx'), ['db/cli.ts', 'restore', file], { env: { ...process.env, DATABASE_PATH: path, DATABASE_URL: '' } }, (error, stdout, stderr) =>
			done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
		);
	});
}

describe('Backup and restore', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	const keys = async (db: ReturnType<typeof createDb>) => (await db.selectFrom('rate_limit').select('key').orderBy('key').execute()).map((r) => r.key);

	it('takes a consistent, checked copy while writes continue, and a restore gives exactly that data back', async () => {
		for (let i = 0; i < 200; i++) await t.db.insertInto('rate_limit').values({ key: `før-${String(i).padStart(3, '0')}`, window_start: '2026-01-01', count: 1 }).execute();
		let writing = true;
		let written = 0;
		const writer = (async () => {
			while (writing) {
				await t.db.insertInto('rate_limit').values({ key: `under-${written++}`, window_start: '2026-01-01', count: 1 }).execute();
				await new Promise((r) => setImmediate(r));
			}
		})();
		const file = join(t.dir, 'kopi.db');
		await backupDatabase(t.db, file);
		writing = false;
		await writer;
		expect(integrityCheck(file)).toBe('ok');
		const copy = createDb(file);
		const copied = await keys(copy);
		await copy.destroy();
		expect(copied.filter((k) => k.startsWith('før-'))).toHaveLength(200);
		expect(written).toBeGreaterThan(0);

		const target = join(t.dir, 'gendannet.db');
		writeFileSync(target + '-wal', 'stale');
		await restoreDatabase(file, target);
		const restored = createDb(target);
		expect(await keys(restored)).toEqual(copied);
		expect(integrityCheck(target)).toBe('ok');
		await restored.destroy();
	});

	it('refuses to restore a file that is not a sound database, and leaves the target alone', async () => {
		const bad = join(t.dir, 'ødelagt.db');
		writeFileSync(bad, 'SQLite format 3\u0000' + 'x'.repeat(5000));
		await expect(restoreDatabase(bad, t.path)).rejects.toThrow();
		expect(await keys(t.db)).toEqual([]);
		await expect(restoreDatabase(join(t.dir, 'findes-ikke.db'), t.path)).rejects.toThrow(/findes ikke/);
	});

	it('keeps the newest copies in the backup folder', async () => {
		const dir = join(t.dir, 'kopier');
		mkdirSync(dir);
		for (let i = 0; i < 4; i++) await rotateBackup(t.db, dir, 2, new Date(Date.UTC(2026, 10, 20 + i, 3)));
		const files = readdirSync(dir).sort();
		expect(files).toEqual(['vejviser-2026-11-22T03-00-00.db', 'vejviser-2026-11-23T03-00-00.db']);
		expect(existsSync(join(dir, files[1]))).toBe(true);
	});

	it('says in Danish that there is no room when a file-size limit stops the copy, and leaves no half-written file', async () => {
		// Without permission to mount a small tmpfs the fault bench limits the backup's shell with `ulimit -f`.
		// Node ignores SIGXFSZ, so the write fails with EFBIG, which SQLite reports only as "disk I/O error".
		for (let i = 0; i < 400; i++) await t.db.insertInto('rate_limit').values({ key: `fyld-${i}-${'x'.repeat(1000)}`, window_start: '2026-01-01', count: 1 }).execute();
		await t.db.destroy();
		expect(statSync(t.path).size).toBeGreaterThan(256 * 1024);
		const dir = join(t.dir, 'kopier');
		mkdirSync(dir);
		const target = join(dir, 'kopi.db');
		const run = spawnSync('bash', ['-c', `ulimit -f 256; exec ${resolve('node_modules/.bin/tsx')} db/cli.ts backup ${target}`], { env: { ...process.env, DATABASE_PATH: t.path }, encoding: 'utf8' });
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(/Sikkerhedskopien kunne ikke skrives til .*kopi\.db: der er ikke plads på disken .*Intet er ændret i databasen\./);
		expect(readdirSync(dir)).toEqual([]);
		t.db = createDb(t.path);
		expect(integrityCheck(t.path)).toBe('ok');
	}, 30_000);

	it('db:restore refuses while a server answers on the database or another process has it open, and restores once they are gone', async () => {
		for (let i = 0; i < 5; i++) await t.db.insertInto('rate_limit').values({ key: `kopi-${i}`, window_start: '2026-01-01', count: 1 }).execute();
		const file = join(t.dir, 'kopi.db');
		await backupDatabase(t.db, file);
		await t.db.insertInto('rate_limit').values({ key: 'efter-kopien', window_start: '2026-01-01', count: 1 }).execute();

		// A server that answers /api/health at the address recorded in the database (a free port).
		const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
		server.listen(0, '127.0.0.1');
		await once(server, 'listening');
		const port = (server.address() as { port: number }).port;
		await rememberServerAddress(t.db, `http://127.0.0.1:${port}`);
		await t.db.destroy();
		try {
			const refused = await restoreCli(t.path, file);
			expect(refused.code).toBe(1);
			expect(refused.stderr).toContain(`Serveren kører på http://127.0.0.1:${port}. Stop den først`);
		} finally {
			server.close();
		}

		// No server answers, but a process (a server whose address is not reachable from here, a jobs:run) has the file open.
		// The binding this Node loads (Node 22+ uses another package: db/client.ts).
		const holder = spawn(process.execPath, ['-e', `const D = require('${SQLITE_PACKAGE}'); const d = new D(process.argv[1]); d.prepare('SELECT 1').get(); console.log('open'); setInterval(() => {}, 1000);`, t.path], { stdio: ['ignore', 'pipe', 'inherit'] });
		try {
			// A holder that cannot open the file exits: fail at once rather than wait for the test's timeout.
			await Promise.race([once(holder.stdout!, 'data'), once(holder, 'exit').then(([code]) => Promise.reject(new Error(`the holder process exited (${code})`)))]);
			const busy = await restoreCli(t.path, file);
			expect(busy.code).toBe(1);
			expect(busy.stderr).toContain(`er åben i en anden proces (pid ${holder.pid}`);
		} finally {
			holder.kill();
			await once(holder, 'exit');
		}
		t.db = createDb(t.path);
		expect(await keys(t.db)).toContain('efter-kopien');
		await t.db.destroy();

		const restored = await restoreCli(t.path, file);
		expect(restored).toMatchObject({ code: 0 });
		expect(restored.stdout).toContain('er gendannet fra');
		t.db = createDb(t.path);
		expect(await keys(t.db)).toEqual(['kopi-0', 'kopi-1', 'kopi-2', 'kopi-3', 'kopi-4']);
		expect(integrityCheck(t.path)).toBe('ok');
	}, 60_000);
});

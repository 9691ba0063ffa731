/**
 * Faults (issue 15): what a user gets, and what the database holds, when things go wrong.
 * - The database locked by another process for 3 s and for 20 s: reads answer; a write waits, or gets the Danish
 *   503 after DB_MAX_WAIT_MS (5 s) — and is then not written (nothing half-done); an accepted write is there.
 * - The process killed (SIGKILL) in the middle of an import, a handover and a backup: PRAGMA integrity_check ok;
 *   the import is all or nothing; every handover is complete (left ⇔ audited ⇔ welcome mail) or not there.
 * - Disk full on backup (a 1 MB tmpfs; without permission to mount, `ulimit -f` in the backup's shell): a clear
 *   error, no file left behind, and the site keeps answering.
 * The SMTP-down fault is a test: tests/faults-smtp.test.ts.
 * Env: BENCH_FAULTS_PORT (default 4406), BENCH_SKIP_BUILD=1 (reuse the build), BENCH_FAULTS_DIST (default .e2e/bench-faults).
 */
import { execSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqlite } from '../db/client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function timed(port: number, path: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; ms: number; body: string }> {
	const started = performance.now();
	return new Promise((resolvePromise) => {
		const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', agent: false, headers: { ...opts.headers, ...(opts.body ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}) } }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, ms: performance.now() - started, body }));
		});
		req.on('error', () => resolvePromise({ status: 0, ms: performance.now() - started, body: '' }));
		if (opts.body) req.write(opts.body);
		req.end();
	});
}

const integrity = (file: string) => {
	const db = openSqlite(file, { readonly: true, fileMustExist: true });
	try {
		return (db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
	} finally {
		db.close();
	}
};
const count = (file: string, sql: string) => {
	const db = openSqlite(file, { readonly: true, fileMustExist: true });
	try {
		return Object.values(db.prepare(sql).get() as Record<string, number>)[0];
	} finally {
		db.close();
	}
};

/** True while another connection holds the write lock (the child is inside its transaction). */
function writeLocked(file: string): boolean {
	const db = openSqlite(file);
	try {
		db.exec('BEGIN IMMEDIATE');
		db.exec('ROLLBACK');
		return false;
	} catch {
		return true;
	} finally {
		db.close();
	}
}

/** Starts `args`, waits until `ready()` (or the child ends), then SIGKILLs it; returns whether it was still running. */
async function killWhen(args: string[], env: Record<string, string>, ready: () => boolean, timeoutMs = 120_000): Promise<{ killedMidway: boolean; afterMs: number }> {
	const started = performance.now();
	const child: ChildProcess = spawn(args[0], args.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore' });
	let exited = false;
	child.on('exit', () => (exited = true));
	while (!exited && performance.now() - started < timeoutMs) {
		if (ready()) break;
		await sleep(5);
	}
	const killedMidway = !exited;
	child.kill('SIGKILL');
	await new Promise((r) => (exited ? r(null) : child.on('exit', r)));
	return { killedMidway, afterMs: performance.now() - started };
}

const tsx = resolve('node_modules/.bin/tsx');

export async function run(): Promise<void> {
	const outDir = resolve(process.env.BENCH_FAULTS_DIST ?? '.e2e/bench-faults');
	if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(join(outDir, 'server', 'entry.mjs')))
		execSync('npx astro build', { stdio: 'ignore', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-bench-faults-'));
	const dbPath = join(dir, 'site.db');
	execSync(`${tsx} db/cli.ts setup`, { stdio: 'ignore', env: { ...process.env, DATABASE_PATH: dbPath } });
	const port = Number(process.env.BENCH_FAULTS_PORT ?? 4406);
	const base = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, [join(outDir, 'server', 'entry.mjs')], { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off', DB_MAX_WAIT_MS: '5000' }, stdio: 'ignore' });
	const mountPoint = join(dir, 'full');
	let mounted = false;
	try {
		for (let i = 0; i < 150 && (await timed(port, '/api/health')).status !== 200; i++) await sleep(100);
		const municipality = '/kommuner/gribskov';
		await timed(port, municipality);

		// ---- A foreign write lock for 3 s and 20 s -------------------------------------------------------------
		for (const seconds of [3, 20]) {
			// A write: asking for a sign-in code stores a challenge (and a mail) for a known account.
			const userRow = openSqlite(dbPath, { readonly: true });
			const account = userRow.prepare("SELECT id, email FROM user WHERE status = 'active' ORDER BY id DESC LIMIT 1 OFFSET ?").get(seconds === 3 ? 0 : 1) as { id: number; email: string };
			userRow.close();
			const email = account.email;
			const challengesBefore = count(dbPath, `SELECT COUNT(*) FROM signin_challenge WHERE user_id = ${account.id}`);
			const other = openSqlite(dbPath);
			other.exec('BEGIN IMMEDIATE');
			const lockedAt = performance.now();
			const reads: number[] = [];
			let reading = true;
			const reader = (async () => {
				while (reading) {
					const r = await timed(port, municipality);
					if (r.status === 200) reads.push(r.ms);
					await sleep(100);
				}
			})();
			const writing = timed(port, '/log-ind', { method: 'POST', body: `email=${encodeURIComponent(email)}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base } });
			await sleep(seconds * 1000);
			other.exec('COMMIT');
			other.close();
			const heldMs = performance.now() - lockedAt;
			const write = await writing;
			reading = false;
			await reader;
			reads.sort((a, b) => a - b);
			const stored = count(dbPath, `SELECT COUNT(*) FROM signin_challenge WHERE user_id = ${account.id}`) - challengesBefore;
			const danish = write.status === 503 && /prøv igen|Prøv igen|Send igen/.test(write.body);
			console.log(
				`Fremmed skrivelås i ${(heldMs / 1000).toFixed(1)} s: læsninger ${reads.length} svar, p50 ${reads[Math.floor(reads.length / 2)]?.toFixed(0)} ms, maks ${reads.at(-1)?.toFixed(0)} ms · ` +
					`en skrivning: ${write.status} efter ${(write.ms / 1000).toFixed(2)} s (${write.status === 503 ? (danish ? 'dansk 503 med "Send igen"' : '503 UDEN dansk tekst') : 'ventede og blev skrevet'}); ny kode i databasen: ${stored} (${(write.status === 503) === (stored === 0) ? 'som svaret siger' : 'MODSIGER SVARET'})`,
			);
		}
		console.log(`Efter låsene: integrity_check ${integrity(dbPath)}`);

		// ---- Killed during an import --------------------------------------------------------------------------
		const fixture = resolve('tests/fixtures/directory.csv');
		if (existsSync(fixture)) {
			const importDb = join(dir, 'import.db');
			execSync(`${tsx} db/cli.ts migrate`, { stdio: 'ignore', env: { ...process.env, DATABASE_PATH: importDb } });
			const before = count(importDb, 'SELECT COUNT(*) FROM person');
			const kill = await killWhen([tsx, 'db/cli.ts', 'import', fixture], { DATABASE_PATH: importDb }, () => writeLocked(importDb));
			const after = count(importDb, 'SELECT COUNT(*) FROM person');
			execSync(`${tsx} db/cli.ts import ${fixture}`, { stdio: 'ignore', env: { ...process.env, DATABASE_PATH: importDb } });
			const full = count(importDb, 'SELECT COUNT(*) FROM person');
			console.log(`Import dræbt (SIGKILL) ${kill.killedMidway ? 'midt i transaktionen' : 'EFTER den var færdig'} efter ${(kill.afterMs / 1000).toFixed(1)} s: personer før ${before}, efter ${after} (${after === before ? 'uændret' : after === full ? 'komplet' : 'HALV'}), integrity_check ${integrity(importDb)}; import igen: ${full} personer`);
		} else console.log(`Import: springes over (${fixture} findes ikke)`);

		// ---- Killed during handovers ---------------------------------------------------------------------------
		const handoverDb = join(dir, 'handover.db');
		copyFileSync(dbPath, handoverDb);
		for (const suffix of ['-wal', '-shm']) if (existsSync(dbPath + suffix)) copyFileSync(dbPath + suffix, handoverDb + suffix);
		const leftBefore = count(handoverDb, "SELECT COUNT(*) FROM person WHERE status = 'left'");
		let seen = 0;
		const kill = await killWhen([tsx, 'bench/faults.handover.child.ts'], { DATABASE_PATH: handoverDb }, () => {
			// Let a few handovers finish, then kill while the next one holds the lock.
			const done = count(handoverDb, "SELECT COUNT(*) FROM audit_log WHERE action = 'left' AND actor LIKE 'admin%@testkommune.example'");
			if (done >= 3 && writeLocked(handoverDb)) return true;
			seen = done;
			return false;
		});
		const left = count(handoverDb, "SELECT COUNT(*) FROM person WHERE status = 'left'") - leftBefore;
		const audited = count(handoverDb, "SELECT COUNT(*) FROM audit_log WHERE action = 'left' AND actor LIKE 'admin%@testkommune.example'");
		const welcomes = count(handoverDb, "SELECT COUNT(*) FROM mail_outbox WHERE kind = 'welcome'");
		console.log(`Overdragelser dræbt ${kill.killedMidway ? 'midt i en transaktion' : 'EFTER de var færdige'} (efter ${seen}+ gennemførte): ${left} stoppet, ${audited} i revisionsloggen, ${welcomes} velkomstmails (${left === audited && audited === welcomes ? 'alle komplette' : 'HALVE'}), integrity_check ${integrity(handoverDb)}`);

		// ---- Killed during a backup ----------------------------------------------------------------------------
		const backupDir = join(dir, 'backups');
		mkdirSync(backupDir);
		const backupFile = join(backupDir, 'kopi.db');
		const killBackup = await killWhen([tsx, 'db/cli.ts', 'backup', backupFile], { DATABASE_PATH: dbPath }, () => existsSync(backupFile));
		const partial = existsSync(backupFile) ? (() => { try { return integrity(backupFile); } catch (e) { return `kan ikke åbnes (${(e as Error).message})`; } })() : 'ingen fil';
		const restore = spawnSync(tsx, ['db/cli.ts', 'restore', backupFile], { env: { ...process.env, DATABASE_PATH: join(dir, 'restore-target.db') }, encoding: 'utf8' });
		console.log(`Backup dræbt ${killBackup.killedMidway ? 'undervejs' : 'EFTER den var færdig'}: databasen integrity_check ${integrity(dbPath)}, siden ${(await timed(port, '/api/health')).status}; den halve kopi: ${partial}; restore af den: exit ${restore.status} ${(restore.stderr || restore.stdout).trim().split('\n').at(-1)?.slice(0, 120)}`);

		// ---- Disk full on backup -------------------------------------------------------------------------------
		mkdirSync(mountPoint);
		let how = 'tmpfs på 1 MB';
		try {
			execSync(`mount -t tmpfs -o size=1m tmpfs ${mountPoint}`, { stdio: 'ignore' });
			mounted = true;
		} catch {
			how = 'ulimit -f 1024 (1 MB; mount ikke tilladt)';
		}
		const target = join(mountPoint, 'kopi.db');
		const dbSize = statSync(dbPath).size;
		const fullRun = spawnSync('bash', ['-c', `${mounted ? '' : 'ulimit -f 1024; '}exec ${tsx} db/cli.ts backup ${target}`], { env: { ...process.env, DATABASE_PATH: dbPath }, encoding: 'utf8' });
		const message = `${fullRun.stderr}\n${fullRun.stdout}`.split('\n').filter((l) => l.trim() && !/nodedir|npm warn/.test(l)).slice(0, 2).join(' / ');
		const health = await timed(port, '/api/health');
		const page = await timed(port, municipality);
		console.log(`Fuld disk ved backup (${how}; databasen er ${(dbSize / 1e6).toFixed(1)} MB): exit ${fullRun.status ?? fullRun.signal}, besked: "${message.slice(0, 200)}"; filer tilbage: ${readdirSync(mountPoint).join(', ') || 'ingen'}; siden: /api/health ${health.status}, ${municipality} ${page.status}`);
	} finally {
		server.kill('SIGTERM');
		if (mounted) spawnSync('umount', [mountPoint]);
		rmSync(dir, { recursive: true, force: true });
	}
}

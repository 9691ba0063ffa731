/**
 * Builds the app once, creates a migrated + seeded database in a temp folder, starts the production server
 * on a free port and hands its address to the specs. With no Chromium, browser tests are skipped loudly —
 * except under CI=true, where a missing Chromium fails the run.
 * With E2E_DATABASE_URL=postgres://… (a server; scripts/test-e2e-postgres.mjs sets it) the database is instead a
 * fresh one on that server, created like the integration tests' (tests/helpers/test-db.ts) and dropped afterwards.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { addLocalDays, localDate, localInstant, weekdayOf } from '../../src/lib/clock';
import { isHoliday } from '../../src/modules/hours/hours.holidays';
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/test-db';

/**
 * The shared server's clock for opening hours and absences (VEJVISER_NOW, src/lib/clock.ts): 10:00 on today's or
 * the next working day in Copenhagen. Without it the journeys would change with the hour CI happens to run at
 * (after 15:00 a municipality's after-hours line rightly comes first). Evenings and holidays have their own spec
 * with their own server (after-hours.spec.ts).
 */
function workingMorning(): string {
	let date = localDate(new Date());
	while (weekdayOf(date) > 5 || isHoliday(date)) date = addLocalDays(date, 1);
	return localInstant(date, 10 * 60).toISOString();
}

export function findChromium(): string | undefined {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
	return candidates.find((p): p is string => !!p && existsSync(p));
}

async function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
		});
	});
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 30_000) {
	const start = Date.now();
	while (Date.now() - start < timeoutMs) {
		if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}`);
		try {
			const res = await fetch(`${url}/api/health`);
			if (res.ok) return;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`The server did not answer ${url}/api/health within ${timeoutMs} ms`);
}

export { freePort, waitForHealth };

export default async function setup(project: TestProject) {
	const chromiumPath = findChromium();
	if (!chromiumPath) {
		if (process.env.CI === 'true') throw new Error('CI=true but no Chromium was found (set CHROMIUM_PATH or apt-get install chromium).');
		console.warn('\n\n!!! BROWSER TESTS SKIPPED: no Chromium found (set CHROMIUM_PATH or install /usr/bin/chromium) !!!\n\n');
		project.provide('e2e', { skip: true, engine: 'sqlite', baseURL: '', dbPath: '', chromiumPath: '', serverEntry: '' });
		return;
	}
	const outDir = resolve(process.env.E2E_OUT_DIR ?? '.e2e/dist');
	if (process.env.E2E_SKIP_BUILD !== '1' || !existsSync(join(outDir, 'server', 'entry.mjs'))) {
		execSync('npx astro build', { stdio: 'inherit', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
	}
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-e2e-'));
	const postgresServer = process.env.E2E_DATABASE_URL?.trim();
	const engine = postgresServer ? 'postgres' : 'sqlite';
	// On PostgreSQL dbPath is the database's URL: createDb() (openServerDb) takes either.
	const dbPath = postgresServer ? await freshPostgresDatabase(postgresServer) : join(dir, 'e2e.db');
	// The caller's own DATABASE_URL/DATABASE_PATH must not point the server or the CLI elsewhere.
	const { DATABASE_URL: _url, DATABASE_PATH: _path, ...callerEnv } = process.env;
	const dbEnv = { ...callerEnv, ...(postgresServer ? { DATABASE_URL: dbPath } : { DATABASE_PATH: dbPath }) };
	if (postgresServer) console.log(`Browser tests on PostgreSQL: ${dbPath.replace(/\/\/[^@/]*@/, '//')}`);
	let server: ChildProcess | undefined;
	const port = Number(process.env.E2E_PORT ?? (await freePort()));
	const baseURL = `http://127.0.0.1:${port}`;
	try {
		execSync('npx tsx db/cli.ts setup', { stdio: 'inherit', env: dbEnv });
		server = spawn(process.execPath, [join(outDir, 'server', 'entry.mjs')], {
			env: { ...dbEnv, HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: baseURL, SMTP_URL: '', JOBS_SCHEDULER: 'off', VEJVISER_NOW: workingMorning() },
			stdio: ['ignore', 'inherit', 'inherit'],
		});
		await waitForHealth(baseURL, server);
	} catch (error) {
		// A failed setup returns no teardown: leave no server and no database behind.
		server?.kill('SIGTERM');
		if (postgresServer) await dropPostgresDatabase(postgresServer, dbPath);
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	const running = server;
	project.provide('e2e', { skip: false, engine, baseURL, dbPath, chromiumPath, serverEntry: join(outDir, 'server', 'entry.mjs') });

	return async () => {
		const exited = new Promise((r) => running.once('exit', r));
		running.kill('SIGTERM');
		// Let the server close its pool before DROP DATABASE (… WITH (FORCE) would cut it off mid-request).
		if (running.exitCode === null) await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
		if (postgresServer) await dropPostgresDatabase(postgresServer, dbPath);
		rmSync(dir, { recursive: true, force: true });
	};
}

declare module 'vitest' {
	export interface ProvidedContext {
		/** dbPath: the SQLite file, or on PostgreSQL (engine 'postgres') the database's URL. */
		e2e: { skip: boolean; engine: 'sqlite' | 'postgres'; baseURL: string; dbPath: string; chromiumPath: string; serverEntry: string };
	}
}

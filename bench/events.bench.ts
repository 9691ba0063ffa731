/**
 * Theme-day registrations per second, on SQLite and on PostgreSQL in the same run: in one process, from
 * several processes racing on one database (each registration is one seat transaction — serialisedWrite:
 * BEGIN IMMEDIATE on SQLite, the theme day's advisory lock on PostgreSQL — with seat count, insert, link
 * token, audit entry and a queued mail), and over HTTP against the built server (form POSTs from people who
 * are not signed in). Checks after each run that the capacity was never exceeded.
 * Over HTTP it also prints the same server's `/api/health` rate right after, and the ratio: a figure that holds
 * when the machine's speed drifts between runs.
 * Env: BENCH_EVENTS_PORT (default 4471), BENCH_SKIP_HTTP=1, BENCH_EVENTS_HTTP_ONLY=1, BENCH_SKIP_BUILD=1 (reuse .e2e/themedays),
 * BENCH_EVENTS_OUT (serve another build, e.g. an older one for a before/after comparison), BENCH_EVENTS_ENGINES
 * (`sqlite,postgres` by default), BENCH_DATABASE_URL (the PostgreSQL server, bench/pg.ts), BENCH_EVENTS_NODE_ARGS (extra
 * node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=… --import=<a hook that exits on SIGTERM>` to profile it).
 * Runs alone too: `npx tsx bench/events.bench.ts`.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
// @ts-ignore autocannon ships no types
import autocannon from 'autocannon';
import { createDb, type Db } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { registerForEvent } from '../src/modules/events/events.registrations';
import { createEvent, setEventPublished } from '../src/modules/events/events.writes';
import { freshPostgres, postgresReachable } from './pg';

type Engine = 'sqlite' | 'postgres';
const actor = { label: 'bench', userId: null };
const NOW = new Date('2030-05-01T10:00:00Z');
const LABEL: Record<Engine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/** A migrated database of the engine: `target` is what createDb()/DATABASE_URL take. */
async function freshDb(engine: Engine): Promise<{ db: Db; target: string; env: Record<string, string>; drop: () => Promise<void> }> {
	if (engine === 'postgres') {
		const pg = await freshPostgres();
		return { db: pg.db, target: pg.url, env: { DATABASE_URL: pg.url }, drop: pg.drop };
	}
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-bench-events-'));
	const path = join(dir, 'bench.db');
	const db = createDb(path);
	await migrateToLatest(db);
	return { db, target: path, env: { DATABASE_PATH: path, DATABASE_URL: '' }, drop: async () => void (await db.destroy().catch(() => {}), rmSync(dir, { recursive: true, force: true })) };
}

export async function benchEvent(db: Db, capacity: number, date = '2030-06-13') {
	const e = await createEvent(db, {
		title: `Benchmark ${Date.now()}`, summary: '', description: '', date, startTime: '09:00', endTime: '15:00', placeName: 'Bench', placeAddress: '', onlineUrl: null,
		organisationId: null, organiserEmail: null, targetGroup: '', priceText: 'Gratis', capacity, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 1, topics: [],
	}, actor, { now: NOW });
	return setEventPublished(db, e.id, true, actor, { now: NOW });
}

export async function seatCounts(db: Db, eventId: number): Promise<{ c: number; w: number; p: number }> {
	const { rows } = await sql<{ c: number | null; w: number | null; p: number | null }>`SELECT
		sum(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END) AS c, sum(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) AS w,
		sum(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS p FROM event_registration WHERE event_id = ${eventId}`.execute(db);
	return { c: Number(rows[0]?.c ?? 0), w: Number(rows[0]?.w ?? 0), p: Number(rows[0]?.p ?? 0) };
}

async function seatCheck(db: Db, eventId: number, capacity: number): Promise<string> {
	const row = await seatCounts(db, eventId);
	return `${row.c} bekræftet / ${row.w} venteliste / ${row.p} afventer (kapacitet ${capacity}) ${row.c <= capacity ? 'OK' : 'OVERBOOKET!'}`;
}

async function inProcess(engine: Engine, n = 3000) {
	const { db, drop } = await freshDb(engine);
	const event = await benchEvent(db, 1000);
	const t0 = performance.now();
	for (let i = 0; i < n; i++) await registerForEvent(db, event.id, { name: `Person ${i}`, email: `p${i}@bench.example`, organisation: 'Bench', jobTitle: 'Test' }, { emailVerified: true, now: NOW, baseUrl: 'http://bench' });
	const s = (performance.now() - t0) / 1000;
	console.log(`${LABEL[engine]}, i én proces: ${n} tilmeldinger på ${s.toFixed(2)} s = ${Math.round(n / s)} tilmeldinger/s · ${await seatCheck(db, event.id, 1000)}`);
	await drop();
}

async function multiProcess(engine: Engine, processes: number, total = 4000) {
	const { db, target, drop } = await freshDb(engine);
	const event = await benchEvent(db, 1000);
	const worker = resolve(fileURLToPath(new URL('../tests/events-concurrency.worker.ts', import.meta.url)));
	const startAt = Date.now() + 3000;
	const per = Math.ceil(total / processes);
	const results = await Promise.all(
		Array.from({ length: processes }, (_, p) =>
			new Promise<{ ms: number; errors: number }>((res, rej) => {
				const child = spawn('npx', ['tsx', worker, target, String(event.id), String(p * per), String(per), String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
				let out = '';
				child.stdout.on('data', (d) => (out += d));
				child.on('exit', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').pop()!)) : rej(new Error(`worker ${code}`))));
			}),
		),
	);
	const s = Math.max(...results.map((r) => r.ms)) / 1000;
	const errors = results.reduce((n, r) => n + r.errors, 0);
	console.log(`${LABEL[engine]}, ${processes} processer samtidigt: ${per * processes} tilmeldinger på ${s.toFixed(2)} s = ${Math.round((per * processes) / s)} tilmeldinger/s, ${errors} fejl · ${await seatCheck(db, event.id, 1000)}`);
	await drop();
}

/** The built server (`.e2e/themedays`, or BENCH_EVENTS_OUT); built once per run unless BENCH_SKIP_BUILD=1 finds one. */
export function builtServer(): string {
	const outDir = resolve(process.env.BENCH_EVENTS_OUT ?? '.e2e/themedays');
	if (!process.env.BENCH_EVENTS_OUT && (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(join(outDir, 'server', 'entry.mjs')))) {
		execSync('npx astro build', { stdio: 'ignore', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
		process.env.BENCH_SKIP_BUILD = '1'; // the second engine (and the instances bench) serve the same build
	}
	return join(outDir, 'server', 'entry.mjs');
}

export async function waitForHealth(base: string): Promise<void> {
	for (let i = 0; i < 150; i++) {
		try {
			if ((await fetch(`${base}/api/health`)).ok) return;
		} catch {}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`${base} answered no /api/health`);
}

/**
 * CPU time (user + system, ms) a process has used, from /proc (Linux); null elsewhere. On a shared machine the
 * server's CPU per registration says more than registrations/s, which move with everybody else's load.
 */
function cpuMs(pid: number): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100 on Linux)
	} catch {
		return null;
	}
}

async function overHttp(engine: Engine) {
	const entry = builtServer();
	const { db, env, drop } = await freshDb(engine);
	const event = await benchEvent(db, 1000, new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10));
	const port = Number(process.env.BENCH_EVENTS_PORT ?? 4471);
	const base = `http://127.0.0.1:${port}`;
	const nodeArgs = (process.env.BENCH_EVENTS_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const server = spawn(process.execPath, [...nodeArgs, entry], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: base, SMTP_URL: '', TRUST_PROXY: '1', JOBS_SCHEDULER: 'off' }, stdio: 'ignore' });
	try {
		await waitForHealth(base);
		// Warm-up, not measured: the first request loads the page's modules (a second of CPU on this machine),
		// which is start-up, not what a registration costs.
		await fetch(`${base}/temadage/${event.slug}`);
		const cpuBefore = cpuMs(server.pid!);
		let n = 0;
		const result = await autocannon({
			url: `${base}/temadage/${event.slug}`,
			connections: 8,
			duration: 10,
			requests: [
				{
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
					setupRequest: (req: any) => {
						n++;
						// Registrations are limited per client address: real sign-ups come from many (the proxy names them).
						req.headers = { ...req.headers, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
						req.body = new URLSearchParams({ action: 'register', name: `Http ${n}`, email: `http${n}.${process.pid}@bench.example`, organisation: 'Bench', job_title: 'Test' }).toString();
						return req;
					},
				},
			],
		});
		const redirects = result['3xx'];
		const cpu = cpuMs(server.pid!);
		const cpuText = cpu !== null && cpuBefore !== null && redirects > 0 ? `, serverens CPU ${((cpu - cpuBefore) / redirects).toFixed(2)} ms pr. tilmelding` : '';
		console.log(`${LABEL[engine]}, over HTTP (8 forbindelser, 10 s, bygget server): ${Math.round(result.requests.average)} tilmeldinger/s i snit, p99 ${result.latency.p99} ms, ${redirects} × 303, ${result.non2xx - redirects} andre fejlsvar${cpuText}`);
		console.log(`  efter HTTP-kørslen: ${await seatCheck(db, event.id, 1000)}`);
		// The same server's ceiling right after, so runs on a machine whose speed drifts can be compared (issue 13).
		const health = await autocannon({ url: `${base}/api/health`, connections: 8, duration: 5 });
		console.log(`  /api/health bagefter: ${Math.round(health.requests.average)} svar/s → tilmeldinger ÷ health = ${(result.requests.average / health.requests.average).toFixed(2)}`);
	} finally {
		// Waits for the exit (a profiled server writes its profile then), at most 10 s.
		const exited = new Promise((r) => server.once('exit', r));
		server.kill('SIGTERM');
		await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
		await drop();
	}
}

export async function run(): Promise<void> {
	console.log('Temadage: tilmeldinger pr. sekund (hver = én pladstransaktion + optælling + indsæt + token + audit + mail i køen)');
	const engines = (process.env.BENCH_EVENTS_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[];
	for (const engine of engines) {
		if (engine === 'postgres' && !(await postgresReachable())) {
			console.log('!!! PostgreSQL SPRUNGET OVER: ingen server svarer (BENCH_DATABASE_URL / TEST_DATABASE_URL).');
			continue;
		}
		if (process.env.BENCH_EVENTS_HTTP_ONLY !== '1') {
			await inProcess(engine);
			await multiProcess(engine, 2);
			await multiProcess(engine, 4);
		}
		if (process.env.BENCH_SKIP_HTTP !== '1') await overHttp(engine);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

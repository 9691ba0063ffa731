/**
 * Theme-day registrations per second: in one process, from several processes racing on one SQLite file
 * (each registration is a BEGIN IMMEDIATE transaction with seat count, insert, link token, audit entry and a
 * queued mail), and over HTTP against the built server (form POSTs from people who are not signed in).
 * Checks after each run that the capacity was never exceeded.
 * Env: BENCH_EVENTS_PORT (default 4471), BENCH_SKIP_HTTP=1, BENCH_EVENTS_HTTP_ONLY=1, BENCH_SKIP_BUILD=1 (reuse .e2e/themedays),
 * BENCH_EVENTS_OUT (serve another build, e.g. an older one for a before/after comparison).
 * Runs alone too: `npx tsx bench/events.bench.ts`.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-ignore autocannon ships no types
import autocannon from 'autocannon';
import { createDb, rawSqlite, type Db } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { registerForEvent } from '../src/modules/events/events.registrations';
import { createEvent, setEventPublished } from '../src/modules/events/events.writes';

const actor = { label: 'bench', userId: null };
const NOW = new Date('2030-05-01T10:00:00Z');

async function freshDb(): Promise<{ db: Db; path: string; dir: string }> {
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-bench-events-'));
	const path = join(dir, 'bench.db');
	const db = createDb(path);
	await migrateToLatest(db);
	return { db, path, dir };
}

function benchEvent(db: Db, capacity: number, date = '2030-06-13') {
	const e = createEvent(db, {
		title: `Benchmark ${Date.now()}`, summary: '', description: '', date, startTime: '09:00', endTime: '15:00', placeName: 'Bench', placeAddress: '', onlineUrl: null,
		organisationId: null, organiserEmail: null, targetGroup: '', priceText: 'Gratis', capacity, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 1, topics: [],
	}, actor, { now: NOW });
	return setEventPublished(db, e.id, true, actor, { now: NOW });
}

function seatCheck(db: Db, eventId: number, capacity: number): string {
	const row = rawSqlite(db).prepare("SELECT sum(status = 'confirmed') c, sum(status = 'waitlisted') w, sum(status = 'pending') p FROM event_registration WHERE event_id = ?").get(eventId) as { c: number; w: number; p: number };
	const ok = (row.c ?? 0) <= capacity;
	return `${row.c ?? 0} bekræftet / ${row.w ?? 0} venteliste / ${row.p ?? 0} afventer (kapacitet ${capacity}) ${ok ? 'OK' : 'OVERBOOKET!'}`;
}

async function inProcess(n = 3000) {
	const { db, dir } = await freshDb();
	const event = benchEvent(db, 1000);
	const t0 = performance.now();
	for (let i = 0; i < n; i++) registerForEvent(db, event.id, { name: `Person ${i}`, email: `p${i}@bench.example`, organisation: 'Bench', jobTitle: 'Test' }, { emailVerified: true, now: NOW, baseUrl: 'http://bench' });
	const s = (performance.now() - t0) / 1000;
	console.log(`I én proces: ${n} tilmeldinger på ${s.toFixed(2)} s = ${Math.round(n / s)} tilmeldinger/s · ${seatCheck(db, event.id, 1000)}`);
	await db.destroy();
	rmSync(dir, { recursive: true, force: true });
}

async function multiProcess(processes: number, total = 4000) {
	const { db, path, dir } = await freshDb();
	const event = benchEvent(db, 1000);
	const worker = resolve(fileURLToPath(new URL('../tests/events-concurrency.worker.ts', import.meta.url)));
	const startAt = Date.now() + 3000;
	const per = Math.ceil(total / processes);
	const results = await Promise.all(
		Array.from({ length: processes }, (_, p) =>
			new Promise<{ ms: number; errors: number }>((res, rej) => {
				const child = spawn('npx', ['tsx', worker, path, String(event.id), String(p * per), String(per), String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
				let out = '';
				child.stdout.on('data', (d) => (out += d));
				child.on('exit', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').pop()!)) : rej(new Error(`worker ${code}`))));
			}),
		),
	);
	const s = Math.max(...results.map((r) => r.ms)) / 1000;
	const errors = results.reduce((n, r) => n + r.errors, 0);
	console.log(`${processes} processer samtidigt: ${per * processes} tilmeldinger på ${s.toFixed(2)} s = ${Math.round((per * processes) / s)} tilmeldinger/s, ${errors} fejl · ${seatCheck(db, event.id, 1000)}`);
	await db.destroy();
	rmSync(dir, { recursive: true, force: true });
}

async function overHttp() {
	const outDir = resolve(process.env.BENCH_EVENTS_OUT ?? '.e2e/themedays');
	if (!process.env.BENCH_EVENTS_OUT && (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(join(outDir, 'server', 'entry.mjs'))))
		execSync('npx astro build', { stdio: 'ignore', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
	const { db, path, dir } = await freshDb();
	const event = benchEvent(db, 1000, new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10));
	await db.destroy();
	const port = Number(process.env.BENCH_EVENTS_PORT ?? 4471);
	const base = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, [join(outDir, 'server', 'entry.mjs')], { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: path, PUBLIC_BASE_URL: base, SMTP_URL: '', TRUST_PROXY: '1' }, stdio: 'ignore' });
	try {
		for (let i = 0; i < 100; i++) {
			try {
				if ((await fetch(`${base}/api/health`)).ok) break;
			} catch {}
			await new Promise((r) => setTimeout(r, 200));
		}
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
		console.log(`Over HTTP (8 forbindelser, 10 s, bygget server): ${Math.round(result.requests.average)} tilmeldinger/s i snit, p99 ${result.latency.p99} ms, ${redirects} × 303, ${result.non2xx - redirects} andre fejlsvar`);
		const check = createDb(path);
		console.log(`  efter HTTP-kørslen: ${seatCheck(check, event.id, 1000)}`);
		await check.destroy();
	} finally {
		server.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
	}
}

export async function run(): Promise<void> {
	console.log('Temadage: tilmeldinger pr. sekund (hver = BEGIN IMMEDIATE + optælling + indsæt + token + audit + mail i køen)');
	if (process.env.BENCH_EVENTS_HTTP_ONLY !== '1') {
		await inProcess();
		await multiProcess(2);
		await multiProcess(4);
	}
	if (process.env.BENCH_SKIP_HTTP !== '1') await overHttp();
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

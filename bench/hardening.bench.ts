/**
 * How long `/api/health` takes while the server is attacked or its database is locked by another process:
 * idle; during 40,000-field form POSTs (8 at a time); during a 3-second foreign write lock (and what a write
 * gets meanwhile). The search bench prints the same during a 100,000-person index rebuild.
 * Env: BENCH_HARDENING_PORT (default 4472), BENCH_SKIP_BUILD=1 (reuse .e2e/bench-hardening).
 */
import { execSync, spawn } from 'node:child_process';
import { openSqlite } from '../db/client';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function timed(port: number, path: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; ms: number }> {
	const started = performance.now();
	return new Promise((resolvePromise) => {
		const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', agent: false, headers: { ...opts.headers, ...(opts.body ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}) } }, (res) => {
			res.resume();
			res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, ms: performance.now() - started }));
		});
		req.on('error', () => resolvePromise({ status: 0, ms: performance.now() - started }));
		if (opts.body) req.write(opts.body);
		req.end();
	});
}

/** Health latencies sampled every 20 ms while `during` runs. */
async function healthDuring(port: number, during: () => Promise<unknown>): Promise<{ p50: number; max: number; n: number }> {
	const samples: number[] = [];
	let running = true;
	const sampler = (async () => {
		while (running) {
			samples.push((await timed(port, '/api/health')).ms);
			await sleep(20);
		}
	})();
	await during();
	running = false;
	await sampler;
	samples.sort((a, b) => a - b);
	return { p50: samples[Math.floor(samples.length / 2)] ?? 0, max: samples.at(-1) ?? 0, n: samples.length };
}

const fmt = (r: { p50: number; max: number; n: number }) => `p50 ${r.p50.toFixed(1)} ms · maks ${r.max.toFixed(1)} ms (${r.n} målinger)`;

export async function run(): Promise<void> {
	const outDir = resolve('.e2e/bench-hardening');
	if (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(join(outDir, 'server', 'entry.mjs')))
		execSync('npx astro build', { stdio: 'ignore', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-bench-hardening-'));
	const dbPath = join(dir, 'bench.db');
	execSync('npx tsx db/cli.ts setup', { stdio: 'ignore', env: { ...process.env, DATABASE_PATH: dbPath } });
	const port = Number(process.env.BENCH_HARDENING_PORT ?? 4472);
	const base = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, [join(outDir, 'server', 'entry.mjs')], { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off' }, stdio: 'ignore' });
	try {
		for (let i = 0; i < 100 && (await timed(port, '/api/health')).status !== 200; i++) await sleep(100);
		await timed(port, '/');
		console.log(`/api/health i ro: ${fmt(await healthDuring(port, () => sleep(2000)))}`);

		const body = Array.from({ length: 40_000 }, (_, i) => `p${i}=${i}`).join('&');
		const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: base };
		let refused = 0;
		let sent = 0;
		const attack = async () => {
			const until = performance.now() + 3000;
			while (performance.now() < until) {
				const answers = await Promise.all(Array.from({ length: 8 }, () => timed(port, '/log-ind', { method: 'POST', body, headers })));
				sent += answers.length;
				refused += answers.filter((a) => a.status === 413).length;
			}
		};
		console.log(`/api/health under POST med 40.000 felter (8 ad gangen, 3 s; før: ~6 s pr. anmodning): ${fmt(await healthDuring(port, attack))} · ${refused}/${sent} afvist med 413`);

		let write = { status: 0, ms: 0 };
		const lock = async () => {
			const other = openSqlite(dbPath);
			other.exec('BEGIN IMMEDIATE');
			const pending = timed(port, '/log-ind', { method: 'POST', body: 'email=bench%40example.dk', headers });
			await sleep(3000);
			other.exec('ROLLBACK');
			other.close();
			write = await pending;
		};
		const locked = await healthDuring(port, lock);
		console.log(`/api/health under en fremmed skrivelås i 3 s (før: 2,5 s): ${fmt(locked)} · en skrivning i mellemtiden: ${write.status} efter ${Math.round(write.ms)} ms (${write.status === 503 ? 'dansk "prøv igen om lidt"' : 'ventede'})`);
	} finally {
		server.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

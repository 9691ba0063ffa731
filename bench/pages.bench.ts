import { sql } from 'kysely';
/**
 * Every public page type against the built server on the demo network: requests/s, p50 and p95 with autocannon
 * (10 connections), signed out and signed in, each next to `/api/health` measured right before and after it in
 * the same run (the ratio is what counts: absolute figures move with whatever else the machine is doing), and the
 * JavaScript each page type loads (gzip bytes, the page's scripts and everything they import).
 * Goals (issue 13): every page ≥ 0.5× health req/s; the municipality page p50 ≤ 10 ms; search page JS ≤ 15 kB.
 * Env: BENCH_PAGES_PORT (default 4473), BENCH_PAGES_SECONDS (default 3), BENCH_PAGES_ROUNDS (default 1),
 * BENCH_SKIP_BUILD=1 (reuse .e2e/bench-pages), BENCH_PAGES_OUT (serve another build, e.g. an older one for a
 * before/after comparison), BENCH_PAGES_ONLY (comma-separated page names), BENCH_PAGES_NODE_ARGS (e.g.
 * `--cpu-prof`), BENCH_PAGES_MEMBERS=n (default 3000; 0 leaves it out): a third row per page, n members taking
 * turns, so most requests are a member's first look this minute — the case readers' shared copies serve.
 * Runs alone too: `npx tsx bench/pages.bench.ts`.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
// @ts-ignore autocannon ships no types
import autocannon from 'autocannon';
import { createDb } from '../db/client';
import { createSession, SESSION_COOKIE } from '../src/modules/auth/auth.sessions';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
	rps: number;
	p50: number;
	p95: number;
	bad: number;
}

/** The demo network's pages, one of each type (found in the database, so a changed seed still works). */
async function demoPages(dbPath: string): Promise<Array<[string, string]>> {
	const db = createDb(dbPath);
	try {
		const person = await db.selectFrom('person').select('ref').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
		const unit = await db
			.selectFrom('unit')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.innerJoin('person', 'person.unit_id', 'unit.id')
			.select(['organisation.slug as org', 'unit.slug as unit'])
			.groupBy('unit.id')
			.orderBy((eb) => eb.fn.countAll(), 'desc')
			.executeTakeFirstOrThrow();
		const event = await db.selectFrom('event').select('slug').where('status', '=', 'published').orderBy('starts_at').executeTakeFirst();
		// Supervision tables are not in db/schema.ts yet (the module reads them with SQL of its own).
		const group = (await sql<{ slug: string }>`SELECT slug FROM supervision_group ORDER BY id LIMIT 1`.execute(db)).rows[0];
		const pages: Array<[string, string]> = [
			['forside', '/'],
			['søgning', `/sog?q=${encodeURIComponent('gribskov selvskade 15 år')}`],
			['person', `/personer/${encodeURIComponent(person.ref)}`],
			['enhed', `/organisationer/${unit.org}/${unit.unit}`],
			['organisation', '/organisationer/gribskov-kommune'],
			['kommune', '/kommuner/gribskov'],
			['kontaktark', '/kommuner/gribskov/kontaktark'],
			['emne', '/emner/selvskade'],
			['temadage', '/temadage'],
		];
		if (event) pages.push(['temadag', `/temadage/${event.slug}`]);
		pages.push(['supervision', '/supervision']);
		if (group) pages.push(['supervisionsgruppe', `/supervision/${group.slug}`]);
		// A pathway page with a municipality chosen (its live contacts per phase are the page's database work).
		pages.push(['forløb', '/viden/forloeb/efter-selvmordsforsoeg?kommune=gribskov']);
		return pages;
	} finally {
		await db.destroy();
	}
}

/** Session cookies of `n` signed-in members (one each). */
async function signedInCookies(dbPath: string, n: number): Promise<string[]> {
	const db = createDb(dbPath);
	try {
		const now = new Date().toISOString();
		const cookies: string[] = [];
		for (let i = 0; i < n; i++) {
			const user = await db
				.insertInto('user')
				.values({ email: `bench-${Date.now()}-${i}@bench.example`, name: `Bench Bruger ${i}`, role: 'member', status: 'active', person_id: null, created_at: now })
				.returning('id')
				.executeTakeFirstOrThrow();
			const { token } = await createSession(db, user.id, { label: 'Bench' });
			cookies.push(`${SESSION_COOKIE}=${token}`);
		}
		return cookies;
	} finally {
		await db.destroy();
	}
}

let clientNo = 0;
/**
 * autocannon for `seconds`. Anonymous person pages are rate-limited per client address (60 a minute); real
 * traffic comes from many addresses, so each request names its own through X-Forwarded-For (the server is
 * started with TRUST_PROXY=1, as behind the real proxy).
 */
async function load(base: string, path: string, seconds: number, cookie?: string | string[]): Promise<Run> {
	let turn = 0;
	const r = await autocannon({
		url: base + path,
		connections: 10,
		duration: seconds,
		headers: typeof cookie === 'string' ? { cookie } : {},
		requests: [
			{
				setupRequest: (req: { headers: Record<string, string> }) => {
					const n = ++clientNo;
					req.headers = { ...req.headers, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
					// Many members: each request another one, so their own stored pages rarely answer (the first
					// look of each member each minute — what the viewer-independent shared parts are for).
					if (Array.isArray(cookie)) req.headers.cookie = cookie[turn++ % cookie.length];
					return req;
				},
			},
		],
	});
	return { rps: r.requests.average, p50: r.latency.p50, p95: r.latency.p97_5 ?? r.latency.p99, bad: r.non2xx + r.errors };
}

/** Gzip bytes of the page's scripts and the modules they import (followed through `import "./x.js"`). */
async function scriptBytes(base: string, path: string, cookie?: string): Promise<{ bytes: number; files: number }> {
	const html = await (await fetch(base + path, { headers: cookie ? { cookie } : {} })).text();
	const queue = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => new URL(m[1], base + path).href);
	const seen = new Set<string>();
	let bytes = 0;
	while (queue.length) {
		const url = queue.shift()!;
		if (seen.has(url)) continue;
		seen.add(url);
		const js = await (await fetch(url)).text();
		bytes += gzipSync(js).length;
		for (const m of js.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) queue.push(new URL(m[1], url).href);
	}
	return { bytes, files: seen.size };
}

export async function run(): Promise<void> {
	const outDir = resolve(process.env.BENCH_PAGES_OUT ?? '.e2e/bench-pages');
	if (!process.env.BENCH_PAGES_OUT && (process.env.BENCH_SKIP_BUILD !== '1' || !existsSync(join(outDir, 'server', 'entry.mjs'))))
		execSync('npx astro build', { stdio: 'ignore', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-bench-pages-'));
	const dbPath = join(dir, 'bench.db');
	execSync('npx tsx db/cli.ts setup', { stdio: 'ignore', env: { ...process.env, DATABASE_PATH: dbPath } });
	const pages = (await demoPages(dbPath)).filter(([name]) => !process.env.BENCH_PAGES_ONLY || process.env.BENCH_PAGES_ONLY.split(',').includes(name));
	// A row per page signed in as n different members in turn (BENCH_PAGES_MEMBERS, default 3000; 0: off).
	const members = Number(process.env.BENCH_PAGES_MEMBERS ?? 3000);
	const [cookie, ...many] = await signedInCookies(dbPath, 1 + members);
	const port = Number(process.env.BENCH_PAGES_PORT ?? 4473);
	const base = `http://127.0.0.1:${port}`;
	const seconds = Number(process.env.BENCH_PAGES_SECONDS ?? 3);
	const rounds = Number(process.env.BENCH_PAGES_ROUNDS ?? 1);
	const server = spawn(process.execPath, [...(process.env.BENCH_PAGES_NODE_ARGS ?? '').split(' ').filter(Boolean), join(outDir, 'server', 'entry.mjs')], {
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off', TRUST_PROXY: '1' },
		stdio: 'ignore',
	});
	try {
		for (let i = 0; i < 100; i++) {
			try {
				if ((await fetch(`${base}/api/health`)).ok) break;
			} catch {
				/* starting */
			}
			await sleep(100);
		}
		// Warm up every page once (first renders compile templates and fill caches).
		for (const [, path] of pages) {
			await fetch(base + path);
			await fetch(base + path, { headers: { cookie } });
		}
		console.log(`Sider på demonetværket (autocannon, 10 forbindelser, ${seconds} s pr. måling, ${rounds} runde(r); /api/health måles lige før og efter hver side, forholdet er det der tæller)`);
		console.log(`${'side'.padEnd(20)} ${'logget ind'.padEnd(10)} ${'req/s'.padStart(6)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'health'.padStart(7)} ${'forhold'.padStart(7)}  JS (gzip)`);
		const results: Array<{ name: string; signedIn: boolean; many?: boolean; ratio: number; p50: number }> = [];
		let health = await load(base, '/api/health', seconds);
		for (let round = 0; round < rounds; round++)
			for (const [name, path] of pages)
				for (const viewers of members > 0 ? (['ingen', 'én', 'mange'] as const) : (['ingen', 'én'] as const)) {
					const signedIn = viewers !== 'ingen';
					const page = await load(base, path, seconds, viewers === 'mange' ? many : signedIn ? cookie : undefined);
					const after = await load(base, '/api/health', seconds);
					const healthRps = (health.rps + after.rps) / 2;
					health = after;
					const ratio = page.rps / healthRps;
					const js = round === 0 && viewers !== 'mange' ? await scriptBytes(base, path, signedIn ? cookie : undefined) : undefined;
					results.push({ name, signedIn, many: viewers === 'mange', ratio, p50: page.p50 });
					console.log(
						`${name.padEnd(20)} ${(viewers === 'mange' ? `ja, ${members}` : signedIn ? 'ja' : 'nej').padEnd(10)} ${Math.round(page.rps).toString().padStart(6)} ${`${page.p50}ms`.padStart(6)} ${`${page.p95}ms`.padStart(6)} ${Math.round(healthRps).toString().padStart(7)} ${ratio.toFixed(2).padStart(7)}  ` +
							`${js ? `${(js.bytes / 1024).toFixed(1)} kB (${js.files} filer)` : ''}${page.bad ? `  (${page.bad} ikke-2xx/fejl!)` : ''}`,
					);
				}
		if (rounds > 1) {
			// The median of the rounds per page: one noisy neighbour on a shared machine should not decide a figure.
			console.log(`Median over ${rounds} runder (forhold til /api/health · p50):`);
			const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
			const merged: typeof results = [];
			for (const [name] of pages)
				for (const [signedIn, many] of [[false, false], [true, false], [true, true]] as const) {
					const mine = results.filter((r) => r.name === name && r.signedIn === signedIn && !!r.many === many);
					if (!mine.length) continue;
					merged.push({ name, signedIn, many, ratio: median(mine.map((r) => r.ratio)), p50: median(mine.map((r) => r.p50)) });
					console.log(`  ${name.padEnd(20)} ${(many ? `ja, ${members}` : signedIn ? 'ja' : 'nej').padEnd(10)} ${merged.at(-1)!.ratio.toFixed(2).padStart(6)} · ${merged.at(-1)!.p50} ms`);
				}
			results.splice(0, results.length, ...merged);
		}
		const below = results.filter((r) => r.ratio < 0.5);
		const municipality = results.filter((r) => r.name === 'kommune' && !r.many).map((r) => r.p50);
		console.log(`Under 0,5× health: ${below.length ? below.map((r) => `${r.name}${r.many ? ` (${members} medlemmer på skift)` : r.signedIn ? ' (logget ind)' : ''} ${r.ratio.toFixed(2)}`).join(', ') : 'ingen'}`);
		if (municipality.length) console.log(`Kommunesiden p50: ${municipality.join(' / ')} ms (mål ≤ 10 ms)`);
	} finally {
		server.kill('SIGTERM');
		await sleep(300);
		rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

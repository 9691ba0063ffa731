/**
 * Two app instances behind one port (issue 14, "Proof at scale"): `npm run bench -- instances`.
 * Installs nginx from Debian when it is missing (apt-get update once, apt-get install -y nginx), fills in
 * bench/instances.nginx.conf (temp dir, not /etc) and starts it in front of two built servers
 * (`node dist/server/entry.mjs`, here the bench build) on one PostgreSQL database. Then:
 *  1. 200 concurrent one-click registrations of 200 signed-in members, spread over both instances, for a
 *     20-seat theme day → exactly 20 confirmed, 180 waitlisted in queue order (the position each was told is
 *     the one they hold), 0 errors.
 *  2. An organiser's edit through instance A is visible on instance B within one request (`/api/search`).
 *  3. Scheduled jobs: both instances run their scheduler (first tick 20 s after start); every claim of a job
 *     lease is logged by a trigger on job_run (bench database only) with the instance's PGAPPNAME, so a job
 *     started twice for one due time would show. The theme-day reminders it sends are counted too.
 * Ports: BENCH_INSTANCES_PORT (default 4412; the instances take the next two). Needs a PostgreSQL server
 * (BENCH_DATABASE_URL / TEST_DATABASE_URL / local trust) and root or sudo-less apt for the install.
 */
import { execSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from '../db/client';
import { createSession, SESSION_COOKIE } from '../src/modules/auth/auth.sessions';
import { eventToInput } from '../src/modules/events/events.writes';
import { findEventById, listRegistrations, waitlistPosition } from '../src/modules/events/events.repository';
import { registerForEvent } from '../src/modules/events/events.registrations';
import { benchEvent, builtServer, seatCounts, waitForHealth } from './events.bench';
import { freshPostgres, postgresReachable } from './pg';

const here = dirname(fileURLToPath(import.meta.url));

/** nginx from Debian's packages, installed when missing. */
function ensureNginx(): string {
	const found = spawnSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
	if (found) return found;
	console.log('nginx mangler: apt-get update og apt-get install -y nginx …');
	const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
	execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx`, { stdio: 'inherit' });
	return '/usr/sbin/nginx';
}

/** A request with the Host and Origin a browser behind the proxy would send (node:http lets us set Host). */
function send(port: number, path: string, opts: { method?: string; host: string; cookie?: string; body?: string; forwardedFor?: string }): Promise<{ status: number; location: string; upstream: string; body: string }> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { host: opts.host };
		if (opts.cookie) headers.cookie = opts.cookie;
		if (opts.forwardedFor) headers['x-forwarded-for'] = opts.forwardedFor;
		if (opts.body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', origin: `http://${opts.host}`, 'content-length': String(Buffer.byteLength(opts.body)) });
		const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'), headers }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ''), upstream: String(res.headers['x-upstream'] ?? ''), body }));
		});
		req.on('error', reject);
		if (opts.body !== undefined) req.write(opts.body);
		req.end();
	});
}

async function makeUser(db: Db, email: string, role: 'member' | 'admin'): Promise<string> {
	const now = new Date().toISOString();
	const { id } = await db.insertInto('user').values({ email, name: email.split('@')[0], role, status: 'active', person_id: null, created_at: now, last_login_at: null, updated_at: null }).returning('id').executeTakeFirstOrThrow();
	const { token } = await createSession(db, Number(id), { label: 'bench' });
	return `${SESSION_COOKIE}=${token}`;
}

function startServer(entry: string, port: number, env: Record<string, string>, name: string): ChildProcess {
	const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), PGAPPNAME: name }, stdio: ['ignore', 'ignore', 'pipe'] });
	child.stderr!.on('data', (d) => {
		const line = String(d).trim();
		if (line && !/ExperimentalWarning|Enabling sessions/.test(line)) console.log(`  [${name}] ${line.split('\n')[0].slice(0, 200)}`);
	});
	return child;
}

export async function run(): Promise<void> {
	console.log('To instanser bag én port (nginx, round-robin) på én PostgreSQL-database');
	if (!(await postgresReachable())) {
		console.log('!!! SPRUNGET OVER: ingen PostgreSQL-server svarer (BENCH_DATABASE_URL / TEST_DATABASE_URL).');
		return;
	}
	const nginx = ensureNginx();
	const entry = builtServer();
	const port = Number(process.env.BENCH_INSTANCES_PORT ?? 4412);
	const [portA, portB] = [port + 1, port + 2];
	const host = `127.0.0.1:${port}`;
	const pg = await freshPostgres();
	const db = pg.db;
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-instances-'));
	const children: ChildProcess[] = [];
	let failures: string[] = ['afbrudt'];
	try {
		// --- arrangement (directly in the database, before the instances start)
		const now = new Date();
		const day = await benchEvent(db, 20, new Date(now.getTime() + 20 * 86_400_000).toISOString().slice(0, 10));
		// A theme day starting in 30 hours with three seats taken: the theme-day job owes three reminders.
		const soon = new Date(now.getTime() + 30 * 3_600_000);
		const soonDay = await benchEvent(db, 10, soon.toISOString().slice(0, 10));
		await db.updateTable('event').set({ starts_at: soon.toISOString(), ends_at: new Date(soon.getTime() + 3_600_000).toISOString() }).where('id', '=', soonDay.id).execute();
		for (let i = 0; i < 3; i++) await registerForEvent(db, soonDay.id, { name: `Påmindes ${i}`, email: `paamind${i}@bench.example`, organisation: 'Bench', jobTitle: 'Test' }, { emailVerified: true, now: new Date(now.getTime() - 3 * 86_400_000), baseUrl: `http://${host}` });
		const cookies: string[] = [];
		for (let i = 0; i < 200; i++) cookies.push(await makeUser(db, `medlem${i}@bench.example`, 'member'));
		const adminCookie = await makeUser(db, 'arrangoer@bench.example', 'admin');
		// Every claim of a job lease, with the instance that made it (bench database only).
		await sql`CREATE TABLE bench_job_claim (name TEXT, started_at TEXT, instance TEXT)`.execute(db);
		await sql.raw(`CREATE FUNCTION bench_log_claim() RETURNS trigger AS $$ BEGIN
			IF NEW.last_started_at IS DISTINCT FROM OLD.last_started_at THEN INSERT INTO bench_job_claim VALUES (NEW.name, NEW.last_started_at, current_setting('application_name')); END IF;
			RETURN NEW; END $$ LANGUAGE plpgsql`).execute(db);
		await sql`CREATE TRIGGER bench_job_claim AFTER UPDATE ON job_run FOR EACH ROW EXECUTE FUNCTION bench_log_claim()`.execute(db);

		// --- two instances and nginx
		const env = { DATABASE_URL: pg.url, DATABASE_PATH: '', PUBLIC_BASE_URL: `http://${host}`, SMTP_URL: '', TRUST_PROXY: '2', JOBS_SCHEDULER: 'on', DB_POOL_MAX: '10' };
		const started = Date.now();
		children.push(startServer(entry, portA, env, 'vejviser-a'), startServer(entry, portB, env, 'vejviser-b'));
		for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
		const conf = readFileSync(join(here, 'instances.nginx.conf'), 'utf8')
			.replaceAll('{{USER}}', process.getuid?.() === 0 ? 'user root;' : '')
			.replaceAll('{{DIR}}', dir)
			.replaceAll('{{PORT_A}}', String(portA))
			.replaceAll('{{PORT_B}}', String(portB))
			.replaceAll('{{PORT}}', String(port));
		writeFileSync(join(dir, 'nginx.conf'), conf);
		const proxy = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
		children.push(proxy);
		// Both instances first: a request nginx sent to an instance still starting would mark it down for 10 s.
		await Promise.all([waitForHealth(`http://127.0.0.1:${portA}`), waitForHealth(`http://127.0.0.1:${portB}`)]);
		await waitForHealth(`http://${host}`);
		// The first request starts each instance's scheduler: both now tick at about the same moment.
		await Promise.all([send(portA, '/', { host }), send(portB, '/', { host })]);

		// --- 1. 200 concurrent registrations through the proxy
		const t0 = performance.now();
		const answers = await Promise.all(cookies.map((cookie, i) => send(port, `/temadage/${day.slug}`, { host, cookie, body: 'action=member', forwardedFor: `10.9.${i >> 8}.${i & 255}` }).catch((e) => ({ status: 0, location: String(e), upstream: '', body: '' }))));
		const ms = performance.now() - t0;
		const byInstance = new Map<string, number>();
		for (const a of answers) byInstance.set(a.upstream || '?', (byInstance.get(a.upstream || '?') ?? 0) + 1);
		const errors = answers.filter((a) => a.status !== 303);
		const told = answers.map((a) => new URL(a.location || '/', 'http://x').searchParams);
		const regs = await listRegistrations(db, day.id);
		const confirmed = regs.filter((r) => r.status === 'confirmed');
		const waitlisted = regs.filter((r) => r.status === 'waitlisted');
		const maxSeat = Math.max(...confirmed.map((r) => r.queueSeq!));
		const positions = await Promise.all(waitlisted.map((r) => waitlistPosition(db, r)));
		const inOrder = waitlisted.every((r) => r.queueSeq! > maxSeat) && positions.every((p, i) => p === i + 1) && new Set(regs.map((r) => r.queueSeq)).size === regs.length;
		const toldWaiting = told.filter((t) => t.get('tilmelding') === 'waitlisted').map((t) => Number(t.get('nr'))).sort((a, b) => a - b);
		const toldTruth = toldWaiting.length === waitlisted.length && toldWaiting.every((n, i) => n === i + 1);
		const counts = await seatCounts(db, day.id);
		const ok1 = errors.length === 0 && counts.c === 20 && counts.w === 180 && inOrder && toldTruth;
		console.log(
			`200 samtidige tilmeldinger via nginx til en dag med 20 pladser: ${counts.c} bekræftet, ${counts.w} på venteliste, ${errors.length} fejl ` +
				`(${[...byInstance].map(([k, v]) => `${v} via ${k}`).join(', ')}); venteliste i rækkefølge: ${inOrder ? 'ja' : 'NEJ'}; ` +
				`oplyst plads = faktisk plads: ${toldTruth ? 'ja' : 'NEJ'}; ${Math.round(ms)} ms i alt → ${ok1 ? 'OK' : 'FEJL'}`,
		);
		if (errors.length) console.log(`  fejlsvar: ${errors.slice(0, 3).map((e) => `${e.status} ${e.location} ${(/<title>([^<]*)/.exec(e.body)?.[1] ?? '')} ${(/role="alert"[^>]*>([\s\S]{0,200})/.exec(e.body)?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')}`).join(' | ')}`);

		// --- 2. an edit through A, read on B
		const event = (await findEventById(db, day.id))!;
		const input = eventToInput(event);
		const word = `Vandrefalk${Date.now() % 100000}`;
		const form = new URLSearchParams({
			action: 'save', title: `Temadag om ${word}`, summary: input.summary, description: input.description, date: input.date, start_time: input.startTime, end_time: input.endTime,
			place_name: input.placeName, place_address: input.placeAddress, online_url: input.onlineUrl ?? '', organisation_id: '', organiser_email: input.organiserEmail ?? '',
			target_group: input.targetGroup, price_text: input.priceText, capacity: String(input.capacity), deadline_date: '', deadline_time: '',
			promotion_cutoff_hours: String(input.promotionCutoffHours), materials: input.materials, hours: String(input.hours),
		});
		const saved = await send(portA, `/temadage/${day.slug}/admin`, { host, cookie: adminCookie, body: form.toString() });
		const search = await send(portB, `/api/search?q=${encodeURIComponent(word)}&type=event`, { host });
		let seen = false;
		let how = '/api/search';
		if (search.status === 200) seen = search.body.includes(word);
		else {
			// /api/search on PostgreSQL belongs to the search module's own port to the second engine; until it lands,
			// the same visibility is checked on B's theme-day page (also a cached read page, keyed by the audit log).
			how = `/api/search svarede ${search.status}; i stedet B's side /temadage/${day.slug}`;
			const page = await send(portB, `/temadage/${day.slug}`, { host });
			seen = page.status === 200 && page.body.includes(word);
		}
		if (saved.status !== 303) console.log(`  rettelsen: ${saved.status} ${(/<title>([^<]*)/.exec(saved.body)?.[1] ?? '')} ${(/role="alert"[^>]*>([\s\S]{0,300})/.exec(saved.body)?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')}`);
		console.log(`Rettelse via instans A (${saved.status} → ${saved.location || '-'}) synlig på instans B i første forespørgsel (${how}): ${seen ? 'ja → OK' : 'NEJ → FEJL'}`);

		// --- 3. scheduled jobs across both
		const wait = started + 32_000 - Date.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		const claims = (await sql<{ name: string; started_at: string; instance: string }>`SELECT name, started_at, instance FROM bench_job_claim ORDER BY name, started_at`.execute(db)).rows;
		const runs = await sql<{ name: string; last_ok: number | null; last_summary: string | null }>`SELECT name, last_ok, last_summary FROM job_run ORDER BY name`.execute(db);
		const perJob = new Map<string, { claims: typeof claims; ok: boolean | null }>();
		for (const r of runs.rows) perJob.set(r.name, { claims: claims.filter((c) => c.name === r.name), ok: r.last_ok === null ? null : !!r.last_ok });
		const twice = [...perJob].filter(([, v]) => new Set(v.claims.map((c) => c.started_at)).size !== v.claims.length || v.claims.length > 1);
		const reminders = await db.selectFrom('mail_outbox').select('id').where('kind', '=', 'event-reminder').execute();
		console.log(
			`Planlagte job (begge instanser tikker efter 20 s): ${[...perJob].map(([name, v]) => `${name} ×${v.claims.length} (${v.claims.map((c) => c.instance.replace('vejviser-', '')).join('')}${v.ok === false ? ', fejlede' : ''})`).join(', ')}; ` +
				`påmindelser sendt: ${reminders.length} af 3; job startet mere end én gang pr. forfaldstid: ${twice.length} → ${twice.length === 0 && perJob.size > 0 && reminders.length === 3 ? 'OK' : 'FEJL'}`,
		);
		const ok3 = twice.length === 0 && perJob.size > 0 && reminders.length === 3;
		failures = [!ok1 && 'tilmeldinger', !seen && 'synlighed', !ok3 && 'job'].filter(Boolean) as string[];
		const failed = runs.rows.filter((r) => r.last_ok === 0);
		for (const f of failed) console.log(`  ${f.name} fejlede på PostgreSQL: ${(f.last_summary ?? '').split('\n')[0].slice(0, 160)}`);
	} finally {
		for (const child of children.reverse()) child.kill('SIGTERM');
		await new Promise((r) => setTimeout(r, 500));
		await pg.drop();
		rmSync(dir, { recursive: true, force: true });
	}
	if (failures.length) throw new Error(`to instanser: ${failures.join(', ')} fejlede`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

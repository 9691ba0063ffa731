/**
 * The shapes of the attacks from the hardening issue, replayed over HTTP against the built server. A server
 * of its own (its own database and settings), so the rate limits it trips never touch the other specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDb, openSqlite, WRITE_ORDER_LOCK, type Db } from '@db/client';
import { submitCorrection } from '@/modules/directory/directory.corrections';
import { createUserWithSession } from '../helpers/auth';
import { freePort, waitForHealth } from './global-setup';
import { databaseOfItsOwn, e2e, onPostgres, skipBrowser } from './helpers';

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	ms: number;
}

let base = '';
let port = 0;
let dir = '';
let own: Awaited<ReturnType<typeof databaseOfItsOwn>> | undefined;
let server: ChildProcess;
/** The server's stdout: one JSON line per request (LOG_REQUESTS=1). */
const logLines: string[] = [];

/** A request with full control over Host and body (fetch may not set Host). */
function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<Answer> {
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = { ...opts.headers };
		if (opts.body !== undefined && !opts.chunked) headers['content-length'] = String(Buffer.byteLength(opts.body));
		const req = httpRequest({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, agent: false }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }));
		});
		// The server may answer (413) and close before a large body is sent: that is the point.
		req.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve({ status: 413, headers: {}, body: '', ms: performance.now() - started }) : reject(error)));
		if (opts.body !== undefined) {
			if (opts.chunked) {
				const buffer = Buffer.from(opts.body);
				for (let i = 0; i < buffer.length; i += 16_384) req.write(buffer.subarray(i, i + 16_384));
			} else req.write(opts.body);
		}
		req.end();
	});
}

/**
 * Another process's long write: SQLite's `BEGIN IMMEDIATE`; on PostgreSQL the lock every write transaction takes
 * first (WRITE_ORDER_LOCK in db/client.ts) and, since the sign-in's rate-limit hit is a lone statement outside any
 * transaction, a write lock on its table — held by a connection of its own.
 */
async function holdWriteLock(target: string): Promise<{ release: () => Promise<void> }> {
	if (onPostgres) {
		const client = new pg.Client({ connectionString: target });
		await client.connect();
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_ORDER_LOCK]);
		await client.query('LOCK TABLE rate_limit IN EXCLUSIVE MODE');
		return { release: async () => { await client.query('ROLLBACK'); await client.end(); } };
	}
	const other = openSqlite(target);
	other.exec('BEGIN IMMEDIATE');
	return { release: async () => { other.exec('ROLLBACK'); other.close(); } };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', origin: base, ...extra });

describe.skipIf(skipBrowser)('Attacks from the hardening issue', () => {
	let db: Db;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vejviser-security-'));
		// A copy of the seeded network, so this server's limits and locks are its own.
		own = await databaseOfItsOwn(dir, 'security');
		db = createDb(own.target);
		// Limits counted by the other specs (all from 127.0.0.1) are theirs, not this server's.
		await db.deleteFrom('rate_limit').execute();
		port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = spawn(process.execPath, [e2e.serverEntry], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...own.env, PUBLIC_BASE_URL: base, PUBLIC_HOSTNAME: 'vejviser.example.dk', SMTP_URL: '', JOBS_SCHEDULER: 'off', DB_MAX_WAIT_MS: '400', LOG_REQUESTS: '1' },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let partial = '';
		server.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			const lines = (partial + chunk).split('\n');
			partial = lines.pop() ?? '';
			logLines.push(...lines);
		});
		await waitForHealth(base, server);
		// Load the pages once, so the timings below measure the attack, not the first request's module loading.
		await send('/');
		await send('/log-ind', { method: 'POST', headers: formHeaders(), body: form({ email: '' }) });
	});
	afterAll(async () => {
		await db?.destroy();
		const exited = server && server.exitCode === null ? new Promise((r) => server.once('exit', r)) : undefined;
		server?.kill('SIGTERM');
		await exited;
		await own?.drop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('refuses a 40,000-field POST with 413 while /api/health keeps answering', async () => {
		const body = Array.from({ length: 40_000 }, (_, i) => `p${i}=${i}`).join('&');
		const health: Promise<Answer>[] = [];
		const attacks = Array.from({ length: 8 }, (_, i) => send('/log-ind', { method: 'POST', headers: formHeaders(), body, chunked: i % 2 === 1 }));
		for (let i = 0; i < 10; i++) health.push(send('/api/health'));
		const answers = await Promise.all(attacks);
		expect(answers.map((a) => a.status)).toEqual(Array(8).fill(413));
		const healthAnswers = await Promise.all(health);
		expect(healthAnswers.every((a) => a.status === 200)).toBe(true);
		// Before the fix each such request held the event loop for ~6 s.
		expect(Math.max(...healthAnswers.map((a) => a.ms))).toBeLessThan(1000);
		const page = await send('/log-ind', { method: 'POST', headers: formHeaders(), body: body.slice(0, 30_000) });
		expect(page.status).toBe(413);
		expect(page.body).toContain('Formularen er for stor');
	});

	it('gives each request an id: in X-Request-Id, on the Danish error page and in its JSON log line (path only)', async () => {
		const page = await send('/log-ind?next=%2Fhemmelig-sti', { method: 'POST', headers: formHeaders(), body: Array.from({ length: 1_500 }, (_, i) => `f${i}=x`).join('&') });
		expect(page.status).toBe(413);
		const id = String(page.headers['x-request-id'] ?? '');
		expect(id).toMatch(/^[0-9a-f]{8}$/);
		expect(page.body).toContain(`<code>${id}</code>`);
		const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
			const started = Date.now();
			const look = () => {
				const found = logLines.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return null; } }).find((l) => l?.requestId === id && l.path === '/log-ind');
				if (found) resolve(found);
				else if (Date.now() - started > 5000) reject(new Error(`no log line with requestId ${id}`));
				else setTimeout(look, 50);
			};
			look();
		});
		expect(line).toMatchObject({ requestId: id, method: 'POST', path: '/log-ind', status: 413, level: 'info' });
		expect(String(line.error)).toMatch(/^BodyTooLargeError/);
		expect(typeof line.ms).toBe('number');
		expect(typeof line.t).toBe('string');
		expect(JSON.stringify(line)).not.toContain('hemmelig');
		// One line per request: not one more for the error page it was answered with.
		await new Promise((r) => setTimeout(r, 200));
		expect(logLines.filter((l) => l.includes(`"requestId":"${id}"`))).toHaveLength(1);
		// Refusals before anything is read get their id and line too (a cross-site POST).
		const crossSite = await send('/log-ind', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://angriber.example' }, body: 'email=x' });
		expect(crossSite.status).toBe(403);
		const crossId = String(crossSite.headers['x-request-id'] ?? '');
		expect(crossId).toMatch(/^[0-9a-f]{8}$/);
		await new Promise((r) => setTimeout(r, 200));
		expect(logLines.filter((l) => l.includes(`"requestId":"${crossId}"`)).map((l) => JSON.parse(l).status)).toEqual([403]);
	});

	it('refuses a 50 MB body before reading it', async () => {
		const answer = await send('/log-ind', { method: 'POST', headers: formHeaders(), body: Buffer.alloc(50 * 1024 * 1024, 'a') });
		expect(answer.status).toBe(413);
	});

	it('answers a write that meets a long foreign lock with 503, Retry-After and what was typed; reads go on', async () => {
		const other = await holdWriteLock(own!.target);
		try {
			const [write, health] = await Promise.all([
				send('/log-ind', { method: 'POST', headers: formHeaders(), body: form({ email: 'laast@example.dk', next: '/temadage' }) }),
				new Promise<Answer>((resolve) => setTimeout(() => resolve(send('/api/health')), 100)),
			]);
			expect(write.status).toBe(503);
			expect(write.headers['retry-after']).toBeDefined();
			expect(write.body).toContain('Prøv igen om lidt');
			expect(write.body).toContain('value="laast@example.dk"');
			expect(health.status).toBe(200);
			expect(health.ms).toBeLessThan(300);
		} finally {
			await other.release();
		}
		const again = await send('/log-ind', { method: 'POST', headers: formHeaders(), body: form({ email: 'laast@example.dk' }) });
		expect(again.status).toBe(303);
	});

	it('does not believe X-Forwarded-For: rotating it does not reset the per-client sign-in limit', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 25; i++) {
			const answer = await send('/log-ind', { method: 'POST', headers: formHeaders({ 'x-forwarded-for': `198.51.100.${i}` }), body: form({ email: `rotation-${i}@example.dk` }) });
			statuses.push(answer.status);
		}
		// The per-client limit (20 per 15 minutes, partly used by the test before) holds however the header rotates.
		const firstRefusal = statuses.indexOf(429);
		expect(firstRefusal).toBeGreaterThan(0);
		expect(firstRefusal).toBeLessThanOrEqual(20);
		expect(statuses.slice(0, firstRefusal).every((s) => s === 303)).toBe(true);
		expect(statuses.slice(firstRefusal).every((s) => s === 429)).toBe(true);
	});

	it('accepts a form posted through a proxy to the PUBLIC_HOSTNAME given at run time', async () => {
		const answer = await send('/registrer', {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'vejviser.example.dk', 'x-forwarded-proto': 'https', origin: 'https://vejviser.example.dk' },
			body: form({ email: '' }),
		});
		// 422: the form was read and answered in Danish — not the 403 of a refused origin.
		expect(answer.status).toBe(422);
		const forged = await send('/registrer', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'vejviser.example.dk', origin: 'https://evil.example' }, body: form({ email: '' }) });
		expect(forged.status).toBe(403);
	});

	it('answers a refusal after the form was read with the Danish 403 page, not a 500', async () => {
		const { cookie } = await createUserWithSession(db, { role: 'member' });
		const someone = await db.selectFrom('person').select('id').where('status', '=', 'active').executeTakeFirstOrThrow();
		const reported = await submitCorrection(db, someone.id, { kind: 'number', message: 'Nummeret virker ikke.', reporterEmail: '', homepage: '' }, { userId: null, clientKey: null });
		expect(reported.ok).toBe(true);
		const correction = await db.selectFrom('correction').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
		const answer = await send('/rettelser', { method: 'POST', headers: formHeaders({ cookie: cookie.header }), body: form({ correctionId: String(correction.id), decision: 'resolved', note: 'x' }) });
		expect(answer.status).toBe(403);
		expect(answer.body).toContain('Du har ikke adgang til denne side');

		const units = await db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(['unit.id', 'unit.slug', 'organisation.slug as orgSlug', 'unit.organisation_id']).limit(400).execute();
		const contact = await db.selectFrom('unit_contact').select(['id', 'unit_id', 'label']).executeTakeFirstOrThrow();
		const mine = units.find((u) => u.id !== contact.unit_id)!;
		const editor = await createUserWithSession(db, { role: 'unit_editor', unitIds: [mine.id] });
		const before = await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
		for (const body of [form({ intent: 'contact', contactId: String(contact.id), label: 'Overtaget', phone: '44 44 44 44', email: '', hours: '', note: '' }), form({ intent: 'delete-contact', contactId: String(contact.id) })]) {
			const edit = await send(`/organisationer/${mine.orgSlug}/${mine.slug}/rediger`, { method: 'POST', headers: formHeaders({ cookie: editor.cookie.header }), body });
			expect(edit.status).toBe(403);
		}
		const after = await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
		expect(after?.max).toBe(before?.max);
		expect(await db.selectFrom('unit_contact').select('id').where('id', '=', contact.id).executeTakeFirst()).toBeDefined();
	});

	it('slows down an anonymous loop over person JSON, but not a signed-in member', async () => {
		const refs = (await db.selectFrom('person').select('ref').where('status', '=', 'active').limit(70).execute()).map((p) => p.ref);
		const statuses: number[] = [];
		for (const ref of refs) statuses.push((await send(`/api/people/${ref}`)).status);
		expect(statuses.slice(0, 60).filter((s) => s !== 200)).toEqual([]);
		expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
		const limited = await send(`/personer/${refs[0]}`);
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBeDefined();
		expect(limited.body).toContain('For mange forespørgsler');
		const { cookie } = await createUserWithSession(db, { role: 'member' });
		expect((await send(`/api/people/${refs[1]}`, { headers: { cookie: cookie.header } })).status).toBe(200);
	});

	it('keeps /api/health to the contract and reports the migration level and the jobs on ?detaljer=1', async () => {
		expect(JSON.parse((await send('/api/health')).body)).toEqual({ status: 'ok' });
		const health = JSON.parse((await send('/api/health?detaljer=1')).body);
		expect(health.status).toBe('ok');
		expect(health.migration).toMatch(/^\d{4}_/);
		expect(typeof health.jobs).toBe('object');
	});

	it('sends security headers: a script CSP without unsafe-inline, and compression when asked', async () => {
		const page = await send('/', { headers: { 'accept-encoding': 'gzip' } });
		const csp = String(page.headers['content-security-policy']);
		expect(csp).toContain("script-src 'self'");
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
		expect(page.headers['content-encoding']).toBe('gzip');
	});
});

describe.skipIf(skipBrowser)('Search engines', () => {
	it('are asked to keep out of people and contact pages, by robots.txt and noindex', async () => {
		const { baseURL } = e2e;
		const robots = await fetch(`${baseURL}/robots.txt`);
		expect(robots.status).toBe(200);
		expect(await robots.text()).toContain('Disallow: /personer/');
		const db = createDb(e2e.dbPath);
		const person = await db.selectFrom('person').select('ref').where('status', '=', 'active').executeTakeFirstOrThrow();
		await db.destroy();
		const page = await fetch(`${baseURL}/personer/${person.ref}`);
		expect(page.headers.get('x-robots-tag')).toContain('noindex');
		expect(await page.text()).toContain('<meta name="robots" content="noindex, nofollow"');
		const home = await fetch(`${baseURL}/`);
		expect(home.headers.get('x-robots-tag')).toBeNull();
	});
});

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createDb, type Db } from '@db/client';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';
import { createTestUser, createUserWithSession, sessionCookieFor } from '../helpers/auth';
import { savePerson } from '@/modules/directory/directory.writes';

describe.skipIf(skipBrowser)('Accounts in the browser', () => {
	let browser: Browser;
	let db: Db;
	const contexts: BrowserContext[] = [];
	const context = async () => {
		const c = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
		contexts.push(c);
		return c;
	};
	/** Two active people in different units of the demo network. */
	let own: { id: number; ref: string; unit_id: number };
	let other: { id: number; ref: string; unit_id: number };

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		const people = await db.selectFrom('person').select(['id', 'ref', 'unit_id']).where('status', '=', 'active').orderBy('id').limit(40).execute();
		own = people[0];
		other = people.find((p) => p.unit_id !== own.unit_id)!;
	});
	afterAll(async () => {
		for (const c of contexts) await c.close();
		await browser?.close();
		await db?.destroy();
	});

	async function latestMailTo(email: string): Promise<string> {
		const mail = await db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).orderBy('id', 'desc').executeTakeFirstOrThrow();
		return mail.text_body;
	}

	it('signs a member in with the code from the mail', async () => {
		const user = await createTestUser(db, { email: `kode-${Date.now()}@e2e.example`, personId: null });
		const page = await (await context()).newPage();
		await page.goto('/log-ind');
		await expectAccessible(page);
		await page.getByLabel('E-mailadresse').fill(user.email);
		await page.getByRole('button', { name: 'Send kode' }).click();
		await page.waitForURL('**/log-ind/kode');
		await expectAccessible(page);
		const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(await latestMailTo(user.email))![1];
		await page.getByLabel('Kode').fill(code.toLowerCase());
		await page.getByRole('button', { name: 'Log ind' }).click();
		await page.waitForURL('**/konto');
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Min konto');
		expect(await page.textContent('main')).toContain(user.email);
		await expectAccessible(page);
		const session = (await page.context().cookies()).find((c) => c.name === 'vejviser_session')!;
		expect([session.httpOnly, session.sameSite, session.path]).toEqual([true, 'Lax', '/']);
	});

	it('refuses a cross-site POST', async () => {
		const res = await fetch(`${baseURL}/log-ind`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' }, body: 'email=a%40b.example' });
		expect(res.status).toBe(403);
		const json = await fetch(`${baseURL}/log-ind`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' }, body: '{}' });
		expect(json.status).toBe(403);
	});

	it('tells a wrong code apart in Danish and keeps what was typed', async () => {
		const user = await createTestUser(db, { email: `forkert-${Date.now()}@e2e.example` });
		const page = await (await context()).newPage();
		await page.goto('/log-ind');
		await page.getByLabel('E-mailadresse').fill(user.email);
		await page.getByRole('button', { name: 'Send kode' }).click();
		await page.waitForURL('**/log-ind/kode');
		await page.getByLabel('Kode').fill('AAAA-AAAA');
		const response = page.waitForResponse((r) => r.url().endsWith('/log-ind/kode') && r.request().method() === 'POST');
		await page.getByRole('button', { name: 'Log ind' }).click();
		expect((await response).status()).toBe(422);
		expect(await page.textContent('#code-error')).toContain('Koden passer ikke');
		expect(await page.inputValue('#code')).toBe('AAAAAAAA');
	});

	it('signs in through the mailed link only after the button is pressed', async () => {
		const user = await createTestUser(db, { email: `link-${Date.now()}@e2e.example` });
		const page = await (await context()).newPage();
		await page.goto('/log-ind');
		await page.getByLabel('E-mailadresse').fill(user.email);
		await page.getByRole('button', { name: 'Send kode' }).click();
		await page.waitForURL('**/log-ind/kode');
		const link = /(https?:\/\/\S+\/log-ind\/link\/\S+)/.exec(await latestMailTo(user.email))![1];
		// A mail scanner's GET changes nothing…
		expect((await fetch(link)).status).toBe(200);
		const fresh = await (await context()).newPage();
		await fresh.goto(link);
		await expectAccessible(fresh);
		await fresh.getByRole('button', { name: 'Log ind' }).click();
		await fresh.waitForURL('**/konto');
		// …and the link works once.
		expect((await fetch(link)).status).toBe(410);
	});

	it('denies a member another unit’s edit page with the Danish 403 page', async () => {
		const { cookie } = await createUserWithSession(db, { email: `medlem-${Date.now()}@e2e.example`, role: 'member', personId: own.id });
		const c = await context();
		await c.addCookies([cookie.playwright(baseURL)]);
		const page = await c.newPage();
		const denied = await page.goto(`/personer/${other.ref}/rediger`);
		expect(denied?.status()).toBe(403);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Du har ikke adgang til denne side');
		await expectAccessible(page);
		const admin = await page.goto('/admin/brugere');
		expect(admin?.status()).toBe(403);
	});

	it('lets a unit editor open the edit page of a colleague in their unit', async () => {
		const { cookie } = await createUserWithSession(db, { email: `redaktor-${Date.now()}@e2e.example`, role: 'unit_editor', unitIds: [other.unit_id] });
		const c = await context();
		await c.addCookies([cookie.playwright(baseURL)]);
		const page = await c.newPage();
		expect((await page.goto(`/personer/${other.ref}/rediger`))?.status()).toBe(200);
	});

	it('signs out everywhere from the account page', async () => {
		const user = await createTestUser(db, { email: `overalt-${Date.now()}@e2e.example` });
		const pages = [];
		for (let i = 0; i < 2; i++) {
			const c = await context();
			await c.addCookies([(await sessionCookieFor(db, user.id)).playwright(baseURL)]);
			pages.push(await c.newPage());
		}
		await pages[0].goto('/konto');
		expect(await pages[0].textContent('main')).toContain('Dine sessioner');
		await pages[0].getByRole('button', { name: 'Log ud overalt' }).click();
		await pages[0].waitForURL((url) => url.pathname === '/');
		await pages[1].goto('/konto');
		expect(new URL(pages[1].url()).pathname).toBe('/log-ind');
		expect(await db.selectFrom('session').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
	});

	it('registers a work e-mail on a member domain and shows the claimed directory entry', async () => {
		// Its own directory entry on a member organisation's domain (never one another spec may have touched).
		const unit = await db
			.selectFrom('unit')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.select(['unit.id', 'organisation.email_domains', 'organisation.municipality_code'])
			.where('organisation.email_domains', '!=', '[]')
			.orderBy('unit.id')
			.executeTakeFirstOrThrow();
		const domain = (JSON.parse(unit.email_domains) as string[])[0];
		const ref = `R${Date.now().toString().slice(-6)}`;
		const email = `registrering-${Date.now()}@${domain}`;
		await savePerson(db, { label: 'e2e', userId: null }, {
			ref, firstName: 'Rikke', lastName: 'Registrering', title: 'Psykolog', unitId: unit.id, municipalityCode: unit.municipality_code, phone: null, mobile: null, email,
			hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: null, topics: [], roles: [], ageGroups: [],
		});
		const person = { ref, email, first_name: 'Rikke' };
		const page = await (await context()).newPage();
		await page.goto('/registrer');
		await expectAccessible(page);
		await page.getByLabel('Dit navn').fill(person.first_name);
		await page.getByLabel('Arbejdsmail').fill(person.email!);
		await page.getByLabel('Jeg er fagperson').check();
		await page.getByRole('button', { name: 'Opret konto' }).click();
		await page.waitForURL('**/log-ind/kode?registreret=1');
		const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(await latestMailTo(person.email!))![1];
		await page.getByLabel('Kode').fill(code);
		await page.getByRole('button', { name: 'Log ind' }).click();
		await page.waitForURL('**/konto?velkommen=1');
		expect(await page.textContent('main')).toContain('Vi fandt din post i Vejviser');
		expect(await page.getAttribute(`main a[href="/personer/${person.ref}/rediger"]`, 'href')).toBe(`/personer/${person.ref}/rediger`);
		await expectAccessible(page);
	});

	it('shows admins an accessible user list and user page', async () => {
		const { cookie } = await createUserWithSession(db, { email: `admin-${Date.now()}@e2e.example`, role: 'admin' });
		const target = await createTestUser(db, { email: `venter-${Date.now()}@e2e.example`, status: 'pending' });
		const c = await context();
		await c.addCookies([cookie.playwright(baseURL)]);
		const page = await c.newPage();
		expect((await page.goto('/admin/brugere'))?.status()).toBe(200);
		await expectAccessible(page);
		await page.getByRole('button', { name: `Godkend ${target.email}` }).click();
		await page.waitForURL('**/admin/brugere?godkendt=*');
		const row = await db.selectFrom('user').select('status').where('id', '=', target.id).executeTakeFirstOrThrow();
		expect(row.status).toBe('active');
		expect((await page.goto(`/admin/brugere/${target.id}`))?.status()).toBe(200);
		await expectAccessible(page);
	});
});

/**
 * A real browser ceremony with Chromium's virtual authenticator (DevTools WebAuthn domain). WebAuthn refuses
 * IP-address origins, so this block runs its own copy of the built server addressed as http://localhost.
 */
describe.skipIf(skipBrowser)('Passkeys in the browser', () => {
	let browser: Browser;
	let server: ChildProcess;
	let dir: string;
	let origin: string;
	let db: Db;

	beforeAll(async () => {
		browser = await launchBrowser();
		dir = mkdtempSync(join(tmpdir(), 'vejviser-passkey-'));
		const port = await new Promise<number>((done) => {
			const s = createServer();
			s.listen(0, '127.0.0.1', () => {
				const p = (s.address() as { port: number }).port;
				s.close(() => done(p));
			});
		});
		origin = `http://localhost:${port}`;
		const entry = join(resolve(process.env.E2E_OUT_DIR ?? '.e2e/dist'), 'server', 'entry.mjs');
		server = spawn(process.execPath, [entry], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: join(dir, 'passkey.db'), PUBLIC_BASE_URL: origin, SMTP_URL: '' },
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		for (let i = 0; i < 100; i++) {
			const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
			if (ok) break;
			await new Promise((r) => setTimeout(r, 200));
		}
		db = createDb(join(dir, 'passkey.db'));
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
		server?.kill('SIGTERM');
		rmSync(dir, { recursive: true, force: true });
	});

	it('registers a passkey and then requires it before admin rights apply', async () => {
		const user = await createTestUser(db, { email: 'passkey-admin@e2e.example', role: 'admin' });
		const context = await browser.newContext({ baseURL: origin, locale: 'da-DK' });
		await context.addCookies([(await sessionCookieFor(db, user.id)).playwright(origin)]);
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('WebAuthn.enable');
		await cdp.send('WebAuthn.addVirtualAuthenticator', {
			options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
		});

		await page.goto('/konto/adgangsnogle');
		await expectAccessible(page);
		await page.getByLabel('Navn på adgangsnøglen').fill('Virtuel nøgle');
		await page.getByRole('button', { name: 'Opret adgangsnøgle' }).click();
		await page.waitForURL('**/konto?adgangsnogle=oprettet');
		expect(await page.textContent('main')).toContain('Virtuel nøgle');

		// A new session (signed in by mail alone) acts as a member until the passkey is proven.
		await context.clearCookies();
		await context.addCookies([(await sessionCookieFor(db, user.id)).playwright(origin)]);
		expect((await page.goto('/admin/brugere'))?.status()).toBe(403);
		await page.getByRole('link', { name: 'Bekræft med adgangsnøgle' }).click();
		await page.waitForURL('**/konto/bekraeft?next=*');
		await expectAccessible(page);
		await page.getByRole('button', { name: 'Bekræft med adgangsnøgle' }).click();
		await page.waitForURL('**/admin/brugere');
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Brugere');
		await context.close();
	});
});

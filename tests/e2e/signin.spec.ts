import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Db } from '@db/client';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';
import { createTestUser, createUserWithSession } from '../helpers/auth';

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
		const { sessionCookieFor } = await import('../helpers/auth');
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
});

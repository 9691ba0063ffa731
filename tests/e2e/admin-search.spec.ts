import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createUserWithSession } from '../helpers/auth';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';

describe.skipIf(skipBrowser)('The coordinator improves the search', () => {
	let browser: Browser;
	let admin: BrowserContext;
	let member: BrowserContext;
	beforeAll(async () => {
		const db = openServerDb();
		const adminSession = await createUserWithSession(db, { role: 'admin' });
		const memberSession = await createUserWithSession(db, { role: 'member' });
		await db.destroy();
		browser = await launchBrowser();
		admin = await browser.newContext({ baseURL, locale: 'da-DK' });
		await admin.addCookies([adminSession.cookie.playwright(baseURL)]);
		member = await browser.newContext({ baseURL, locale: 'da-DK' });
		await member.addCookies([memberSession.cookie.playwright(baseURL)]);
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('sees an unanswered search, teaches the thesaurus the word and the search then understands it', async () => {
		const page = await admin.newPage();
		// Someone searches for a word the search does not know yet.
		await page.goto('/sog?q=gribskov+bisættelse');
		await page.goto('/admin');
		await expectAccessible(page);
		await page.getByRole('link', { name: 'Søgning' }).click();
		await page.waitForURL('**/admin/soegning');
		expect(await page.locator('table').first().innerText()).toContain('gribskov bisættelse');
		await expectAccessible(page);

		// A bad submission keeps what was typed and says what is wrong, in Danish.
		await page.getByLabel('Ordet, som folk skriver det').fill('bisættelse');
		await page.getByLabel('Betyder et/en').selectOption('topic');
		await page.getByLabel('Betydning').fill('begravelse');
		await page.getByRole('button', { name: 'Gem ordet' }).click();
		expect(await page.locator('#target-error').innerText()).toBe('"begravelse" findes ikke blandt emnerne.');
		expect(await page.getByLabel('Ordet, som folk skriver det').inputValue()).toBe('bisættelse');
		await expectAccessible(page);

		await page.getByLabel('Betydning').fill('sorg');
		await page.getByRole('button', { name: 'Gem ordet' }).click();
		await page.waitForURL(/tilfoejet=/);
		expect(await page.locator('.notice--ok').innerText()).toContain('"bisættelse" er tilføjet');

		const res = await fetch(`${baseURL}/api/search?q=${encodeURIComponent('gribskov bisættelse')}&limit=1`);
		const body = await res.json();
		expect(body.results[0]).toMatchObject({ type: 'person', url: expect.stringMatching(/^\/personer\//) });
		await page.goto('/sog?q=gribskov+bis%C3%A6ttelse');
		expect(await page.locator('.search-chips').innerText()).toMatch(/Sorg/);
	});

	it('keeps members out of the administration with the Danish 403 page', async () => {
		const page = await member.newPage();
		const res = await page.goto('/admin/soegning');
		expect(res?.status()).toBe(403);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(/adgang/i);
		const overview = await page.goto('/admin');
		expect(overview?.status()).toBe(403);
	});
});

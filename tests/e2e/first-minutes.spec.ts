/**
 * Issue 9, item 2: an anonymous visitor sees a direct work number in search and on the person page, and
 * "Log ind" from a search result page brings them back to the same search after signing in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';
import { createTestUser } from '../helpers/auth';

describe.skipIf(skipBrowser)('The first minutes of a nurse without an account', () => {
	let browser: Browser;
	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('shows a key person\'s work number to an anonymous visitor, on the person page and in the vCard', async () => {
		const db = openServerDb();
		const person = await db.selectFrom('person').select(['ref', 'phone', 'mobile']).where('status', '=', 'active').where('phone', 'is not', null).where('phone_visibility', '=', 'public').orderBy('id').executeTakeFirstOrThrow();
		await db.destroy();
		const page = await newPage(browser);
		await page.goto(`/personer/${person.ref}`);
		await expect(page.locator(`main a[href="tel:${person.phone}"]`).count()).resolves.toBeGreaterThan(0);
		if (person.mobile) await expect(page.locator(`main a[href="tel:${person.mobile}"]`).count()).resolves.toBe(0);
		const vcard = await (await page.request.get(`/personer/${person.ref}.vcf`)).text();
		expect(vcard).toContain(`TEL;TYPE=WORK,VOICE:${person.phone}`);
		expect(vcard).not.toContain('CELL');
		const json = await (await page.request.get(`/api/people/${person.ref}`)).json();
		expect(json.phone).toBe(person.phone);
		expect(json.mobile).toBeNull();
	});

	it('brings the user back to the same search after "Log ind"', async () => {
		const db = openServerDb();
		const user = await createTestUser(db, { email: `soeg-${Date.now()}@e2e.example`, personId: null });
		const page = await newPage(browser);
		const search = '/sog?q=selvskade+hiller%C3%B8d';
		await page.goto(search);
		await page.getByRole('link', { name: 'Log ind' }).first().click();
		await page.waitForURL('**/log-ind?next=*');
		expect(new URL(page.url()).searchParams.get('next')).toMatch(/^\/sog\?q=selvskade/);
		await page.getByLabel('E-mailadresse').fill(user.email);
		await page.getByRole('button', { name: 'Send kode' }).click();
		await page.waitForURL('**/log-ind/kode');
		const mail = await db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', user.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
		await db.destroy();
		const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(mail.text_body)![1];
		await page.getByLabel('Kode').fill(code);
		await page.getByRole('button', { name: 'Log ind' }).click();
		await page.waitForURL((url) => url.pathname === '/sog');
		expect(new URL(page.url()).searchParams.get('q')).toBe('selvskade hillerød');
		await expectAccessible(page);
	});
});

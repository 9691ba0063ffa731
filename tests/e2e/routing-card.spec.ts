/**
 * The routing card (/kommuner/<slug>/hvem) in Chromium: reached from the municipality page and the contact sheet,
 * a card per situation and age group naming a person with availability and confirmed date (or "Ingen fundet"),
 * fits a 390 px phone without JavaScript, passes axe, stays out of search engines, and the freshness dashboard
 * counts the same gaps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, openPages, openServerDb, skipBrowser } from './helpers';
import { createUserWithSession } from '../helpers/auth';

const PATH = '/kommuner/gribskov/hvem';

describe.skipIf(skipBrowser)('Routing card: Hvem kontakter jeg?', () => {
	let browser: Browser;
	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('is linked from the municipality page and the contact sheet, and names a person or a gap in every cell at 390 px', { timeout: 120_000 }, async () => {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		openPages.add(page);
		await page.goto('/kommuner/gribskov');
		await page.locator(`a[href="${PATH}"]`).click();
		await page.waitForURL((url) => url.pathname === PATH);
		await page.goto('/kommuner/gribskov/kontaktark');
		expect(await page.locator(`a[href="${PATH}"]`).count()).toBe(1);

		const response = await page.goto(PATH);
		expect(response?.status()).toBe(200);
		expect(response?.headers()['x-robots-tag']).toContain('noindex');
		expect(await page.title()).toContain('Hvem kontakter jeg? Gribskov');
		expect(await page.locator('h1').count()).toBe(1);
		expect(await page.locator('h2').allTextContents()).toEqual(expect.arrayContaining(['Udskrivning', 'Akut / selvmordsforsøg', 'Screening', 'Bekymring']));
		const cells = page.locator('.routing-cell');
		expect(await cells.count()).toBe(16);
		let named = 0;
		for (let i = 0; i < 16; i++) {
			const cell = cells.nth(i);
			const text = (await cell.textContent()) ?? '';
			if (text.includes('Ingen fundet')) continue;
			if (text.includes('Stillingen er ubesat')) continue;
			named++;
			expect(await cell.locator('a[href^="/personer/"]').count(), text).toBeGreaterThan(0);
			expect(await cell.locator('.availability').first().textContent(), text).toMatch(/^(Træffes nu|Lukket|Fraværende)/);
			expect(text).toContain('Senest bekræftet');
		}
		expect(named).toBeGreaterThan(8);
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(width).toBeLessThanOrEqual(390);
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('.breadcrumbs').isVisible()).toBe(false);
		await context.close();
		// axe needs JavaScript; the markup is the same server output.
		const withJs = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 } });
		const axePage = await withJs.newPage();
		openPages.add(axePage);
		await axePage.goto(PATH);
		await expectAccessible(axePage);
		await withJs.close();
	});

	it('the freshness dashboard counts the same gaps as the card shows', { timeout: 120_000 }, async () => {
		const db = openServerDb();
		const { cookie } = await createUserWithSession(db, { role: 'admin' });
		await db.destroy();
		const context = await browser.newContext({ baseURL, locale: 'da-DK', viewport: { width: 390, height: 844 } });
		await context.addCookies([cookie.playwright(baseURL)]);
		const page = await context.newPage();
		openPages.add(page);
		await page.goto(PATH);
		const shown = await page.locator('.routing-cell--gap').count();
		await page.goto('/admin/aktualitet?kommune=270');
		const row = page.locator('tr', { has: page.locator(`a[href="${PATH}"]`) });
		expect(await row.locator('td').textContent()).toBe(`${shown} af 16`);
		await expectAccessible(page);
		await context.close();
	});
});

/**
 * Issue 9, the nurse (items 1, 4, 5, 6, 17): every link on the home page leads somewhere with content, a
 * search shows its first result's number on a phone's first screen, suggestions and results agree on the
 * order, the results page pages and filters without JavaScript, and the search input is a valid combobox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { baseURL, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';

const today = new Date().toISOString().slice(0, 10);

describe.skipIf(skipBrowser)('A hospital nurse in her first ten minutes', () => {
	let browser: Browser;
	beforeAll(async () => {
		// A key person in a municipality outside the demo network (Ballerup), with a public work number and a
		// long title and unit name, so the first result card is as tall as real ones get.
		const db = openServerDb();
		try {
			const actor = systemActor('e2e');
			const org = await ensureOrganisation(db, actor, { name: 'Ballerup Kommune', type: 'kommune', municipalityCode: '151' });
			const unit = await ensureUnit(db, actor, org.id, 'Børne- og Familieafdelingen, myndighed og udskrivning');
			await savePerson(db, actor, {
				ref: 'E2E-NURSE-1', firstName: 'Karoline', lastName: 'Telefonsen Vestergaard', title: 'Udskrivningskoordinator og nøgleperson for børn og unge',
				unitId: unit.id, municipalityCode: '151', phone: '+4544778899', mobile: '+4520304050', email: 'karoline.telefonsen@ballerup.kommune.example',
				hours: 'Hverdage 8-15', note: '', keyPerson: true, status: 'active', successorId: null, verifiedAt: today,
				topics: ['selvskade', 'selvmord', 'angst', 'depression'], roles: ['udskrivning', 'akut'], ageGroups: ['6-12', '13-17'], phoneVisibility: 'public',
			});
		} finally {
			await db.destroy();
		}
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('clicks every link on the home page and lands on a page with content (results where it is a search)', async () => {
		const page = await newPage(browser);
		await page.goto('/');
		const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
		const internal = [...new Set(hrefs)].filter((h) => !/^(mailto:|tel:|https?:)/.test(h) || h.startsWith(baseURL));
		expect(internal.length).toBeGreaterThan(20);
		const searches = internal.filter((h) => h.startsWith('/sog'));
		expect(searches.length).toBeGreaterThan(3);
		for (const href of internal) {
			await page.goto('/');
			if (href.startsWith('#')) {
				// A skip link: its target is on the page and has content.
				expect((await page.locator(href).innerText()).trim().length, href).toBeGreaterThan(40);
				continue;
			}
			const link = page.locator(`a[href="${href.replace(/"/g, '\\"')}"]`).first();
			const [response] = await Promise.all([
				page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().frame() === page.mainFrame(), { timeout: 20_000 }).catch(() => null),
				link.click(),
			]);
			await page.waitForLoadState();
			if (response) expect(response.status(), href).toBeLessThan(400);
			const main = (await page.locator('main').innerText()).trim();
			expect(main.length, `empty page after ${href}`).toBeGreaterThan(40);
			if (new URL(page.url()).pathname === '/sog') {
				const results = await page.locator('.search-result, .search-hit').count();
				expect(results, `no results after clicking ${href}`).toBeGreaterThan(0);
			}
		}
	}, 300_000);

	it('on a 390 px phone the first screen of the first result shows name, role, phone and confirmed date', async () => {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
		const page = await context.newPage();
		await page.goto(`/sog?q=${encodeURIComponent('ballerup selvskade 15 år udskrivning')}`);
		const first = page.locator('.search-result').first();
		await expect.poll(() => first.locator('h3').innerText()).toContain('Karoline Telefonsen Vestergaard');
		const within = async (selector: string) => {
			const box = await first.locator(selector).first().boundingBox();
			expect(box, selector).not.toBeNull();
			expect(box!.y, selector).toBeGreaterThanOrEqual(0);
			expect(box!.y + box!.height, `${selector} below the first screen`).toBeLessThanOrEqual(844);
		};
		await within('h3 a');
		await within('.search-result__meta');
		await within('a[href^="tel:"]');
		await within('.search-result__verified');
		expect(await first.locator('a[href^="tel:"]').first().getAttribute('href')).toBe('tel:+4544778899');
		expect(await first.locator('.search-result__verified').innerText()).toMatch(/Senest bekræftet/);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await expectAccessible(page);
		await context.close();
	}, 120_000);

	it('gets the suggestions in the same order as the results page', async () => {
		const page = await newPage(browser);
		await page.goto('/sog');
		const query = 'hillerød selvskade 15 år udskrivning';
		await page.locator('#sog-q').fill(query);
		await page.locator('#sog-q').press('End');
		await page.keyboard.type(' ');
		await page.keyboard.press('Backspace');
		await expect.poll(() => page.getAttribute('#sog-q', 'aria-expanded'), { timeout: 8000 }).toBe('true');
		const suggested = await page.locator('[role="option"] .suggest__title').allInnerTexts();
		expect(suggested.length).toBeGreaterThan(0);
		// Each suggestion says why it fits, as the results page does ("Passer: Hillerød · selvskade · …").
		expect(await page.locator('[role="option"]').first().locator('.suggest__why').innerText()).toMatch(/Passer: .*Hillerød/);
		await page.keyboard.press('Escape');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/sog\?q=/);
		const titles = await page.locator('.search-result h3 a, .search-hit__title a').allInnerTexts();
		expect(titles.slice(0, suggested.length)).toEqual(suggested);
		// The search input is a text input with a search keyboard: role=combobox is not allowed on type=search.
		expect(await page.locator('input[role="combobox"]').count()).toBeGreaterThan(0);
		expect(await page.locator('input[type="search"][role="combobox"]').count()).toBe(0);
		expect(await page.getAttribute('#sog-q', 'inputmode')).toBe('search');
		expect(await page.getAttribute('#sog-q', 'enterkeyhint')).toBe('search');
	});

	it('without JavaScript: separates complete and partial matches, pages on, and picks a municipality behind "Flere kommuner"', async () => {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`/sog?q=${encodeURIComponent('hillerød selvskade 15 år udskrivning')}`);
		const headings = await page.locator('.search-section__heading').allInnerTexts();
		expect(headings[0]).toBe('Passer på hele søgningen');
		expect(headings).toContain('Passer delvist');
		await page.getByRole('link', { name: 'Næste side' }).click();
		await page.waitForURL(/side=2/);
		expect(await page.locator('.search-result, .search-hit').count()).toBeGreaterThan(0);
		const secondPage = page.url();

		await page.goto('/sog');
		// The ten member municipalities are visible; the other 88 wait behind "Flere kommuner".
		const places = page.locator('.search-filters__places');
		expect(await places.locator('> .choice-list input[type="radio"]').count()).toBe(11);
		await expect.poll(() => page.getByLabel('Ballerup', { exact: true }).isVisible()).toBe(false);
		await places.locator('summary').click();
		await page.getByLabel('Ballerup', { exact: true }).check();
		await page.getByRole('button', { name: 'Anvend filtre' }).click();
		await page.waitForURL(/kommune=151/);
		expect(await page.locator('.search-result h3').first().innerText()).toContain('Karoline');
		// Result types with content have a filter option (the demo has groups and the knowledge section's articles).
		const types = await page.locator('#f-type option').allInnerTexts();
		expect(types).toContain('Supervisionsgrupper');
		expect(types).toContain('Artikler');
		await context.close();
		// axe needs JavaScript; the markup is the same server output.
		const checked = await newPage(browser);
		await checked.goto(secondPage);
		await expectAccessible(checked);
		await checked.goto('/sog?kommune=151');
		await expectAccessible(checked);
	}, 180_000);
});

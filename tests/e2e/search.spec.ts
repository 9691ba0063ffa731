import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser, tabTo } from './helpers';

const today = new Date().toISOString().slice(0, 10);

describe.skipIf(skipBrowser)('A hospital nurse searches the way she types', () => {
	let browser: Browser;
	beforeAll(async () => {
		// A municipal key person matching every part of the need, with a public phone number. Egedal is a real
		// municipality outside the demo network, so no other spec's people can tie with her.
		const db = openServerDb();
		try {
			const actor = systemActor('e2e');
			const org = await ensureOrganisation(db, actor, { name: 'Egedal Kommune', type: 'kommune', municipalityCode: '240' });
			const unit = await ensureUnit(db, actor, org.id, 'Ungecenter');
			await savePerson(db, actor, {
				ref: 'E2E-SOG-1', firstName: 'Vibeke', lastName: 'Søgemark', title: 'Udskrivningskoordinator', unitId: unit.id, municipalityCode: '240',
				phone: '+4548112233', mobile: null, email: 'vibeke.soegemark@egedal.kommune.example', hours: 'Hverdage 8-15', note: '', keyPerson: true,
				status: 'active', successorId: null, verifiedAt: today, topics: ['selvskade'], roles: ['udskrivning'], ageGroups: ['13-17'], phoneVisibility: 'public',
			});
		} finally {
			await db.destroy();
		}
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('types a misspelt need on the home page and reaches the right phone number with the keyboard only', async () => {
		const page = await newPage(browser);
		await page.goto('/');
		await tabTo(page, '#home-q');
		await page.keyboard.type('egedal selvskde 15 år udskrivelse', { delay: 10 });
		// The suggestions open as a combobox while typing.
		await expect.poll(() => page.getAttribute('#home-q', 'aria-expanded'), { timeout: 8000 }).toBe('true');
		await page.keyboard.press('Escape');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/sog\?q=/);
		await expect.poll(() => page.locator('.search-result').first().locator('h3').innerText(), { timeout: 8000 }).toContain('Vibeke Søgemark');
		// The understood parts are shown as removable chips.
		const chips = await page.locator('.search-chips li').allInnerTexts();
		expect(chips.join(' | ')).toMatch(/Egedal.*Selvskade|Selvskade.*Egedal/s);
		await tabTo(page, 'a[href^="tel:"]');
		const focused = await page.evaluate(() => ({ href: document.activeElement?.getAttribute('href'), text: document.activeElement?.textContent }));
		expect(focused).toEqual({ href: 'tel:+4548112233', text: '+45 48 11 22 33' });
		await expectAccessible(page);
	});

	it('opens a person from the suggestions with the arrow keys and Enter', async () => {
		const page = await newPage(browser);
		await page.goto('/');
		await tabTo(page, '#home-q');
		await page.keyboard.type('vibeke søgemrk', { delay: 10 });
		await expect.poll(() => page.getAttribute('#home-q', 'aria-expanded'), { timeout: 8000 }).toBe('true');
		await page.keyboard.press('ArrowDown');
		const active = await page.getAttribute('#home-q', 'aria-activedescendant');
		expect(active).toBeTruthy();
		expect(await page.locator(`#${active}`).getAttribute('aria-selected')).toBe('true');
		expect(await page.locator(`#${active}`).innerText()).toContain('Vibeke Søgemark');
		await expectAccessible(page);
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/personer\/E2E-SOG-1$/);
	});
});

/**
 * An editor fills in a colleague's hours day by day on a phone (390 px), keyboard only; a failed save keeps what
 * was typed; the form works without JavaScript; and an editor of one unit cannot write another unit's line by
 * changing the contact id in the URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, savePerson, saveUnit, saveUnitContact } from '@/modules/directory/directory.writes';
import { scheduleFromJson } from '@/modules/hours/hours.rules';
import { createUserWithSession, type TestCookie } from '../helpers/auth';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser, tabTo } from './helpers';

async function arrange(db: Db) {
	const actor = systemActor('e2e');
	const org = await ensureOrganisation(db, actor, { name: 'Træffetidsforeningen', type: 'frivillig', municipalityCode: null });
	const unitA = (await saveUnit(db, actor, { organisationId: org.id, name: 'Åbent Hus' })).id;
	const unitB = (await saveUnit(db, actor, { organisationId: org.id, name: 'Lukket Hus' })).id;
	const contactA = (await saveUnitContact(db, actor, { unitId: unitA, label: 'Åbent Hus telefon', phone: '+4570300101', email: null, hours: 'Efter aftale' })).id;
	const contactB = (await saveUnitContact(db, actor, { unitId: unitB, label: 'Lukket Hus telefon', phone: '+4570300102', email: null, hours: 'Man-fre 9-12' })).id;
	await savePerson(db, actor, {
		ref: 'E2EH1', firstName: 'Tove', lastName: 'Træffetid', title: 'Rådgiver', unitId: unitA, municipalityCode: null, phone: '+4570300103', mobile: null,
		email: 'tove@traeffetid.example', hours: 'Man-fre 8-15', note: '', keyPerson: true, status: 'active', successorId: null,
		verifiedAt: '2026-01-10T09:00:00.000Z', topics: ['ensomhed'], roles: ['radgivning'], ageGroups: ['13-17'],
	});
	return { unitA, unitB, contactA, contactB };
}

describe.skipIf(skipBrowser)('Hours, day by day', () => {
	let browser: Browser;
	let db: Db;
	let ids: Awaited<ReturnType<typeof arrange>>;
	let editor: TestCookie;

	const open = async (cookie: TestCookie, javaScriptEnabled = true): Promise<Page> => {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 }, javaScriptEnabled });
		await context.addCookies([cookie.playwright(baseURL)]);
		return context.newPage();
	};
	const person = () => db.selectFrom('person').select(['hours', 'hours_schedule']).where('ref', '=', 'E2EH1').executeTakeFirstOrThrow();

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		ids = await arrange(db);
		editor = (await createUserWithSession(db, { role: 'unit_editor', unitIds: [ids.unitA] })).cookie;
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
	});

	it('sets Friday to 8–13 and a closed day with the keyboard only, at 390 px', { timeout: 150_000 }, async () => {
		const page = await open(editor);
		await page.goto('/personer/E2EH1/traeffetid');
		expect(await page.locator('h1').textContent()).toBe('Træffetid for Tove Træffetid');
		expect(await page.inputValue('#f-d5_to')).toBe('15:00');
		expect(await page.isChecked('#f-d6_closed')).toBe(true);
		await expectAccessible(page);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await tabTo(page, '#f-d5_to', 120);
		await page.keyboard.type('1300');
		// A time input is two stops (hours, minutes) and a date three: the rows between take many presses.
		await tabTo(page, '#f-x0_date', 150);
		// The date's segment order follows the browser's own language (day first in Danish, month first in US
		// English): type it day first, and month first when that did not give a date.
		await page.keyboard.type('23122026');
		if ((await page.inputValue('#f-x0_date')) !== '2026-12-23') {
			await page.keyboard.press('Shift+Tab');
			await page.keyboard.press('Shift+Tab');
			await page.keyboard.type('12232026');
		}
		expect(await page.inputValue('#f-x0_date')).toBe('2026-12-23');
		await tabTo(page, '#f-x0_closed', 5);
		await page.keyboard.press('Space');
		await tabTo(page, '#f-x0_note', 10);
		await page.keyboard.type('Kursus');
		await tabTo(page, 'button[value="save"]', 80);
		// The focused control can be seen (WCAG 2.4.7).
		expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		// A refused save names its problems: show them rather than a time-out.
		expect(page.url(), (await page.locator('.error-summary').count()) ? await page.locator('.error-summary').innerText() : '').toMatch(/gemt=1/);
		expect(await page.locator('.notice--ok[role="status"]').textContent()).toContain('Træffetiden er gemt.');
		const saved = await person();
		expect(saved.hours).toBe('Man–tors 8–15, fre 8–13');
		expect(scheduleFromJson(saved.hours_schedule)!.exceptions).toEqual([{ date: '2026-12-23', intervals: [], note: 'Kursus' }]);
		expect(await page.locator('main').textContent()).toContain('Ons 23. dec.: lukket (Kursus)');
		await page.context().close();
	});

	it('keeps what was typed and says what is wrong, in Danish', { timeout: 120_000 }, async () => {
		const before = await person();
		const page = await open(editor);
		await page.goto('/personer/E2EH1/traeffetid');
		await page.fill('#f-d1_to', '');
		await page.fill('#f-x1_note', 'Personaledag');
		await page.fill('#f-d3_to', '14:00');
		await page.getByRole('button', { name: 'Gem træffetiden' }).click();
		await page.waitForLoadState();
		const summary = page.locator('.error-summary');
		expect(await summary.textContent()).toContain('Mandag, til: Udfyld både fra og til om mandagen.');
		expect(await summary.textContent()).toContain('Undtagelse 2, dato: Skriv datoen for undtagelsen, eller ryd rækken.');
		expect(await summary.locator('a').first().getAttribute('href')).toBe('#f-d1_to');
		expect(await page.inputValue('#f-x1_note')).toBe('Personaledag');
		expect(await page.inputValue('#f-d3_to')).toBe('14:00');
		expect(await page.getAttribute('#f-d1_to', 'aria-invalid')).toBe('true');
		await expectAccessible(page);
		expect(await person()).toEqual(before);
		await page.context().close();
	});

	it('saves a shared line’s hours without JavaScript, and refuses another unit’s line by a changed id', { timeout: 120_000 }, async () => {
		const page = await open(editor, false);
		await page.goto(`/organisationer/traeffetidsforeningen/aabent-hus/aabningstid?kontakt=${ids.contactA}`);
		expect(await page.locator('.notice--warn').first().textContent()).toContain('«Efter aftale» kan systemet ikke læse');
		for (const d of [1, 2, 3, 4, 5]) {
			await page.fill(`#f-d${d}_from`, '09:00');
			await page.fill(`#f-d${d}_to`, '12:00');
		}
		await page.getByRole('button', { name: 'Gem åbningstiden' }).click();
		await page.waitForURL(/gemt=1/);
		const line = await db.selectFrom('unit_contact').select(['hours', 'hours_schedule']).where('id', '=', ids.contactA).executeTakeFirstOrThrow();
		expect(line.hours).toBe('Man–fre 9–12');
		await page.context().close();

		const before = await db.selectFrom('unit_contact').selectAll().where('id', '=', ids.contactB).executeTakeFirstOrThrow();
		const body = new URLSearchParams({ intent: 'save', exceptionRows: '0', d1_from: '00:00', d1_to: '00:00' });
		for (const d of [2, 3, 4, 5, 6, 7, 8]) body.set(`d${d}_closed`, 'on');
		const headers = { Cookie: editor.header, Origin: baseURL, 'Content-Type': 'application/x-www-form-urlencoded' };
		const sneaky = await fetch(`${baseURL}/organisationer/traeffetidsforeningen/aabent-hus/aabningstid?kontakt=${ids.contactB}`, { method: 'POST', headers, body, redirect: 'manual' });
		expect(sneaky.status).toBe(404);
		const direct = await fetch(`${baseURL}/organisationer/traeffetidsforeningen/lukket-hus/aabningstid?kontakt=${ids.contactB}`, { method: 'POST', headers, body, redirect: 'manual' });
		expect(direct.status).toBe(403);
		expect(await db.selectFrom('unit_contact').selectAll().where('id', '=', ids.contactB).executeTakeFirstOrThrow()).toEqual(before);
	});
});

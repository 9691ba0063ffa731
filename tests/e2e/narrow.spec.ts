/**
 * Issue 9, item 11: every page fits a 390 px phone — public theme-day pages and the editor and admin pages
 * (signed in as an administrator, who sees every control). A page fits when the document is no wider than
 * the viewport; on failure the message names the elements that stick out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';
import { createUserWithSession } from '../helpers/auth';

const WIDTH = 390;

async function overflow(page: Page): Promise<{ width: number; culprits: string[] }> {
	return page.evaluate((max) => {
		const culprits: string[] = [];
		for (const el of Array.from(document.querySelectorAll('body *'))) {
			const r = el.getBoundingClientRect();
			if (r.right > max + 0.5 && r.width > 0) {
				// Report the innermost offenders only.
				if (!Array.from(el.children).some((c) => c.getBoundingClientRect().right > max + 0.5)) {
					culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} → ${Math.round(r.right)}px`);
				}
			}
		}
		return { width: document.documentElement.scrollWidth, culprits: culprits.slice(0, 8) };
	}, WIDTH);
}

describe.skipIf(skipBrowser)('Pages on a 390 px phone', () => {
	let browser: Browser;
	let paths: string[] = [];
	let publicPaths: string[] = [];
	let cookie: Awaited<ReturnType<typeof createUserWithSession>>['cookie'];

	beforeAll(async () => {
		browser = await launchBrowser();
		const db = openServerDb();
		({ cookie } = await createUserWithSession(db, { role: 'admin' }));
		const event = await db.selectFrom('event').select('slug').where('status', '=', 'published').orderBy('starts_at', 'desc').executeTakeFirstOrThrow();
		const unit = await db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(['unit.slug as unit', 'organisation.slug as org']).orderBy('unit.id').executeTakeFirstOrThrow();
		const person = await db.selectFrom('person').select('ref').orderBy('id').executeTakeFirstOrThrow();
		const user = await db.selectFrom('user').select('id').orderBy('id').executeTakeFirstOrThrow();
		await db.destroy();
		publicPaths = ['/temadage', `/temadage/${event.slug}`, '/temadage/arkiv'];
		paths = [
			'/temadage/admin',
			'/temadage/admin/ny',
			`/temadage/${event.slug}/admin`,
			`/temadage/${event.slug}/admin/program`,
			`/temadage/${event.slug}/admin/deltagere`,
			`/temadage/${event.slug}/admin/indtjekning`,
			'/temadage/mine',
			'/admin',
			'/admin/brugere',
			`/admin/brugere/${user.id}`,
			'/admin/outbox',
			'/admin/aktualitet',
			'/admin/soegning',
			'/rettelser',
			`/organisationer/${unit.org}/rediger`,
			`/organisationer/${unit.org}/${unit.unit}/rediger`,
			`/organisationer/${unit.org}/${unit.unit}/ny-person`,
			`/organisationer/${unit.org}/${unit.unit}/historik`,
			`/personer/${person.ref}/rediger`,
			`/personer/${person.ref}/historik`,
			'/konto',
		];
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('shows the theme days to a visitor without sideways scrolling', async () => {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', viewport: { width: WIDTH, height: 844 } });
		const page = await context.newPage();
		const failures: string[] = [];
		for (const path of publicPaths) {
			const response = await page.goto(path);
			expect(response?.status(), path).toBe(200);
			const { width, culprits } = await overflow(page);
			if (width > WIDTH) failures.push(`${path}: ${width}px (${culprits.join(', ')})`);
			await expectAccessible(page); // also at this width (a table that scrolls must stay usable)
		}
		await context.close();
		expect(failures).toEqual([]);
	});

	it('fits the editor and admin pages too', async () => {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', viewport: { width: WIDTH, height: 844 } });
		await context.addCookies([cookie.playwright(baseURL)]);
		const page = await context.newPage();
		const failures: string[] = [];
		for (const path of paths) {
			const response = await page.goto(path);
			expect(response?.status(), path).toBe(200);
			const { width, culprits } = await overflow(page);
			if (width > WIDTH) failures.push(`${path}: ${width}px (${culprits.join(', ')})`);
			await expectAccessible(page);
		}
		await context.close();
		expect(failures).toEqual([]);
	}, 180_000);
});

/**
 * The unit page is paged as the municipality page is (`?side=N`, UNIT_PAGE_SIZE people a page, "Forrige side" /
 * "Næste side" links, no JavaScript; a page past the last, or not a page number, is not found): at 100,000
 * people a unit holds ~900. Everyone active is on exactly one page, nobody who left is on any, and the pages
 * fit a 390 px phone and pass axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, patchPerson, savePerson } from '@/modules/directory/directory.writes';
import { UNIT_PAGE_SIZE } from '@/modules/directory/directory.views';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';

const actor = systemActor('e2e');
const stamp = Date.now().toString(36);

describe.skipIf(skipBrowser)('A unit with more people than one page', () => {
	const db = openServerDb();
	let browser: Browser;
	let base = '';
	const refs: string[] = [];
	let leaver = 0;

	beforeAll(async () => {
		browser = await launchBrowser();
		// A municipality outside the network (København), so no network page but this one grows.
		const org = await ensureOrganisation(db, actor, { name: `Sideforening ${stamp}`, type: 'kommune', municipalityCode: '101' });
		const unit = await ensureUnit(db, actor, org.id, 'Stort team');
		const slugs = await db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(['unit.slug as unit', 'organisation.slug as org']).where('unit.id', '=', unit.id).executeTakeFirstOrThrow();
		base = `/organisationer/${slugs.org}/${slugs.unit}`;
		for (let i = 0; i < UNIT_PAGE_SIZE + 3; i++) {
			const ref = `SIDE-${stamp}-${String(i).padStart(3, '0')}`;
			const saved = await savePerson(db, actor, {
				ref, firstName: `Person${String(i).padStart(3, '0')}`, lastName: 'Sidetest', title: '', unitId: unit.id, municipalityCode: '101', phone: '+4548201234', mobile: null,
				email: null, hours: '', note: '', keyPerson: i >= UNIT_PAGE_SIZE, status: 'active', successorId: null, verifiedAt: '2026-01-01', topics: [], roles: [], ageGroups: [],
			});
			refs.push(ref);
			if (i === 5) leaver = saved.id;
		}
	}, 120_000);
	afterAll(async () => {
		await browser?.close();
		await db.destroy();
	});

	const get = (path: string) => fetch(baseURL + path);
	const shown = (html: string) => [...html.matchAll(/href="\/personer\/(SIDE-[^"]+)"/g)].map((m) => m[1]);

	it('shows everyone active on exactly one page, key persons first, with links between the pages', async () => {
		const one = await (await get(base)).text();
		const two = await (await get(`${base}?side=2`)).text();
		expect(one).toContain('side 1 af 2');
		expect(one).toContain(`href="${base}?side=2" rel="next"`);
		expect(one).not.toContain('Forrige side');
		expect(two).toContain(`href="${base}" rel="prev"`);
		expect(two).not.toContain('Næste side');
		const first = new Set(shown(one));
		const second = new Set(shown(two));
		expect(first.size).toBe(UNIT_PAGE_SIZE);
		expect(second.size).toBe(3);
		expect([...first].filter((r) => second.has(r))).toEqual([]);
		expect(new Set([...first, ...second])).toEqual(new Set(refs));
		// The three key persons open page 1.
		expect(shown(one).slice(0, 3).sort()).toEqual(refs.slice(UNIT_PAGE_SIZE).sort());
	});

	it('does not find a page past the last, page 0 or a page that is not a number', async () => {
		for (const side of ['3', '0', '-1', 'to', '1.5']) expect((await get(`${base}?side=${side}`)).status, side).toBe(404);
		expect((await get(`${base}?side=1`)).status).toBe(200);
	});

	it('drops a person who left from every page on the very next request', async () => {
		const ref = refs[5];
		const all = async () => [...shown(await (await get(base)).text()), ...shown(await (await get(`${base}?side=2`)).text())];
		expect(await all()).toContain(ref);
		await patchPerson(db, actor, leaver, { status: 'left' });
		const after = await all();
		expect(after).not.toContain(ref);
		expect(after).toHaveLength(UNIT_PAGE_SIZE + 2);
	});

	it('pages without JavaScript, fits a 390 px phone and passes axe', async () => {
		const plain = await browser.newContext({ baseURL, locale: 'da-DK', viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
		const noJs = await plain.newPage();
		await noJs.goto(base);
		await noJs.getByRole('link', { name: 'Næste side' }).click();
		await expect.poll(() => noJs.url()).toContain('?side=2');
		await noJs.getByRole('link', { name: 'Forrige side' }).click();
		await expect.poll(() => noJs.url()).not.toContain('?side=');
		await plain.close();
		const phone = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 } });
		const page = await phone.newPage();
		for (const path of [base, `${base}?side=2`]) {
			await page.goto(path);
			expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
			await expectAccessible(page);
		}
		await phone.close();
	});
});

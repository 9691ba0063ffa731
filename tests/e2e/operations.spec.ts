/**
 * The coordinator runs the network: usage figures for the steering group (/admin/tal), an API key issued in
 * the browser and used from outside, the export log, and a member's own data from /konto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createUserWithSession } from '../helpers/auth';
import { issueApiKey } from '@/modules/apikeys/apikeys';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';

describe.skipIf(skipBrowser)('Running the network without a developer', () => {
	let browser: Browser;
	let admin: BrowserContext;
	let steering: BrowserContext;
	let member: BrowserContext;
	let memberCookie = '';
	let adminCookie = '';
	let person: { ref: string; mobile: string; first_name: string; last_name: string };
	beforeAll(async () => {
		const db = openServerDb();
		person = (await db.selectFrom('person').select(['ref', 'mobile', 'first_name', 'last_name', 'id']).where('mobile', 'is not', null).where('mobile_visibility', '=', 'members').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow()) as typeof person;
		const steeringPerson = await db.selectFrom('person').select('id').where('status', '=', 'active').orderBy('id', 'desc').executeTakeFirstOrThrow();
		await db.insertInto('person_role').values({ person_id: steeringPerson.id, role_slug: 'styregruppe' }).onConflict((oc) => oc.doNothing()).execute();
		const adminSession = await createUserWithSession(db, { role: 'admin' });
		const steeringSession = await createUserWithSession(db, { role: 'member', personId: steeringPerson.id });
		const memberSession = await createUserWithSession(db, { role: 'member', name: 'Medlem Til Test' });
		await db.destroy();
		adminCookie = adminSession.cookie.header;
		memberCookie = memberSession.cookie.header;
		browser = await launchBrowser();
		const context = async (cookie: typeof adminSession.cookie, width = 1280) => {
			const c = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width, height: 900 } });
			await c.addCookies([cookie.playwright(baseURL)]);
			return c;
		};
		admin = await context(adminSession.cookie);
		steering = await context(steeringSession.cookie, 390);
		member = await context(memberSession.cookie, 390);
	});
	afterAll(async () => {
		await browser?.close();
	}, 300_000);

	it('walks an admin to the usage figures: charts without JavaScript, tables, CSV of every table', async () => {
		// A search the figures count (situation and municipality, not the text).
		await fetch(`${baseURL}/api/search?q=${encodeURIComponent('gribskov akut')}`);
		const page = await admin.newPage();
		await page.goto('/admin');
		await page.getByRole('link', { name: 'Tal', exact: true }).click();
		await page.waitForURL('**/admin/tal');
		await expectAccessible(page);
		expect(await page.locator('h1').innerText()).toBe('Tal for styregruppen');
		const headings = await page.locator('h2').allInnerTexts();
		expect(headings).toEqual(['Søgninger pr. uge', 'Søgninger efter situation', 'Søgninger efter kommune', 'Bekræftet inden for intervallet', 'Temadage: tilmeldte og fremmødte', 'Supervision leveret']);
		expect(await page.locator('svg[role="img"]').count()).toBeGreaterThanOrEqual(4);
		const situation = await page.locator('#soegninger-situation ~ .table-wrap table').first().innerText();
		expect(situation).toContain('Akut');
		expect(await page.locator('#aktualitet ~ .table-wrap table').first().innerText()).toContain('PPR');
		const csvLinks = await page.locator('a[href^="/admin/tal/"][href*=".csv"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
		expect(csvLinks).toHaveLength(6);
		for (const href of csvLinks) {
			const res = await fetch(baseURL + href, { headers: { cookie: adminCookie } });
			expect(res.status, href).toBe(200);
			expect(res.headers.get('content-type')).toContain('text/csv');
			const bytes = new Uint8Array(await res.arrayBuffer());
			expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		}
		// A bad period falls back to the default rather than failing.
		await page.goto('/admin/tal?fra=igaar&til=2026-13-45');
		expect(await page.locator('h1').innerText()).toBe('Tal for styregruppen');
	}, 300_000);

	it('lets a steering-group member read the figures on a 390 px phone, and keeps other members out', async () => {
		const page = await steering.newPage();
		await page.goto('/konto');
		await page.getByRole('link', { name: 'Tal for styregruppen' }).click();
		await page.waitForURL('**/admin/tal');
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await expectAccessible(page);
		const other = await member.newPage();
		expect((await other.goto('/admin/tal'))?.status()).toBe(403);
		expect((await fetch(`${baseURL}/admin/tal/temadage.csv`, { headers: { cookie: memberCookie } })).status).toBe(403);
	}, 300_000);

	it('issues an API key in the browser, shows it once, widens what it sees, logs its reads and revokes it', async () => {
		const page = await admin.newPage();
		await page.goto('/admin/api-noegler');
		await expectAccessible(page);
		await page.getByLabel('Hvem er nøglen til?').fill('X');
		await page.getByRole('button', { name: 'Opret nøgle' }).click();
		expect(await page.locator('[role="alert"]').innerText()).toContain('mindst 2 tegn');
		expect(await page.getByLabel('Hvem er nøglen til?').inputValue()).toBe('X');
		await page.getByLabel('Hvem er nøglen til?').fill('Regionens intranet');
		await page.getByLabel(/Må se oplysninger kun for medlemmer/).check();
		await page.getByRole('button', { name: 'Opret nøgle' }).click();
		const key = await page.getByLabel('Nøgle', { exact: true }).inputValue();
		expect(key).toMatch(/^vv_/);
		await expectAccessible(page);
		await page.goto('/admin/api-noegler');
		expect(await page.content()).not.toContain(key);

		const anonymous = await (await fetch(`${baseURL}/api/people/${person.ref}`)).json();
		expect(anonymous.mobile).toBeNull();
		const withKey = await fetch(`${baseURL}/api/people/${person.ref}`, { headers: { authorization: `Bearer ${key}` } });
		expect(withKey.status).toBe(200);
		expect((await withKey.json()).mobile).toBe(person.mobile);
		const search = await fetch(`${baseURL}/api/search?q=${encodeURIComponent(person.last_name)}&limit=3`, { headers: { authorization: `Bearer ${key}` } });
		expect(Object.keys(await search.json())).toEqual(['query', 'results']);
		expect((await fetch(`${baseURL}/api/people/${person.ref}`, { headers: { authorization: 'Bearer vv_forkert' } })).status).toBe(401);

		await page.goto('/admin/eksporter?kanal=api');
		const log = await page.locator('table').innerText();
		expect(log).toContain('api:Regionens intranet');
		expect(log).toContain(person.ref);
		await expectAccessible(page);

		await page.goto('/admin/api-noegler');
		await page.getByRole('button', { name: 'Træk nøglen til Regionens intranet tilbage' }).click();
		await page.waitForURL(/tilbagekaldt=1/);
		expect((await fetch(`${baseURL}/api/people/${person.ref}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
	}, 300_000);

	it('keeps members-only fields from a key not allowed to see them, limits each key on its own and logs its HSDS reads', async () => {
		const db = openServerDb();
		const plain = await issueApiKey(db, { label: 'test', userId: null }, { name: 'Kommunens portal', members_fields: false, per_minute: 10 });
		const other = await issueApiKey(db, { label: 'test', userId: null }, { name: 'Anden portal', members_fields: false, per_minute: 10 });
		await db.destroy();
		const serviceId = (await (await fetch(`${baseURL}/api/hsds/services?page=1&per_page=1`)).json()).contents[0].id;
		const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
		const withPlainKey = await fetch(`${baseURL}/api/people/${person.ref}`, { headers: bearer(plain.key) });
		expect(withPlainKey.status).toBe(200);
		const body = await withPlainKey.json();
		expect(body.mobile).toBeNull();
		expect([body.firstName, body.lastName]).toEqual([person.first_name, person.last_name]);

		// HSDS with a key: logged per request under the key's name, with the contacts (people) it carried.
		const hsds = await fetch(`${baseURL}/api/hsds/services/${serviceId}`, { headers: bearer(plain.key) });
		expect(hsds.status).toBe(200);
		const contacts = ((await hsds.json()).contacts ?? []).length;

		// The limit is per key: the plain key runs out (10 a minute, 2 used), the other key still answers.
		const statuses: number[] = [];
		for (let i = 0; i < 9; i++) statuses.push((await fetch(`${baseURL}/api/hsds/`, { headers: bearer(plain.key) })).status);
		expect(statuses.slice(0, 8)).toEqual(Array(8).fill(200));
		expect(statuses[8]).toBe(429);
		expect((await fetch(`${baseURL}/api/hsds/`, { headers: bearer(other.key) })).status).toBe(200);

		const check = openServerDb();
		const log = await check.selectFrom('export_log').select(['kind', 'channel', 'rows']).where('actor', '=', 'api:Kommunens portal').orderBy('id').execute();
		await check.destroy();
		expect(log).toEqual([
			{ kind: 'person', channel: 'api', rows: 1 },
			{ kind: 'hsds', channel: 'api', rows: contacts },
		]);
	}, 300_000);

	it('shows a member everything stored about them, downloads it as JSON and takes a removal request', async () => {
		const page = await member.newPage();
		await page.goto('/konto');
		await page.getByRole('link', { name: 'Se dine data' }).click();
		await page.waitForURL('**/konto/data');
		await expectAccessible(page);
		expect(await page.locator('h2').allInnerTexts()).toEqual(expect.arrayContaining(['Din konto', 'Sessioner (browsere, du er logget ind i)', 'Tilmeldinger til temadage', 'Supervisionsgrupper', 'Ændringer af din post og konto']));
		const res = await fetch(`${baseURL}/konto/data.json`, { headers: { cookie: memberCookie } });
		expect(res.headers.get('content-disposition')).toContain('attachment');
		const data = await res.json();
		expect(data.account.name).toBe('Medlem Til Test');
		expect(Object.keys(data)).toEqual(expect.arrayContaining(['account', 'entry', 'sessions', 'registrations', 'groupMemberships', 'auditAboutYou']));
		expect((await fetch(`${baseURL}/konto/data.json`, { redirect: 'manual' })).status).toBe(303);

		await page.goto('/konto');
		await page.getByLabel('Besked til administratorerne (valgfri)').fill('Jeg er stoppet i netværket.');
		await page.getByRole('button', { name: 'Bed om sletning' }).click();
		await page.waitForURL(/sletning=anmodet/);
		await expectAccessible(page);
		const adminPage = await admin.newPage();
		await adminPage.goto('/admin/sletning');
		expect(await adminPage.locator('table').innerText()).toContain('Jeg er stoppet i netværket.');
		await expectAccessible(adminPage);

		// The admin reviews the request and erases the member: confirmation first, then the account is gone.
		await adminPage.getByRole('link', { name: /^Gennemse/ }).first().click();
		await adminPage.getByRole('button', { name: 'Slet personen' }).click();
		expect(await adminPage.locator('[role="alert"]').innerText()).toContain('Sæt kryds');
		await expectAccessible(adminPage);
		await adminPage.getByLabel(/Ja, slet/).check();
		await adminPage.getByRole('button', { name: 'Slet personen' }).click();
		await adminPage.waitForURL(/slettet=1/);
		expect(await adminPage.locator('table').innerText()).toContain('Slettet');
		expect(await adminPage.locator('table').innerText()).not.toContain('Jeg er stoppet');
		const after = await fetch(`${baseURL}/konto`, { headers: { cookie: memberCookie }, redirect: 'manual' });
		expect(after.status).toBe(303);
		const db = openServerDb();
		expect(await db.selectFrom('user').select('id').where('name', '=', 'Medlem Til Test').execute()).toEqual([]);
		await db.destroy();
	}, 300_000);
});

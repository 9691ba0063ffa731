import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, savePerson, saveUnit } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { createUserWithSession, type TestCookie } from '../helpers/auth';
import { baseURL, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';

/** Our own fictional organisation (no shared contacts, so it adds nothing to the contact sheets). */
async function arrange(db: Db) {
	const actor = systemActor('e2e');
	const org = await ensureOrganisation(db, actor, { name: 'Nøglepersonforeningen', type: 'frivillig', municipalityCode: null });
	const unitId = (await saveUnit(db, actor, { organisationId: org.id, name: 'Samtalestedet', address: 'Slotsgade 1', postcode: '3400', town: 'Hillerød' })).id;
	const person = (ref: string, first: string, last: string, extra: Partial<PersonInput> = {}): PersonInput => ({
		ref, firstName: first, lastName: last, title: 'Rådgiver', unitId, municipalityCode: null, phone: '+4570300001', mobile: null,
		email: `${ref.toLowerCase()}@noegle.example`, hours: 'Man-fre 9-15', note: '', keyPerson: true, status: 'active', successorId: null,
		verifiedAt: '2026-01-10T09:00:00.000Z', topics: ['ensomhed'], roles: ['radgivning'], ageGroups: ['13-17'], ...extra,
	});
	const own = await savePerson(db, actor, person('E2EK1', 'Kirstine', 'Egenbekræft'));
	await savePerson(db, actor, person('E2EK2', 'Leif', 'Stopperup'));
	await savePerson(db, actor, person('E2EK3', 'Maja', 'Arvesen', { keyPerson: false }));
	return { orgId: org.id, unitId, ownId: own.id };
}

async function withCookie(browser: Browser, cookie: TestCookie, opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
	const context = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', javaScriptEnabled: opts.javaScriptEnabled ?? true });
	await context.addCookies([cookie.playwright(baseURL)]);
	return context.newPage();
}

/** axe runs as a script, so pages opened without JavaScript are checked again in a normal page. */
async function expectAccessibleWithJs(browser: Browser, cookie: TestCookie, path: string): Promise<void> {
	const page = await withCookie(browser, cookie);
	await page.goto(path);
	await expectAccessible(page);
	await page.context().close();
}

const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;

/** The machine is shared; axe on long admin pages and ten PDFs take a while. */
const SLOW = 150_000;

describe.skipIf(skipBrowser)('The key person and the coordinator', () => {
	let browser: Browser;
	let db: Db;
	let ids: Awaited<ReturnType<typeof arrange>>;
	let ownCookie: TestCookie;
	let editorCookie: TestCookie;
	let adminCookie: TestCookie;
	let memberCookie: TestCookie;

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		ids = await arrange(db);
		ownCookie = (await createUserWithSession(db, { role: 'member', personId: ids.ownId, email: 'e2ek1@noegle.example' })).cookie;
		editorCookie = (await createUserWithSession(db, { role: 'unit_editor', unitIds: [ids.unitId], secondFactor: true })).cookie;
		adminCookie = (await createUserWithSession(db, { role: 'admin', secondFactor: true })).cookie;
		memberCookie = (await createUserWithSession(db, { role: 'member' })).cookie;
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
	}, SLOW);

	it('confirms one’s own entry with one button on the person page, without JavaScript', async () => {
		const page = await withCookie(browser, ownCookie, { javaScriptEnabled: false });
		await page.goto('/personer/E2EK1');
		expect((await page.locator('.freshness-note').textContent())?.replace(/\s+/g, ' ')).toContain('Senest bekræftet 10. januar 2026');
		await expectAccessibleWithJs(browser, ownCookie, '/personer/E2EK1');
		await page.getByRole('button', { name: 'Mine oplysninger er stadig korrekte' }).click();
		await page.waitForURL((u) => u.pathname === '/personer/E2EK1' && u.searchParams.has('bekraeftet'));
		expect(await page.getByRole('status').textContent()).toContain('dine oplysninger er bekræftet i dag');
		const today = new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Copenhagen' }).format(new Date());
		expect((await page.locator('.freshness-note').textContent())?.replace(/\s+/g, ' ')).toContain(`Senest bekræftet ${today}`);
		const row = await db.selectFrom('person').select('verified_at').where('ref', '=', 'E2EK1').executeTakeFirstOrThrow();
		expect(Date.now() - Date.parse(row.verified_at!)).toBeLessThan(120_000);
		const audit = await db.selectFrom('audit_log').select(['action', 'actor']).where('entity_type', '=', 'person').where('entity_id', '=', ids.ownId).orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(audit).toEqual({ action: 'verify', actor: 'e2ek1@noegle.example' });
		await expectAccessibleWithJs(browser, ownCookie, '/personer/E2EK1?bekraeftet=1');

		// Nobody else sees the button, and a forged POST for someone else's entry changes nothing.
		const other = await withCookie(browser, memberCookie);
		await other.goto('/personer/E2EK1');
		expect(await other.getByRole('button', { name: 'Mine oplysninger er stadig korrekte' }).count()).toBe(0);
		const forged = await fetch(`${baseURL}/personer/E2EK2`, {
			method: 'POST',
			headers: { Cookie: ownCookie.header, Origin: baseURL, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'intent=confirm-entry',
			redirect: 'manual',
		});
		expect(forged.status).toBe(403);
	}, SLOW);

	it('offers the same button on /konto', async () => {
		const page = await withCookie(browser, ownCookie, { javaScriptEnabled: false });
		await page.goto('/konto');
		await page.getByRole('button', { name: 'Mine oplysninger er stadig korrekte' }).click();
		await page.waitForURL((u) => u.pathname === '/konto' && u.searchParams.has('bekraeftet'));
		expect(await page.getByRole('status').first().textContent()).toContain('bekræftet i dag');
		await expectAccessibleWithJs(browser, ownCookie, '/konto?bekraeftet=1');
	}, SLOW);

	it('registers a handover dated ahead and shows it on the person page until that day', async () => {
		const page = await withCookie(browser, editorCookie);
		await page.goto('/personer/E2EK2/stopper');
		expect(await page.locator('#f-newTitle-hint, [id$="newTitle-hint"]').first().textContent()).toContain('får efterfølgeren samme stilling som Leif Stopperup: "Rådgiver"');
		const year = new Date().getFullYear() + (new Date().getMonth() === 11 && new Date().getDate() === 31 ? 1 : 0);
		await page.getByLabel('Sidste dag').fill(`${year}-12-31`);
		await page.getByLabel('En kollega, der allerede står i Vejviser').check();
		await page.getByLabel('Efterfølger', { exact: true }).selectOption('E2EK3');
		await page.getByRole('button', { name: /Registrér/ }).click();
		await page.waitForURL('**/personer/E2EK2');
		const notice = (await page.locator('.handover-notice').textContent())?.replace(/\s+/g, ' ');
		expect(notice).toContain(`Stopper 31. december ${year} — overtages af Maja Arvesen`);
		expect((await db.selectFrom('person').select('status').where('ref', '=', 'E2EK2').executeTakeFirstOrThrow()).status).toBe('active');
		await expectAccessible(page);
		await page.goto('/personer/E2EK2/stopper');
		await page.getByRole('button', { name: 'Fortryd den planlagte overdragelse' }).click();
		await page.waitForURL('**/personer/E2EK2/stopper');
		expect(await page.getByLabel('Sidste dag').count()).toBe(1);
	}, SLOW);

	it('shows a unit’s visiting address with a map link', async () => {
		const page = await newPage(browser);
		const org = await db.selectFrom('organisation').select('slug').where('id', '=', ids.orgId).executeTakeFirstOrThrow();
		await page.goto(`/organisationer/${org.slug}/samtalestedet`);
		expect((await page.locator('.unit-address').textContent())?.replace(/\s+/g, ' ')).toContain('Slotsgade 1, 3400 Hillerød');
		expect(await page.getByRole('link', { name: /Vis på kort/ }).getAttribute('href')).toBe('https://www.openstreetmap.org/search?query=Slotsgade%201%2C%203400%20Hiller%C3%B8d%2C%20Danmark');
		await expectAccessible(page);
	}, SLOW);

	it('filters the freshness dashboard with a plain GET form, puts what needs action first and exports CSV', async () => {
		const page = await withCookie(browser, adminCookie, { javaScriptEnabled: false });
		await page.goto('/admin/aktualitet');
		const fullHeight = await page.evaluate(() => document.documentElement.scrollHeight);
		await page.getByLabel('Kommune').selectOption({ label: 'Hillerød' });
		await page.getByLabel('Tilstand').selectOption({ label: 'Kræver handling' });
		await page.getByRole('button', { name: 'Vis' }).click();
		await page.waitForURL((u) => u.pathname === '/admin/aktualitet' && u.search === '?kommune=219&organisation=&tilstand=handling');
		expect(await page.getByLabel('Kommune').inputValue()).toBe('219');
		const headings = await page.locator('h2').allTextContents();
		expect(headings[0]).toMatch(/^Kræver handling/);
		await expectAccessibleWithJs(browser, adminCookie, '/admin/aktualitet?kommune=219&tilstand=handling');
		expect(fullHeight).toBeLessThan(7000); // was ~12,500 px before the filter and drill-down
		console.log(`/admin/aktualitet unfiltered: ${fullHeight} px tall`);
		const href = await page.getByRole('link', { name: /Hent som CSV/ }).getAttribute('href');
		expect(href).toBe('/admin/aktualitet.csv?kommune=219&tilstand=handling');
		const csv = await fetch(`${baseURL}${href}`, { headers: { Cookie: adminCookie.header } });
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toContain('text/csv');
		const bytes = Buffer.from(await csv.arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Danish Excel reads æøå
		expect(bytes.subarray(3).toString('utf8').startsWith('Id;Navn;Stilling;Enhed;Organisation;Kommunekode;Tilstand')).toBe(true);
		expect((await fetch(`${baseURL}/admin/aktualitet.csv`, { headers: { Cookie: memberCookie.header }, redirect: 'manual' })).status).toBe(403);
	}, SLOW);

	it('marks key persons on the contact sheet and prints no "log ind" for anonymous visitors', async () => {
		const page = await newPage(browser);
		await page.goto('/kommuner/hilleroed/kontaktark');
		expect(await page.locator('.sheet-unit__person .key-mark').count()).toBeGreaterThan(5);
		expect(await page.locator('.contact-sheet__legend').textContent()).toContain('= nøgleperson');
		expect(await page.locator('.sheet-unit__address').first().textContent()).toMatch(/\d{4} \S/);
		await expectAccessible(page);
		await page.emulateMedia({ media: 'print' });
		expect(await page.getByRole('link', { name: 'log ind' }).isVisible()).toBe(false);
		expect(await page.locator('.members-note').isVisible()).toBe(true);
		expect(pdfPages(await page.pdf({ format: 'A4' }))).toBe(1);
	}, SLOW);

	it('prints every member municipality’s signed-in sheet on one A4 page at 7.5 pt or more', async () => {
		const page = await withCookie(browser, memberCookie);
		const members = await db.selectFrom('municipality').select('slug').where('is_member', '=', 1).execute();
		let longest = { slug: '', lines: 0 };
		for (const { slug } of members) {
			await page.goto(`/kommuner/${slug}/kontaktark`);
			const lines = await page.locator('.sheet-unit p, .contact-sheet__routing div').count();
			if (lines > longest.lines) longest = { slug, lines };
			await page.emulateMedia({ media: 'print' });
			const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.sheet-unit__person')!).fontSize));
			expect(size, slug).toBeGreaterThanOrEqual(10); // 7.5 pt = 10 CSS px
			expect(pdfPages(await page.pdf({ format: 'A4' })), slug).toBe(1);
			await page.emulateMedia({ media: 'screen' });
		}
		expect(longest.lines).toBeGreaterThan(40);
		console.log(`longest contact sheet: ${longest.slug} (${longest.lines} lines), one A4 page at 7.5 pt`);
	}, SLOW);

	it('prints badges as outlined text and no breadcrumbs on the person page', async () => {
		const page = await newPage(browser);
		await page.goto('/personer/E2EK1');
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('.breadcrumbs').isVisible()).toBe(false);
		const badge = await page.locator('.person-page__header .badge').evaluate((el) => {
			const s = getComputedStyle(el);
			return { background: s.backgroundColor, color: s.color, border: s.borderTopStyle };
		});
		expect(badge).toEqual({ background: 'rgba(0, 0, 0, 0)', color: 'rgb(0, 0, 0)', border: 'solid' });
	}, SLOW);
});


import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { findOrganisationByName } from '@/modules/directory/directory.repository';
import { ensureUnit, patchPerson, savePerson } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { createUserWithSession } from '../helpers/auth';
import { baseURL, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser, tabTo } from './helpers';

const today = new Date().toISOString().slice(0, 10);
const longAgo = new Date(Date.now() - 800 * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(skipBrowser)('A nurse browses to a contact', () => {
	let browser: Browser;
	let db: Db;
	let unitId = 0;

	const input = (ref: string, firstName: string, lastName: string, extra: Partial<PersonInput> = {}): PersonInput => ({
		ref,
		firstName,
		lastName,
		title: 'Ungerådgiver',
		unitId,
		municipalityCode: '219',
		phone: '+4548222222',
		mobile: null,
		email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@hilleroed.example`,
		hours: 'Man-tors 9-15',
		note: '',
		keyPerson: true,
		status: 'active',
		successorId: null,
		verifiedAt: today,
		topics: ['selvskade'],
		roles: ['udskrivning', 'akut'],
		ageGroups: ['13-17', '18-25'],
		...extra,
	});

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		const actor = systemActor('e2e');
		const org = await findOrganisationByName(db, 'Hillerød Kommune');
		unitId = (await ensureUnit(db, actor, org!.id, 'Ungecenter')).id;
		// Names sort first in the unit so the cards are easy to find; the leaver hands over to Aaja.
		const current = await savePerson(db, actor, input('E2E-BR-1', 'Aaja', 'Vejfinder', { mobile: '+4522333444' }));
		await savePerson(db, actor, input('E2E-BR-2', 'Aage', 'Fratrædt', { status: 'left', successorId: current.id }));
		await savePerson(db, actor, input('E2E-BR-3', 'Aase', 'Forældet', { verifiedAt: longAgo, keyPerson: false }));
		await patchPerson(db, actor, current.id, { deputy_id: null });
	});
	afterAll(async () => {
		await db?.destroy();
		await browser?.close();
	});

	it('goes from the home page to a municipality with the keyboard, then to a person', async () => {
		const page = await newPage(browser);
		await page.goto('/');
		await expectAccessible(page);
		await expect(page.getByLabel('Hvem skal du have fat i?').getAttribute('name')).resolves.toBe('q');

		await tabTo(page, 'a[href="/kommuner/hilleroed"]');
		await Promise.all([page.waitForURL('**/kommuner/hilleroed'), page.keyboard.press('Enter')]);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Hillerød Kommune');
		await expect(page.getByRole('heading', { name: /^Kommunen/ }).count()).resolves.toBe(1);
		await expect(page.getByRole('heading', { name: /^Regionen/ }).count()).resolves.toBe(1);
		await expectAccessible(page);

		await page.getByRole('link', { name: 'Aaja Vejfinder' }).click();
		await page.waitForURL('**/personer/E2E-BR-1');
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Aaja Vejfinder');
		const body = (await page.locator('main').textContent()) ?? '';
		expect(body).toContain('Senest bekræftet');
		expect(body).toContain('Ungerådgiver');
		expect(body).toContain('Unge (13–17 år)');
		expect(body).toContain('Udskrivning');
		// Anonymous: the work phone is public by default (a direct number to call), the mobile is held back;
		// the unit's shared number and the public e-mail are links too.
		expect(body).toContain('Direkte numre vises for medlemmer');
		await expect(page.locator('main a[href="tel:+4548222222"]').count()).resolves.toBe(1);
		await expect(page.locator('main a[href="tel:+4522333444"]').count()).resolves.toBe(0);
		await expect(page.locator('main a[href="mailto:aaja.vejfinder@hilleroed.example"]').count()).resolves.toBe(1);
		await expect(page.locator('main .unit-contacts a[href^="tel:+45"]').count()).resolves.toBeGreaterThan(0);
		await expect(page.locator('main .members-note a').getAttribute('href')).resolves.toBe('/log-ind?next=%2Fpersoner%2FE2E-BR-1');
		await expect(page.getByRole('link', { name: 'Ret oplysninger' }).getAttribute('href')).resolves.toBe('/personer/E2E-BR-1/rediger');
		await expect(page.getByText('Overtaget fra').count()).resolves.toBe(1);
		await expectAccessible(page);
		await page.screenshot({ path: '/tmp/pages-e2e-person.png', fullPage: true });
	});

	it('sends a visitor from someone who left to their successor', async () => {
		const page = await newPage(browser);
		await page.goto('/personer/E2E-BR-2');
		const notice = (await page.locator('.person-page__left').first().textContent()) ?? '';
		expect(notice.replace(/\s+/g, ' ')).toContain('Fratrådt — kontakt i stedet Aaja Vejfinder');
		await expect(page.locator('main a[href^="mailto:aage"]').count()).resolves.toBe(0);
		await expectAccessible(page);
		await page.locator('.person-page__left').getByRole('link', { name: 'Aaja Vejfinder' }).click();
		await page.waitForURL('**/personer/E2E-BR-1');
	});

	it('warns when an entry is past its confirmation date by the freshness policy', async () => {
		const page = await newPage(browser);
		await page.goto('/personer/E2E-BR-3');
		const text = (await page.locator('main').textContent())?.replace(/\s+/g, ' ');
		expect(text).toContain('Oplysningerne kan være forældede.');
		expect(text).toContain('skulle have været bekræftet senest');
		await expectAccessible(page);
	});

	it('shows a signed-in member the direct number as a tel: link, grouped, in the page, the vCard and the API', async () => {
		const { cookie } = await createUserWithSession(db, { role: 'member' });
		const page = await newPage(browser);
		await page.context().addCookies([cookie.playwright(baseURL)]);
		await page.goto('/personer/E2E-BR-1');
		const tel = page.locator('main .person-page__contact a[href="tel:+4548222222"]');
		await expect(tel.textContent()).resolves.toBe('+45 48 22 22 22');
		expect(await page.locator('main').textContent()).not.toContain('Direkte numre vises for medlemmer');
		await expectAccessible(page);
		const card = await (await fetch(`${baseURL}/personer/E2E-BR-1.vcf`, { headers: { Cookie: cookie.header } })).text();
		expect(card).toContain('TEL;TYPE=WORK,VOICE:+4548222222');
		const json = await (await fetch(`${baseURL}/api/people/E2E-BR-1`, { headers: { Cookie: cookie.header } })).json();
		expect(json.phone).toBe('+4548222222');
	});

	it('downloads a vCard with the fields an anonymous visitor may see', async () => {
		const res = await fetch(`${baseURL}/personer/E2E-BR-1.vcf`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="aaja-vejfinder\.vcf"/);
		const card = await res.text();
		expect(card).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
		expect(card).toContain('FN:Aaja Vejfinder');
		expect(card).toContain('ORG:Hillerød Kommune;Ungecenter');
		expect(card).toContain('EMAIL;TYPE=INTERNET,WORK:aaja.vejfinder@hilleroed.example');
		// The work phone is public by default; the mobile is members-only.
		expect(card).toContain('TEL;TYPE=WORK,VOICE:+4548222222');
		expect(card).not.toContain('CELL');
	});

	it('serves the people API as in the contract', async () => {
		const res = await fetch(`${baseURL}/api/people/E2E-BR-1`);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		const json = await res.json();
		expect(json).toMatchObject({ ref: 'E2E-BR-1', firstName: 'Aaja', lastName: 'Vejfinder', unit: 'Ungecenter', organisation: 'Hillerød Kommune', municipalityCode: '219', phone: '+4548222222', mobile: null, keyPerson: true, status: 'active', successorRef: null, verifiedAt: today, url: '/personer/E2E-BR-1' });
		expect((await (await fetch(`${baseURL}/api/people/E2E-BR-2`)).json()).successorRef).toBe('E2E-BR-1');
		const missing = await fetch(`${baseURL}/api/people/DOES-NOT-EXIST`);
		expect(missing.status).toBe(404);
		expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
	});

	it('prints the municipality contact sheet on one A4 page', async () => {
		const page = await newPage(browser);
		await page.goto('/kommuner/hilleroed');
		await page.getByRole('link', { name: 'Kontaktark til udskrift' }).click();
		await page.waitForURL('**/kommuner/hilleroed/kontaktark');
		const text = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
		expect(text).toContain('Kontaktark — Hillerød Kommune');
		expect(text).toContain('Udskrevet');
		expect(text).toContain('Tjek altid Vejviser for den nyeste version');
		expect(text).toContain('Aaja Vejfinder');
		await expectAccessible(page);
		await page.emulateMedia({ media: 'print' });
		const pdf = await page.pdf({ format: 'A4' });
		expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
	});

	it('has accessible organisation, unit, topic, about and not-found pages', async () => {
		const page = await newPage(browser);
		for (const path of ['/kommuner', '/organisationer', '/organisationer/hilleroed-kommune', '/organisationer/hilleroed-kommune/ungecenter', '/emner', '/emner/selvskade', '/om']) {
			const res = await page.goto(path);
			expect(res?.status(), path).toBe(200);
			await expectAccessible(page);
		}
		await page.goto('/organisationer/hilleroed-kommune/ungecenter');
		expect(await page.locator('main').textContent()).toContain('Også kendt som');
		const missing = await page.goto('/personer/DOES-NOT-EXIST');
		expect(missing?.status()).toBe(404);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Siden findes ikke');
		await expectAccessible(page);
	});
});

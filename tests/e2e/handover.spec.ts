import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';
import { createUserWithSession } from '../helpers/auth';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, savePerson, saveUnit } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import type { Db } from '@db/client';

/** Our own fictional organisation and people, so seeded data other specs rely on stays untouched. */
async function arrange(db: Db) {
	const actor = systemActor('e2e');
	const org = await ensureOrganisation(db, actor, { name: 'Overdragelsesforeningen', type: 'frivillig', municipalityCode: null });
	const unitA = (await saveUnit(db, actor, { organisationId: org.id, name: 'Rådgivning Nord' })).id;
	const unitB = (await saveUnit(db, actor, { organisationId: org.id, name: 'Rådgivning Syd' })).id;
	const person = (ref: string, first: string, last: string, unitId: number, extra: Partial<PersonInput> = {}): PersonInput => ({
		ref, firstName: first, lastName: last, title: 'Rådgiver', unitId, municipalityCode: null, phone: '+4570200001', mobile: null,
		email: `${ref.toLowerCase()}@overdragelse.example`, hours: '', note: '', keyPerson: false, status: 'active', successorId: null,
		verifiedAt: new Date().toISOString(), topics: ['ensomhed'], roles: [], ageGroups: ['13-17'], ...extra,
	});
	await savePerson(db, actor, person('E2EH1', 'Leonora', 'Afskedsen', unitA, { keyPerson: true, roles: ['radgivning'], topics: ['ensomhed', 'sorg'] }));
	await savePerson(db, actor, person('E2EH2', 'Sixten', 'Arvtagersen', unitA));
	await savePerson(db, actor, person('E2EH3', 'Vibeke', 'Sydlund', unitB));
	const member = await db.selectFrom('person').select('id').where('ref', '=', 'E2EH3').executeTakeFirstOrThrow();
	return { orgId: org.id, unitA, unitB, memberPersonId: member.id };
}

async function signedIn(browser: Browser, cookie: { playwright(url: string): { name: string; value: string; url: string; httpOnly: boolean; sameSite: 'Lax' } }): Promise<Page> {
	const page = await newPage(browser);
	await page.context().addCookies([cookie.playwright(baseURL)]);
	return page;
}

describe.skipIf(skipBrowser)('Handover and editing permissions', () => {
	let browser: Browser;
	let db: Db;
	let editorCookie: Awaited<ReturnType<typeof createUserWithSession>>['cookie'];
	let memberCookie: Awaited<ReturnType<typeof createUserWithSession>>['cookie'];

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		const ids = await arrange(db);
		editorCookie = (await createUserWithSession(db, { role: 'unit_editor', unitIds: [ids.unitA], secondFactor: true })).cookie;
		memberCookie = (await createUserWithSession(db, { role: 'member', personId: ids.memberPersonId })).cookie;
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
	});

	it('keeps what was typed and explains bad input in Danish on the edit form', async () => {
		const page = await signedIn(browser, editorCookie);
		await page.goto('/personer/E2EH2/rediger');
		await expectAccessible(page);
		await page.getByLabel('Fornavn').fill('');
		await page.getByLabel('Efternavn').fill('Ø'.repeat(81));
		await page.locator('#f-phone').fill('<script>alert(1)</script>');
		await page.getByLabel('Bemærkning til kolleger').fill('Ring før kl. 12 — æøå <b>fed</b>');
		const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Gem' }).click()]);
		expect(response.status()).toBe(422);
		await page.waitForLoadState();
		const summary = page.getByRole('alert');
		await expect.poll(() => summary.textContent()).toContain('Skriv fornavnet.');
		expect(await summary.textContent()).toContain('Efternavnet må højst være 80 tegn (der er 81).');
		expect(await summary.textContent()).toContain('indeholder tegn, der ikke hører til et telefonnummer');
		expect(await page.getByLabel('Efternavn').inputValue()).toBe('Ø'.repeat(81));
		expect(await page.locator('#f-phone').inputValue()).toBe('<script>alert(1)</script>');
		expect(await page.getByLabel('Bemærkning til kolleger').inputValue()).toBe('Ring før kl. 12 — æøå <b>fed</b>');
		expect(await page.locator('b', { hasText: 'fed' }).count()).toBe(0);
		await expectAccessible(page);
	});

	it('hands a person over to a successor; search and the person page show the successor from then on', async () => {
		const page = await signedIn(browser, editorCookie);
		await page.goto('/personer/E2EH1');
		await page.getByRole('link', { name: 'Leonora Afskedsen er stoppet' }).click();
		await page.waitForURL('**/personer/E2EH1/stopper');
		await expectAccessible(page);

		// Nothing chosen: a Danish message, nothing saved.
		await page.getByRole('button', { name: /Registrér/ }).click();
		await page.waitForLoadState();
		expect(await page.getByRole('alert').textContent()).toContain('Vælg, hvem der overtager.');
		await expectAccessible(page);

		await page.getByLabel('En kollega, der allerede står i Vejviser').check();
		await page.getByLabel('Efterfølger', { exact: true }).selectOption('E2EH2');
		expect(await page.getByLabel('Flyt roller og emner til efterfølgeren').isChecked()).toBe(true);
		await page.getByRole('button', { name: /Registrér/ }).click();
		await page.waitForURL('**/personer/E2EH1');
		const left = page.locator('.person-page__left');
		expect((await left.textContent())?.replace(/\s+/g, ' ')).toContain('Fratrådt — kontakt i stedet Sixten Arvtagersen');

		const res = await fetch(`${baseURL}/api/search?q=${encodeURIComponent('Leonora Afskedsen')}`);
		const body = (await res.json()) as { results: { ref: string; status: string; successorRef: string | null }[] };
		const leaver = body.results.find((r) => r.ref === 'E2EH1');
		const successorInPlace = body.results[0]?.ref === 'E2EH2';
		expect(successorInPlace || (leaver?.status === 'left' && leaver.successorRef === 'E2EH2')).toBe(true);
		expect(leaver === undefined || leaver.status === 'left').toBe(true);

		const successor = await db.selectFrom('person').select('id').where('ref', '=', 'E2EH2').executeTakeFirstOrThrow();
		const roles = await db.selectFrom('person_role').select('role_slug').where('person_id', '=', successor.id).execute();
		expect(roles.map((r) => r.role_slug)).toEqual(['radgivning']);
		const welcome = await db.selectFrom('mail_outbox').select(['kind', 'text_body']).where('to_address', '=', 'e2eh2@overdragelse.example').execute();
		expect(welcome.map((m) => m.kind)).toContain('welcome');
	});

	it('denies a member editing a person in another unit with the Danish 403 page, on GET and POST', async () => {
		const page = await signedIn(browser, memberCookie);
		const response = await page.goto('/personer/E2EH2/rediger');
		expect(response?.status()).toBe(403);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Du har ikke adgang til denne side');
		await expectAccessible(page);
		const post = await fetch(`${baseURL}/personer/E2EH2/rediger`, {
			method: 'POST',
			headers: { Cookie: memberCookie.header, Origin: baseURL, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ firstName: 'Hacket', lastName: 'X', unitId: '1' }),
			redirect: 'manual',
		});
		expect(post.status).toBe(403);
		const name = await db.selectFrom('person').select('first_name').where('ref', '=', 'E2EH2').executeTakeFirstOrThrow();
		expect(name.first_name).toBe('Sixten');
		// Their own entry is theirs to edit.
		expect((await page.goto('/personer/E2EH3/rediger'))?.status()).toBe(200);
	});

	it('takes an anonymous correction and shows "Rettelse afventer" to the entry’s editor', async () => {
		const anon = await newPage(browser);
		await anon.goto('/personer/E2EH2/rettelse');
		await expectAccessible(anon);
		await anon.getByLabel('Nummeret virker ikke').check();
		await anon.getByLabel('Beskriv kort, hvad der er forkert').fill('Nummeret er lukket');
		await anon.getByRole('button', { name: 'Send' }).click();
		await anon.waitForURL('**/rettelse?tak=1');
		expect(await anon.locator('.notice--ok').textContent()).toContain('Tak');

		const editor = await signedIn(browser, editorCookie);
		await editor.goto('/personer/E2EH2');
		expect(await editor.locator('.pending-correction').textContent()).toContain('Rettelse afventer');
		await editor.goto('/rettelser');
		await expectAccessible(editor);
		await editor.getByRole('button', { name: 'Markér som løst' }).first().click();
		await editor.waitForURL('**/rettelser?behandlet=resolved');
		await editor.goto('/personer/E2EH2');
		expect(await editor.locator('.pending-correction').count()).toBe(0);
	});
	it('lets the unit’s editor add a colleague, edit the unit’s shared contacts and read the history; every form passes axe', async () => {
		const page = await signedIn(browser, editorCookie);
		await page.goto('/organisationer/overdragelsesforeningen/raadgivning-nord/ny-person');
		await expectAccessible(page);
		await page.getByLabel('Fornavn').fill('Åge');
		await page.getByLabel('Efternavn').fill('Nykommersen');
		await page.locator('#f-email').fill('AAGE@overdragelse.example');
		await page.getByRole('button', { name: 'Opret' }).click();
		await page.waitForURL(/\/personer\/V\d{5}$/);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Åge Nykommersen');

		await page.goto('/organisationer/overdragelsesforeningen/raadgivning-nord/rediger');
		await expectAccessible(page);
		const add = page.locator('form', { has: page.getByRole('heading', { name: 'Tilføj en fælles kontakt' }) });
		await add.getByLabel('Navn', { exact: true }).fill('Fælles rådgivningstelefon');
		await add.getByLabel('Telefon', { exact: true }).fill('70 20 00 99');
		await add.getByRole('button', { name: 'Tilføj kontakt' }).click();
		await page.waitForURL('**/rediger?gemt=kontakt#kontakter');
		await page.getByLabel('Navn', { exact: true }).first().fill('');
		await page.getByRole('button', { name: 'Gem enheden' }).click();
		await page.waitForLoadState();
		expect(await page.getByRole('alert').first().textContent()).toContain('Skriv enhedens navn.');
		await expectAccessible(page);

		await page.goto('/organisationer/overdragelsesforeningen/raadgivning-nord/historik');
		expect(await page.locator('.history').textContent()).toContain('Fælles rådgivningstelefon');
		await expectAccessible(page);
		await page.goto('/personer/E2EH1/historik');
		expect(await page.locator('.history').textContent()).toContain('Registreret som fratrådt');
		await expectAccessible(page);
	});
	it('lets an admin edit an organisation, with Danish messages for a bad website and e-mail domain', async () => {
		const { cookie } = await createUserWithSession(db, { role: 'admin', secondFactor: true });
		const page = await signedIn(browser, cookie);
		await page.goto('/organisationer/overdragelsesforeningen/rediger');
		await expectAccessible(page);
		await page.getByLabel('Hjemmeside').fill('ikke en adresse');
		await page.getByLabel('E-maildomæner til automatisk godkendelse').fill('overdragelse.example\n@ikke gyldig');
		await page.getByRole('button', { name: 'Gem' }).click();
		await page.waitForLoadState();
		const alert = await page.getByRole('alert').textContent();
		expect(alert).toContain('"ikke en adresse" er ikke en gyldig webadresse.');
		expect(alert).toContain('"ikke gyldig" er ikke et gyldigt e-maildomæne');
		expect(await page.getByLabel('Hjemmeside').inputValue()).toBe('ikke en adresse');
		await expectAccessible(page);
		await page.getByLabel('Hjemmeside').fill('www.overdragelse.example');
		await page.getByLabel('E-maildomæner til automatisk godkendelse').fill('overdragelse.example');
		await page.getByRole('button', { name: 'Gem' }).click();
		await page.waitForURL('**/rediger?gemt=1');
		const org = await db.selectFrom('organisation').select(['website', 'email_domains']).where('slug', '=', 'overdragelsesforeningen').executeTakeFirstOrThrow();
		expect(org).toEqual({ website: 'https://www.overdragelse.example/', email_domains: '["overdragelse.example"]' });
	});
});

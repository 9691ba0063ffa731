/**
 * Issue 12: the coordinator imports the directory in the browser (upload → preview → confirm), sees the one bad
 * row in Danish, and a stale preview is refused. Also: merging a duplicate keeps the old link working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { systemActor } from '@/modules/audit/audit.repository';
import { DIRECTORY_COLUMNS } from '@/modules/directory/directory.csv';
import { patchPerson } from '@/modules/directory/directory.writes';
import { createUserWithSession } from '../helpers/auth';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';

const stamp = Date.now().toString(36).toUpperCase();
// The imported people are confirmed today and serve only København (101, not a member): other specs check the
// member municipalities' printed contact sheets and the freshness dashboard, which these rows must not change.
const COLUMNS = [...DIRECTORY_COLUMNS, 'service_area'];
const today = new Date().toISOString().slice(0, 10);
const row = (id: string, over: Record<string, string> = {}) => {
	const r: Record<string, string> = {
		id, first_name: 'Ingeborg', last_name: `Importsen ${id}`, title: 'Rådgiver', organisation: `Importforeningen ${stamp}`, organisation_type: 'frivillig',
		municipality_code: '', unit: 'Rådgivningen', key_person: 'nej', roles: 'radgivning', topics: 'angst', age_groups: '13-17', phone: '70 20 30 40', mobile: '',
		email: `${id.toLowerCase()}@import.example`, hours: 'Man-tors 9-15', note: '', verified_at: today, status: 'active', successor_id: '', service_area: '101', ...over,
	};
	return COLUMNS.map((c) => r[c]).join(';');
};
const csv = (...rows: string[]) => Buffer.from(`\uFEFF${[COLUMNS.join(';'), ...rows].join('\r\n')}\r\n`, 'utf8');

async function fitsPhone(page: Page) {
	await page.setViewportSize({ width: 390, height: 800 });
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	expect(width).toBeLessThanOrEqual(390);
	await page.setViewportSize({ width: 1280, height: 900 });
}

describe.skipIf(skipBrowser)('The coordinator imports the directory in the browser', () => {
	let browser: Browser;
	let admin: BrowserContext;
	let orgEditor: BrowserContext;
	beforeAll(async () => {
		const db = openServerDb();
		const adminSession = await createUserWithSession(db, { role: 'admin' });
		const org = await db.selectFrom('organisation').select('id').orderBy('id').executeTakeFirstOrThrow();
		const editorSession = await createUserWithSession(db, { role: 'org_editor', organisationIds: [org.id] });
		await db.destroy();
		browser = await launchBrowser();
		admin = await browser.newContext({ baseURL, locale: 'da-DK' });
		await admin.addCookies([adminSession.cookie.playwright(baseURL)]);
		orgEditor = await browser.newContext({ baseURL, locale: 'da-DK' });
		await orgEditor.addCookies([editorSession.cookie.playwright(baseURL)]);
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('uploads a file with one bad row, sees the preview in Danish, confirms, and the good rows are in', async () => {
		const page = await admin.newPage();
		await page.goto('/admin');
		await page.locator('.card').getByRole('link', { name: 'Import', exact: true }).click();
		await page.waitForURL('**/admin/import');
		await expectAccessible(page);
		await fitsPhone(page);

		await page.getByLabel('CSV-fil i Vejvisers format').setInputFiles({
			name: 'netvaerk.csv',
			mimeType: 'text/csv',
			buffer: csv(row(`W${stamp}1`), row(`W${stamp}2`, { topics: 'angst|maaneskin' }), row(`W${stamp}3`)),
		});
		await page.getByRole('button', { name: 'Vis forhåndsvisning' }).click();
		await page.getByRole('heading', { name: 'Forhåndsvisning af import' }).waitFor();
		const summary = await page.locator('table.summary').innerText();
		expect(summary).toMatch(/Oprettes\s+2/);
		expect(summary).toMatch(/Afvises\s+1/);
		const rejected = await page.locator('#afvist + p + table').innerText();
		expect(rejected).toContain('3');
		expect(rejected).toContain('topics (emner)');
		expect(rejected).toContain('Ukendt emne "maaneskin"');
		await expectAccessible(page);
		await fitsPhone(page);

		// Nothing is written before the confirm.
		expect((await fetch(`${baseURL}/api/people/W${stamp}1`)).status).toBe(404);
		await page.getByRole('button', { name: 'Importér' }).click();
		await page.waitForURL(/oprettet=2/);
		expect(await page.locator('.notice--ok').innerText()).toMatch(/2 oprettet.*1 række afvist/);
		await expectAccessible(page);
		expect((await fetch(`${baseURL}/api/people/W${stamp}1`)).status).toBe(200);
		expect((await fetch(`${baseURL}/api/people/W${stamp}2`)).status).toBe(404);
	}, 360_000);

	it('refuses to confirm a preview once the directory has changed, and asks for a new one', async () => {
		const page = await admin.newPage();
		await page.goto('/admin/import');
		await page.getByLabel('CSV-fil i Vejvisers format').setInputFiles({ name: 'igen.csv', mimeType: 'text/csv', buffer: csv(row(`W${stamp}1`, { title: 'Leder' })) });
		await page.getByRole('button', { name: 'Vis forhåndsvisning' }).click();
		await page.getByRole('button', { name: 'Importér' }).waitFor();
		// Someone edits an entry meanwhile.
		const db = openServerDb();
		const person = await db.selectFrom('person').select('id').where('ref', '=', `W${stamp}1`).executeTakeFirstOrThrow();
		await db.transaction().execute((trx) => patchPerson(trx, systemActor('test'), person.id, { hours: 'Fredag 9-12' }));
		await db.destroy();
		await page.getByRole('button', { name: 'Importér' }).click();
		expect(await page.getByRole('alert').innerText()).toMatch(/ændret, siden forhåndsvisningen.*ny forhåndsvisning/s);
		await expectAccessible(page);
		const body = await (await fetch(`${baseURL}/api/people/W${stamp}1`)).json();
		expect(body.title).toBe('Rådgiver');
	}, 180_000);

	it('keeps organisation editors out of the import and reference data, and shows them only their own organisation in the audit log', async () => {
		const page = await orgEditor.newPage();
		expect((await page.goto('/admin/import'))?.status()).toBe(403);
		expect((await page.goto('/admin/opslagsdata'))?.status()).toBe(403);
		expect((await page.goto('/admin/opslagsdata/ny-organisation'))?.status()).toBe(403);
		expect((await page.goto('/admin/dubletter'))?.status()).toBe(200);
		// The log: entries about their organisation's people and units only — not the imported organisation's.
		expect((await page.goto('/admin/log?type=person'))?.status()).toBe(200);
		const text = await page.locator('main').innerText();
		expect(text).not.toContain('Importsen');
		expect(await page.locator('#type option').allInnerTexts()).toEqual(expect.not.arrayContaining(['Bruger', 'Emne']));
		await expectAccessible(page);
	});

	it('merges a duplicate, and the old link and API ref lead to the kept entry', async () => {
		const page = await admin.newPage();
		await page.goto('/admin/import');
		await page.getByLabel('CSV-fil i Vejvisers format').setInputFiles({
			name: 'dublet.csv',
			mimeType: 'text/csv',
			buffer: csv(row(`M${stamp}1`, { first_name: 'Vibeke', last_name: `Dubletsen${stamp}` }), row(`M${stamp}2`, { first_name: 'Vibeke', last_name: `Dubletsen${stamp}`, email: `m${stamp}@import.example`.toLowerCase() })),
		});
		await page.getByRole('button', { name: 'Vis forhåndsvisning' }).click();
		await page.getByRole('button', { name: 'Importér' }).click();
		await page.waitForURL(/oprettet=2/);

		await page.goto('/admin/dubletter');
		await expectAccessible(page);
		const pair = page.locator('.pair').filter({ hasText: `M${stamp}2` }).filter({ hasText: `M${stamp}1` });
		await pair.getByLabel(new RegExp(`Behold .*M${stamp}1`)).check();
		await pair.getByRole('button', { name: 'Flet de to poster' }).click();
		await page.waitForURL(/flettet=/);
		const res = await page.goto(`/personer/M${stamp}2`);
		expect(res?.url()).toMatch(new RegExp(`/personer/M${stamp}1$`));
		const api = await fetch(`${baseURL}/api/people/M${stamp}2`);
		expect(api.status).toBe(200);
		expect((await api.json()).ref).toBe(`M${stamp}1`);
		await page.goto(`/personer/M${stamp}1/historik`);
		expect(await page.locator('main').innerText()).toContain('Flettet med en dublet');

		// The audit log finds the merge by the old ref; it and the reference data page are accessible and fit a phone.
		await page.goto(`/admin/log?person=M${stamp}2`);
		expect(await page.locator('main table').innerText()).toContain('merged_from');
		await expectAccessible(page);
		await fitsPhone(page);
		await page.goto('/admin/opslagsdata');
		await expectAccessible(page);
		await fitsPhone(page);
		await page.goto('/admin/dubletter');
		await fitsPhone(page);
	}, 240_000);
});

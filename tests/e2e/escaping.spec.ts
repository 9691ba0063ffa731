import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { findOrganisationByName } from '@/modules/directory/directory.repository';
import { ensureUnit, saveUnitContact, savePerson } from '@/modules/directory/directory.writes';
import { baseURL, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';

const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
const REF = 'E2E-ESC-1';

describe.skipIf(skipBrowser)('Hostile text in directory data', () => {
	let browser: Browser;
	let db: Db;
	let unitSlug = '';

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		const actor = systemActor('e2e');
		const org = await findOrganisationByName(db, 'Hillerød Kommune');
		const unit = await ensureUnit(db, actor, org!.id, `Enhed ${HOSTILE}`);
		unitSlug = (await db.selectFrom('unit').select('slug').where('id', '=', unit.id).executeTakeFirstOrThrow()).slug;
		await saveUnitContact(db, actor, { unitId: unit.id, label: `Fælles ${HOSTILE}`, phone: '+4548000000', email: null, hours: HOSTILE });
		await savePerson(db, actor, {
			ref: REF,
			firstName: `Eva ${HOSTILE}`,
			lastName: 'Escape"d\'',
			title: `Titel ${HOSTILE}`,
			unitId: unit.id,
			municipalityCode: '219',
			phone: '+4548111111',
			mobile: null,
			email: 'eva.escape@hilleroed.example',
			hours: HOSTILE,
			note: `Note ${HOSTILE} <img src=x onerror=alert(2)>`,
			keyPerson: true,
			status: 'active',
			successorId: null,
			verifiedAt: new Date().toISOString().slice(0, 10),
			topics: ['selvskade'],
			roles: ['akut'],
			ageGroups: ['13-17'],
		});
	});
	afterAll(async () => {
		await db?.destroy();
		await browser?.close();
	});

	for (const path of [`/personer/${REF}`, '/kommuner/hilleroed', '/kommuner/hilleroed/kontaktark', '/emner/selvskade', '/organisationer/hilleroed-kommune']) {
		it(`renders hostile text as text on ${path}`, async () => {
			const html = await (await fetch(`${baseURL}${path}`)).text();
			expect(html).toContain(ESCAPED);
			expect(html).not.toContain(HOSTILE);
			expect(html).not.toContain('<img src=x');
		});
	}

	it('renders a hostile unit name as text on the unit page', async () => {
		const html = await (await fetch(`${baseURL}/organisationer/hilleroed-kommune/${unitSlug}`)).text();
		expect(html).toContain(`Enhed ${ESCAPED}`);
		expect(html).not.toContain(HOSTILE);
	});

	it('runs no injected script in the browser', async () => {
		const page = await newPage(browser);
		const dialogs: string[] = [];
		page.on('dialog', async (d) => {
			dialogs.push(d.message());
			await d.dismiss();
		});
		await page.goto(`/personer/${REF}`);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(`Eva ${HOSTILE}`);
		await page.goto('/kommuner/hilleroed');
		expect(dialogs).toEqual([]);
	});

	it('keeps hostile text inert in the JSON API and the vCard', async () => {
		const json = await (await fetch(`${baseURL}/api/people/${REF}`)).json();
		expect(json.firstName).toBe(`Eva ${HOSTILE}`);
		const card = await (await fetch(`${baseURL}/personer/${REF}.vcf`)).text();
		expect(card).toContain('FN:Eva <script>alert(1)</script> Escape"d\'');
		expect(card.split('\r\n').filter((l) => l.startsWith('FN:'))).toHaveLength(1);
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';
import { as } from '../helpers/editing-network';
import { handOver } from '@/modules/directory/directory.handover';
import { handoverSchema } from '@/modules/directory/directory.schema';
import type { Db } from '@db/client';

const PATHWAY = '/viden/forloeb/udskrivning-bup';

/** The refs the "Udskrivning" phase's municipal block shows as contacts right now. */
async function dischargeRefs(page: Page): Promise<string[]> {
	return page.locator('#fase-udskrivning .contact-block').first().locator('.pathway-contact[data-ref]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ref')!));
}

describe.skipIf(skipBrowser)('Discharge pathway with live contacts', () => {
	let browser: Browser;
	let db: Db;
	/** verified_at of every person this spec confirmed or aged, restored afterwards for the other specs. */
	const original = new Map<string, string | null>();

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
	});
	afterAll(async () => {
		for (const [ref, verifiedAt] of original) await db.updateTable('person').set({ verified_at: verifiedAt }).where('ref', '=', ref).execute();
		await browser?.close();
		await db?.destroy();
	});

	async function setVerified(ref: string, verifiedAt: string) {
		if (!original.has(ref)) original.set(ref, (await db.selectFrom('person').select('verified_at').where('ref', '=', ref).executeTakeFirstOrThrow()).verified_at);
		await db.updateTable('person').set({ verified_at: verifiedAt }).where('ref', '=', ref).execute();
	}

	it('shows the current Gribskov discharge contact, then the successor after a handover, and says which part is stale', async () => {
		const page = await newPage(browser);
		await page.setViewportSize({ width: 390, height: 800 });
		await page.goto(PATHWAY);
		await expect(page.getByRole('heading', { level: 1 })).toBeDefined();
		await page.getByLabel('Vælg kommune for at se, hvem du kontakter').selectOption({ label: 'Gribskov' });
		await page.getByRole('button', { name: 'Vis kontakter' }).click();
		await page.waitForURL(/kommune=gribskov/);
		await expectAccessible(page);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

		// The first discharge contact is an active Gribskov municipal person with the discharge role.
		const refs = await dischargeRefs(page);
		expect(refs.length).toBeGreaterThan(0);
		const holder = await db
			.selectFrom('person')
			.innerJoin('unit', 'unit.id', 'person.unit_id')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.select(['person.id', 'person.ref', 'person.first_name', 'person.last_name', 'person.status', 'person.unit_id', 'organisation.municipality_code', 'organisation.type'])
			.where('person.ref', '=', refs[0])
			.executeTakeFirstOrThrow();
		expect(holder).toMatchObject({ status: 'active', municipality_code: '270', type: 'kommune' });
		const roles = await db.selectFrom('person_role').select('role_slug').where('person_id', '=', holder.id).execute();
		expect(roles.map((r) => r.role_slug)).toContain('udskrivning');
		await expect.poll(() => page.locator('#fase-udskrivning').innerText()).toContain(`${holder.first_name} ${holder.last_name}`);

		// Remembered without JavaScript: the cookie brings Gribskov back on a plain visit.
		await page.goto(PATHWAY);
		expect(await dischargeRefs(page)).toEqual(refs);

		// Handover in the directory (roles move to a colleague in the same unit): the successor shows at once.
		const colleague = await db
			.selectFrom('person')
			.select(['ref', 'first_name', 'last_name'])
			.where('unit_id', '=', holder.unit_id)
			.where('status', '=', 'active')
			.where('ref', 'not in', refs)
			.orderBy('ref')
			.executeTakeFirstOrThrow();
		const outcome = await handOver(db, as('admin'), holder.id, handoverSchema.parse({ mode: 'successor', successorRef: colleague.ref, moveTags: 'on' }));
		expect(outcome.ok).toBe(true);
		await page.reload();
		const after = await dischargeRefs(page);
		expect(after).toContain(colleague.ref);
		expect(after).not.toContain(holder.ref);
		expect(await page.locator('#fase-udskrivning').innerText()).toContain(`${colleague.first_name} ${colleague.last_name}`);

		// Confirm everyone the pathway points to in any member municipality: verified.
		const today = new Date().toISOString().slice(0, 10);
		for (let round = 0; round < 3; round++) {
			const stale = (await page.locator('.stale-parts li[data-refs]').evaluateAll((els) => els.flatMap((e) => e.getAttribute('data-refs')!.split(' ')))).filter(Boolean);
			if (stale.length === 0) break;
			for (const ref of new Set(stale)) await setVerified(ref, today);
			await page.reload();
		}
		await expect.poll(() => page.locator('.pathway-status').getAttribute('data-verified')).toBe('ja');
		expect(await page.locator('#status-title').innerText()).toBe('Verificeret');

		// One referenced person unconfirmed past their interval: not fully verified, and the part is named.
		await setVerified(colleague.ref, '2024-01-01');
		await page.reload();
		expect(await page.locator('.pathway-status').getAttribute('data-verified')).toBe('nej');
		const status = await page.locator('.pathway-status').innerText();
		expect(status).toContain('Ikke fuldt verificeret');
		expect(status).toMatch(/Fasen Udskrivning i Gribskov: .*/);
		expect(status).toContain(`${colleague.first_name} ${colleague.last_name}`);
		await expectAccessible(page);
	});

	it('tells an unknown municipality in Danish and finds the pathway in search', async () => {
		const page = await newPage(browser);
		const res = await page.goto(`${PATHWAY}?kommune=atlantis`);
		expect(res?.status()).toBe(404);
		expect(await page.getByRole('alert').innerText()).toContain('er ikke med i netværket');
		const api = await page.request.get('/api/search?q=udskrivning%20gribskov&type=article');
		const body = await api.json();
		expect(body.results.map((r: { url: string }) => r.url)).toContain(PATHWAY);
		const mixed = await (await page.request.get('/api/search?q=udskrivning%20gribskov&limit=30')).json();
		const types = new Set(mixed.results.map((r: { type: string }) => r.type));
		expect(types.has('person')).toBe(true);
		expect(types.has('article')).toBe(true);
	});
});

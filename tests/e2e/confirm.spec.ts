import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';
import type { Db } from '@db/client';
import { savePerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { runFreshness } from '@/modules/freshness/freshness.loop';
import { getTokenSecret } from '@/modules/freshness/freshness.token';
import { DEFAULT_FRESHNESS_CONFIG } from '@/modules/freshness/freshness.config';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { createUserWithSession } from '../helpers/auth';

describe.skipIf(skipBrowser)('A key person confirms their entry from the mail', () => {
	let browser: Browser;
	let db: Db;
	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
	});

	it('opens the link, sees the entry, presses the button and is confirmed once', async () => {
		const unit = await db.selectFrom('unit').select('id').orderBy('id').executeTakeFirstOrThrow();
		const ref = `e2e-confirm-${Date.now()}`;
		const email = `${ref}@kommune.example`;
		const verifiedAt = new Date(Date.now() - 400 * 86_400_000).toISOString();
		const { id } = await savePerson(db, systemActor('e2e'), {
			ref, firstName: 'Bekræfta', lastName: 'Nøgleperson', title: 'Koordinator', unitId: unit.id, municipalityCode: null,
			phone: '+4570101010', mobile: null, email, hours: 'Man-fre 9-15', note: '', keyPerson: true, status: 'active',
			successorId: null, verifiedAt, topics: [], roles: ['akut'], ageGroups: [],
		});

		// The job, run against the server's database (the cap lifted: the server's own scheduler may have used it).
		await runFreshness(db, new Date(), {
			baseUrl: baseURL,
			secret: await getTokenSecret(db, process.env.TOKEN_SECRET || undefined),
			onlyPersonIds: [id],
			config: { ...DEFAULT_FRESHNESS_CONFIG, dailyCap: 1_000_000 },
		});
		const mail = await db.selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', email).where('kind', '=', 'freshness-request').executeTakeFirstOrThrow();
		const link = /(https?:\/\/\S+\/bekraeft\/\S+)/.exec(mail.text_body)?.[1];
		expect(link).toBeDefined();

		const page = await newPage(browser);
		await page.goto(link!);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Er dine oplysninger korrekte?');
		expect(await page.locator('main').textContent()).toContain('Bekræfta Nøgleperson');
		await expectAccessible(page);
		// Opening the link (as a mail scanner would) confirms nothing.
		const before = await db.selectFrom('person').select(['verified_at', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
		expect(before.verified_at).toBe(verifiedAt);

		const pressedAt = Date.now();
		await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Mine oplysninger er korrekte' }).click()]);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Dine oplysninger er bekræftet');
		await expectAccessible(page);

		const after = await db.selectFrom('person').select(['verified_at', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
		expect(new Date(after.verified_at!).getTime()).toBeGreaterThanOrEqual(pressedAt - 2000);
		expect(after.updated_at).toBe(before.updated_at);

		// The same link again: nothing changes, and the page says it was already used.
		const again = await fetch(link!, { method: 'POST', headers: { Origin: baseURL }, redirect: 'manual' });
		expect(again.status).toBe(303);
		const audit = await db.selectFrom('audit_log').select('id').where('entity_type', '=', 'person').where('entity_id', '=', id).where('action', '=', 'verify').execute();
		expect(audit).toHaveLength(1);
	});

	it('answers a tampered link with a clear Danish page and status 404', async () => {
		const page = await newPage(browser);
		const response = await page.goto('/bekraeft/1.9999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
		expect(response?.status()).toBe(404);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Linket virker ikke');
		await expectAccessible(page);
	});
});

describe.skipIf(skipBrowser)('Admins read the outbox and editors the freshness dashboard', () => {
	let browser: Browser;
	let db: Db;
	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
	});

	async function pageAs(opts: Parameters<typeof createUserWithSession>[1]) {
		const { cookie } = await createUserWithSession(db, opts);
		const page = await newPage(browser);
		await page.context().addCookies([cookie.playwright(baseURL)]);
		return page;
	}

	it('shows an admin every mail, and a mail’s links clickable in its detail view', async () => {
		const to = `outbox-${Date.now()}@kommune.example`;
		await enqueueMail(db, { to, subject: 'Din kode til Vejviser', text: `Koden er ABCD2345\nEller brug linket: ${baseURL}/om\n`, kind: 'signin-code' });
		const page = await pageAs({ role: 'admin', secondFactor: true });
		await page.goto(`/admin/outbox?til=${encodeURIComponent(to)}`);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Udbakke');
		await expectAccessible(page);
		await page.getByRole('link', { name: 'Din kode til Vejviser' }).click();
		await page.waitForURL(/\/admin\/outbox\/\d+$/);
		expect(await page.locator('main').textContent()).toContain('Koden er ABCD2345');
		expect(await page.getByRole('link', { name: `${baseURL}/om` }).count()).toBe(1);
		await expectAccessible(page);
	});

	it('shows a unit editor the share confirmed in their unit with a fix link per flagged entry, and denies a member', async () => {
		const person = await db
			.selectFrom('person')
			.select(['id', 'unit_id', 'ref'])
			.where('status', '=', 'active')
			.where('verified_at', '<', new Date(Date.now() - 500 * 86_400_000).toISOString())
			.orderBy('id')
			.executeTakeFirstOrThrow();
		const editor = await pageAs({ role: 'unit_editor', unitIds: [person.unit_id] });
		const response = await editor.goto('/admin/aktualitet');
		expect(response?.status()).toBe(200);
		expect(await editor.locator('main').textContent()).toMatch(/\d+ % bekræftet/);
		expect(await editor.locator(`a[href="/personer/${encodeURIComponent(person.ref)}/rediger"]`).count()).toBeGreaterThan(0);
		await expectAccessible(editor);

		const member = await pageAs({ role: 'member' });
		expect((await member.goto('/admin/aktualitet'))?.status()).toBe(403);
		expect((await member.goto('/admin/outbox'))?.status()).toBe(403);
	});
});

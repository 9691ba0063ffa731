import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb } from '@db/client';
import { freePort, waitForHealth } from './global-setup';
import { baseURL, databaseOfItsOwn, e2e, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';
import { createUserWithSession } from '../helpers/auth';
import { as } from '../helpers/editing-network';
import { handOver } from '@/modules/directory/directory.handover';
import { patchPerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { handoverSchema } from '@/modules/directory/directory.schema';
import type { Db } from '@db/client';
import { RETENTION } from '@/modules/privacy/privacy.retention';
import { CODE_TTL_MS } from '@/modules/auth/auth.signin';
import { MUNICIPALITY_COOKIE_DAYS } from '@/modules/knowledge/knowledge.views';
import { freshnessConfigFromEnv } from '@/modules/freshness/freshness.config';

const PATHWAY = '/viden/forloeb/udskrivning-bup';

/** The refs the "Udskrivning" phase's municipal block shows as contacts right now. */
async function dischargeRefs(page: Page): Promise<string[]> {
	return page.locator('#fase-udskrivning .contact-block').first().locator('.pathway-contact[data-ref]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ref')!));
}

describe.skipIf(skipBrowser)('Discharge pathway with live contacts', { timeout: 180_000 }, () => {
	let browser: Browser;
	let db: Db;
	/** verified_at of every person this spec confirmed or aged, restored afterwards for the other specs. */
	const original = new Map<string, string | null>();

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
	});
	afterAll(async () => {
		for (const [ref, verifiedAt] of original) await setVerified(ref, verifiedAt);
		await browser?.close();
		await db?.destroy();
	});

	/** As the app confirms an entry (freshness.confirm.ts): through patchPerson, audited, so cached pages follow. */
	async function setVerified(ref: string, verifiedAt: string | null) {
		const person = await db.selectFrom('person').select(['id', 'verified_at']).where('ref', '=', ref).executeTakeFirstOrThrow();
		if (!original.has(ref)) original.set(ref, person.verified_at);
		await patchPerson(db, systemActor('test'), person.id, { verified_at: verifiedAt }, 'verify', { touchUpdatedAt: false });
	}

	it('shows the current Gribskov discharge contact, then the successor after a handover, and says which part is stale', async () => {
		const page = await newPage(browser);
		await page.setViewportSize({ width: 390, height: 800 });
		await page.goto(PATHWAY);
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('Udskrivning');
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

		// The page cache is on (the built server): an unaudited change is not seen while the stored page is current
		// (same audit id, same minute) — so what follows proves the handover's audit entry is what refreshes it.
		const chosenUrl = `${PATHWAY}?kommune=gribskov`;
		const minute = () => Math.floor(Date.now() / 60_000);
		const m0 = minute();
		const stored = await page.request.get(chosenUrl);
		const etag = stored.headers()['etag'];
		expect(etag).toBeTruthy();
		const { title: holderTitle } = await db.selectFrom('person').select('title').where('id', '=', holder.id).executeTakeFirstOrThrow();
		const marker = `Uden ændringslog ${Date.now()}`;
		await db.updateTable('person').set({ title: marker }).where('id', '=', holder.id).execute();
		const fromStore = await page.request.get(chosenUrl, { headers: { 'If-None-Match': etag } });
		if (minute() === m0) expect(fromStore.status()).toBe(304);
		await db.updateTable('person').set({ title: holderTitle }).where('id', '=', holder.id).execute();

		// Handover in the directory (roles move to a colleague in the same unit): the successor shows at once,
		// without a rebuild or restart, through the same page cache.
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
		const afterHandover = await page.request.get(chosenUrl, { headers: { 'If-None-Match': etag } });
		expect(afterHandover.status()).toBe(200);
		expect(await afterHandover.text()).toContain(`data-ref="${colleague.ref}"`);
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
		expect(await page.locator('.pathway-status').innerText()).toMatch(/(Én fase|\d faser) peger på kontakter, der ikke har bekræftet/);
		// The parts are listed behind a summary (a native <details>: no JavaScript needed), and the phase says so too.
		await page.locator('.pathway-status summary').click();
		const status = await page.locator('.pathway-status').innerText();
		expect(status).toContain('Ikke fuldt verificeret');
		expect(await page.locator('#fase-udskrivning > section > p.notice--warn').innerText()).toBe('Ikke fuldt verificeret: Gribskov.');
		expect(status).toContain(`Fasen Udskrivning: ${colleague.first_name} ${colleague.last_name} (Gribskov)`);
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

	async function signedIn(opts: Parameters<typeof createUserWithSession>[1]): Promise<Page> {
		const { cookie } = await createUserWithSession(db, { secondFactor: true, ...opts });
		const page = await newPage(browser);
		await page.context().addCookies([cookie.playwright(baseURL)]);
		return page;
	}

	it('lets Gribskov’s editor add a local note to a phase, and refuses another municipality’s editor', async () => {
		const gribskov = await db.selectFrom('organisation').select('id').where('type', '=', 'kommune').where('municipality_code', '=', '270').executeTakeFirstOrThrow();
		const hilleroed = await db.selectFrom('organisation').select('id').where('type', '=', 'kommune').where('municipality_code', '=', '219').executeTakeFirstOrThrow();
		const editor = await signedIn({ role: 'org_editor', organisationIds: [gribskov.id] });
		await editor.goto(`${PATHWAY}/noter?kommune=gribskov`);
		await expectAccessible(editor);
		await editor.getByLabel('Bemærkning til fasen "Udskrivning"').fill('Ring til **ungeindsatsen** inden udskrivning. <script>alert(1)</script>');
		await editor.locator('form:has(#note-udskrivning)').getByRole('button', { name: 'Gem bemærkning' }).click();
		await editor.waitForURL(/kommune=gribskov#fase-udskrivning/);
		const note = editor.locator('#fase-udskrivning .local-note');
		expect(await note.innerText()).toContain('Ring til ungeindsatsen inden udskrivning.');
		expect(await note.innerHTML()).not.toContain('<script');
		const audit = await db.selectFrom('audit_log').select(['action', 'actor']).where('entity_type', '=', 'knowledge_note').orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(audit.action).toBe('create');

		expect(await editor.getByRole('link', { name: 'Redigér Gribskovs lokale bemærkninger' }).count()).toBe(1);
		const other = await signedIn({ role: 'org_editor', organisationIds: [hilleroed.id] });
		await other.goto(`${PATHWAY}?kommune=gribskov`);
		expect(await other.getByRole('link', { name: 'Redigér Gribskovs lokale bemærkninger' }).count()).toBe(0);
		const refused = await other.goto(`${PATHWAY}/noter?kommune=gribskov`);
		expect(refused?.status()).toBe(403);
		const post = await other.request.post(`${PATHWAY}/noter?kommune=gribskov`, { form: { phase: 'udskrivning', body: 'Overtaget' }, headers: { Origin: baseURL } });
		expect(post.status()).toBe(403);
		const bodies = await db.selectFrom('knowledge_note').select('body').where('municipality_code', '=', '270').execute();
		expect(bodies.map((b) => b.body)).not.toContain('Overtaget');
	});

	it('publishes an admin’s news on the home page and Gribskov’s page, sanitised', async () => {
		const admin = await signedIn({ role: 'admin' });
		await admin.goto('/admin/nyheder');
		await expectAccessible(admin);
		await admin.getByLabel('Overskrift').fill('Ny udskrivningsaftale i Gribskov');
		await admin.getByLabel('Tekst').fill('Aftalen gælder fra **1. januar**. [Læs mere](javascript:alert(1)) <img src=x onerror=alert(2)>');
		await admin.getByLabel('Vises for').selectOption({ label: 'Gribskov (forsiden og kommunens side)' });
		await admin.getByRole('button', { name: 'Udgiv' }).click();
		await admin.waitForURL(/gemt=1/);
		const anon = await newPage(browser);
		await anon.setViewportSize({ width: 390, height: 800 });
		for (const path of ['/', '/kommuner/gribskov']) {
			await anon.goto(path);
			const news = anon.locator('.news');
			expect(await news.innerText()).toContain('Ny udskrivningsaftale i Gribskov');
			const html = await news.innerHTML();
			expect(html).not.toMatch(/javascript:|onerror|<img/);
			expect(html).toContain('<strong>1. januar</strong>');
		}
		await anon.goto('/kommuner/hilleroed');
		expect(await anon.locator('.news').count()).toBe(0);
		// Empty title: a Danish message and the text kept.
		await admin.goto('/admin/nyheder');
		await admin.getByLabel('Tekst').fill('Tekst uden overskrift');
		await admin.getByRole('button', { name: 'Udgiv' }).click();
		expect(await admin.locator('.error').first().innerText()).toContain('Skriv en overskrift');
		expect(await admin.getByLabel('Tekst').inputValue()).toBe('Tekst uden overskrift');
	});

	it('sends a section report to the owner’s queue and shows the about, privacy and accessibility pages', async () => {
		const page = await newPage(browser);
		await page.setViewportSize({ width: 390, height: 800 });
		await page.goto('/viden/metoder/netvaerksmoeder');
		await expectAccessible(page);
		expect(await page.locator('.article-meta').innerText()).toContain('Senest gennemgået');
		// One report link per section: the introduction, each top-level heading, and the sources.
		const reportLinks = page.getByRole('link', { name: /Meld en fejl i dette afsnit/ });
		expect(await reportLinks.count()).toBe((await page.locator('.article-section').count()) + 1);
		expect(await page.locator('.article-section').count()).toBeGreaterThanOrEqual(3);
		await page.getByRole('link', { name: /^Meld en fejl i dette afsnit\s*: Skabelon$/ }).click();
		expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Meld en fejl i "Skabelon"');
		// The bots' field is off-screen (it once was visible here: the hiding style lived in another page).
		const honeypot = await page.locator('.hp').boundingBox();
		expect(honeypot!.x + honeypot!.width).toBeLessThanOrEqual(0);
		await page.getByLabel('Hvad er forkert eller mangler?').fill('Skabelonen mangler et punkt om tolk.');
		await page.getByRole('button', { name: 'Send' }).click();
		await page.waitForURL(/tak=1/);
		const row = await db.selectFrom('correction').select(['article_ref', 'unit_id', 'message']).where('article_ref', 'like', 'methods/netvaerksmoeder%').executeTakeFirstOrThrow();
		expect(row.message).toContain('tolk');
		expect(row.article_ref).toBe('methods/netvaerksmoeder#afsnit-skabelon');
		expect(row.message).toContain('afsnittet "Skabelon" (/viden/metoder/netvaerksmoeder#afsnit-skabelon)');
		// Addressed to the owner: the article's owning unit, whose editors see it at /rettelser.
		const owner = await db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select('unit.id').where('organisation.slug', '=', 'netvaerkssekretariatet').where('unit.slug', '=', 'tovholder-og-styregruppe').executeTakeFirstOrThrow();
		expect(row.unit_id).toBe(owner.id);
		await page.getByRole('link', { name: 'Tilbage til Netværksmøder' }).click();
		await page.waitForURL(/#afsnit-skabelon$/);
		expect(await page.locator('#afsnit-skabelon').count()).toBe(1);
		for (const path of ['/viden', '/om', '/privatliv', '/tilgaengelighed', '/viden/ressourcer/frivillige', '/viden/ressourcer/hjaelpelinjer']) {
			const res = await page.goto(path);
			expect(res?.status(), path).toBe(200);
			await expectAccessible(page);
			expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
		}
		await page.goto('/om');
		expect(await page.locator('#coordinator-title + ul .card').count()).toBeGreaterThan(0);
		// The freshness intervals as the loop applies them (the server runs with the same environment).
		const policy = freshnessConfigFromEnv();
		expect((await page.locator('main').innerText()).replace(/\s+/g, ' ')).toContain(`(${policy.priorityIntervalMonths} måneder for nøglepersoner, ellers ${policy.otherIntervalMonths}) og 3 måneder mere`);
		await page.goto('/privatliv');
		const privacy = await page.locator('main').innerText();
		expect(privacy).toContain('vejviser_kommune');
		// Every period as the jobs apply it (RETENTION and the cookies' own constants), never a number of its own.
		expect(privacy).toContain(`Ubekræftede tilmeldinger slettes efter ${RETENTION.unconfirmedRegistrationDays} dage`);
		expect(privacy).toContain(`Slettes efter ${RETENTION.searchLogDays} dage`);
		expect(privacy).toContain(`Slettes efter ${RETENTION.sessionIdleDays} dage uden brug eller senest efter ${RETENTION.sessionMaxDays} dage`);
		expect(privacy).toContain(`Slettes ${RETENTION.deliveredMailDays} dage efter afsendelse`);
		expect(privacy).toContain(`${CODE_TTL_MS / 60_000} minutter`);
		expect(privacy).toContain(`${MUNICIPALITY_COOKIE_DAYS / 365} år, eller til du vælger en anden`);

		// Help lines: each number with where it came from and when it was checked.
		await page.goto('/viden/ressourcer/hjaelpelinjer');
		const lines = page.locator('.help-line');
		expect(await lines.count()).toBeGreaterThanOrEqual(3);
		for (const line of await lines.all()) {
			const number = (await line.getAttribute('data-number'))!;
			expect(await line.getByRole('link', { name: number, exact: true }).getAttribute('href')).toBe(`tel:${number.replace(/ /g, '')}`);
			const source = line.locator('.help-line__source');
			expect(await source.innerText()).toMatch(/^Kilde: .+\. Set \d{1,2}\. \w+ \d{4}\.$/);
			expect(await source.getByRole('link').getAttribute('href')).toMatch(/^https:\/\//);
		}
	});
});

/**
 * Months later, nobody has reviewed the six-monthly articles: a server of its own with the clock at 1 June 2027
 * (VEJVISER_NOW, src/lib/clock.ts) on its own copy of the seeded network. Overdue articles carry a banner and stay
 * published and searchable (never silently archived); the admins see them due at /admin.
 */
describe.skipIf(skipBrowser)('Articles past their review date', { timeout: 240_000 }, () => {
	const LATER = '2027-06-01T10:00:00+02:00';
	let browser: Browser;
	let server: ChildProcess;
	let dir = '';
	let base = '';
	let own: Awaited<ReturnType<typeof databaseOfItsOwn>> | undefined;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vejviser-review-'));
		own = await databaseOfItsOwn(dir, 'review');
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = spawn(process.execPath, [e2e.serverEntry], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...own.env, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off', VEJVISER_NOW: LATER },
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		await waitForHealth(base, server);
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		const exited = server && server.exitCode === null ? new Promise((r) => server.once('exit', r)) : undefined;
		server?.kill('SIGTERM');
		await exited;
		await own?.drop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('shows the overdue banner, keeps the page and its search result, and lists it for the admins', async () => {
		const context = await browser.newContext({ baseURL: base, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		// Six-monthly, last reviewed 20 November 2026: overdue since 20 May 2027.
		expect((await page.goto(PATHWAY))?.status()).toBe(200);
		const banner = page.locator('.review-banner');
		expect(await banner.innerText()).toContain('Gennemgang overskredet. Teksten skulle have været gennemgået senest 20. maj 2027.');
		expect(await page.locator('.pathway-status').getAttribute('data-verified')).toBe('nej');
		expect(await page.locator('.pathway-status').innerText()).toContain('Ejerens gennemgang er overskredet (skulle være sket senest 20. maj 2027).');
		await expectAccessible(page);
		// A yearly method is still current: no banner.
		await page.goto('/viden/metoder/netvaerksmoeder');
		expect(await page.locator('.review-banner').count()).toBe(0);
		await page.goto('/viden');
		expect(await page.locator('.card', { hasText: 'Udskrivning fra børne- og ungdomspsykiatrien' }).innerText()).toContain('Gennemgang overskredet');
		expect(await page.locator('.card', { hasText: 'Netværksmøder' }).innerText()).not.toContain('Gennemgang overskredet');
		const found = await (await fetch(`${base}/api/search?q=udskrivning&type=article&limit=20`)).json();
		expect(found.results.map((r: { url: string }) => r.url)).toContain(PATHWAY);

		const db = createDb(own!.target);
		try {
			const { cookie } = await createUserWithSession(db, { role: 'admin', secondFactor: true });
			await context.addCookies([cookie.playwright(base)]);
			await page.goto('/admin');
			const due = await page.locator('.due-articles').innerText();
			expect(due).toContain('Udskrivning fra børne- og ungdomspsykiatrien til kommunen — overskredet siden 20. maj 2027');
			expect(due).toContain('Efter et selvmordsforsøg');
			expect(due).not.toContain('Netværksmøder');
			await expectAccessible(page);
		} finally {
			await db.destroy();
		}
		await context.close();
	});
});

/**
 * The supervision journey in Chromium: a member applies, the supervisor approves, records two meetings'
 * attendance on a phone-sized screen (one remote with 4 present, one in person with 7 present, 3 hours each),
 * closes the course; the member opens "Dokumentation for supervision" with 6 raw and 3,5 creditable hours, and
 * the public verification page confirms it — and shows nothing more. axe on every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';
import { createUserWithSession, sessionCookieFor } from '../helpers/auth';
import { createGroup } from '@/modules/supervision/supervision.writes';

const stamp = Date.now();
const title = `Supervision e2e ${stamp}`;

async function fitsPhone(page: Page) {
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	expect(width, `horizontal scroll on ${page.url()}`).toBeLessThanOrEqual(390);
}

describe.skipIf(skipBrowser)('Supervision in the browser', () => {
	let browser: Browser;
	let member: BrowserContext;
	let supervisor: BrowserContext;
	let slug: string;
	const memberName = `Maja Medlem ${stamp}`;
	let memberEmail = '';

	beforeAll(async () => {
		browser = await launchBrowser();
		const db = openServerDb();
		const sup = await createUserWithSession(db, { name: 'Susanne Supervisor', role: 'member' });
		const mem = await createUserWithSession(db, { name: memberName, role: 'member' });
		memberEmail = mem.user.email;
		const group = await createGroup(
			db,
			{
				title, focus: 'Supervision på egne sager om selvskade', topics: ['selvskade'], audience: 'Psykologer', admission: 'Send en kort ansøgning.', place: 'Testhuset',
				minSize: 6, capacity: 12, countsTowardTraining: true, offerDays: 5,
				supervisors: [{ userId: sup.user.id, name: 'Susanne Supervisor', profession: 'Psykolog', qualifications: 'Specialist i psykoterapi', kind: 'psychologist', external: true }],
			},
			{ label: 'e2e', userId: null },
		);
		slug = group.slug;
		await db.destroy();
		member = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
		await member.addCookies([mem.cookie.playwright(baseURL)]);
		supervisor = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 } });
		await supervisor.addCookies([sup.cookie.playwright(baseURL)]);
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('applies, approves, records attendance, closes, issues and verifies the statement', async () => {
		// The member finds the group and applies.
		member.setDefaultTimeout(10_000);
		supervisor.setDefaultTimeout(10_000);
		const m = await member.newPage();
		await m.goto('/supervision');
		await expectAccessible(m);
		await m.getByRole('link', { name: title }).click();
		await expect.poll(() => m.url()).toContain(`/supervision/${slug}`);
		expect(await m.getByText('Ingen borgerdata.').count()).toBe(1);
		await expectAccessible(m);
		await m.getByRole('link', { name: 'Søg om en plads' }).click();
		await expectAccessible(m);
		await m.getByLabel('Profession').selectOption('Psykolog');
		await m.getByLabel('Kort motivation').fill('Jeg er under praksisuddannelse.');
		await m.getByRole('button', { name: 'Send ansøgning' }).click();
		await m.getByText('Tak for din ansøgning.').waitFor();

		// The supervisor approves on a phone, adds two meetings and records attendance.
		const s = await supervisor.newPage();
		await s.goto(`/supervision/${slug}/admin`);
		await expectAccessible(s);
		await fitsPhone(s);
		await s.getByRole('button', { name: `Godkend ${memberName}` }).click();
		await s.getByText('Ansøgeren er optaget').waitFor();
		for (const [date, mode] of [['2026-10-05', 'Fjernsupervision (online)'], ['2026-10-19', 'Fremmøde']]) {
			await s.getByLabel('Dato').fill(date);
			await s.getByLabel('Starttidspunkt (tt:mm)').fill('13:00');
			await s.getByLabel('Varighed i minutter').fill('180');
			await s.getByLabel(mode, { exact: true }).check();
			await s.getByRole('button', { name: 'Opret møde' }).click();
			await s.getByText('Mødet er oprettet').waitFor();
		}
		for (const [present, remote] of [['4', true], ['7', false]] as const) {
			await s.getByRole('link', { name: /Registrér fremmøde/ }).first().click();
			await s.getByRole('heading', { name: 'Fremmøde' }).waitFor();
			await expectAccessible(s);
			await fitsPhone(s);
			await s.getByRole('group', { name: new RegExp(memberName) }).getByLabel('Til stede').check();
			await s.getByLabel('Varighed i minutter').fill('180');
			await s.getByLabel(remote ? 'Fjernsupervision' : 'Fremmøde', { exact: true }).check();
			await s.getByLabel('Antal supervisander til stede').fill(present);
			await s.getByLabel('Heraf psykologer').fill(present);
			await s.getByRole('button', { name: 'Gem fremmøde' }).click();
			await s.getByText('Fremmødet er gemt.').waitFor();
		}

		// Before the course is closed there is no statement; hours show on Mine timer.
		await m.goto('/supervision/mine-timer');
		await expectAccessible(m);
		expect(await m.getByTestId('network-raw').textContent()).toBe('6');
		expect(await m.getByTestId('network-creditable').textContent()).toBe('3,5');
		await m.goto(`/supervision/${slug}/dokumentation`);
		await m.getByText('først dannes, når forløbet er afsluttet').waitFor();

		// The member sees no member list or attendance of others.
		const forbidden = await m.goto(`/supervision/${slug}/admin`);
		expect(forbidden?.status()).toBe(403);

		await s.goto(`/supervision/${slug}/admin`);
		await s.getByRole('button', { name: 'Afslut forløbet' }).click();
		await s.getByText('Forløbet er afsluttet.').waitFor();

		// The statement: right hours, printable on A4.
		await m.goto(`/supervision/${slug}/dokumentation`);
		await m.getByRole('button', { name: 'Dan dokumentation' }).click();
		await m.getByTestId('raw-hours').waitFor();
		expect(await m.getByTestId('raw-hours').textContent()).toBe('6');
		expect(await m.getByTestId('creditable-hours').textContent()).toBe('3,5');
		expect(await m.getByText('05.10.2026 – 19.10.2026').count()).toBe(1);
		await expectAccessible(m);
		const pdf = await m.pdf({ format: 'A4' });
		const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
		expect(pages).toBeGreaterThanOrEqual(1);
		expect(pages).toBeLessThanOrEqual(2);
		const code = ((await m.getByTestId('verification-code').textContent()) ?? '').replace(/-/g, '');
		expect(code).toMatch(/^[A-Z2-9]{20}$/);

		// Anyone can verify it, and see what it says and nothing more.
		const anon = await (await browser.newContext({ baseURL, locale: 'da-DK' })).newPage();
		const res = await anon.goto(`/supervision/bekraeft/${code.toLowerCase()}`);
		expect(res?.status()).toBe(200);
		await anon.getByText('Dokumentationen er ægte.').waitFor();
		expect(await anon.getByTestId('raw-hours').textContent()).toBe('6');
		expect(await anon.getByTestId('creditable-hours').textContent()).toBe('3,5');
		expect(await anon.content()).not.toContain(memberEmail);
		await expectAccessible(anon);
		const unknown = await anon.goto('/supervision/bekraeft/AAAA-BBBB-CCCC-DDDD-EEEE');
		expect(unknown?.status()).toBe(404);

		// The group is in search as type=group.
		const api = await (await fetch(`${baseURL}/api/search?q=${encodeURIComponent('Supervision e2e')}&type=group`)).json();
		expect(api.results.some((r: { ref: string; url: string }) => r.ref === slug && r.url === `/supervision/${slug}`)).toBe(true);
	}, 180_000);

	it('shows the demo groups with their history to a member and to a supervisor on a phone', async () => {
		const db = openServerDb();
		const demoMember = await db.selectFrom('user').select('id').where('email', '=', 'henrik.nielsenbak@hilleroed.kommune.example').executeTakeFirstOrThrow();
		const demoSupervisor = await db.selectFrom('user').select('id').where('email', '=', 'henrik.hansen@regionh.example').executeTakeFirstOrThrow();
		const memberCookie = await sessionCookieFor(db, demoMember.id);
		const supervisorCookie = await sessionCookieFor(db, demoSupervisor.id);
		await db.destroy();
		const phone = { baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 } };
		const mc = await browser.newContext(phone);
		await mc.addCookies([memberCookie.playwright(baseURL)]);
		const p = await mc.newPage();
		await p.goto('/supervision');
		expect(await p.getByRole('link', { name: 'Selvskade og selvmordsadfærd hos unge' }).count()).toBe(1);
		expect(await p.getByText('Fuld — venteliste').count()).toBeGreaterThanOrEqual(1);
		await fitsPhone(p);
		await p.goto('/supervision/selvskade-og-selvmordsadfaerd-hos-unge');
		await p.getByText('Dine timer i gruppen:').waitFor();
		await expectAccessible(p);
		await fitsPhone(p);
		await p.goto('/supervision/mine-timer');
		expect(Number((await p.getByTestId('network-raw').textContent())!.replace(',', '.'))).toBeGreaterThan(10);
		await expectAccessible(p);
		await fitsPhone(p);

		const sc = await browser.newContext(phone);
		await sc.addCookies([supervisorCookie.playwright(baseURL)]);
		const q = await sc.newPage();
		await q.goto('/supervision/selvskade-og-selvmordsadfaerd-hos-unge/admin');
		await q.getByRole('heading', { name: /Deltagere \(\d+\)/ }).waitFor();
		await expectAccessible(q);
		await fitsPhone(q);
		await q.getByRole('link', { name: /Ret fremmøde/ }).first().click();
		await q.getByRole('heading', { name: 'Fremmøde' }).waitFor();
		await expectAccessible(q);
		await fitsPhone(q);
	}, 120_000);

	it('refuses the supervisor pages to anonymous visitors, members and another group\'s supervisor, by GET and POST, and changes nothing', async () => {
		const db = openServerDb();
		const group = await db.selectFrom('supervision_group').select(['id', 'slug']).where('slug', '=', 'angst-hos-boern-og-unge').executeTakeFirstOrThrow();
		const meeting = await db.selectFrom('supervision_meeting').select('id').where('group_id', '=', group.id).orderBy('id').limit(1).executeTakeFirstOrThrow();
		const applicant = await db.selectFrom('supervision_membership').select('id').where('group_id', '=', group.id).where('status', '=', 'waiting').orderBy('id').limit(1).executeTakeFirstOrThrow();
		const plainMember = await createUserWithSession(db, { role: 'member' });
		const editor = await createUserWithSession(db, { role: 'org_editor' });
		const otherSupervisorUser = await db.selectFrom('user').select('id').where('email', '=', 'henrik.hansen@regionh.example').executeTakeFirstOrThrow();
		const otherSupervisor = await sessionCookieFor(db, otherSupervisorUser.id);
		const fingerprint = async () =>
			JSON.stringify([
				await db.selectFrom('supervision_membership').selectAll().orderBy('id').execute(),
				await db.selectFrom('supervision_attendance').selectAll().orderBy('meeting_id').orderBy('membership_id').execute(),
				await db.selectFrom('supervision_meeting').selectAll().orderBy('id').execute(),
				await db.selectFrom('supervision_group').selectAll().orderBy('id').execute(),
				await db.selectFrom('mail_outbox').selectAll().orderBy('id').execute(),
			]);
		const before = await fingerprint();
		const routes = [`/supervision/${group.slug}/admin`, `/supervision/${group.slug}/moede/${meeting.id}`];
		const bodies = [`action=approve&membership_id=${applicant.id}&message=x`, `action=close`, `action=add_meeting&date=2026-12-01&time=13:00&duration_minutes=180&mode=in_person`, `a_${applicant.id}=present&duration_minutes=60&mode=remote`, `action=settings&capacity=50&admission=x`];
		for (const cookie of [null, plainMember.cookie.header, editor.cookie.header, otherSupervisor.header]) {
			for (const route of routes) {
				const get = await fetch(`${baseURL}${route}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
				expect([303, 403], `GET ${route}`).toContain(get.status);
				expect(await get.text()).not.toContain('Deltagere (');
				for (const body of bodies) {
					const post = await fetch(`${baseURL}${route}`, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseURL, ...(cookie ? { cookie } : {}) } });
					expect([303, 403], `POST ${route}`).toContain(post.status);
					if (post.status === 303) expect(post.headers.get('location')).toContain('/log-ind');
				}
			}
		}
		// The group's own supervisor manages it but may not name supervisors (admins do).
		const ownSupervisor = await db.selectFrom('supervision_supervisor').select('user_id').where('group_id', '=', group.id).orderBy('id').executeTakeFirstOrThrow();
		const own = await sessionCookieFor(db, ownSupervisor.user_id!);
		const named = await fetch(`${baseURL}/supervision/${group.slug}/admin`, { method: 'POST', redirect: 'manual', body: `action=add_supervisor&supervisor_email=${encodeURIComponent(plainMember.user.email)}&supervisor_name=X&supervisor_profession=Psykolog&supervisor_kind=psychologist`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseURL, cookie: own.header } });
		expect(named.status).toBe(403);
		expect(await fingerprint()).toBe(before);
		await db.destroy();
	}, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, newPage, openServerDb, skipBrowser } from './helpers';
import { createUserWithSession } from '../helpers/auth';
import { createEvent, saveProgramme, setEventPublished } from '@/modules/events/events.writes';
import { registerForEvent } from '@/modules/events/events.registrations';
import { findEventById, listRegistrations } from '@/modules/events/events.repository';

const actor = { label: 'e2e@netvaerk.example', userId: null };
const stamp = Date.now();

function nextMonth(): string {
	return new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
}

describe.skipIf(skipBrowser)('Theme days in the browser', () => {
	let browser: Browser;
	let eventId: number;
	let slug: string;
	const me = `e2e.${stamp}@kommune.example`;
	const waiting = `venter.${stamp}@kommune.example`;

	beforeAll(async () => {
		browser = await launchBrowser();
		const db = openServerDb();
		const event = await createEvent(db, {
			title: `Temadag e2e ${stamp}`, summary: 'Til browsertesten.', description: 'En **temadag** til test.', date: nextMonth(), startTime: '09:00', endTime: '15:00',
			placeName: 'Testhuset', placeAddress: 'Testvej 1, 3400 Hillerød', onlineUrl: null, organisationId: null, organiserEmail: 'tovholder@netvaerk.example',
			targetGroup: 'Fagpersoner', priceText: 'Gratis', capacity: 1, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 5, topics: ['sorg'],
		}, actor);
		await saveProgramme(db, event.id, [{ startTime: '09:00', endTime: '10:00', title: 'Velkomst', speakerName: 'Fiktiv Oplægsholder', speakerAffiliation: 'Fiktiv Kommune' }], actor);
		await setEventPublished(db, event.id, true, actor);
		eventId = event.id;
		slug = event.slug;
		await db.destroy();
	});
	afterAll(async () => {
		await browser?.close();
	});

	async function lastMailTo(to: string) {
		const db = openServerDb();
		try {
			return await db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirst();
		} finally {
			await db.destroy();
		}
	}
	const linkIn = (text: string) => /(https?:\/\/\S+\/tilmelding\?t=[A-Za-z0-9_-]+)/.exec(text)![1];

	it('registers, confirms the address, cancels by link and promotes the first on the waitlist', async () => {
		const page = await newPage(browser);
		await page.goto('/temadage');
		await expectAccessible(page);
		await page.getByRole('link', { name: `Temadag e2e ${stamp}` }).first().click();
		await expect.poll(() => page.url()).toContain(`/temadage/${slug}`);
		await expectAccessible(page);

		await page.getByLabel('Navn', { exact: true }).fill('Erik Testesen');
		await page.getByLabel('Arbejdsmail').fill(me);
		await page.getByLabel('Arbejdsplads').fill('Hillerød Kommune');
		await page.getByLabel('Stilling').fill('Psykolog');
		await page.getByRole('button', { name: 'Send tilmelding' }).click();
		await page.getByText('Tjek din mail').waitFor();
		// Only the outcome: not the (empty) form again.
		await expect(page.getByRole('button', { name: 'Send tilmelding' }).count()).resolves.toBe(0);
		await expect(page.getByLabel('Arbejdsmail').count()).resolves.toBe(0);
		await expectAccessible(page);

		const confirmMail = await lastMailTo(me);
		expect(confirmMail?.kind).toBe('event-confirm-address');
		const link = linkIn(confirmMail!.text_body);
		expect(link.startsWith(baseURL)).toBe(true);
		await page.goto(link);
		await expectAccessible(page);
		await page.getByRole('button', { name: 'Bekræft tilmelding' }).click();
		await page.getByText('Din tilmelding er bekræftet, og du har en plads.').waitFor();

		const confirmation = await lastMailTo(me);
		expect(confirmation?.kind).toBe('event-confirmation');
		const attachments = JSON.parse(confirmation!.attachments);
		expect(attachments[0].content).toContain(`UID:temadag-${eventId}@vejviser`);

		// Someone else joins the waitlist meanwhile.
		const db = openServerDb();
		expect((await registerForEvent(db, eventId, { name: 'Vera Venter', email: waiting, organisation: 'Gribskov Kommune', jobTitle: 'Sundhedsplejerske' }, { emailVerified: true })).outcome).toBe('waitlisted');
		await db.destroy();

		// Cancelling asks first — and works without JavaScript.
		const noJs = await browser.newContext({ baseURL, locale: 'da-DK', javaScriptEnabled: false });
		const plain = await noJs.newPage();
		await plain.goto(linkIn(confirmation!.text_body));
		await plain.getByRole('button', { name: 'Afmeld mig' }).click();
		await plain.getByRole('heading', { name: 'Vil du afmelde dig?' }).waitFor();
		expect(await plain.textContent('main')).toContain('Din plads går videre til den første på ventelisten.');
		const stillThere = openServerDb();
		expect((await listRegistrations(stillThere, eventId)).find((r) => r.email === me)?.status).toBe('confirmed');
		await stillThere.destroy();
		await plain.getByRole('button', { name: 'Ja, afmeld mig' }).click();
		await plain.getByText('Du er afmeldt.').waitFor();
		expect(await plain.textContent('main')).toContain('pladsen er gået videre til den første på ventelisten');
		await noJs.close();

		// The cancellation mail removes the theme day from the calendar: METHOD:CANCEL, same UID, higher SEQUENCE.
		const unregistered = await lastMailTo(me);
		expect(unregistered?.kind).toBe('event-unregistered');
		const cancelIcs = JSON.parse(unregistered!.attachments)[0].content as string;
		expect(cancelIcs).toContain('METHOD:CANCEL');
		expect(cancelIcs).toContain(`UID:temadag-${eventId}@vejviser`);
		const seq = (ics: string) => Number(/SEQUENCE:(\d+)/.exec(ics)![1]);
		expect(seq(cancelIcs)).toBeGreaterThan(seq(attachments[0].content));

		const check = openServerDb();
		const statuses = Object.fromEntries((await listRegistrations(check, eventId)).map((r) => [r.email, r.status]));
		expect(statuses).toEqual({ [me]: 'cancelled', [waiting]: 'confirmed' });
		expect((await findEventById(check, eventId))!.seatsTaken).toBe(1);
		await check.destroy();
		const promotion = await lastMailTo(waiting);
		expect(promotion?.kind).toBe('event-promotion');
		expect(promotion?.subject).toContain('Du har fået en plads');
	});

	it('says the seat simply became free when nobody waits, and lets the person keep it instead', async () => {
		const db = openServerDb();
		const solo = `solo.${stamp}@kommune.example`;
		const other = await createEvent(db, {
			title: `Temadag solo ${stamp}`, summary: '', description: '', date: nextMonth(), startTime: '10:00', endTime: '12:00',
			placeName: 'Testhuset', placeAddress: '', onlineUrl: null, organisationId: null, organiserEmail: null,
			targetGroup: '', priceText: 'Gratis', capacity: 5, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 2, topics: [],
		}, actor);
		await setEventPublished(db, other.id, true, actor);
		await registerForEvent(db, other.id, { name: 'Solo Deltager', email: solo, organisation: 'Halsnæs Kommune', jobTitle: 'Psykolog' }, { emailVerified: true, baseUrl: baseURL });
		await db.destroy();
		const page = await newPage(browser);
		await page.goto(linkIn((await lastMailTo(solo))!.text_body));
		await page.getByRole('button', { name: 'Afmeld mig' }).click();
		expect(await page.textContent('main')).toContain('Din plads bliver ledig for andre.');
		await expectAccessible(page);
		await page.getByRole('link', { name: 'Nej, behold min tilmelding' }).click();
		await page.getByRole('button', { name: 'Afmeld mig' }).waitFor();
		const check = openServerDb();
		expect((await listRegistrations(check, other.id))[0].status).toBe('confirmed');
		await check.destroy();
		await page.getByRole('button', { name: 'Afmeld mig' }).click();
		await page.getByRole('button', { name: 'Ja, afmeld mig' }).click();
		await page.getByText('Du er afmeldt.').waitFor();
		const text = (await page.textContent('main')) ?? '';
		expect(text).toContain('pladsen er nu ledig for andre');
		expect(text).not.toContain('ventelisten');
		await expectAccessible(page);
	});

	it('shows a clear Danish 429 page, keeping what was typed, when one client sends too many registrations', async () => {
		const db = openServerDb();
		// Fill this client's window (the browser tests all come from 127.0.0.1; the window is counted in the DB).
		await db.updateTable('rate_limit').set({ count: 10_000 }).where('key', '=', 'event-register:ip:127.0.0.1').execute();
		const filled = await db.selectFrom('rate_limit').select('key').where('key', '=', 'event-register:ip:127.0.0.1').executeTakeFirst();
		if (!filled) await db.insertInto('rate_limit').values({ key: 'event-register:ip:127.0.0.1', window_start: new Date().toISOString(), count: 10_000 }).execute();
		await db.destroy();
		try {
			const page = await newPage(browser);
			await page.goto(`/temadage/${slug}`);
			await page.getByLabel('Navn', { exact: true }).fill('Rikke Ratebegrænset');
			await page.getByLabel('Arbejdsmail').fill(`rate.${stamp}@kommune.example`);
			await page.getByLabel('Arbejdsplads').fill('Gribskov Kommune');
			await page.getByLabel('Stilling').fill('Lærer');
			const response = page.waitForResponse((r) => r.url().includes(`/temadage/${slug}`) && r.request().method() === 'POST');
			await page.getByRole('button', { name: 'Send tilmelding' }).click();
			expect((await response).status()).toBe(429);
			await page.getByText('Der er sendt for mange tilmeldinger på kort tid.').waitFor();
			await expect(page.getByLabel('Navn', { exact: true }).inputValue()).resolves.toBe('Rikke Ratebegrænset');
			await expect(page.getByLabel('Arbejdsmail').inputValue()).resolves.toBe(`rate.${stamp}@kommune.example`);
			await expectAccessible(page);
			expect(await lastMailTo(`rate.${stamp}@kommune.example`)).toBeUndefined();
		} finally {
			const reset = openServerDb();
			await reset.deleteFrom('rate_limit').where('key', '=', 'event-register:ip:127.0.0.1').execute();
			await reset.destroy();
		}
	});

	it('does not let the admin page of one theme day cancel or check in a registration of another', async () => {
		const db = openServerDb();
		const { cookie } = await createUserWithSession(db, { role: 'admin' });
		const dayB = await createEvent(db, {
			title: `Temadag B ${stamp}`, summary: '', description: '', date: nextMonth(), startTime: '13:00', endTime: '15:00',
			placeName: 'Testhuset', placeAddress: '', onlineUrl: null, organisationId: null, organiserEmail: null,
			targetGroup: '', priceText: 'Gratis', capacity: 5, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 2, topics: [],
		}, actor);
		const vera = (await listRegistrations(db, eventId)).find((r) => r.email === waiting)!;
		const mailsBefore = (await db.selectFrom('mail_outbox').select('id').where('to_address', '=', waiting).execute()).length;
		await db.destroy();
		const context = await browser.newContext({ baseURL, locale: 'da-DK' });
		await context.addCookies([cookie.playwright(baseURL)]);
		const post = (path: string, form: Record<string, string>) => context.request.post(path, { form, headers: { Origin: baseURL }, maxRedirects: 0 });
		const cancel = await post(`/temadage/${dayB.slug}/admin/deltagere`, { action: 'cancel', registration: String(vera.id) });
		expect(cancel.status()).toBe(422);
		expect(await cancel.text()).toContain('Tilmeldingen findes ikke.');
		const checkIn = await post(`/temadage/${dayB.slug}/admin/indtjekning`, { action: 'checkin', registration: String(vera.id) });
		expect(checkIn.status()).toBe(422);
		await context.close();
		const check = openServerDb();
		const after = (await listRegistrations(check, eventId)).find((r) => r.email === waiting)!;
		expect([after.status, after.checkedInAt]).toEqual(['confirmed', null]);
		expect((await check.selectFrom('mail_outbox').select('id').where('to_address', '=', waiting).execute()).length).toBe(mailsBefore);
		await check.destroy();
	});

	it('lets an organiser export the participant list as CSV', async () => {
		const db = openServerDb();
		const { cookie } = await createUserWithSession(db, { role: 'admin' });
		await db.destroy();
		const context = await browser.newContext({ baseURL, locale: 'da-DK', acceptDownloads: true });
		await context.addCookies([cookie.playwright(baseURL)]);
		const page = await context.newPage();
		await page.goto(`/temadage/${slug}/admin/deltagere`);
		await expectAccessible(page);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Hent deltagerliste (CSV)' }).click()]);
		expect(download.suggestedFilename()).toBe(`deltagere-${slug}.csv`);
		const path = await download.path();
		const { readFileSync } = await import('node:fs');
		const csv = readFileSync(path!, 'utf8');
		expect(csv.startsWith('\uFEFFNavn;E-mail;Organisation')).toBe(true);
		expect(csv).toContain('Vera Venter;' + waiting);
		await page.goto(`/temadage/${slug}/admin/indtjekning`);
		await expectAccessible(page);
		await page.getByRole('button', { name: 'Tjek Vera Venter ind' }).click();
		await page.getByRole('button', { name: 'Fortryd indtjekning af Vera Venter' }).waitFor();
		await context.close();
	});
});

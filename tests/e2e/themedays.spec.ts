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
		const event = createEvent(db, {
			title: `Temadag e2e ${stamp}`, summary: 'Til browsertesten.', description: 'En **temadag** til test.', date: nextMonth(), startTime: '09:00', endTime: '15:00',
			placeName: 'Testhuset', placeAddress: 'Testvej 1, 3400 Hillerød', onlineUrl: null, organisationId: null, organiserEmail: 'tovholder@netvaerk.example',
			targetGroup: 'Fagpersoner', priceText: 'Gratis', capacity: 1, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 5, topics: ['sorg'],
		}, actor);
		saveProgramme(db, event.id, [{ startTime: '09:00', endTime: '10:00', title: 'Velkomst', speakerName: 'Fiktiv Oplægsholder', speakerAffiliation: 'Fiktiv Kommune' }], actor);
		setEventPublished(db, event.id, true, actor);
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
		expect(registerForEvent(db, eventId, { name: 'Vera Venter', email: waiting, organisation: 'Gribskov Kommune', jobTitle: 'Sundhedsplejerske' }, { emailVerified: true }).outcome).toBe('waitlisted');
		await db.destroy();

		await page.goto(linkIn(confirmation!.text_body));
		await page.getByRole('button', { name: 'Afmeld mig' }).click();
		await page.getByText('Du er afmeldt.').waitFor();
		await expectAccessible(page);

		const check = openServerDb();
		const statuses = Object.fromEntries(listRegistrations(check, eventId).map((r) => [r.email, r.status]));
		expect(statuses).toEqual({ [me]: 'cancelled', [waiting]: 'confirmed' });
		expect(findEventById(check, eventId)!.seatsTaken).toBe(1);
		await check.destroy();
		const promotion = await lastMailTo(waiting);
		expect(promotion?.kind).toBe('event-promotion');
		expect(promotion?.subject).toContain('Du har fået en plads');
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

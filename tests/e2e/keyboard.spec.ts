/**
 * The journeys a user may do without a mouse, with Tab, Enter and typing only — and at every Tab stop the focused
 * element must show a visible focus indicator (an outline or a box-shadow on :focus-visible): search a need and
 * open a person, sign in with a code, register for a theme day, confirm one's own entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, savePerson, saveUnit } from '@/modules/directory/directory.writes';
import { createEvent, setEventPublished } from '@/modules/events/events.writes';
import { createTestUser, createUserWithSession, type TestCookie } from '../helpers/auth';
import { baseURL, expectAccessible, launchBrowser, openServerDb, skipBrowser } from './helpers';

const stamp = Date.now();

/** How the focused element shows its focus, or why it does not. */
async function focusIndicator(page: Page): Promise<{ element: string; visible: boolean; why: string }> {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return { element: 'body', visible: false, why: 'nothing focused' };
		const element = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
		if (!el.matches(':focus-visible')) return { element, visible: false, why: 'not :focus-visible' };
		const style = getComputedStyle(el);
		const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 && style.outlineColor !== 'rgba(0, 0, 0, 0)';
		const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
		const rect = el.getBoundingClientRect();
		const onScreen = rect.width > 0 && rect.height > 0;
		return { element, visible: (outline || shadow) && onScreen, why: `outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}, ${rect.width}×${rect.height}` };
	});
}

/** Tab until the focused element matches `selector` (and `text`, if given); every stop must show its focus. */
async function tabTo(page: Page, selector: string, text?: string, max = 80): Promise<void> {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const focus = await focusIndicator(page);
		expect(focus.visible, `focus not visible on ${focus.element} at ${page.url()}: ${focus.why}`).toBe(true);
		const hit = await page.evaluate(([s, t]) => {
			const el = document.activeElement;
			return !!el && el.matches(s!) && (!t || (el.textContent ?? '').includes(t));
		}, [selector, text] as const);
		if (hit) return;
	}
	throw new Error(`Could not reach ${selector}${text ? ` "${text}"` : ''} with Tab in ${max} presses on ${page.url()}`);
}

async function enterAndWait(page: Page, url: (u: URL) => boolean): Promise<void> {
	await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);
}

describe.skipIf(skipBrowser)('Keyboard only, with visible focus', () => {
	let browser: Browser;
	let db: Db;
	let ownRef: string;
	let ownCookie: TestCookie;
	let memberCookie: TestCookie;
	let eventSlug: string;

	beforeAll(async () => {
		browser = await launchBrowser();
		db = openServerDb();
		const actor = systemActor('e2e');
		const org = await ensureOrganisation(db, actor, { name: `Tastaturforeningen ${stamp}`, type: 'frivillig', municipalityCode: null });
		const unitId = (await saveUnit(db, actor, { organisationId: org.id, name: 'Tastestuen', address: 'Slotsgade 2', postcode: '3400', town: 'Hillerød' })).id;
		ownRef = `KB${String(stamp).slice(-5)}`;
		const own = await savePerson(db, actor, {
			ref: ownRef, firstName: 'Tove', lastName: 'Tastesen', title: 'Rådgiver', unitId, municipalityCode: null, phone: '+4570300009', mobile: null,
			email: `${ownRef.toLowerCase()}@tastatur.example`, hours: '', note: '', keyPerson: false, status: 'active', successorId: null,
			verifiedAt: '2026-01-10T09:00:00.000Z', topics: [], roles: [], ageGroups: [],
		});
		ownCookie = (await createUserWithSession(db, { role: 'member', personId: own.id, email: `${ownRef.toLowerCase()}@tastatur.example` })).cookie;
		memberCookie = (await createUserWithSession(db, { role: 'member', name: 'Karl Tastatur' })).cookie;
		const event = await createEvent(db, {
			title: `Tastaturdag ${stamp}`, summary: 'Til tastaturtesten.', description: 'En temadag.', date: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), startTime: '09:00', endTime: '15:00',
			placeName: 'Testhuset', placeAddress: 'Testvej 1, 3400 Hillerød', onlineUrl: null, organisationId: null, organiserEmail: null,
			targetGroup: 'Fagpersoner', priceText: 'Gratis', capacity: 10, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: '', hours: 5, topics: [],
		}, { label: 'e2e', userId: null });
		await setEventPublished(db, event.id, true, { label: 'e2e', userId: null });
		eventSlug = event.slug;
	});
	afterAll(async () => {
		await browser?.close();
		await db?.destroy();
	});

	async function pageWith(cookie?: TestCookie): Promise<Page> {
		const context = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
		if (cookie) await context.addCookies([cookie.playwright(baseURL)]);
		return context.newPage();
	}

	it('searches a need from the home page and opens a person', async () => {
		const page = await pageWith();
		await page.goto('/');
		await tabTo(page, '#home-q');
		await page.keyboard.type('selvskade gribskov', { delay: 5 });
		// The suggestions open after a short pause; Escape closes them (Escape on a closed list clears the field, as
		// the ARIA combobox pattern allows — so wait for them rather than race the debounce).
		await page.waitForFunction(() => document.getElementById('home-q')?.getAttribute('aria-expanded') === 'true', undefined, { timeout: 20_000 });
		await page.keyboard.press('Escape');
		expect(await page.inputValue('#home-q')).toBe('selvskade gribskov');
		await enterAndWait(page, (u) => u.pathname === '/sog');
		await tabTo(page, 'a[href^="/personer/"]');
		const target = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'));
		await enterAndWait(page, (u) => u.pathname === target);
		expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
		await expectAccessible(page);
	}, 180_000);

	it('signs in with the code from the mail', async () => {
		const user = await createTestUser(db, { email: `tast-${stamp}@e2e.example`, personId: null });
		const page = await pageWith();
		await page.goto('/log-ind');
		await tabTo(page, '#email');
		await page.keyboard.type(user.email);
		await tabTo(page, 'button[type="submit"], button:not([type])', 'Send kode');
		await enterAndWait(page, (u) => u.pathname === '/log-ind/kode');
		const mail = await db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', user.email).orderBy('id', 'desc').executeTakeFirstOrThrow();
		const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(mail.text_body)![1];
		await tabTo(page, '#code');
		await page.keyboard.type(code);
		await tabTo(page, 'button', 'Log ind');
		await enterAndWait(page, (u) => u.pathname === '/konto');
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Min konto');
	}, 180_000);

	it('registers a member for a theme day', async () => {
		const page = await pageWith(memberCookie);
		await page.goto(`/temadage/${eventSlug}`);
		await tabTo(page, 'button[value="member"]');
		await enterAndWait(page, (u) => u.searchParams.get('tilmelding') === 'confirmed');
		expect(await page.getByRole('status').filter({ hasText: 'Du er tilmeldt' }).count()).toBeGreaterThanOrEqual(1);
		await expectAccessible(page);
	}, 180_000);

	it('confirms one’s own entry', async () => {
		const page = await pageWith(ownCookie);
		await page.goto(`/personer/${ownRef}`);
		await tabTo(page, 'button', 'Mine oplysninger er stadig korrekte');
		await enterAndWait(page, (u) => u.searchParams.has('bekraeftet'));
		expect(await page.getByRole('status').filter({ hasText: 'bekræftet i dag' }).count()).toBeGreaterThanOrEqual(1);
		const row = await db.selectFrom('person').select('verified_at').where('ref', '=', ownRef).executeTakeFirstOrThrow();
		expect(Date.now() - Date.parse(row.verified_at!)).toBeLessThan(120_000);
	}, 180_000);
});

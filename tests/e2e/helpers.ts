import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { createDb, openSqlite, type Db } from '@db/client';
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/test-db';

export const e2e = inject('e2e');
/** True when no Chromium was found outside CI: use with describe.skipIf(skipBrowser). */
export const skipBrowser = e2e.skip;
export const baseURL = e2e.baseURL;
/** True when the shared server runs on PostgreSQL (E2E_DATABASE_URL, see global-setup.ts); e2e.dbPath is then a URL. */
export const onPostgres = e2e.engine === 'postgres';

/** Why the crawler, which copies the shared SQLite file for a server of its own, is SQLite-only (for now). */
export const SQLITE_COPY = 'copies the shared SQLite file with VACUUM INTO for a server of its own; on PostgreSQL a copy (CREATE DATABASE … TEMPLATE) needs the shared server disconnected';

/**
 * For describe.skipIf: true (skip) on PostgreSQL for a spec that copies the SQLite file itself, printing why,
 * so the skip is visible in the run's output rather than just counted.
 */
export function sqliteOnly(reason: string): boolean {
	if (onPostgres) console.warn(`SKIPPED on PostgreSQL: ${reason}`);
	return onPostgres;
}

/** Every page a spec opened, so a failing test can leave screenshots of them (see screenshots.setup.ts). */
export const openPages = new Set<Page>();

/** Flags that keep Chromium quiet on a machine with no internet (see the env notes). */
export async function launchBrowser(): Promise<Browser> {
	const browser = await chromium.launch({
		executablePath: e2e.chromiumPath,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
	});
	const newContext = browser.newContext.bind(browser);
	browser.newContext = async (options) => {
		const context = await newContext(options);
		context.on('page', (page) => {
			openPages.add(page);
			page.on('close', () => openPages.delete(page));
		});
		return context;
	};
	return browser;
}

export async function newPage(browser: Browser): Promise<Page> {
	const context = await browser.newContext({ baseURL, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
	return context.newPage();
}

/**
 * axe's WCAG 2.1 A/AA check of the page as it is now. Legacy mode (`axe.run` in the page): the default mode runs
 * each frame partially and then finishes in a new blank page, which cost ~1 s a check on CI's two cores — half of
 * the crawler's time. Our pages have no frames, so both modes see the same (checked on a page with known faults).
 */
export function axeCheck(page: Page): ReturnType<AxeBuilder['analyze']> {
	return new AxeBuilder({ page }).setLegacyMode(true).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
}

/** Fails the test with a readable list when axe finds WCAG 2.1 A/AA violations. */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await axeCheck(page);
	const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
	expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** The server's database, for arranging data and reading the mail outbox (same file, separate connection). */
export function openServerDb(): Db {
	return createDb(e2e.dbPath);
}

/** Presses Tab until the focused element matches `selector` (keyboard-only journeys); fails after `max` presses. */
export async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
	}
	throw new Error(`Could not reach ${selector} with Tab in ${max} presses`);
}

/**
 * The seeded network for a server of a spec's own (its own limits, locks and clock). SQLite: a `VACUUM INTO` copy
 * of the shared file in `dir`. PostgreSQL: a fresh database seeded by `db/cli.ts setup` — a running server's
 * database cannot be copied (CREATE DATABASE … TEMPLATE needs it idle). `env` is for the server's process (it
 * clears the other engine's variable); `target` is what createDb() takes; `drop()` after the server has stopped.
 */
export async function databaseOfItsOwn(dir: string, name: string): Promise<{ target: string; env: Record<string, string>; drop: () => Promise<void> }> {
	if (onPostgres) {
		// Any database on the server will do for creating another one: the shared one's URL is at hand.
		const target = await freshPostgresDatabase(e2e.dbPath);
		const env = { DATABASE_URL: target, DATABASE_PATH: '' };
		execSync('npx tsx db/cli.ts setup', { stdio: 'ignore', env: { ...process.env, ...env } });
		return { target, env, drop: () => dropPostgresDatabase(e2e.dbPath, target) };
	}
	const target = join(dir, `${name}.db`);
	const source = openSqlite(e2e.dbPath, { readonly: true });
	source.exec(`VACUUM INTO '${target}'`);
	source.close();
	return { target, env: { DATABASE_URL: '', DATABASE_PATH: target }, drop: async () => {} };
}

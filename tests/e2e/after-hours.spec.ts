/**
 * A nurse searches a need on a Friday evening: the server runs with a fixed clock (VEJVISER_NOW, src/lib/clock.ts)
 * on its own copy of the seeded network, and the municipality's after-hours line comes first while the
 * day-time contacts are marked closed. On PostgreSQL the server gets a freshly seeded database of its own instead
 * of a copy (the shared server's connections keep PostgreSQL from copying its database).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freePort, waitForHealth } from './global-setup';
import { databaseOfItsOwn, e2e, expectAccessible, launchBrowser, skipBrowser } from './helpers';

const FRIDAY_EVENING = '2026-12-04T19:00:00+01:00';

describe.skipIf(skipBrowser)('A nurse searches a need on a Friday evening', () => {
	let browser: Browser;
	let server: ChildProcess;
	let dir = '';
	let base = '';
	let own: Awaited<ReturnType<typeof databaseOfItsOwn>> | undefined;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vejviser-afterhours-'));
		own = await databaseOfItsOwn(dir, 'afterhours');
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = spawn(process.execPath, [e2e.serverEntry], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...own.env, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off', VEJVISER_NOW: FRIDAY_EVENING },
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

	it('sees the after-hours line first and the day-time contact marked closed', { timeout: 240_000 }, async () => {
		const context = await browser.newContext({ baseURL: base, locale: 'da-DK', timezoneId: 'Europe/Copenhagen', viewport: { width: 390, height: 844 } });
		const page = await context.newPage();
		await page.goto(`/sog?q=${encodeURIComponent('gribskov selvskade 15 år udskrivning')}`);
		const first = page.locator('.search-results > li').first();
		await expect.poll(() => first.textContent()).toContain('Uden for åbningstid');
		expect(await first.textContent()).toContain('Socialvagt for børn og unge');
		expect(await first.locator('.availability').textContent()).toMatch(/^Åben nu til mandag kl\. 8/);
		expect(await first.locator('a[href^="tel:"]').count()).toBe(1);
		const person = page.locator('.search-results > li.search-result').first();
		expect(await person.locator('.availability').textContent()).toMatch(/^Lukket — træffes mandag kl\. \d/);
		expect(await person.locator('.search-result__why').textContent()).toContain('Passer: ');
		await expectAccessible(page);
		// The API answers the same for the fixed clock as for an explicit moment.
		const api = await (await fetch(`${base}/api/search?q=${encodeURIComponent('gribskov selvskade 15 år udskrivning')}`)).json();
		expect(api.results[0]).toMatchObject({ type: 'unit', afterHours: true, availability: { openNow: true, away: false } });
		await context.close();
	});
});

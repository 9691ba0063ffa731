import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, expectAccessible, launchBrowser, newPage, skipBrowser } from './helpers';

describe.skipIf(skipBrowser)('The site', () => {
	let browser: Browser;
	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => {
		await browser?.close();
	});

	it('answers the health check', async () => {
		const res = await fetch(`${baseURL}/api/health`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: 'ok' });
	});

	it('shows an accessible Danish home page', async () => {
		const page = await newPage(browser);
		await page.goto('/');
		expect(await page.getAttribute('html', 'lang')).toBe('da');
		await expectAccessible(page);
	});
});

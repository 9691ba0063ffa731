/**
 * When a browser test fails, every page it had open is photographed into `.e2e/screenshots/` (CI prints the
 * folder), named after the test, so a failure can be seen and not only read.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { openPages } from './helpers';

export const SCREENSHOT_DIR = resolve(process.env.E2E_SCREENSHOT_DIR ?? '.e2e/screenshots');

afterEach(async (context) => {
	if (context.task.result?.state !== 'fail' || openPages.size === 0) return;
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const name = `${context.task.file?.name ?? 'spec'}-${context.task.name}`.replace(/[^a-zA-Z0-9æøåÆØÅ-]+/g, '_').slice(0, 150);
	let i = 0;
	for (const page of openPages) {
		if (page.isClosed()) continue;
		await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${++i}.png`), fullPage: true }).catch(() => {});
	}
});

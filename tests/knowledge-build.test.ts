/**
 * "A missing title, owner or review date fails the build": Astro's content layer (`astro sync`, the step `astro build`
 * starts with) run on a scratch project that uses this project's own collection definitions (src/content.config.ts,
 * through the same path aliases) over a content/ folder with one broken article. No database: not run twice.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');

const VALID = `---
title: Netværksmøder
summary: Et møde om én plan.
owner:
  unit: netvaerkssekretariatet/tovholder-og-styregruppe
last_reviewed: 2026-11-20
review_every: 12
sources:
  - title: Sammen ved vi bedst
---

Tekst.
`;

function without(field: 'title' | 'owner' | 'last_reviewed'): string {
	const lines = VALID.split('\n');
	const at = lines.findIndex((l) => l.startsWith(`${field}:`));
	// The owner's value is on the next line.
	lines.splice(at, field === 'owner' ? 2 : 1);
	return lines.join('\n');
}

describe('The build refuses an article without title, owner or review date', { timeout: 120_000 }, () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'vejviser-content-'));
		symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'content-check', private: true, type: 'module' }));
		// Astro's and Vite's caches (data store, optimised deps) in the scratch folder, not in the linked node_modules.
		writeFileSync(join(dir, 'astro.config.mjs'), `export default { cacheDir: './.cache', vite: { cacheDir: './.cache/vite' } };\n`);
		writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: ROOT, paths: { '@/*': ['src/*'], '@db/*': ['db/*'] } } }));
		mkdirSync(join(dir, 'src'));
		// The project's own collections and schemas, not a copy.
		writeFileSync(join(dir, 'src', 'content.config.ts'), `export { collections } from ${JSON.stringify(join(ROOT, 'src', 'content.config.ts'))};\n`);
		for (const c of ['methods', 'pathways', 'resources']) mkdirSync(join(dir, 'content', c), { recursive: true });
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	function sync(article: string): Promise<{ code: number; output: string }> {
		writeFileSync(join(dir, 'content', 'methods', 'artikel.md'), article);
		rmSync(join(dir, '.astro'), { recursive: true, force: true });
		rmSync(join(dir, '.cache'), { recursive: true, force: true });
		return new Promise((done) => {
			execFile(
				process.execPath,
				[join(ROOT, 'node_modules', 'astro', 'astro.js'), 'sync', '--root', dir],
				{ cwd: dir, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 90_000 },
				(error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` }),
			);
		});
	}

	it('accepts a complete article', async () => {
		const { code, output } = await sync(VALID);
		expect(code, output).toBe(0);
	});

	it.each(['title', 'owner', 'last_reviewed'] as const)('fails without %s, naming the field and the file', async (field) => {
		const { code, output } = await sync(without(field));
		expect(code, output).not.toBe(0);
		// The content layer's own refusal (not, say, a config that failed to load), for this file and this field.
		expect(output).toContain('methods → artikel data does not match collection schema');
		expect(output).toMatch(new RegExp(`\\b${field}\\b`));
	});
});

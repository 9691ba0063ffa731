/**
 * Rules a mutation run showed were untested (quality-gates issue): each test here fails when the rule is broken.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from '@/lib/markdown';
import { hitRateLimit } from '@/modules/auth/auth.ratelimit';
import { sessionPolicy } from '@/modules/auth/auth.rules';
import { createTestDb } from './helpers/test-db';

describe('Session policies', () => {
	it('give organisation editors the short editor session, like admins and unit editors', () => {
		const short = { inactivityMs: 12 * 3_600_000, absoluteMs: 7 * 86_400_000 };
		expect(sessionPolicy('org_editor')).toEqual(short);
		expect(sessionPolicy('admin')).toEqual(short);
		expect(sessionPolicy('member')).toEqual({ inactivityMs: 10 * 86_400_000, absoluteMs: 30 * 86_400_000 });
	});
});

describe('A fixed-window rate limit', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	it('does not restart its window on every hit: a steady trickle is still limited', async () => {
		const limit = { max: 3, windowMs: 60_000 };
		const start = new Date('2026-03-02T08:00:00Z');
		const at = (s: number) => new Date(start.getTime() + s * 1000);
		const results = [];
		// One hit every 20 s: a window that restarted on each hit would never fill up.
		for (let i = 0; i < 4; i++) results.push((await hitRateLimit(t.db, 'trickle', limit, at(i * 14))).allowed);
		expect(results).toEqual([true, true, true, false]);
		// The window ends 60 s after its first hit, not after the last one.
		const after = await hitRateLimit(t.db, 'trickle', limit, at(61));
		expect(after.allowed).toBe(true);
		expect(after.count).toBe(1);
	});
});

describe('The Markdown sanitiser allow-list', () => {
	it('drops protocol-relative links, which would leave the site', () => {
		const html = renderMarkdown('[ud](//evil.example/x) og <a href="//evil.example">rå</a>');
		expect(html).not.toContain('//evil.example');
	});

	it('drops id, class, style and target attributes', () => {
		const html = renderMarkdown('<p id="login" class="button" style="color:red">tekst</p> <a href="https://a.example" target="_top" id="x">link</a>');
		expect(html).not.toMatch(/\sid=|\sclass=|\sstyle=|\starget=/);
		expect(html).toContain('href="https://a.example"');
		expect(html).toContain('rel="noopener noreferrer"');
	});
});

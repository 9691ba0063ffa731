/**
 * Issue 9 items 1, 4 and 6: the results page shows complete matches, then "Passer delvist", then "Andre
 * kommuner", pages the rest without JavaScript, orders a query exactly as the suggestions (/api/search?suggest=1)
 * do, lists the member municipalities first and hides the filter of result types with no content.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolve } from 'node:path';
import type { Db } from '@db/client';
import { importDirectoryFile } from '@/modules/directory/directory.import';
import { searchApi } from '@/modules/search/search.api';
import { PAGE_SIZE, resultsPage, searchUrl } from '@/modules/search/search.page';
import { search } from '@/modules/search/search.service';
import { createTestDb } from './helpers/test-db';

let ctx: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;
const viewer = { signedIn: true };
const page = (path: string) => resultsPage(db, new URL(path, 'http://localhost'), viewer);

beforeAll(async () => {
	ctx = await createTestDb();
	db = ctx.db;
	expect((await importDirectoryFile(db, resolve('tests/fixtures/directory.csv'))).ok).toBe(true);
});
afterAll(async () => ctx.cleanup());

describe('the results page', () => {
	it('builds links with the parameters it reads (the home page’s situation tiles)', async () => {
		const href = searchUrl({ filters: { role: 'akut' } });
		expect(href).toBe('/sog?rolle=akut');
		const p = await page(href);
		expect(p.filters.role).toBe('akut');
		expect(p.sections.flatMap((s) => s.items).length).toBeGreaterThan(0);
	});

	it('shows complete matches first, then "Passer delvist", then other municipalities, each once and in that order', async () => {
		const p = await page(searchUrl({ q: 'hillerød selvskade 15 år udskrivning' }));
		const keys = p.sections.map((s) => s.key);
		expect(keys[0]).toBe('complete');
		expect(keys).toEqual([...new Set(keys)]);
		expect(keys.indexOf('partial') < keys.indexOf('elsewhere') || !keys.includes('elsewhere') || !keys.includes('partial')).toBe(true);
		const complete = p.sections.find((s) => s.key === 'complete')!;
		expect(complete.items.every((i) => i.hit.complete)).toBe(true);

		// Deeper pages reach the partial matches and, after them, the other municipalities with a clear heading.
		const seen: string[] = [];
		let headings: string[] = [];
		for (let n = 1; n <= 10; n++) {
			const pn = await page(searchUrl({ q: 'hillerød selvskade 15 år udskrivning', page: n }));
			for (const s of pn.sections) {
				if (seen.at(-1) !== s.key) seen.push(s.key);
				if (s.heading) headings.push(s.heading);
				for (const item of s.items) {
					if (s.key === 'elsewhere' && item.person) expect(item.person.card.municipalityName).not.toBe('Hillerød');
					if (s.key === 'partial' && item.person) expect(item.person.card.municipalityName ?? 'Hillerød').toBe('Hillerød');
				}
			}
			if (!pn.nextHref) break;
			expect(pn.nextHref).toContain(`side=${n + 1}`);
		}
		expect(seen).toEqual(['complete', 'partial', 'elsewhere']);
		headings = [...new Set(headings.map((h) => h.replace(/ \(fortsat\)$/, '')))];
		expect(headings).toEqual(expect.arrayContaining(['Passer delvist', 'Andre kommuner end Hillerød']));
	});

	// The same order whatever the number of hits asked for, also in office hours, when reachable-first moves people
	// (the bug: only a run at 08:45 on a weekday showed it): a weekday morning and a Sunday night.
	describe.each([
		['a weekday in office hours', '2026-11-25T09:45:00Z'],
		['a Sunday night', '2026-11-29T22:30:00Z'],
	])('at %s', (_label, moment) => {
		beforeAll(() => {
			vi.useFakeTimers({ toFake: ['Date'] });
			vi.setSystemTime(new Date(moment));
		});
		afterAll(() => vi.useRealTimers());

		it('pages through the results without repeating or skipping any', async () => {
			const q = 'angst';
			const first = await page(searchUrl({ q }));
			const second = await page(searchUrl({ q, page: 2 }));
			const refs = (p: typeof first) => p.sections.flatMap((s) => s.items.map((i) => `${i.hit.type}:${i.hit.ref}`));
			expect(refs(first)).toHaveLength(PAGE_SIZE);
			expect(first.prevHref).toBeNull();
			expect(second.prevHref).toBe(searchUrl({ q }));
			const all = (await search(db, q, { limit: 2 * PAGE_SIZE, log: false })).hits.map((h) => `${h.type}:${h.ref}`);
			expect([...refs(first), ...refs(second)]).toEqual(all.slice(0, 2 * PAGE_SIZE));
		});

		it('orders a query exactly as the suggestions do', async () => {
			for (const q of ['hillerød selvskade 15 år udskrivning', 'angst hillerød', 'ppr furesø', 'psykiatri udskrivning halsnæs', 'sorg unge']) {
				const p = await page(searchUrl({ q }));
				const onPage = p.sections.flatMap((s) => s.items.map((i) => i.hit.url));
				const { body } = await searchApi(db, new URLSearchParams({ q, limit: '8', suggest: '1' }));
				const suggested = (body as { results: Array<{ url: string }> }).results.map((r) => r.url);
				expect(suggested.length, q).toBeGreaterThan(0);
				expect(onPage.slice(0, suggested.length), q).toEqual(suggested);
			}
		});

	});

	it('labels the chip of an organisation word', async () => {
		const p = await page(searchUrl({ q: 'buc hillerød' }));
		expect(p.chips.map((c) => c.label)).toEqual(expect.arrayContaining(['Sektor: Børne- og ungdomspsykiatrien', 'Kommune: Hillerød']));
		expect(p.chips.some((c) => c.label.startsWith('Organisation: Børne- og Ungdomspsykiatrisk Center'))).toBe(true);
		expect(p.chips.every((c) => !c.label.startsWith('undefined'))).toBe(true);
	});

	it('still suggests while the last word is being typed', async () => {
		const { body } = await searchApi(db, new URLSearchParams({ q: 'kirst', limit: '8', suggest: '1' }));
		expect((body as { results: Array<{ title: string }> }).results.some((r) => /Kirst/.test(r.title))).toBe(true);
	});

	it('lists the member municipalities first, the rest apart, and hides result types with no content', async () => {
		const p = await page('/sog');
		expect(p.options.municipalities.members).toHaveLength(10);
		expect(p.options.municipalities.others.length).toBeGreaterThan(80);
		expect(p.options.municipalities.members.map((m) => m.label)).toContain('Hillerød');
		const types = p.options.types.map((t) => t.value);
		expect(types).toEqual(expect.arrayContaining(['person', 'unit', 'organisation', 'topic']));
		expect(types).not.toContain('group');
		expect(types).not.toContain('article');
	});
});

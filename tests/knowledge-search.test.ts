import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { searchApi, type ApiResult } from '@/modules/search/search.api';
import { registerSearchSource } from '@/modules/search/search.registry';
import { listMunicipalities } from '@/modules/directory/directory.repository';
import { articleDocument } from '@/modules/knowledge/knowledge.searchdoc';
import type { Article } from '@/modules/knowledge/knowledge.types';
import { createTestDb } from './helpers/test-db';
import { buildNetwork } from './helpers/editing-network';

const base = { owner: { unit: 'a/b' }, lastReviewed: '2026-11-01', reviewEvery: 6, sources: [{ title: 'k' }], order: 1, body: 'Netværksmøde før udskrivning.' } as const;
const articles: Article[] = [
	{ ...base, collection: 'pathways', slug: 'udskrivning-bup', ref: 'pathways/udskrivning-bup', url: '/viden/forloeb/udskrivning-bup', title: 'Udskrivning fra børne- og ungdomspsykiatrien til kommunen', summary: 'Hvem gør hvad ved udskrivning.', topics: ['selvskade'], sources: [...base.sources], owner: { ...base.owner }, phases: [{ id: 'udskrivning', title: 'Udskrivning', actors: { kommune: 'Deltager.' }, time_limits: [], contacts: [] }] },
	{ ...base, collection: 'methods', slug: 'netvaerksmoeder', ref: 'methods/netvaerksmoeder', url: '/viden/metoder/netvaerksmoeder', title: 'Netværksmøder', summary: 'En skabelon.', topics: [], sources: [...base.sources], owner: { ...base.owner }, phases: [] },
];

describe('Knowledge articles in /api/search', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		await buildNetwork(db);
		registerSearchSource({
			type: 'article',
			async load(d, thesaurus) {
				const members = (await listMunicipalities(d, { membersOnly: true })).map((m) => m.code);
				return articles.map((a) => articleDocument(a, thesaurus, members));
			},
		});
	});
	afterEach(() => cleanup());

	const results = async (params: Record<string, string>) => ((await searchApi(db, new URLSearchParams(params))).body as { results: ApiResult[] }).results;

	it('finds methods and pathways with type=article', async () => {
		expect((await results({ q: 'netværksmøde', type: 'article' }))[0]).toMatchObject({ type: 'article', ref: 'methods/netvaerksmoeder', url: '/viden/metoder/netvaerksmoeder' });
		const pathway = await results({ q: 'udskrivning hillerød', type: 'article' });
		expect(pathway.map((r) => r.ref)).toEqual(['pathways/udskrivning-bup']);
	});

	it('ranks the pathway with the directory: "udskrivning hillerød" shows the person first and the pathway too', async () => {
		const mixed = await results({ q: 'udskrivning hillerød', limit: '10' });
		expect(mixed[0]).toMatchObject({ type: 'person', ref: 'T001' });
		expect(mixed.map((r) => r.ref)).toContain('pathways/udskrivning-bup');
	});

	it('answers type=article in the contract’s result shape (contracts.md), for methods, pathways and resources alike', async () => {
		const found = await results({ q: 'udskrivning', type: 'article' });
		expect(found.length).toBeGreaterThan(0);
		for (const r of found) {
			expect(Object.keys(r).sort()).toEqual(['matched', 'ref', 'status', 'subtitle', 'successorRef', 'title', 'type', 'unmatched', 'url', 'verifiedAt']);
			expect(r).toMatchObject({ type: 'article', successorRef: null, verifiedAt: null });
			expect(typeof r.title).toBe('string');
			expect(r.url).toMatch(/^\/viden\/(forloeb|metoder|ressourcer)\/[a-z0-9-]+$/);
		}
		const pathway = found.find((r) => r.ref === 'pathways/udskrivning-bup')!;
		expect(pathway).toMatchObject({ title: 'Udskrivning fra børne- og ungdomspsykiatrien til kommunen', subtitle: 'Forløb · Hvem gør hvad ved udskrivning.', status: 'pathways', url: '/viden/forloeb/udskrivning-bup' });
		// Only articles: no person, unit or organisation slips into type=article.
		expect((await results({ q: 'udskrivning hillerød', type: 'article', limit: '50' })).every((r) => r.type === 'article')).toBe(true);
	});
});

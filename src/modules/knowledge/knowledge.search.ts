/**
 * Knowledge articles in the one search index (type `article`): methods, pathways and resources, ref =
 * `<collection>/<slug>`, url /viden/…. Loaded automatically by the search service (Vite glob over *.search.ts).
 * Content changes only with a build, so the documents are fixed per process. A pathway matches every member
 * municipality (its page shows each one's live contacts), so "udskrivning gribskov" finds it beside the person.
 */
import { registerSearchSource } from '@/modules/search/search.registry';
import { listMunicipalities } from '@/modules/directory/directory.repository';
import { ensureArticlesSynced, listArticles } from './knowledge.content';
import { articleDocument } from './knowledge.searchdoc';

// Under Vitest the search service's glob imports this file, but Astro's content layer has no data store there
// (every getCollection call would warn): tests register their own article source (tests/knowledge-search.test.ts).
// Checked at run time — a build made from within Vitest (the browser tests) must still register it.
if (!('__vitest_worker__' in globalThis))
	registerSearchSource({
		type: 'article',
		async load(db, thesaurus) {
			// The index loads at start-up: a good moment to mirror the review facts for the reminder job.
			await ensureArticlesSynced(db).catch(() => undefined);
			const members = (await listMunicipalities(db, { membersOnly: true })).map((m) => m.code);
			return (await listArticles()).map((a) => articleDocument(a, thesaurus, members));
		},
	});

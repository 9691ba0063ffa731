/**
 * Knowledge articles in the one search index (type `article`): methods, pathways and resources, ref =
 * `<collection>/<slug>`, url /viden/…. Loaded automatically by the search service (Vite glob over *.search.ts).
 * Content changes only with a build, so the documents are fixed per process. A pathway carries the situation
 * (role) tags of its contact blocks, so "udskrivning gribskov" finds the discharge pathway beside the person.
 */
import { registerSearchSource } from '@/modules/search/search.registry';
import { listMunicipalities } from '@/modules/directory/directory.repository';
import { ensureArticlesSynced, listArticles } from './knowledge.content';
import { articleDocument } from './knowledge.searchdoc';

registerSearchSource({
	type: 'article',
	async load(db, thesaurus) {
		// The index loads at start-up: a good moment to mirror the review facts for the reminder job.
		await ensureArticlesSynced(db).catch(() => undefined);
		const members = (await listMunicipalities(db, { membersOnly: true })).map((m) => m.code);
		return (await listArticles()).map((a) => articleDocument(a, thesaurus, members));
	},
});

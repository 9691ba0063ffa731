/**
 * The one place the knowledge module reads Astro's content collections (README Decision "Knowledge content
 * in collections, review facts in the database"): pages, the search source and the sync import from here.
 * Everything else in the module takes `Article` objects, so it loads in plain Vitest and CLIs.
 */
import { getCollection } from 'astro:content';
import type { Db } from '@db/client';
import { articleUrl, type Article, type Collection } from './knowledge.types';
import { syncArticles } from './knowledge.writes';

const COLLECTIONS: Collection[] = ['methods', 'pathways', 'resources'];

let cached: Article[] | undefined;

/** Every article, in each collection's order. Content is fixed per build, so it is read once per process. */
export async function listArticles(): Promise<Article[]> {
	if (cached) return cached;
	const out: Article[] = [];
	for (const collection of COLLECTIONS) {
		const entries = await getCollection(collection);
		for (const e of entries) {
			const d = e.data as any;
			out.push({
				collection,
				slug: e.id,
				ref: `${collection}/${e.id}`,
				url: articleUrl(collection, e.id),
				title: d.title,
				summary: d.summary,
				owner: d.owner,
				lastReviewed: (d.last_reviewed as Date).toISOString().slice(0, 10),
				reviewEvery: d.review_every,
				sources: d.sources,
				topics: d.topics ?? [],
				order: d.order ?? 100,
				body: e.body ?? '',
				phases: d.phases ?? [],
				lines: d.lines ?? [],
			});
		}
	}
	out.sort((a, b) => a.collection.localeCompare(b.collection) || a.order - b.order || a.title.localeCompare(b.title, 'da'));
	cached = out;
	return out;
}

export async function findArticle(collection: Collection, slug: string): Promise<Article | undefined> {
	return (await listArticles()).find((a) => a.collection === collection && a.slug === slug);
}

let synced: Promise<void> | undefined;

/**
 * Mirrors each article's review facts into knowledge_article once per process, so the review-reminder job
 * (also under `npm run jobs:run`, which has no content collections) and /admin read them from the database.
 */
export function ensureArticlesSynced(db: Db): Promise<void> {
	synced ??= listArticles()
		.then((articles) => syncArticles(db, articles))
		.catch((error) => {
			synced = undefined;
			throw error;
		});
	return synced;
}

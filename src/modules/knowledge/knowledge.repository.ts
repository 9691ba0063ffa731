/** Every query of the knowledge module: mirrored review facts, municipal notes and news. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@db/schema';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ArticleReviewRow {
	ref: string;
	collection: string;
	slug: string;
	title: string;
	ownerPersonRef: string | null;
	ownerUnit: string | null;
	lastReviewed: string;
	reviewEvery: number;
}

export async function listArticleReviews(db: Executor): Promise<ArticleReviewRow[]> {
	const rows = await db.selectFrom('knowledge_article').selectAll().orderBy('ref').execute();
	return rows.map((r) => ({ ref: r.ref, collection: r.collection, slug: r.slug, title: r.title, ownerPersonRef: r.owner_person_ref, ownerUnit: r.owner_unit, lastReviewed: r.last_reviewed, reviewEvery: r.review_every }));
}

export interface Note {
	id: number;
	phaseId: string;
	municipalityCode: string;
	body: string;
	updatedBy: string;
	updatedAt: string;
}

export async function listNotes(db: Executor, articleRef: string, municipalityCode: string): Promise<Note[]> {
	const rows = await db.selectFrom('knowledge_note').selectAll().where('article_ref', '=', articleRef).where('municipality_code', '=', municipalityCode).execute();
	return rows.map((r) => ({ id: r.id, phaseId: r.phase_id, municipalityCode: r.municipality_code, body: r.body, updatedBy: r.updated_by, updatedAt: r.updated_at }));
}

export interface NewsItem {
	id: number;
	title: string;
	body: string;
	municipalityCode: string | null;
	municipalityName: string | null;
	publishedAt: string;
	createdBy: string;
}

/** Newest first. `municipalityCode`: that municipality's news only; undefined: all. */
export async function listNews(db: Executor, opts: { municipalityCode?: string; limit?: number } = {}): Promise<NewsItem[]> {
	let q = db
		.selectFrom('news')
		.leftJoin('municipality', 'municipality.code', 'news.municipality_code')
		.select(['news.id', 'news.title', 'news.body', 'news.municipality_code', 'news.published_at', 'news.created_by', 'municipality.name as municipality_name']);
	if (opts.municipalityCode) q = q.where('news.municipality_code', '=', opts.municipalityCode);
	const rows = await q.orderBy('news.published_at', 'desc').orderBy('news.id', 'desc').limit(opts.limit ?? 50).execute();
	return rows.map((r) => ({ id: r.id, title: r.title, body: r.body, municipalityCode: r.municipality_code, municipalityName: r.municipality_name ?? null, publishedAt: r.published_at, createdBy: r.created_by }));
}

export async function findNews(db: Executor, id: number): Promise<NewsItem | undefined> {
	const r = await db
		.selectFrom('news')
		.leftJoin('municipality', 'municipality.code', 'news.municipality_code')
		.select(['news.id', 'news.title', 'news.body', 'news.municipality_code', 'news.published_at', 'news.created_by', 'municipality.name as municipality_name'])
		.where('news.id', '=', id)
		.executeTakeFirst();
	return r && { id: r.id, title: r.title, body: r.body, municipalityCode: r.municipality_code, municipalityName: r.municipality_name ?? null, publishedAt: r.published_at, createdBy: r.created_by };
}

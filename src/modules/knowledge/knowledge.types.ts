/** The knowledge module's domain types: an article as pages, search and jobs see it (frontmatter + body). */
import type { HelpLine, Owner, Phase, Source } from './knowledge.schema';

export type Collection = 'methods' | 'pathways' | 'resources';

export interface Article {
	collection: Collection;
	slug: string;
	/** `<collection>/<slug>`: the key in knowledge_article, notes and corrections. */
	ref: string;
	url: string;
	title: string;
	summary: string;
	owner: Owner;
	/** `YYYY-MM-DD`. */
	lastReviewed: string;
	/** Months. */
	reviewEvery: number;
	sources: Source[];
	topics: string[];
	order: number;
	/** Markdown; rendered only through renderMarkdown(). */
	body: string;
	/** Pathways only. */
	phases: Phase[];
	/** Resources only: help lines, each with its source. */
	lines?: HelpLine[];
}

export const COLLECTION_PATH: Record<Collection, string> = { methods: 'metoder', pathways: 'forloeb', resources: 'ressourcer' };
export const COLLECTION_LABEL: Record<Collection, string> = { methods: 'Metode', pathways: 'Forløb', resources: 'Ressource' };

export function articleUrl(collection: Collection, slug: string): string {
	return `/viden/${COLLECTION_PATH[collection]}/${slug}`;
}

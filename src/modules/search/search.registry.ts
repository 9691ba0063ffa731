import type { SearchSource } from './search.types';

const sources = new Map<string, SearchSource>();

/**
 * Adds a result type to the one search index (theme days, supervision groups, articles…).
 *
 * How to add a source — e.g. theme days, in `src/modules/events/events.search.ts`:
 *
 * ```ts
 * import { registerSearchSource } from '@/modules/search/search.registry';
 * import { tagsFromText } from '@/modules/search/search.sources';
 *
 * registerSearchSource({
 *   type: 'event',
 *   async load(db, thesaurus) {
 *     const events = await listUpcomingEvents(db);            // your own repository
 *     return events.map((e) => ({
 *       type: 'event',
 *       ref: e.slug,                                           // unique within the type
 *       title: e.title,
 *       subtitle: `${formatDate(e.startsAt)} · ${e.place}`,
 *       url: `/temadage/${e.slug}`,
 *       status: e.status,                                      // optional, shown as-is in /api/search
 *       text: [{ text: e.title, weight: 1 }, { text: e.summary, weight: 0.4 }],
 *       // What recognised query parts match: explicit tags, or tags found in the text.
 *       tags: { topic: e.topics, ...tagsFromText(thesaurus, e.title) },
 *     }));
 *   },
 * });
 * ```
 *
 * Files named `src/modules/<domain>/<domain>.search.ts` are imported by the search service automatically in the
 * app (Vite glob), so registering there is enough. The index reloads every source when the audit log grows
 * (write an audit entry with your changes, as the directory does) and at most a minute after any other change.
 * Registering the same type again replaces the source.
 */
export function registerSearchSource(source: SearchSource): void {
	sources.set(source.type, source);
	registryVersion++;
}

let registryVersion = 0;

export function listSearchSources(): SearchSource[] {
	return [...sources.values()];
}

/** Bumped on every registration, so the index rebuilds when a source arrives late. */
export function searchSourcesVersion(): number {
	return registryVersion;
}

/** How an article becomes a search document (pure, so it is testable without Astro's content layer). */
import { tagsFromText } from '@/modules/search/search.sources';
import type { SearchDocument, Thesaurus } from '@/modules/search/search.types';
import { COLLECTION_LABEL, type Article } from './knowledge.types';

export function articleDocument(a: Article, thesaurus: Thesaurus, memberCodes: string[]): SearchDocument {
	const inText = tagsFromText(thesaurus, `${a.title} ${a.summary}`);
	const phaseText = a.phases.map((p) => `${p.title} ${Object.values(p.actors).join(' ')}`).join(' ');
	return {
		type: 'article',
		ref: a.ref,
		title: a.title,
		subtitle: `${COLLECTION_LABEL[a.collection]} · ${a.summary}`.slice(0, 200),
		url: a.url,
		status: a.collection,
		text: [
			{ text: a.title, weight: 1.5 },
			{ text: `${COLLECTION_LABEL[a.collection]} viden`, weight: 0.5 },
			{ text: a.summary, weight: 0.6 },
			{ text: phaseText, weight: 0.3 },
			{ text: a.body.replace(/[#*_`>|[\]()-]/g, ' ').slice(0, 4000), weight: 0.2 },
		],
		// A pathway shows live contacts for every member municipality (?kommune=), so it matches the place fully:
		// "udskrivning gribskov" is a complete match, ranked after the first complete people (search.index.ts).
		tags: {
			...inText,
			topic: [...new Set([...(inText.topic ?? []), ...a.topics])],
			...(a.collection === 'pathways' && { municipality: memberCodes }),
		},
	};
}

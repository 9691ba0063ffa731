/**
 * Theme days in the one search index (type `event`): upcoming published and cancelled ones, ref = slug,
 * url /temadage/<slug>. Loaded automatically by the search service (Vite glob over *.search.ts); the index
 * reloads when the audit log grows, and every theme-day change writes an audit entry.
 */
import { registerSearchSource } from '@/modules/search/search.registry';
import { tagsFromText } from '@/modules/search/search.sources';
import { listEvents } from './events.repository';
import { formatEventWhen } from './events.rules';

registerSearchSource({
	type: 'event',
	async load(db, thesaurus) {
		const events = await listEvents(db, { endsAfter: new Date().toISOString() });
		return events.map((e) => ({
			type: 'event' as const,
			ref: e.slug,
			title: e.title,
			subtitle: `Temadag ${formatEventWhen(e.startsAt, e.endsAt)} · ${e.placeName || (e.onlineUrl ? 'Online' : '')} · ${e.organiserName}`,
			url: `/temadage/${e.slug}`,
			status: e.status,
			entityId: e.id,
			text: [
				{ text: e.title, weight: 1.5 },
				{ text: 'temadag', weight: 0.5 },
				{ text: e.summary, weight: 0.5 },
				{ text: e.organiserName, weight: 0.4 },
			],
			tags: { ...tagsFromText(thesaurus, `${e.title} ${e.summary}`), topic: e.topics.map((t) => t.slug) },
		}));
	},
});

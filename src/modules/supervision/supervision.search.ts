/**
 * Supervision groups in the one search index (type `group`): ref = slug, url /supervision/<slug>. Loaded
 * automatically by the search service (Vite glob over *.search.ts); every group change writes an audit entry,
 * so the index reloads.
 */
import { registerSearchSource } from '@/modules/search/search.registry';
import { tagsFromText } from '@/modules/search/search.sources';
import { listGroups } from './supervision.repository';

registerSearchSource({
	type: 'group',
	async load(db, thesaurus) {
		return (await listGroups(db)).map((g) => {
			const free = Math.max(0, g.capacity - g.taken);
			const seats = g.status === 'closed' ? 'afsluttet' : free === 1 ? '1 ledig plads' : free > 0 ? `${free} ledige pladser` : 'fuld, venteliste';
			const inText = tagsFromText(thesaurus, `${g.title} ${g.focus}`);
			return {
				type: 'group' as const,
				ref: g.slug,
				title: g.title,
				subtitle: `Supervisionsgruppe · ${g.supervisors.map((s) => s.name).join(', ')} · ${seats}`,
				url: `/supervision/${g.slug}`,
				status: g.status,
				entityId: g.id,
				text: [
					{ text: g.title, weight: 1.5 },
					{ text: 'supervision supervisionsgruppe', weight: 0.6 },
					{ text: g.focus, weight: 0.8 },
					{ text: g.audience, weight: 0.3 },
					{ text: g.supervisors.map((s) => `${s.name} ${s.profession}`).join(' '), weight: 0.5 },
				],
				tags: { ...inText, topic: [...new Set([...(inText.topic ?? []), ...g.topics])] },
			};
		});
	},
});

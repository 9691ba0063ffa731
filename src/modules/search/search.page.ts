/**
 * Everything the results page (/sog) shows, from its URL: the understood query as removable chips, the filters
 * with their options, and the results with the contact fields the viewer may see.
 */
import type { Db } from '@db/client';
import { formatPhone } from '@/lib/phone';
import { formatDate } from '@/lib/dates';
import { canSeeField } from '@/modules/directory/directory.rules';
import { withoutPart } from './search.parser';
import { search, searchTypesPresent, searchVocabulary } from './search.service';
import type { PersonCard } from './search.sources';
import type { SearchFilters, SearchHit } from './search.types';

/** The page's query parameters (Danish, as they show in the address bar). */
export const FILTER_PARAMS = { municipality: 'kommune', sector: 'sektor', topic: 'emne', ageGroup: 'alder', role: 'rolle' } as const;
const TYPE_LABELS: Record<string, string> = { person: 'Personer', unit: 'Enheder', organisation: 'Organisationer', topic: 'Emner', event: 'Temadage', group: 'Supervisionsgrupper', article: 'Artikler' };
const TYPE_SINGULAR: Record<string, string> = { person: 'Person', unit: 'Enhed', organisation: 'Organisation', topic: 'Emne', event: 'Temadag', group: 'Supervisionsgruppe', article: 'Artikel' };
const SECTORS: Array<[string, string]> = [['kommune', 'Kommune'], ['region', 'Region'], ['frivillig', 'Frivillig organisation'], ['andet', 'Andet']];

/** Results per page, and the last page one can reach (the best 200 are plenty to choose a contact from). */
export const PAGE_SIZE = 20;
const MAX_PAGE = 10;

/** One result in the page's order: a person card, or a line for a unit, organisation, topic, theme day… */
export interface ResultItem {
	hit: SearchHit;
	person: PersonResult | null;
	typeLabel: string;
}

/** Complete matches, then "Passer delvist", then "Andre kommuner" (the index orders hits in these tiers). */
export interface ResultSection {
	key: 'complete' | 'partial' | 'elsewhere';
	heading: string | null;
	items: ResultItem[];
}

export interface Chip {
	label: string;
	/** The page without this part. */
	href: string;
}

export interface PersonResult {
	hit: SearchHit;
	card: PersonCard;
	roleLabels: string[];
	topicLabels: string[];
	phone: { display: string; href: string } | null;
	mobile: { display: string; href: string } | null;
	email: string | null;
	contactHidden: boolean;
	verifiedText: string | null;
}

export interface ResultsPage {
	q: string;
	filters: SearchFilters;
	type: string;
	chips: Chip[];
	filterChips: Chip[];
	people: PersonResult[];
	others: Array<{ label: string; hits: SearchHit[] }>;
	/** The hits of this page in the search's order, split where the tier changes. */
	sections: ResultSection[];
	total: number;
	confidence: 'none' | 'low' | 'ok';
	options: {
		/** The network's member municipalities first; the rest behind "Flere kommuner". */
		municipalities: { members: Array<{ value: string; label: string }>; others: Array<{ value: string; label: string }> };
		sectors: Array<{ value: string; label: string }>;
		topics: Array<{ value: string; label: string }>;
		ageGroups: Array<{ value: string; label: string }>;
		roles: Array<{ value: string; label: string }>;
		types: Array<{ value: string; label: string }>;
	};
	page: number;
	pages: number;
	prevHref: string | null;
	nextHref: string | null;
	searched: boolean;
}

/**
 * The address of a search, with the page's own parameter names: every link into /sog (the home page's
 * tiles, chips, paging) is built here, so a link cannot ask for a parameter the page does not read.
 */
export function searchUrl(input: { q?: string; filters?: SearchFilters; type?: string; page?: number } = {}): string {
	const params = new URLSearchParams();
	if (input.q) params.set('q', input.q);
	for (const [key, name] of Object.entries(FILTER_PARAMS)) {
		const value = input.filters?.[key as keyof SearchFilters];
		if (value) params.set(name, value);
	}
	if (input.type) params.set('type', input.type);
	if (input.page && input.page > 1) params.set('side', String(input.page));
	const s = params.toString();
	return s ? `/sog?${s}` : '/sog';
}

function href(q: string, filters: SearchFilters, type: string, page?: number): string {
	return searchUrl({ q, filters, type, page });
}

export async function resultsPage(db: Db, url: URL, viewer: { signedIn: boolean }): Promise<ResultsPage> {
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 200);
	const rows = await searchVocabulary(db);
	const pick = (name: string, allowed: string[]) => {
		const v = url.searchParams.get(name) ?? '';
		return allowed.includes(v) ? v : undefined;
	};
	const filters: SearchFilters = {
		municipality: pick(FILTER_PARAMS.municipality, rows.municipalities.map((m) => m.code)),
		sector: pick(FILTER_PARAMS.sector, SECTORS.map(([v]) => v)),
		topic: pick(FILTER_PARAMS.topic, rows.topics.map((t) => t.slug)),
		ageGroup: pick(FILTER_PARAMS.ageGroup, rows.ageGroups.map((a) => a.slug)),
		role: pick(FILTER_PARAMS.role, rows.roles.map((r) => r.slug)),
	};
	const type = pick('type', Object.keys(TYPE_LABELS)) ?? '';
	const requested = Math.floor(Number(url.searchParams.get('side')));
	const pageNo = Number.isFinite(requested) ? Math.min(MAX_PAGE, Math.max(1, requested)) : 1;
	const limit = pageNo * PAGE_SIZE;
	const labels = {
		municipality: new Map(rows.municipalities.map((m) => [m.code, m.name])),
		topic: new Map(rows.topics.map((t) => [t.slug, t.label])),
		ageGroup: new Map(rows.ageGroups.map((a) => [a.slug, a.label])),
		role: new Map(rows.roles.map((r) => [r.slug, r.label])),
		sector: new Map(SECTORS),
	};
	const searched = !!q || Object.values(filters).some(Boolean);
	const result = searched ? await search(db, q, { filters, type: type || undefined, limit: limit + 1 }) : null;
	const hits = result?.hits ?? [];

	const kindLabel: Record<string, string> = { municipality: 'Kommune', topic: 'Emne', age_group: 'Alder', role: 'Situation', sector: 'Sektor', organisation: 'Organisation', unit: 'Enhed', text: 'Ord' };
	const chips: Chip[] = (result?.parsed.parts ?? []).map((p, i) => ({
		label: `${kindLabel[p.kind]}: ${p.kind === 'text' ? p.source : p.label}`,
		href: href(withoutPart(result!.parsed, i), filters, type),
	}));
	const filterChips: Chip[] = [];
	for (const key of Object.keys(FILTER_PARAMS) as Array<keyof SearchFilters>) {
		const value = filters[key];
		if (!value) continue;
		const name = key === 'ageGroup' ? 'Alder' : key === 'municipality' ? 'Kommune' : key === 'topic' ? 'Emne' : key === 'role' ? 'Rolle' : 'Sektor';
		filterChips.push({ label: `${name}: ${labels[key].get(value) ?? value}`, href: href(q, { ...filters, [key]: undefined }, type) });
	}
	if (type) filterChips.push({ label: `Type: ${TYPE_LABELS[type]}`, href: href(q, filters, '') });

	const shown = hits.slice(limit - PAGE_SIZE, limit);
	const people: PersonResult[] = [];
	const groups = new Map<string, SearchHit[]>();
	const sections: ResultSection[] = [];
	const sectionOf = (hit: SearchHit): ResultSection['key'] => (hit.complete ? 'complete' : hit.elsewhere ? 'elsewhere' : 'partial');
	const place = filters.municipality ? labels.municipality.get(filters.municipality) : result?.parsed.parts.find((p) => p.kind === 'municipality')?.label;
	const headings: Record<ResultSection['key'], string> = {
		complete: 'Passer på hele søgningen',
		partial: 'Passer delvist',
		elsewhere: place ? `Andre kommuner end ${place}` : 'Andre kommuner',
	};
	for (const hit of shown) {
		let person: PersonResult | null = null;
		if (hit.type === 'person' && hit.data) {
			const card = hit.data as PersonCard;
			const show = (value: string | null, visibility: PersonCard['phoneVisibility']) => (value && canSeeField(visibility, viewer) ? value : null);
			const phone = show(card.phone, card.phoneVisibility);
			const mobile = show(card.mobile, card.mobileVisibility);
			person = {
				hit,
				card,
				roleLabels: card.roles.map((r) => labels.role.get(r) ?? r),
				topicLabels: card.topics.map((t) => labels.topic.get(t) ?? t),
				phone: phone ? { display: formatPhone(phone), href: `tel:${phone}` } : null,
				mobile: mobile ? { display: formatPhone(mobile), href: `tel:${mobile}` } : null,
				email: show(card.email, card.emailVisibility),
				contactHidden: !viewer.signedIn && ((!!card.phone && card.phoneVisibility === 'members') || (!!card.mobile && card.mobileVisibility === 'members')),
				verifiedText: card.verifiedAt ? formatDate(card.verifiedAt) : null,
			};
			people.push(person);
		} else {
			groups.set(hit.type, [...(groups.get(hit.type) ?? []), hit]);
		}
		const key = sectionOf(hit);
		if (sections.at(-1)?.key !== key) sections.push({ key, heading: headings[key], items: [] });
		sections.at(-1)!.items.push({ hit, person, typeLabel: TYPE_SINGULAR[hit.type] ?? hit.type });
	}
	// Complete matches need no heading when nothing else is on the page.
	if (sections.length === 1 && sections[0].key === 'complete' && pageNo === 1) sections[0].heading = null;
	const pages = Math.max(pageNo, Math.min(MAX_PAGE, Math.ceil((result?.total ?? 0) / PAGE_SIZE)));
	const present = await searchTypesPresent(db);
	const opt = (m: Map<string, string>) => [...m].map(([value, label]) => ({ value, label }));
	return {
		q,
		filters,
		type,
		chips,
		filterChips,
		people,
		others: [...groups].map(([t, list]) => ({ label: TYPE_LABELS[t] ?? t, hits: list })),
		total: result?.total ?? 0,
		confidence: result?.confidence ?? 'ok',
		sections,
		options: {
			municipalities: {
				members: rows.municipalities.filter((m) => m.isMember).sort((a, b) => a.name.localeCompare(b.name, 'da')).map((m) => ({ value: m.code, label: m.name })),
				others: rows.municipalities.filter((m) => !m.isMember).sort((a, b) => a.name.localeCompare(b.name, 'da')).map((m) => ({ value: m.code, label: m.name })),
			},
			sectors: SECTORS.map(([value, label]) => ({ value, label })),
			topics: opt(labels.topic),
			ageGroups: opt(labels.ageGroup),
			roles: opt(labels.role),
			// A type with nothing in it yet (supervision groups, articles) has no filter until it has content.
			types: Object.entries(TYPE_LABELS)
				.filter(([value]) => present.has(value) || value === type)
				.map(([value, label]) => ({ value, label })),
		},
		page: pageNo,
		pages,
		prevHref: pageNo > 1 ? href(q, filters, type, pageNo - 1) : null,
		nextHref: hits.length > limit && pageNo < MAX_PAGE ? href(q, filters, type, pageNo + 1) : null,
		searched,
	};
}

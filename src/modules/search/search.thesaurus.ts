/**
 * Builds the in-memory thesaurus from the database's vocabularies (reference tables' `synonyms` plus
 * `search_term`). Pure: the rows come from search.repository.ts.
 */
import { forms, tokenize } from './search.normalise';
import type { Concept, ConceptKind, Thesaurus, ThesaurusEntry, WordForms } from './search.types';

export interface ThesaurusRows {
	municipalities: Array<{ code: string; name: string; synonyms: string[]; isMember: boolean }>;
	topics: Array<{ slug: string; label: string; synonyms: string[] }>;
	roles: Array<{ slug: string; label: string; synonyms: string[] }>;
	ageGroups: Array<{ slug: string; label: string; minAge: number; maxAge: number; synonyms: string[] }>;
	terms: Array<{ term: string; kind: string; target: string }>;
	/** Organisations and units a thesaurus term may point at (`unit` ref: `<organisation slug>/<unit slug>`). */
	organisations?: Array<{ slug: string; name: string }>;
	units?: Array<{ ref: string; name: string }>;
}

/** Words that name a sector (organisation type); fixed by the schema's CHECK, so they live in code. */
const SECTOR_WORDS: Array<[string, string]> = [
	['kommune', 'kommune'], ['kommunen', 'kommune'], ['kommunal', 'kommune'], ['kommunale', 'kommune'], ['kommunerne', 'kommune'],
	['region', 'region'], ['regionen', 'region'], ['regional', 'region'], ['regionale', 'region'], ['regionspsykiatri', 'region'],
	['frivillig', 'frivillig'], ['frivillige', 'frivillig'], ['forening', 'frivillig'], ['foreninger', 'frivillig'], ['ngo', 'frivillig'],
	['civilsamfund', 'frivillig'],
	// Families of organisations in everyday words (tagged from organisation names, see search.sources.ts).
	['psykiatri', 'psykiatri'], ['psykiatrisk', 'psykiatri'], ['psykiatriske', 'psykiatri'], ['voksenpsykiatri', 'psykiatri'],
	['behandlingspsykiatri', 'psykiatri'], ['regionspsykiatri', 'psykiatri'], ['psykiatrisk center', 'psykiatri'],
	['buc', 'bornepsykiatri'], ['bup', 'bornepsykiatri'], ['bupa', 'bornepsykiatri'], ['børnepsykiatri', 'bornepsykiatri'],
	['børnepsykiatrisk', 'bornepsykiatri'], ['ungdomspsykiatri', 'bornepsykiatri'], ['ungdomspsykiatrisk', 'bornepsykiatri'],
	['ungepsykiatri', 'bornepsykiatri'], ['børne- og ungdomspsykiatri', 'bornepsykiatri'], ['børne- og ungdomspsykiatrisk', 'bornepsykiatri'],
	['børne- og ungepsykiatri', 'bornepsykiatri'], ['børne- og unge psykiatri', 'bornepsykiatri'], ['børne- og ungdomspsykiatrisk center', 'bornepsykiatri'],
	['hospital', 'hospital'], ['hospitalet', 'hospital'], ['hospitalets', 'hospital'], ['sygehus', 'hospital'], ['sygehuset', 'hospital'],
	['børneafdeling', 'hospital'], ['børneafdelingen', 'hospital'], ['børne- og ungeafdeling', 'hospital'], ['børne- og ungeafdelingen', 'hospital'],
	['pædiatri', 'hospital'], ['pædiatrien', 'hospital'],
];
const SECTOR_LABELS: Record<string, string> = {
	kommune: 'Kommune', region: 'Region', frivillig: 'Frivillig organisation', andet: 'Andet',
	psykiatri: 'Psykiatrien', bornepsykiatri: 'Børne- og ungdomspsykiatrien', hospital: 'Hospital',
};
/**
 * Sector families that in a need (a municipality plus a problem, age or situation) say where the child comes
 * from, not whom to call: "psykiatri udskrivning halsnæs" asks for Halsnæs's discharge contact. There they rank
 * matching people higher without being required; alone with a place ("psykiatri hillerød") they are required.
 */
const CONTEXT_SECTORS = new Set(['psykiatri', 'hospital']);

function words(text: string): WordForms[] {
	return tokenize(text).map((t) => ({ fold: t.fold, key: t.key, stem: t.stem }));
}

/** The label split into the things it names: "Rusmidler og misbrug" → ["Rusmidler", "misbrug"]. */
function labelParts(label: string): string[] {
	return label
		.replace(/\(.*?\)/g, '')
		.split(/\s+og\s+|,/)
		.map((s) => s.trim())
		.filter(Boolean);
}

export function buildThesaurus(rows: ThesaurusRows): Thesaurus {
	const labels: Record<ConceptKind, Map<string, string>> = {
		municipality: new Map(rows.municipalities.map((m) => [m.code, m.name])),
		topic: new Map(rows.topics.map((t) => [t.slug, t.label])),
		role: new Map(rows.roles.map((r) => [r.slug, r.label])),
		age_group: new Map(rows.ageGroups.map((a) => [a.slug, a.label])),
		sector: new Map(Object.entries(SECTOR_LABELS)),
		organisation: new Map((rows.organisations ?? []).map((o) => [o.slug, o.name])),
		unit: new Map((rows.units ?? []).map((u) => [u.ref, u.name])),
	};
	const byText = new Map<string, ThesaurusEntry>();
	const aliases: Thesaurus['aliases'] = [];

	const add = (text: string, concept: Concept | null, fuzzy = true, aliasOf?: string) => {
		const w = words(text);
		if (w.length === 0) return;
		const id = w.map((x) => x.key).join(' ') + (aliasOf ? '=>' + aliasOf : '');
		let entry = byText.get(id);
		if (!entry) {
			entry = { words: w, text, concepts: [], fuzzy, ...(aliasOf && { aliasOf: words(aliasOf) }) };
			byText.set(id, entry);
		}
		entry.fuzzy = entry.fuzzy || fuzzy;
		if (concept && !entry.concepts.some((c) => c.kind === concept.kind && c.slug === concept.slug)) entry.concepts.push(concept);
	};
	const concept = (kind: ConceptKind, slug: string): Concept | null => {
		const label = labels[kind].get(slug);
		return label === undefined ? null : { kind, slug, label };
	};

	for (const m of rows.municipalities) {
		const c = concept('municipality', m.code)!;
		// Only the network's municipalities get typo tolerance: elsewhere a surname could be taken for a town.
		add(m.name, c, m.isMember);
		for (const s of m.synonyms) add(s, c, m.isMember);
	}
	for (const t of rows.topics) {
		const c = concept('topic', t.slug)!;
		add(t.slug, c);
		for (const part of labelParts(t.label)) add(part, c);
		for (const s of t.synonyms) add(s, c);
	}
	for (const r of rows.roles) {
		const c = concept('role', r.slug)!;
		add(r.slug, c);
		for (const part of labelParts(r.label)) add(part, c);
		for (const s of r.synonyms) add(s, c);
	}
	for (const a of rows.ageGroups) {
		const c = concept('age_group', a.slug)!;
		for (const s of a.synonyms) add(s, c);
	}
	for (const [word, type] of SECTOR_WORDS) add(word, concept('sector', type));
	for (const row of rows.terms) {
		if (row.kind === 'alias') {
			const from = words(row.term);
			const to = words(row.target);
			// An alias for an organisation's name ("børnepsykiatri" = "Børne- og Ungdomspsykiatrisk Center") means
			// that organisation: the words of a long name would otherwise match half the directory.
			const named = organisationsNamed(rows.organisations ?? [], to);
			if (from.length && named.length) {
				for (const slug of named) add(row.term, concept('organisation', slug));
				continue;
			}
			if (from.length && to.length) {
				aliases.push({ from, to, toText: row.target });
				add(row.term, null, from.length > 1 || from[0].key.length > 4, row.target);
			}
			continue;
		}
		const c = concept(row.kind as ConceptKind, row.target);
		if (c) add(row.term, c, row.kind !== 'municipality' || rows.municipalities.find((m) => m.code === row.target)?.isMember !== false);
	}

	const entries = [...byText.values()].filter((e) => e.concepts.length > 0 || e.aliasOf);
	const byFirstKey = new Map<string, ThesaurusEntry[]>();
	const byFirstStem = new Map<string, ThesaurusEntry[]>();
	for (const e of entries) {
		const k = e.words[0].key;
		byFirstKey.set(k, [...(byFirstKey.get(k) ?? []), e]);
		const s = e.words[0].stem;
		if (s.length >= 4) byFirstStem.set(s, [...(byFirstStem.get(s) ?? []), e]);
	}
	const signature = JSON.stringify([rows.municipalities.length, rows.topics, rows.roles, rows.ageGroups, rows.terms.length, rows.terms.at(-1)]);
	return {
		entries,
		byFirstKey,
		byFirstStem,
		singles: entries.filter((e) => e.words.length === 1 && e.concepts.length > 0),
		aliases,
		labels,
		ageRanges: rows.ageGroups.map((a) => ({ slug: a.slug, min: a.minAge, max: a.maxAge })),
		contextSectors: CONTEXT_SECTORS,
		signature,
	};
}

/** Organisations whose name contains these words in this order (all of them, when several do). */
function organisationsNamed(organisations: Array<{ slug: string; name: string }>, target: WordForms[]): string[] {
	if (target.length === 0) return [];
	const want = target.map((w) => w.key);
	const out: string[] = [];
	for (const o of organisations) {
		const keys = words(o.name).map((w) => w.key);
		for (let i = 0; i + want.length <= keys.length; i++) {
			if (want.every((k, j) => keys[i + j] === k)) {
				out.push(o.slug);
				break;
			}
		}
	}
	// A word shared by many names ("kommune", "center") names none of them in particular.
	return out.length <= 3 ? out : [];
}

/** The age groups an age in years falls in. */
export function ageGroupsFor(thesaurus: Thesaurus, age: number): string[] {
	return thesaurus.ageRanges.filter((r) => age >= r.min && age <= r.max).map((r) => r.slug);
}

export { forms };

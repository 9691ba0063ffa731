import { beforeAll, describe, expect, it } from 'vitest';
import { seedTerms } from '@db/migrations/0002_search';
import { ageGroups, municipalities, municipalitySynonyms, roles, topics } from '@db/migrations/0001_reference';
import { parseQuery, withoutPart } from '@/modules/search/search.parser';
import { buildThesaurus } from '@/modules/search/search.thesaurus';
import type { Thesaurus } from '@/modules/search/search.types';

let thesaurus: Thesaurus;
beforeAll(() => {
	thesaurus = buildThesaurus({
		municipalities: municipalities.map(([code, name, member]) => ({ code, name, synonyms: municipalitySynonyms[code] ?? [], isMember: member === 1 })),
		topics: topics.map((t) => ({ slug: t.slug, label: t.label, synonyms: t.synonyms })),
		roles: roles.map((r) => ({ slug: r.slug, label: r.label, synonyms: r.synonyms })),
		ageGroups: ageGroups.map((a) => ({ slug: a.slug, label: a.label, minAge: a.min, maxAge: a.max, synonyms: a.synonyms })),
		terms: Object.entries(seedTerms).flatMap(([kind, pairs]) => pairs.map(([term, target]) => ({ term, kind, target }))),
	});
});

function parts(q: string, isName?: (k: string) => boolean) {
	return Object.fromEntries(parseQuery(q, thesaurus, { isName }).parts.filter((p) => p.kind !== 'text').map((p) => [p.kind, p.slugs.join('|')]));
}

describe('query parser', () => {
	it('recognises municipality, problem, age and situation in a nurse’s query with a typo', () => {
		expect(parts('hilerød selvskade 15 år udskrivelse')).toEqual({ municipality: '219', topic: 'selvskade', age_group: '13-17', role: 'udskrivning' });
	});

	it('does not take a word for a concept because they share a short beginning', () => {
		// "forebyggelse" and "forening" (a sector word) share only "fore".
		expect(parts('forebyggelse gribskov')).toEqual({ municipality: '270' });
		expect(parts('foreninger sorg').sector).toBe('frivillig');
	});

	it('reads ages written in many ways', () => {
		for (const q of ['15-årig', '16 år', '16 aar', '15år', '14 årige', 'teenager', 'pubertet']) expect(parts(q).age_group, q).toBe('13-17');
		for (const q of ['20-arig', '19 år', 'ung voksen', 'unge voksne', 'studerende']) expect(parts(q).age_group, q).toBe('18-25');
		for (const q of ['småbørn', 'spædbarn', '3 år', 'vuggestue']) expect(parts(q).age_group, q).toBe('0-5');
		for (const q of ['skolebarn', 'skoolebarn', 'barn', '9-årig', '3. klasse']) expect(parts(q).age_group, q).toBe('6-12');
	});

	it('recognises towns and ASCII spellings of municipalities', () => {
		expect(parts('Helsinge').municipality).toBe('270');
		expect(parts('Hoersholm').municipality).toBe('223');
		expect(parts('Helsingor').municipality).toBe('217');
		expect(parts('Frederiksværk').municipality).toBe('260');
		expect(parts('Fredriksund').municipality).toBe('250');
	});

	it('maps lay words, inflections and compounds to topics', () => {
		expect(parts('selvmordsforsøg').topic).toBe('selvmord');
		expect(parts('rusmidler').topic).toBe('misbrug');
		expect(parts('depressiv').topic).toBe('depression');
		expect(parts('deressiv').topic).toBe('depression');
		expect(parts('ensom').topic).toBe('ensomhed');
		expect(parts('angstanfald').topic).toBe('angst');
		expect(parts('skoleægring').topic).toBe('skolevaegring');
	});

	it('reads a suspended hyphen as two problems', () => {
		const topic = parseQuery('selvmords- og selvskadende adfærd', thesaurus).parts.filter((p) => p.kind === 'topic').flatMap((p) => p.slugs);
		expect(topic.sort()).toEqual(['selvmord', 'selvskade']);
	});

	it('keeps a name that resembles a concept as a name', () => {
		const isName = (k: string) => k === 'soren';
		expect(parts('Søren Dahl Halsnæs', isName)).toEqual({ municipality: '260' });
	});

	it('turns an abbreviation into text, not a situation', () => {
		const parsed = parseQuery('ppr hillerød', thesaurus);
		expect(parsed.parts.map((p) => p.kind).sort()).toEqual(['municipality', 'text']);
	});

	it('treats a phone number as digits, not as ages', () => {
		const parsed = parseQuery('44 34 28 14', thesaurus);
		expect(parsed.parts).toHaveLength(1);
		expect(parsed.parts[0].words[0].key).toBe('44342814');
	});

	it('drops one part from the query for a chip link', () => {
		const parsed = parseQuery('hillerød selvskade 15 år', thesaurus);
		const age = parsed.parts.findIndex((p) => p.kind === 'age_group');
		expect(withoutPart(parsed, age)).toBe('hillerød selvskade');
	});
});

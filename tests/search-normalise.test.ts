import { describe, expect, it } from 'vitest';
import { allowedEdits, editDistance, fold, forms, indexTerms, stem, tokenize, wordMatch } from '@/modules/search/search.normalise';

describe('Danish normaliser', () => {
	it('folds æ/ø/å and their ASCII spellings to one form', () => {
		expect(fold('Hørsholm')).toBe(fold('Hoersholm'));
		expect(fold('Hørsholm')).toBe(fold('Horsholm'));
		expect(fold('Halsnæs')).toBe(fold('Halsnaes'));
		expect(fold('Halsnæs')).toBe(fold('Halsnas'));
		expect(fold('Åse')).toBe(fold('Aase'));
		expect(forms('Damgård').key).toBe(forms('Damgaard').key);
	});

	it('collapses doubled letters so typing doubles do not matter', () => {
		expect(forms('skoolebarn').key).toBe(forms('skolebarn').key);
		expect(forms('angsst').key).toBe(forms('angst').key);
		expect(forms('Hilerød').key).toBe(forms('Hillerød').key);
	});

	it('stems inflections of the same word to one stem', () => {
		const s = (w: string) => stem(forms(w).key);
		expect(s('udskrivning')).toBe(s('udskrivelse'));
		expect(s('udskrivning')).toBe(s('udskrives'));
		expect(s('spiseforstyrrelser')).toBe(s('spiseforstyrrelse'));
		expect(s('ensomhed')).toBe(s('ensom'));
	});

	it('leaves short words and numbers unstemmed', () => {
		expect(stem('ssp')).toBe('ssp');
		expect(stem('sorg')).toBe('sorg');
		expect(stem('2025')).toBe('2025');
	});

	it('splits hyphens, keeps a suspended hyphen part as its own word and drops stop words', () => {
		expect(tokenize('selvmords- og selvskadende adfærd').map((t) => t.key)).toEqual(['selvmords', 'selvskadende', 'adfard']);
		expect(tokenize('SSP-konsulent').map((t) => t.key)).toEqual(['sp', 'konsulent']);
	});

	it('indexes a hyphenated word joined as well as in parts', () => {
		const terms = indexTerms('SSP-konsulent').map((t) => t.term);
		expect(terms).toContain('spkonsulent');
		expect(terms).toContain('konsulent');
	});

	it('allows no edits on short words and more on long ones', () => {
		expect(allowedEdits(3)).toBe(0);
		expect(allowedEdits(4)).toBe(0);
		expect(allowedEdits(6)).toBe(1);
		expect(allowedEdits(12)).toBe(2);
	});

	it('counts an adjacent transposition as one edit and stops early above the maximum', () => {
		expect(editDistance('damgadr', 'damgard', 2)).toBe(1);
		expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
	});

	it('matches typos by length but never fuzzes abbreviations', () => {
		expect(wordMatch(forms('deressiv'), forms('depressiv'))).toBeGreaterThan(0);
		expect(wordMatch(forms('screenng'), forms('screening'))).toBeGreaterThan(0);
		expect(wordMatch(forms('ppt'), forms('ppr'))).toBe(0);
		expect(wordMatch(forms('bup'), forms('buc'))).toBe(0);
	});
});

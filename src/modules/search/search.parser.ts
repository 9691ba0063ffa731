/**
 * Query understanding: finds the municipality, problem (topic), age, situation/role and sector in free text,
 * and leaves the rest as words to match names, titles, units and organisations. Pure.
 */
import { allowedEdits, editDistance, tokenize, type Token } from './search.normalise';
import { ageGroupsFor } from './search.thesaurus';
import type { Concept, ParsedQuery, QueryPart, Thesaurus, ThesaurusEntry, WordForms } from './search.types';

/** Words that say nothing about who to find; dropped quietly. */
const NOISE = new Set(
	['kontakt', 'kontakter', 'kontaktperson', 'hjalp', 'soger', 'soge', 'pige', 'piger', 'dreng', 'drenge', 'barnet', 'patient', 'patienten', 'borger', 'borgeren', 'hvem', 'hvor', 'nogen', 'noget', 'brug', 'behov', 'ar', 'arig', 'arige', 'gamel', 'alder'],
);

const AGE_PATTERNS: Array<{ re: RegExp; age: (m: RegExpExecArray) => number[] }> = [
	// "15-17 år", "13 til 17 år"
	{ re: /\b(\d{1,2})\s*(?:-|–|til)\s*(\d{1,2})\s*(?:år|aar|ar)\b/giu, age: (m) => [Number(m[1]), Number(m[2])] },
	// "15-årig", "15 årige", "15år", "16 aar", "20-arig", "15 års"
	{ re: /\b(\d{1,2})\s*(?:-|–)?\s*(?:årige?|aarige?|arige?|års|aars|år|aar|ar)(?![\p{L}])/giu, age: (m) => [Number(m[1])] },
	// "7. klasse" → about 13
	{ re: /\b(\d{1,2})\.?\s*(?:klasse|kl\.)/giu, age: (m) => [Number(m[1]) + 6] },
	// a bare small number is almost always an age in this directory ("pige 15 angst")
	{ re: /(?<![\p{L}\p{N}+])(\d{1,2})(?![\p{L}\p{N}])/gu, age: (m) => [Number(m[1])] },
];

interface Match {
	entry: ThesaurusEntry;
	length: number;
	quality: number;
}

function sameWord(typed: Token, known: WordForms, fuzzy: boolean): number {
	if (typed.key === known.key) return 1;
	if (typed.stem.length >= 4 && typed.stem === known.stem) return 0.95;
	if (!fuzzy) return 0;
	const max = allowedEdits(typed.fold.length);
	if (max === 0 || known.key.length <= 4) return 0;
	const d = Math.min(editDistance(typed.key, known.key, max), editDistance(typed.fold, known.fold, max));
	return d <= max ? 0.8 - 0.1 * d : 0;
}

/** The best thesaurus entry starting at token i (longest phrase first, then best quality). */
function matchAt(tokens: Token[], i: number, thesaurus: Thesaurus, isName?: (key: string) => boolean): Match | undefined {
	const t = tokens[i];
	const candidates = new Set<ThesaurusEntry>([...(thesaurus.byFirstKey.get(t.key) ?? []), ...(thesaurus.byFirstStem.get(t.stem) ?? [])]);
	let best: Match | undefined;
	const consider = (entry: ThesaurusEntry, quality: number) => {
		const n = entry.words.length;
		if (!best || n > best.length || (n === best.length && quality > best.quality)) best = { entry, length: n, quality };
	};
	for (const entry of candidates) {
		const n = entry.words.length;
		if (i + n > tokens.length) continue;
		let q = 1;
		for (let j = 0; j < n && q > 0; j++) q = Math.min(q, sameWord(tokens[i + j], entry.words[j], entry.fuzzy));
		if (q > 0) consider(entry, q);
	}
	if (best && best.quality === 1) return best;
	// A word that is exactly a name in the directory is a name, not a typo of a concept ("Søren" is not "screene").
	if (isName?.(t.key)) return best && best.quality >= 0.95 ? best : undefined;
	// Typos and compounds on single words.
	if (t.key.length >= 5) {
		for (const entry of thesaurus.singles) {
			const w = entry.words[0];
			let q = 0;
			if (entry.fuzzy) q = sameWord(t, w, true);
			// Compound whose head or tail is a concept word: "selvskadeadfærd", "skoleangst", "angstproblematik".
			// A stem shorter than 5 letters is too common a beginning ("forening" → "fore" ≠ "forebyggelse").
			if (q === 0 && w.key.length >= 5 && t.key.length >= w.key.length + 3 && (t.key.startsWith(w.key) || (w.stem.length >= 5 && t.key.startsWith(w.stem)) || t.key.endsWith(w.key)))
				q = 0.6;
			if (q > 0 && (!best || q > best.quality)) consider(entry, q);
		}
	}
	return best;
}

function joinParts(parts: QueryPart[], part: QueryPart): void {
	// Two words naming the same concepts ("selvmord selvmordsforsøg") are one part.
	const same = parts.find((p) => p.kind === part.kind && p.kind !== 'text' && p.slugs.join() === part.slugs.join());
	if (same) {
		same.source += ' ' + part.source;
		same.spans.push(...part.spans);
		same.confidence = Math.max(same.confidence, part.confidence);
		return;
	}
	parts.push(part);
}

/**
 * Parses a query. `isName(key)` says whether a word is a name in the directory: such a word keeps its text
 * meaning beside a concept (a surname that is also a town or a problem).
 */
export function parseQuery(text: string, thesaurus: Thesaurus, opts: { isName?: (key: string) => boolean; typing?: boolean } = {}): ParsedQuery {
	const parts: QueryPart[] = [];
	// A phone number (someone called): match it as digits, not as ages.
	const digits = text.replace(/\D/g, '');
	if (digits.length >= 8 && /^[\d\s+\-().]+$/.test(text.trim())) {
		const key = digits.slice(-8);
		parts.push({ kind: 'text', slugs: [], label: text.trim(), source: text.trim(), spans: [[0, text.length]], words: [{ fold: key, key, stem: key }], confidence: 1 });
		return { text, parts };
	}
	const taken: Array<[number, number]> = [];
	const isTaken = (start: number, end: number) => taken.some(([a, b]) => start < b && end > a);

	// Ages first: "15-årig" would otherwise become the words "15" and "årig".
	for (const { re, age } of AGE_PATTERNS) {
		re.lastIndex = 0;
		for (let m = re.exec(text); m; m = re.exec(text)) {
			const start = m.index;
			const end = m.index + m[0].length;
			if (isTaken(start, end)) continue;
			const ages = age(m).filter((a) => a >= 0 && a <= 30);
			if (ages.length === 0) continue;
			const lo = Math.min(...ages);
			const hi = Math.max(...ages);
			const slugs = thesaurus.ageRanges.filter((r) => r.max >= lo && r.min <= hi).map((r) => r.slug);
			if (slugs.length === 0) continue;
			taken.push([start, end]);
			const bare = re === AGE_PATTERNS[3].re;
			joinParts(parts, {
				kind: 'age_group',
				slugs,
				label: slugs.map((s) => thesaurus.labels.age_group.get(s) ?? s).join(' / '),
				source: m[0],
				spans: [[start, end]],
				words: [],
				confidence: bare ? 0.7 : 1,
			});
		}
	}

	const tokens = tokenize(text).filter((t) => !isTaken(t.start, t.end));
	for (let i = 0; i < tokens.length; ) {
		const t = tokens[i];
		if (NOISE.has(t.key)) {
			i++;
			continue;
		}
		const match = matchAt(tokens, i, thesaurus, opts.isName);
		if (!match) {
			const last = i === tokens.length - 1 && opts.typing;
			parts.push({ kind: 'text', slugs: [], label: t.raw, source: t.raw, spans: [[t.start, t.end]], words: [t], confidence: 1, open: !!last && /[\p{L}\p{N}]$/u.test(text) });
			i++;
			continue;
		}
		const span: [number, number] = [t.start, tokens[i + match.length - 1].end];
		const source = text.slice(span[0], span[1]);
		const spanWords = tokens.slice(i, i + match.length);
		if (match.entry.aliasOf) {
			// An alias is text: the words it stands for, or itself.
			parts.push({ kind: 'text', slugs: [], label: source, source, spans: [span], words: match.entry.aliasOf.length === 1 ? [...match.entry.aliasOf] : spanWords, confidence: match.quality });
			i += match.length;
			continue;
		}
		const byKind = new Map<string, Concept[]>();
		for (const c of match.entry.concepts) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
		// One word naming two kinds ("krise": grief and acute) becomes one part per kind; each may match.
		for (const [kind, concepts] of byKind) {
			const nameToo = match.length === 1 && !!opts.isName?.(t.key);
			joinParts(parts, {
				kind: kind as Concept['kind'],
				slugs: concepts.map((c) => c.slug),
				label: concepts.map((c) => c.label).join(' / '),
				source,
				spans: [span],
				words: nameToo ? spanWords : [],
				confidence: match.quality,
			});
		}
		i += match.length;
	}
	return { text, parts };
}

/** The query with one part's words removed (for a removable filter chip). */
export function withoutPart(parsed: ParsedQuery, index: number): string {
	const spans = parsed.parts[index]?.spans ?? [];
	let out = parsed.text;
	for (const [a, b] of [...spans].sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + ' ' + out.slice(b);
	return out.replace(/\s+/g, ' ').replace(/\s+([,.])/g, '$1').trim();
}

export { ageGroupsFor };

/**
 * Danish text → search keys. Pure functions shared by the index (documents) and the query parser, so both
 * sides always fold, split and stem the same way.
 *
 * A word has three forms here:
 * - `fold`: lower case, æ/ø/å and their ASCII spellings (ae/oe/aa, or a/o) folded to a/o, accents dropped;
 * - `key`: `fold` with runs of one letter collapsed (`skoolebarn` → `skolebarn`, `Frederikssund` → `frederiksund`),
 *   the exact-match key in the index;
 * - `stem`: `key` with a light Danish inflection suffix removed (`udskrivningen` → `udskriv`).
 */

const ASCII = /^[\x00-\x7f]*$/;
const DIGITS = /^[\d ]*$/;

/** Folds Danish letters and their transliterations to one spelling: Hørsholm = Hoersholm = Horsholm → horsholm. */
export function fold(text: string): string {
	// Plain ASCII (phone digits, refs, most words as typed) has no Danish letters, accents or composed forms:
	// both normalize() calls are the identity there and cost most of a fold (a rebuild folds every phone and ref).
	if (ASCII.test(text))
		return text
			.toLowerCase()
			.replace(/aa/g, 'a')
			.replace(/ae/g, 'a')
			.replace(/oe/g, 'o');
	return text
		.normalize('NFC')
		.toLowerCase()
		.replace(/æ/g, 'a')
		.replace(/ø/g, 'o')
		.replace(/å/g, 'a')
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/aa/g, 'a')
		.replace(/ae/g, 'a')
		.replace(/oe/g, 'o');
}

/** Collapses letter runs (typing doubles and the ss/rr of compounds vary): `angsst` → `angst`. */
export function collapse(word: string): string {
	return word.replace(/([a-z])\1+/g, '$1');
}

/** The exact-match key of one already-folded word. */
export function keyOf(foldedWord: string): string {
	return collapse(foldedWord);
}

// Longest first; a suffix is only removed when at least 4 letters remain, so short words and names stay whole.
const SUFFIXES = [
	'ningerne', 'elserne', 'hederne', 'ningers', 'ninger', 'ningen', 'elsen', 'elser', 'heden', 'heder', 'ernes', 'erne',
	'ning', 'else', 'ende', 'ede', 'ene', 'ere', 'ers', 'hed', 'er', 'en', 'et', 'es', 'ig', 'e', 's',
];

/** Light Danish stemmer for a key: drops definite/plural/genitive and -ning/-else/-hed endings. */
export function stem(key: string): string {
	if (key.length <= 4 || /\d/.test(key)) return key;
	for (const suffix of SUFFIXES) {
		if (key.endsWith(suffix) && key.length - suffix.length >= 4) return key.slice(0, -suffix.length);
	}
	return key;
}

export interface Token {
	/** As typed, lower-cased (for chips and logs). */
	raw: string;
	fold: string;
	key: string;
	stem: string;
	/** Offset of the token in the original text (for removing a recognised part from the query). */
	start: number;
	end: number;
}

const STOPWORDS = new Set(['og', 'i', 'for', 'med', 'til', 'en', 'et', 'der', 'som', 'har', 'pa', 'af', 'om', 'den', 'det', 'de', 'at', 'er', 'fra', 'eller', 'hos', 'vi', 'jeg', 'min', 'mit', 'mine', 'sig', 'kan', 'skal', 'ved', 'the', 'and']);

/** True for little words that carry no meaning in a search (`og`, `i`, `på`…). */
export function isStopword(key: string): boolean {
	return STOPWORDS.has(key);
}

/**
 * Splits text into tokens. Hyphens split words (`SSP-konsulent` → `ssp`, `konsulent`) and a suspended hyphen
 * (`selvmords- og selvskadende`) leaves the first part as a word of its own. Digits stay tokens.
 */
export function tokenize(text: string, opts: { keepStopwords?: boolean } = {}): Token[] {
	const tokens: Token[] = [];
	const re = /[\p{L}\p{N}]+/gu;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		const raw = m[0].toLowerCase();
		const f = fold(raw);
		const k = keyOf(f);
		if (!k) continue;
		if (!opts.keepStopwords && isStopword(k)) continue;
		tokens.push({ raw, fold: f, key: k, stem: stem(k), start: m.index, end: m.index + m[0].length });
	}
	return tokens;
}

/** The keys (and stems) of a text, for indexing: hyphenated words are also indexed joined (`sspkonsulent`). */
export function indexTerms(text: string): Array<{ term: string; exact: boolean }> {
	// Phone numbers: every digit run is its own exact term (no folding, collapsing or stem touches digits).
	if (DIGITS.test(text)) return text.match(/\d+/g)?.map((term) => ({ term, exact: true })) ?? [];
	const out: Array<{ term: string; exact: boolean }> = [];
	const tokens = tokenize(text, { keepStopwords: false });
	for (const t of tokens) {
		out.push({ term: t.key, exact: true });
		if (t.stem !== t.key) out.push({ term: t.stem, exact: false });
	}
	for (const joined of text.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) {
		const k = keyOf(fold(joined[0].replace(/-/g, '')));
		out.push({ term: k, exact: true });
	}
	return out;
}

/** Edits allowed for a typed word of this length: none on ≤4 letters (abbreviations, short names), 1 up to 8, then 2. */
export function allowedEdits(length: number): number {
	if (length <= 4) return 0;
	if (length <= 8) return 1;
	return 2;
}

/**
 * Optimal-string-alignment distance (Levenshtein + adjacent transposition), stopping early above `max`.
 * Returns max + 1 when the distance is larger than `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
	if (a === b) return 0;
	const la = a.length;
	const lb = b.length;
	if (Math.abs(la - lb) > max) return max + 1;
	if (lb + 1 > rowA.length) {
		rowA = new Int32Array(lb + 16);
		rowB = new Int32Array(lb + 16);
		rowC = new Int32Array(lb + 16);
	}
	// Reused rows: this runs thousands of times per search and must not allocate.
	let prev2 = rowA;
	let prev = rowB;
	let cur = rowC;
	for (let j = 0; j <= lb; j++) prev[j] = j;
	for (let i = 1; i <= la; i++) {
		cur[0] = i;
		let rowMin = i;
		const ca = a.charCodeAt(i - 1);
		for (let j = 1; j <= lb; j++) {
			const cb = b.charCodeAt(j - 1);
			let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === cb ? 0 : 1));
			if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prev2[j - 2] + 1);
			cur[j] = v;
			if (v < rowMin) rowMin = v;
		}
		if (rowMin > max) return max + 1;
		const t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * How well a typed word matches a known word (both given as fold + key), 0 when it does not:
 * 1 exact, 0.9 same stem, 0.75 − 0.1·edits for a typo within the allowed edits.
 */
export function wordMatch(typed: { fold: string; key: string; stem: string }, known: { fold: string; key: string; stem: string }): number {
	if (typed.key === known.key) return 1;
	if (typed.stem === known.stem && typed.stem.length >= 4) return 0.9;
	const max = allowedEdits(typed.fold.length);
	if (max === 0 || known.key.length <= 4) return 0;
	const d = Math.min(editDistance(typed.key, known.key, max), editDistance(typed.fold, known.fold, max));
	return d <= max ? 0.75 - 0.1 * d : 0;
}

/** A word in all three forms. */
export function forms(word: string): { fold: string; key: string; stem: string } {
	const f = fold(word).replace(/[^a-z0-9]/g, '');
	const k = keyOf(f);
	return { fold: f, key: k, stem: stem(k) };
}

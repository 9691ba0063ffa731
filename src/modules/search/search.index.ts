/**
 * The one in-memory search index: an inverted index over normalised words and concept tags, a deletion
 * neighbourhood for typos, term-at-a-time scoring into typed arrays. No I/O; search.service.ts feeds it.
 *
 * What it stores per person, and why (issue 13; at 100,000 synthetic people ~680 bytes a person in all, heap
 * and typed arrays, against ~4 kB as a graph of JS objects; `npm run bench -- search` prints it with the parts):
 * - postings, ~22 a person (first and last name, title, unit, organisation and municipality words, phone digits,
 *   ref; municipality, topic, role, age-group, sector, organisation and unit tags): a document number (4 bytes)
 *   and a 16-bit weight code in flat arrays sorted by term (CSR), so a query part reads one contiguous slice and
 *   the garbage collector sees three arrays instead of millions of numbers: ~135 bytes;
 * - the fields the candidate loop ranks by (alive, type, left, successor, key-person boost, confirmed, stale-from,
 *   share of children's age groups, entity ids) in typed arrays: ~60 bytes;
 * - what a hit shows (a person's card with contact fields and hours; title, subtitle, URL and tags follow from it)
 *   as one compact string (personRecordCodec in search.sources.ts; other types search.records.ts), decoded only
 *   for the ~20 hits shown — kept here rather than read from the database per search so a result never waits for
 *   a query and matches the index it was ranked by: ~150 bytes;
 * - the entity id in a map (replace a document in place, follow successors and deputies): ~60 bytes;
 * - the term dictionary: each phone number and ref is a term of its own (exact search by number): ~150 bytes.
 * Typo and prefix structures (vocabulary, deletion neighbourhood) grow with distinct words, not with people.
 */
import { allowedEdits, editDistance, indexTerms, tokenize } from './search.normalise';
import { RecordStore } from './search.records';
import type { ConceptKind, DocRecord, ParsedQuery, RecordCodec, QueryPart, SearchDocument, SearchFilters, SearchHit, Thesaurus, WordForms } from './search.types';

const TAG_PREFIX: Record<ConceptKind, string> = { municipality: '§m:', topic: '§t:', age_group: '§a:', role: '§r:', sector: '§s:', organisation: '§o:', unit: '§u:' };
/**
 * How much each kind of part counts: where and what matter most, then age and situation. A named sector,
 * organisation or unit ("BUC", "hospitalet", "regionen") outweighs the place: who is asked for comes first.
 */
const PART_WEIGHT: Record<QueryPart['kind'], number> = { municipality: 3, topic: 3, age_group: 1.5, role: 1.5, sector: 3.5, organisation: 4, unit: 4, text: 2 };
/** What a context sector (see search.thesaurus.ts) adds to the score of people it fits, without being required. */
const CONTEXT_BONUS = 1.5;
/** With no age in the query, people who serve children under 18 (the network's core) come first among equals (× share). */
const CHILD_PRIOR = 0.2;
/** Ranking key offset of partial matches outside the place the query names (below every partial match in it). */
const ELSEWHERE = -500;
/** A part counts as matched from this quality up (a weak tag — a region unit serving the municipality — does not). */
const MATCHED = 0.25;
const WEAK_TAG = 0.2;
/** Confirmed within this long: a small ranking bonus (staleness itself is the freshness policy's, per document). */
const FRESH_MS = 182 * 86_400_000;

/** Posting weights of words from a name field are stored + NAME_FLAG, so no per-document set is needed. */
const NAME_FLAG = 2;
/** Weights are stored as 16-bit codes into a table of the distinct weights (a few dozen are used). */
const MAX_WEIGHTS = 65_536;
/** Postings sorted per slice of a sealing build, between yields. */
const SEAL_CHUNK = 1 << 18;

export interface IndexSearchOptions {
	filters?: SearchFilters;
	type?: string;
	limit?: number;
	now?: number;
}

/** Index terms of one text, as term numbers, and the alias words it adds (cached per text while building). */
interface Analysis {
	terms: string[];
	ids: number[];
	exact: boolean[];
	extra: number[];
}

function grown<T extends Int32Array | Uint16Array | Uint8Array | Float64Array>(a: T, need: number): T {
	if (need <= a.length) return a;
	const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 1024));
	b.set(a);
	return b;
}

export class SearchIndex {
	// Documents are numbered in the order they are added (slots); a replaced or removed one leaves a dead slot.
	private count = 0;
	private aliveCount = 0;
	/** Slots added before the postings were sealed; later ones are in `delta` (compacted by the next rebuild). */
	private sealedDocs = 0;
	// Hot per-document fields as typed arrays: the candidate loop reads these, never a record.
	private alive = new Uint8Array(0);
	private isPerson = new Uint8Array(0);
	private isLeft = new Uint8Array(0);
	private hasSuccessor = new Uint8Array(0);
	private typeOf = new Uint8Array(0);
	private boostOf = new Float64Array(0);
	private verifiedOf = new Float64Array(0);
	/** Epoch ms from which a document is stale (freshness policy); Infinity for never. */
	private staleFromOf = new Float64Array(0);
	private servesChildren = new Float64Array(0);
	/** Entity id and successor's entity id; NaN for none. */
	private entityOf = new Float64Array(0);
	private successorOf = new Float64Array(0);
	private refOf: string[] = [];
	/** What a hit shows, encoded (search.records.ts, or the document's own codec); '' for a dead slot. */
	private records: string[] = [];
	private store = new RecordStore();
	/** The codec of each slot's record: 0 the generic one, otherwise codecs[n - 1]. */
	private codecOf = new Uint8Array(0);
	private codecs: RecordCodec[] = [];
	private types: string[] = [];
	private typeCodes = new Map<string, number>();
	private typeCount = new Map<string, number>();
	private byRef = new Map<string, Map<string, number>>();
	private byEntity = new Map<string, Map<number, number>>();

	// Postings: term → numbered term; per term the documents (ascending) and their weight codes. While building
	// they are appended as (term, document, weight) triples; sealing sorts them into one flat array per field
	// (CSR: term t's postings are offsets[t] … offsets[t + 1]). Documents added after that go to `delta`.
	private termIds = new Map<string, number>();
	private tagIds = new Map<string, Map<string, number>>();
	private building = true;
	private bTerm = new Int32Array(0);
	private bDoc = new Int32Array(0);
	private bCode = new Uint16Array(0);
	private bLength = 0;
	private sealedTerms = 0;
	private offsets = new Int32Array(1);
	private postDoc = new Int32Array(0);
	private postCode = new Uint16Array(0);
	/** Postings added after sealing: term → [document, weight code, document, weight code, …]. */
	private delta = new Map<number, number[]>();
	private weights: number[] = [];
	private weightCodes = new Map<number, number>();
	// The terms of the document being added, in first-seen order, with their best weight (scratch, reused).
	private docTermList = new Int32Array(64);
	private docTermCount = 0;
	private docTermStamp = new Int32Array(0);
	private docTermWeight = new Float64Array(0);

	/** Exact word keys (no digits), for prefixes and typos; insertion order. */
	private vocab = new Set<string>();
	/** Deletion neighbourhood: a key with one (or, for long words, two) letters deleted → the key(s) it came from. */
	private deletes = new Map<string, string | string[]>();
	private names = new Set<string>();
	private childAges: Set<string>;
	/** The first word keys of every alias, both ways (a text without one needs no alias scan). */
	private aliasHeads: Set<string>;
	/** Per-text cache of analyses (unit, organisation and title texts repeat a lot); dropped after a build. */
	private termCache = new Map<string, Analysis>();
	private buffers = { score: new Float64Array(0), count: new Uint8Array(0), part: new Float32Array(0), nameHit: new Uint8Array(0), mark: new Uint8Array(0), steer: new Uint8Array(0), place: new Uint8Array(0), allow: new Uint8Array(0), touched: new Int32Array(0), partTouched: new Int32Array(0) };

	/** `expected`: the size of the index this one replaces, so the arrays are allocated once instead of grown. */
	constructor(
		private thesaurus: Thesaurus,
		expected?: { docs: number; postings: number },
	) {
		this.childAges = childAgesOf(thesaurus);
		this.aliasHeads = aliasHeadsOf(thesaurus);
		if (expected) {
			this.ensureDocCapacity(Math.ceil(expected.docs * 1.05));
			const postings = Math.ceil(expected.postings * 1.05);
			this.bTerm = new Int32Array(postings);
			this.bDoc = new Int32Array(postings);
			this.bCode = new Uint16Array(postings);
		}
	}

	/** The size to expect of the next build (see the constructor). */
	get extent(): { docs: number; postings: number } {
		let delta = 0;
		for (const list of this.delta.values()) delta += list.length / 2;
		return { docs: this.count, postings: (this.building ? this.bLength : this.postDoc.length) + delta };
	}

	/**
	 * Swaps the thesaurus (an admin taught a word). Documents indexed before keep their alias words: the
	 * service re-adds those an alias change touches (entitiesWithWord) and every unit, organisation and topic.
	 */
	setThesaurus(thesaurus: Thesaurus): void {
		this.thesaurus = thesaurus;
		this.childAges = childAgesOf(thesaurus);
		this.aliasHeads = aliasHeadsOf(thesaurus);
		this.termCache.clear();
	}

	/** Entity ids of the live documents of a type whose text has this exact word key. */
	entitiesWithWord(type: string, key: string): number[] {
		const term = this.termIds.get(key);
		const code = this.typeCodes.get(type);
		if (term === undefined || code === undefined) return [];
		const out: number[] = [];
		this.forEachPosting(term, (i) => {
			if (this.alive[i] === 1 && this.typeOf[i] === code && !Number.isNaN(this.entityOf[i])) out.push(this.entityOf[i]);
		});
		return out;
	}

	get size(): number {
		return this.aliveCount;
	}

	/**
	 * Work the next rebuild would compact: dead slots, or the documents added since sealing (kept in `delta`) when
	 * there are more of those (new documents rather than replaced ones; a replaced one counts once).
	 */
	get garbage(): number {
		return Math.max(this.count - this.aliveCount, this.building ? 0 : this.count - this.sealedDocs);
	}

	/** Drops build-time caches (after an in-place update). */
	finishBuild(): void {
		this.termCache.clear();
	}

	/**
	 * Ends a build: sorts the postings into their flat arrays in slices (awaiting `pace` between them) and drops
	 * build-time caches. Searching an unsealed index seals it first, in one piece.
	 */
	async seal(pace?: () => Promise<void>): Promise<void> {
		for (const _ of this.sealing()) await pace?.();
		this.termCache.clear();
	}

	private *sealing(): Generator<void> {
		if (!this.building) return;
		const n = this.bLength;
		const terms = this.termIds.size;
		const { bTerm, bDoc, bCode } = this;
		const offsets = new Int32Array(terms + 1);
		for (let s = 0; s < n; s += SEAL_CHUNK) {
			const e = Math.min(n, s + SEAL_CHUNK);
			for (let j = s; j < e; j++) offsets[bTerm[j] + 1]++;
			yield;
		}
		for (let t = 0; t < terms; t++) offsets[t + 1] += offsets[t];
		const cursor = offsets.slice(0, terms);
		const docs = new Int32Array(n);
		const codes = new Uint16Array(n);
		// Triples were appended in document order, so each term's postings come out ascending.
		for (let s = 0; s < n; s += SEAL_CHUNK) {
			const e = Math.min(n, s + SEAL_CHUNK);
			for (let j = s; j < e; j++) {
				const k = cursor[bTerm[j]]++;
				docs[k] = bDoc[j];
				codes[k] = bCode[j];
			}
			yield;
		}
		this.offsets = offsets;
		this.postDoc = docs;
		this.postCode = codes;
		this.sealedTerms = terms;
		this.sealedDocs = this.count;
		this.bTerm = new Int32Array(0);
		this.bDoc = new Int32Array(0);
		this.bCode = new Uint16Array(0);
		this.bLength = 0;
		this.building = false;
	}

	private sealNow(): void {
		for (const _ of this.sealing());
	}

	/** The result types that have at least one document (the results page hides the others' filter). */
	typesPresent(): string[] {
		return [...this.typeCount].filter(([, n]) => n > 0).map(([t]) => t);
	}

	isName(key: string): boolean {
		return this.names.has(key);
	}

	private termId(term: string): number {
		let id = this.termIds.get(term);
		if (id === undefined) this.termIds.set(term, (id = this.termIds.size));
		return id;
	}

	private tagId(kind: ConceptKind, value: string): number {
		let byValue = this.tagIds.get(kind);
		if (!byValue) this.tagIds.set(kind, (byValue = new Map()));
		let id = byValue.get(value);
		if (id === undefined) byValue.set(value, (id = this.termId(TAG_PREFIX[kind] + value)));
		return id;
	}

	private weightCode(weight: number): number {
		let code = this.weightCodes.get(weight);
		if (code === undefined) {
			// Never reached in practice (a few dozen weights): the nearest known weight rather than a failed build.
			if (this.weights.length >= MAX_WEIGHTS) return this.weights.reduce((best, w, c) => (Math.abs(w - weight) < Math.abs(this.weights[best] - weight) ? c : best), 0);
			code = this.weights.length;
			this.weights.push(weight);
			this.weightCodes.set(weight, code);
		}
		return code;
	}

	/** Notes a term of the document being added with a weight; the better weight wins (a name flag aside). */
	private put(idx: number, term: number, weight: number): void {
		if (term >= this.docTermStamp.length) {
			this.docTermStamp = grown(this.docTermStamp, term + 1);
			this.docTermWeight = grown(this.docTermWeight, term + 1);
		}
		if (this.docTermStamp[term] !== idx + 1) {
			this.docTermStamp[term] = idx + 1;
			this.docTermWeight[term] = weight;
			if (this.docTermCount === this.docTermList.length) this.docTermList = grown(this.docTermList, this.docTermCount + 1);
			this.docTermList[this.docTermCount++] = term;
			return;
		}
		const had = this.docTermWeight[term];
		if ((had >= NAME_FLAG ? had - NAME_FLAG : had) < (weight >= NAME_FLAG ? weight - NAME_FLAG : weight)) this.docTermWeight[term] = weight;
	}

	private post(term: number, doc: number, weight: number): void {
		const code = this.weightCode(weight);
		if (this.building) {
			const n = this.bLength;
			if (n === this.bTerm.length) {
				this.bTerm = grown(this.bTerm, n + 1);
				this.bDoc = grown(this.bDoc, n + 1);
				this.bCode = grown(this.bCode, n + 1);
			}
			this.bTerm[n] = term;
			this.bDoc[n] = doc;
			this.bCode[n] = code;
			this.bLength = n + 1;
		} else {
			const list = this.delta.get(term);
			if (list) list.push(doc, code);
			else this.delta.set(term, [doc, code]);
		}
	}

	/** Calls fn for each posting of a term in document order (the sealed ones, then those added since). */
	private forEachPosting(term: number, fn: (doc: number, weight: number) => void): void {
		if (this.building) this.sealNow();
		const { weights } = this;
		if (term < this.sealedTerms) {
			const { postDoc, postCode } = this;
			for (let j = this.offsets[term], end = this.offsets[term + 1]; j < end; j++) fn(postDoc[j], weights[postCode[j]]);
		}
		const extra = this.delta.get(term);
		if (extra) for (let j = 0; j < extra.length; j += 2) fn(extra[j], weights[extra[j + 1]]);
	}

	private ensureDocCapacity(n: number): void {
		if (n <= this.alive.length) return;
		this.alive = grown(this.alive, n);
		this.codecOf = grown(this.codecOf, n);
		this.isPerson = grown(this.isPerson, n);
		this.isLeft = grown(this.isLeft, n);
		this.hasSuccessor = grown(this.hasSuccessor, n);
		this.typeOf = grown(this.typeOf, n);
		this.boostOf = grown(this.boostOf, n);
		this.verifiedOf = grown(this.verifiedOf, n);
		this.staleFromOf = grown(this.staleFromOf, n);
		this.servesChildren = grown(this.servesChildren, n);
		this.entityOf = grown(this.entityOf, n);
		this.successorOf = grown(this.successorOf, n);
	}

	/**
	 * Adds a document, replacing one with the same type and ref. `unique`: the caller knows the index holds no
	 * document of this type and ref (a build streaming people by their unique ref), so the lookup is skipped — at
	 * 100,000 people a miss in the ref map cost ~1 µs a person (issue 13 profile).
	 */
	add(doc: SearchDocument, unique = false): void {
		if (!unique) {
			if (doc.entityId !== undefined) this.removeEntity(doc.type, doc.entityId);
			else this.removeRef(doc.type, doc.ref);
		}
		const idx = this.count;
		this.ensureDocCapacity(idx + 1);
		this.docTermCount = 0;
		for (const field of doc.text) {
			if (!field.text) continue;
			const analysed = this.analyse(field.text);
			for (let k = 0; k < analysed.ids.length; k++) {
				const exact = analysed.exact[k];
				const w = exact ? field.weight : field.weight * 0.85;
				this.put(idx, analysed.ids[k], field.name && exact ? w + NAME_FLAG : w);
				if (exact && field.name) this.names.add(analysed.terms[k]);
			}
			for (const term of analysed.extra) this.put(idx, term, 0.45 * field.weight);
		}
		const { weakTags, tags } = doc;
		if (weakTags) for (const kind of Object.keys(weakTags) as ConceptKind[]) for (const v of weakTags[kind] ?? []) this.put(idx, this.tagId(kind, v), WEAK_TAG);
		if (tags) for (const kind of Object.keys(tags) as ConceptKind[]) for (const v of tags[kind] ?? []) this.put(idx, this.tagId(kind, v), 1);
		for (let k = 0; k < this.docTermCount; k++) {
			const term = this.docTermList[k];
			this.post(term, idx, this.docTermWeight[term]);
		}

		let code = this.typeCodes.get(doc.type);
		if (code === undefined) {
			code = this.types.length;
			this.types.push(doc.type);
			this.typeCodes.set(doc.type, code);
		}
		const verifiedMs = doc.verifiedAt ? Date.parse(doc.verifiedAt) : NaN;
		this.alive[idx] = 1;
		this.isPerson[idx] = doc.type === 'person' ? 1 : 0;
		this.isLeft[idx] = doc.status === 'left' ? 1 : 0;
		this.hasSuccessor[idx] = doc.successorEntityId != null ? 1 : 0;
		this.typeOf[idx] = code;
		this.boostOf[idx] = doc.boost ?? 0;
		this.verifiedOf[idx] = Number.isNaN(verifiedMs) ? -1 : verifiedMs;
		this.staleFromOf[idx] = doc.staleFromMs ?? Infinity;
		// The share of the person's age groups that are under 18 (1 for a children's worker, ½ for 13–25).
		const ages = doc.tags?.age_group ?? [];
		let child = 0;
		for (const a of ages) if (this.childAges.has(a)) child++;
		this.servesChildren[idx] = ages.length ? child / ages.length : 0;
		this.entityOf[idx] = doc.entityId ?? NaN;
		this.successorOf[idx] = doc.successorEntityId ?? NaN;
		this.refOf[idx] = doc.ref;
		if (doc.codec) {
			let n = this.codecs.indexOf(doc.codec);
			if (n < 0) n = this.codecs.push(doc.codec) - 1;
			this.codecOf[idx] = n + 1;
			this.records[idx] = doc.codec.encode(doc, this.store);
		} else {
			const record: DocRecord = [doc.title, doc.subtitle, doc.url, doc.status, doc.verifiedAt, doc.tags, doc.weakTags, doc.data];
			this.codecOf[idx] = 0;
			this.records[idx] = this.store.encode(record);
		}
		this.count = idx + 1;
		this.typeCount.set(doc.type, (this.typeCount.get(doc.type) ?? 0) + 1);
		// Found again by its entity id when it has one (a number key: a map of 100,000 refs cost ~4 % of a rebuild),
		// else by its ref. Both are unique within the type.
		if (doc.entityId !== undefined) {
			let entities = this.byEntity.get(doc.type);
			if (!entities) this.byEntity.set(doc.type, (entities = new Map()));
			entities.set(doc.entityId, idx);
		} else {
			let refs = this.byRef.get(doc.type);
			if (!refs) this.byRef.set(doc.type, (refs = new Map()));
			refs.set(doc.ref, idx);
		}
		this.aliveCount++;
	}

	/** Index terms of a text plus the words its aliases add (both ways: "PPR" ↔ "pædagogisk psykologisk rådgivning"). */
	private analyse(text: string): Analysis {
		const cached = this.termCache.get(text);
		if (cached) return cached;
		const terms = indexTerms(text);
		const keys = terms.filter((t) => t.exact).map((t) => t.term);
		const extra: number[] = [];
		// Most texts hold no alias's first word (always true of phone numbers and refs): no scan then.
		if (keys.some((k) => this.aliasHeads.has(k))) {
			const keySet = new Set(keys);
			for (const alias of this.thesaurus.aliases) {
				if (containsSequence(keys, keySet, alias.from)) for (const w of alias.to) extra.push(this.termId(w.key));
				if (containsSequence(keys, keySet, alias.to)) for (const w of alias.from) extra.push(this.termId(w.key));
			}
		}
		const result: Analysis = { terms: [], ids: [], exact: [], extra };
		for (const t of terms) {
			const known = this.termIds.get(t.term);
			result.terms.push(t.term);
			result.ids.push(known ?? this.termId(t.term));
			result.exact.push(t.exact);
			if (t.exact && !this.vocab.has(t.term)) this.addVocab(t.term);
		}
		// Texts with digits (phones, refs) are unique per person: caching them only costs memory.
		if (!hasDigit(text)) {
			if (this.termCache.size > 50_000) this.termCache.clear();
			this.termCache.set(text, result);
		}
		return result;
	}

	/** Removes the document of an entity (replaced, or a deleted unit or organisation). */
	removeEntity(type: string, entityId: number): void {
		const entities = this.byEntity.get(type);
		const i = entities?.get(entityId);
		if (i === undefined) return;
		entities!.delete(entityId);
		this.removeSlot(type, i);
	}

	/** Removes every document of a type (an add-on source reloaded whole). */
	removeType(type: string): void {
		for (const id of [...(this.byEntity.get(type)?.keys() ?? [])]) this.removeEntity(type, id);
		for (const ref of [...(this.byRef.get(type)?.keys() ?? [])]) this.removeRef(type, ref);
	}

	/** Removes a document without an entity id by its ref. */
	private removeRef(type: string, ref: string): void {
		const refs = this.byRef.get(type);
		const i = refs?.get(ref);
		if (i === undefined) return;
		refs!.delete(ref);
		this.removeSlot(type, i);
	}

	/** Marks a slot dead; its postings stay until the next rebuild but are skipped. */
	private removeSlot(type: string, i: number): void {
		this.typeCount.set(type, (this.typeCount.get(type) ?? 1) - 1);
		this.alive[i] = 0;
		this.records[i] = '';
		this.refOf[i] = '';
		this.aliveCount--;
	}

	private addVocab(key: string): void {
		// Numbers (phones, refs) match exactly only: scanning 100,000 of them for prefixes would cost every search.
		if (hasDigit(key)) return;
		this.vocab.add(key);
		if (key.length <= 4) return;
		for (const d of deletions(key, key.length >= 9 ? 2 : 1)) {
			const had = this.deletes.get(d);
			if (had === undefined) this.deletes.set(d, key);
			else if (typeof had === 'string') this.deletes.set(d, [had, key]);
			else had.push(key);
		}
	}

	/** Vocabulary keys matching a typed word, with a quality in (0, 1]. */
	private matchWord(w: WordForms, open: boolean): Map<string, number> {
		const out = new Map<string, number>();
		const put = (k: string, q: number) => {
			if ((out.get(k) ?? 0) < q) out.set(k, q);
		};
		if (this.termIds.has(w.key)) put(w.key, 1);
		if (w.stem !== w.key && this.termIds.has(w.stem)) put(w.stem, 0.9);
		const len = w.key.length;
		if (len >= 2 && (open || len >= 4)) {
			// Prefixes (still typing, or the head of a compound) and, from 5 letters, compound tails.
			for (const k of this.vocab) {
				if (k.length <= len) continue;
				if (k.startsWith(w.key)) put(k, open ? 0.85 : 0.6);
				else if (len >= 5 && k.includes(w.key)) put(k, 0.5);
			}
		}
		const max = allowedEdits(w.fold.length);
		if (max > 0) {
			const seen = new Set<string>();
			const near = (k: string) => {
				if (seen.has(k) || out.has(k)) return;
				seen.add(k);
				const dist = Math.min(editDistance(w.key, k, max), editDistance(w.fold, k, max));
				if (dist <= max) put(k, 0.75 - 0.1 * dist);
			};
			for (const d of [w.key, ...deletions(w.key, max)]) {
				const keys = this.deletes.get(d);
				if (typeof keys === 'string') near(keys);
				else if (keys) for (const k of keys) near(k);
				if (this.vocab.has(d) && d.length > 4 && !out.has(d)) {
					const dist = editDistance(w.key, d, max);
					if (dist <= max) put(d, 0.75 - 0.1 * dist);
				}
			}
		}
		return out;
	}

	private ensureBuffers(): void {
		const n = this.count;
		if (this.buffers.score.length >= n) return;
		const size = Math.max(1024, Math.ceil(n * 1.25));
		this.buffers = {
			score: new Float64Array(size),
			count: new Uint8Array(size),
			part: new Float32Array(size),
			nameHit: new Uint8Array(size),
			mark: new Uint8Array(size),
			steer: new Uint8Array(size),
			place: new Uint8Array(size),
			allow: new Uint8Array(size),
			touched: new Int32Array(size),
			partTouched: new Int32Array(size),
		};
	}

	private entityIndex(type: string, entityId: number): number | undefined {
		return this.byEntity.get(type)?.get(entityId);
	}

	/** Resolves the successor chain of someone who left to the active holder of the job (or -1). */
	private currentSuccessor(idx: number): number {
		const seen: number[] = [];
		let i = idx;
		while (i >= 0 && this.isLeft[i] === 1 && this.hasSuccessor[i] === 1 && !seen.includes(i)) {
			seen.push(i);
			i = this.entityIndex(this.types[this.typeOf[i]], this.successorOf[i]) ?? -1;
		}
		return i >= 0 && this.isLeft[i] === 0 && i !== idx ? i : -1;
	}

	search(parsed: ParsedQuery, opts: IndexSearchOptions = {}): { hits: SearchHit[]; total: number; liveParts: number; deadParts: QueryPart[] } {
		if (this.building) this.sealNow();
		this.ensureBuffers();
		const { score, count, part, nameHit, mark, steer, place, allow } = this.buffers;
		const { offsets, postDoc, postCode, weights, delta, sealedTerms } = this;
		const now = opts.now ?? Date.now();
		const touched = this.buffers.touched;
		let touchedCount = 0;
		let liveParts = 0;
		const deadParts: QueryPart[] = [];

		// A sector, organisation or unit part names whom to find; a place then also holds for a regional or
		// volunteer service that serves it (its weak tag) or carries the place in its name ("Ambulatorium
		// Hillerød"). Those parts are scored first, so the place part knows which documents they matched.
		// A context sector in a need (see search.thesaurus.ts) only adds to the score of matching documents.
		const kinds = new Set(parsed.parts.map((p) => p.kind));
		const isNeed = kinds.has('municipality') && (kinds.has('topic') || kinds.has('role') || kinds.has('age_group'));
		const isContext = (p: QueryPart) => p.kind === 'sector' && isNeed && p.slugs.every((slug) => this.thesaurus.contextSectors.has(slug));
		const isSteering = (p: QueryPart) => p.kind === 'organisation' || p.kind === 'unit' || (p.kind === 'sector' && p.slugs.some((slug) => slug !== 'kommune'));
		const requiredParts = parsed.parts.filter((p) => !isContext(p));
		const ordered = [...requiredParts.filter(isSteering), ...requiredParts.filter((p) => !isSteering(p))];
		const context = parsed.parts.filter(isContext);
		let steered = false;

		for (const p of ordered) {
			let partTouched = this.buffers.partTouched;
			let partCount = 0;
			const visit = (i: number, weight: number, q: number, markNames: boolean, steeredOnly: boolean) => {
				if (steeredOnly && steer[i] === 0) return;
				let w = weight;
				if (w >= NAME_FLAG) {
					w -= NAME_FLAG;
					if (markNames) nameHit[i] = 1;
				}
				if (steeredOnly) w = 1;
				const v = q * w;
				if (part[i] === 0) {
					// A document is listed again only when an earlier posting scored it 0 (weight 0): rare.
					if (partCount === partTouched.length) partTouched = this.buffers.partTouched = grown(partTouched, partCount + 1);
					partTouched[partCount++] = i;
				}
				if (v > part[i]) part[i] = v;
			};
			const addPosting = (term: number, q: number, markNames: boolean, steeredOnly = false) => {
				if (term < sealedTerms) for (let j = offsets[term], end = offsets[term + 1]; j < end; j++) visit(postDoc[j], weights[postCode[j]], q, markNames, steeredOnly);
				const extra = delta.get(term);
				if (extra) for (let j = 0; j < extra.length; j += 2) visit(extra[j], weights[extra[j + 1]], q, markNames, steeredOnly);
			};
			if (p.kind !== 'text') {
				for (const slug of p.slugs) {
					const term = this.termIds.get(TAG_PREFIX[p.kind] + slug);
					if (term === undefined) continue;
					addPosting(term, p.confidence, false);
					if (p.kind === 'municipality' && steered) addPosting(term, p.confidence * 0.8, false, true);
				}
				if (p.kind === 'municipality' && steered)
					for (const t of tokenize(p.source)) {
						const term = this.termIds.get(t.key);
						if (term !== undefined) addPosting(term, p.confidence, false, true);
					}
			}
			for (const w of p.words) for (const [key, q] of this.matchWord(w, !!p.open)) addPosting(this.termIds.get(key)!, q, q >= 0.6);
			let any = false;
			const weight = PART_WEIGHT[p.kind];
			const steers = isSteering(p);
			for (let k = 0; k < partCount; k++) {
				const i = partTouched[k];
				const q = part[i];
				part[i] = 0;
				if (q >= MATCHED) {
					count[i]++;
					any = true;
					if (p.kind === 'municipality') place[i] = 1;
					if (steers) {
						steer[i] = 1;
						steered = true;
					}
				}
				score[i] += weight * q;
				if (mark[i] === 0) {
					mark[i] = 1;
					touched[touchedCount++] = i;
				}
			}
			if (any) liveParts++;
			else deadParts.push(p);
		}
		for (const p of context) {
			const bonus = new Set<number>();
			for (const slug of p.slugs) {
				const term = this.termIds.get(TAG_PREFIX.sector + slug);
				if (term !== undefined)
					this.forEachPosting(term, (i, w) => {
						if (w >= 1 && mark[i] === 1) bonus.add(i);
					});
			}
			for (const i of bonus) score[i] += CONTEXT_BONUS * p.confidence;
		}
		const childPrior = kinds.has('age_group') ? 0 : CHILD_PRIOR;

		// Hard filters: documents that carry every chosen tag. `allow` counts the tags a document has passed, in
		// order (a document reaches k + 1 only from k), so "allowed" is allow[i] === the number of filters; the
		// first filter's postings hold every document marked, so they are what is cleared afterwards.
		const f = opts.filters ?? {};
		const required: string[] = [];
		if (f.municipality) required.push(TAG_PREFIX.municipality + f.municipality);
		if (f.topic) required.push(TAG_PREFIX.topic + f.topic);
		if (f.ageGroup) required.push(TAG_PREFIX.age_group + f.ageGroup);
		if (f.role) required.push(TAG_PREFIX.role + f.role);
		if (f.sector) required.push(TAG_PREFIX.sector + f.sector);
		const filtered = required.length > 0;
		const passes = required.length;
		const requiredTerms = required.map((t) => this.termIds.get(t));
		// A filter whose tag no document has allows nothing.
		const firstTerm = requiredTerms.every((t) => t !== undefined) ? requiredTerms[0] : undefined;
		if (firstTerm !== undefined)
			for (let r = 0; r < passes; r++)
				this.forEachPosting(requiredTerms[r]!, (i, w) => {
					if (w >= 1 && allow[i] === r) allow[i] = r + 1;
				});
		const allowed = (i: number) => allow[i] === passes;
		if (parsed.parts.length === 0 && firstTerm !== undefined)
			this.forEachPosting(firstTerm, (i, w) => {
				if (w >= 1 && allow[i] === passes && mark[i] === 0) {
					mark[i] = 1;
					touched[touchedCount++] = i;
				}
			});
		const { alive, isPerson, isLeft, hasSuccessor, boostOf, verifiedOf, staleFromOf, typeOf, servesChildren } = this;
		const type = opts.type;
		const typeCode = type ? (this.typeCodes.get(type) ?? -1) : -1;

		const prior = (i: number): number => {
			let b = boostOf[i] + servesChildren[i] * childPrior;
			const v = verifiedOf[i];
			if (now >= staleFromOf[i]) b -= 1;
			else if (v >= 0 && now - v < FRESH_MS) b += 0.15;
			return b;
		};

		// Keep only the best few of each kind (complete people, complete others, the rest): no full sort of
		// tens of thousands of candidates. Someone who left hands a name match to whoever holds the job now.
		const limit = opts.limit ?? 20;
		const keep = limit + 10;
		const people = new TopK(keep);
		const others = new TopK(keep);
		const partial = new TopK(keep);
		const transfers = new Map<number, { key: number; complete: boolean; from: number }>();
		// Only documents matching about as many parts as the best ones can reach the page: find the lowest
		// part count still needed to fill it, and skip scoring the rest (they are only counted).
		// Three tiers, in this order: complete matches, partial matches in the place asked for (or all partial
		// ones when no place was named), partial matches elsewhere ("Andre kommuner"). A document's level orders
		// tiers first, then the number of parts matched.
		const hasPlace = requiredParts.some((p) => p.kind === 'municipality');
		const span = parsed.parts.length + 2;
		const levelOf = (c: number, inPlace: boolean) => (c >= liveParts ? 2 * span : hasPlace && !inPlace ? c : span + c);
		const histogram = new Array<number>(2 * span + 1).fill(0);
		for (let k = 0; k < touchedCount; k++) {
			const i = touched[k];
			if (alive[i] === 1 && (!type || typeOf[i] === typeCode) && (!filtered || allowed(i))) histogram[levelOf(count[i], place[i] === 1)]++;
		}
		let floor = 0;
		for (let c = histogram.length - 1, seen = 0; c >= 0; c--) {
			seen += histogram[c];
			if (seen >= keep) {
				floor = c;
				break;
			}
		}
		let total = 0;
		for (let k = 0; k < touchedCount; k++) {
			const i = touched[k];
			const s = score[i];
			const c = count[i];
			const named = nameHit[i] === 1;
			const inPlace = place[i] === 1;
			place[i] = 0;
			score[i] = 0;
			count[i] = 0;
			nameHit[i] = 0;
			mark[i] = 0;
			steer[i] = 0;
			if (alive[i] === 0) continue;
			if (type && typeOf[i] !== typeCode) continue;
			const left = isLeft[i] === 1;
			if (left && !named && hasSuccessor[i] === 1) continue;
			if (levelOf(c, inPlace) < floor) {
				if (!filtered || allowed(i)) total++;
				continue;
			}
			const complete = c >= liveParts;
			let idx = i;
			let key = (complete ? 1000 : hasPlace && !inPlace ? ELSEWHERE : 0) + c * 10 + s;
			if (left) {
				const successor = this.currentSuccessor(i);
				if (successor >= 0) {
					if (!named || (filtered && !allowed(successor))) continue;
					idx = successor;
					key += prior(successor) + 0.5;
					const had = transfers.get(successor);
					if (!had || key > had.key) transfers.set(successor, { key, complete, from: i });
				} else {
					if (filtered && !allowed(i)) continue;
					key -= 2;
				}
			} else {
				if (filtered && !allowed(i)) continue;
				key += prior(i);
			}
			total++;
			const heap = !complete ? partial : isPerson[idx] === 1 ? people : others;
			heap.offer(idx, key);
		}
		if (firstTerm !== undefined)
			this.forEachPosting(firstTerm, (i) => {
				allow[i] = 0;
			});

		const byKey = (list: Array<{ idx: number; key: number }>) => {
			// A person can arrive on their own and in place of a predecessor: keep the better one.
			const best = new Map<number, number>();
			for (const c of list) if ((best.get(c.idx) ?? -Infinity) < c.key) best.set(c.idx, c.key);
			// Equal keys in document order: the same query orders the same way whatever the limit.
			return [...best].map(([idx, key]) => ({ idx, key })).sort((a, b) => b.key - a.key || a.idx - b.idx);
		};
		const completePeople = byKey(people.items());
		const completeOthers = byKey(others.items());
		const rest = byKey(partial.items()).filter((c) => !completePeople.some((p) => p.idx === c.idx) && !completeOthers.some((o) => o.idx === c.idx));
		// People answer a need or a name: up to three complete people come before other complete types.
		const arranged = opts.type
			? byKey([...completePeople, ...completeOthers]).concat(rest)
			: [...completePeople.slice(0, 3), ...completeOthers, ...completePeople.slice(3), ...rest];
		const hits = arranged.slice(0, limit).map((c) => {
			const t = transfers.get(c.idx);
			const transferred = t && t.key >= c.key - 1e-9 ? t : undefined;
			const hit = this.toHit(c.idx, c.key, c.key >= 1000, transferred?.from, now);
			if (c.key < ELSEWHERE / 2) hit.elsewhere = true;
			return hit;
		});
		return { hits, total, liveParts, deadParts };
	}

	private record(idx: number): DocRecord {
		const codec = this.codecOf[idx];
		return codec === 0 ? (this.store.decode(this.records[idx]) as DocRecord) : this.codecs[codec - 1].decode(this.records[idx], this.store);
	}

	private toHit(idx: number, key: number, complete: boolean, from: number | undefined, now: number): SearchHit {
		const [title, subtitle, url, status, verifiedAt, tags, weakTags, data] = this.record(idx);
		const successor = status === 'left' ? this.currentSuccessor(idx) : -1;
		const predecessor = from !== undefined ? { ref: this.refOf[from], name: this.record(from)[0] } : undefined;
		return {
			type: this.types[this.typeOf[idx]],
			ref: this.refOf[idx],
			title,
			subtitle: predecessor ? `${subtitle} · overtaget fra ${predecessor.name}` : subtitle,
			url,
			status: status ?? null,
			successorRef: successor >= 0 ? this.refOf[successor] : status === 'left' && this.hasSuccessor[idx] === 1 ? this.refOfEntity(this.types[this.typeOf[idx]], this.successorOf[idx]) : null,
			verifiedAt: verifiedAt ?? null,
			score: Math.round(key * 1000) / 1000,
			complete,
			stale: now >= this.staleFromOf[idx],
			...(predecessor && { takenOverFrom: predecessor }),
			tags,
			weakTags,
			data,
		};
	}

	/** A document as a result by its entity id (e.g. a deputy), or undefined when it is not indexed. */
	hitForEntity(type: string, entityId: number, now: number = Date.now()): SearchHit | undefined {
		const idx = this.entityIndex(type, entityId);
		return idx === undefined ? undefined : this.toHit(idx, 0, false, undefined, now);
	}

	private refOfEntity(type: string, id: number): string | null {
		const i = this.entityIndex(type, id);
		return i === undefined ? null : this.refOf[i] || null;
	}

	/** Sizes of the index's parts (the bench prints them next to the measured heap). */
	stats(): { docs: number; slots: number; terms: number; postings: number; deltaPostings: number; vocab: number; deletes: number; recordChars: number; internedStrings: number; typedArrayBytes: number } {
		let deltaPostings = 0;
		for (const list of this.delta.values()) deltaPostings += list.length / 2;
		let recordChars = 0;
		for (let i = 0; i < this.count; i++) recordChars += this.records[i].length;
		const typed = [this.alive, this.codecOf, this.isPerson, this.isLeft, this.hasSuccessor, this.typeOf, this.boostOf, this.verifiedOf, this.staleFromOf, this.servesChildren, this.entityOf, this.successorOf, this.offsets, this.postDoc, this.postCode, this.bTerm, this.bDoc, this.bCode];
		return {
			docs: this.aliveCount,
			slots: this.count,
			terms: this.termIds.size,
			postings: this.building ? this.bLength : this.postDoc.length,
			deltaPostings,
			vocab: this.vocab.size,
			deletes: this.deletes.size,
			recordChars,
			internedStrings: this.store.internedCount,
			typedArrayBytes: typed.reduce((sum, a) => sum + a.byteLength, 0),
		};
	}
}

function childAgesOf(thesaurus: Thesaurus): Set<string> {
	return new Set(thesaurus.ageRanges.filter((r) => r.max < 18).map((r) => r.slug));
}

function aliasHeadsOf(thesaurus: Thesaurus): Set<string> {
	return new Set(thesaurus.aliases.flatMap((a) => [a.from[0].key, a.to[0].key]));
}

function hasDigit(s: string): boolean {
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c >= 48 && c <= 57) return true;
	}
	return false;
}

/** The k largest keys seen (a min-heap), for picking the best results without sorting every candidate. */
class TopK {
	private idx: number[] = [];
	private key: number[] = [];
	constructor(private readonly k: number) {}
	offer(idx: number, key: number): void {
		const n = this.key.length;
		if (n < this.k) {
			this.idx.push(idx);
			this.key.push(key);
			this.up(n);
		} else if (key > this.key[0] || (key === this.key[0] && idx < this.idx[0])) {
			this.idx[0] = idx;
			this.key[0] = key;
			this.down(0);
		}
	}
	items(): Array<{ idx: number; key: number }> {
		return this.idx.map((idx, i) => ({ idx, key: this.key[i] }));
	}
	/** Heap order: the smaller key, and on equal keys the later document (evicted first). */
	private less(a: number, b: number): boolean {
		return this.key[a] < this.key[b] || (this.key[a] === this.key[b] && this.idx[a] > this.idx[b]);
	}
	private swap(a: number, b: number) {
		const i = this.idx[a];
		this.idx[a] = this.idx[b];
		this.idx[b] = i;
		const k = this.key[a];
		this.key[a] = this.key[b];
		this.key[b] = k;
	}
	private up(i: number) {
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.less(i, parent)) break;
			this.swap(parent, i);
			i = parent;
		}
	}
	private down(i: number) {
		const n = this.key.length;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let m = i;
			if (l < n && this.less(l, m)) m = l;
			if (r < n && this.less(r, m)) m = r;
			if (m === i) return;
			this.swap(m, i);
			i = m;
		}
	}
}

function containsSequence(keys: string[], keySet: Set<string>, words: WordForms[]): boolean {
	if (!keySet.has(words[0].key)) return false;
	if (words.length === 1) return true;
	for (let i = 0; i + words.length <= keys.length; i++) {
		let ok = true;
		for (let j = 0; j < words.length && ok; j++) ok = keys[i + j] === words[j].key;
		if (ok) return true;
	}
	return false;
}

/** Every string made by deleting 1..max letters (SymSpell's neighbourhood). */
function deletions(word: string, max: number): string[] {
	const out = new Set<string>();
	let frontier = [word];
	for (let d = 0; d < max; d++) {
		const next: string[] = [];
		for (const w of frontier) {
			for (let i = 0; i < w.length; i++) {
				const del = w.slice(0, i) + w.slice(i + 1);
				if (del.length >= 3 && !out.has(del)) {
					out.add(del);
					next.push(del);
				}
			}
		}
		frontier = next;
	}
	return [...out];
}

/** The concepts named in a text (a unit's or organisation's name) — to tag documents that have no tags of their own. */
export function conceptsInText(thesaurus: Thesaurus, text: string, parse: (text: string) => ParsedQuery): Partial<Record<ConceptKind, string[]>> {
	const tags: Partial<Record<ConceptKind, string[]>> = {};
	for (const p of parse(text).parts) {
		if (p.kind === 'text' || p.kind === 'age_group' || p.confidence < 0.6) continue;
		tags[p.kind] = [...new Set([...(tags[p.kind] ?? []), ...p.slugs])];
	}
	void thesaurus;
	void tokenize;
	return tags;
}

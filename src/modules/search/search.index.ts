/**
 * The one in-memory search index: an inverted index over normalised words and concept tags, a deletion
 * neighbourhood for typos, term-at-a-time scoring into typed arrays. No I/O; search.service.ts feeds it.
 */
import { allowedEdits, editDistance, indexTerms, tokenize } from './search.normalise';
import type { ConceptKind, ParsedQuery, QueryPart, SearchDocument, SearchFilters, SearchHit, Thesaurus, WordForms } from './search.types';

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

interface Posting {
	ids: number[];
	w: number[];
}

/** Tags are kept (small shared arrays) so a result can say what it matched (`matched`/`unmatched`). */
interface IndexedDoc extends Omit<SearchDocument, 'text'> {
	idx: number;
	verifiedMs: number | null;
}

/** Posting weights of words from a name field are stored + NAME_FLAG, so no per-document set is needed. */
const NAME_FLAG = 2;

export interface IndexSearchOptions {
	filters?: SearchFilters;
	type?: string;
	limit?: number;
	now?: number;
}

export class SearchIndex {
	private docs: Array<IndexedDoc | null> = [];
	private postings = new Map<string, Posting>();
	/** Exact text keys → their folded spelling (for typo distance). */
	private vocab = new Map<string, string>();
	/** Deletion neighbourhood: a key with one (or, for long words, two) letters deleted → keys. */
	private deletes = new Map<string, string[]>();
	private byRef = new Map<string, number>();
	private byEntity = new Map<string, number>();
	private names = new Set<string>();
	private aliveCount = 0;
	// Hot per-document fields as flat arrays: the candidate loop reads these, never the document objects.
	private alive: number[] = [];
	private isPerson: number[] = [];
	private isLeft: number[] = [];
	private hasSuccessor: number[] = [];
	private boostOf: number[] = [];
	private verifiedOf: number[] = [];
	/** Epoch ms from which a document is stale (freshness policy); Infinity for never. */
	private staleFromOf: number[] = [];
	private typeOf: string[] = [];
	private servesChildren: number[] = [];
	private typeCount = new Map<string, number>();
	/** Per-text cache of index terms and alias additions (unit, organisation and title texts repeat a lot). */
	private termCache = new Map<string, { terms: Array<{ term: string; exact: boolean }>; extra: string[] }>();
	private buffers = { score: new Float64Array(0), count: new Uint8Array(0), part: new Float32Array(0), nameHit: new Uint8Array(0), mark: new Uint8Array(0), steer: new Uint8Array(0), place: new Uint8Array(0) };

	constructor(private thesaurus: Thesaurus) {}

	/**
	 * Swaps the thesaurus (an admin taught a word). Documents indexed before keep their alias words: the
	 * service re-adds those an alias change touches (entitiesWithWord) and every unit, organisation and topic.
	 */
	setThesaurus(thesaurus: Thesaurus): void {
		this.thesaurus = thesaurus;
		this.termCache.clear();
	}

	/** Entity ids of the live documents of a type whose text has this exact word key. */
	entitiesWithWord(type: string, key: string): number[] {
		const posting = this.postings.get(key);
		if (!posting) return [];
		const out: number[] = [];
		for (const i of posting.ids) {
			const doc = this.docs[i];
			if (doc && doc.type === type && doc.entityId !== undefined) out.push(doc.entityId);
		}
		return out;
	}

	get size(): number {
		return this.aliveCount;
	}

	/** Dead slots left by updates; the service rebuilds when there are many. */
	get garbage(): number {
		return this.docs.length - this.aliveCount;
	}

	/** Drops build-time caches once every source is loaded. */
	finishBuild(): void {
		this.termCache.clear();
	}

	/** The result types that have at least one document (the results page hides the others' filter). */
	typesPresent(): string[] {
		return [...this.typeCount].filter(([, n]) => n > 0).map(([t]) => t);
	}

	isName(key: string): boolean {
		return this.names.has(key);
	}

	find(type: string, ref: string): IndexedDoc | undefined {
		const i = this.byRef.get(`${type}:${ref}`);
		return i === undefined ? undefined : this.docs[i] ?? undefined;
	}

	/** Adds a document, replacing one with the same type and ref. */
	add(doc: SearchDocument): void {
		this.remove(doc.type, doc.ref);
		const idx = this.docs.length;
		const terms = new Map<string, number>();
		const put = (term: string, weight: number) => {
			const had = terms.get(term);
			if (had === undefined || (had >= NAME_FLAG ? had - NAME_FLAG : had) < (weight >= NAME_FLAG ? weight - NAME_FLAG : weight)) terms.set(term, weight);
		};
		for (const field of doc.text) {
			if (!field.text) continue;
			const analysed = this.analyse(field.text);
			for (const { term, exact } of analysed.terms) {
				const w = exact ? field.weight : field.weight * 0.85;
				put(term, field.name && exact ? w + NAME_FLAG : w);
				if (exact && field.name) this.names.add(term);
			}
			for (const term of analysed.extra) put(term, 0.45 * field.weight);
		}
		for (const [kind, values] of Object.entries(doc.weakTags ?? {})) for (const v of values ?? []) put(TAG_PREFIX[kind as ConceptKind] + v, WEAK_TAG);
		for (const [kind, values] of Object.entries(doc.tags ?? {})) for (const v of values ?? []) put(TAG_PREFIX[kind as ConceptKind] + v, 1);
		for (const [term, weight] of terms) {
			let p = this.postings.get(term);
			if (!p) this.postings.set(term, (p = { ids: [], w: [] }));
			p.ids.push(idx);
			p.w.push(weight);
		}
		const verifiedMs = doc.verifiedAt ? Date.parse(doc.verifiedAt) : NaN;
		const { text: _text, ...rest } = doc;
		this.docs.push({ ...rest, idx, verifiedMs: Number.isNaN(verifiedMs) ? null : verifiedMs });
		this.alive.push(1);
		this.isPerson.push(doc.type === 'person' ? 1 : 0);
		this.isLeft.push(doc.status === 'left' ? 1 : 0);
		this.hasSuccessor.push(doc.successorEntityId != null ? 1 : 0);
		this.boostOf.push(doc.boost ?? 0);
		this.verifiedOf.push(Number.isNaN(verifiedMs) ? -1 : verifiedMs);
		this.staleFromOf.push(doc.staleFromMs ?? Infinity);
		this.typeOf.push(doc.type);
		// The share of the person's age groups that are under 18 (1 for a children's worker, ½ for 13–25).
		const ages = doc.tags?.age_group ?? [];
		const childAges = this.thesaurus.ageRanges.filter((r) => r.max < 18).map((r) => r.slug);
		this.servesChildren.push(ages.length ? ages.filter((a) => childAges.includes(a)).length / ages.length : 0);
		this.typeCount.set(doc.type, (this.typeCount.get(doc.type) ?? 0) + 1);
		this.byRef.set(`${doc.type}:${doc.ref}`, idx);
		if (doc.entityId !== undefined) this.byEntity.set(`${doc.type}:${doc.entityId}`, idx);
		this.aliveCount++;
	}

	/** Index terms of a text plus the words its aliases add (both ways: "PPR" ↔ "pædagogisk psykologisk rådgivning"). */
	private analyse(text: string): { terms: Array<{ term: string; exact: boolean }>; extra: string[] } {
		const cached = this.termCache.get(text);
		if (cached) return cached;
		const terms = indexTerms(text);
		const keys = terms.filter((t) => t.exact).map((t) => t.term);
		const keySet = new Set(keys);
		const extra: string[] = [];
		for (const alias of this.thesaurus.aliases) {
			if (containsSequence(keys, keySet, alias.from)) for (const w of alias.to) extra.push(w.key);
			if (containsSequence(keys, keySet, alias.to)) for (const w of alias.from) extra.push(w.key);
		}
		for (const t of terms) if (t.exact && !this.vocab.has(t.term)) this.addVocab(t.term);
		const result = { terms, extra };
		// Texts with digits (phones, refs) are unique per person: caching them only costs memory.
		if (!/\d/.test(text)) {
			if (this.termCache.size > 50_000) this.termCache.clear();
			this.termCache.set(text, result);
		}
		return result;
	}

	/** Removes a document; its postings stay until the next rebuild but are skipped. */
	remove(type: string, ref: string): void {
		const key = `${type}:${ref}`;
		const i = this.byRef.get(key);
		if (i === undefined) return;
		const doc = this.docs[i];
		if (doc?.entityId !== undefined && this.byEntity.get(`${type}:${doc.entityId}`) === i) this.byEntity.delete(`${type}:${doc.entityId}`);
		if (doc) this.typeCount.set(doc.type, (this.typeCount.get(doc.type) ?? 1) - 1);
		this.docs[i] = null;
		this.alive[i] = 0;
		this.byRef.delete(key);
		this.aliveCount--;
	}

	/** Removes the document of an entity (a deleted unit or organisation). */
	removeEntity(type: string, entityId: number): void {
		const i = this.byEntity.get(`${type}:${entityId}`);
		const doc = i === undefined ? null : this.docs[i];
		if (doc) this.remove(type, doc.ref);
	}

	/** Removes every document of a type (an add-on source reloaded whole). */
	removeType(type: string): void {
		for (const doc of this.docs) if (doc && doc.type === type) this.remove(type, doc.ref);
	}

	private addVocab(key: string): void {
		// Numbers (phones, refs) match exactly only: scanning 100,000 of them for prefixes would cost every search.
		if (/\d/.test(key)) return;
		this.vocab.set(key, key);
		if (key.length <= 4) return;
		for (const d of deletions(key, key.length >= 9 ? 2 : 1)) {
			const list = this.deletes.get(d);
			if (list) list.push(key);
			else this.deletes.set(d, [key]);
		}
	}

	/** Vocabulary keys matching a typed word, with a quality in (0, 1]. */
	private matchWord(w: WordForms, open: boolean): Map<string, number> {
		const out = new Map<string, number>();
		const put = (k: string, q: number) => {
			if ((out.get(k) ?? 0) < q) out.set(k, q);
		};
		if (this.postings.has(w.key)) put(w.key, 1);
		if (w.stem !== w.key && this.postings.has(w.stem)) put(w.stem, 0.9);
		const len = w.key.length;
		if (len >= 2 && (open || len >= 4)) {
			// Prefixes (still typing, or the head of a compound) and, from 5 letters, compound tails.
			for (const k of this.vocab.keys()) {
				if (k.length <= len) continue;
				if (k.startsWith(w.key)) put(k, open ? 0.85 : 0.6);
				else if (len >= 5 && k.includes(w.key)) put(k, 0.5);
			}
		}
		const max = allowedEdits(w.fold.length);
		if (max > 0) {
			const seen = new Set<string>();
			for (const d of [w.key, ...deletions(w.key, max)]) {
				for (const k of this.deletes.get(d) ?? []) {
					if (seen.has(k) || out.has(k)) continue;
					seen.add(k);
					const dist = Math.min(editDistance(w.key, k, max), editDistance(w.fold, k, max));
					if (dist <= max) put(k, 0.75 - 0.1 * dist);
				}
				if (this.vocab.has(d) && d.length > 4 && !out.has(d)) {
					const dist = editDistance(w.key, d, max);
					if (dist <= max) put(d, 0.75 - 0.1 * dist);
				}
			}
		}
		return out;
	}

	private ensureBuffers(): void {
		const n = this.docs.length;
		if (this.buffers.score.length >= n) return;
		const size = Math.max(1024, Math.ceil(n * 1.25));
		this.buffers = { score: new Float64Array(size), count: new Uint8Array(size), part: new Float32Array(size), nameHit: new Uint8Array(size), mark: new Uint8Array(size), steer: new Uint8Array(size), place: new Uint8Array(size) };
	}

	/** Resolves the successor chain of someone who left to the active holder of the job (or -1). */
	private currentSuccessor(idx: number): number {
		const seen = new Set<number>();
		let doc = this.docs[idx];
		while (doc && doc.status === 'left' && doc.successorEntityId != null && !seen.has(doc.idx)) {
			seen.add(doc.idx);
			const next = this.byEntity.get(`${doc.type}:${doc.successorEntityId}`);
			doc = next === undefined ? null : this.docs[next];
		}
		return doc && doc.status !== 'left' && doc.idx !== idx ? doc.idx : -1;
	}

	search(parsed: ParsedQuery, opts: IndexSearchOptions = {}): { hits: SearchHit[]; total: number; liveParts: number; deadParts: QueryPart[] } {
		this.ensureBuffers();
		const { score, count, part, nameHit, mark, steer, place } = this.buffers;
		const now = opts.now ?? Date.now();
		const touched: number[] = [];
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
			const partTouched: number[] = [];
			const addPosting = (posting: Posting, q: number, markNames: boolean, steeredOnly = false) => {
				const ids = posting.ids;
				const ws = posting.w;
				for (let j = 0; j < ids.length; j++) {
					const i = ids[j];
					if (steeredOnly && steer[i] === 0) continue;
					let w = ws[j];
					if (w >= NAME_FLAG) {
						w -= NAME_FLAG;
						if (markNames) nameHit[i] = 1;
					}
					if (steeredOnly) w = 1;
					const v = q * w;
					if (part[i] === 0) partTouched.push(i);
					if (v > part[i]) part[i] = v;
				}
			};
			if (p.kind !== 'text') {
				for (const slug of p.slugs) {
					const posting = this.postings.get(TAG_PREFIX[p.kind] + slug);
					if (!posting) continue;
					addPosting(posting, p.confidence, false);
					if (p.kind === 'municipality' && steered) addPosting(posting, p.confidence * 0.8, false, true);
				}
				if (p.kind === 'municipality' && steered)
					for (const t of tokenize(p.source)) {
						const posting = this.postings.get(t.key);
						if (posting) addPosting(posting, p.confidence, false, true);
					}
			}
			for (const w of p.words) for (const [term, q] of this.matchWord(w, !!p.open)) addPosting(this.postings.get(term)!, q, q >= 0.6);
			let any = false;
			const weight = PART_WEIGHT[p.kind];
			const steers = isSteering(p);
			for (let k = 0; k < partTouched.length; k++) {
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
					touched.push(i);
				}
			}
			if (any) liveParts++;
			else deadParts.push(p);
		}
		for (const p of context) {
			const bonus = new Set<number>();
			for (const slug of p.slugs) {
				const posting = this.postings.get(TAG_PREFIX.sector + slug);
				if (posting) for (let j = 0; j < posting.ids.length; j++) if (posting.w[j] >= 1 && mark[posting.ids[j]] === 1) bonus.add(posting.ids[j]);
			}
			for (const i of bonus) score[i] += CONTEXT_BONUS * p.confidence;
		}
		const childPrior = kinds.has('age_group') ? 0 : CHILD_PRIOR;

		// Hard filters: a mask over the documents that carry every chosen tag.
		const f = opts.filters ?? {};
		const required: string[] = [];
		if (f.municipality) required.push(TAG_PREFIX.municipality + f.municipality);
		if (f.topic) required.push(TAG_PREFIX.topic + f.topic);
		if (f.ageGroup) required.push(TAG_PREFIX.age_group + f.ageGroup);
		if (f.role) required.push(TAG_PREFIX.role + f.role);
		if (f.sector) required.push(TAG_PREFIX.sector + f.sector);
		let allowed: Set<number> | null = null;
		for (const term of required) {
			const posting = this.postings.get(term);
			const set = new Set<number>();
			if (posting) for (let j = 0; j < posting.ids.length; j++) if (posting.w[j] >= 1 && (!allowed || allowed.has(posting.ids[j]))) set.add(posting.ids[j]);
			allowed = set;
		}
		if (parsed.parts.length === 0 && allowed)
			for (const i of allowed)
				if (mark[i] === 0) {
					mark[i] = 1;
					touched.push(i);
				}
		const { alive, isPerson, isLeft, hasSuccessor, boostOf, verifiedOf, staleFromOf, typeOf, servesChildren } = this;
		const type = opts.type;

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
		for (let k = 0; k < touched.length; k++) {
			const i = touched[k];
			if (alive[i] === 1 && (!type || typeOf[i] === type) && (!allowed || allowed.has(i))) histogram[levelOf(count[i], place[i] === 1)]++;
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
		for (let k = 0; k < touched.length; k++) {
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
			if (type && typeOf[i] !== type) continue;
			const left = isLeft[i] === 1;
			if (left && !named && hasSuccessor[i] === 1) continue;
			if (levelOf(c, inPlace) < floor) {
				if (!allowed || allowed.has(i)) total++;
				continue;
			}
			const complete = c >= liveParts;
			let idx = i;
			let key = (complete ? 1000 : hasPlace && !inPlace ? ELSEWHERE : 0) + c * 10 + s;
			if (left) {
				const successor = this.currentSuccessor(i);
				if (successor >= 0) {
					if (!named || (allowed && !allowed.has(successor))) continue;
					idx = successor;
					key += prior(successor) + 0.5;
					const had = transfers.get(successor);
					if (!had || key > had.key) transfers.set(successor, { key, complete, from: i });
				} else {
					if (allowed && !allowed.has(i)) continue;
					key -= 2;
				}
			} else {
				if (allowed && !allowed.has(i)) continue;
				key += prior(i);
			}
			total++;
			const heap = !complete ? partial : isPerson[idx] === 1 ? people : others;
			heap.offer(idx, key);
		}

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

	private toHit(idx: number, key: number, complete: boolean, from: number | undefined, now: number): SearchHit {
		const doc = this.docs[idx]!;
		const successor = doc.status === 'left' ? this.currentSuccessor(idx) : -1;
		const predecessor = from !== undefined ? this.docs[from] : undefined;
		return {
			type: doc.type,
			ref: doc.ref,
			title: doc.title,
			subtitle: predecessor ? `${doc.subtitle} · overtaget fra ${predecessor.title}` : doc.subtitle,
			url: doc.url,
			status: doc.status ?? null,
			successorRef: successor >= 0 ? this.docs[successor]!.ref : doc.status === 'left' && doc.successorEntityId != null ? this.refOfEntity(doc.type, doc.successorEntityId) : null,
			verifiedAt: doc.verifiedAt ?? null,
			score: Math.round(key * 1000) / 1000,
			complete,
			stale: doc.staleFromMs !== undefined && now >= doc.staleFromMs,
			...(predecessor && { takenOverFrom: { ref: predecessor.ref, name: predecessor.title } }),
			tags: doc.tags,
			weakTags: doc.weakTags,
			data: doc.data,
		};
	}

	/** A document as a result by its entity id (e.g. a deputy), or undefined when it is not indexed. */
	hitForEntity(type: string, entityId: number, now: number = Date.now()): SearchHit | undefined {
		const idx = this.byEntity.get(`${type}:${entityId}`);
		return idx === undefined ? undefined : this.toHit(idx, 0, false, undefined, now);
	}

	private refOfEntity(type: string, id: number): string | null {
		const i = this.byEntity.get(`${type}:${id}`);
		return i === undefined ? null : this.docs[i]?.ref ?? null;
	}

	/** Rough heap estimate of the index structures (bytes), for the bench. */
	stats(): { docs: number; terms: number; postings: number; vocab: number } {
		let postings = 0;
		for (const p of this.postings.values()) postings += p.ids.length;
		return { docs: this.aliveCount, terms: this.postings.size, postings, vocab: this.vocab.size };
	}
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

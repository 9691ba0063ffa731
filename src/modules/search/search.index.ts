/**
 * The one in-memory search index: an inverted index over normalised words and concept tags, a deletion
 * neighbourhood for typos, term-at-a-time scoring into typed arrays. No I/O; search.service.ts feeds it.
 */
import { allowedEdits, editDistance, indexTerms, tokenize } from './search.normalise';
import type { ConceptKind, ParsedQuery, QueryPart, SearchDocument, SearchFilters, SearchHit, Thesaurus, WordForms } from './search.types';

const TAG_PREFIX: Record<ConceptKind, string> = { municipality: '§m:', topic: '§t:', age_group: '§a:', role: '§r:', sector: '§s:' };
/** How much each kind of part counts: where and what matter most, then age and situation. */
const PART_WEIGHT: Record<QueryPart['kind'], number> = { municipality: 3, topic: 3, age_group: 1.5, role: 1.5, sector: 1, text: 2 };
/** A part counts as matched from this quality up (a weak tag — a region unit serving the municipality — does not). */
const MATCHED = 0.25;
const WEAK_TAG = 0.2;
const STALE_MS = 365 * 86_400_000;

interface Posting {
	ids: number[];
	w: number[];
}

interface IndexedDoc extends SearchDocument {
	idx: number;
	verifiedMs: number | null;
	nameKeys: Set<string>;
}

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
	private buffers = { score: new Float64Array(0), count: new Uint8Array(0), part: new Float32Array(0), nameHit: new Uint8Array(0), mark: new Uint8Array(0) };

	constructor(private readonly thesaurus: Thesaurus) {}

	get size(): number {
		return this.aliveCount;
	}

	/** Dead slots left by updates; the service rebuilds when there are many. */
	get garbage(): number {
		return this.docs.length - this.aliveCount;
	}

	isName(key: string): boolean {
		return this.names.has(key);
	}

	find(type: string, ref: string): SearchDocument | undefined {
		const i = this.byRef.get(`${type}:${ref}`);
		return i === undefined ? undefined : this.docs[i] ?? undefined;
	}

	/** Adds a document, replacing one with the same type and ref. */
	add(doc: SearchDocument): void {
		this.remove(doc.type, doc.ref);
		const idx = this.docs.length;
		const terms = new Map<string, number>();
		const put = (term: string, weight: number) => {
			if ((terms.get(term) ?? 0) < weight) terms.set(term, weight);
		};
		const nameKeys = new Set<string>();
		const docKeys: string[] = [];
		for (const field of doc.text) {
			if (!field.text) continue;
			for (const { term, exact } of indexTerms(field.text)) {
				put(term, exact ? field.weight : field.weight * 0.85);
				if (exact) {
					docKeys.push(term);
					if (!this.vocab.has(term)) this.addVocab(term, field.text);
					if (field.name) {
						nameKeys.add(term);
						this.names.add(term);
					}
				}
			}
		}
		// Aliases both ways: a unit called "PPR" is found by "pædagogisk psykologisk rådgivning" and back.
		const keySet = new Set(docKeys);
		for (const alias of this.thesaurus.aliases) {
			if (containsSequence(docKeys, keySet, alias.from)) for (const w of alias.to) put(w.key, 0.45);
			if (containsSequence(docKeys, keySet, alias.to)) for (const w of alias.from) put(w.key, 0.45);
		}
		for (const [kind, values] of Object.entries(doc.weakTags ?? {})) for (const v of values ?? []) put(TAG_PREFIX[kind as ConceptKind] + v, WEAK_TAG);
		for (const [kind, values] of Object.entries(doc.tags ?? {})) for (const v of values ?? []) put(TAG_PREFIX[kind as ConceptKind] + v, 1);
		put('§type:' + doc.type, 1);
		for (const [term, weight] of terms) {
			let p = this.postings.get(term);
			if (!p) this.postings.set(term, (p = { ids: [], w: [] }));
			p.ids.push(idx);
			p.w.push(weight);
		}
		const verifiedMs = doc.verifiedAt ? Date.parse(doc.verifiedAt) : NaN;
		this.docs.push({ ...doc, idx, verifiedMs: Number.isNaN(verifiedMs) ? null : verifiedMs, nameKeys });
		this.byRef.set(`${doc.type}:${doc.ref}`, idx);
		if (doc.entityId !== undefined) this.byEntity.set(`${doc.type}:${doc.entityId}`, idx);
		this.aliveCount++;
	}

	/** Removes a document; its postings stay until the next rebuild but are skipped. */
	remove(type: string, ref: string): void {
		const key = `${type}:${ref}`;
		const i = this.byRef.get(key);
		if (i === undefined) return;
		const doc = this.docs[i];
		if (doc?.entityId !== undefined && this.byEntity.get(`${type}:${doc.entityId}`) === i) this.byEntity.delete(`${type}:${doc.entityId}`);
		this.docs[i] = null;
		this.byRef.delete(key);
		this.aliveCount--;
	}

	private addVocab(key: string, _source: string): void {
		// The folded spelling differs from the key only by collapsed doubles; keep the key for both.
		this.vocab.set(key, key);
		if (key.length <= 4 || /^\d+$/.test(key) || key.startsWith('§')) return;
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
		this.buffers = { score: new Float64Array(size), count: new Uint8Array(size), part: new Float32Array(size), nameHit: new Uint8Array(size), mark: new Uint8Array(size) };
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
		const { score, count, part, nameHit, mark } = this.buffers;
		const now = opts.now ?? Date.now();
		const touched: number[] = [];
		const touch = (i: number) => {
			if (mark[i] === 0) {
				mark[i] = 1;
				touched.push(i);
			}
		};
		let liveParts = 0;
		const deadParts: QueryPart[] = [];

		for (const p of parsed.parts) {
			const partTouched: number[] = [];
			const hit = (i: number, q: number) => {
				if (this.docs[i] === null) return;
				if (part[i] === 0) partTouched.push(i);
				if (q > part[i]) part[i] = q;
			};
			if (p.kind !== 'text') {
				for (const slug of p.slugs) {
					const posting = this.postings.get(TAG_PREFIX[p.kind] + slug);
					if (posting) for (let j = 0; j < posting.ids.length; j++) hit(posting.ids[j], posting.w[j] * p.confidence);
				}
			}
			const nameParts: number[] = [];
			for (const w of p.words) {
				for (const [term, q] of this.matchWord(w, !!p.open)) {
					const posting = this.postings.get(term)!;
					for (let j = 0; j < posting.ids.length; j++) {
						const i = posting.ids[j];
						hit(i, q * posting.w[j]);
						if (q >= 0.6 && this.docs[i]?.nameKeys.has(term)) nameParts.push(i);
					}
				}
			}
			let any = false;
			for (const i of partTouched) {
				const q = part[i];
				part[i] = 0;
				if (q >= MATCHED) {
					count[i]++;
					any = true;
				}
				score[i] += PART_WEIGHT[p.kind] * q;
				touch(i);
			}
			for (const i of nameParts) nameHit[i] = 1;
			if (any) liveParts++;
			else deadParts.push(p);
		}

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
		if (parsed.parts.length === 0 && allowed) for (const i of allowed) touch(i);

		const prior = (doc: IndexedDoc): number => {
			let b = doc.boost ?? 0;
			if (doc.verifiedMs !== null) {
				const age = now - doc.verifiedMs;
				if (age > STALE_MS) b -= 1;
				else if (age < STALE_MS / 2) b += 0.15;
			}
			return b;
		};

		// Collect candidates; someone who left hands a name match to whoever holds the job now.
		interface Cand { idx: number; key: number; complete: boolean; from?: number }
		const best = new Map<number, Cand>();
		const offer = (c: Cand) => {
			const had = best.get(c.idx);
			if (!had || c.key > had.key) best.set(c.idx, c);
		};
		for (const i of touched) {
			const doc = this.docs[i];
			const s = score[i];
			const c = count[i];
			const named = nameHit[i] === 1;
			score[i] = 0;
			count[i] = 0;
			nameHit[i] = 0;
			mark[i] = 0;
			if (!doc) continue;
			if (opts.type && doc.type !== opts.type) continue;
			const complete = c >= liveParts;
			if (doc.status === 'left') {
				const successor = this.currentSuccessor(i);
				if (successor >= 0) {
					if (!named) continue;
					const succ = this.docs[successor]!;
					if (allowed && !allowed.has(successor)) continue;
					offer({ idx: successor, key: (complete ? 1000 : 0) + c * 10 + s + prior(succ) + 0.5, complete, from: i });
					continue;
				}
				if (allowed && !allowed.has(i)) continue;
				offer({ idx: i, key: (complete ? 1000 : 0) + c * 10 + s - 2, complete });
				continue;
			}
			if (allowed && !allowed.has(i)) continue;
			offer({ idx: i, key: (complete ? 1000 : 0) + c * 10 + s + prior(doc), complete });
		}

		const ordered = [...best.values()].sort((a, b) => b.key - a.key);
		const total = ordered.length;
		const limit = opts.limit ?? 20;
		// People answer a need or a name: up to three complete people come before other complete types.
		let arranged = ordered;
		if (!opts.type) {
			const people = ordered.filter((c) => c.complete && this.docs[c.idx]!.type === 'person');
			const others = ordered.filter((c) => c.complete && this.docs[c.idx]!.type !== 'person');
			const rest = ordered.filter((c) => !c.complete);
			arranged = [...people.slice(0, 3), ...others, ...people.slice(3), ...rest];
		}
		const hits = arranged.slice(0, limit).map((c) => this.toHit(c.idx, c.key, c.complete, c.from, now));
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
			stale: doc.verifiedMs !== null && now - doc.verifiedMs > STALE_MS,
			...(predecessor && { takenOverFrom: { ref: predecessor.ref, name: predecessor.title } }),
			data: doc.data,
		};
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

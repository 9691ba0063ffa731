/** Shared types of the search module. */

/**
 * `sector`: an organisation type (kommune, region, frivillig, andet) or a family of organisations named in
 * everyday words (psykiatri, bornepsykiatri, hospital). `organisation`/`unit`: one organisation (its slug) or
 * unit (`<organisation slug>/<unit slug>`) an admin taught the thesaurus a word for.
 */
export type ConceptKind = 'municipality' | 'topic' | 'age_group' | 'role' | 'sector' | 'organisation' | 'unit';

export interface Concept {
	kind: ConceptKind;
	/** Topic/role/age-group slug, municipality code, or organisation type for `sector`. */
	slug: string;
	label: string;
}

/** A word in its three search forms (see search.normalise.ts). */
export interface WordForms {
	fold: string;
	key: string;
	stem: string;
}

/** One thesaurus entry: a word or phrase that means one or more concepts, or an alias for other words. */
export interface ThesaurusEntry {
	words: WordForms[];
	/** As written in the thesaurus (shown when it is recognised). */
	text: string;
	concepts: Concept[];
	/** For an alias: the words it stands for (indexed both ways). */
	aliasOf?: WordForms[];
	/** Fuzzy matching (typos) allowed: off for other municipalities, so names are not mistaken for them. */
	fuzzy: boolean;
}

export interface Thesaurus {
	entries: ThesaurusEntry[];
	/** Entries by the key of their first word. */
	byFirstKey: Map<string, ThesaurusEntry[]>;
	/** Entries by the stem of their first word. */
	byFirstStem: Map<string, ThesaurusEntry[]>;
	/** Single-word concept entries, for typo and compound matching. */
	singles: ThesaurusEntry[];
	aliases: Array<{ from: WordForms[]; to: WordForms[]; toText: string }>;
	labels: Record<ConceptKind, Map<string, string>>;
	/** Sector slugs that describe where someone comes from in a need ("psykiatri udskrivning halsnæs"): see search.index.ts. */
	contextSectors: Set<string>;
	/** Min/max age per age group slug (to place `15 år` in a group). */
	ageRanges: Array<{ slug: string; min: number; max: number }>;
	/** A fingerprint of the source rows: a change means rebuild. */
	signature: string;
}

/** One recognised part of a query, or a free word. */
export interface QueryPart {
	kind: ConceptKind | 'text';
	/** Concept slugs (any one satisfies the part); empty for text. */
	slugs: string[];
	/** Danish label for the chip. */
	label: string;
	/** The words in the query this part came from, as typed. */
	source: string;
	/** Character spans in the query (to drop the part from the query for a chip's link). */
	spans: Array<[number, number]>;
	/** For text parts, and for concept words that are also names in the directory: the words to match. */
	words: WordForms[];
	/** How sure the parser is (1 exact … 0.5 a guess from a bare number or a compound part). */
	confidence: number;
	/** The last word of the query and still being typed (as-you-type): prefixes count fully. */
	open?: boolean;
}

export interface ParsedQuery {
	text: string;
	parts: QueryPart[];
}

/** Hard filters from the results page's form (all optional). */
export interface SearchFilters {
	municipality?: string;
	topic?: string;
	ageGroup?: string;
	role?: string;
	sector?: string;
}

export type ResultType = 'person' | 'organisation' | 'unit' | 'topic' | 'event' | 'group' | 'article' | (string & {});

/**
 * A document a source hands to the index. `text` is what words match; `tags` are what recognised query parts
 * (municipality, topic, age, role, sector) match.
 */
export interface SearchDocument {
	type: ResultType;
	/** Unique within the type; for people the directory id (`P000123`). */
	ref: string;
	title: string;
	subtitle: string;
	url: string;
	/** `active` | `left` for people; anything else (or undefined) for other types. */
	status?: string;
	verifiedAt?: string | null;
	/** Epoch ms from which the entry is stale by the one freshness policy (freshness.rules.ts); absent = never. */
	staleFromMs?: number;
	/** Weighted text: name 3, title/unit 1.5 … */
	text: Array<{ text: string; weight: number; name?: boolean }>;
	tags?: Partial<Record<ConceptKind, string[]>>;
	/** Tags that hold only partly (a regional unit serving a municipality): count half. */
	weakTags?: Partial<Record<ConceptKind, string[]>>;
	/** Added to the score: key person, freshness; negative for stale. */
	boost?: number;
	/** Numeric entity id and the id of the successor (people): followed to show who took over. */
	entityId?: number;
	successorEntityId?: number | null;
	/** Anything the UI needs to render the result (a person card). */
	data?: unknown;
	/** How the index stores what this document shows (default: its generic record, search.records.ts). */
	codec?: RecordCodec;
}

/** What a hit shows, as the index keeps it per document: title, subtitle, url, status, verifiedAt, tags, weakTags, data. */
export type DocRecord = [title: string, subtitle: string, url: string, status: string | undefined, verifiedAt: string | null | undefined, tags: SearchDocument['tags'], weakTags: SearchDocument['weakTags'], data: unknown];

/** The index's table of repeated strings, shared by every record of one index. */
export interface StringTable {
	/** The number of a string, adding it when new. */
	intern(s: string): number;
	string(id: number): string;
}

/**
 * A record format of a source's own, for a type with many documents: the generic record walks any value and
 * took a fifth of a rebuild at 100,000 people (issue 13). `decode(encode(doc))` must give exactly the DocRecord of
 * the document (tests/search-records.test.ts checks the person codec against the generic one).
 */
export interface RecordCodec {
	encode(doc: SearchDocument, strings: StringTable): string;
	decode(record: string, strings: StringTable): DocRecord;
}

/** A search source: one result type and how to load all its documents. */
export interface SearchSource {
	type: ResultType;
	/**
	 * Loads every document of this type (called on a rebuild). A source with many documents awaits `pace()`
	 * now and then (between short statements, never inside one): it yields to waiting requests when the
	 * rebuild has held the event loop for its slice. It may hand documents to `emit` one by one instead of
	 * returning them (less memory held during a rebuild); each ref at most once (the index skips the check).
	 */
	load(db: import('@db/client').Db, thesaurus: Thesaurus, pace?: () => Promise<void>, emit?: (doc: SearchDocument) => void): Promise<SearchDocument[]>;
}

export interface SearchHit {
	type: ResultType;
	ref: string;
	title: string;
	subtitle: string;
	url: string;
	status: string | null;
	successorRef: string | null;
	verifiedAt: string | null;
	score: number;
	/** Matched every recognised part of the query. */
	complete: boolean;
	/** Stale by the one freshness policy (freshness.rules.ts: unconfirmed past its due date + 91 days). */
	stale: boolean;
	/** Shown in place of someone who left: who that was. */
	takenOverFrom?: { ref: string; name: string };
	/** A partial match outside the municipality the query names (the results page's "Andre kommuner"). */
	elsewhere?: boolean;
	/** The document's concept tags (for `matched`/`unmatched`). */
	tags?: Partial<Record<ConceptKind, string[]>>;
	weakTags?: Partial<Record<ConceptKind, string[]>>;
	/** Who can be reached at the moment asked about (people and after-hours lines; search.availability.ts). */
	availability?: import('@/modules/hours/hours.availability').PersonAvailability;
	/** Danish sentence for `availability` ("Træffes nu til 15:00"). */
	availabilityText?: string;
	/** Recognised query parts this result does and does not match ("kommune:gribskov"). */
	matched?: string[];
	unmatched?: string[];
	/** The same in Danish labels for the card ("Gribskov · selvskade · 13–17 år"). */
	matchedText?: string;
	unmatchedText?: string;
	/** An after-hours line (shown first when day-time contacts are closed). */
	line?: { label: string; phone: string | null; note: string; takes: string; hours: string | null };
	data?: unknown;
}

export interface SearchResult {
	query: string;
	parsed: ParsedQuery;
	hits: SearchHit[];
	/** Number of matching documents before the limit. */
	total: number;
	/** Nothing found, or nothing matched every part. */
	confidence: 'none' | 'low' | 'ok';
}

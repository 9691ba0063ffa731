/**
 * The search entry point: keeps one in-memory index per database fresh and answers queries.
 *
 * Freshness: before each search the newest audit id is read (one indexed lookup). Person changes are applied
 * to the index in place; anything else (units, organisations, many changes at once, a CLI import in another
 * process) rebuilds it. The thesaurus fingerprint is checked at most once a minute.
 */
import type { Db } from '@db/client';
import { SearchIndex } from './search.index';
import { parseQuery } from './search.parser';
import { auditEntriesAfter, latestAuditIdSync, loadPeople, loadThesaurusRows, logSearch, thesaurusFingerprint } from './search.repository';
import { listSearchSources, searchSourcesVersion } from './search.registry';
import { personDocument, registerBuiltInSources } from './search.sources';
import { buildThesaurus } from './search.thesaurus';
import { isAway } from '@/modules/directory/directory.rules';
import { formatDate } from '@/lib/dates';
import type { PersonCard } from './search.sources';
import type { ParsedQuery, SearchFilters, SearchHit, SearchResult, Thesaurus } from './search.types';

registerBuiltInSources();
// Other modules' sources (`src/modules/<domain>/<domain>.search.ts`) register themselves when imported.
// In the app Vite resolves this glob at build time; in plain Node CLIs it does not exist and only built-ins load.
try {
	import.meta.glob('/src/modules/*/*.search.ts', { eager: true });
} catch {
	/* not running under Vite */
}

const THESAURUS_CHECK_MS = 60_000;
/** Above this many changed people at once, a full rebuild is simpler and as fast. */
const INCREMENTAL_LIMIT = 300;
/**
 * Audit entity types whose changes no search document depends on: accounts, mail, registrations (hundreds a
 * minute on a busy theme day must not rebuild the index), correction reports, and supervision meetings, statements
 * and self-reported courses (a group's search entry shows only its seats, which change with memberships).
 */
const IGNORED_ENTITY_TYPES = new Set(['user', 'mail', 'registration', 'correction', 'supervision_meeting', 'supervision_statement', 'supervision_self_course']);

interface State {
	index: SearchIndex;
	thesaurus: Thesaurus;
	auditId: number;
	fingerprint: string;
	fingerprintCheckedAt: number;
	sourcesVersion: number;
	builtAt: number;
	buildMs: number;
}

const states = new WeakMap<Db, State>();
const pending = new WeakMap<Db, Promise<State>>();

async function build(db: Db): Promise<State> {
	const started = performance.now();
	const auditId = latestAuditIdSync(db);
	const fingerprint = thesaurusFingerprint(db);
	const thesaurus = buildThesaurus(loadThesaurusRows(db));
	const index = new SearchIndex(thesaurus);
	for (const source of listSearchSources()) {
		try {
			for (const doc of await source.load(db, thesaurus)) index.add(doc);
		} catch (error) {
			// A broken add-on source must not take the directory search down with it.
			if (source.type === 'person') throw error;
			console.error(`search: source "${source.type}" failed to load`, error);
		}
	}
	index.finishBuild();
	const now = Date.now();
	return { index, thesaurus, auditId, fingerprint, fingerprintCheckedAt: now, sourcesVersion: searchSourcesVersion(), builtAt: now, buildMs: performance.now() - started };
}

/** Applies what changed since the index was built; false when a full rebuild is needed. */
function applyChanges(db: Db, state: State, latest: number): boolean {
	const entries = auditEntriesAfter(db, state.auditId, INCREMENTAL_LIMIT, [...IGNORED_ENTITY_TYPES]);
	if (entries.length > INCREMENTAL_LIMIT) return false;
	const people = new Set<number>();
	for (const e of entries) {
		// Units, organisations, the thesaurus and other sources (theme days…) reload through a rebuild.
		if (e.entityType !== 'person') return false;
		people.add(e.entityId);
	}
	const records = loadPeople(db, [...people]);
	const found = new Set(records.map((r) => r.id));
	for (const r of records) state.index.add(personDocument(r));
	for (const id of people) {
		if (found.has(id)) continue;
		// Deleted person: find the document by entity id through a fresh rebuild (rare).
		return false;
	}
	state.auditId = latest;
	return true;
}

/** The fresh index for a database (built on first use, refreshed when the audit log or the thesaurus changed). */
export async function getSearchState(db: Db): Promise<State> {
	const inFlight = pending.get(db);
	if (inFlight) return inFlight;
	const state = states.get(db);
	const now = Date.now();
	let needsBuild = !state || state.sourcesVersion !== searchSourcesVersion();
	if (state && !needsBuild) {
		const latest = latestAuditIdSync(db);
		if (latest !== state.auditId && !applyChanges(db, state, latest)) needsBuild = true;
		if (!needsBuild && state.index.garbage > Math.max(1000, state.index.size * 0.2)) needsBuild = true;
		if (!needsBuild && now - state.fingerprintCheckedAt > THESAURUS_CHECK_MS) {
			state.fingerprintCheckedAt = now;
			if (thesaurusFingerprint(db) !== state.fingerprint) needsBuild = true;
		}
	}
	if (!needsBuild) return state!;
	const promise = build(db).then(
		(fresh) => {
			states.set(db, fresh);
			pending.delete(db);
			return fresh;
		},
		(error) => {
			pending.delete(db);
			throw error;
		},
	);
	pending.set(db, promise);
	return promise;
}

/** Drops the cached index (tests, or after restoring a backup). */
export function resetSearchIndex(db: Db): void {
	states.delete(db);
}

/** Forces a rebuild now and reports how long it took (for the bench and the admin page). */
export async function rebuildSearchIndex(db: Db): Promise<{ ms: number; docs: number }> {
	states.delete(db);
	const state = await getSearchState(db);
	return { ms: state.buildMs, docs: state.index.size };
}

export interface SearchOptions {
	type?: string;
	limit?: number;
	filters?: SearchFilters;
	/** As-you-type: the last word is a prefix, and nothing is logged. */
	typing?: boolean;
	/** Log zero-result and low-confidence searches (query text only). Default true unless typing. */
	log?: boolean;
	now?: number;
}

/** Parses a query with the current thesaurus (for chips on the results page). */
export async function understandQuery(db: Db, q: string): Promise<ParsedQuery> {
	const state = await getSearchState(db);
	return parseQuery(q, state.thesaurus, { isName: (k) => state.index.isName(k) });
}

/**
 * While a person is away, their active deputy is shown right before them ("stedfortræder for …"), so the
 * caller reaches someone who is at work. The deputy takes the away person's place in the ranking.
 */
function showDeputiesFirst(index: SearchIndex, hits: SearchHit[], now?: number): void {
	const at = new Date(now ?? Date.now());
	for (let i = 0; i < hits.length; i++) {
		const card = hits[i].type === 'person' ? (hits[i].data as PersonCard | undefined) : undefined;
		if (!card || card.status !== 'active' || card.deputyId == null || !isAway(card, at)) continue;
		const deputy = index.hitForEntity('person', card.deputyId, at.getTime());
		if (!deputy || deputy.status !== 'active') continue;
		const existing = hits.findIndex((h) => h.type === 'person' && h.ref === deputy.ref);
		if (existing >= 0 && existing < i) continue;
		if (existing > i) hits.splice(existing, 1);
		const until = card.awayUntil ? ` til ${formatDate(card.awayUntil)}` : '';
		hits.splice(i, 0, { ...deputy, score: hits[i].score, complete: hits[i].complete, subtitle: `${deputy.subtitle} · stedfortræder for ${card.name}, der er fraværende${until}` });
		i++;
	}
}

export async function search(db: Db, q: string, opts: SearchOptions = {}): Promise<SearchResult> {
	const query = q.trim().slice(0, 200);
	const state = await getSearchState(db);
	const parsed = parseQuery(query, state.thesaurus, { isName: (k) => state.index.isName(k), typing: opts.typing });
	const hasFilters = Object.values(opts.filters ?? {}).some(Boolean);
	if (parsed.parts.length === 0 && !hasFilters) return { query, parsed, hits: [], total: 0, confidence: query ? 'none' : 'ok' };
	const { hits, total, deadParts } = state.index.search(parsed, { filters: opts.filters, type: opts.type, limit: opts.limit ?? 20, now: opts.now });
	showDeputiesFirst(state.index, hits, opts.now);
	if (hits.length > (opts.limit ?? 20)) hits.length = opts.limit ?? 20;
	const confidence: SearchResult['confidence'] = hits.length === 0 ? 'none' : !hits[0].complete || deadParts.length > 0 ? 'low' : 'ok';
	if (query && confidence !== 'ok' && (opts.log ?? !opts.typing)) {
		try {
			logSearch(db, query.toLowerCase(), confidence === 'none' ? 'zero' : 'low', total);
		} catch {
			/* logging must never break a search */
		}
	}
	return { query, parsed, hits, total, confidence };
}

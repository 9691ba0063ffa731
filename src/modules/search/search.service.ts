/**
 * The search entry point: keeps one in-memory index per database fresh and answers queries.
 *
 * Freshness: before each search the newest audit id is read (one indexed lookup). Person changes are applied
 * to the index in place; anything else (units, organisations, many changes at once, a CLI import in another
 * process) rebuilds it. The thesaurus fingerprint is checked at most once a minute.
 *
 * A rebuild never holds the event loop for long: it reads people page by page and indexes them in slices of
 * a few milliseconds, yielding to waiting requests in between (setImmediate). Meanwhile searches are answered
 * from the previous index (after a short wait, so a small directory still shows an edit in the very next
 * search); the finished index is swapped in. Only the very first build is awaited — it is sliced too.
 * What runs on another thread: on SQLite, reading the people (db/keyset-worker.ts, a fifth of a rebuild at
 * 100,000). Why not the whole build: the postings are typed arrays and would transfer for free, but the term
 * dictionary and the result records would still be rebuilt on the main thread, add-on sources registered in the
 * app's module graph would not exist in the worker, and a worker entry must survive Vite's bundling, Vitest and
 * tsx alike (the reader is CommonJS given as text). A rebuild's last step (sorting the postings by term) is
 * sliced too (SearchIndex.seal).
 */
import type { Db } from '@db/client';
import { SearchIndex } from './search.index';
import { parseQuery } from './search.parser';
import { auditEntriesAfter, loadOrganisations, loadPeople, loadThesaurusRows, personIdsOfUnits, loadUnits, logSearch, thesaurusFingerprint, unitIdsOfOrganisations } from './search.repository';
import { latestAuditId } from '@/modules/audit/audit.repository';
import type { ThesaurusRows } from './search.thesaurus';
import { listSearchSources, searchSourcesVersion } from './search.registry';
import { organisationDocument, personDocument, registerBuiltInSources, unitDocument } from './search.sources';
import { buildThesaurus } from './search.thesaurus';
import { showDeputyFirst } from '@/modules/directory/editing.rules';
import { formatDate } from '@/lib/dates';
import { clockNow } from '@/lib/clock';
import { AVAILABILITY_BLOCK, addAvailability, readTimeWords } from './search.availability';
import { ROUTING_ROLE_SLUGS } from '@/modules/freshness/freshness.rules';
import { countSearch, type SearchCount } from '@/modules/stats/stats.repository';
import type { PersonCard } from './search.sources';
import type { ParsedQuery, SearchDocument, SearchFilters, SearchHit, SearchResult, Thesaurus } from './search.types';

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
 * minute on a busy theme day must not rebuild the index), correction reports, a unit's shared contact lines, and
 * supervision meetings, statements and self-reported courses (a group's search entry shows only its seats, which
 * change with memberships).
 */
const IGNORED_ENTITY_TYPES = new Set(['user', 'mail', 'registration', 'correction', 'unit_contact', 'supervision_meeting', 'supervision_statement', 'supervision_self_course']);

interface State {
	index: SearchIndex;
	thesaurus: Thesaurus;
	/** The vocabularies the thesaurus was built from (filters and labels of the results page). */
	rows: ThesaurusRows;
	auditId: number;
	fingerprint: string;
	fingerprintCheckedAt: number;
	sourcesVersion: number;
	builtAt: number;
	buildMs: number;
	/** Set when an in-place update could not finish the job. */
	rebuildNext?: boolean;
}

const states = new WeakMap<Db, State>();
const pending = new WeakMap<Db, Promise<State>>();

const settings = {
	/** How long a rebuild may hold the event loop before it yields to requests. */
	sliceMs: 10,
	/**
	 * How long a search waits for a rebuild in progress before it answers from the previous index. Under
	 * Vitest a search always waits (tests stay deterministic on a busy machine; search-rebuild.test.ts sets it).
	 */
	freshWaitMs: process.env.VITEST ? 60_000 : 100,
};

/** Tuning for tests and the bench (defaults: 10 ms slices, 100 ms wait for a fresh index). */
export function configureSearchIndex(options: Partial<typeof settings>): void {
	Object.assign(settings, options);
}

/** A function to await now and then during long work: it yields to the event loop once a slice is used up. */
export function createPacer(sliceMs = settings.sliceMs): () => Promise<void> {
	let sliceStart = performance.now();
	return async () => {
		if (performance.now() - sliceStart < sliceMs) return;
		await new Promise<void>((resolve) => setImmediate(resolve));
		sliceStart = performance.now();
	};
}

async function build(db: Db): Promise<State> {
	const pace = createPacer();
	const started = performance.now();
	const auditId = await latestAuditId(db);
	const fingerprint = await thesaurusFingerprint(db);
	const rows = await loadThesaurusRows(db);
	const thesaurus = buildThesaurus(rows);
	const index = new SearchIndex(thesaurus, states.get(db)?.index.extent);
	for (const source of listSearchSources()) {
		try {
			// A streaming source (people) emits each document once, by a ref unique in its table.
			const emit = (doc: SearchDocument) => index.add(doc, true);
			const docs = await source.load(db, thesaurus, pace, emit);
			for (let i = 0; i < docs.length; i++) {
				index.add(docs[i]);
				if ((i & 63) === 63) await pace();
			}
			await pace();
		} catch (error) {
			// A broken add-on source must not take the directory search down with it.
			if (source.type === 'person') throw error;
			console.error(`search: source "${source.type}" failed to load`, error);
		}
	}
	await index.seal(pace);
	const now = Date.now();
	return { index, thesaurus, rows, auditId, fingerprint, fingerprintCheckedAt: now, sourcesVersion: searchSourcesVersion(), builtAt: now, buildMs: performance.now() - started };
}

interface ChangePlan {
	people: Set<number>;
	units: Set<number>;
	organisations: Set<number>;
	/** Add-on sources (theme days…) to reload whole. */
	sources: Set<string>;
	/** The thesaurus changed (a search term, or a synonym in a reference table). */
	thesaurus: boolean;
}

/** What changed since the index was built, or null when only a full rebuild will do (the thesaurus, many changes). */
async function planChanges(db: Db, state: State): Promise<ChangePlan | null> {
	const entries = await auditEntriesAfter(db, state.auditId, INCREMENTAL_LIMIT, [...IGNORED_ENTITY_TYPES]);
	if (entries.length > INCREMENTAL_LIMIT) return null;
	const plan: ChangePlan = { people: new Set(), units: new Set(), organisations: new Set(), sources: new Set(), thesaurus: false };
	const addOns = new Set(listSearchSources().map((s) => s.type).filter((t) => !BUILT_IN_TYPES.has(t)));
	for (const e of entries) {
		if (e.entityType === 'person') plan.people.add(e.entityId);
		else if (e.entityType === 'unit') plan.units.add(e.entityId);
		else if (e.entityType === 'organisation') plan.organisations.add(e.entityId);
		else if (addOns.has(e.entityType)) plan.sources.add(e.entityType);
		else if (e.entityType === 'search_term') plan.thesaurus = true;
		// Anything unknown is rebuilt to be safe.
		else return null;
	}
	return plan;
}

const BUILT_IN_TYPES = new Set(['person', 'unit', 'organisation', 'topic']);
/** People re-read per statement when the index is updated in place (a few milliseconds each). */
const PEOPLE_CHUNK = 100;

function aliasKey(alias: Thesaurus['aliases'][number]): string {
	return `${alias.from.map((w) => w.key).join(' ')}=>${alias.to.map((w) => w.key).join(' ')}`;
}

/** Applies changed people in place; false when one was deleted (its document is found through a rebuild). */
async function applyPeople(db: Db, state: State, ids: Iterable<number>): Promise<boolean> {
	const people = [...ids];
	const records = await loadPeople(db, people);
	for (const r of records) state.index.add(personDocument(r));
	return records.length === people.length;
}

/**
 * Applies a unit, organisation or add-on source change in place: the changed units and organisations with
 * all their people, one unit at a time, yielding between them (an organisation at 100,000 people is ~10,000).
 */
async function applyStructural(db: Db, state: State, plan: ChangePlan, latest: number): Promise<State> {
	const pace = createPacer();
	const started = performance.now();
	const { index } = state;
	const rows = await loadThesaurusRows(db);
	const municipalityNames = new Map(rows.municipalities.map((m) => [m.code, m.name]));
	let thesaurus = state.thesaurus;
	const people = new Set(plan.people);
	if (plan.thesaurus) {
		// A new word changes how queries are read, and the tags of units, organisations, topics and theme days
		// (found in their names); of the people, only those whose text holds a changed alias's words.
		const fresh = buildThesaurus(rows);
		if (JSON.stringify(fresh.ageRanges) !== JSON.stringify(thesaurus.ageRanges)) return build(db);
		const before = new Set(thesaurus.aliases.map(aliasKey));
		const after = new Set(fresh.aliases.map(aliasKey));
		for (const alias of [...thesaurus.aliases, ...fresh.aliases]) {
			if (before.has(aliasKey(alias)) && after.has(aliasKey(alias))) continue;
			for (const words of [alias.from, alias.to]) for (const id of index.entitiesWithWord('person', words[0].key)) people.add(id);
		}
		index.setThesaurus(fresh);
		state.thesaurus = thesaurus = fresh;
		state.rows = rows;
		state.fingerprint = await thesaurusFingerprint(db);
		state.fingerprintCheckedAt = Date.now();
		for (const u of await loadUnits(db)) {
			if (!plan.units.has(u.id)) index.add(unitDocument(u, thesaurus, municipalityNames));
			await pace();
		}
		for (const o of await loadOrganisations(db)) {
			index.add(organisationDocument(o, thesaurus));
			await pace();
		}
		for (const source of listSearchSources()) if (source.type !== 'person' && source.type !== 'unit' && source.type !== 'organisation') plan.sources.add(source.type);
		await pace();
	}
	const organisations = (await loadOrganisations(db)).filter((o) => plan.organisations.has(o.id));
	for (const o of organisations) index.add(organisationDocument(o, thesaurus));
	for (const id of plan.organisations) if (!organisations.some((o) => o.id === id)) index.removeEntity('organisation', id);
	const unitIds = new Set(plan.units);
	if (plan.organisations.size > 0) for (const id of await unitIdsOfOrganisations(db, [...plan.organisations])) unitIds.add(id);
	for (const id of unitIds) {
		const [unit] = await loadUnits(db, [id]);
		if (unit) index.add(unitDocument(unit, thesaurus, municipalityNames));
		else index.removeEntity('unit', id);
		for (const personId of await personIdsOfUnits(db, [id])) people.add(personId);
		await pace();
	}
	// A deleted person's document is found through a full rebuild (rare): the next search starts one.
	const ids = [...people];
	for (let i = 0; i < ids.length; i += PEOPLE_CHUNK) {
		if (!(await applyPeople(db, state, ids.slice(i, i + PEOPLE_CHUNK)))) state.rebuildNext = true;
		await pace();
	}
	for (const type of plan.sources) {
		const source = listSearchSources().find((s) => s.type === type);
		if (!source) continue;
		try {
			const docs = await source.load(db, thesaurus, pace);
			index.removeType(type);
			for (const doc of docs) index.add(doc);
		} catch (error) {
			console.error(`search: source "${type}" failed to load`, error);
		}
	}
	index.finishBuild();
	state.auditId = Math.max(state.auditId, latest);
	state.buildMs = performance.now() - started;
	return state;
}

/** Starts a rebuild (unless one is running) and swaps the result in when it is done. */
function startBuild(db: Db): Promise<State> {
	return startJob(db, () => build(db));
}

/** Runs one index job at a time per database (a rebuild or an in-place update) and keeps its result. */
function startJob(db: Db, job: () => Promise<State>): Promise<State> {
	const inFlight = pending.get(db);
	if (inFlight) return inFlight;
	const promise = job().then(
		(fresh) => {
			// Edits made while this index was built are in the audit log after fresh.auditId: the next search
			// applies them to the new index (or rebuilds again).
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

/** The rebuild's result if it is ready within the short wait, else the previous index (which keeps answering). */
function freshOrPrevious(rebuild: Promise<State>, previous: State): Promise<State> {
	const fallback = rebuild.catch((error) => {
		console.error('search: rebuilding the index failed; the previous index keeps answering', error);
		return previous;
	});
	if (settings.freshWaitMs <= 0) return Promise.resolve(previous);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const wait = new Promise<State>((resolve) => {
		timer = setTimeout(() => resolve(previous), settings.freshWaitMs);
	});
	return Promise.race([fallback, wait]).finally(() => clearTimeout(timer));
}

/** The fresh index for a database (built on first use, refreshed when the audit log or the thesaurus changed). */
export async function getSearchState(db: Db): Promise<State> {
	if (!states.get(db)) return startBuild(db);
	const latest = await latestAuditId(db);
	// Read after the await: another request may have swapped in a new index or started a job meanwhile.
	const state = states.get(db)!;
	const inFlight = pending.get(db);
	if (inFlight) return freshOrPrevious(caughtUp(db, inFlight, latest), state);
	const now = Date.now();
	let needsBuild = state.sourcesVersion !== searchSourcesVersion() || !!state.rebuildNext;
	if (!needsBuild && latest !== state.auditId) {
		const plan = await planChanges(db, state);
		const other = pending.get(db);
		if (other) return freshOrPrevious(caughtUp(db, other, latest), state);
		if (!plan) needsBuild = true;
		else if (plan.units.size || plan.organisations.size || plan.sources.size || plan.thesaurus) return freshOrPrevious(startJob(db, () => applyStructural(db, state, plan, latest)), state);
		// Changed people only (a few hundred at most): applied as a job, so concurrent searches never apply an older
		// read over a newer one, and awaited whole — an edit shows in the very next search. A deleted person
		// leaves the index behind (`rebuildNext`): then the rebuild is started as for any other rebuild.
		else return caughtUp(db, startJob(db, () => applyPeopleJob(db, state, plan.people, latest)), latest);
	}
	if (!needsBuild && state.index.garbage > Math.max(1000, state.index.size * 0.2)) needsBuild = true;
	if (!needsBuild && now - state.fingerprintCheckedAt > THESAURUS_CHECK_MS) {
		state.fingerprintCheckedAt = now;
		if ((await thesaurusFingerprint(db)) !== state.fingerprint) {
			const plan: ChangePlan = { people: new Set(), units: new Set(), organisations: new Set(), sources: new Set(), thesaurus: true };
			return freshOrPrevious(startJob(db, () => applyStructural(db, state, plan, state.auditId)), state);
		}
	}
	if (!needsBuild) return state;
	return freshOrPrevious(startBuild(db), state);
}

/**
 * The index once `job` is done and has caught up with audit id `latest`: a job that started before the newest
 * change ends behind it, and then this search applies the rest (each round reads the audit log afresh).
 */
function caughtUp(db: Db, job: Promise<State>, latest: number): Promise<State> {
	return job.then((fresh) => (fresh.auditId >= latest ? fresh : getSearchState(db)));
}

async function applyPeopleJob(db: Db, state: State, people: Set<number>, latest: number): Promise<State> {
	if (await applyPeople(db, state, people)) state.auditId = Math.max(state.auditId, latest);
	else state.rebuildNext = true;
	return state;
}

/** Resolves when no rebuild is in progress for the database (tests, the bench, the admin page). */
export async function searchIndexSettled(db: Db): Promise<void> {
	for (let p = pending.get(db); p; p = pending.get(db)) await p.catch(() => undefined);
}

/** Drops the cached index (tests, or after restoring a backup). */
export function resetSearchIndex(db: Db): void {
	states.delete(db);
}

/** Rebuilds now (the previous index answers meanwhile) and reports how long it took (bench, admin page). */
export async function rebuildSearchIndex(db: Db): Promise<{ ms: number; docs: number }> {
	await searchIndexSettled(db);
	const state = await startBuild(db);
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
	/** The moment availability is judged at (`/api/search?at=`); default the clock (src/lib/clock.ts). */
	at?: Date;
}

/** The result types the index holds documents of (a filter for an empty type is hidden). */
export async function searchTypesPresent(db: Db): Promise<Set<string>> {
	return new Set((await getSearchState(db)).index.typesPresent());
}

/** The vocabularies the current index was built from (filters and labels; no query of their own per request). */
export async function searchVocabulary(db: Db): Promise<ThesaurusRows> {
	return (await getSearchState(db)).rows;
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
		if (!card || card.status !== 'active' || card.deputyId == null) continue;
		const deputy = index.hitForEntity('person', card.deputyId, at.getTime());
		// The one rule for "lead with the deputy" (also the person page's): away now, deputy still active.
		if (!deputy || !showDeputyFirst(card, deputy, at)) continue;
		const existing = hits.findIndex((h) => h.type === 'person' && h.ref === deputy.ref);
		if (existing >= 0 && existing < i) continue;
		if (existing > i) hits.splice(existing, 1);
		const until = card.awayUntil ? ` til ${formatDate(card.awayUntil)}` : '';
		hits.splice(i, 0, { ...deputy, score: hits[i].score, complete: hits[i].complete, elsewhere: hits[i].elsewhere, subtitle: `${deputy.subtitle} · stedfortræder for ${card.name}, der er fraværende${until}` });
		i++;
	}
}

/** What a search counts towards in the usage figures: its situation and municipality, nothing of its text. */
function usageOf(parsed: ParsedQuery, filters: SearchFilters | undefined, zero: boolean): SearchCount {
	const situation = parsed.parts.find((p) => p.kind === 'role' && p.slugs.some((s) => ROUTING_ROLE_SLUGS.includes(s)))?.slugs.find((s) => ROUTING_ROLE_SLUGS.includes(s));
	const municipality = parsed.parts.find((p) => p.kind === 'municipality')?.slugs[0];
	const filterRole = filters?.role && ROUTING_ROLE_SLUGS.includes(filters.role) ? filters.role : undefined;
	const filterMunicipality = filters?.municipality && /^\d{3}$/.test(filters.municipality) ? filters.municipality : undefined;
	return { situation: situation ?? filterRole ?? null, municipalityCode: municipality ?? filterMunicipality ?? null, zero };
}

export async function search(db: Db, q: string, opts: SearchOptions = {}): Promise<SearchResult> {
	const query = q.trim().slice(0, 200);
	const state = await getSearchState(db);
	// Time words ("weekend", "efter kl 16") say when, not who: they move the moment and leave the words.
	const intent = readTimeWords(query, opts.at ?? clockNow());
	const parsed = parseQuery(intent.query, state.thesaurus, { isName: (k) => state.index.isName(k), typing: opts.typing });
	const hasFilters = Object.values(opts.filters ?? {}).some(Boolean);
	if (parsed.parts.length === 0 && !hasFilters) return { query, parsed, hits: [], total: 0, confidence: query ? 'none' : 'ok' };
	const limit = opts.limit ?? 20;
	// Whole blocks (see AVAILABILITY_BLOCK), so the first n hits are the same whatever the limit.
	const ranking = Math.ceil(limit / AVAILABILITY_BLOCK) * AVAILABILITY_BLOCK;
	const { hits, total, deadParts } = state.index.search(parsed, { filters: opts.filters, type: opts.type, limit: ranking, now: opts.now });
	showDeputiesFirst(state.index, hits, opts.now ?? intent.at.getTime());
	const deputyOf = (id: number) => {
		const h = state.index.hitForEntity('person', id);
		return h ? { ref: h.ref, name: h.title } : undefined;
	};
	const ranked = await addAvailability(db, hits, parsed, intent, deputyOf, opts.type, state.auditId);
	hits.splice(0, hits.length, ...ranked);
	if (hits.length > limit) hits.length = limit;
	const confidence: SearchResult['confidence'] = hits.length === 0 ? 'none' : !hits[0].complete || deadParts.length > 0 ? 'low' : 'ok';
	if ((opts.log ?? !opts.typing) && (query || hasFilters)) countSearch(db, usageOf(parsed, opts.filters, confidence === 'none'));
	// Not awaited: the answer never waits for the count (logSearch never rejects).
	if (query && confidence !== 'ok' && (opts.log ?? !opts.typing)) void logSearch(db, query.toLowerCase(), confidence === 'none' ? 'zero' : 'low', total);
	return { query, parsed, hits, total, confidence };
}

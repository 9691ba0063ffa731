/**
 * Every query of the search module. The index loads whole tables at once through the raw better-sqlite3 handle
 * (one statement per table, not one per person), which keeps a rebuild at 100,000 people to about a second.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { rawSqlite, retryWhileBusy, type Db } from '@db/client';
import type { Database, OrganisationType, PersonStatus, Visibility } from '@db/schema';
import { jsonArray } from '@/lib/text';
import type { ThesaurusRows } from './search.thesaurus';

type Executor = Kysely<Database> | Transaction<Database>;

export interface PersonRecord {
	id: number;
	ref: string;
	firstName: string;
	lastName: string;
	title: string;
	unitId: number;
	unitName: string;
	unitSlug: string;
	unitAliases: string[];
	organisationName: string;
	organisationSlug: string;
	organisationType: OrganisationType;
	organisationMunicipalityCode: string | null;
	municipalityCode: string | null;
	municipalityName: string | null;
	phone: string | null;
	mobile: string | null;
	email: string | null;
	phoneVisibility: Visibility;
	mobileVisibility: Visibility;
	emailVisibility: Visibility;
	hours: string;
	/** Structured hours as stored (JSON), or null: read from `hours`. */
	hoursSchedule: string | null;
	note: string;
	keyPerson: boolean;
	status: PersonStatus;
	successorId: number | null;
	deputyId: number | null;
	awayFrom: string | null;
	awayUntil: string | null;
	verifiedAt: string | null;
	createdAt: string;
	topics: string[];
	roles: string[];
	ageGroups: string[];
	/** Municipalities the person's unit serves (listed for region/volunteer units). */
	servedMunicipalities: string[];
}

const PERSON_SQL = `
	SELECT p.id, p.ref, p.first_name, p.last_name, p.title, p.unit_id, p.municipality_code, p.phone, p.mobile, p.email,
		p.phone_visibility, p.mobile_visibility, p.email_visibility, p.hours, p.hours_schedule, p.note, p.key_person, p.status, p.successor_id,
		p.deputy_id, p.away_from, p.away_until,
		p.verified_at, p.created_at, u.name AS unit_name, u.slug AS unit_slug, u.aliases AS unit_aliases, o.name AS organisation_name,
		o.slug AS organisation_slug, o.type AS organisation_type, o.municipality_code AS organisation_municipality_code,
		m.name AS municipality_name
	FROM person p
	JOIN unit u ON u.id = p.unit_id
	JOIN organisation o ON o.id = u.organisation_id
	LEFT JOIN municipality m ON m.code = p.municipality_code`;

function groupBy(rows: Array<{ k: number; v: string }>): Map<number, string[]> {
	const map = new Map<number, string[]>();
	for (const r of rows) {
		const list = map.get(r.k);
		if (list) list.push(r.v);
		else map.set(r.k, [r.v]);
	}
	return map;
}

/** People with their tags; all of them, or only the given ids. */
export function loadPeople(db: Db, ids?: number[]): PersonRecord[] {
	if (ids && ids.length === 0) return [];
	const raw = rawSqlite(db);
	const where = ids ? ` WHERE p.id IN (${ids.map(() => '?').join(',')})` : '';
	const rows = raw.prepare(PERSON_SQL + where).all(...(ids ?? [])) as any[];
	const tagWhere = (col: string) => (ids ? ` WHERE ${col} IN (${ids.map(() => '?').join(',')})` : '');
	return toRecords(raw, rows, tagWhere, ids ?? [], loadServed(db));
}

/** The ids of the people of some units (an edited unit or organisation is re-indexed with its people). */
export function personIdsOfUnits(db: Db, unitIds: number[]): number[] {
	if (unitIds.length === 0) return [];
	return (rawSqlite(db).prepare(`SELECT id FROM person WHERE unit_id IN (${unitIds.map(() => '?').join(',')})`).all(...unitIds) as Array<{ id: number }>).map((r) => r.id);
}

/** Municipalities each unit serves (read once per rebuild, shared by every page of people). */
export function loadServed(db: Db): Map<number, string[]> {
	return groupBy(rawSqlite(db).prepare('SELECT unit_id AS k, municipality_code AS v FROM unit_municipality').all() as any[]);
}

/**
 * One page of people in id order, after `afterId` (keyset paging): a rebuild reads the table in short
 * statements so it can yield to requests between pages, and never holds a statement open across a yield.
 */
export function loadPeoplePage(db: Db, afterId: number, limit: number, served: Map<number, string[]>): PersonRecord[] {
	const raw = rawSqlite(db);
	const rows = raw.prepare(`${PERSON_SQL} WHERE p.id > ? ORDER BY p.id LIMIT ?`).all(afterId, limit) as any[];
	if (rows.length === 0) return [];
	const first = rows[0].id as number;
	const last = rows[rows.length - 1].id as number;
	return toRecords(raw, rows, (col) => ` WHERE ${col} BETWEEN ? AND ?`, [first, last], served);
}

function toRecords(raw: ReturnType<typeof rawSqlite>, rows: any[], tagWhere: (col: string) => string, args: unknown[], served: Map<number, string[]>): PersonRecord[] {
	const topics = groupBy(raw.prepare(`SELECT person_id AS k, topic_slug AS v FROM person_topic${tagWhere('person_id')}`).all(...args) as any[]);
	const roles = groupBy(raw.prepare(`SELECT person_id AS k, role_slug AS v FROM person_role${tagWhere('person_id')}`).all(...args) as any[]);
	const ages = groupBy(raw.prepare(`SELECT person_id AS k, age_group_slug AS v FROM person_age_group${tagWhere('person_id')}`).all(...args) as any[]);
	return rows.map((r) => ({
		id: r.id,
		ref: r.ref,
		firstName: r.first_name,
		lastName: r.last_name,
		title: r.title,
		unitId: r.unit_id,
		unitName: r.unit_name,
		unitSlug: r.unit_slug,
		unitAliases: jsonArray(r.unit_aliases),
		organisationName: r.organisation_name,
		organisationSlug: r.organisation_slug,
		organisationType: r.organisation_type,
		organisationMunicipalityCode: r.organisation_municipality_code,
		municipalityCode: r.municipality_code,
		municipalityName: r.municipality_name,
		phone: r.phone,
		mobile: r.mobile,
		email: r.email,
		phoneVisibility: r.phone_visibility,
		mobileVisibility: r.mobile_visibility,
		emailVisibility: r.email_visibility,
		hours: r.hours,
		hoursSchedule: r.hours_schedule ?? null,
		note: r.note,
		keyPerson: r.key_person === 1,
		status: r.status,
		successorId: r.successor_id,
		deputyId: r.deputy_id,
		awayFrom: r.away_from,
		awayUntil: r.away_until,
		verifiedAt: r.verified_at,
		createdAt: r.created_at,
		topics: (topics.get(r.id) ?? []).sort(),
		roles: (roles.get(r.id) ?? []).sort(),
		ageGroups: (ages.get(r.id) ?? []).sort(),
		servedMunicipalities: served.get(r.unit_id) ?? [],
	}));
}

export interface UnitRecord {
	id: number;
	slug: string;
	name: string;
	aliases: string[];
	description: string;
	organisationName: string;
	organisationSlug: string;
	organisationType: OrganisationType;
	municipalityCodes: string[];
	people: number;
}

export function loadUnits(db: Db, ids?: number[]): UnitRecord[] {
	if (ids && ids.length === 0) return [];
	const raw = rawSqlite(db);
	const where = ids ? ` WHERE u.id IN (${ids.map(() => '?').join(',')})` : '';
	const served = groupBy(raw.prepare('SELECT unit_id AS k, municipality_code AS v FROM unit_municipality').all() as any[]);
	const rows = raw
		.prepare(
			`SELECT u.id, u.slug, u.name, u.aliases, u.description, o.name AS organisation_name, o.slug AS organisation_slug,
				o.type AS organisation_type, o.municipality_code,
				(SELECT count(*) FROM person p WHERE p.unit_id = u.id AND p.status = 'active') AS people
			FROM unit u JOIN organisation o ON o.id = u.organisation_id${where}`,
		)
		.all(...(ids ?? [])) as any[];
	return rows.map((r) => ({
		id: r.id,
		slug: r.slug,
		name: r.name,
		aliases: jsonArray(r.aliases),
		description: r.description,
		organisationName: r.organisation_name,
		organisationSlug: r.organisation_slug,
		organisationType: r.organisation_type,
		municipalityCodes: [...new Set([...(r.municipality_code ? [r.municipality_code] : []), ...(served.get(r.id) ?? [])])],
		people: r.people,
	}));
}

export function unitIdsOfOrganisations(db: Db, organisationIds: number[]): number[] {
	if (organisationIds.length === 0) return [];
	return (rawSqlite(db).prepare(`SELECT id FROM unit WHERE organisation_id IN (${organisationIds.map(() => '?').join(',')})`).all(...organisationIds) as Array<{ id: number }>).map((r) => r.id);
}

export interface OrganisationRecord {
	id: number;
	slug: string;
	name: string;
	type: OrganisationType;
	municipalityCode: string | null;
	municipalityName: string | null;
	description: string;
}

export function loadOrganisations(db: Db): OrganisationRecord[] {
	const rows = rawSqlite(db)
		.prepare('SELECT o.id, o.slug, o.name, o.type, o.municipality_code, o.description, m.name AS municipality_name FROM organisation o LEFT JOIN municipality m ON m.code = o.municipality_code')
		.all() as any[];
	return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, type: r.type, municipalityCode: r.municipality_code, municipalityName: r.municipality_name, description: r.description }));
}

/** The vocabularies the thesaurus is built from. */
export function loadThesaurusRows(db: Db): ThesaurusRows {
	const raw = rawSqlite(db);
	const municipalities = (raw.prepare('SELECT code, name, synonyms, is_member FROM municipality').all() as any[]).map((r) => ({
		code: r.code,
		name: r.name,
		synonyms: jsonArray(r.synonyms),
		isMember: r.is_member === 1,
	}));
	const topics = (raw.prepare('SELECT slug, label, synonyms FROM topic ORDER BY sort').all() as any[]).map((r) => ({ slug: r.slug, label: r.label, synonyms: jsonArray(r.synonyms) }));
	const roles = (raw.prepare('SELECT slug, label, synonyms FROM role ORDER BY sort').all() as any[]).map((r) => ({ slug: r.slug, label: r.label, synonyms: jsonArray(r.synonyms) }));
	const ageGroups = (raw.prepare('SELECT slug, label, min_age, max_age, synonyms FROM age_group ORDER BY sort').all() as any[]).map((r) => ({
		slug: r.slug,
		label: r.label,
		minAge: r.min_age,
		maxAge: r.max_age,
		synonyms: jsonArray(r.synonyms),
	}));
	const terms = raw.prepare('SELECT term, kind, target FROM search_term ORDER BY id').all() as Array<{ term: string; kind: string; target: string }>;
	const organisations = raw.prepare('SELECT slug, name FROM organisation ORDER BY name').all() as Array<{ slug: string; name: string }>;
	const units = raw.prepare("SELECT o.slug || '/' || u.slug AS ref, u.name || ', ' || o.name AS name FROM unit u JOIN organisation o ON o.id = u.organisation_id ORDER BY o.name, u.name").all() as Array<{ ref: string; name: string }>;
	return { municipalities, topics, roles, ageGroups, terms, organisations, units };
}

/** A cheap fingerprint of the vocabularies: changes when an admin edits a synonym or a search term. */
export function thesaurusFingerprint(db: Db): string {
	const row = rawSqlite(db)
		.prepare(
			`SELECT (SELECT count(*) || ':' || coalesce(max(id),0) || ':' || coalesce(sum(length(term) + length(target)),0) FROM search_term)
				|| '|' || (SELECT coalesce(sum(length(synonyms) + length(label)),0) FROM topic)
				|| '|' || (SELECT coalesce(sum(length(synonyms) + length(label)),0) FROM role)
				|| '|' || (SELECT coalesce(sum(length(synonyms)),0) FROM age_group)
				|| '|' || (SELECT coalesce(sum(length(synonyms) + length(name)),0) || ':' || count(*) FROM municipality) AS f`,
		)
		.get() as { f: string };
	return row.f;
}

/** The newest audit id, read synchronously (this runs before every search). */
export function latestAuditIdSync(db: Db): number {
	const row = rawSqlite(db).prepare('SELECT max(id) AS id FROM audit_log').get() as { id: number | null };
	return row.id ?? 0;
}

/** Audit entries after an id: what changed since the index was built (`limit` + 1 rows at most). */
export function auditEntriesAfter(db: Db, afterId: number, limit: number, ignoreTypes: string[] = []): Array<{ id: number; entityType: string; entityId: number }> {
	const ignore = ignoreTypes.length ? `AND entity_type NOT IN (${ignoreTypes.map(() => '?').join(',')})` : '';
	return (rawSqlite(db).prepare(`SELECT id, entity_type, entity_id FROM audit_log WHERE id > ? ${ignore} ORDER BY id LIMIT ?`).all(afterId, ...ignoreTypes, limit + 1) as any[]).map((r) => ({
		id: r.id,
		entityType: r.entity_type,
		entityId: r.entity_id,
	}));
}

/**
 * Counts a search that found nothing (`zero`) or nothing certain (`low`). Only the query text is stored. The answer
 * never waits for this write: when another writer holds the lock, it is retried in the background (or, after a
 * long lock, not counted).
 */
export function logSearch(db: Db, query: string, outcome: 'zero' | 'low', resultCount: number): void {
	const now = new Date().toISOString();
	const statement = `INSERT INTO search_log (query, outcome, result_count, count, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?)
		ON CONFLICT (query, outcome) DO UPDATE SET count = count + 1, result_count = excluded.result_count, last_at = excluded.last_at`;
	const params = [query, outcome, resultCount, now, now];
	const raw = rawSqlite(db);
	void retryWhileBusy(() => raw.prepare(statement).run(...params), 5000).catch(() => {});
}

export interface SearchLogRow {
	query: string;
	outcome: 'zero' | 'low';
	resultCount: number;
	count: number;
	firstAt: string;
	lastAt: string;
}

/** Logged searches, most frequent first (for the admins improving the thesaurus). */
export function listSearchLog(db: Db, limit = 100): SearchLogRow[] {
	return (rawSqlite(db).prepare('SELECT * FROM search_log ORDER BY count DESC, last_at DESC LIMIT ?').all(limit) as any[]).map((r) => ({
		query: r.query,
		outcome: r.outcome,
		resultCount: r.result_count,
		count: r.count,
		firstAt: r.first_at,
		lastAt: r.last_at,
	}));
}

export interface SearchTermRow {
	id: number;
	term: string;
	kind: string;
	target: string;
	note: string;
}

export function listSearchTerms(db: Db): SearchTermRow[] {
	return rawSqlite(db).prepare('SELECT id, term, kind, target, note FROM search_term ORDER BY kind, term').all() as SearchTermRow[];
}

/** Adds a thesaurus term (admins); the index picks it up on its next fingerprint check. */
export async function insertSearchTerm(db: Executor, row: { term: string; kind: string; target: string; note?: string }): Promise<void> {
	await sql`INSERT INTO search_term (term, kind, target, note, created_at) VALUES (${row.term.trim()}, ${row.kind}, ${row.target.trim()}, ${row.note ?? ''}, ${new Date().toISOString()})
		ON CONFLICT (term, kind, target) DO NOTHING`.execute(db);
}

export async function deleteSearchTerm(db: Executor, id: number): Promise<void> {
	await sql`DELETE FROM search_term WHERE id = ${id}`.execute(db);
}

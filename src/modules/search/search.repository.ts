/**
 * Every query of the search module, on either engine (Kysely `sql` templates; search_log and search_term are
 * read the same way). The index reads people a page at a time, one statement a page with their tags, never one
 * per person: at 100,000 people the reading is ~0.5 s of a rebuild's CPU. Where an order can matter to the index,
 * it is by number or code, or sorted here: SQLite compares text bytewise, PostgreSQL by the database's collation.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { commaList, keysetPages, selectArrays, type Db } from '@db/client';
import type { Selectable } from 'kysely';
import type { AgeGroupTable, Database, MunicipalityTable, OrganisationRow, OrganisationType, PersonRow, PersonStatus, RoleTable, SearchLogTable, TopicTable, UnitRow, Visibility } from '@db/schema';
import { jsonArray } from '@/lib/text';
import type { ThesaurusRows } from './search.thesaurus';

type Executor = Kysely<Database> | Transaction<Database>;

async function all<T>(db: Executor, query: RawBuilder<unknown>): Promise<T[]> {
	return (await (query as RawBuilder<T>).execute(db)).rows;
}

/** Text order as SQLite's BINARY collation has it, on both engines. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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

/**
 * A person's own columns and their tags as comma-separated slugs, one row per person (unit, organisation and
 * municipality come from PeopleContext), read as arrays (selectArrays): at 100,000 people the row objects and the
 * three tag tables' 350,000 rows were a quarter of an index build. The column order is PERSON_COLUMNS'.
 */
const PERSON_COLUMNS = [
	'id', 'ref', 'first_name', 'last_name', 'title', 'unit_id', 'municipality_code', 'phone', 'mobile', 'email', 'phone_visibility', 'mobile_visibility',
	'email_visibility', 'hours', 'hours_schedule', 'note', 'key_person', 'status', 'successor_id', 'deputy_id', 'away_from', 'away_until', 'verified_at', 'created_at',
] as const;
const col = Object.fromEntries(PERSON_COLUMNS.map((c, i) => [c, i])) as Record<(typeof PERSON_COLUMNS)[number], number>;
const TOPICS = PERSON_COLUMNS.length;

function personSql(db: Db, where: RawBuilder<unknown>): RawBuilder<unknown> {
	const tags = (slug: string, table: string) => commaList(db, sql.ref(slug), sql`FROM ${sql.table(table)} t WHERE t.person_id = p.id`);
	return sql`SELECT ${sql.join(PERSON_COLUMNS.map((c) => sql.ref(`p.${c}`)))},
		${tags('topic_slug', 'person_topic')}, ${tags('role_slug', 'person_role')}, ${tags('age_group_slug', 'person_age_group')}
		FROM person p ${where}`;
}

type KeyValue = { k: number; v: string };

function groupBy(rows: KeyValue[]): Map<number, string[]> {
	const map = new Map<number, string[]>();
	for (const r of rows) {
		const list = map.get(r.k);
		if (list) list.push(r.v);
		else map.set(r.k, [r.v]);
	}
	return map;
}

const inList = (ids: readonly number[]) => sql`(${sql.join(ids)})`;

/** What a person's record takes from their unit and organisation. */
interface UnitContext {
	name: string;
	slug: string;
	aliases: string[];
	organisationName: string;
	organisationSlug: string;
	organisationType: OrganisationType;
	organisationMunicipalityCode: string | null;
	served: string[];
}

/**
 * The units (with their organisation and the municipalities they serve) and municipality names every person record
 * refers to, read once per rebuild or update: a few hundred rows instead of a join repeated per person, and one
 * string per unit name shared by all its people (issue 13: a rebuild at 100,000 people spent a third of its time
 * reading rows).
 */
export interface PeopleContext {
	units: Map<number, UnitContext>;
	municipalities: Map<string, string>;
}

export async function loadPeopleContext(db: Db): Promise<PeopleContext> {
	type UnitSqlRow = { id: number; name: string; slug: string; aliases: string; organisation_name: string; organisation_slug: string; organisation_type: OrganisationType; organisation_municipality_code: string | null };
	const [unitRows, served, municipalityRows] = await Promise.all([
		all<UnitSqlRow>(
			db,
			sql`SELECT u.id, u.name, u.slug, u.aliases, o.name AS organisation_name, o.slug AS organisation_slug, o.type AS organisation_type,
					o.municipality_code AS organisation_municipality_code
				FROM unit u JOIN organisation o ON o.id = u.organisation_id`,
		),
		loadServed(db),
		all<{ code: string; name: string }>(db, sql`SELECT code, name FROM municipality`),
	]);
	const units = new Map<number, UnitContext>();
	for (const u of unitRows)
		units.set(u.id, {
			name: u.name,
			slug: u.slug,
			aliases: jsonArray(u.aliases),
			organisationName: u.organisation_name,
			organisationSlug: u.organisation_slug,
			organisationType: u.organisation_type,
			organisationMunicipalityCode: u.organisation_municipality_code,
			served: served.get(u.id) ?? [],
		});
	return { units, municipalities: new Map(municipalityRows.map((m) => [m.code, m.name])) };
}

/** People with their tags; all of them, or only the given ids. */
export async function loadPeople(db: Db, ids?: number[]): Promise<PersonRecord[]> {
	if (ids && ids.length === 0) return [];
	const rows = await selectArrays(db, personSql(db, ids ? sql`WHERE p.id IN ${inList(ids)}` : sql``));
	return toRecords(rows, await loadPeopleContext(db));
}

/** The ids of the people of some units (an edited unit or organisation is re-indexed with its people). */
export async function personIdsOfUnits(db: Db, unitIds: number[]): Promise<number[]> {
	if (unitIds.length === 0) return [];
	return (await all<{ id: number }>(db, sql`SELECT id FROM person WHERE unit_id IN ${inList(unitIds)}`)).map((r) => r.id);
}

/** Municipalities each unit serves. */
export async function loadServed(db: Db): Promise<Map<number, string[]>> {
	return groupBy(await all<KeyValue>(db, sql`SELECT unit_id AS k, municipality_code AS v FROM unit_municipality ORDER BY unit_id, municipality_code`));
}

/**
 * Every person, page by page in id order (keyset paging, keysetPages): a rebuild reads the table in short
 * statements so it can yield to requests between pages, and never holds a statement open across a yield.
 */
export async function* loadPeoplePages(db: Db, pageSize: number, context: PeopleContext): AsyncGenerator<PersonRecord[]> {
	for await (const rows of keysetPages(db, (after, limit) => personSql(db, sql`WHERE p.id > ${after} ORDER BY p.id LIMIT ${limit}`), { limit: pageSize })) yield toRecords(rows, context);
}

/** Slugs from a comma list, sorted bytewise (the same order on both engines). */
const slugs = (list: unknown): string[] => (typeof list === 'string' && list ? list.split(',').sort() : []);

function toRecords(rows: unknown[][], context: PeopleContext): PersonRecord[] {
	const out: PersonRecord[] = [];
	for (const r of rows) {
		// Every person has a unit (a foreign key); one created after the context was read waits for the next read.
		const u = context.units.get(r[col.unit_id] as number);
		if (!u) continue;
		const municipalityCode = r[col.municipality_code] as string | null;
		out.push({
			id: r[col.id] as number,
			ref: r[col.ref] as string,
			firstName: r[col.first_name] as string,
			lastName: r[col.last_name] as string,
			title: r[col.title] as string,
			unitId: r[col.unit_id] as number,
			unitName: u.name,
			unitSlug: u.slug,
			unitAliases: u.aliases,
			organisationName: u.organisationName,
			organisationSlug: u.organisationSlug,
			organisationType: u.organisationType,
			organisationMunicipalityCode: u.organisationMunicipalityCode,
			municipalityCode,
			municipalityName: municipalityCode === null ? null : (context.municipalities.get(municipalityCode) ?? null),
			phone: r[col.phone] as string | null,
			mobile: r[col.mobile] as string | null,
			email: r[col.email] as string | null,
			phoneVisibility: r[col.phone_visibility] as Visibility,
			mobileVisibility: r[col.mobile_visibility] as Visibility,
			emailVisibility: r[col.email_visibility] as Visibility,
			hours: r[col.hours] as string,
			hoursSchedule: (r[col.hours_schedule] as string | null) ?? null,
			note: r[col.note] as string,
			keyPerson: Number(r[col.key_person]) === 1,
			status: r[col.status] as PersonStatus,
			successorId: r[col.successor_id] as number | null,
			deputyId: r[col.deputy_id] as number | null,
			awayFrom: r[col.away_from] as string | null,
			awayUntil: r[col.away_until] as string | null,
			verifiedAt: r[col.verified_at] as string | null,
			createdAt: r[col.created_at] as string,
			topics: slugs(r[TOPICS]),
			roles: slugs(r[TOPICS + 1]),
			ageGroups: slugs(r[TOPICS + 2]),
			servedMunicipalities: u.served,
		});
	}
	return out;
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

export async function loadUnits(db: Db, ids?: number[]): Promise<UnitRecord[]> {
	if (ids && ids.length === 0) return [];
	const served = await loadServed(db);
	// count(*) is a number on SQLite and a bigint string on PostgreSQL.
	type Row = Pick<UnitRow, 'id' | 'slug' | 'name' | 'aliases' | 'description'> & { organisation_name: string; organisation_slug: string; organisation_type: OrganisationType; municipality_code: string | null; people: number | string };
	const rows = await all<Row>(
		db,
		sql`SELECT u.id, u.slug, u.name, u.aliases, u.description, o.name AS organisation_name, o.slug AS organisation_slug,
				o.type AS organisation_type, o.municipality_code,
				(SELECT count(*) FROM person p WHERE p.unit_id = u.id AND p.status = 'active') AS people
			FROM unit u JOIN organisation o ON o.id = u.organisation_id${ids ? sql` WHERE u.id IN ${inList(ids)}` : sql``} ORDER BY u.id`,
	);
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
		people: Number(r.people),
	}));
}

export async function unitIdsOfOrganisations(db: Db, organisationIds: number[]): Promise<number[]> {
	if (organisationIds.length === 0) return [];
	return (await all<{ id: number }>(db, sql`SELECT id FROM unit WHERE organisation_id IN ${inList(organisationIds)} ORDER BY id`)).map((r) => r.id);
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

export async function loadOrganisations(db: Db): Promise<OrganisationRecord[]> {
	const rows = await all<Pick<OrganisationRow, 'id' | 'slug' | 'name' | 'type' | 'municipality_code' | 'description'> & { municipality_name: string | null }>(
		db,
		sql`SELECT o.id, o.slug, o.name, o.type, o.municipality_code, o.description, m.name AS municipality_name
			FROM organisation o LEFT JOIN municipality m ON m.code = o.municipality_code ORDER BY o.id`,
	);
	return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, type: r.type, municipalityCode: r.municipality_code, municipalityName: r.municipality_name, description: r.description }));
}

/** The vocabularies the thesaurus is built from. */
export async function loadThesaurusRows(db: Db): Promise<ThesaurusRows> {
	const [municipalityRows, topicRows, roleRows, ageRows, terms, organisations, units] = await Promise.all([
		all<Pick<Selectable<MunicipalityTable>, 'code' | 'name' | 'synonyms' | 'is_member'>>(db, sql`SELECT code, name, synonyms, is_member FROM municipality ORDER BY code`),
		all<Pick<Selectable<TopicTable>, 'slug' | 'label' | 'synonyms'>>(db, sql`SELECT slug, label, synonyms FROM topic ORDER BY sort, slug`),
		all<Pick<Selectable<RoleTable>, 'slug' | 'label' | 'synonyms'>>(db, sql`SELECT slug, label, synonyms FROM role ORDER BY sort, slug`),
		all<Pick<Selectable<AgeGroupTable>, 'slug' | 'label' | 'min_age' | 'max_age' | 'synonyms'>>(db, sql`SELECT slug, label, min_age, max_age, synonyms FROM age_group ORDER BY sort, slug`),
		all<{ term: string; kind: string; target: string }>(db, sql`SELECT term, kind, target FROM search_term ORDER BY id`),
		all<{ slug: string; name: string }>(db, sql`SELECT slug, name FROM organisation`),
		all<{ ref: string; name: string; o: string; u: string }>(
			db,
			sql`SELECT o.slug || '/' || u.slug AS ref, u.name || ', ' || o.name AS name, o.name AS o, u.name AS u FROM unit u JOIN organisation o ON o.id = u.organisation_id`,
		),
	]);
	return {
		municipalities: municipalityRows.map((r) => ({ code: r.code, name: r.name, synonyms: jsonArray(r.synonyms), isMember: Number(r.is_member) === 1 })),
		topics: topicRows.map((r) => ({ slug: r.slug, label: r.label, synonyms: jsonArray(r.synonyms) })),
		roles: roleRows.map((r) => ({ slug: r.slug, label: r.label, synonyms: jsonArray(r.synonyms) })),
		ageGroups: ageRows.map((r) => ({ slug: r.slug, label: r.label, minAge: Number(r.min_age), maxAge: Number(r.max_age), synonyms: jsonArray(r.synonyms) })),
		terms,
		organisations: organisations.sort((a, b) => byText(a.name, b.name) || byText(a.slug, b.slug)),
		units: units.sort((a, b) => byText(a.o, b.o) || byText(a.u, b.u) || byText(a.ref, b.ref)).map(({ ref, name }) => ({ ref, name })),
	};
}

/** A cheap fingerprint of the vocabularies: changes when an admin edits a synonym or a search term. */
export async function thesaurusFingerprint(db: Db): Promise<string> {
	const [row] = await all<Record<string, number | null>>(
		db,
		sql`SELECT (SELECT count(*) FROM search_term) AS terms, (SELECT max(id) FROM search_term) AS term_max,
				(SELECT sum(length(term) + length(target)) FROM search_term) AS term_chars,
				(SELECT sum(length(synonyms) + length(label)) FROM topic) AS topics,
				(SELECT sum(length(synonyms) + length(label)) FROM role) AS roles,
				(SELECT sum(length(synonyms)) FROM age_group) AS ages,
				(SELECT sum(length(synonyms) + length(name)) FROM municipality) AS municipalities,
				(SELECT count(*) FROM municipality) AS municipality_count`,
	);
	return Object.values(row).map((v) => Number(v ?? 0)).join(':');
}

/** Audit entries after an id: what changed since the index was built (`limit` + 1 rows at most). */
export async function auditEntriesAfter(db: Db, afterId: number, limit: number, ignoreTypes: string[] = []): Promise<Array<{ id: number; entityType: string; entityId: number }>> {
	const ignore = ignoreTypes.length ? sql` AND entity_type NOT IN (${sql.join(ignoreTypes)})` : sql``;
	const rows = await all<{ id: number; entity_type: string; entity_id: number }>(
		db,
		sql`SELECT id, entity_type, entity_id FROM audit_log WHERE id > ${afterId}${ignore} ORDER BY id LIMIT ${limit + 1}`,
	);
	return rows.map((r) => ({ id: Number(r.id), entityType: r.entity_type, entityId: Number(r.entity_id) }));
}

/**
 * Counts a search that found nothing (`zero`) or nothing certain (`low`). Only the query text is stored. The answer
 * never waits for this write (the caller does not await it): on SQLite a write that meets another writer's lock
 * is retried in the background by the driver (or, after a long lock, not counted). Never rejects.
 */
export async function logSearch(db: Db, query: string, outcome: 'zero' | 'low', resultCount: number): Promise<void> {
	const now = new Date().toISOString();
	try {
		await sql`INSERT INTO search_log (query, outcome, result_count, count, first_at, last_at) VALUES (${query}, ${outcome}, ${resultCount}, 1, ${now}, ${now})
			ON CONFLICT (query, outcome) DO UPDATE SET count = search_log.count + 1, result_count = excluded.result_count, last_at = excluded.last_at`.execute(db);
	} catch {
		/* counting must never break a search */
	}
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
export async function listSearchLog(db: Db, limit = 100): Promise<SearchLogRow[]> {
	const rows = await all<Omit<Selectable<SearchLogTable>, 'id'>>(db, sql`SELECT query, outcome, result_count, count, first_at, last_at FROM search_log ORDER BY count DESC, last_at DESC, query LIMIT ${limit}`);
	return rows.map((r) => ({
		query: r.query,
		outcome: r.outcome,
		resultCount: Number(r.result_count),
		count: Number(r.count),
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

/** Every thesaurus term, by kind and term (bytewise, as SQLite sorts, on both engines). */
export async function listSearchTerms(db: Db): Promise<SearchTermRow[]> {
	const rows = await all<SearchTermRow>(db, sql`SELECT id, term, kind, target, note FROM search_term`);
	return rows.sort((a, b) => byText(a.kind, b.kind) || byText(a.term, b.term) || a.id - b.id);
}

/** Adds a thesaurus term (admins); the index picks it up on its next fingerprint check. */
export async function insertSearchTerm(db: Executor, row: { term: string; kind: string; target: string; note?: string }): Promise<void> {
	await sql`INSERT INTO search_term (term, kind, target, note, created_at) VALUES (${row.term.trim()}, ${row.kind}, ${row.target.trim()}, ${row.note ?? ''}, ${new Date().toISOString()})
		ON CONFLICT (term, kind, target) DO NOTHING`.execute(db);
}

export async function deleteSearchTerm(db: Executor, id: number): Promise<void> {
	await sql`DELETE FROM search_term WHERE id = ${id}`.execute(db);
}

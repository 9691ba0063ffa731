import type { Kysely, Transaction } from 'kysely';
import type { Database, OrganisationRow } from '@db/schema';
import { jsonArray } from '@/lib/text';
import type { Municipality, Organisation, Person, PersonLink, ReferenceItem, Unit, UnitContact } from './directory.types';

type Executor = Kysely<Database> | Transaction<Database>;

// ---------- reference data ----------

export async function listMunicipalities(db: Executor, opts: { membersOnly?: boolean } = {}): Promise<Municipality[]> {
	let q = db.selectFrom('municipality').selectAll().orderBy('name');
	if (opts.membersOnly) q = q.where('is_member', '=', 1);
	const rows = await q.execute();
	return rows.map((r) => ({ code: r.code, name: r.name, slug: r.slug, synonyms: jsonArray(r.synonyms), isMember: r.is_member === 1 }));
}

export async function findMunicipality(db: Executor, slugOrCode: string): Promise<Municipality | undefined> {
	const r = await db
		.selectFrom('municipality')
		.selectAll()
		.where((eb) => eb.or([eb('slug', '=', slugOrCode), eb('code', '=', slugOrCode)]))
		.executeTakeFirst();
	return r && { code: r.code, name: r.name, slug: r.slug, synonyms: jsonArray(r.synonyms), isMember: r.is_member === 1 };
}

export async function listTopics(db: Executor): Promise<ReferenceItem[]> {
	const rows = await db.selectFrom('topic').selectAll().orderBy('sort').execute();
	return rows.map((r) => ({ slug: r.slug, label: r.label, description: r.description, synonyms: jsonArray(r.synonyms) }));
}

export async function listRoles(db: Executor): Promise<(ReferenceItem & { isSituation: boolean })[]> {
	const rows = await db.selectFrom('role').selectAll().orderBy('sort').execute();
	return rows.map((r) => ({ slug: r.slug, label: r.label, description: r.description, synonyms: jsonArray(r.synonyms), isSituation: r.is_situation === 1 }));
}

export async function listAgeGroups(db: Executor): Promise<(ReferenceItem & { minAge: number; maxAge: number })[]> {
	const rows = await db.selectFrom('age_group').selectAll().orderBy('sort').execute();
	return rows.map((r) => ({ slug: r.slug, label: r.label, description: '', synonyms: jsonArray(r.synonyms), minAge: r.min_age, maxAge: r.max_age }));
}

/** Slug → Danish label for topics, roles and age groups in one object (for rendering tags). */
export async function referenceLabels(db: Executor) {
	const [topics, roles, ages] = await Promise.all([listTopics(db), listRoles(db), listAgeGroups(db)]);
	return {
		topic: Object.fromEntries(topics.map((t) => [t.slug, t.label])) as Record<string, string>,
		role: Object.fromEntries(roles.map((t) => [t.slug, t.label])) as Record<string, string>,
		ageGroup: Object.fromEntries(ages.map((t) => [t.slug, t.label])) as Record<string, string>,
	};
}

// ---------- organisations and units ----------

function toOrganisation(r: OrganisationRow): Organisation {
	return {
		id: r.id,
		slug: r.slug,
		name: r.name,
		type: r.type,
		municipalityCode: r.municipality_code,
		description: r.description,
		website: r.website,
		phone: r.phone,
		email: r.email,
		emailDomains: jsonArray(r.email_domains),
	};
}

export async function listOrganisations(db: Executor): Promise<Organisation[]> {
	const rows = await db.selectFrom('organisation').selectAll().orderBy('type').orderBy('name').execute();
	return rows.map((r) => toOrganisation(r));
}

export async function findOrganisationBySlug(db: Executor, slug: string): Promise<Organisation | undefined> {
	const r = await db.selectFrom('organisation').selectAll().where('slug', '=', slug).executeTakeFirst();
	return r && toOrganisation(r);
}

export async function findOrganisationByName(db: Executor, name: string): Promise<Organisation | undefined> {
	const r = await db.selectFrom('organisation').selectAll().where('name', '=', name).executeTakeFirst();
	return r && toOrganisation(r);
}

export async function findOrganisationById(db: Executor, id: number): Promise<Organisation | undefined> {
	const r = await db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
	return r && toOrganisation(r);
}

const unitColumns = [
	'unit.id',
	'unit.organisation_id',
	'unit.slug',
	'unit.name',
	'unit.aliases',
	'unit.description',
	'unit.address',
	'unit.postcode',
	'unit.town',
	'organisation.slug as organisation_slug',
	'organisation.name as organisation_name',
	'organisation.type as organisation_type',
	'organisation.municipality_code as organisation_municipality_code',
] as const;

/** A unit row joined with its organisation (the columns of `unitColumns`). */
type UnitJoinRow = Awaited<ReturnType<ReturnType<typeof unitQuery>['executeTakeFirstOrThrow']>>;
const unitQuery = (db: Executor) => db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(unitColumns);

async function withMunicipalities(db: Executor, rows: UnitJoinRow[]): Promise<Unit[]> {
	if (rows.length === 0) return [];
	const served = await db
		.selectFrom('unit_municipality')
		.select(['unit_id', 'municipality_code'])
		.where('unit_id', 'in', rows.map((r) => r.id))
		.execute();
	return rows.map((r) => {
		const listed = served.filter((s) => s.unit_id === r.id).map((s) => s.municipality_code);
		const own = r.organisation_municipality_code ? [r.organisation_municipality_code] : [];
		return {
			id: r.id,
			organisationId: r.organisation_id,
			organisationSlug: r.organisation_slug,
			organisationName: r.organisation_name,
			organisationType: r.organisation_type,
			slug: r.slug,
			name: r.name,
			aliases: jsonArray(r.aliases),
			description: r.description,
			address: r.address,
			postcode: r.postcode,
			town: r.town,
			municipalityCodes: [...new Set([...own, ...listed])],
		};
	});
}

export async function listUnits(db: Executor, filter: { organisationId?: number } = {}): Promise<Unit[]> {
	let q = unitQuery(db).orderBy('organisation.name').orderBy('unit.name');
	if (filter.organisationId !== undefined) q = q.where('unit.organisation_id', '=', filter.organisationId);
	return withMunicipalities(db, await q.execute());
}

export async function findUnit(db: Executor, organisationSlug: string, unitSlug: string): Promise<Unit | undefined> {
	const row = await unitQuery(db)
		.where('organisation.slug', '=', organisationSlug)
		.where('unit.slug', '=', unitSlug)
		.executeTakeFirst();
	return row ? (await withMunicipalities(db, [row]))[0] : undefined;
}

export async function findUnitById(db: Executor, id: number): Promise<Unit | undefined> {
	const row = await unitQuery(db).where('unit.id', '=', id).executeTakeFirst();
	return row ? (await withMunicipalities(db, [row]))[0] : undefined;
}

export async function listUnitContacts(db: Executor, unitIds: number[]): Promise<UnitContact[]> {
	if (unitIds.length === 0) return [];
	const rows = await db.selectFrom('unit_contact').selectAll().where('unit_id', 'in', unitIds).orderBy('label').execute();
	return rows.map((r) => ({ id: r.id, unitId: r.unit_id, label: r.label, phone: r.phone, email: r.email, hours: r.hours, hoursSchedule: r.hours_schedule ?? null, note: r.note }));
}

// ---------- people ----------

const personColumns = [
	'person.id',
	'person.ref',
	'person.first_name',
	'person.last_name',
	'person.title',
	'person.unit_id',
	'person.municipality_code',
	'person.phone',
	'person.mobile',
	'person.email',
	'person.hours',
	'person.hours_schedule',
	'person.note',
	'person.key_person',
	'person.status',
	'person.successor_id',
	'person.deputy_id',
	'person.away_from',
	'person.away_until',
	'person.left_at',
	'person.phone_visibility',
	'person.mobile_visibility',
	'person.email_visibility',
	'person.verified_at',
	'person.needs_attention',
	'person.created_at',
	'person.updated_at',
	'unit.name as unit_name',
	'unit.slug as unit_slug',
	'organisation.id as organisation_id',
	'organisation.name as organisation_name',
	'organisation.slug as organisation_slug',
	'organisation.type as organisation_type',
	'municipality.name as municipality_name',
] as const;

function peopleQuery(db: Executor) {
	return db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.leftJoin('municipality', 'municipality.code', 'person.municipality_code')
		.select(personColumns);
}

/** A person row joined with unit, organisation and municipality (the columns of `personColumns`). */
export type PersonJoinRow = Awaited<ReturnType<ReturnType<typeof peopleQuery>['executeTakeFirstOrThrow']>>;

/** Loads the tag slugs of many people in three queries (not 3×N). */
async function attachTags(db: Executor, rows: PersonJoinRow[]): Promise<Person[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const byPerson = <T extends { person_id: number }>(list: T[], key: keyof T) => {
		const map = new Map<number, string[]>();
		for (const item of list) {
			const arr = map.get(item.person_id) ?? [];
			arr.push(String(item[key]));
			map.set(item.person_id, arr);
		}
		return map;
	};
	// SQLite limits bound parameters; chunk large id lists.
	const chunks: number[][] = [];
	for (let i = 0; i < ids.length; i += 900) chunks.push(ids.slice(i, i + 900));
	const topics = [], roles = [], ages = [];
	for (const chunk of chunks) {
		topics.push(...(await db.selectFrom('person_topic').selectAll().where('person_id', 'in', chunk).execute()));
		roles.push(...(await db.selectFrom('person_role').selectAll().where('person_id', 'in', chunk).execute()));
		ages.push(...(await db.selectFrom('person_age_group').selectAll().where('person_id', 'in', chunk).execute()));
	}
	const t = byPerson(topics, 'topic_slug');
	const r = byPerson(roles, 'role_slug');
	const a = byPerson(ages, 'age_group_slug');
	return rows.map((row) => toPerson(row, t.get(row.id) ?? [], r.get(row.id) ?? [], a.get(row.id) ?? []));
}

/** The one mapping of a person row to the domain Person (every Person the directory hands out comes through here). */
export function toPerson(r: PersonJoinRow, topics: string[], roles: string[], ageGroups: string[]): Person {
	return {
		id: r.id,
		ref: r.ref,
		firstName: r.first_name,
		lastName: r.last_name,
		name: `${r.first_name} ${r.last_name}`.trim(),
		title: r.title,
		unitId: r.unit_id,
		unitName: r.unit_name,
		unitSlug: r.unit_slug,
		organisationId: r.organisation_id,
		organisationName: r.organisation_name,
		organisationSlug: r.organisation_slug,
		organisationType: r.organisation_type,
		municipalityCode: r.municipality_code,
		municipalityName: r.municipality_name ?? null,
		phone: r.phone,
		mobile: r.mobile,
		email: r.email,
		hours: r.hours,
		hoursSchedule: r.hours_schedule ?? null,
		note: r.note,
		keyPerson: r.key_person === 1,
		status: r.status,
		successorId: r.successor_id,
		deputyId: r.deputy_id,
		awayFrom: r.away_from,
		awayUntil: r.away_until,
		leftAt: r.left_at,
		phoneVisibility: r.phone_visibility,
		mobileVisibility: r.mobile_visibility,
		emailVisibility: r.email_visibility,
		verifiedAt: r.verified_at,
		needsAttention: r.needs_attention,
		createdAt: r.created_at,
		updatedAt: r.updated_at,
		topics: topics.sort(),
		roles: roles.sort(),
		ageGroups: ageGroups.sort(),
	};
}

export async function findPersonByRef(db: Executor, ref: string): Promise<Person | undefined> {
	const row = await peopleQuery(db).where('person.ref', '=', ref).executeTakeFirst();
	return row ? (await attachTags(db, [row]))[0] : undefined;
}

export async function findPersonById(db: Executor, id: number): Promise<Person | undefined> {
	const row = await peopleQuery(db).where('person.id', '=', id).executeTakeFirst();
	return row ? (await attachTags(db, [row]))[0] : undefined;
}

export interface PeopleFilter {
	unitIds?: number[];
	organisationId?: number;
	municipalityCode?: string;
	topic?: string;
	status?: 'active' | 'left';
	ids?: number[];
	/** Any of these routing roles (knowledge pathways' contact blocks). */
	roles?: string[];
	/** One page of the list, in its order (the unit page at 100,000 people: ~900 in one unit). */
	limit?: number;
	offset?: number;
}

/** People matching a filter, key persons first, then by name. */
export async function listPeople(db: Executor, filter: PeopleFilter = {}): Promise<Person[]> {
	let q = peopleQuery(db);
	if (filter.unitIds) {
		if (filter.unitIds.length === 0) return [];
		q = q.where('person.unit_id', 'in', filter.unitIds);
	}
	if (filter.ids) {
		if (filter.ids.length === 0) return [];
		q = q.where('person.id', 'in', filter.ids);
	}
	if (filter.organisationId !== undefined) q = q.where('organisation.id', '=', filter.organisationId);
	if (filter.municipalityCode) q = q.where('person.municipality_code', '=', filter.municipalityCode);
	if (filter.status) q = q.where('person.status', '=', filter.status);
	if (filter.roles) {
		if (filter.roles.length === 0) return [];
		const roles = filter.roles;
		q = q.where('person.id', 'in', (eb) => eb.selectFrom('person_role').select('person_id').where('role_slug', 'in', roles));
	}
	if (filter.topic) {
		const topic = filter.topic;
		q = q.where('person.id', 'in', (eb) => eb.selectFrom('person_topic').select('person_id').where('topic_slug', '=', topic));
	}
	// The id last: a total order, so pages of the list (limit/offset) neither repeat nor skip anyone.
	q = q.orderBy('person.key_person', 'desc').orderBy('person.first_name').orderBy('person.last_name').orderBy('person.id');
	if (filter.limit !== undefined) q = q.limit(filter.limit).offset(filter.offset ?? 0);
	const rows = await q.execute();
	return attachTags(db, rows);
}

export async function findPersonLink(db: Executor, id: number | null): Promise<PersonLink | undefined> {
	if (id === null) return undefined;
	const r = await db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select(['person.id', 'person.ref', 'person.first_name', 'person.last_name', 'person.title', 'person.status', 'unit.name as unit_name', 'organisation.name as organisation_name'])
		.where('person.id', '=', id)
		.executeTakeFirst();
	return r && { id: r.id, ref: r.ref, name: `${r.first_name} ${r.last_name}`, title: r.title, status: r.status, unitName: r.unit_name, organisationName: r.organisation_name };
}

/**
 * Follows the successor chain from someone who left to the person who holds the job now
 * (A left → B left → C active gives C). Stops on cycles; undefined when the chain ends in a vacancy.
 */
export async function resolveCurrentSuccessor(db: Executor, personId: number): Promise<PersonLink | undefined> {
	const seen = new Set<number>();
	let current = await findPersonLink(db, personId);
	let successorId = (await db.selectFrom('person').select('successor_id').where('id', '=', personId).executeTakeFirst())?.successor_id ?? null;
	while (current && current.status === 'left' && successorId !== null && !seen.has(successorId)) {
		seen.add(current.id);
		current = await findPersonLink(db, successorId);
		successorId = (await db.selectFrom('person').select('successor_id').where('id', '=', successorId).executeTakeFirst())?.successor_id ?? null;
	}
	return current && current.status === 'active' && current.id !== personId ? current : undefined;
}

/** People who left and named this person as successor ("overtaget fra"). */
export async function listPredecessors(db: Executor, personId: number): Promise<PersonLink[]> {
	const rows = await db.selectFrom('person').select('id').where('successor_id', '=', personId).where('status', '=', 'left').execute();
	const links = await Promise.all(rows.map((r) => findPersonLink(db, r.id)));
	return links.filter((l): l is PersonLink => !!l);
}

export async function countPeople(db: Executor): Promise<{ active: number; left: number }> {
	const rows = await db.selectFrom('person').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
	return {
		active: Number(rows.find((r) => r.status === 'active')?.n ?? 0),
		left: Number(rows.find((r) => r.status === 'left')?.n ?? 0),
	};
}

// ---------- browse pages (appended by the pages work) ----------

export async function findTopic(db: Executor, slug: string): Promise<ReferenceItem | undefined> {
	const r = await db.selectFrom('topic').selectAll().where('slug', '=', slug).executeTakeFirst();
	return r && { slug: r.slug, label: r.label, description: r.description, synonyms: jsonArray(r.synonyms) };
}

/** Active people per topic slug, in one grouped query. */
export async function countActivePeopleByTopic(db: Executor): Promise<Map<string, number>> {
	const rows = await db
		.selectFrom('person_topic')
		.innerJoin('person', 'person.id', 'person_topic.person_id')
		.select(['person_topic.topic_slug as slug', (eb) => eb.fn.countAll<number>().as('n')])
		.where('person.status', '=', 'active')
		.groupBy('person_topic.topic_slug')
		.execute();
	return new Map(rows.map((r) => [r.slug, Number(r.n)]));
}

/** Active people per unit id (all units), in one grouped query. */
/** Active people of one unit, and how many of them are key persons (one query). */
export async function countActivePeopleInUnit(db: Executor, unitId: number): Promise<{ total: number; keyPeople: number }> {
	const row = await db
		.selectFrom('person')
		.select([(eb) => eb.fn.countAll<number>().as('total'), (eb) => eb.fn.sum<number>(eb.case().when('key_person', '=', 1).then(1).else(0).end()).as('keys')])
		.where('unit_id', '=', unitId)
		.where('status', '=', 'active')
		.executeTakeFirstOrThrow();
	return { total: Number(row.total), keyPeople: Number(row.keys ?? 0) };
}

export async function countActivePeopleByUnit(db: Executor): Promise<Map<number, number>> {
	const rows = await db
		.selectFrom('person')
		.select(['unit_id', (eb) => eb.fn.countAll<number>().as('n')])
		.where('status', '=', 'active')
		.groupBy('unit_id')
		.execute();
	return new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
}

/** Every person's ref by id for the given ids (successor and deputy links on lists), in one query. */
export async function listPersonLinks(db: Executor, ids: number[]): Promise<Map<number, PersonLink>> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return new Map();
	const out = new Map<number, PersonLink>();
	for (let i = 0; i < unique.length; i += 900) {
		const rows = await db
			.selectFrom('person')
			.innerJoin('unit', 'unit.id', 'person.unit_id')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.select(['person.id', 'person.ref', 'person.first_name', 'person.last_name', 'person.title', 'person.status', 'unit.name as unit_name', 'organisation.name as organisation_name'])
			.where('person.id', 'in', unique.slice(i, i + 900))
			.execute();
		for (const r of rows)
			out.set(r.id, { id: r.id, ref: r.ref, name: `${r.first_name} ${r.last_name}`, title: r.title, status: r.status, unitName: r.unit_name, organisationName: r.organisation_name });
	}
	return out;
}

/**
 * Units shown on a municipality's page: its kommune's own units, units that list the municipality, and
 * region/volunteer units that list no municipality at all — those serve the whole network (an import
 * from CSV carries no service areas, and a regional unit serves every member municipality).
 */
export async function listUnitsForMunicipality(db: Executor, municipalityCode: string): Promise<Unit[]> {
	const rows = await db
		.selectFrom('unit')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select(unitColumns)
		.where((eb) =>
			eb.or([
				eb('organisation.municipality_code', '=', municipalityCode),
				eb('unit.id', 'in', eb.selectFrom('unit_municipality').select('unit_id').where('municipality_code', '=', municipalityCode)),
				eb.and([
					eb('organisation.type', '!=', 'kommune'),
					eb('organisation.municipality_code', 'is', null),
					eb('unit.id', 'not in', eb.selectFrom('unit_municipality').select('unit_id')),
				]),
			]),
		)
		.orderBy('organisation.type')
		.orderBy('organisation.name')
		.orderBy('unit.name')
		.execute();
	return withMunicipalities(db, rows);
}

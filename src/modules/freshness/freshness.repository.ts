/** Every query of the freshness loop (tables of migration 0006, typed in db/schema.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '@db/client';
import type { Database } from '@db/schema';
import type { FreshnessSubject } from './freshness.rules';

/** The loop's steps run on the database or inside a step's transaction. */
export type FExecutor = Kysely<Database> | Transaction<Database>;

export interface LoopPerson extends FreshnessSubject {
	ref: string;
	firstName: string;
	lastName: string;
	title: string;
	email: string | null;
	phone: string | null;
	mobile: string | null;
	hours: string;
	needsAttention: string | null;
	unitId: number;
	unitName: string;
	organisationId: number;
	organisationName: string;
	/** The person's municipality, or their organisation's (null for region and volunteer people). */
	municipalityCode: string | null;
}

/** Active people with what the loop and the dashboard need (roles included). */
export async function listLoopPeople(db: FExecutor, filter: { personIds?: number[]; unitIds?: number[]; organisationIds?: number[] } = {}): Promise<LoopPerson[]> {
	let query = db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select([
			'person.id', 'person.ref', 'person.first_name', 'person.last_name', 'person.title', 'person.email', 'person.phone', 'person.mobile',
			'person.hours', 'person.verified_at', 'person.created_at', 'person.key_person', 'person.needs_attention', 'person.unit_id',
			'unit.name as unit_name', 'unit.organisation_id', 'organisation.name as organisation_name',
			'person.municipality_code', 'organisation.municipality_code as organisation_municipality_code',
		])
		.where('person.status', '=', 'active');
	if (filter.personIds) query = query.where('person.id', 'in', filter.personIds.length ? filter.personIds : [-1]);
	if (filter.unitIds || filter.organisationIds) {
		const units = filter.unitIds ?? [];
		const orgs = filter.organisationIds ?? [];
		query = query.where((eb) => eb.or([eb('person.unit_id', 'in', units.length ? units : [-1]), eb('unit.organisation_id', 'in', orgs.length ? orgs : [-1])]));
	}
	const rows = await query.orderBy('person.id').execute();
	const roles = await db.selectFrom('person_role').select(['person_id', 'role_slug']).execute();
	const rolesOf = new Map<number, string[]>();
	for (const r of roles) rolesOf.set(r.person_id, [...(rolesOf.get(r.person_id) ?? []), r.role_slug]);
	return rows.map((r) => ({
		id: r.id,
		ref: r.ref,
		firstName: r.first_name,
		lastName: r.last_name,
		title: r.title,
		email: r.email,
		phone: r.phone,
		mobile: r.mobile,
		hours: r.hours,
		verifiedAt: r.verified_at,
		createdAt: r.created_at,
		keyPerson: r.key_person === 1,
		roles: rolesOf.get(r.id) ?? [],
		needsAttention: r.needs_attention,
		unitId: r.unit_id,
		unitName: r.unit_name,
		organisationId: r.organisation_id,
		organisationName: r.organisation_name,
		municipalityCode: r.municipality_code ?? r.organisation_municipality_code,
	}));
}

export type RequestRow = Awaited<ReturnType<typeof listRequests>>[number];

export async function listRequests(db: FExecutor, personIds?: number[]) {
	let query = db.selectFrom('freshness_request').selectAll();
	if (personIds) query = query.where('person_id', 'in', personIds.length ? personIds : [-1]);
	return query.orderBy('id').execute();
}

export async function findRequest(db: FExecutor, id: number) {
	return db.selectFrom('freshness_request').selectAll().where('id', '=', id).executeTakeFirst();
}

/** First requests made since `since` (the daily cap). */
export async function countRequestsSince(db: FExecutor, since: string): Promise<number> {
	const row = await db.selectFrom('freshness_request').select((eb) => eb.fn.countAll<number>().as('n')).where('requested_at', '>=', since).executeTakeFirst();
	return Number(row?.n ?? 0);
}

/**
 * Who is asked when a person does not answer: active users scoped to the person's unit or organisation
 * (not the person themselves); when there are none, the network admins.
 */
export async function listEscalationRecipients(db: FExecutor, person: { id: number; unitId: number; organisationId: number }): Promise<{ id: number; email: string }[]> {
	const editors = await db
		.selectFrom('user')
		.innerJoin('user_scope', 'user_scope.user_id', 'user.id')
		.select(['user.id', 'user.email'])
		.distinct()
		.where('user.status', '=', 'active')
		.where((eb) => eb.or([eb('user_scope.unit_id', '=', person.unitId), eb('user_scope.organisation_id', '=', person.organisationId)]))
		.where((eb) => eb.or([eb('user.person_id', 'is', null), eb('user.person_id', '!=', person.id)]))
		.orderBy('user.id')
		.execute();
	if (editors.length) return editors;
	return db.selectFrom('user').select(['id', 'email']).where('role', '=', 'admin').where('status', '=', 'active').orderBy('id').execute();
}

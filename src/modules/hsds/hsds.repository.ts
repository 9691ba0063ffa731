/**
 * The rows the HSDS feed is made of: units (our "services"), their organisations, shared contacts, active people
 * and served municipalities. One query per list, never one per unit.
 */
import type { Db } from '@db/client';

export interface HsdsOrganisationRow {
	id: number;
	slug: string;
	name: string;
	type: string;
	description: string;
	website: string | null;
	phone: string | null;
	email: string | null;
	updated_at: string;
	municipality_code: string | null;
}

export interface HsdsUnitRow {
	id: number;
	slug: string;
	name: string;
	aliases: string;
	description: string;
	organisation_id: number;
	updated_at: string;
}

export interface HsdsPersonRow {
	id: number;
	unit_id: number;
	ref: string;
	first_name: string;
	last_name: string;
	title: string;
	phone: string | null;
	mobile: string | null;
	email: string | null;
	phone_visibility: string;
	mobile_visibility: string;
	email_visibility: string;
	key_person: number;
	verified_at: string | null;
	updated_at: string;
}

export interface HsdsContactRow {
	id: number;
	unit_id: number;
	label: string;
	phone: string | null;
	email: string | null;
	hours: string | null;
	hours_schedule: string | null;
}

export interface HsdsAreaRow {
	unit_id: number;
	code: string;
	name: string;
}

export async function listHsdsOrganisations(db: Db, page?: { offset: number; limit: number }): Promise<HsdsOrganisationRow[]> {
	let q = db
		.selectFrom('organisation')
		.select(['id', 'slug', 'name', 'type', 'description', 'website', 'phone', 'email', 'updated_at', 'municipality_code'])
		.orderBy('name')
		.orderBy('id');
	if (page) q = q.offset(page.offset).limit(page.limit);
	return q.execute();
}

export async function countHsdsOrganisations(db: Db): Promise<number> {
	const row = await db.selectFrom('organisation').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return Number(row.n);
}

export async function listHsdsUnits(db: Db, page?: { offset: number; limit: number }, ids?: number[]): Promise<HsdsUnitRow[]> {
	let q = db
		.selectFrom('unit')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select(['unit.id', 'unit.slug', 'unit.name', 'unit.aliases', 'unit.description', 'unit.organisation_id', 'unit.updated_at'])
		.orderBy('organisation.name')
		.orderBy('unit.name')
		.orderBy('unit.id');
	if (ids) q = q.where('unit.id', 'in', ids.length ? ids : [-1]);
	if (page) q = q.offset(page.offset).limit(page.limit);
	return q.execute();
}

export async function countHsdsUnits(db: Db): Promise<number> {
	const row = await db.selectFrom('unit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Ids of every unit and organisation: an HSDS id is looked up by recomputing these (a few hundred hashes). */
export async function listHsdsKeys(db: Db): Promise<{ units: number[]; organisations: number[] }> {
	const [units, organisations] = await Promise.all([db.selectFrom('unit').select('id').execute(), db.selectFrom('organisation').select('id').execute()]);
	return { units: units.map((u) => u.id), organisations: organisations.map((o) => o.id) };
}

export async function listHsdsPeople(db: Db, unitIds: number[]): Promise<HsdsPersonRow[]> {
	if (!unitIds.length) return [];
	return db
		.selectFrom('person')
		.select(['id', 'unit_id', 'ref', 'first_name', 'last_name', 'title', 'phone', 'mobile', 'email', 'phone_visibility', 'mobile_visibility', 'email_visibility', 'key_person', 'verified_at', 'updated_at'])
		.where('unit_id', 'in', unitIds)
		.where('status', '=', 'active')
		.orderBy('last_name')
		.orderBy('first_name')
		.execute();
}

export async function listHsdsUnitContacts(db: Db, unitIds: number[]): Promise<HsdsContactRow[]> {
	if (!unitIds.length) return [];
	return db.selectFrom('unit_contact').select(['id', 'unit_id', 'label', 'phone', 'email', 'hours', 'hours_schedule']).where('unit_id', 'in', unitIds).orderBy('id').execute();
}

/** Municipalities each unit serves: listed ones, else its own organisation's municipality. */
export async function listHsdsAreas(db: Db, unitIds: number[]): Promise<HsdsAreaRow[]> {
	if (!unitIds.length) return [];
	const listed = await db
		.selectFrom('unit_municipality')
		.innerJoin('municipality', 'municipality.code', 'unit_municipality.municipality_code')
		.select(['unit_municipality.unit_id', 'municipality.code', 'municipality.name'])
		.where('unit_municipality.unit_id', 'in', unitIds)
		.execute();
	const own = await db
		.selectFrom('unit')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.innerJoin('municipality', 'municipality.code', 'organisation.municipality_code')
		.select(['unit.id as unit_id', 'municipality.code', 'municipality.name'])
		.where('unit.id', 'in', unitIds)
		.execute();
	const withListed = new Set(listed.map((a) => a.unit_id));
	return [...listed, ...own.filter((a) => !withListed.has(a.unit_id))];
}

/** Queries of the hours module: after-hours lines and entries whose hours text could not be read. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@db/schema';

type Executor = Kysely<Database> | Transaction<Database>;

export interface AfterHoursLine {
	id: number;
	label: string;
	phone: string | null;
	email: string | null;
	hours: string | null;
	hoursSchedule: string | null;
	note: string;
	takes: string;
	unitId: number;
	unitName: string;
	unitSlug: string;
	organisationName: string;
	organisationSlug: string;
	organisationType: string;
	/** Municipalities the line serves: the kommune's own, or those its unit lists; empty = all members (region). */
	municipalityCodes: string[];
}

/** Every after-hours line with where it belongs, ordered: kommune lines first, then by organisation. */
export async function listAfterHoursLines(db: Executor): Promise<AfterHoursLine[]> {
	const rows = await db
		.selectFrom('unit_contact as c')
		.innerJoin('unit as u', 'u.id', 'c.unit_id')
		.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
		.select(['c.id', 'c.label', 'c.phone', 'c.email', 'c.hours', 'c.hours_schedule', 'c.note', 'c.takes', 'u.id as unit_id', 'u.name as unit_name', 'u.slug as unit_slug', 'o.name as organisation_name', 'o.slug as organisation_slug', 'o.type as organisation_type', 'o.municipality_code'])
		.where('c.after_hours', '=', 1)
		.orderBy('o.name')
		.orderBy('c.id')
		.execute();
	const served = rows.length
		? await db.selectFrom('unit_municipality').select(['unit_id', 'municipality_code']).where('unit_id', 'in', [...new Set(rows.map((r) => r.unit_id))]).execute()
		: [];
	return rows.map((r) => ({
		id: r.id,
		label: r.label,
		phone: r.phone,
		email: r.email,
		hours: r.hours,
		hoursSchedule: r.hours_schedule,
		note: r.note,
		takes: r.takes,
		unitId: r.unit_id,
		unitName: r.unit_name,
		unitSlug: r.unit_slug,
		organisationName: r.organisation_name,
		organisationSlug: r.organisation_slug,
		organisationType: r.organisation_type,
		municipalityCodes: r.municipality_code ? [r.municipality_code] : served.filter((s) => s.unit_id === r.unit_id).map((s) => s.municipality_code),
	}));
}

/** Member municipalities' kommune organisations and the region's organisations (for deriving lines). */
export async function listLineOwners(db: Executor) {
	return db
		.selectFrom('organisation as o')
		.leftJoin('municipality as m', 'm.code', 'o.municipality_code')
		.select(['o.id', 'o.name', 'o.type', 'o.municipality_code', 'm.is_member', 'm.name as municipality_name'])
		.where((eb) => eb.or([eb('o.type', '=', 'region'), eb.and([eb('o.type', '=', 'kommune'), eb('m.is_member', '=', 1)])]))
		.orderBy('o.id')
		.execute();
}

/** Organisations that already have an after-hours line. */
export async function organisationsWithLines(db: Executor): Promise<Set<number>> {
	const rows = await db.selectFrom('unit_contact as c').innerJoin('unit as u', 'u.id', 'c.unit_id').select('u.organisation_id').where('c.after_hours', '=', 1).execute();
	return new Set(rows.map((r) => r.organisation_id));
}

/** Which units a list covers: everything (admins) or the units and organisations an editor may edit. */
export type HoursScope = { all: true } | { unitIds: number[]; organisationIds: number[] };

/** Active people and shared contacts in scope that have hours text (the caller decides which it can read). */
export async function listHoursTexts(db: Executor, scope: HoursScope) {
	const units = 'all' in scope ? [] : scope.unitIds.length ? scope.unitIds : [-1];
	const orgs = 'all' in scope ? [] : scope.organisationIds.length ? scope.organisationIds : [-1];
	const limited = !('all' in scope);
	const people = await db
		.selectFrom('person as p')
		.innerJoin('unit as u', 'u.id', 'p.unit_id')
		.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
		.select(['p.id', 'p.ref', 'p.first_name', 'p.last_name', 'p.hours', 'p.hours_schedule', 'u.id as unit_id', 'u.name as unit_name', 'o.name as organisation_name'])
		.where('p.status', '=', 'active')
		.where('p.hours', '!=', '')
		.$if(limited, (q) => q.where((eb) => eb.or([eb('u.id', 'in', units), eb('o.id', 'in', orgs)])))
		.orderBy('o.name')
		.orderBy('u.name')
		.orderBy('p.last_name')
		.execute();
	const contacts = await db
		.selectFrom('unit_contact as c')
		.innerJoin('unit as u', 'u.id', 'c.unit_id')
		.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
		.select(['c.id', 'c.label', 'c.hours', 'c.hours_schedule', 'u.id as unit_id', 'u.name as unit_name', 'u.slug as unit_slug', 'o.slug as organisation_slug', 'o.name as organisation_name'])
		.where('c.hours', 'is not', null)
		.where('c.hours', '!=', '')
		.$if(limited, (q) => q.where((eb) => eb.or([eb('u.id', 'in', units), eb('o.id', 'in', orgs)])))
		.orderBy('o.name')
		.orderBy('u.name')
		.execute();
	return { people, contacts };
}

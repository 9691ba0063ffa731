/**
 * The directory as Open Referral HSDS 3.0: each unit (a team with a shared line and named people) is a service of
 * its organisation; its people are the service's contacts with the fields anyone may see; the municipalities it
 * serves are its service areas. `assured_date` carries our freshness confirmation ("Senest bekræftet"), which most
 * feeds leave empty. Empty optional fields are left out rather than sent as null. Public and read-only: only
 * fields whose visibility is public ever appear.
 */
import type { Db } from '@db/client';
import { clockNow } from '@/lib/clock';
import { scheduleOf } from '@/modules/hours/hours.availability';
import { hsdsId } from './hsds.ids';
import { hsdsSchedules } from './hsds.schedules';
import {
	countHsdsOrganisations,
	countHsdsUnits,
	listHsdsAreas,
	listHsdsKeys,
	listHsdsOrganisations,
	listHsdsPeople,
	listHsdsUnitContacts,
	listHsdsUnits,
	type HsdsOrganisationRow,
	type HsdsPersonRow,
	type HsdsUnitRow,
} from './hsds.repository';

export const HSDS_VERSION = '3.0';
export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 500;

type Json = Record<string, unknown>;

export interface HsdsPage<T> {
	total_items: number;
	total_pages: number;
	page_number: number;
	size: number;
	first_page: boolean;
	last_page: boolean;
	empty: boolean;
	contents: T[];
}

/** Page and page size from query parameters: page from 1, per_page 1–500 (default 50); nonsense falls back. */
export function parsePaging(params: URLSearchParams): { page: number; perPage: number } {
	const page = Number.parseInt(params.get('page') ?? '', 10);
	const perPage = Number.parseInt(params.get('per_page') ?? '', 10);
	return {
		page: Number.isFinite(page) && page >= 1 ? page : 1,
		perPage: Number.isFinite(perPage) && perPage >= 1 ? Math.min(perPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE,
	};
}

export function pageOf<T>(contents: T[], total: number, page: number, perPage: number): HsdsPage<T> {
	const totalPages = Math.max(1, Math.ceil(total / perPage));
	return {
		total_items: total,
		total_pages: totalPages,
		page_number: page,
		size: contents.length,
		first_page: page === 1,
		last_page: page >= totalPages,
		empty: contents.length === 0,
		contents,
	};
}

/** Drops keys whose value is null, undefined, '' or an empty array. */
function compact<T extends Json>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as T;
}

const isoDate = (iso: string | null) => (iso ? iso.slice(0, 10) : null);
const isoDateTime = (iso: string | null) => (iso ? new Date(iso).toISOString() : null);
const validUrl = (url: string | null) => (url && /^https?:\/\/\S+$/i.test(url) ? url : null);
/** HSDS says `format: email` (ASCII, as JSON Schema validators read it): an address outside it is left out, not sent broken. */
const ASCII_EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const validEmail = (email: string | null | undefined) => (email && ASCII_EMAIL.test(email) ? email : null);

function organisationObject(o: HsdsOrganisationRow, baseUrl: string): Json {
	const id = hsdsId('organization', o.id);
	return compact({
		id,
		name: o.name,
		description: o.description || o.name,
		email: validEmail(o.email),
		website: validUrl(o.website),
		uri: `${baseUrl}/organisationer/${o.slug}`,
		phones: o.phone ? [{ id: hsdsId('phone', `organisation:${o.id}`), organization_id: id, number: o.phone, type: 'voice' }] : [],
	});
}

function contactObject(p: HsdsPersonRow, serviceId: string): Json {
	const id = hsdsId('contact', p.ref);
	const phones = [
		p.phone && p.phone_visibility === 'public' ? { id: hsdsId('phone', `person:${p.ref}:phone`), contact_id: id, number: p.phone, type: 'voice', description: 'Direkte nummer' } : null,
		p.mobile && p.mobile_visibility === 'public' ? { id: hsdsId('phone', `person:${p.ref}:mobile`), contact_id: id, number: p.mobile, type: 'cell', description: 'Mobil' } : null,
	].filter(Boolean);
	return compact({
		id,
		service_id: serviceId,
		name: `${p.first_name} ${p.last_name}`.trim(),
		title: p.title || (p.key_person ? 'Nøgleperson' : null),
		email: p.email_visibility === 'public' ? validEmail(p.email) : null,
		phones,
	});
}

interface ServiceParts {
	organisations: Map<number, HsdsOrganisationRow>;
	people: Map<number, HsdsPersonRow[]>;
	contacts: Map<number, Awaited<ReturnType<typeof listHsdsUnitContacts>>>;
	areas: Map<number, Awaited<ReturnType<typeof listHsdsAreas>>>;
}

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
	const map = new Map<number, T[]>();
	for (const row of rows) {
		const k = key(row);
		const list = map.get(k);
		if (list) list.push(row);
		else map.set(k, [row]);
	}
	return map;
}

async function loadParts(db: Db, units: HsdsUnitRow[]): Promise<ServiceParts> {
	const ids = units.map((u) => u.id);
	const [organisations, people, contacts, areas] = await Promise.all([listHsdsOrganisations(db), listHsdsPeople(db, ids), listHsdsUnitContacts(db, ids), listHsdsAreas(db, ids)]);
	return {
		organisations: new Map(organisations.map((o) => [o.id, o])),
		people: groupBy(people, (p) => p.unit_id),
		contacts: groupBy(contacts, (c) => c.unit_id),
		areas: groupBy(areas, (a) => a.unit_id),
	};
}

/**
 * A unit as an HSDS service. `full` adds the nested arrays and the organisation (the one-service endpoint);
 * lists carry the one-to-one fields only, as the HSDS API asks.
 */
function serviceObject(u: HsdsUnitRow, parts: ServiceParts, baseUrl: string, full: boolean): Json {
	const id = hsdsId('service', u.id);
	const organisation = parts.organisations.get(u.organisation_id)!;
	const people = parts.people.get(u.id) ?? [];
	const shared = parts.contacts.get(u.id) ?? [];
	const confirmed = people.map((p) => p.verified_at).filter((v): v is string => !!v).sort();
	const keyPerson = people.find((p) => p.key_person && p.email && p.email_visibility === 'public');
	const modified = [u.updated_at, ...people.map((p) => p.updated_at)].sort().at(-1) ?? u.updated_at;
	const aliases = safeJsonArray(u.aliases);
	const oneToOne = compact({
		id,
		organization_id: hsdsId('organization', organisation.id),
		name: u.name,
		alternate_name: aliases.join(', '),
		description: u.description || `${u.name} i ${organisation.name}`,
		url: `${baseUrl}/organisationer/${organisation.slug}/${u.slug}`,
		email: validEmail(shared.find((c) => validEmail(c.email))?.email),
		status: 'active',
		// The oldest "Senest bekræftet" among the unit's people: everything shown was confirmed on or after it.
		assured_date: isoDate(confirmed[0] ?? null),
		assurer_email: validEmail(keyPerson?.email),
		last_modified: isoDateTime(modified),
	});
	if (!full) return oneToOne;
	return compact({
		...oneToOne,
		organization: organisationObject(organisation, baseUrl),
		phones: shared
			.filter((c) => c.phone)
			.map((c) => compact({ id: hsdsId('phone', `unit-contact:${c.id}`), service_id: id, number: c.phone!, type: 'voice', description: [c.label, c.hours].filter(Boolean).join(' · ') })),
		contacts: people.map((p) => contactObject(p, id)),
		service_areas: (parts.areas.get(u.id) ?? []).map((a) => ({ id: hsdsId('service_area', `${u.id}:${a.code}`), service_id: id, name: a.name, description: `Kommunekode ${a.code}` })),
		// The shared lines' hours (people's own hours stay on their pages: HSDS contacts have no schedule).
		schedules: shared.flatMap((c) => {
			const schedule = scheduleOf(c.hours, c.hours_schedule);
			return schedule ? hsdsSchedules(schedule, { serviceId: id, key: `unit-contact:${c.id}`, label: c.label, now: clockNow() }) : [];
		}),
	});
}

function safeJsonArray(text: string): string[] {
	try {
		const value = JSON.parse(text);
		return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
	} catch {
		return [];
	}
}

export async function hsdsServicesPage(db: Db, page: number, perPage: number, baseUrl: string): Promise<HsdsPage<Json>> {
	const [units, total] = await Promise.all([listHsdsUnits(db, { offset: (page - 1) * perPage, limit: perPage }), countHsdsUnits(db)]);
	const parts = await loadParts(db, units);
	return pageOf(
		units.map((u) => serviceObject(u, parts, baseUrl, false)),
		total,
		page,
		perPage,
	);
}

export async function hsdsService(db: Db, id: string, baseUrl: string): Promise<Json | undefined> {
	const unitId = (await listHsdsKeys(db)).units.find((u) => hsdsId('service', u) === id);
	if (unitId === undefined) return undefined;
	const units = await listHsdsUnits(db, undefined, [unitId]);
	return units[0] ? serviceObject(units[0], await loadParts(db, units), baseUrl, true) : undefined;
}

export async function hsdsOrganisationsPage(db: Db, page: number, perPage: number, baseUrl: string): Promise<HsdsPage<Json>> {
	const [organisations, total] = await Promise.all([listHsdsOrganisations(db, { offset: (page - 1) * perPage, limit: perPage }), countHsdsOrganisations(db)]);
	return pageOf(
		organisations.map((o) => {
			const { phones: _phones, ...oneToOne } = organisationObject(o, baseUrl);
			return oneToOne;
		}),
		total,
		page,
		perPage,
	);
}

export async function hsdsOrganisation(db: Db, id: string, baseUrl: string): Promise<Json | undefined> {
	const organisations = await listHsdsOrganisations(db);
	const o = organisations.find((row) => hsdsId('organization', row.id) === id);
	return o ? organisationObject(o, baseUrl) : undefined;
}

/** Everything, for `npm run db:export -- --format hsds DIR`: every service in full and every organisation. */
export async function hsdsExport(db: Db, baseUrl: string): Promise<{ services: Json[]; organizations: Json[] }> {
	const units = await listHsdsUnits(db);
	const parts = await loadParts(db, units);
	return {
		services: units.map((u) => serviceObject(u, parts, baseUrl, true)),
		organizations: (await listHsdsOrganisations(db)).map((o) => organisationObject(o, baseUrl)),
	};
}

/** `GET /api/hsds/`: what this API is. */
export function hsdsApiInfo(): Json {
	return { version: HSDS_VERSION };
}

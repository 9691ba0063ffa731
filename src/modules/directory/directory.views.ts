/**
 * What the directory's read pages show: each function gathers one page's data in a fixed, small number of
 * queries (no query per person), so pages stay quick with the whole network (~1,400 people) loaded.
 * Visibility is decided here, not in templates: contact fields a viewer may not see arrive as null.
 */
import type { Db } from '@db/client';
import type { OrganisationType } from '@db/schema';
import type { SessionUser } from '@/modules/auth/auth.types';
import { loadPermissions } from '@/modules/auth/auth.permissions';
import {
	countActivePeopleByTopic,
	countPeople,
	countActivePeopleByUnit,
	countActivePeopleInUnit,
	findMunicipality,
	findOrganisationBySlug,
	findPersonByRef,
	findTopic,
	findUnit,
	findUnitById,
	listMunicipalities,
	listOrganisations,
	listPeople,
	listPredecessors,
	listRoles,
	listTopics,
	listUnitContacts,
	listUnits,
	listUnitsForMunicipality,
	referenceLabels,
	resolveCurrentSuccessor,
	findPersonLink,
} from './directory.repository';
import { isAway, visibleContact, type VisibleContact } from './directory.rules';
import { freshnessSignal, type FreshnessSignal } from '@/modules/freshness/freshness.rules';
import type { Municipality, Organisation, Person, PersonLink, ReferenceItem, Unit, UnitContact } from './directory.types';

export interface Viewer {
	signedIn: boolean;
	isEditor?: boolean;
	/** May this viewer edit the entry? Editors see every field of the entries they look after. */
	canEditPerson?: (target: { id: number; unitId: number; organisationId: number }) => boolean;
}

/** The viewer as the visibility rules need it (anonymous when there is no session user). */
export function viewerOf(user: SessionUser | null | undefined): Viewer {
	return { signedIn: !!user };
}

/** Like viewerOf, plus the user's editing rights (one scope query), for single-entry pages and feeds. */
export async function viewerWithRights(db: Db, user: SessionUser | null | undefined): Promise<Viewer> {
	if (!user) return { signedIn: false };
	const perms = await loadPermissions(db, user);
	return { signedIn: true, canEditPerson: (t) => perms.canEditPerson(t) };
}

function viewerFor(viewer: Viewer, person: Person): Viewer {
	if (viewer.isEditor || !viewer.canEditPerson) return viewer;
	return { ...viewer, isEditor: viewer.canEditPerson({ id: person.id, unitId: person.unitId, organisationId: person.organisationId }) };
}

export type Labels = Awaited<ReturnType<typeof referenceLabels>>;

/** A person's page URL (site-relative; the API's `url` uses the same). */
export function personPath(ref: string): string {
	return `/personer/${encodeURIComponent(ref)}`;
}

export function unitPath(unit: { organisationSlug: string; slug: string }): string {
	return `/organisationer/${encodeURIComponent(unit.organisationSlug)}/${encodeURIComponent(unit.slug)}`;
}

/**
 * Text for a meta description built from directory data. Astro escapes quotes in attributes but leaves
 * `<` and `>`; they are harmless there, but we drop them so no raw `<script>` ever appears in the HTML.
 */
export function metaText(text: string): string {
	return text.replace(/[<>]/g, '').replace(/\s+/g, ' ').trim().slice(0, 300);
}

export const organisationTypeLabels: Record<OrganisationType, string> = {
	kommune: 'Kommuner',
	region: 'Region Hovedstaden',
	frivillig: 'Frivillige organisationer',
	andet: 'Netværket og andre',
};

// ---------- home ----------

export async function loadHomePage(db: Db) {
	const [municipalities, roles, topics, counts] = await Promise.all([listMunicipalities(db, { membersOnly: true }), listRoles(db), listTopics(db), countPeople(db)]);
	return { municipalities, situations: roles.filter((r) => r.isSituation), topics, activePeople: counts.active };
}

// ---------- municipality ----------

export interface UnitGroup {
	unit: Unit;
	contacts: UnitContact[];
	people: Person[];
}

export interface MunicipalityPage {
	municipality: Municipality;
	/** The kommune's own units. */
	kommune: UnitGroup[];
	/** Region Hovedstaden units serving the municipality. */
	region: UnitGroup[];
	/** Volunteer organisations and the network's own units serving it. */
	other: UnitGroup[];
	labels: Labels;
	/** True when some direct numbers were held back from this (anonymous) viewer. */
	numbersHeldBack: boolean;
}

/**
 * Everyone serving a municipality, grouped by unit (key persons first within each unit). Only active
 * people; `keyPersonsOnly` for the printable contact sheet. Units with no one to show and no shared contact are left out.
 */
export async function loadMunicipalityPage(db: Db, slug: string, viewer: Viewer, opts: { keyPersonsOnly?: boolean } = {}): Promise<MunicipalityPage | undefined> {
	const municipality = await findMunicipality(db, slug);
	if (!municipality || municipality.slug !== slug) return undefined;
	const units = await listUnitsForMunicipality(db, municipality.code);
	if (!municipality.isMember && units.length === 0) return undefined;
	const unitIds = units.map((u) => u.id);
	const [people, contacts, labels] = await Promise.all([listPeople(db, { unitIds, status: 'active' }), listUnitContacts(db, unitIds), referenceLabels(db)]);
	const shown = opts.keyPersonsOnly ? people.filter((p) => p.keyPerson) : people;
	// Grouped in one pass (filtering the whole list per unit was units × people: 10,000 × dozens at 100,000 people).
	const byUnit = groupBy(shown, (p) => p.unitId);
	const contactsByUnit = groupBy(contacts, (c) => c.unitId);
	const groups: UnitGroup[] = units
		.map((unit) => ({ unit, contacts: contactsByUnit.get(unit.id) ?? [], people: byUnit.get(unit.id) ?? [] }))
		.filter((g) => g.people.length > 0 || g.contacts.length > 0);
	return {
		municipality,
		kommune: groups.filter((g) => g.unit.organisationType === 'kommune'),
		region: groups.filter((g) => g.unit.organisationType === 'region'),
		other: groups.filter((g) => g.unit.organisationType === 'frivillig' || g.unit.organisationType === 'andet'),
		labels,
		numbersHeldBack: shown.some((p) => visibleContact(p, viewer).hiddenForAnonymous),
	};
}

/** Map.groupBy (Node 21+) for Node 20; order within each group kept. */
function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
	const out = new Map<K, T[]>();
	for (const item of items) {
		const k = key(item);
		const list = out.get(k);
		if (list) list.push(item);
		else out.set(k, [item]);
	}
	return out;
}

/** Person cards on one municipality page: at 100,000 people a municipality lists ~10,000 (a >2 MB page). */
export const MUNICIPALITY_PAGE_SIZE = 200;

export interface MunicipalitySlice {
	kommune: UnitGroup[];
	region: UnitGroup[];
	other: UnitGroup[];
	/** 1-based; `page > pages` means the page does not exist. */
	page: number;
	pages: number;
	/** The page each unit starts on (for the jump links to units on other pages). */
	pageOfUnit: Map<number, number>;
	/** Units whose first people are on an earlier page. */
	continued: Set<number>;
}

/**
 * One page of a municipality page: the units in their order (kommune, region, others), cut after every `size`
 * people (a unit with only shared contacts takes one place), so a page never holds more than `size` person
 * cards at any size of network. A unit cut in two shows its shared contacts on its first page only.
 */
export function sliceMunicipalityPage(data: Pick<MunicipalityPage, 'kommune' | 'region' | 'other'>, page: number, size = MUNICIPALITY_PAGE_SIZE): MunicipalitySlice {
	const out: MunicipalitySlice = { kommune: [], region: [], other: [], page, pages: 1, pageOfUnit: new Map(), continued: new Set() };
	const start = (page - 1) * size;
	const end = page * size;
	let used = 0;
	for (const column of ['kommune', 'region', 'other'] as const)
		for (const group of data[column]) {
			const places = Math.max(1, group.people.length);
			out.pageOfUnit.set(group.unit.id, Math.floor(used / size) + 1);
			const from = Math.max(used, start) - used;
			const to = Math.min(used + places, end) - used;
			if (from < to) {
				out[column].push(from === 0 ? { ...group, people: group.people.slice(0, to) } : { ...group, contacts: [], people: group.people.slice(from, to) });
				if (from > 0) out.continued.add(group.unit.id);
			}
			used += places;
		}
	out.pages = Math.max(1, Math.ceil(used / size));
	return out;
}

export async function loadMunicipalitiesIndex(db: Db) {
	return listMunicipalities(db, { membersOnly: true });
}

// ---------- organisations and units ----------

export async function loadOrganisationsIndex(db: Db) {
	const [organisations, units] = await Promise.all([listOrganisations(db), listUnits(db)]);
	const unitCount = new Map<number, number>();
	for (const u of units) unitCount.set(u.organisationId, (unitCount.get(u.organisationId) ?? 0) + 1);
	const order: OrganisationType[] = ['kommune', 'region', 'frivillig', 'andet'];
	return order
		.map((type) => ({
			type,
			label: organisationTypeLabels[type],
			organisations: organisations.filter((o) => o.type === type).map((o) => ({ ...o, unitCount: unitCount.get(o.id) ?? 0 })),
		}))
		.filter((g) => g.organisations.length > 0);
}

export interface OrganisationPage {
	organisation: Organisation;
	municipality: Municipality | null;
	units: (UnitGroup & { peopleCount: number })[];
	labels: Labels;
	numbersHeldBack: boolean;
}

/** An organisation with its units, each with its shared contacts and its key persons. */
export async function loadOrganisationPage(db: Db, slug: string, viewer: Viewer): Promise<OrganisationPage | undefined> {
	const organisation = await findOrganisationBySlug(db, slug);
	if (!organisation) return undefined;
	const units = await listUnits(db, { organisationId: organisation.id });
	const unitIds = units.map((u) => u.id);
	const [people, contacts, counts, labels, municipality] = await Promise.all([
		listPeople(db, { unitIds, status: 'active' }),
		listUnitContacts(db, unitIds),
		countActivePeopleByUnit(db),
		referenceLabels(db),
		organisation.municipalityCode ? findMunicipality(db, organisation.municipalityCode) : Promise.resolve(undefined),
	]);
	const keyPeople = people.filter((p) => p.keyPerson);
	return {
		organisation,
		municipality: municipality ?? null,
		units: units.map((unit) => ({
			unit,
			contacts: contacts.filter((c) => c.unitId === unit.id),
			people: keyPeople.filter((p) => p.unitId === unit.id),
			peopleCount: counts.get(unit.id) ?? 0,
		})),
		labels,
		numbersHeldBack: keyPeople.some((p) => visibleContact(p, viewer).hiddenForAnonymous),
	};
}

/** Person cards on one unit page, as on the municipality page (a unit holds ~900 people at 100,000). */
export const UNIT_PAGE_SIZE = MUNICIPALITY_PAGE_SIZE;

export interface UnitPage extends UnitGroup {
	/** This page's people only (key persons first, then by name). */
	people: Person[];
	municipalities: Municipality[];
	labels: Labels;
	/** Some number on this page is held back from anonymous visitors. */
	numbersHeldBack: boolean;
	/** Active people in the whole unit, and how many of them are key persons. */
	total: number;
	keyPeople: number;
	/** 1-based; `page > pages` means the page does not exist (no people are read for it). */
	page: number;
	pages: number;
}

/**
 * One page of a unit (`page`, `size` people a page): one query per list — the unit, its count, this page's
 * people (with their tags in one query per kind, attachTags), its contacts, the municipalities, the labels —
 * whatever the unit's size.
 */
export async function loadUnitPage(db: Db, organisationSlug: string, unitSlug: string, viewer: Viewer, page = 1, size = UNIT_PAGE_SIZE): Promise<UnitPage | undefined> {
	const unit = await findUnit(db, organisationSlug, unitSlug);
	if (!unit) return undefined;
	const [count, people, contacts, municipalities, labels] = await Promise.all([
		countActivePeopleInUnit(db, unit.id),
		page >= 1 ? listPeople(db, { unitIds: [unit.id], status: 'active', limit: size, offset: (page - 1) * size }) : Promise.resolve([]),
		listUnitContacts(db, [unit.id]),
		listMunicipalities(db),
		referenceLabels(db),
	]);
	return {
		unit,
		contacts,
		people,
		municipalities: municipalities.filter((m) => unit.municipalityCodes.includes(m.code)),
		labels,
		numbersHeldBack: people.some((p) => visibleContact(p, viewer).hiddenForAnonymous),
		total: count.total,
		keyPeople: count.keyPeople,
		page,
		pages: Math.max(1, Math.ceil(count.total / size)),
	};
}

// ---------- topics ----------

export async function loadTopicsIndex(db: Db) {
	const [topics, counts] = await Promise.all([listTopics(db), countActivePeopleByTopic(db)]);
	return topics.map((t) => ({ ...t, peopleCount: counts.get(t.slug) ?? 0 }));
}

export interface TopicPage {
	topic: ReferenceItem;
	/** People grouped by the municipality they serve; cross-municipal units grouped by sector after the municipalities. */
	groups: { key: string; heading: string; municipalitySlug: string | null; people: Person[] }[];
	labels: Labels;
	numbersHeldBack: boolean;
}

export async function loadTopicPage(db: Db, slug: string, viewer: Viewer): Promise<TopicPage | undefined> {
	const topic = await findTopic(db, slug);
	if (!topic) return undefined;
	const [people, municipalities, labels] = await Promise.all([listPeople(db, { topic: slug, status: 'active' }), listMunicipalities(db), referenceLabels(db)]);
	const byCode = new Map(municipalities.map((m) => [m.code, m]));
	const groups = new Map<string, { key: string; heading: string; municipalitySlug: string | null; sort: string; people: Person[] }>();
	for (const p of people) {
		const m = p.municipalityCode ? byCode.get(p.municipalityCode) : undefined;
		const key = m ? `m-${m.slug}` : `t-${p.organisationType}`;
		const group =
			groups.get(key) ??
			(m
				? { key, heading: m.name, municipalitySlug: m.slug, sort: `0${m.name}`, people: [] }
				: { key, heading: organisationTypeLabels[p.organisationType], municipalitySlug: null, sort: `1${['kommune', 'region', 'frivillig', 'andet'].indexOf(p.organisationType)}`, people: [] });
		group.people.push(p);
		groups.set(key, group);
	}
	return {
		topic,
		groups: [...groups.values()].sort((a, b) => a.sort.localeCompare(b.sort, 'da')).map(({ sort: _sort, ...g }) => g),
		labels,
		numbersHeldBack: people.some((p) => visibleContact(p, viewer).hiddenForAnonymous),
	};
}

// ---------- person ----------

export interface PersonPage {
	person: Person;
	unit: Unit;
	unitContacts: UnitContact[];
	/** What the viewer may see; all null for someone who has left (their data is not current). */
	contact: VisibleContact;
	left: boolean;
	/** The active person holding the job now (the successor chain followed), if any. */
	successor: Person | undefined;
	/** Left and no active successor: the position is vacant. */
	vacant: boolean;
	predecessors: PersonLink[];
	deputy: Person | undefined;
	away: boolean;
	freshness: FreshnessSignal;
	municipalities: Municipality[];
	labels: Labels;
}

export async function loadPersonPage(db: Db, ref: string, viewer: Viewer, now: Date = new Date()): Promise<PersonPage | undefined> {
	const person = await findPersonByRef(db, ref);
	if (!person) return undefined;
	const left = person.status === 'left';
	const [unit, unitContacts, successorLink, predecessors, deputy, municipalities, labels] = await Promise.all([
		findUnitById(db, person.unitId),
		listUnitContacts(db, [person.unitId]),
		left ? resolveCurrentSuccessor(db, person.id) : Promise.resolve(undefined),
		listPredecessors(db, person.id),
		person.deputyId !== null ? listPeople(db, { ids: [person.deputyId], status: 'active' }).then((d) => d[0]) : Promise.resolve(undefined),
		listMunicipalities(db),
		referenceLabels(db),
	]);
	const successor = successorLink ? (await listPeople(db, { ids: [successorLink.id] }))[0] : undefined;
	const served = person.municipalityCode ? [person.municipalityCode] : (unit?.municipalityCodes ?? []);
	const contact = left ? { phone: null, mobile: null, email: null, hiddenForAnonymous: false } : visibleContact(person, viewerFor(viewer, person));
	return {
		person,
		unit: unit!,
		unitContacts,
		contact,
		left,
		successor,
		vacant: left && !successor,
		predecessors,
		deputy,
		away: !left && isAway(person, now),
		freshness: freshnessSignal(person, now),
		municipalities: municipalities.filter((m) => served.includes(m.code)),
		labels,
	};
}

/** The contract shape of `GET /api/people/{ref}` (contracts.md). */
export interface PersonJson {
	ref: string;
	firstName: string;
	lastName: string;
	title: string;
	organisation: string;
	unit: string;
	municipalityCode: string | null;
	phone: string | null;
	mobile: string | null;
	email: string | null;
	hours: string;
	topics: string[];
	roles: string[];
	ageGroups: string[];
	keyPerson: boolean;
	status: 'active' | 'left';
	successorRef: string | null;
	verifiedAt: string | null;
	updatedAt: string;
	url: string;
}

/**
 * A person as the JSON API shows them to this viewer. Fields the viewer may not see are null; someone who
 * has left has no current contact data (null) and `successorRef` names the active holder of the job when
 * the chain leads to one, else the successor named on the entry.
 */
export async function loadPersonJson(db: Db, ref: string, viewer: Viewer): Promise<PersonJson | undefined> {
	const person = await findPersonByRef(db, ref);
	if (!person) return undefined;
	let successorRef: string | null = null;
	if (person.status === 'left') {
		const current = await resolveCurrentSuccessor(db, person.id);
		successorRef = current?.ref ?? (await findPersonLink(db, person.successorId))?.ref ?? null;
	}
	const contact = person.status === 'left' ? { phone: null, mobile: null, email: null } : visibleContact(person, viewerFor(viewer, person));
	return {
		ref: person.ref,
		firstName: person.firstName,
		lastName: person.lastName,
		title: person.title,
		organisation: person.organisationName,
		unit: person.unitName,
		municipalityCode: person.municipalityCode,
		phone: contact.phone,
		mobile: contact.mobile,
		email: contact.email,
		hours: person.hours,
		topics: person.topics,
		roles: person.roles,
		ageGroups: person.ageGroups,
		keyPerson: person.keyPerson,
		status: person.status,
		successorRef,
		verifiedAt: person.verifiedAt,
		updatedAt: person.updatedAt,
		url: personPath(person.ref),
	};
}

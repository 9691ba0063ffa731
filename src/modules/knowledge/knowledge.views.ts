/** What the knowledge pages show, gathered per page (pages stay thin). */
import type { Db } from '@db/client';
import type { Permissions } from '@/modules/auth/auth.permissions';
import { listMunicipalities, listOrganisations, listPeople, listUnitContacts, listUnits, referenceLabels } from '@/modules/directory/directory.repository';
import { personPath, unitPath } from '@/modules/directory/directory.views';
import type { Municipality, UnitContact } from '@/modules/directory/directory.types';
import { pathwayContacts, verifyPathway, type PathwayVerification, type PhaseBlocks } from './knowledge.contacts';
import { listNotes, type Note } from './knowledge.repository';
import { reviewSignal, type ReviewSignal } from './knowledge.rules';
import type { Article } from './knowledge.types';
import { resolveOwner } from './knowledge.writes';

/** The cookie that remembers the chosen municipality (a slug; no personal data). */
export const MUNICIPALITY_COOKIE = 'vejviser_kommune';
/** How long the choice is remembered (the privacy page says the same, from here). */
export const MUNICIPALITY_COOKIE_DAYS = 365;

export interface OwnerView {
	name: string;
	url: string | null;
}

export async function ownerView(db: Db, article: Article): Promise<OwnerView> {
	const owner = await resolveOwner(db, article.owner);
	if (!owner) return { name: 'Ejer ikke fundet i kontaktbogen', url: null };
	if ('person' in article.owner) return { name: owner.name, url: personPath(article.owner.person) };
	const [organisationSlug, slug] = article.owner.unit.split('/');
	return { name: owner.name, url: unitPath({ organisationSlug, slug }) };
}

export interface PathwayPage {
	municipalities: Municipality[];
	chosen: Municipality | null;
	/** The query named a municipality that is not a member (shown as a Danish message). */
	unknownMunicipality: boolean;
	blocks: PhaseBlocks[];
	notes: Note[];
	verification: PathwayVerification;
	owner: OwnerView;
}

/**
 * A pathway for the municipality chosen in `?kommune=` (or remembered in the cookie): live contacts, the
 * municipality's notes and the verification status across all member municipalities.
 */
export async function loadPathwayPage(db: Db, article: Article, kommune: string | null, now: Date = new Date()): Promise<PathwayPage> {
	const municipalities = await listMunicipalities(db, { membersOnly: true });
	const chosen = kommune ? (municipalities.find((m) => m.slug === kommune) ?? null) : null;
	const [blocks, notes, verification, owner] = await Promise.all([
		chosen ? pathwayContacts(db, article, chosen.code, now) : Promise.resolve([]),
		chosen ? listNotes(db, article.ref, chosen.code) : Promise.resolve([]),
		verifyPathway(db, article, now, municipalities),
		ownerView(db, article),
	]);
	return { municipalities, chosen, unknownMunicipality: !!kommune && !chosen, blocks, notes, verification, owner };
}

export async function loadArticlePage(db: Db, article: Article, now: Date = new Date()): Promise<{ review: ReviewSignal; owner: OwnerView }> {
	return { review: reviewSignal(article, now), owner: await ownerView(db, article) };
}

/** The kommune organisation of a member municipality (whose editors may write its notes). */
export async function municipalityOrganisationId(db: Db, municipality: Municipality): Promise<number | undefined> {
	const row = await db.selectFrom('organisation').select('id').where('type', '=', 'kommune').where('municipality_code', '=', municipality.code).executeTakeFirst();
	return row?.id;
}

/**
 * Who may write a municipality's local notes to the pathways (README Decision "Municipal notes, news and section
 * reports reuse what exists"): admins and the editors of that municipality's kommune organisation — never another
 * municipality's editors, nor editors of single units. The notes page and the pathway's edit link both ask this.
 */
export async function mayEditNotesOf(db: Db, municipality: Municipality): Promise<(perms: Permissions) => boolean> {
	const orgId = await municipalityOrganisationId(db, municipality);
	return (perms) => perms.isAdmin || (orgId !== undefined && perms.canEditOrganisation(orgId));
}

export interface VolunteerView {
	organisation: { slug: string; name: string; description: string };
	contacts: UnitContact[];
	/** Topic labels and age groups its active people cover. */
	topics: string[];
	ages: string[];
}

/** The volunteer organisations with what they offer, for whom, and their shared contacts — live from the directory. */
export async function loadVolunteers(db: Db): Promise<VolunteerView[]> {
	const orgs = (await listOrganisations(db)).filter((o) => o.type === 'frivillig');
	const labels = await referenceLabels(db);
	const out: VolunteerView[] = [];
	for (const o of orgs) {
		const units = await listUnits(db, { organisationId: o.id });
		const ids = units.map((u) => u.id);
		const [contacts, people] = await Promise.all([listUnitContacts(db, ids), listPeople(db, { unitIds: ids, status: 'active' })]);
		const topicSlugs = [...new Set(people.flatMap((p) => p.topics))];
		// Age groups youngest first ("6-12" before "13-17"), by their first number.
		const ages = [...new Set(people.flatMap((p) => p.ageGroups))].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
		out.push({ organisation: { slug: o.slug, name: o.name, description: o.description }, contacts, topics: topicSlugs.map((t) => labels.topic[t] ?? t), ages });
	}
	return out;
}

export interface NetworkPage {
	municipalities: Municipality[];
	organisations: { slug: string; name: string; type: string }[];
	coordinators: import('@/modules/directory/directory.types').Person[];
	steeringGroup: import('@/modules/directory/directory.types').Person[];
}

/** "Om netværket": members, steering group and coordinator, live from the directory (roles tovholder, styregruppe). */
export async function loadNetworkPage(db: Db): Promise<NetworkPage> {
	const [municipalities, organisations, coordinators, steeringGroup] = await Promise.all([
		listMunicipalities(db, { membersOnly: true }),
		listOrganisations(db),
		listPeople(db, { roles: ['tovholder'], status: 'active' }),
		listPeople(db, { roles: ['styregruppe'], status: 'active' }),
	]);
	return {
		municipalities,
		organisations: organisations.filter((o) => o.type !== 'kommune').map((o) => ({ slug: o.slug, name: o.name, type: o.type })),
		coordinators,
		steeringGroup,
	};
}

/**
 * The built-in search sources: people, units, organisations and topics. Other modules add theirs with
 * registerSearchSource (see search.registry.ts).
 */
import type { Db } from '@db/client';
import type { Visibility } from '@db/schema';
import { conceptsInText } from './search.index';
import { tokenize } from './search.normalise';
import { parseQuery } from './search.parser';
import { loadOrganisations, loadPeopleContext, loadPeoplePages, loadUnits, loadThesaurusRows, type OrganisationRecord, type PersonRecord, type UnitRecord } from './search.repository';
import { registerSearchSource } from './search.registry';
import type { ConceptKind, RecordCodec, SearchDocument, Thesaurus } from './search.types';
import { isPriority, staleFromMs } from '@/modules/freshness/freshness.rules';

/** People read per statement on a rebuild (a few milliseconds each; indexed with yields every 64). */
const PEOPLE_PAGE = 500;

const SECTOR_LABEL: Record<string, string> = { kommune: 'Kommune', region: 'Region', frivillig: 'Frivillig organisation', andet: 'Anden organisation' };

/** What a person result shows (the results page decides which contact fields the viewer may see). */
export interface PersonCard {
	ref: string;
	name: string;
	title: string;
	unitName: string;
	organisationName: string;
	organisationType: string;
	municipalityName: string | null;
	keyPerson: boolean;
	roles: string[];
	topics: string[];
	ageGroups: string[];
	phone: string | null;
	mobile: string | null;
	email: string | null;
	phoneVisibility: Visibility;
	mobileVisibility: Visibility;
	emailVisibility: Visibility;
	verifiedAt: string | null;
	status: string;
	/** Absence: while it lasts the deputy is shown first (entity id of the deputy). */
	deputyId: number | null;
	awayFrom: string | null;
	awayUntil: string | null;
	/** Opening hours as written and as stored structured (availability at the moment asked about). */
	hours: string;
	hoursSchedule: string | null;
}

/**
 * The sector tags of an organisation: its type, and the everyday families its name puts it in — "psykiatri"
 * (psykiatrien: any psychiatric centre), "bornepsykiatri" (the child and adolescent psychiatric centre, BUC) and
 * "hospital". From the organisation's name only: a municipality's "Socialpsykiatri" unit is not psykiatrien.
 */
export function sectorsOf(type: string, organisationName: string): string[] {
	const name = tokenize(organisationName)
		.map((t) => t.key)
		.join(' ');
	const out = [type];
	if (/psykiatri/.test(name)) {
		out.push('psykiatri');
		if (/\b(born|ungdom|unge)/.test(name)) out.push('bornepsykiatri');
	}
	if (/hospital|sygehus/.test(name)) out.push('hospital');
	return out;
}

/** Concept tags found in a text (a unit or event title): for documents without tags of their own. */
export function tagsFromText(thesaurus: Thesaurus, text: string): Partial<Record<ConceptKind, string[]>> {
	return conceptsInText(thesaurus, text, (t) => parseQuery(t, thesaurus));
}

/**
 * staleFromMs per person formats Copenhagen dates up to five times (Intl): ~10 % of a rebuild at 100,000 people
 * (issue 13 profile). It depends only on the confirmation date and the interval, and dates repeat (a few hundred
 * days a year), so it is remembered per (date, priority). Only date-only values: a timestamp rarely repeats.
 */
const staleCache = new Map<string, number>();
function staleFromCached(p: PersonRecord): number {
	const base = p.verifiedAt ?? p.createdAt;
	if (base.length !== 10) return staleFromMs(p);
	const key = `${isPriority(p) ? 1 : 0}${base}`;
	let ms = staleCache.get(key);
	if (ms === undefined) {
		if (staleCache.size > 20_000) staleCache.clear();
		staleCache.set(key, (ms = staleFromMs(p)));
	}
	return ms;
}

/** sectorsOf tokenizes the organisation's name; a rebuild asks it once per person for a few dozen names. */
const sectorCache = new Map<string, string[]>();
function sectorsOfCached(type: string, organisationName: string): string[] {
	const key = `${type}|${organisationName}`;
	let sectors = sectorCache.get(key);
	if (!sectors) {
		if (sectorCache.size > 5_000) sectorCache.clear();
		sectorCache.set(key, (sectors = sectorsOf(type, organisationName)));
	}
	return [...sectors];
}

/**
 * A person's concept tags. Two plain literals rather than `{ ...(code && { municipality }), … }`: V8 builds the
 * spread form through a slow path, ~12 µs a person — more than the rest of the document (issue 13 profile).
 */
function personTags(p: PersonRecord): Partial<Record<ConceptKind, string[]>> {
	const sector = sectorsOfCached(p.organisationType, p.organisationName);
	const organisation = [p.organisationSlug];
	const unit = [`${p.organisationSlug}/${p.unitSlug}`];
	return p.municipalityCode
		? { municipality: [p.municipalityCode], topic: p.topics, role: p.roles, age_group: p.ageGroups, sector, organisation, unit }
		: { topic: p.topics, role: p.roles, age_group: p.ageGroups, sector, organisation, unit };
}

const personSubtitle = (title: string, unitName: string, organisationName: string) => [title, unitName, organisationName].filter(Boolean).join(', ');
const personUrl = (ref: string) => `/personer/${encodeURIComponent(ref)}`;

/** Lists in a person record: slugs and codes, which never hold a control character. */
const LIST = '\u001f';
const joined = (list: string[]) => list.join(LIST);
const split = (list: string) => (list ? list.split(LIST) : []);

/**
 * A person's record in the index: one JSON array, its repeated texts (title, unit, organisation, tag lists,
 * visibilities, opening hours) as numbers into the index's string table; title, subtitle, URL and tags are put
 * back together from the card on decode. Three times faster to write than the generic record, and a third of its
 * size (issue 13: the generic one was a fifth of a rebuild at 100,000 people).
 */
export const personRecordCodec: RecordCodec = {
	encode(doc, strings) {
		const c = doc.data as PersonCard;
		const tags = doc.tags!;
		const i = (s: string) => strings.intern(s);
		const maybe = (s: string | null) => (s === null ? -1 : strings.intern(s));
		return JSON.stringify([
			c.ref, c.name, i(c.title), i(c.unitName), i(c.organisationName), i(c.organisationType), maybe(c.municipalityName), c.keyPerson ? 1 : 0,
			i(joined(c.roles)), i(joined(c.topics)), i(joined(c.ageGroups)), c.phone, c.mobile, c.email, i(c.phoneVisibility), i(c.mobileVisibility), i(c.emailVisibility),
			c.verifiedAt, i(c.status), c.deputyId, c.awayFrom, c.awayUntil, i(c.hours), maybe(c.hoursSchedule),
			tags.municipality ? i(joined(tags.municipality)) : -1, i(joined(tags.sector!)), i(joined(tags.organisation!)), i(joined(tags.unit!)),
			doc.weakTags ? i(joined(doc.weakTags.municipality!)) : -1,
		]);
	},
	decode(record, strings) {
		const r = JSON.parse(record) as Array<string | number | null>;
		const s = (k: number) => strings.string(r[k] as number);
		const maybe = (k: number) => (r[k] === -1 ? null : s(k));
		const card: PersonCard = {
			ref: r[0] as string,
			name: r[1] as string,
			title: s(2),
			unitName: s(3),
			organisationName: s(4),
			organisationType: s(5),
			municipalityName: maybe(6),
			keyPerson: r[7] === 1,
			roles: split(s(8)),
			topics: split(s(9)),
			ageGroups: split(s(10)),
			phone: r[11] as string | null,
			mobile: r[12] as string | null,
			email: r[13] as string | null,
			phoneVisibility: s(14) as Visibility,
			mobileVisibility: s(15) as Visibility,
			emailVisibility: s(16) as Visibility,
			verifiedAt: r[17] as string | null,
			status: s(18),
			deputyId: r[19] as number | null,
			awayFrom: r[20] as string | null,
			awayUntil: r[21] as string | null,
			hours: s(22),
			hoursSchedule: maybe(23),
		};
		// In personTags' key order.
		const common = { topic: card.topics, role: card.roles, age_group: card.ageGroups, sector: split(s(25)), organisation: split(s(26)), unit: split(s(27)) };
		const tags = r[24] === -1 ? common : { municipality: split(s(24)), ...common };
		const weakTags = r[28] === -1 ? undefined : { municipality: split(s(28)) };
		return [card.name, personSubtitle(card.title, card.unitName, card.organisationName), personUrl(card.ref), card.status, card.verifiedAt, tags, weakTags, card];
	},
};

export function personDocument(p: PersonRecord): SearchDocument {
	const name = `${p.firstName} ${p.lastName}`.trim();
	const digits = [p.phone, p.mobile].filter(Boolean).map((n) => n!.replace(/\D/g, '').slice(-8));
	const card: PersonCard = {
		ref: p.ref,
		name,
		title: p.title,
		unitName: p.unitName,
		organisationName: p.organisationName,
		organisationType: p.organisationType,
		municipalityName: p.municipalityName,
		keyPerson: p.keyPerson,
		roles: p.roles,
		topics: p.topics,
		ageGroups: p.ageGroups,
		phone: p.phone,
		mobile: p.mobile,
		email: p.email,
		phoneVisibility: p.phoneVisibility,
		mobileVisibility: p.mobileVisibility,
		emailVisibility: p.emailVisibility,
		verifiedAt: p.verifiedAt,
		status: p.status,
		deputyId: p.deputyId,
		awayFrom: p.awayFrom,
		awayUntil: p.awayUntil,
		hours: p.hours,
		hoursSchedule: p.hoursSchedule,
	};
	const weakMunicipalities = [...p.servedMunicipalities, ...(p.organisationMunicipalityCode ? [p.organisationMunicipalityCode] : [])].filter((c) => c !== p.municipalityCode);
	return {
		type: 'person',
		ref: p.ref,
		title: name,
		subtitle: personSubtitle(p.title, p.unitName, p.organisationName),
		url: personUrl(p.ref),
		status: p.status,
		verifiedAt: p.verifiedAt,
		staleFromMs: staleFromCached(p),
		text: [
			{ text: p.firstName, weight: 1, name: true },
			{ text: p.lastName, weight: 1, name: true },
			{ text: p.title, weight: 0.8 },
			{ text: [p.unitName, ...p.unitAliases].join(' '), weight: 0.7 },
			{ text: p.organisationName, weight: 0.6 },
			{ text: p.municipalityName ?? '', weight: 0.5 },
			{ text: p.note, weight: 0.3 },
			{ text: digits.join(' '), weight: 0.9 },
			{ text: p.ref, weight: 1 },
		],
		tags: personTags(p),
		weakTags: weakMunicipalities.length ? { municipality: [...new Set(weakMunicipalities)] } : undefined,
		boost: p.keyPerson ? 0.5 : 0,
		entityId: p.id,
		successorEntityId: p.successorId,
		data: card,
		codec: personRecordCodec,
	};
}

export function unitDocument(u: UnitRecord, thesaurus: Thesaurus, municipalityNames: Map<string, string>): SearchDocument {
	const inText = tagsFromText(thesaurus, `${u.name} ${u.organisationName}`);
	const isKommune = u.organisationType === 'kommune';
	return {
		type: 'unit',
		ref: `${u.organisationSlug}/${u.slug}`,
		title: u.name,
		subtitle: `${u.organisationName}${u.people ? ` · ${u.people} ${u.people === 1 ? 'person' : 'personer'}` : ''}`,
		url: `/organisationer/${u.organisationSlug}/${u.slug}`,
		text: [
			{ text: [u.name, ...u.aliases].join(' '), weight: 1 },
			{ text: u.organisationName, weight: 0.7 },
			{ text: u.municipalityCodes.map((c) => municipalityNames.get(c) ?? '').join(' '), weight: 0.4 },
			{ text: u.description, weight: 0.3 },
		],
		tags: {
			...inText,
			sector: sectorsOf(u.organisationType, u.organisationName),
			municipality: isKommune ? u.municipalityCodes : [],
			organisation: [u.organisationSlug],
			unit: [`${u.organisationSlug}/${u.slug}`],
		},
		weakTags: isKommune ? undefined : { municipality: u.municipalityCodes },
		entityId: u.id,
	};
}

export function organisationDocument(o: OrganisationRecord, thesaurus: Thesaurus): SearchDocument {
	return {
		type: 'organisation',
		ref: o.slug,
		title: o.name,
		subtitle: [SECTOR_LABEL[o.type] ?? o.type, o.municipalityName].filter(Boolean).join(' · '),
		url: `/organisationer/${o.slug}`,
		text: [
			{ text: o.name, weight: 1 },
			{ text: o.municipalityName ?? '', weight: 0.5 },
			{ text: o.description, weight: 0.3 },
		],
		tags: { ...tagsFromText(thesaurus, o.name), sector: sectorsOf(o.type, o.name), municipality: o.municipalityCode ? [o.municipalityCode] : [], organisation: [o.slug] },
		entityId: o.id,
	};
}

export function registerBuiltInSources(): void {
	registerSearchSource({
		type: 'person',
		async load(db: Db, _thesaurus: Thesaurus, pace?: () => Promise<void>, emit?: (doc: SearchDocument) => void) {
			// Page by page, so a rebuild at 100,000 people yields to requests in between; each document goes
			// straight into the index (no array of 100,000 documents for the garbage collector to trace).
			const context = await loadPeopleContext(db);
			const docs: SearchDocument[] = [];
			const put = emit ?? ((doc: SearchDocument) => docs.push(doc));
			for await (const page of loadPeoplePages(db, PEOPLE_PAGE, context)) {
				await pace?.();
				for (let i = 0; i < page.length; i++) {
					put(personDocument(page[i]));
					if ((i & 63) === 63) await pace?.();
				}
				await pace?.();
			}
			return docs;
		},
	});
	registerSearchSource({
		type: 'unit',
		async load(db: Db, thesaurus: Thesaurus, pace?: () => Promise<void>) {
			const municipalityNames = new Map((await loadThesaurusRows(db)).municipalities.map((m) => [m.code, m.name]));
			const docs: SearchDocument[] = [];
			for (const u of await loadUnits(db)) {
				await pace?.();
				docs.push(unitDocument(u, thesaurus, municipalityNames));
			}
			return docs;
		},
	});
	registerSearchSource({
		type: 'organisation',
		async load(db: Db, thesaurus: Thesaurus) {
			return (await loadOrganisations(db)).map((o) => organisationDocument(o, thesaurus));
		},
	});
	registerSearchSource({
		type: 'topic',
		async load(db: Db) {
			return (await loadThesaurusRows(db)).topics.map((t) => ({
				type: 'topic',
				ref: t.slug,
				title: t.label,
				subtitle: 'Emne',
				url: `/emner/${t.slug}`,
				text: [
					{ text: t.label, weight: 1 },
					{ text: t.synonyms.join(' '), weight: 0.5 },
				],
				tags: { topic: [t.slug] },
			}));
		},
	});
}

import type { OrganisationType, PersonStatus, Visibility } from '@db/schema';

export interface Person {
	id: number;
	ref: string;
	firstName: string;
	lastName: string;
	name: string;
	title: string;
	unitId: number;
	unitName: string;
	unitSlug: string;
	organisationId: number;
	organisationName: string;
	organisationSlug: string;
	organisationType: OrganisationType;
	municipalityCode: string | null;
	municipalityName: string | null;
	phone: string | null;
	mobile: string | null;
	email: string | null;
	hours: string;
	/** Structured hours as stored (JSON Schedule), or null: the text is read on load (hours.availability scheduleOf). */
	hoursSchedule: string | null;
	note: string;
	keyPerson: boolean;
	status: PersonStatus;
	successorId: number | null;
	deputyId: number | null;
	awayFrom: string | null;
	awayUntil: string | null;
	leftAt: string | null;
	phoneVisibility: Visibility;
	mobileVisibility: Visibility;
	emailVisibility: Visibility;
	verifiedAt: string | null;
	needsAttention: string | null;
	createdAt: string;
	updatedAt: string;
	topics: string[];
	roles: string[];
	ageGroups: string[];
}

/** A person reduced to a link: for successor, deputy and "overtaget fra". */
export interface PersonLink {
	id: number;
	ref: string;
	name: string;
	title: string;
	status: PersonStatus;
	unitName: string;
	organisationName: string;
}

export interface Organisation {
	id: number;
	slug: string;
	name: string;
	type: OrganisationType;
	municipalityCode: string | null;
	description: string;
	website: string | null;
	phone: string | null;
	email: string | null;
	emailDomains: string[];
}

export interface Unit {
	id: number;
	organisationId: number;
	organisationSlug: string;
	organisationName: string;
	organisationType: OrganisationType;
	slug: string;
	name: string;
	aliases: string[];
	description: string;
	/** Visiting address: street and number. */
	address: string | null;
	postcode: string | null;
	town: string | null;
	/** Municipalities served: the kommune's own, or those listed for a region/volunteer unit. */
	municipalityCodes: string[];
}

export interface UnitContact {
	id: number;
	unitId: number;
	label: string;
	phone: string | null;
	email: string | null;
	hours: string | null;
	/** Structured hours as stored (JSON Schedule), or null. */
	hoursSchedule: string | null;
	note: string;
}

export interface ReferenceItem {
	slug: string;
	label: string;
	description: string;
	synonyms: string[];
}

export interface Municipality {
	code: string;
	name: string;
	slug: string;
	synonyms: string[];
	isMember: boolean;
}

/** Everything a person write may set; tags are slugs. */
export interface PersonInput {
	ref: string;
	firstName: string;
	lastName: string;
	title: string;
	unitId: number;
	municipalityCode: string | null;
	phone: string | null;
	mobile: string | null;
	email: string | null;
	hours: string;
	note: string;
	keyPerson: boolean;
	status: PersonStatus;
	successorId: number | null;
	deputyId?: number | null;
	verifiedAt: string | null;
	topics: string[];
	roles: string[];
	ageGroups: string[];
	phoneVisibility?: Visibility;
	mobileVisibility?: Visibility;
	emailVisibility?: Visibility;
	awayFrom?: string | null;
	awayUntil?: string | null;
	/** Structured hours (JSON Schedule, issue 16). Absent: kept, or re-derived when `hours` changes (scheduleAfterTextChange). */
	hoursSchedule?: string | null;
}

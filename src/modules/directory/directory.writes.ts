/**
 * The one path for changing directory data. Every function here writes the change and its audit entry
 * in the caller's transaction, so a change without history cannot happen.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, OrganisationType, PersonUpdate } from '@db/schema';
import { nowIso } from '@/lib/dates';
import { slugify } from '@/lib/text';
import { diff, insertAuditEntry, type Actor, type Changes } from '@/modules/audit/audit.repository';
import type { PersonInput } from './directory.types';
import { DEFAULT_VISIBILITY } from './directory.rules';
import { scheduleAfterTextChange } from '@/modules/hours/hours.parse';

type Executor = Kysely<Database> | Transaction<Database>;

export type WriteOutcome = { id: number; action: 'created' | 'updated' | 'unchanged'; changes: Changes };

// ---------- organisations ----------

export interface OrganisationInput {
	name: string;
	type: OrganisationType;
	municipalityCode: string | null;
	description?: string;
	website?: string | null;
	phone?: string | null;
	email?: string | null;
	emailDomains?: string[];
}

async function uniqueSlug(db: Executor, table: 'organisation', base: string): Promise<string> {
	let slug = base || 'organisation';
	for (let n = 2; await db.selectFrom(table).select('id').where('slug', '=', slug).executeTakeFirst(); n++) slug = `${base}-${n}`;
	return slug;
}

export async function saveOrganisation(db: Executor, actor: Actor, input: OrganisationInput, id?: number): Promise<WriteOutcome> {
	const now = nowIso();
	const record = {
		name: input.name,
		type: input.type,
		municipality_code: input.municipalityCode,
		...(input.description !== undefined && { description: input.description }),
		...(input.website !== undefined && { website: input.website }),
		...(input.phone !== undefined && { phone: input.phone }),
		...(input.email !== undefined && { email: input.email }),
		...(input.emailDomains !== undefined && { email_domains: JSON.stringify(input.emailDomains) }),
	};
	if (id === undefined) {
		const slug = await uniqueSlug(db, 'organisation', slugify(input.name));
		const row = await db.insertInto('organisation').values({ ...record, slug, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
		const changes = diff(null, record);
		await insertAuditEntry(db, { actor, entityType: 'organisation', entityId: row.id, entityLabel: input.name, action: 'create', changes, at: now });
		return { id: row.id, action: 'created', changes };
	}
	const before = await db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	const changes = diff(before as Record<string, unknown>, record);
	if (Object.keys(changes).length === 0) return { id, action: 'unchanged', changes };
	await db.updateTable('organisation').set({ ...record, updated_at: now }).where('id', '=', id).execute();
	await insertAuditEntry(db, { actor, entityType: 'organisation', entityId: id, entityLabel: input.name, action: 'update', changes, at: now });
	return { id, action: 'updated', changes };
}

// ---------- units ----------

export interface UnitInput {
	organisationId: number;
	name: string;
	aliases?: string[];
	description?: string;
	/** Visiting address: street and number; postcode and town apart (a map link is built from the three). */
	address?: string | null;
	postcode?: string | null;
	town?: string | null;
	/** Municipalities served, for region and volunteer units. */
	municipalityCodes?: string[];
}

export async function saveUnit(db: Executor, actor: Actor, input: UnitInput, id?: number): Promise<WriteOutcome> {
	const now = nowIso();
	const record = {
		organisation_id: input.organisationId,
		name: input.name,
		...(input.aliases !== undefined && { aliases: JSON.stringify(input.aliases) }),
		...(input.description !== undefined && { description: input.description }),
		...(input.address !== undefined && { address: input.address }),
		...(input.postcode !== undefined && { postcode: input.postcode }),
		...(input.town !== undefined && { town: input.town }),
	};
	let outcome: WriteOutcome;
	if (id === undefined) {
		let slug = slugify(input.name) || 'enhed';
		for (let n = 2; await db.selectFrom('unit').select('id').where('organisation_id', '=', input.organisationId).where('slug', '=', slug).executeTakeFirst(); n++)
			slug = `${slugify(input.name)}-${n}`;
		const row = await db.insertInto('unit').values({ ...record, slug, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
		outcome = { id: row.id, action: 'created', changes: diff(null, record) };
	} else {
		const before = await db.selectFrom('unit').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		const changes = diff(before as Record<string, unknown>, record);
		if (Object.keys(changes).length > 0) await db.updateTable('unit').set({ ...record, updated_at: now }).where('id', '=', id).execute();
		outcome = { id, action: Object.keys(changes).length ? 'updated' : 'unchanged', changes };
	}
	if (input.municipalityCodes !== undefined) {
		const current = (await db.selectFrom('unit_municipality').select('municipality_code').where('unit_id', '=', outcome.id).execute()).map((r) => r.municipality_code);
		const served = diff({ municipalities: current }, { municipalities: input.municipalityCodes });
		if (Object.keys(served).length) {
			await db.deleteFrom('unit_municipality').where('unit_id', '=', outcome.id).execute();
			if (input.municipalityCodes.length)
				await db.insertInto('unit_municipality').values(input.municipalityCodes.map((code) => ({ unit_id: outcome.id, municipality_code: code }))).execute();
			Object.assign(outcome.changes, served);
			if (outcome.action === 'unchanged') outcome.action = 'updated';
		}
	}
	if (outcome.action !== 'unchanged')
		await insertAuditEntry(db, { actor, entityType: 'unit', entityId: outcome.id, entityLabel: input.name, action: outcome.action === 'created' ? 'create' : 'update', changes: outcome.changes, at: now });
	return outcome;
}

export interface UnitContactInput {
	unitId: number;
	label: string;
	phone: string | null;
	email: string | null;
	hours: string | null;
	note?: string;
	/** Structured hours (JSON Schedule); when absent the text in `hours` is read on load. */
	hoursSchedule?: string | null;
	/** An after-hours line (døgnvagt/socialvagt, psychiatric emergency) and what it takes. */
	afterHours?: boolean;
	takes?: string;
}

export async function saveUnitContact(db: Executor, actor: Actor, input: UnitContactInput, id?: number): Promise<WriteOutcome> {
	const now = nowIso();
	const record = {
		unit_id: input.unitId,
		label: input.label,
		phone: input.phone,
		email: input.email,
		hours: input.hours,
		note: input.note ?? '',
		...(input.hoursSchedule !== undefined && { hours_schedule: input.hoursSchedule }),
		...(input.afterHours !== undefined && { after_hours: input.afterHours ? 1 : 0 }),
		...(input.takes !== undefined && { takes: input.takes }),
	};
	if (id === undefined) {
		const row = await db.insertInto('unit_contact').values({ ...record, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
		const changes = diff(null, record);
		await insertAuditEntry(db, { actor, entityType: 'unit_contact', entityId: row.id, entityLabel: input.label, action: 'create', changes, at: now });
		return { id: row.id, action: 'created', changes };
	}
	const before = await db.selectFrom('unit_contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	// New text without a schedule: the text wins (scheduleAfterTextChange), so the two never disagree.
	if (input.hoursSchedule === undefined && (before.hours ?? '') !== (input.hours ?? '')) Object.assign(record, { hours_schedule: scheduleAfterTextChange(before.hours_schedule, input.hours) });
	const changes = diff(before as Record<string, unknown>, record);
	if (!Object.keys(changes).length) return { id, action: 'unchanged', changes };
	await db.updateTable('unit_contact').set({ ...record, updated_at: now }).where('id', '=', id).execute();
	await insertAuditEntry(db, { actor, entityType: 'unit_contact', entityId: id, entityLabel: input.label, action: 'update', changes, at: now });
	return { id, action: 'updated', changes };
}

/** Removes a team phone or shared mailbox; the audit entry keeps what it was. */
export async function deleteUnitContact(db: Executor, actor: Actor, id: number): Promise<WriteOutcome> {
	const before = await db.selectFrom('unit_contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
	const { id: _id, created_at: _c, updated_at: _u, ...record } = before;
	const changes = diff(record as Record<string, unknown>, Object.fromEntries(Object.keys(record).map((k) => [k, null])));
	await db.deleteFrom('unit_contact').where('id', '=', id).execute();
	await insertAuditEntry(db, { actor, entityType: 'unit_contact', entityId: id, entityLabel: before.label, action: 'delete', changes });
	return { id, action: 'updated', changes };
}

// ---------- people ----------

/** The person's columns as stored, from an input (tags handled separately). */
function personColumns(input: PersonInput) {
	return {
		ref: input.ref,
		first_name: input.firstName,
		last_name: input.lastName,
		title: input.title,
		unit_id: input.unitId,
		municipality_code: input.municipalityCode,
		phone: input.phone,
		mobile: input.mobile,
		email: input.email,
		hours: input.hours,
		note: input.note,
		key_person: input.keyPerson ? 1 : 0,
		status: input.status,
		successor_id: input.successorId,
		verified_at: input.verifiedAt,
		...(input.deputyId !== undefined && { deputy_id: input.deputyId }),
		...(input.phoneVisibility !== undefined && { phone_visibility: input.phoneVisibility }),
		...(input.mobileVisibility !== undefined && { mobile_visibility: input.mobileVisibility }),
		...(input.emailVisibility !== undefined && { email_visibility: input.emailVisibility }),
		...(input.awayFrom !== undefined && { away_from: input.awayFrom }),
		...(input.awayUntil !== undefined && { away_until: input.awayUntil }),
		...(input.hoursSchedule !== undefined && { hours_schedule: input.hoursSchedule }),
	};
}

async function currentTags(db: Executor, personId: number) {
	const [topics, roles, ageGroups] = await Promise.all([
		db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', personId).execute(),
		db.selectFrom('person_role').select('role_slug').where('person_id', '=', personId).execute(),
		db.selectFrom('person_age_group').select('age_group_slug').where('person_id', '=', personId).execute(),
	]);
	return { topics: topics.map((t) => t.topic_slug), roles: roles.map((t) => t.role_slug), age_groups: ageGroups.map((t) => t.age_group_slug) };
}

async function writeTags(db: Executor, personId: number, changes: Changes, input: PersonInput) {
	if (changes.topics) {
		await db.deleteFrom('person_topic').where('person_id', '=', personId).execute();
		if (input.topics.length) await db.insertInto('person_topic').values([...new Set(input.topics)].map((topic_slug) => ({ person_id: personId, topic_slug }))).execute();
	}
	if (changes.roles) {
		await db.deleteFrom('person_role').where('person_id', '=', personId).execute();
		if (input.roles.length) await db.insertInto('person_role').values([...new Set(input.roles)].map((role_slug) => ({ person_id: personId, role_slug }))).execute();
	}
	if (changes.age_groups) {
		await db.deleteFrom('person_age_group').where('person_id', '=', personId).execute();
		if (input.ageGroups.length)
			await db.insertInto('person_age_group').values([...new Set(input.ageGroups)].map((age_group_slug) => ({ person_id: personId, age_group_slug }))).execute();
	}
}

/**
 * Creates or updates a person (by `id` when given, else by `ref`) and records what changed.
 * `left_at` is stamped the moment status turns to `left`.
 */
export async function savePerson(db: Executor, actor: Actor, input: PersonInput, id?: number, opts: { now?: Date } = {}): Promise<WriteOutcome> {
	// `now` lets a scheduled job stamp the day it acts for (and tests use a fake clock).
	const now = opts.now ? opts.now.toISOString() : nowIso();
	const columns = personColumns(input);
	const tags = { topics: input.topics, roles: input.roles, age_groups: input.ageGroups };
	const label = `${input.firstName} ${input.lastName}`;
	const existing = id !== undefined
		? await db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst()
		: await db.selectFrom('person').selectAll().where('ref', '=', input.ref).executeTakeFirst();

	if (!existing) {
		// A new entry gets the documented visibility defaults unless the input chose (DEFAULT_VISIBILITY).
		const created = { phone_visibility: DEFAULT_VISIBILITY.phone, mobile_visibility: DEFAULT_VISIBILITY.mobile, email_visibility: DEFAULT_VISIBILITY.email, ...columns };
		const row = await db
			.insertInto('person')
			.values({ ...created, left_at: input.status === 'left' ? now : null, created_at: now, updated_at: now })
			.returning('id')
			.executeTakeFirstOrThrow();
		const changes = diff(null, { ...created, ...tags });
		await writeTags(db, row.id, changes, input);
		await insertAuditEntry(db, { actor, entityType: 'person', entityId: row.id, entityLabel: label, action: 'create', changes, at: now });
		return { id: row.id, action: 'created', changes };
	}

	const before = { ...(existing as Record<string, unknown>), ...(await currentTags(db, existing.id)) };
	// New text without a schedule: the text wins (scheduleAfterTextChange), so the two never disagree.
	if (input.hoursSchedule === undefined && existing.hours !== columns.hours) Object.assign(columns, { hours_schedule: scheduleAfterTextChange(existing.hours_schedule, columns.hours) });
	const changes = diff(before, { ...columns, ...tags });
	if (Object.keys(changes).length === 0) return { id: existing.id, action: 'unchanged', changes };
	const leftNow = input.status === 'left' && existing.status !== 'left';
	await db
		.updateTable('person')
		.set({ ...columns, ...(leftNow && { left_at: now }), ...(input.status === 'active' && { left_at: null }), updated_at: now })
		.where('id', '=', existing.id)
		.execute();
	await writeTags(db, existing.id, changes, input);
	await insertAuditEntry(db, { actor, entityType: 'person', entityId: existing.id, entityLabel: label, action: leftNow ? 'left' : 'update', changes, at: now });
	return { id: existing.id, action: 'updated', changes };
}

/**
 * Changes a few person columns (verification, attention flags, deputy, successor links) with an audit entry.
 * Use savePerson for whole-entry edits.
 */
export async function patchPerson(
	db: Executor,
	actor: Actor,
	personId: number,
	patch: PersonUpdate,
	action = 'update',
	opts: { touchUpdatedAt?: boolean } = { touchUpdatedAt: true },
): Promise<WriteOutcome> {
	const before = await db.selectFrom('person').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
	const changes = diff(before as Record<string, unknown>, patch);
	if (!Object.keys(changes).length) return { id: personId, action: 'unchanged', changes };
	const now = nowIso();
	await db
		.updateTable('person')
		.set({ ...(patch as object), ...(opts.touchUpdatedAt !== false && { updated_at: now }) })
		.where('id', '=', personId)
		.execute();
	await insertAuditEntry(db, { actor, entityType: 'person', entityId: personId, entityLabel: `${before.first_name} ${before.last_name}`, action, changes, at: now });
	return { id: personId, action: 'updated', changes };
}

// ---------- find-or-create (imports and seeding) ----------

/**
 * The organisation with this name, created (audited) when missing. An existing organisation keeps its
 * data; the caller compares `type` if it must.
 */
export async function ensureOrganisation(
	db: Executor,
	actor: Actor,
	input: { name: string; type: OrganisationType; municipalityCode: string | null },
): Promise<{ id: number; created: boolean; type: OrganisationType; municipalityCode: string | null }> {
	const existing = await db.selectFrom('organisation').select(['id', 'type', 'municipality_code']).where('name', '=', input.name).executeTakeFirst();
	if (existing) return { id: existing.id, created: false, type: existing.type, municipalityCode: existing.municipality_code };
	const outcome = await saveOrganisation(db, actor, input);
	return { id: outcome.id, created: true, type: input.type, municipalityCode: input.municipalityCode };
}

/** The unit with this name (or alias) in the organisation, created (audited) when missing. */
export async function ensureUnit(db: Executor, actor: Actor, organisationId: number, name: string): Promise<{ id: number; created: boolean }> {
	const units = await db.selectFrom('unit').select(['id', 'name', 'aliases']).where('organisation_id', '=', organisationId).execute();
	const wanted = name.trim().toLowerCase();
	const match =
		units.find((u) => u.name.toLowerCase() === wanted) ??
		units.find((u) => (JSON.parse(u.aliases || '[]') as string[]).some((a) => a.toLowerCase() === wanted));
	if (match) return { id: match.id, created: false };
	const outcome = await saveUnit(db, actor, { organisationId, name: name.trim() });
	return { id: outcome.id, created: true };
}

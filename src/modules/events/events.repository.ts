/**
 * Reads of theme days and registrations (and the one insert a registration starts with), asynchronous on either engine. Every function takes a Kysely handle
 * or a transaction, so the same reads serve pages and the seat writes inside serialisedWrite()
 * (events.registrations.ts), where they see the transaction's own uncommitted rows.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, EventRegistrationTable, RegistrationStatus } from '@db/schema';
import type { ProgrammeItem, Registration, ThemeDay } from './events.types';
import { defaultRegistrationDeadline } from './events.rules';

export const NETWORK_NAME = 'Netværket';

/** A handle or an open transaction (seat writes read under their own lock). */
export type Conn = Kysely<Database> | Transaction<Database>;

const SEAT_STATUSES = ['confirmed', 'attended', 'no_show'] as const;

const EVENT_SELECT = sql`SELECT e.*, o.name AS organisation_name,
	(SELECT count(*) FROM event_registration x WHERE x.event_id = e.id AND x.status IN ('confirmed','attended','no_show')) AS seats_taken,
	(SELECT count(*) FROM event_registration x WHERE x.event_id = e.id AND x.status = 'waitlisted') AS waitlist_count
	FROM event e LEFT JOIN organisation o ON o.id = e.organisation_id`;

function toEvent(row: any, topics: { slug: string; label: string }[]): ThemeDay {
	return {
		id: Number(row.id),
		slug: row.slug,
		title: row.title,
		summary: row.summary,
		description: row.description,
		startsAt: row.starts_at,
		endsAt: row.ends_at,
		placeName: row.place_name,
		placeAddress: row.place_address,
		onlineUrl: row.online_url,
		organisationId: row.organisation_id === null ? null : Number(row.organisation_id),
		organiserName: row.organisation_name ?? NETWORK_NAME,
		organiserEmail: row.organiser_email,
		targetGroup: row.target_group,
		priceText: row.price_text,
		capacity: Number(row.capacity),
		registrationDeadline: row.registration_deadline ? (row.registration_deadline < row.starts_at ? row.registration_deadline : row.starts_at) : defaultRegistrationDeadline(row.starts_at, row.created_at),
		deadlineSet: !!row.registration_deadline,
		promotionCutoffHours: Number(row.promotion_cutoff_hours),
		status: row.status,
		sequence: Number(row.sequence),
		materials: row.materials,
		hours: Number(row.hours),
		copiedFromId: row.copied_from_id === null ? null : Number(row.copied_from_id),
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		cancelledAt: row.cancelled_at,
		topics,
		seatsTaken: Number(row.seats_taken ?? 0),
		waitlistCount: Number(row.waitlist_count ?? 0),
	};
}

/** Event rows with their topics: one topic query for the whole list, not one per event. */
async function withTopics(c: Conn, rows: any[]): Promise<ThemeDay[]> {
	if (!rows.length) return [];
	const ids = rows.map((row) => Number(row.id));
	const topicRows = await sql<{ event_id: number; slug: string; label: string }>`SELECT et.event_id, t.slug, t.label FROM event_topic et JOIN topic t ON t.slug = et.topic_slug
		WHERE et.event_id IN (${sql.join(ids)}) ORDER BY t.sort, t.label`.execute(c);
	const byEvent = new Map<number, { slug: string; label: string }[]>();
	for (const t of topicRows.rows) {
		const list = byEvent.get(Number(t.event_id)) ?? [];
		list.push({ slug: t.slug, label: t.label });
		byEvent.set(Number(t.event_id), list);
	}
	return rows.map((row) => toEvent(row, byEvent.get(Number(row.id)) ?? []));
}

/** `topics: false` skips the topic query (a registration form's read: mails and calendar files don't show topics). */
export async function findEventBySlug(c: Conn, slug: string, opts: { topics?: boolean } = {}): Promise<ThemeDay | undefined> {
	const { rows } = await sql`${EVENT_SELECT} WHERE e.slug = ${slug}`.execute(c);
	if (opts.topics === false) return rows[0] ? toEvent(rows[0], []) : undefined;
	return (await withTopics(c, rows))[0];
}

/** `topics: false` skips the topic query (seat writes: mails and calendar files don't show topics). */
export async function findEventById(c: Conn, id: number, opts: { topics?: boolean } = {}): Promise<ThemeDay | undefined> {
	const { rows } = await sql`${EVENT_SELECT} WHERE e.id = ${id}`.execute(c);
	if (opts.topics === false) return rows[0] ? toEvent(rows[0], []) : undefined;
	return (await withTopics(c, rows))[0];
}

export async function getEventById(c: Conn, id: number): Promise<ThemeDay> {
	const event = await findEventById(c, id);
	if (!event) throw new Error(`No theme day ${id}`);
	return event;
}

export interface EventFilter {
	/** Only events ending at/after this instant (upcoming) … */
	endsAfter?: string;
	/** … or only events that ended before it (archive). */
	endedBefore?: string;
	/** Events starting in [from, to). */
	from?: string;
	to?: string;
	topic?: string;
	/** An organisation id, or 'netvaerk' for the network's own. */
	organiser?: number | 'netvaerk';
	/** Default: published and cancelled (cancelled ones stay visible, marked). */
	statuses?: ThemeDay['status'][];
	/** Only these ids (what an organiser may manage). */
	ids?: number[];
	order?: 'asc' | 'desc';
	limit?: number;
}

export async function listEvents(c: Conn, filter: EventFilter = {}): Promise<ThemeDay[]> {
	const statuses = filter.statuses ?? ['published', 'cancelled'];
	const where = [sql`e.status IN (${sql.join(statuses)})`];
	if (filter.endsAfter) where.push(sql`e.ends_at >= ${filter.endsAfter}`);
	if (filter.endedBefore) where.push(sql`e.ends_at < ${filter.endedBefore}`);
	if (filter.from) where.push(sql`e.starts_at >= ${filter.from}`);
	if (filter.to) where.push(sql`e.starts_at < ${filter.to}`);
	if (filter.topic) where.push(sql`EXISTS (SELECT 1 FROM event_topic et WHERE et.event_id = e.id AND et.topic_slug = ${filter.topic})`);
	if (filter.organiser === 'netvaerk') where.push(sql`e.organisation_id IS NULL`);
	else if (typeof filter.organiser === 'number')
		where.push(sql`(e.organisation_id = ${filter.organiser} OR EXISTS (SELECT 1 FROM event_organiser eo WHERE eo.event_id = e.id AND eo.organisation_id = ${filter.organiser}))`);
	if (filter.ids) {
		if (!filter.ids.length) return [];
		where.push(sql`e.id IN (${sql.join(filter.ids)})`);
	}
	const order = filter.order === 'desc' ? sql`DESC` : sql`ASC`;
	const { rows } = await sql`${EVENT_SELECT} WHERE ${sql.join(where, sql` AND `)} ORDER BY e.starts_at ${order}, e.id LIMIT ${filter.limit ?? 500}`.execute(c);
	return withTopics(c, rows);
}

/** Organisers (organisation id + name) who may run a theme day: its organising organisation and co-organisers. */
export async function listEventOrganisers(c: Conn, eventId: number): Promise<{ id: number; name: string }[]> {
	const { rows } = await sql<{ id: number; name: string }>`SELECT o.id, o.name FROM event_organiser eo JOIN organisation o ON o.id = eo.organisation_id WHERE eo.event_id = ${eventId} ORDER BY o.name`.execute(c);
	return rows.map((row) => ({ id: Number(row.id), name: row.name }));
}

/** Ids of the events an organisation may manage (its own and those it was given rights to). */
export async function eventIdsForOrganisations(c: Conn, organisationIds: number[]): Promise<number[]> {
	if (!organisationIds.length) return [];
	const ids = sql.join(organisationIds);
	const { rows } = await sql<{ id: number }>`SELECT id FROM event WHERE organisation_id IN (${ids}) UNION SELECT event_id FROM event_organiser WHERE organisation_id IN (${ids})`.execute(c);
	return rows.map((row) => Number(row.id));
}

export async function listProgramme(c: Conn, eventId: number): Promise<ProgrammeItem[]> {
	const rows = await c.selectFrom('event_programme_item').selectAll().where('event_id', '=', eventId).orderBy('start_time').orderBy('id').execute();
	return rows.map((row) => ({
		id: Number(row.id),
		startTime: row.start_time,
		endTime: row.end_time,
		title: row.title,
		speakerName: row.speaker_name,
		speakerAffiliation: row.speaker_affiliation,
	}));
}

export function toRegistration(row: any): Registration {
	return {
		id: Number(row.id),
		eventId: Number(row.event_id),
		userId: row.user_id === null ? null : Number(row.user_id),
		name: row.name,
		email: row.email,
		organisation: row.organisation,
		jobTitle: row.job_title,
		dietaryNeeds: row.dietary_needs,
		accessibilityNeeds: row.accessibility_needs,
		question: row.question,
		status: row.status,
		queuedAt: row.queued_at,
		queueSeq: row.queue_seq === null ? null : Number(row.queue_seq),
		emailConfirmedAt: row.email_confirmed_at,
		promotedAt: row.promoted_at,
		checkedInAt: row.checked_in_at,
		cancelledAt: row.cancelled_at,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export async function findRegistrationById(c: Conn, id: number): Promise<Registration | undefined> {
	const row = await c.selectFrom('event_registration').selectAll().where('id', '=', id).executeTakeFirst();
	return row ? toRegistration(row) : undefined;
}

/**
 * Inserts a registration unless the theme day already has one with its e-mail address (the unique index on
 * event and lower(email) decides): the new row, or undefined. One statement for the usual case of a new
 * registration, instead of a lookup and an insert (call inside the seat transaction).
 */
export async function insertRegistrationUnlessExists(c: Conn, values: Insertable<EventRegistrationTable>): Promise<Registration | undefined> {
	const row = await c.insertInto('event_registration').values(values).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
	return row ? toRegistration(row) : undefined;
}

/**
 * insertRegistrationUnlessExists(), but only while the theme day is still the version `seen` (same `sequence` —
 * every change of its dates, status or text adds one — and `updated_at`): the new row, or undefined when the
 * address is registered already OR the theme day changed since it was read. Lets a registration read the theme
 * day before its seat lock and only confirm under the lock, in the insert, that nothing changed (one statement,
 * on PostgreSQL one round trip, less while every other registration waits). Values are cast to their columns'
 * types (INSERT … SELECT gives PostgreSQL no column to infer a parameter's type from).
 */
export async function insertRegistrationIfEventUnchanged(
	c: Conn,
	seen: Pick<ThemeDay, 'id' | 'sequence' | 'updatedAt'>,
	values: Omit<Insertable<EventRegistrationTable>, 'event_id' | 'id'> & { name: string; email: string },
): Promise<Registration | undefined> {
	const row: Record<string, unknown> = { event_id: seen.id, ...values };
	const columns = Object.keys(row).filter((k) => row[k] !== undefined);
	const typed = (k: string) => (INTEGER_REGISTRATION_COLUMNS.has(k) ? sql`CAST(${row[k] as number | null} AS INTEGER)` : sql`CAST(${row[k] as string | null} AS TEXT)`);
	const { rows } = await sql`INSERT INTO event_registration (${sql.join(columns.map((k) => sql.ref(k)))})
		SELECT ${sql.join(columns.map(typed))}
		WHERE EXISTS (SELECT 1 FROM event WHERE id = ${seen.id} AND sequence = ${seen.sequence} AND updated_at = ${seen.updatedAt})
		ON CONFLICT DO NOTHING RETURNING *`.execute(c);
	return rows[0] ? toRegistration(rows[0]) : undefined;
}

const INTEGER_REGISTRATION_COLUMNS = new Set(['event_id', 'user_id', 'queue_seq']);

export async function findRegistrationByEmail(c: Conn, eventId: number, email: string): Promise<Registration | undefined> {
	const { rows } = await sql`SELECT * FROM event_registration WHERE event_id = ${eventId} AND lower(email) = lower(${email})`.execute(c);
	return rows[0] ? toRegistration(rows[0]) : undefined;
}

/** Registrations of one theme day with these statuses, by id (mail-outs). */
export async function listRegistrationsWithStatus(c: Conn, eventId: number, statuses: RegistrationStatus[]): Promise<Registration[]> {
	const rows = await c.selectFrom('event_registration').selectAll().where('event_id', '=', eventId).where('status', 'in', statuses).orderBy('id').execute();
	return rows.map(toRegistration);
}

export interface RegistrationFilter {
	status?: RegistrationStatus | 'active';
	/** Part of the name, e-mail or organisation. */
	q?: string;
}

/** Participants in queue order (seat holders first by when they queued, then the waitlist in order). */
export async function listRegistrations(c: Conn, eventId: number, filter: RegistrationFilter = {}): Promise<Registration[]> {
	const where = [sql`event_id = ${eventId}`];
	if (filter.status === 'active') where.push(sql`status IN ('confirmed','waitlisted','attended','no_show')`);
	else if (filter.status) where.push(sql`status = ${filter.status}`);
	if (filter.q?.trim()) {
		const like = `%${filter.q.trim().toLowerCase().replace(/[%_]/g, '')}%`;
		where.push(sql`(lower(name) LIKE ${like} OR lower(email) LIKE ${like} OR lower(organisation) LIKE ${like})`);
	}
	const { rows } = await sql`SELECT * FROM event_registration WHERE ${sql.join(where, sql` AND `)}
		ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'attended' THEN 0 WHEN 'no_show' THEN 0 WHEN 'waitlisted' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END,
		coalesce(queue_seq, 1000000000000), id`.execute(c);
	return rows.map(toRegistration);
}

/** 1-based waitlist position, or null when not waitlisted. */
export async function waitlistPosition(c: Conn, registration: Pick<Registration, 'eventId' | 'status' | 'queueSeq'>): Promise<number | null> {
	if (registration.status !== 'waitlisted' || registration.queueSeq === null) return null;
	const row = await c
		.selectFrom('event_registration')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('event_id', '=', registration.eventId)
		.where('status', '=', 'waitlisted')
		.where('queue_seq', '<', registration.queueSeq)
		.executeTakeFirstOrThrow();
	return Number(row.n) + 1;
}

/** A user's registrations (by account or by the same e-mail), newest theme day first, with their events. */
export async function listRegistrationsForUser(c: Conn, user: { id: number; email: string }): Promise<Array<{ registration: Registration; event: ThemeDay; position: number | null }>> {
	const { rows } = await sql`SELECT * FROM event_registration WHERE user_id = ${user.id} OR lower(email) = lower(${user.email}) ORDER BY created_at DESC`.execute(c);
	const out = [];
	for (const row of rows) {
		const registration = toRegistration(row);
		out.push({ registration, event: await getEventById(c, registration.eventId), position: await waitlistPosition(c, registration) });
	}
	return out.sort((a, b) => b.event.startsAt.localeCompare(a.event.startsAt));
}

export async function countSeats(c: Conn, eventId: number): Promise<{ taken: number; waiting: number }> {
	const { rows } = await sql<{ taken: number | null; waiting: number | null }>`SELECT
		sum(CASE WHEN status IN (${sql.join([...SEAT_STATUSES])}) THEN 1 ELSE 0 END) AS taken,
		sum(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END) AS waiting
		FROM event_registration WHERE event_id = ${eventId}`.execute(c);
	return { taken: Number(rows[0]?.taken ?? 0), waiting: Number(rows[0]?.waiting ?? 0) };
}

export async function slugExists(c: Conn, slug: string, exceptId?: number): Promise<boolean> {
	return !!(await c.selectFrom('event').select('id').where('slug', '=', slug).where('id', '!=', exceptId ?? -1).executeTakeFirst());
}

/** Topics used by theme days (the list's filter). */
export async function listTopicsInUse(c: Conn): Promise<{ slug: string; label: string }[]> {
	const { rows } = await sql<{ slug: string; label: string }>`SELECT DISTINCT t.slug, t.label, t.sort FROM event_topic et JOIN topic t ON t.slug = et.topic_slug JOIN event e ON e.id = et.event_id WHERE e.status != 'draft' ORDER BY t.sort, t.label`.execute(c);
	return rows.map((row) => ({ slug: row.slug, label: row.label }));
}

export async function listOrganisersInUse(c: Conn): Promise<{ id: number; name: string }[]> {
	const { rows } = await sql<{ id: number; name: string }>`SELECT DISTINCT o.id, o.name FROM event e JOIN organisation o ON o.id = e.organisation_id WHERE e.status != 'draft' ORDER BY o.name`.execute(c);
	return rows.map((row) => ({ id: Number(row.id), name: row.name }));
}

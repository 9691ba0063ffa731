/**
 * Reads of theme days and registrations. Synchronous on the better-sqlite3 handle, so the same functions
 * serve pages and the seat writes inside `BEGIN IMMEDIATE` (events.registrations.ts).
 */
import type { Db } from '@db/client';
import type { RegistrationStatus } from '@db/schema';
import { raw, stmt, type Raw } from './events.sync';
import type { ProgrammeItem, Registration, ThemeDay } from './events.types';
import { defaultRegistrationDeadline } from './events.rules';

export const NETWORK_NAME = 'Netværket';

type Conn = Db | Raw;
const r = (c: Conn): Raw => ('prepare' in c ? (c as Raw) : raw(c as Db));

const EVENT_SELECT = `SELECT e.*, o.name AS organisation_name,
	(SELECT count(*) FROM event_registration x WHERE x.event_id = e.id AND x.status IN ('confirmed','attended','no_show')) AS seats_taken,
	(SELECT count(*) FROM event_registration x WHERE x.event_id = e.id AND x.status = 'waitlisted') AS waitlist_count
	FROM event e LEFT JOIN organisation o ON o.id = e.organisation_id`;

function toEvent(c: Raw, row: any): ThemeDay {
	const topics = stmt(c, 'SELECT t.slug, t.label FROM event_topic et JOIN topic t ON t.slug = et.topic_slug WHERE et.event_id = ? ORDER BY t.sort, t.label').all(row.id) as { slug: string; label: string }[];
	return {
		id: row.id,
		slug: row.slug,
		title: row.title,
		summary: row.summary,
		description: row.description,
		startsAt: row.starts_at,
		endsAt: row.ends_at,
		placeName: row.place_name,
		placeAddress: row.place_address,
		onlineUrl: row.online_url,
		organisationId: row.organisation_id,
		organiserName: row.organisation_name ?? NETWORK_NAME,
		organiserEmail: row.organiser_email,
		targetGroup: row.target_group,
		priceText: row.price_text,
		capacity: row.capacity,
		registrationDeadline: row.registration_deadline ? (row.registration_deadline < row.starts_at ? row.registration_deadline : row.starts_at) : defaultRegistrationDeadline(row.starts_at, row.created_at),
		deadlineSet: !!row.registration_deadline,
		promotionCutoffHours: row.promotion_cutoff_hours,
		status: row.status,
		sequence: row.sequence,
		materials: row.materials,
		hours: row.hours,
		copiedFromId: row.copied_from_id,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		cancelledAt: row.cancelled_at,
		topics,
		seatsTaken: Number(row.seats_taken ?? 0),
		waitlistCount: Number(row.waitlist_count ?? 0),
	};
}

export function findEventBySlug(c: Conn, slug: string): ThemeDay | undefined {
	const conn = r(c);
	const row = stmt(conn, `${EVENT_SELECT} WHERE e.slug = ?`).get(slug);
	return row ? toEvent(conn, row) : undefined;
}

export function findEventById(c: Conn, id: number): ThemeDay | undefined {
	const conn = r(c);
	const row = stmt(conn, `${EVENT_SELECT} WHERE e.id = ?`).get(id);
	return row ? toEvent(conn, row) : undefined;
}

export function getEventById(c: Conn, id: number): ThemeDay {
	const event = findEventById(c, id);
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

export function listEvents(c: Conn, filter: EventFilter = {}): ThemeDay[] {
	const conn = r(c);
	const where: string[] = [];
	const params: unknown[] = [];
	const statuses = filter.statuses ?? ['published', 'cancelled'];
	where.push(`e.status IN (${statuses.map(() => '?').join(',')})`);
	params.push(...statuses);
	if (filter.endsAfter) where.push('e.ends_at >= ?'), params.push(filter.endsAfter);
	if (filter.endedBefore) where.push('e.ends_at < ?'), params.push(filter.endedBefore);
	if (filter.from) where.push('e.starts_at >= ?'), params.push(filter.from);
	if (filter.to) where.push('e.starts_at < ?'), params.push(filter.to);
	if (filter.topic) where.push('EXISTS (SELECT 1 FROM event_topic et WHERE et.event_id = e.id AND et.topic_slug = ?)'), params.push(filter.topic);
	if (filter.organiser === 'netvaerk') where.push('e.organisation_id IS NULL');
	else if (typeof filter.organiser === 'number')
		where.push('(e.organisation_id = ? OR EXISTS (SELECT 1 FROM event_organiser eo WHERE eo.event_id = e.id AND eo.organisation_id = ?))'), params.push(filter.organiser, filter.organiser);
	if (filter.ids) {
		if (!filter.ids.length) return [];
		where.push(`e.id IN (${filter.ids.map(() => '?').join(',')})`);
		params.push(...filter.ids);
	}
	const sql = `${EVENT_SELECT} WHERE ${where.join(' AND ')} ORDER BY e.starts_at ${filter.order === 'desc' ? 'DESC' : 'ASC'}, e.id LIMIT ?`;
	params.push(filter.limit ?? 500);
	return (conn.prepare(sql).all(...params) as any[]).map((row) => toEvent(conn, row));
}

/** Organisers (organisation id + name) who may run a theme day: its organising organisation and co-organisers. */
export function listEventOrganisers(c: Conn, eventId: number): { id: number; name: string }[] {
	return stmt(r(c), 'SELECT o.id, o.name FROM event_organiser eo JOIN organisation o ON o.id = eo.organisation_id WHERE eo.event_id = ? ORDER BY o.name').all(eventId) as { id: number; name: string }[];
}

/** Ids of the events an organisation may manage (its own and those it was given rights to). */
export function eventIdsForOrganisations(c: Conn, organisationIds: number[]): number[] {
	if (!organisationIds.length) return [];
	const marks = organisationIds.map(() => '?').join(',');
	return (
		r(c)
			.prepare(`SELECT id FROM event WHERE organisation_id IN (${marks}) UNION SELECT event_id FROM event_organiser WHERE organisation_id IN (${marks})`)
			.all(...organisationIds, ...organisationIds) as { id: number }[]
	).map((row) => row.id);
}

export function listProgramme(c: Conn, eventId: number): ProgrammeItem[] {
	return (stmt(r(c), 'SELECT * FROM event_programme_item WHERE event_id = ? ORDER BY start_time, id').all(eventId) as any[]).map((row) => ({
		id: row.id,
		startTime: row.start_time,
		endTime: row.end_time,
		title: row.title,
		speakerName: row.speaker_name,
		speakerAffiliation: row.speaker_affiliation,
	}));
}

export function toRegistration(row: any): Registration {
	return {
		id: row.id,
		eventId: row.event_id,
		userId: row.user_id,
		name: row.name,
		email: row.email,
		organisation: row.organisation,
		jobTitle: row.job_title,
		dietaryNeeds: row.dietary_needs,
		accessibilityNeeds: row.accessibility_needs,
		question: row.question,
		status: row.status,
		queuedAt: row.queued_at,
		queueSeq: row.queue_seq,
		emailConfirmedAt: row.email_confirmed_at,
		promotedAt: row.promoted_at,
		checkedInAt: row.checked_in_at,
		cancelledAt: row.cancelled_at,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

export function findRegistrationById(c: Conn, id: number): Registration | undefined {
	const row = stmt(r(c), 'SELECT * FROM event_registration WHERE id = ?').get(id);
	return row ? toRegistration(row) : undefined;
}

export function findRegistrationByEmail(c: Conn, eventId: number, email: string): Registration | undefined {
	const row = stmt(r(c), 'SELECT * FROM event_registration WHERE event_id = ? AND lower(email) = lower(?)').get(eventId, email);
	return row ? toRegistration(row) : undefined;
}

export interface RegistrationFilter {
	status?: RegistrationStatus | 'active';
	/** Part of the name, e-mail or organisation. */
	q?: string;
}

/** Participants in queue order (seat holders first by when they queued, then the waitlist in order). */
export function listRegistrations(c: Conn, eventId: number, filter: RegistrationFilter = {}): Registration[] {
	const where = ['event_id = ?'];
	const params: unknown[] = [eventId];
	if (filter.status === 'active') where.push("status IN ('confirmed','waitlisted','attended','no_show')");
	else if (filter.status) where.push('status = ?'), params.push(filter.status);
	if (filter.q?.trim()) {
		const like = `%${filter.q.trim().toLowerCase().replace(/[%_]/g, '')}%`;
		where.push('(lower(name) LIKE ? OR lower(email) LIKE ? OR lower(organisation) LIKE ?)');
		params.push(like, like, like);
	}
	const sql = `SELECT * FROM event_registration WHERE ${where.join(' AND ')}
		ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'attended' THEN 0 WHEN 'no_show' THEN 0 WHEN 'waitlisted' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END,
		coalesce(queue_seq, 1e12), id`;
	return (r(c).prepare(sql).all(...params) as any[]).map(toRegistration);
}

/** 1-based waitlist position, or null when not waitlisted. */
export function waitlistPosition(c: Conn, registration: Pick<Registration, 'eventId' | 'status' | 'queueSeq'>): number | null {
	if (registration.status !== 'waitlisted' || registration.queueSeq === null) return null;
	const row = stmt(r(c), "SELECT count(*) AS n FROM event_registration WHERE event_id = ? AND status = 'waitlisted' AND queue_seq < ?").get(
		registration.eventId,
		registration.queueSeq,
	) as { n: number };
	return row.n + 1;
}

/** A user's registrations (by account or by the same e-mail), newest theme day first, with their events. */
export function listRegistrationsForUser(c: Conn, user: { id: number; email: string }): Array<{ registration: Registration; event: ThemeDay; position: number | null }> {
	const conn = r(c);
	const rows = stmt(conn, 'SELECT * FROM event_registration WHERE user_id = ? OR lower(email) = lower(?) ORDER BY created_at DESC').all(user.id, user.email) as any[];
	return rows
		.map((row) => {
			const registration = toRegistration(row);
			return { registration, event: getEventById(conn, registration.eventId), position: waitlistPosition(conn, registration) };
		})
		.sort((a, b) => b.event.startsAt.localeCompare(a.event.startsAt));
}

export function countSeats(c: Raw, eventId: number): { taken: number; waiting: number } {
	const row = stmt(
		c,
		"SELECT sum(status IN ('confirmed','attended','no_show')) AS taken, sum(status = 'waitlisted') AS waiting FROM event_registration WHERE event_id = ?",
	).get(eventId) as { taken: number | null; waiting: number | null };
	return { taken: Number(row.taken ?? 0), waiting: Number(row.waiting ?? 0) };
}

export function slugExists(c: Conn, slug: string, exceptId?: number): boolean {
	return !!stmt(r(c), 'SELECT 1 FROM event WHERE slug = ? AND id != ?').get(slug, exceptId ?? -1);
}

/** Topics used by theme days (the list's filter). */
export function listTopicsInUse(c: Conn): { slug: string; label: string }[] {
	return stmt(r(c), "SELECT DISTINCT t.slug, t.label, t.sort FROM event_topic et JOIN topic t ON t.slug = et.topic_slug JOIN event e ON e.id = et.event_id WHERE e.status != 'draft' ORDER BY t.sort, t.label").all() as { slug: string; label: string }[];
}

export function listOrganisersInUse(c: Conn): { id: number; name: string }[] {
	return stmt(r(c), "SELECT DISTINCT o.id, o.name FROM event e JOIN organisation o ON o.id = e.organisation_id WHERE e.status != 'draft' ORDER BY o.name").all() as { id: number; name: string }[];
}

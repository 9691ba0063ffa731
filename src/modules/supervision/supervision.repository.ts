/**
 * Every query of the supervision domain, through Kysely on either engine. Each takes the database or, inside a
 * seat write, the transaction that holds the group's write lock (serialisedWrite), so what a write reads is
 * what it decides on.
 */
import type { Kysely, Selectable } from 'kysely';
import type {
	Database,
	SupervisionGroupTable,
	SupervisionMeetingTable,
	SupervisionMembershipTable,
	SupervisionSelfCourseTable,
	SupervisionSupervisorTable,
} from '@db/schema';
import type { Meeting, Membership, SelfCourse, Supervisor, SupervisionGroup } from './supervision.types';

/** The database or a transaction of it. */
export type Q = Kysely<Database>;

/** The text a member sees when an offer ran out, before and after the job has passed the seat on. */
export const OFFER_EXPIRED_MESSAGE = 'Tilbuddet om en plads udløb uden svar.';

function toSupervisor(r: Selectable<SupervisionSupervisorTable>): Supervisor {
	return { id: r.id, groupId: r.group_id, userId: r.user_id, name: r.name, profession: r.profession, qualifications: r.qualifications, kind: r.kind, external: !!r.external };
}

function toGroup(r: Selectable<SupervisionGroupTable> & { taken: number | string | null }, supervisors: Supervisor[]): SupervisionGroup {
	return {
		id: r.id,
		slug: r.slug,
		title: r.title,
		focus: r.focus,
		topics: JSON.parse(r.topics || '[]'),
		audience: r.audience,
		admission: r.admission,
		place: r.place,
		minSize: r.min_size,
		capacity: r.capacity,
		countsTowardTraining: !!r.counts_toward_training,
		offerDays: r.offer_days,
		status: r.status,
		closedAt: r.closed_at,
		createdAt: r.created_at,
		updatedAt: r.updated_at,
		taken: Number(r.taken ?? 0),
		supervisors,
	};
}

export function toMeeting(r: Selectable<SupervisionMeetingTable>): Meeting {
	return {
		id: r.id,
		groupId: r.group_id,
		startsAt: r.starts_at,
		durationMinutes: r.duration_minutes,
		mode: r.mode,
		place: r.place,
		presentCount: r.present_count,
		psychologistCount: r.psychologist_count,
		recordedAt: r.recorded_at,
		cancelledAt: r.cancelled_at,
		sequence: r.sequence,
	};
}

export function toMembership(r: Selectable<SupervisionMembershipTable>): Membership {
	return {
		id: r.id,
		groupId: r.group_id,
		userId: r.user_id,
		name: r.name,
		email: r.email,
		profession: r.profession,
		municipality: r.municipality,
		motivation: r.motivation,
		status: r.status,
		queueSeq: r.queue_seq,
		offeredUntil: r.offered_until,
		message: r.message,
		appliedAt: r.applied_at,
		joinedAt: r.joined_at,
		leftAt: r.left_at,
	};
}

/**
 * A membership as it stands at `now`: an offer whose time ran out is shown as given up, exactly as the hourly
 * job (or the next seat write) will store it — so reading never has to write.
 */
export function asOf(m: Membership, now: Date = new Date()): Membership {
	if (m.status !== 'offered' || !m.offeredUntil || m.offeredUntil > now.toISOString()) return m;
	return { ...m, status: 'declined', offeredUntil: null, message: OFFER_EXPIRED_MESSAGE };
}

/** The group rows with `taken` = approved members plus offers still open at `now` (a lapsed offer holds no seat). */
function groupsWithTaken(db: Q, now: Date) {
	const nowIso = now.toISOString();
	return db.selectFrom('supervision_group as g').selectAll('g').select((eb) =>
		eb
			.selectFrom('supervision_membership as m')
			.select((e) => e.fn.countAll<number>().as('n'))
			.whereRef('m.group_id', '=', 'g.id')
			.where((e) => e.or([e('m.status', '=', 'approved'), e.and([e('m.status', '=', 'offered'), e('m.offered_until', '>', nowIso)])]))
			.as('taken'),
	);
}

export async function listSupervisors(db: Q, groupId: number): Promise<Supervisor[]> {
	return (await db.selectFrom('supervision_supervisor').selectAll().where('group_id', '=', groupId).orderBy('id').execute()).map(toSupervisor);
}

export async function findGroup(db: Q, by: { id?: number; slug?: string }, now: Date = new Date()): Promise<SupervisionGroup | undefined> {
	let query = groupsWithTaken(db, now);
	query = by.id !== undefined ? query.where('g.id', '=', by.id) : query.where('g.slug', '=', by.slug ?? '');
	const row = await query.executeTakeFirst();
	return row ? toGroup(row, await listSupervisors(db, row.id)) : undefined;
}

/** All groups, open ones with free seats first, then open and full, then closed; by title within each. */
export async function listGroups(db: Q, now: Date = new Date()): Promise<SupervisionGroup[]> {
	const rows = await groupsWithTaken(db, now).orderBy('g.title').execute();
	const supervisors = (await db.selectFrom('supervision_supervisor').selectAll().orderBy('id').execute()).map(toSupervisor);
	const groups = rows.map((row) => toGroup(row, supervisors.filter((s) => s.groupId === row.id)));
	const rank = (g: SupervisionGroup) => (g.status === 'closed' ? 2 : g.taken < g.capacity ? 0 : 1);
	return groups.sort((a, b) => rank(a) - rank(b));
}

export async function listMeetings(db: Q, groupId: number): Promise<Meeting[]> {
	return (await db.selectFrom('supervision_meeting').selectAll().where('group_id', '=', groupId).orderBy('starts_at').orderBy('id').execute()).map(toMeeting);
}

export async function findMeeting(db: Q, id: number): Promise<Meeting | undefined> {
	const row = await db.selectFrom('supervision_meeting').selectAll().where('id', '=', id).executeTakeFirst();
	return row ? toMeeting(row) : undefined;
}

/** A membership as stored (status not adjusted for lapsed offers: see asOf). */
export async function findMembership(db: Q, id: number): Promise<Membership | undefined> {
	const row = await db.selectFrom('supervision_membership').selectAll().where('id', '=', id).executeTakeFirst();
	return row ? toMembership(row) : undefined;
}

export async function findMembershipOf(db: Q, groupId: number, userId: number): Promise<Membership | undefined> {
	const row = await db.selectFrom('supervision_membership').selectAll().where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
	return row ? toMembership(row) : undefined;
}

/** Members and applicants of a group, in queue order (application order), as stored. */
export async function listMemberships(db: Q, groupId: number): Promise<Membership[]> {
	return (await db.selectFrom('supervision_membership').selectAll().where('group_id', '=', groupId).orderBy('queue_seq').orderBy('id').execute()).map(toMembership);
}

export async function listMembershipsOfUser(db: Q, userId: number): Promise<Membership[]> {
	return (await db.selectFrom('supervision_membership').selectAll().where('user_id', '=', userId).orderBy('applied_at').orderBy('id').execute()).map(toMembership);
}

/** Attendance of one meeting: membership id → status. */
export async function attendanceOf(db: Q, meetingId: number): Promise<Map<number, string>> {
	const rows = await db.selectFrom('supervision_attendance').select(['membership_id', 'status']).where('meeting_id', '=', meetingId).execute();
	return new Map(rows.map((row) => [row.membership_id, row.status]));
}

/** Attendance of all of a group's meetings: meeting id → (membership id → status). One query. */
export async function attendanceOfGroup(db: Q, groupId: number): Promise<Map<number, Map<number, string>>> {
	const rows = await db
		.selectFrom('supervision_attendance as a')
		.innerJoin('supervision_meeting as mt', 'mt.id', 'a.meeting_id')
		.select(['a.meeting_id', 'a.membership_id', 'a.status'])
		.where('mt.group_id', '=', groupId)
		.execute();
	const out = new Map<number, Map<number, string>>();
	for (const row of rows) {
		let m = out.get(row.meeting_id);
		if (!m) out.set(row.meeting_id, (m = new Map()));
		m.set(row.membership_id, row.status);
	}
	return out;
}

/** The recorded, not cancelled meetings a membership was present at. */
export async function attendedMeetings(db: Q, membershipId: number): Promise<Meeting[]> {
	const rows = await db
		.selectFrom('supervision_attendance as a')
		.innerJoin('supervision_meeting as mt', 'mt.id', 'a.meeting_id')
		.selectAll('mt')
		.where('a.membership_id', '=', membershipId)
		.where('a.status', '=', 'present')
		.where('mt.recorded_at', 'is not', null)
		.where('mt.cancelled_at', 'is', null)
		.orderBy('mt.starts_at')
		.execute();
	return rows.map(toMeeting);
}

/** Attendance statuses of a membership per meeting id (what a member sees of their own record). */
export async function attendanceOfMembership(db: Q, membershipId: number): Promise<Map<number, string>> {
	const rows = await db.selectFrom('supervision_attendance').select(['meeting_id', 'status']).where('membership_id', '=', membershipId).execute();
	return new Map(rows.map((row) => [row.meeting_id, row.status]));
}

export async function isSupervisorOf(db: Q, groupId: number, userId: number): Promise<boolean> {
	return !!(await db.selectFrom('supervision_supervisor').select('id').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst());
}

export interface StoredStatement {
	code: string;
	content: string;
	issuedAt: string;
}

export async function findStatementByMembership(db: Q, membershipId: number): Promise<StoredStatement | undefined> {
	const row = await db.selectFrom('supervision_statement').select(['code', 'content', 'issued_at']).where('membership_id', '=', membershipId).executeTakeFirst();
	return row ? { code: row.code, content: row.content, issuedAt: row.issued_at } : undefined;
}

export async function findStatementByCode(db: Q, code: string): Promise<StoredStatement | undefined> {
	const row = await db.selectFrom('supervision_statement').select(['code', 'content', 'issued_at']).where('code', '=', code).executeTakeFirst();
	return row ? { code: row.code, content: row.content, issuedAt: row.issued_at } : undefined;
}

function toSelfCourse(r: Selectable<SupervisionSelfCourseTable>): SelfCourse {
	return {
		id: r.id,
		userId: r.user_id,
		title: r.title,
		supervisorName: r.supervisor_name,
		kind: r.kind,
		external: !!r.external,
		groupSize: r.group_size,
		hours: r.hours,
		fromDate: r.from_date,
		toDate: r.to_date,
	};
}

export async function listSelfCourses(db: Q, userId: number): Promise<SelfCourse[]> {
	return (await db.selectFrom('supervision_self_course').selectAll().where('user_id', '=', userId).orderBy('from_date').orderBy('id').execute()).map(toSelfCourse);
}

/** The group ids with an offer that ran out by `now` (the job's work list). */
export async function listGroupsWithLapsedOffers(db: Q, now: Date): Promise<number[]> {
	const rows = await db.selectFrom('supervision_membership').select('group_id').distinct().where('status', '=', 'offered').where('offered_until', '<=', now.toISOString()).orderBy('group_id').execute();
	return rows.map((r) => r.group_id);
}

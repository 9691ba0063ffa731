/**
 * Every query of the supervision domain. Reads are synchronous on the autocommit connection (cheap, never wait
 * for a writer in WAL); inside a seat write the caller passes the handle of its `BEGIN IMMEDIATE` transaction.
 */
import type SQLite from 'better-sqlite3';
import { rawSqlite, type Db } from '@db/client';
import type { Meeting, Membership, SelfCourse, Supervisor, SupervisionGroup } from './supervision.types';

export type Raw = SQLite.Database;

const cache = new WeakMap<Raw, Map<string, SQLite.Statement>>();
/** A prepared statement, cached per connection. */
export function q(r: Raw, sql: string): SQLite.Statement {
	let m = cache.get(r);
	if (!m) cache.set(r, (m = new Map()));
	let s = m.get(sql);
	if (!s) m.set(sql, (s = r.prepare(sql)));
	return s;
}

export const rawOf = (db: Db | Raw): Raw => ('selectFrom' in db ? rawSqlite(db as Db) : (db as Raw));

type Row = Record<string, any>;

const TAKEN = `(SELECT COUNT(*) FROM supervision_membership m WHERE m.group_id = g.id AND m.status IN ('approved','offered'))`;

function toSupervisor(r: Row): Supervisor {
	return { id: r.id, groupId: r.group_id, userId: r.user_id, name: r.name, profession: r.profession, qualifications: r.qualifications, kind: r.kind, external: !!r.external };
}

function toGroup(r: Row, supervisors: Supervisor[]): SupervisionGroup {
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
		taken: r.taken ?? 0,
		supervisors,
	};
}

export function toMeeting(r: Row): Meeting {
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

export function toMembership(r: Row): Membership {
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

export function listSupervisors(db: Db | Raw, groupId: number): Supervisor[] {
	return (q(rawOf(db), 'SELECT * FROM supervision_supervisor WHERE group_id = ? ORDER BY id').all(groupId) as Row[]).map(toSupervisor);
}

export function findGroup(db: Db | Raw, by: { id?: number; slug?: string }): SupervisionGroup | undefined {
	const r = rawOf(db);
	const row = (by.id !== undefined
		? q(r, `SELECT g.*, ${TAKEN} AS taken FROM supervision_group g WHERE g.id = ?`).get(by.id)
		: q(r, `SELECT g.*, ${TAKEN} AS taken FROM supervision_group g WHERE g.slug = ?`).get(by.slug ?? '')) as Row | undefined;
	return row ? toGroup(row, listSupervisors(r, row.id)) : undefined;
}

/** All groups, open ones with free seats first, then open and full, then closed; by title within each. */
export function listGroups(db: Db | Raw): SupervisionGroup[] {
	const r = rawOf(db);
	const rows = q(r, `SELECT g.*, ${TAKEN} AS taken FROM supervision_group g ORDER BY g.title`).all() as Row[];
	const supervisors = (q(r, 'SELECT * FROM supervision_supervisor ORDER BY id').all() as Row[]).map(toSupervisor);
	const groups = rows.map((row) => toGroup(row, supervisors.filter((s) => s.groupId === row.id)));
	const rank = (g: SupervisionGroup) => (g.status === 'closed' ? 2 : g.taken < g.capacity ? 0 : 1);
	return groups.sort((a, b) => rank(a) - rank(b));
}

export function listMeetings(db: Db | Raw, groupId: number): Meeting[] {
	return (q(rawOf(db), 'SELECT * FROM supervision_meeting WHERE group_id = ? ORDER BY starts_at, id').all(groupId) as Row[]).map(toMeeting);
}

export function findMeeting(db: Db | Raw, id: number): Meeting | undefined {
	const row = q(rawOf(db), 'SELECT * FROM supervision_meeting WHERE id = ?').get(id) as Row | undefined;
	return row ? toMeeting(row) : undefined;
}

export function findMembership(db: Db | Raw, id: number): Membership | undefined {
	const row = q(rawOf(db), 'SELECT * FROM supervision_membership WHERE id = ?').get(id) as Row | undefined;
	return row ? toMembership(row) : undefined;
}

export function findMembershipOf(db: Db | Raw, groupId: number, userId: number): Membership | undefined {
	const row = q(rawOf(db), 'SELECT * FROM supervision_membership WHERE group_id = ? AND user_id = ?').get(groupId, userId) as Row | undefined;
	return row ? toMembership(row) : undefined;
}

/** Members and applicants of a group, in queue order (application order). */
export function listMemberships(db: Db | Raw, groupId: number): Membership[] {
	return (q(rawOf(db), 'SELECT * FROM supervision_membership WHERE group_id = ? ORDER BY queue_seq, id').all(groupId) as Row[]).map(toMembership);
}

export function listMembershipsOfUser(db: Db | Raw, userId: number): Membership[] {
	return (q(rawOf(db), 'SELECT * FROM supervision_membership WHERE user_id = ? ORDER BY applied_at').all(userId) as Row[]).map(toMembership);
}

/** Attendance of one meeting: membership id → status. */
export function attendanceOf(db: Db | Raw, meetingId: number): Map<number, string> {
	const rows = q(rawOf(db), 'SELECT membership_id, status FROM supervision_attendance WHERE meeting_id = ?').all(meetingId) as Row[];
	return new Map(rows.map((row) => [row.membership_id, row.status]));
}

/** The recorded, not cancelled meetings a membership was present at. */
export function attendedMeetings(db: Db | Raw, membershipId: number): Meeting[] {
	return (
		q(
			rawOf(db),
			`SELECT mt.* FROM supervision_attendance a JOIN supervision_meeting mt ON mt.id = a.meeting_id
			 WHERE a.membership_id = ? AND a.status = 'present' AND mt.recorded_at IS NOT NULL AND mt.cancelled_at IS NULL ORDER BY mt.starts_at`,
		).all(membershipId) as Row[]
	).map(toMeeting);
}

/** Attendance statuses of a membership per meeting id (what a member sees of their own record). */
export function attendanceOfMembership(db: Db | Raw, membershipId: number): Map<number, string> {
	const rows = q(rawOf(db), 'SELECT meeting_id, status FROM supervision_attendance WHERE membership_id = ?').all(membershipId) as Row[];
	return new Map(rows.map((row) => [row.meeting_id, row.status]));
}

export function isSupervisorOf(db: Db | Raw, groupId: number, userId: number): boolean {
	return !!q(rawOf(db), 'SELECT 1 FROM supervision_supervisor WHERE group_id = ? AND user_id = ?').get(groupId, userId);
}

export function findStatementByMembership(db: Db | Raw, membershipId: number): { code: string; content: string; issuedAt: string } | undefined {
	const row = q(rawOf(db), 'SELECT code, content, issued_at FROM supervision_statement WHERE membership_id = ?').get(membershipId) as Row | undefined;
	return row ? { code: row.code, content: row.content, issuedAt: row.issued_at } : undefined;
}

export function findStatementByCode(db: Db | Raw, code: string): { code: string; content: string; issuedAt: string } | undefined {
	const row = q(rawOf(db), 'SELECT code, content, issued_at FROM supervision_statement WHERE code = ?').get(code) as Row | undefined;
	return row ? { code: row.code, content: row.content, issuedAt: row.issued_at } : undefined;
}

export function listSelfCourses(db: Db | Raw, userId: number): SelfCourse[] {
	return (q(rawOf(db), 'SELECT * FROM supervision_self_course WHERE user_id = ? ORDER BY from_date, id').all(userId) as Row[]).map((r) => ({
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
	}));
}

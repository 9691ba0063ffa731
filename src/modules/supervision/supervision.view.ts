/**
 * What pages show: a participant's hours (from recorded attendance only), the statement's content, and a group
 * as a given viewer may see it (member list and attendance only for the group's supervisors and admins).
 */
import type { Db } from '@db/client';
import type { SessionUser } from '@/modules/auth/auth.types';
import { computeHours, REGIMES, round2, type HoursResult, type SupervisionSession } from './supervision.hours';
import {
	attendanceOf,
	attendanceOfMembership,
	attendedMeetings,
	findGroup,
	findMembershipOf,
	findStatementByMembership,
	isSupervisorOf,
	listGroups,
	listMeetings,
	listMembershipsOfUser,
	listMemberships,
	listSelfCourses,
	rawOf,
	type Raw,
} from './supervision.repository';
import type { Meeting, Membership, SelfCourse, SupervisionGroup } from './supervision.types';

const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });
/** `YYYY-MM-DD` in Copenhagen time. */
export const toLocalDate = (iso: string) => localDate.format(new Date(iso));

/** The sessions a membership attended, as the hour rules see them (facts frozen on each meeting). */
export function sessionsOf(db: Db | Raw, group: SupervisionGroup, membershipId: number): SupervisionSession[] {
	const main = group.supervisors[0];
	return attendedMeetings(db, membershipId).map((mt) => ({
		date: toLocalDate(mt.startsAt),
		minutes: mt.durationMinutes,
		groupSize: mt.presentCount ?? 1,
		psychologists: mt.psychologistCount ?? 0,
		mode: mt.mode,
		courseKey: `group:${group.id}`,
		supervisorKey: main ? `supervisor:${main.id}` : `group:${group.id}`,
		supervisorKind: main?.kind ?? 'psychologist',
		external: main?.external ?? false,
	}));
}

export function selfCourseSessions(courses: SelfCourse[]): SupervisionSession[] {
	return courses.map((c) => ({
		date: c.toDate,
		minutes: Math.round(c.hours * 60),
		groupSize: c.kind === 'individual' ? 1 : c.groupSize,
		// We do not know the mix of a course elsewhere: the participant vouches for it by reporting it.
		psychologists: c.kind === 'individual' ? 1 : c.groupSize,
		mode: 'in_person' as const,
		courseKey: `self:${c.id}`,
		supervisorKey: `self:${c.supervisorName.trim().toLowerCase() || c.id}`,
		supervisorKind: 'psychologist' as const,
		external: c.external,
	}));
}

export interface StatementContent {
	participant: { name: string; profession: string };
	group: { title: string; focus: string; countsTowardTraining: boolean };
	supervisors: { name: string; profession: string; qualifications: string; external: boolean }[];
	period: { from: string; to: string };
	bySize: { band: string; sessions: number; rawHours: number; creditableHours: number }[];
	sessions: { date: string; minutes: number; groupSize: number; psychologists: number; mode: string }[];
	rawHours: number;
	creditableHours: number;
	regimes: { label: string; confirmed: boolean; note: string; sources: string[] }[];
	warnings: string[];
	issuedAt: string;
}

/** The frozen content of a statement: what the paper and the verification page say. */
export function buildStatement(db: Db | Raw, group: SupervisionGroup, m: Membership, issuedAt: string): StatementContent {
	const sessions = sessionsOf(db, group, m.id);
	const hours = computeHours(sessions);
	const course = hours.courses[0];
	return {
		participant: { name: m.name, profession: m.profession },
		group: { title: group.title, focus: group.focus, countsTowardTraining: group.countsTowardTraining },
		supervisors: group.supervisors.map((s) => ({ name: s.name, profession: s.profession, qualifications: s.qualifications, external: s.external })),
		period: { from: course?.firstDate ?? '', to: course?.lastDate ?? '' },
		bySize: (course?.bySize ?? []).map((b) => ({ ...b, rawHours: round2(b.rawHours), creditableHours: round2(b.creditableHours) })),
		sessions: hours.sessions.map((s) => ({ date: s.date, minutes: s.minutes, groupSize: s.groupSize, psychologists: s.psychologists, mode: s.mode })),
		rawHours: round2(hours.rawHours),
		creditableHours: round2(hours.creditableHours),
		regimes: hours.regimes.map((id) => ({ label: REGIMES[id].label, confirmed: REGIMES[id].confirmed, note: REGIMES[id].note, sources: REGIMES[id].sources.map((s) => `${s.title} (${s.where})`) })),
		// The regime note is printed with the rules; the warnings list is about this course.
		warnings: hours.warnings.filter((w) => w.code !== 'regime_unconfirmed').map((w) => w.message),
		issuedAt,
	};
}

export interface GroupView {
	group: SupervisionGroup;
	meetings: Meeting[];
	canManage: boolean;
	/** Only for the group's supervisors and admins. */
	members: Membership[] | null;
	/** Only for the group's supervisors and admins: meeting id → (membership id → status). */
	attendance: Map<number, Map<number, string>> | null;
	mine: Membership | null;
	/** The viewer's own attendance and hours in this group. */
	myAttendance: Map<number, string> | null;
	myHours: HoursResult | null;
	myStatementCode: string | null;
}

export function canManageGroup(db: Db | Raw, group: SupervisionGroup, user: SessionUser | null): boolean {
	if (!user) return false;
	return user.role === 'admin' || isSupervisorOf(db, group.id, user.id);
}

/** A group as `user` may see it. */
export function viewGroup(db: Db | Raw, slug: string, user: SessionUser | null): GroupView | undefined {
	const group = findGroup(db, { slug });
	if (!group) return undefined;
	const canManage = canManageGroup(db, group, user);
	const meetings = listMeetings(db, group.id);
	const mine = user ? (findMembershipOf(db, group.id, user.id) ?? null) : null;
	const hasRecord = mine && ['approved', 'left'].includes(mine.status);
	return {
		group,
		meetings,
		canManage,
		members: canManage ? listMemberships(db, group.id) : null,
		attendance: canManage ? new Map(meetings.map((mt) => [mt.id, attendanceOf(db, mt.id)])) : null,
		mine,
		myAttendance: hasRecord ? attendanceOfMembership(db, mine.id) : null,
		myHours: hasRecord ? computeHours(sessionsOf(db, group, mine.id)) : null,
		myStatementCode: mine ? (findStatementByMembership(db, mine.id)?.code ?? null) : null,
	};
}

export interface MyHours {
	groups: { group: SupervisionGroup; membership: Membership; hours: HoursResult; statementCode: string | null }[];
	network: HoursResult;
	selfCourses: SelfCourse[];
	selfReported: HoursResult;
	/** Network and self-reported together, toward the 160 hours (never on a statement). */
	all: HoursResult;
}

/** A participant's overview: each group from attendance (locked), self-reported courses apart, and the total. */
export function myHours(db: Db | Raw, userId: number): MyHours {
	const r = rawOf(db as Db);
	const groups = listMembershipsOfUser(r, userId)
		.filter((m) => m.status === 'approved' || m.status === 'left')
		.map((membership) => {
			const group = findGroup(r, { id: membership.groupId })!;
			return { group, membership, hours: computeHours(sessionsOf(r, group, membership.id)), statementCode: findStatementByMembership(r, membership.id)?.code ?? null };
		})
		.filter((g) => g.membership.status === 'approved' || g.hours.rawHours > 0);
	const networkSessions = groups.flatMap((g) => sessionsOf(r, g.group, g.membership.id));
	const selfCourses = listSelfCourses(r, userId);
	const selfSessions = selfCourseSessions(selfCourses);
	return { groups, network: computeHours(networkSessions), selfCourses, selfReported: computeHours(selfSessions), all: computeHours([...networkSessions, ...selfSessions]) };
}

export { listGroups };

/** The applicant as the supervisor sees them: the municipality or organisation of their directory entry. */
export function applicantFor(db: Db | Raw, user: SessionUser): { id: number; email: string; name: string; municipality: string } {
	const r = rawOf(db as Db);
	const row = user.personId
		? (r
				.prepare(
					`SELECT COALESCE(mu.name, om.name) AS municipality, o.name AS organisation FROM person p JOIN unit u ON u.id = p.unit_id JOIN organisation o ON o.id = u.organisation_id
					 LEFT JOIN municipality mu ON mu.code = p.municipality_code LEFT JOIN municipality om ON om.code = o.municipality_code WHERE p.id = ?`,
				)
				.get(user.personId) as { municipality: string | null; organisation: string } | undefined)
		: undefined;
	return { id: user.id, email: user.email, name: user.name || user.email, municipality: row?.municipality ?? row?.organisation ?? '' };
}

/**
 * What pages show: a participant's hours (from recorded attendance only), the statement's content, and a group
 * as a given viewer may see it (member list and attendance only for the group's supervisors and admins).
 */
import type { Db } from '@db/client';
import type { SessionUser } from '@/modules/auth/auth.types';
import { computeHours, REGIMES, round2, type HoursResult, type SupervisionSession } from './supervision.hours';
import {
	asOf,
	attendanceOfGroup,
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
	type Q,
} from './supervision.repository';
import type { Meeting, Membership, SelfCourse, SupervisionGroup } from './supervision.types';

const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });
/** `YYYY-MM-DD` in Copenhagen time. */
export const toLocalDate = (iso: string) => localDate.format(new Date(iso));

/** The sessions a membership attended, as the hour rules see them (facts frozen on each meeting). */
export async function sessionsOf(db: Q, group: SupervisionGroup, membershipId: number): Promise<SupervisionSession[]> {
	const main = group.supervisors[0];
	return (await attendedMeetings(db, membershipId)).map((mt) => ({
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
export async function buildStatement(db: Q, group: SupervisionGroup, m: Membership, issuedAt: string): Promise<StatementContent> {
	const sessions = await sessionsOf(db, group, m.id);
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

export interface GroupViewer {
	canManage: boolean;
	mine: Membership | null;
	/** Meeting id → the viewer's attendance, once they have a record (approved or left). */
	myAttendance: Map<number, string> | null;
	myHours: HoursResult | null;
}

/** What `user` has to do with `group` at `now`, read afresh (an offer that ran out shows as given up: asOf). */
export async function groupViewer(db: Q, group: SupervisionGroup, user: SessionUser | null, now: Date = new Date()): Promise<GroupViewer> {
	if (!user) return { canManage: false, mine: null, myAttendance: null, myHours: null };
	const canManage = await canManageGroup(db, group, user);
	const stored = await findMembershipOf(db, group.id, user.id);
	const mine = stored ? asOf(stored, now) : null;
	const hasRecord = !!mine && ['approved', 'left'].includes(mine.status);
	return {
		canManage,
		mine,
		myAttendance: hasRecord ? await attendanceOfMembership(db, mine.id) : null,
		myHours: hasRecord ? computeHours(await sessionsOf(db, group, mine.id)) : null,
	};
}

export async function canManageGroup(db: Q, group: SupervisionGroup, user: SessionUser | null): Promise<boolean> {
	if (!user) return false;
	return user.role === 'admin' || (await isSupervisorOf(db, group.id, user.id));
}

/**
 * A group as `user` may see it at `now`. Only reads: an offer that ran out shows as given up (asOf) and its
 * seat as free, exactly as the hourly job or the next seat write will store it.
 */
export async function viewGroup(db: Q, slug: string, user: SessionUser | null, now: Date = new Date()): Promise<GroupView | undefined> {
	const group = await findGroup(db, { slug }, now);
	if (!group) return undefined;
	const meetings = await listMeetings(db, group.id);
	const { canManage, mine, myAttendance, myHours } = await groupViewer(db, group, user, now);
	let attendance: GroupView['attendance'] = null;
	if (canManage) {
		const byMeeting = await attendanceOfGroup(db, group.id);
		attendance = new Map(meetings.map((mt) => [mt.id, byMeeting.get(mt.id) ?? new Map<number, string>()]));
	}
	return {
		group,
		meetings,
		canManage,
		members: canManage ? (await listMemberships(db, group.id)).map((m) => asOf(m, now)) : null,
		attendance,
		mine,
		myAttendance,
		myHours,
		myStatementCode: mine ? ((await findStatementByMembership(db, mine.id))?.code ?? null) : null,
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
export async function myHours(db: Q, userId: number): Promise<MyHours> {
	const all = [];
	for (const membership of await listMembershipsOfUser(db, userId)) {
		if (membership.status !== 'approved' && membership.status !== 'left') continue;
		const group = (await findGroup(db, { id: membership.groupId }))!;
		const sessions = await sessionsOf(db, group, membership.id);
		all.push({ group, membership, sessions, hours: computeHours(sessions), statementCode: (await findStatementByMembership(db, membership.id))?.code ?? null });
	}
	const kept = all.filter((g) => g.membership.status === 'approved' || g.hours.rawHours > 0);
	const networkSessions = kept.flatMap((g) => g.sessions);
	const selfCourses = await listSelfCourses(db, userId);
	const selfSessions = selfCourseSessions(selfCourses);
	return {
		groups: kept.map(({ sessions: _, ...g }) => g),
		network: computeHours(networkSessions),
		selfCourses,
		selfReported: computeHours(selfSessions),
		all: computeHours([...networkSessions, ...selfSessions]),
	};
}

export { listGroups };

/** The applicant as the supervisor sees them: the municipality or organisation of their directory entry. */
export async function applicantFor(db: Db, user: SessionUser): Promise<{ id: number; email: string; name: string; municipality: string }> {
	const row = user.personId
		? await db
				.selectFrom('person as p')
				.innerJoin('unit as u', 'u.id', 'p.unit_id')
				.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
				.leftJoin('municipality as mu', 'mu.code', 'p.municipality_code')
				.leftJoin('municipality as om', 'om.code', 'o.municipality_code')
				.select(['mu.name as personMunicipality', 'om.name as organisationMunicipality', 'o.name as organisation'])
				.where('p.id', '=', user.personId)
				.executeTakeFirst()
		: undefined;
	return { id: user.id, email: user.email, name: user.name || user.email, municipality: row?.personMunicipality ?? row?.organisationMunicipality ?? row?.organisation ?? '' };
}

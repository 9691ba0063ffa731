import type { SupervisorKind, SessionMode } from './supervision.hours';

export type MembershipStatus = 'applied' | 'approved' | 'declined' | 'waiting' | 'offered' | 'left';
export type AttendanceStatus = 'present' | 'absent' | 'excused';

export interface SupervisionGroup {
	id: number;
	slug: string;
	title: string;
	focus: string;
	topics: string[];
	audience: string;
	admission: string;
	place: string;
	minSize: number;
	capacity: number;
	countsTowardTraining: boolean;
	offerDays: number;
	status: 'open' | 'closed';
	closedAt: string | null;
	createdAt: string;
	updatedAt: string;
	/** Seats held: approved members plus open offers. */
	taken: number;
	supervisors: Supervisor[];
}

export interface Supervisor {
	id: number;
	groupId: number;
	userId: number | null;
	name: string;
	profession: string;
	qualifications: string;
	kind: SupervisorKind;
	external: boolean;
}

export interface Meeting {
	id: number;
	groupId: number;
	startsAt: string;
	durationMinutes: number;
	mode: SessionMode;
	place: string;
	presentCount: number | null;
	psychologistCount: number | null;
	recordedAt: string | null;
	cancelledAt: string | null;
	sequence: number;
}

export interface Membership {
	id: number;
	groupId: number;
	userId: number;
	name: string;
	email: string;
	profession: string;
	municipality: string;
	motivation: string;
	status: MembershipStatus;
	queueSeq: number | null;
	offeredUntil: string | null;
	message: string;
	appliedAt: string;
	joinedAt: string | null;
	leftAt: string | null;
}

export interface SelfCourse {
	id: number;
	userId: number;
	title: string;
	supervisorName: string;
	kind: 'individual' | 'group';
	external: boolean;
	groupSize: number;
	hours: number;
	fromDate: string;
	toDate: string;
}

export const MEMBERSHIP_STATUS_LABEL: Record<MembershipStatus, string> = {
	applied: 'Ansøgt',
	approved: 'Optaget',
	declined: 'Ikke optaget',
	waiting: 'På venteliste',
	offered: 'Tilbudt plads',
	left: 'Udmeldt',
};

export const ATTENDANCE_LABEL: Record<AttendanceStatus, string> = { present: 'Til stede', absent: 'Fraværende', excused: 'Afbud' };
export const MODE_LABEL: Record<SessionMode, string> = { in_person: 'Fremmøde', remote: 'Fjernsupervision (online)' };

export class SupervisionError extends Error {
	constructor(
		public readonly code: 'not_found' | 'forbidden' | 'state' | 'invalid' | 'closed' | 'duplicate',
		message: string,
	) {
		super(message);
		this.name = 'SupervisionError';
	}
}

/** Domain types of theme days (faglige temadage). */
import type { EventStatus, RegistrationStatus } from '@db/schema';

export type { EventStatus, RegistrationStatus };

export interface ThemeDay {
	id: number;
	slug: string;
	title: string;
	summary: string;
	/** Markdown. */
	description: string;
	/** UTC ISO instants. */
	startsAt: string;
	endsAt: string;
	placeName: string;
	placeAddress: string;
	onlineUrl: string | null;
	/** null = the network itself. */
	organisationId: number | null;
	/** "Netværket" when organisationId is null. */
	organiserName: string;
	organiserEmail: string | null;
	targetGroup: string;
	priceText: string;
	capacity: number;
	/** The effective deadline (the start when none was set). */
	registrationDeadline: string;
	deadlineSet: boolean;
	promotionCutoffHours: number;
	status: EventStatus;
	sequence: number;
	/** Markdown. */
	materials: string;
	hours: number;
	copiedFromId: number | null;
	createdAt: string;
	updatedAt: string;
	cancelledAt: string | null;
	topics: { slug: string; label: string }[];
	/** confirmed + attended + no-show. */
	seatsTaken: number;
	waitlistCount: number;
}

export interface ProgrammeItem {
	id: number;
	/** Copenhagen wall-clock `HH:MM`. */
	startTime: string;
	endTime: string | null;
	title: string;
	speakerName: string;
	speakerAffiliation: string;
}

export interface Registration {
	id: number;
	eventId: number;
	userId: number | null;
	name: string;
	email: string;
	organisation: string;
	jobTitle: string;
	dietaryNeeds: string;
	accessibilityNeeds: string;
	question: string;
	status: RegistrationStatus;
	queuedAt: string | null;
	/** Order of entering the queue; the waitlist is ordered by it. */
	queueSeq: number | null;
	emailConfirmedAt: string | null;
	promotedAt: string | null;
	checkedInAt: string | null;
	cancelledAt: string | null;
	createdAt: string;
	updatedAt: string;
}

/** Danish labels for statuses (lists, CSV, mails). */
export const REGISTRATION_STATUS_LABEL: Record<RegistrationStatus, string> = {
	pending: 'Afventer bekræftelse af e-mail',
	confirmed: 'Tilmeldt',
	waitlisted: 'Venteliste',
	cancelled: 'Afmeldt',
	attended: 'Deltog',
	no_show: 'Udeblev',
};

export const EVENT_STATUS_LABEL: Record<EventStatus, string> = {
	draft: 'Kladde',
	published: 'Offentliggjort',
	cancelled: 'Aflyst',
};

/** A rule broken by a request (deadline passed, event full…): the message is Danish and shown as-is. */
export class EventError extends Error {
	constructor(
		public readonly code: 'not_found' | 'not_open' | 'deadline' | 'started' | 'cancelled' | 'invalid' | 'token' | 'state' | 'slug_taken' | 'busy',
		message: string,
	) {
		super(message);
		this.name = 'EventError';
	}
}

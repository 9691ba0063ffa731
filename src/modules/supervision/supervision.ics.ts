/**
 * Calendar files for supervision meetings: one per meeting (mailed on creation and cancellation) and a group's
 * feed of its meetings. UID per meeting, SEQUENCE bumped on cancellation (RFC 5546), no ORGANIZER (as theme days).
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { SessionMode } from './supervision.hours';
import type { Meeting, SupervisionGroup } from './supervision.types';

type IcsMeeting = { id: number; startsAt: string; durationMinutes: number; mode: SessionMode; place: string; sequence: number; cancelled: boolean };

function addMeeting(cal: ReturnType<typeof ical>, group: SupervisionGroup, meeting: IcsMeeting, baseUrl: string) {
	const start = new Date(meeting.startsAt);
	cal.createEvent({
		id: `supervision-${meeting.id}@vejviser`,
		sequence: meeting.sequence,
		start,
		end: new Date(start.getTime() + meeting.durationMinutes * 60_000),
		summary: `${meeting.cancelled ? 'AFLYST: ' : ''}Supervision: ${group.title}`,
		location: meeting.mode === 'remote' ? 'Online' : meeting.place || group.place || null,
		url: `${baseUrl}/supervision/${group.slug}`,
		status: meeting.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
	});
}

/** One meeting; a cancelled one is METHOD:CANCEL so calendars remove it. */
export function meetingIcs(group: SupervisionGroup, meeting: IcsMeeting, baseUrl: string): string {
	const cal = ical({ prodId: { company: 'Vejviser', product: 'Supervision', language: 'DA' }, name: group.title, method: meeting.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH });
	addMeeting(cal, group, meeting, baseUrl);
	return cal.toString();
}

/** The group's meetings as a subscribable feed (cancelled ones stay in it, marked CANCELLED). */
export function groupIcs(group: SupervisionGroup, meetings: Meeting[], baseUrl: string): string {
	const cal = ical({ prodId: { company: 'Vejviser', product: 'Supervision', language: 'DA' }, name: `Supervision: ${group.title}`, method: ICalCalendarMethod.PUBLISH, ttl: 60 * 60 });
	for (const m of meetings) addMeeting(cal, group, { ...m, cancelled: !!m.cancelledAt }, baseUrl);
	return cal.toString();
}

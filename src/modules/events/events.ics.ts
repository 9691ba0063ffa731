/**
 * iCalendar files: one per theme day and the subscribable feed of upcoming ones. The UID is derived from the
 * event id (stable across edits, a copy gets its own); SEQUENCE is the event's `sequence`, bumped on every
 * change and on cancellation (RFC 5546: calendars ignore an update or CANCEL without a higher SEQUENCE).
 * No ORGANIZER on purpose (pretix's choice): it would make clients send "accepted" replies to the organiser.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { ThemeDay } from './events.types';

export function eventUid(event: Pick<ThemeDay, 'id'>): string {
	return `temadag-${event.id}@vejviser`;
}

function locationOf(event: ThemeDay): string {
	const place = [event.placeName, event.placeAddress].filter(Boolean).join(', ');
	return place || (event.onlineUrl ? `Online: ${event.onlineUrl}` : '');
}

function addEvent(cal: ReturnType<typeof ical>, event: ThemeDay, baseUrl: string) {
	const url = `${baseUrl}/temadage/${event.slug}`;
	cal.createEvent({
		id: eventUid(event),
		sequence: event.sequence,
		stamp: new Date(event.updatedAt),
		start: new Date(event.startsAt),
		end: new Date(event.endsAt),
		summary: event.status === 'cancelled' ? `AFLYST: ${event.title}` : event.title,
		description: [event.summary, event.onlineUrl ? `Online: ${event.onlineUrl}` : '', `Se programmet: ${url}`].filter(Boolean).join('\n\n'),
		location: locationOf(event) || null,
		url,
		status: event.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
	});
}

/** One theme day. A cancelled one is METHOD:CANCEL with STATUS:CANCELLED, so calendars remove it. */
export function eventIcs(event: ThemeDay, baseUrl: string): string {
	const cal = ical({
		prodId: { company: 'Vejviser', product: 'Temadage', language: 'DA' },
		name: event.title,
		method: event.status === 'cancelled' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
	});
	addEvent(cal, event, baseUrl);
	return cal.toString();
}

/** The feed (`/temadage.ics`): upcoming theme days; cancelled ones stay in it marked CANCELLED. */
export function feedIcs(events: ThemeDay[], baseUrl: string): string {
	const cal = ical({
		prodId: { company: 'Vejviser', product: 'Temadage', language: 'DA' },
		name: 'Temadage i netværket',
		description: 'Kommende faglige temadage',
		method: ICalCalendarMethod.PUBLISH,
		ttl: 60 * 60,
	});
	for (const event of events) addEvent(cal, event, baseUrl);
	return cal.toString();
}

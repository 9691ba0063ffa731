/**
 * iCalendar files: one per theme day and the subscribable feed of upcoming ones. The UID is derived from the
 * event id (stable across edits, a copy gets its own); SEQUENCE is the event's `sequence`, bumped on every
 * change and on cancellation (RFC 5546: calendars ignore an update or CANCEL without a higher SEQUENCE).
 * No ORGANIZER on purpose (pretix's choice): it would make clients send "accepted" replies to the organiser.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { ThemeDay } from './events.types';

/** Control characters (CR, LF, TAB, NUL, DEL, …, and the Unicode line/paragraph separators). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * One line of text for the calendar: control characters become spaces. Input validation rejects them
 * (events.schema.ts), but rows saved before that rule existed may still hold them.
 */
export function icsLine(value: string): string {
	return value.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Multi-line text (DESCRIPTION): line breaks kept (ical-generator escapes them), other control characters dropped. */
function icsText(value: string): string {
	return value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

/**
 * A TEXT value for the calendar-level NAME / X-WR-CALNAME / X-WR-CALDESC, which ical-generator 9 writes
 * WITHOUT escaping: one line, with `\`, `;` and `,` escaped as RFC 5545 §3.3.11 asks.
 */
export function icsCalendarName(value: string): string {
	return icsLine(value).replace(/[\\;,]/g, (c) => `\\${c}`);
}

export function eventUid(event: Pick<ThemeDay, 'id'>): string {
	return `temadag-${event.id}@vejviser`;
}

function locationOf(event: ThemeDay): string {
	const place = [event.placeName, event.placeAddress].filter(Boolean).join(', ');
	return icsLine(place || (event.onlineUrl ? `Online: ${event.onlineUrl}` : ''));
}

function addEvent(cal: ReturnType<typeof ical>, event: ThemeDay, baseUrl: string, withdrawn = false) {
	const url = `${baseUrl}/temadage/${event.slug}`;
	const cancelled = withdrawn || event.status === 'cancelled';
	cal.createEvent({
		id: eventUid(event),
		// A participant's own cancellation must win over the confirmation they hold (same UID, higher SEQUENCE).
		sequence: withdrawn ? event.sequence + 1 : event.sequence,
		stamp: new Date(event.updatedAt),
		start: new Date(event.startsAt),
		end: new Date(event.endsAt),
		summary: icsLine(event.status === 'cancelled' ? `AFLYST: ${event.title}` : event.title),
		description: icsText([event.summary, event.onlineUrl ? `Online: ${icsLine(event.onlineUrl)}` : '', `Se programmet: ${url}`].filter(Boolean).join('\n\n')),
		location: locationOf(event) || null,
		url,
		status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
	});
}

/**
 * One theme day. A cancelled one is METHOD:CANCEL with STATUS:CANCELLED, so calendars remove it.
 * `participantCancelled`: the file for a participant who cancelled their own seat — also METHOD:CANCEL with
 * the same UID and SEQUENCE one higher than the confirmation they received, so their calendar drops it.
 */
export function eventIcs(event: ThemeDay, baseUrl: string, opts: { participantCancelled?: boolean } = {}): string {
	const withdrawn = !!opts.participantCancelled;
	const cal = ical({
		prodId: { company: 'Vejviser', product: 'Temadage', language: 'DA' },
		name: icsCalendarName(event.title),
		method: withdrawn || event.status === 'cancelled' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
	});
	addEvent(cal, event, baseUrl, withdrawn);
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

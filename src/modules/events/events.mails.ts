/** The Danish mails of theme days. Pure builders: they return an OutgoingMail; the caller queues it. */
import { publicBaseUrl } from '@/lib/base-url';
import type { OutgoingMail } from '@/modules/mail/mail.repository';
import { eventIcs } from './events.ics';
import { formatEventWhen, formatLongDate, formatTime } from './events.rules';
import type { Registration, ThemeDay } from './events.types';
import { mailSafeText } from './events.text';

export function defaultBaseUrl(): string {
	return publicBaseUrl();
}

const SIGNATURE = '\n\nVenlig hilsen\nNetværket · Vejviser\n\n(Denne mail er sendt automatisk. Skriv ikke oplysninger om borgere eller patienter, hvis du svarer.)';

function where(event: ThemeDay): string {
	const place = [event.placeName, event.placeAddress].filter(Boolean).join(', ');
	return [place && `Sted: ${place}`, event.onlineUrl && `Online: ${event.onlineUrl}`].filter(Boolean).join('\n');
}

function facts(event: ThemeDay, baseUrl: string): string {
	return [`${event.title}`, `Tid: ${formatEventWhen(event.startsAt, event.endsAt)}`, where(event), `Arrangør: ${event.organiserName}`, `Program: ${baseUrl}/temadage/${event.slug}`].filter(Boolean).join('\n');
}

export function manageLink(event: ThemeDay, token: string, baseUrl: string): string {
	return `${baseUrl}/temadage/${event.slug}/tilmelding?t=${encodeURIComponent(token)}`;
}

function icsAttachment(event: ThemeDay, baseUrl: string) {
	const method = event.status === 'cancelled' ? 'CANCEL' : 'PUBLISH';
	return { filename: `${event.slug}.ics`, content: eventIcs(event, baseUrl), contentType: `text/calendar; charset=utf-8; method=${method}` };
}

export function confirmAddressMail(event: ThemeDay, reg: Registration, token: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-confirm-address',
		subject: `Bekræft din tilmelding: ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nTak for din tilmelding. Bekræft din e-mailadresse, før tilmeldingen tæller — åbn linket og tryk på knappen "Bekræft tilmelding":\n\n${manageLink(event, token, baseUrl)}\n\nFør du har bekræftet, har du ikke en plads. Har du ikke tilmeldt dig, kan du se bort fra denne mail.\n\n${facts(event, baseUrl)}${SIGNATURE}`,
	};
}

export function confirmedMail(event: ThemeDay, reg: Registration, token: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-confirmation',
		subject: `Du er tilmeldt: ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nDu er tilmeldt temadagen. Kalenderfilen er vedhæftet.\n\n${facts(event, baseUrl)}\n\nKan du alligevel ikke komme? Meld fra, så pladsen går videre til den første på ventelisten:\n${manageLink(event, token, baseUrl)}${SIGNATURE}`,
		attachments: [icsAttachment(event, baseUrl)],
	};
}

export function waitlistedMail(event: ThemeDay, reg: Registration, position: number, token: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-waitlist',
		subject: `Venteliste (nr. ${position}): ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nTemadagen er fuldt booket, så du er skrevet på ventelisten som nr. ${position}. Bliver en plads ledig, får du den automatisk og besked på mail — dog ikke senere end ${event.promotionCutoffHours} timer før start.\n\n${facts(event, baseUrl)}\n\nVil du af ventelisten:\n${manageLink(event, token, baseUrl)}${SIGNATURE}`,
	};
}

export function promotedMail(event: ThemeDay, reg: Registration, token: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-promotion',
		subject: `Du har fået en plads: ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nEn plads er blevet ledig, og den er din: du er nu tilmeldt. Kalenderfilen er vedhæftet.\n\n${facts(event, baseUrl)}\n\nKan du ikke komme alligevel, så meld fra, så pladsen går videre:\n${manageLink(event, token, baseUrl)}${SIGNATURE}`,
		attachments: [icsAttachment(event, baseUrl)],
	};
}

/**
 * "Afmeldt". Someone who had a seat received a calendar file; they get a METHOD:CANCEL file with the same UID
 * (and a higher SEQUENCE), so the theme day leaves their calendar too.
 */
export function cancelledRegistrationMail(event: ThemeDay, reg: Registration, baseUrl: string, opts: { hadSeat?: boolean } = {}): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-unregistered',
		subject: `Afmeldt: ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nDu er nu afmeldt temadagen "${event.title}" (${formatLongDate(event.startsAt)}).${opts.hadSeat ? ' Den vedhæftede kalenderfil fjerner aftalen fra din kalender.' : ''} Du kan tilmelde dig igen, så længe der er åbent: ${baseUrl}/temadage/${event.slug}${SIGNATURE}`,
		attachments: opts.hadSeat
			? [{ filename: `${event.slug}.ics`, content: eventIcs(event, baseUrl, { participantCancelled: true }), contentType: 'text/calendar; charset=utf-8; method=CANCEL' }]
			: undefined,
	};
}

/** To the organiser, when a seat is freed after the cut-off (nobody is promoted automatically any more). */
export function seatFreedAfterCutoffMail(event: ThemeDay, to: string, freedBy: Registration, waiting: number, baseUrl: string): OutgoingMail {
	return {
		to,
		kind: 'event-organiser-seat-freed',
		subject: `Ledig plads efter fristen: ${event.title}`,
		text: `${mailSafeText(freedBy.name)} (${mailSafeText(freedBy.organisation, 200) || 'ingen organisation'}) har meldt fra til "${event.title}" ${formatLongDate(event.startsAt)}.\n\nDa der er mindre end ${event.promotionCutoffHours} timer til start, rykker ventelisten ikke automatisk op. Der står ${waiting} på ventelisten. Vil du give pladsen videre, så gør det fra deltagerlisten:\n${baseUrl}/temadage/${event.slug}/admin/deltagere${SIGNATURE}`,
	};
}

export function reminderMail(event: ThemeDay, reg: Registration, token: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-reminder',
		subject: `Påmindelse: ${event.title} ${formatLongDate(event.startsAt)}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nVi glæder os til at se dig til temadagen, der begynder kl. ${formatTime(event.startsAt)}.\n\n${facts(event, baseUrl)}\n\nKan du ikke komme, så meld fra, så en anden kan få pladsen:\n${manageLink(event, token, baseUrl)}${SIGNATURE}`,
		attachments: [icsAttachment(event, baseUrl)],
		dedupeKey: `event-reminder:${event.id}:${reg.id}:${event.startsAt}`,
	};
}

export function eventChangedMail(event: ThemeDay, reg: Registration, what: string[], baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-changed',
		subject: `Ændring: ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nArrangøren har ændret ${what.join(', ')} for temadagen. Sådan ser den ud nu (den opdaterede kalenderfil er vedhæftet):\n\n${facts(event, baseUrl)}\n\nDin tilmelding er uændret (${reg.status === 'waitlisted' ? 'venteliste' : 'tilmeldt'}).${SIGNATURE}`,
		attachments: [icsAttachment(event, baseUrl)],
	};
}

export function eventCancelledMail(event: ThemeDay, reg: Registration, reason: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-cancelled',
		subject: `AFLYST: ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\nTemadagen "${event.title}" ${formatLongDate(event.startsAt)} er desværre aflyst.${reason ? `\n\nBegrundelse: ${reason}` : ''}\n\nDen vedhæftede kalenderfil fjerner aftalen fra din kalender.${SIGNATURE}`,
		attachments: [icsAttachment(event, baseUrl)],
	};
}

export function organiserMessageMail(event: ThemeDay, reg: Registration, subject: string, body: string, baseUrl: string): OutgoingMail {
	return {
		to: reg.email,
		kind: 'event-message',
		subject: `${subject} · ${event.title}`,
		text: `Kære ${mailSafeText(reg.name)}\n\n${body}\n\n${facts(event, baseUrl)}${SIGNATURE}`,
	};
}

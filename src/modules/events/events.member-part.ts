/**
 * The signed-in member's own part of a theme day's page: their registration, or the one-click form with their
 * name. Written in TypeScript (src/lib/html.ts) rather than in the page, because it is also filled into the
 * readers' stored copy of the page for each member without Astro (src/lib/page-cache.ts viewer holes); the page
 * renders the same function for everyone else signed in, so there is one markup.
 */
import { html, type Html } from '@/lib/html';
import type { SessionUser } from '@/modules/auth/auth.types';
import { findRegistrationByEmail, waitlistPosition, type Conn } from './events.repository';
import { registrationOpen, seatsLeft } from './events.rules';
import { REGISTRATION_STATUS_LABEL, type ThemeDay } from './events.types';

/** Why registration is closed, as the page says it. */
export const CLOSED_TEXT = {
	not_open: 'Der er ikke åbnet for tilmelding endnu.',
	cancelled: 'Temadagen er aflyst.',
	deadline: 'Tilmeldingsfristen er overskredet.',
	started: 'Temadagen er begyndt eller overstået.',
} as const;

/**
 * The member's registration section body for `event` (as read for the page), read afresh: their own registration
 * and waitlist place. `now` decides whether registration is still open.
 */
export async function memberRegistrationPart(db: Conn, event: Pick<ThemeDay, 'id' | 'status' | 'startsAt' | 'registrationDeadline' | 'capacity' | 'seatsTaken'>, user: Pick<SessionUser, 'name' | 'email'>, now: Date = new Date()): Promise<Html> {
	const mine = await findRegistrationByEmail(db, event.id, user.email);
	if (mine && mine.status !== 'cancelled') {
		const position = await waitlistPosition(db, mine);
		return html`<p>Din tilmelding: <strong>${REGISTRATION_STATUS_LABEL[mine.status]}${position && ` (nr. ${position})`}</strong>. Se og afmeld under <a href="/temadage/mine">Mine tilmeldinger</a>.</p>`;
	}
	const open = registrationOpen(event, now);
	if (!open.open) return html`<p>${CLOSED_TEXT[open.reason]}</p>`;
	const left = seatsLeft(event);
	return html`<form method="post">
				<p>Du tilmelder dig som <strong>${user.name || user.email}</strong> (${user.email}).</p>
				${left === 0 && html`<p>Der er ingen ledige pladser; du kommer på venteliste.</p>`}
				<button type="submit" name="action" value="member">${left > 0 ? 'Tilmeld mig' : 'Skriv mig på ventelisten'}</button>
			</form>`;
}

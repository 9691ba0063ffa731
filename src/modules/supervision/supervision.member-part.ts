/**
 * The viewer's own parts of a supervision group's page: their place in the group (status, offer, leave, hours,
 * the supervisor's admin link) and their attendance in the list of past meetings. Written in TypeScript
 * (src/lib/html.ts) rather than in the page, because for readers they are filled into the readers' stored copy of
 * the page for each request without Astro (src/lib/page-cache.ts viewer holes); the page renders the same
 * functions for every other viewer, so there is one markup.
 */
import { formatDateTime } from '@/lib/dates';
import { html, type Html } from '@/lib/html';
import { formatHours } from './supervision.hours';
import { ATTENDANCE_LABEL, MEMBERSHIP_STATUS_LABEL, MODE_LABEL, type Meeting, type SupervisionGroup } from './supervision.types';
import type { GroupViewer } from './supervision.view';

/** The "Din plads" section's body for a signed-in viewer. */
export function myPlaceHtml(g: SupervisionGroup, v: GroupViewer): Html {
	const { mine } = v;
	const status =
		!mine || mine.status === 'declined' || mine.status === 'left'
			? html`${mine && html`<p>Status: ${MEMBERSHIP_STATUS_LABEL[mine.status]}${mine.message && ` — ${mine.message}`}</p>`}
		${g.status === 'open' && html`<p><a class="button" href="${`/supervision/${g.slug}/ansog`}">Søg om en plads</a></p>`}`
			: html`<p>Status: <strong>${MEMBERSHIP_STATUS_LABEL[mine.status]}</strong>${mine.message && html` — besked fra supervisor: ${mine.message}`}</p>
		${mine.status === 'offered' && html`<form method="post">
			<p>Du er tilbudt en plads. Svar senest ${formatDateTime(mine.offeredUntil)}.</p>
			<button type="submit" name="action" value="accept">Tag imod pladsen</button>
		</form>`}
		<form method="post">
			<button type="submit" name="action" value="leave" class="secondary">${mine.status === 'approved' ? 'Forlad gruppen' : mine.status === 'offered' ? 'Sig nej tak' : 'Træk min ansøgning tilbage'}</button>
		</form>`;
	return html`${status}
		${v.myHours && html`<p>Dine timer i gruppen: <strong>${formatHours(v.myHours.rawHours)} timer</strong>, heraf ${formatHours(v.myHours.creditableHours)} tællende. <a href="/supervision/mine-timer">Mine timer</a>${(g.status === 'closed' || mine?.status === 'left') && html` · <a href="${`/supervision/${g.slug}/dokumentation`}">Dokumentation for supervision</a>`}</p>`}
		${v.canManage && html`<p><a href="${`/supervision/${g.slug}/admin`}">Administrer gruppen (ansøgninger, fremmøde)</a></p>`}`;
}

/** The past meetings, with the viewer's own attendance where they have one (null: anonymous or no record). */
export function pastMeetingsHtml(past: Meeting[], myAttendance: Map<number, string> | null): Html {
	if (past.length === 0) return html``;
	return html`<details>
		<summary>Tidligere møder (${past.length})</summary>
		<ul>
			${past.map((m) => html`<li>${formatDateTime(m.startsAt)}, ${m.durationMinutes} min., ${MODE_LABEL[m.mode]}${m.cancelledAt && ' — aflyst'}${myAttendance?.has(m.id) && ` — du: ${ATTENDANCE_LABEL[myAttendance.get(m.id) as 'present']}`}</li>`)}
		</ul>
	</details>`;
}

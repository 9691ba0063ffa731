/**
 * Seat writes: register, confirm an address, cancel, promote, check in. Each runs in ONE `BEGIN IMMEDIATE`
 * transaction on the better-sqlite3 handle: the write lock is taken before seats are counted, so two
 * processes can never both see the last seat free (a plain transaction was measured to overbook 101/100).
 * The audit entry and the mails are written in the same transaction: a rolled-back seat sends nothing.
 *
 * Seats and unconfirmed registrations: a registration from someone who is not signed in is `pending` until
 * they confirm their e-mail address (link → confirm page → button). A pending registration holds NO seat and
 * has no place in the queue; it starts competing when the address is confirmed (`queued_at` = that moment),
 * so typo'd or fake addresses can never block seats. Signed-in members are queued at once.
 */
import type { Db } from '@db/client';
import type { Actor } from '@/modules/audit/audit.repository';
import { resolveInScope } from '@/lib/scope';
import { findPersonById } from '@/modules/directory/directory.repository';
import { countSeats, findEventById, findRegistrationByEmail, findRegistrationById, toRegistration, waitlistPosition } from './events.repository';
import { ACTIVE_STATUSES, decideSeat, promotionAllowed, registrationOpen } from './events.rules';
import { auditSync, calendarFor, immediate, issueToken, mailSync, raw, registrationIdForToken, seatWrite, stmt, type Raw } from './events.sync';
import { EventError, type Registration, type ThemeDay } from './events.types';
import {
	cancelledRegistrationMail,
	confirmAddressMail,
	confirmedMail,
	defaultBaseUrl,
	promotedMail,
	seatFreedAfterCutoffMail,
	waitlistedMail,
} from './events.mails';

export interface RegistrationInput {
	name: string;
	/** Lower-cased work e-mail. */
	email: string;
	organisation: string;
	jobTitle: string;
	dietaryNeeds?: string;
	accessibilityNeeds?: string;
	question?: string;
}

export interface SeatOptions {
	now?: Date;
	/** For links in mails; defaults to PUBLIC_BASE_URL. */
	baseUrl?: string;
}

export interface RegisterOptions extends SeatOptions {
	userId?: number | null;
	/** True for signed-in members (their address is proven): they are queued at once. */
	emailVerified?: boolean;
}

export type RegisterOutcome = 'confirmed' | 'waitlisted' | 'pending' | 'already';

export interface RegisterResult {
	outcome: RegisterOutcome;
	registration: Registration;
	/** Waitlist position (1-based) when waitlisted. */
	position: number | null;
}

const CLOSED_MESSAGES = {
	not_open: 'Der er ikke åbnet for tilmelding til denne temadag.',
	cancelled: 'Temadagen er aflyst.',
	deadline: 'Tilmeldingsfristen er overskredet.',
	started: 'Temadagen er begyndt eller overstået.',
} as const;

function loadEvent(r: Raw, eventId: number): ThemeDay {
	const event = findEventById(r, eventId);
	if (!event) throw new EventError('not_found', 'Temadagen findes ikke.');
	return event;
}

function assertOpen(event: ThemeDay, now: Date) {
	const open = registrationOpen(event, now);
	if (!open.open) throw new EventError(open.reason, CLOSED_MESSAGES[open.reason]);
}

function label(reg: { name: string }, event: ThemeDay) {
	return `${reg.name} · ${event.title}`;
}

function reload(r: Raw, id: number): Registration {
	return toRegistration(stmt(r, 'SELECT * FROM event_registration WHERE id = ?').get(id));
}

/** Puts a registration in the queue: a seat if one is free and nobody waits, else the waitlist. */
function queue(r: Raw, event: ThemeDay, regId: number, nowIso: string): 'confirmed' | 'waitlisted' {
	const { taken, waiting } = countSeats(r, event.id);
	const status = decideSeat(event.capacity, taken, waiting);
	stmt(
		r,
		`UPDATE event_registration SET status = ?, queued_at = ?, email_confirmed_at = coalesce(email_confirmed_at, ?), updated_at = ?,
		 queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM event_registration WHERE event_id = ?) WHERE id = ?`,
	).run(status, nowIso, nowIso, nowIso, event.id, regId);
	return status;
}

function mailQueued(r: Raw, event: ThemeDay, reg: Registration, token: string, baseUrl: string, nowIso: string): number | null {
	if (reg.status === 'confirmed') {
		mailSync(r, confirmedMail(calendarFor(r, event, reg.id), reg, token, baseUrl), nowIso);
		return null;
	}
	const position = waitlistPosition(r, reg) ?? 1;
	mailSync(r, waitlistedMail(event, reg, position, token, baseUrl), nowIso);
	return position;
}

/**
 * The "confirm your address" mail — at most ONE per address, theme day and (UTC) day, however often the
 * form is sent: the form must not be a way to flood someone else's inbox. The earlier mail's link stays
 * valid (tokens belong to the registration row, which is reused).
 */
function mailConfirmAddressOnce(r: Raw, event: ThemeDay, reg: Registration, baseUrl: string, nowIso: string): boolean {
	const dedupeKey = `event-confirm-address:${event.id}:${reg.email}:${nowIso.slice(0, 10)}`;
	if (stmt(r, 'SELECT 1 FROM mail_outbox WHERE dedupe_key = ?').get(dedupeKey)) return false;
	const token = issueToken(r, reg.id, nowIso);
	return mailSync(r, { ...confirmAddressMail(event, reg, token, baseUrl), dedupeKey }, nowIso);
}

/**
 * Registers a person (one registration per e-mail per theme day). Members (`emailVerified`) get a seat or a
 * waitlist place at once; others get `pending` and a mail with a confirmation link. Registering again with
 * a live registration changes nothing (`already`; a pending one gets its confirmation mail again, at most once a day).
 * Throws EventError when registration is closed.
 */
export function registerForEvent(db: Db, eventId: number, input: RegistrationInput, opts: RegisterOptions = {}): RegisterResult {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	const email = input.email.trim().toLowerCase();
	return immediate(db, (r) => {
		const event = loadEvent(r, eventId);
		assertOpen(event, now);
		const existing = findRegistrationByEmail(r, eventId, email);
		const actor: Actor = { label: email, userId: opts.userId ?? null };

		if (existing && ACTIVE_STATUSES.includes(existing.status) && !(existing.status === 'pending' && opts.emailVerified)) {
			if (existing.status === 'pending') {
				mailConfirmAddressOnce(r, event, existing, baseUrl, nowIso);
				return { outcome: 'pending', registration: existing, position: null };
			}
			return { outcome: 'already', registration: existing, position: waitlistPosition(r, existing) };
		}

		const values = [input.name.trim(), email, input.organisation.trim(), input.jobTitle.trim(), input.dietaryNeeds?.trim() ?? '', input.accessibilityNeeds?.trim() ?? '', input.question?.trim() ?? ''];
		let id: number;
		if (existing) {
			// A cancelled (or pending) registration comes back to life: same row, so the unique e-mail holds.
			stmt(
				r,
				`UPDATE event_registration SET name = ?, email = ?, organisation = ?, job_title = ?, dietary_needs = ?, accessibility_needs = ?, question = ?,
				 user_id = coalesce(?, user_id), status = 'pending', queued_at = NULL, queue_seq = NULL, promoted_at = NULL, checked_in_at = NULL, cancelled_at = NULL, updated_at = ? WHERE id = ?`,
			).run(...values, opts.userId ?? null, nowIso, existing.id);
			id = existing.id;
		} else {
			id = Number(
				stmt(
					r,
					`INSERT INTO event_registration (event_id, user_id, name, email, organisation, job_title, dietary_needs, accessibility_needs, question, status, created_at, updated_at)
					 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
				).run(eventId, opts.userId ?? null, ...values, nowIso, nowIso).lastInsertRowid,
			);
		}
		if (opts.emailVerified) queue(r, event, id, nowIso);
		const reg = reload(r, id);
		let position: number | null = null;
		if (reg.status === 'pending') mailConfirmAddressOnce(r, event, reg, baseUrl, nowIso);
		else position = mailQueued(r, event, reg, issueToken(r, id, nowIso), baseUrl, nowIso);
		auditSync(r, { actor, entityType: 'registration', entityId: id, entityLabel: label(reg, event), action: existing ? 'reregister' : 'register', changes: { status: [existing?.status ?? null, reg.status] }, at: nowIso });
		return { outcome: reg.status as RegisterOutcome, registration: reg, position };
	});
}

/**
 * One-click registration for a signed-in member: name and e-mail from the account, organisation and job
 * title from their directory entry when it is linked.
 */
export async function registerMember(db: Db, eventId: number, user: { id: number; email: string; name: string; personId: number | null }, opts: SeatOptions = {}): Promise<RegisterResult> {
	const person = user.personId ? await findPersonById(db, user.personId) : undefined;
	const name = user.name?.trim() || (person ? `${person.firstName} ${person.lastName}` : user.email);
	return seatWrite(db, () => registerForEvent(db, eventId, { name, email: user.email, organisation: person?.organisationName ?? '', jobTitle: person?.title ?? '' }, { ...opts, userId: user.id, emailVerified: true }));
}

export interface TokenView {
	registration: Registration;
	event: ThemeDay;
	position: number | null;
}

/** What a mailed link points at (for the confirm/cancel page), or undefined for an unknown token. */
export function findByToken(db: Db, token: string): TokenView | undefined {
	return snapshotRead(db, (r) => {
		const id = registrationIdForToken(r, token);
		const registration = id ? findRegistrationById(r, id) : undefined;
		if (!registration) return undefined;
		return { registration, event: loadEvent(r, registration.eventId), position: waitlistPosition(r, registration) };
	});
}

function snapshotRead<T>(db: Db, fn: (r: Raw) => T): T {
	// Reads need no write lock; a deferred transaction gives them one consistent snapshot.
	const r = raw(db);
	return r.transaction(() => fn(r))();
}

/**
 * Confirms the e-mail address of a pending registration (the button on the link's page): it now competes
 * for a seat. Idempotent: confirming twice changes nothing. Allowed until the start (the deadline applies to
 * sending the registration, not to confirming the address).
 */
export function confirmRegistration(db: Db, token: string, opts: SeatOptions = {}): RegisterResult {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return immediate(db, (r) => {
		const id = registrationIdForToken(r, token);
		const before = id ? findRegistrationById(r, id) : undefined;
		if (!before) throw new EventError('token', 'Linket er ugyldigt eller udløbet.');
		const event = loadEvent(r, before.eventId);
		if (before.status !== 'pending') return { outcome: 'already', registration: before, position: waitlistPosition(r, before) };
		if (event.status === 'cancelled') throw new EventError('cancelled', CLOSED_MESSAGES.cancelled);
		if (now.getTime() >= new Date(event.startsAt).getTime()) throw new EventError('started', CLOSED_MESSAGES.started);
		queue(r, event, before.id, nowIso);
		const reg = reload(r, before.id);
		const position = mailQueued(r, event, reg, token, baseUrl, nowIso);
		auditSync(r, { actor: { label: reg.email, userId: reg.userId }, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'confirm_email', changes: { status: ['pending', reg.status] }, at: nowIso });
		return { outcome: reg.status as RegisterOutcome, registration: reg, position };
	});
}

/**
 * Whose registrations an id from a form may name: an organiser's theme day (the one on the admin page the
 * permission was checked for) or the signed-in owner's own (Mine tilmeldinger). There is no unscoped form.
 */
export type RegistrationScope = { eventId: number } | { ownerUserId: number; ownerEmail: string };

export type CancelBy = { token: string } | { registrationId: unknown; actor: Actor; scope: RegistrationScope };

/** The registration an id from a form or URL names, only within `scope` (resolveInScope: else undefined). */
export function registrationInScope(r: Raw, value: unknown, scope: RegistrationScope): Registration | undefined {
	return resolveInScope(
		value,
		(id) => findRegistrationById(r, id),
		(reg) => ('eventId' in scope ? reg.eventId === scope.eventId : (reg.userId !== null && reg.userId === scope.ownerUserId) || (!!scope.ownerEmail && reg.email === scope.ownerEmail.toLowerCase())),
	);
}

export interface CancelResult {
	registration: Registration;
	event: ThemeDay;
	/** People moved from the waitlist to a seat by this cancellation. */
	promoted: Registration[];
	/** True when the seat was freed after the cut-off and the organiser was told instead. */
	organiserNotified: boolean;
	/** The status before this cancellation (what to tell the person: seat freed, off the waitlist, …). */
	previousStatus: Registration['status'];
}

/** What became of the place a cancellation freed, for the message shown to the person who cancelled. */
export type FreedPlace = 'videre' | 'arrangoer' | 'ledig' | 'venteliste' | 'ubekraeftet' | 'allerede';

export function freedPlace(result: CancelResult): FreedPlace {
	if (result.previousStatus === 'cancelled') return 'allerede';
	if (result.previousStatus === 'waitlisted') return 'venteliste';
	if (result.previousStatus === 'pending') return 'ubekraeftet';
	if (result.promoted.length > 0) return 'videre';
	return result.organiserNotified ? 'arrangoer' : 'ledig';
}

/**
 * Cancels a registration (from the mailed link, "Mine tilmeldinger" or an organiser). A freed seat goes to
 * the first on the waitlist in the same transaction — until the cut-off; after it the organiser is told.
 */
export function cancelRegistration(db: Db, by: CancelBy, opts: SeatOptions = {}): CancelResult {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return immediate(db, (r) => {
		let before: Registration | undefined;
		if ('token' in by) {
			const id = registrationIdForToken(r, by.token);
			before = id ? findRegistrationById(r, id) : undefined;
			if (!before) throw new EventError('token', 'Linket er ugyldigt eller udløbet.');
		} else {
			before = registrationInScope(r, by.registrationId, by.scope);
			if (!before) throw new EventError('not_found', 'Tilmeldingen findes ikke.');
		}
		const event = loadEvent(r, before.eventId);
		if (before.status === 'cancelled') return { registration: before, event, promoted: [], organiserNotified: false, previousStatus: before.status };
		if (before.status === 'attended' || before.status === 'no_show') throw new EventError('state', 'Fremmødet er allerede registreret; tilmeldingen kan ikke afmeldes.');
		if (now.getTime() >= new Date(event.startsAt).getTime()) throw new EventError('started', CLOSED_MESSAGES.started);
		stmt(r, "UPDATE event_registration SET status = 'cancelled', cancelled_at = ?, updated_at = ? WHERE id = ?").run(nowIso, nowIso, before.id);
		const reg = reload(r, before.id);
		const actor: Actor = 'token' in by ? { label: reg.email, userId: reg.userId } : by.actor;
		const calendar = calendarFor(r, event, reg.id); // before this cancellation is counted: its file is that + 1
		auditSync(r, { actor, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'cancel', changes: { status: [before.status, 'cancelled'] }, at: nowIso });
		if (before.status !== 'pending') mailSync(r, cancelledRegistrationMail(calendar, reg, baseUrl, { hadSeat: before.status === 'confirmed' }), nowIso);
		let promoted: Registration[] = [];
		let organiserNotified = false;
		if (before.status === 'confirmed') ({ promoted, organiserNotified } = fillSeats(r, event, now, baseUrl, reg));
		return { registration: reg, event, promoted, organiserNotified, previousStatus: before.status };
	});
}

/**
 * Gives free seats to the waitlist in order (inside the caller's IMMEDIATE transaction). After the cut-off
 * nobody is promoted automatically: the organiser gets a mail instead (when someone is waiting).
 */
export function fillSeats(r: Raw, event: ThemeDay, now: Date, baseUrl: string, freedBy?: Registration, opts: { ignoreCutoff?: boolean; max?: number; actor?: Actor } = {}): { promoted: Registration[]; organiserNotified: boolean } {
	const nowIso = now.toISOString();
	const promoted: Registration[] = [];
	if (event.status !== 'published') return { promoted, organiserNotified: false };
	if (!opts.ignoreCutoff && !promotionAllowed(event, now)) {
		const { taken, waiting } = countSeats(r, event.id);
		const to = organiserAddress(r, event);
		if (waiting > 0 && taken < event.capacity && to && freedBy) {
			mailSync(r, seatFreedAfterCutoffMail(event, to, freedBy, waiting, baseUrl), nowIso);
			return { promoted, organiserNotified: true };
		}
		return { promoted, organiserNotified: false };
	}
	for (;;) {
		if (opts.max !== undefined && promoted.length >= opts.max) break;
		const { taken } = countSeats(r, event.id);
		if (taken >= event.capacity) break;
		const next = stmt(r, "SELECT * FROM event_registration WHERE event_id = ? AND status = 'waitlisted' ORDER BY queue_seq LIMIT 1").get(event.id);
		if (!next) break;
		const reg = toRegistration(next);
		stmt(r, "UPDATE event_registration SET status = 'confirmed', promoted_at = ?, updated_at = ? WHERE id = ?").run(nowIso, nowIso, reg.id);
		const after = reload(r, reg.id);
		const token = issueToken(r, reg.id, nowIso);
		mailSync(r, promotedMail(calendarFor(r, event, reg.id), after, token, baseUrl), nowIso);
		auditSync(r, { actor: opts.actor ?? { label: 'system:waitlist', userId: null }, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'promote', changes: { status: ['waitlisted', 'confirmed'] }, at: nowIso });
		promoted.push(after);
	}
	return { promoted, organiserNotified: false };
}

/** Who hears about seats freed after the cut-off: the theme day's organiser mailbox, else the organisation's. */
function organiserAddress(r: Raw, event: ThemeDay): string | null {
	if (event.organiserEmail) return event.organiserEmail;
	if (event.organisationId === null) return null;
	const row = stmt(r, 'SELECT email FROM organisation WHERE id = ?').get(event.organisationId) as { email: string | null } | undefined;
	return row?.email ?? null;
}

/** An organiser moves the first on the waitlist to a free seat (also after the cut-off). Never beyond capacity. */
export function promoteNext(db: Db, eventId: number, actor: Actor, opts: SeatOptions = {}): Registration | undefined {
	const now = opts.now ?? new Date();
	return immediate(db, (r) => {
		const event = loadEvent(r, eventId);
		const { promoted } = fillSeats(r, event, now, opts.baseUrl ?? defaultBaseUrl(), undefined, { ignoreCutoff: true, max: 1, actor });
		return promoted[0];
	});
}

/**
 * Check-in at the door (`attended`), or undo it (`confirmed`), or mark `no_show` — seat holders of THIS
 * theme day only (the id comes from a form: a registration of another theme day is "not found").
 */
export function setAttendance(db: Db, eventId: number, registrationId: unknown, status: 'attended' | 'no_show' | 'confirmed', actor: Actor, opts: { now?: Date } = {}): Registration {
	const nowIso = (opts.now ?? new Date()).toISOString();
	return immediate(db, (r) => {
		const before = registrationInScope(r, registrationId, { eventId });
		if (!before) throw new EventError('not_found', 'Tilmeldingen findes ikke.');
		if (!['confirmed', 'attended', 'no_show'].includes(before.status)) throw new EventError('state', 'Kun tilmeldte med plads kan tjekkes ind.');
		if (before.status === status) return before;
		stmt(r, 'UPDATE event_registration SET status = ?, checked_in_at = ?, updated_at = ? WHERE id = ?').run(status, status === 'attended' ? nowIso : null, nowIso, before.id);
		const event = loadEvent(r, before.eventId);
		auditSync(r, { actor, entityType: 'registration', entityId: before.id, entityLabel: label(before, event), action: status === 'attended' ? 'check_in' : status === 'no_show' ? 'no_show' : 'undo_attendance', changes: { status: [before.status, status] }, at: nowIso });
		return reload(r, before.id);
	});
}

/** After the day: everyone with a seat who was not checked in is marked as a no-show. Returns how many. */
export function markNoShows(db: Db, eventId: number, actor: Actor, opts: { now?: Date } = {}): number {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	return immediate(db, (r) => {
		const event = loadEvent(r, eventId);
		if (now.getTime() < new Date(event.startsAt).getTime()) throw new EventError('state', 'Udeblevne kan først markeres, når temadagen er begyndt.');
		const rows = stmt(r, "SELECT * FROM event_registration WHERE event_id = ? AND status = 'confirmed'").all(eventId).map(toRegistration);
		for (const reg of rows) {
			stmt(r, "UPDATE event_registration SET status = 'no_show', updated_at = ? WHERE id = ?").run(nowIso, reg.id);
			auditSync(r, { actor, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'no_show', changes: { status: ['confirmed', 'no_show'] }, at: nowIso });
		}
		return rows.length;
	});
}

/**
 * Seat writes: register, confirm an address, cancel, promote, check in. Each runs in ONE transaction that
 * holds the theme day's seat lock before seats are counted (events.seats.ts seatTransaction: `BEGIN
 * IMMEDIATE` on SQLite, an advisory lock on PostgreSQL), so two processes or app instances can never both
 * see the last seat free (a plain transaction was measured to overbook 101/100). The audit entry and the
 * mails are written in the same transaction: a rolled-back seat sends nothing.
 *
 * Seats and unconfirmed registrations: a registration from someone who is not signed in is `pending` until
 * they confirm their e-mail address (link → confirm page → button). A pending registration holds NO seat and
 * has no place in the queue; it starts competing when the address is confirmed (`queued_at` = that moment),
 * so typo'd or fake addresses can never block seats. Signed-in members are queued at once.
 */
import { sql } from 'kysely';
import type { Db } from '@db/client';
import { insertAuditEntry, type Actor, type Changes } from '@/modules/audit/audit.repository';
import { enqueueMail, type OutgoingMail } from '@/modules/mail/mail.repository';
import { resolveInScopeAsync } from '@/lib/scope';
import { findPersonById } from '@/modules/directory/directory.repository';
import {
	countSeats,
	findEventById,
	findRegistrationByEmail,
	findRegistrationById,
	insertRegistrationIfEventUnchanged,
	insertRegistrationUnlessExists,
	toRegistration,
	waitlistPosition,
	type Conn,
} from './events.repository';
import { ACTIVE_STATUSES, decideSeat, promotionAllowed, registrationOpen } from './events.rules';
import { calendarFor, issueToken, newToken, registrationIdForToken, seatTransaction, storeToken, type Trx } from './events.seats';
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
	/**
	 * The theme day as the caller read it before the seat lock (the form's page reads it anyway). A registration
	 * that takes no seat (not `emailVerified`) then reads nothing under the lock: its insert goes ahead only while
	 * the theme day is still that version, else it falls back to reading it under the lock. Seat counts are never
	 * taken from it.
	 */
	event?: ThemeDay;
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

async function loadEvent(c: Conn, eventId: number, opts: { topics?: boolean } = {}): Promise<ThemeDay> {
	const event = await findEventById(c, eventId, opts);
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

async function reload(c: Conn, id: number): Promise<Registration> {
	return (await findRegistrationById(c, id))!;
}

/** The audit entry of a theme-day write (the ordinary audit writer, inside the seat transaction). */
export function auditEvents(trx: Trx, entry: { actor: Actor; entityType: 'event' | 'registration'; entityId: number; entityLabel: string; action: string; changes: Changes; at: string }): Promise<void> {
	return insertAuditEntry(trx, entry);
}

/** Queues a mail in the seat transaction, stamped with the write's clock; false when its dedupe key was used. */
export function queueMail(trx: Trx, mail: OutgoingMail, nowIso: string): Promise<boolean> {
	return enqueueMail(trx, mail, nowIso);
}

/**
 * Puts a registration in the queue: a seat if one is free and nobody waits, else the waitlist. `event` must
 * have been read in this seat transaction (its seat counts are then exact: nobody else writes meanwhile).
 * Returns the registration as queued.
 */
async function queue(trx: Trx, event: ThemeDay, regId: number, nowIso: string): Promise<Registration> {
	const status = decideSeat(event.capacity, event.seatsTaken, event.waitlistCount);
	// queue_seq is assigned under the seat lock: the waitlist order is the order of entering the queue.
	const { rows } = await sql`UPDATE event_registration SET status = ${status}, queued_at = ${nowIso}, email_confirmed_at = coalesce(email_confirmed_at, ${nowIso}), updated_at = ${nowIso},
		queue_seq = (SELECT coalesce(max(queue_seq), 0) + 1 FROM event_registration WHERE event_id = ${event.id}) WHERE id = ${regId} RETURNING *`.execute(trx);
	return toRegistration(rows[0]);
}

async function mailQueued(trx: Trx, event: ThemeDay, reg: Registration, token: string, baseUrl: string, nowIso: string, opts: { fresh?: boolean } = {}): Promise<number | null> {
	if (reg.status === 'confirmed') {
		// A registration row made in this transaction has no earlier cancellations to count.
		await queueMail(trx, confirmedMail(opts.fresh ? event : await calendarFor(trx, event, reg.id), reg, token, baseUrl), nowIso);
		return null;
	}
	const position = (await waitlistPosition(trx, reg)) ?? 1;
	await queueMail(trx, waitlistedMail(event, reg, position, token, baseUrl), nowIso);
	return position;
}

/**
 * The "confirm your address" mail — at most ONE per address, theme day and (UTC) day, however often the
 * form is sent: the form must not be a way to flood someone else's inbox. The earlier mail's link stays
 * valid (tokens belong to the registration row, which is reused). The mail's dedupe key decides (the insert
 * is skipped when the key was used today); `token` is stored only when its mail was queued.
 */
async function mailConfirmAddressOnce(trx: Trx, event: ThemeDay, reg: Registration, token: string, baseUrl: string, nowIso: string): Promise<boolean> {
	const dedupeKey = `event-confirm-address:${event.id}:${reg.email}:${nowIso.slice(0, 10)}`;
	if (!(await queueMail(trx, { ...confirmAddressMail(event, reg, token, baseUrl), dedupeKey }, nowIso))) return false;
	await storeToken(trx, reg.id, token, nowIso);
	return true;
}

/**
 * Registers a person (one registration per e-mail per theme day). Members (`emailVerified`) get a seat or a
 * waitlist place at once; others get `pending` and a mail with a confirmation link. Registering again with
 * a live registration changes nothing (`already`; a pending one gets its confirmation mail again, at most once a day).
 * Throws EventError when registration is closed.
 *
 * Under the seat lock it runs as few statements as it can (on PostgreSQL each is a round trip while every other
 * registration for the theme day waits): the theme day, one insert that also says whether the address is
 * registered already, the mail, its link token and the audit entry. Input is cleaned and the token made before.
 */
export async function registerForEvent(db: Db, eventId: number, input: RegistrationInput, opts: RegisterOptions = {}): Promise<RegisterResult> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	const email = input.email.trim().toLowerCase();
	const values = {
		name: input.name.trim(),
		email,
		organisation: input.organisation.trim(),
		job_title: input.jobTitle.trim(),
		dietary_needs: input.dietaryNeeds?.trim() ?? '',
		accessibility_needs: input.accessibilityNeeds?.trim() ?? '',
		question: input.question?.trim() ?? '',
	};
	const actor: Actor = { label: email, userId: opts.userId ?? null };
	const token = newToken();
	const row = { user_id: opts.userId ?? null, ...values, status: 'pending' as const, created_at: nowIso, updated_at: nowIso };
	// A pending registration holds no seat: the theme day read before the lock will do, if it is open and unchanged.
	const seen = !opts.emailVerified && opts.event?.id === eventId && registrationOpen(opts.event, now).open ? opts.event : undefined;
	return seatTransaction(db, eventId, async (trx) => {
		let event: ThemeDay;
		let inserted = seen ? await insertRegistrationIfEventUnchanged(trx, seen, row) : undefined;
		if (inserted) event = seen!;
		else {
			// No snapshot, a member (seat counts must be read under the lock), an address registered already, or
			// the theme day changed since it was read: read it here and decide on what is there now.
			event = await loadEvent(trx, eventId, { topics: false });
			assertOpen(event, now);
			inserted = await insertRegistrationUnlessExists(trx, { event_id: eventId, ...row });
		}
		const existing = inserted ? undefined : await findRegistrationByEmail(trx, eventId, email);
		if (!inserted && !existing) throw new Error(`Registration for ${eventId} neither inserted nor found`);

		if (existing && ACTIVE_STATUSES.includes(existing.status) && !(existing.status === 'pending' && opts.emailVerified)) {
			if (existing.status === 'pending') {
				await mailConfirmAddressOnce(trx, event, existing, token, baseUrl, nowIso);
				return { outcome: 'pending', registration: existing, position: null };
			}
			return { outcome: 'already', registration: existing, position: await waitlistPosition(trx, existing) };
		}

		// A cancelled (or pending) registration comes back to life: same row, so the unique e-mail holds.
		let reg = existing
			? toRegistration(
					await trx
						.updateTable('event_registration')
						.set((eb) => ({
							...values,
							user_id: eb.fn.coalesce(eb.val(opts.userId ?? null), eb.ref('user_id')),
							status: 'pending',
							queued_at: null,
							queue_seq: null,
							promoted_at: null,
							checked_in_at: null,
							cancelled_at: null,
							updated_at: nowIso,
						}))
						.where('id', '=', existing.id)
						.returningAll()
						.executeTakeFirstOrThrow(),
				)
			: inserted!;
		if (opts.emailVerified) reg = await queue(trx, event, reg.id, nowIso);
		let position: number | null = null;
		if (reg.status === 'pending') await mailConfirmAddressOnce(trx, event, reg, token, baseUrl, nowIso);
		else {
			await storeToken(trx, reg.id, token, nowIso);
			position = await mailQueued(trx, event, reg, token, baseUrl, nowIso, { fresh: !existing });
		}
		await auditEvents(trx, { actor, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: existing ? 'reregister' : 'register', changes: { status: [existing?.status ?? null, reg.status] }, at: nowIso });
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
	return registerForEvent(db, eventId, { name, email: user.email, organisation: person?.organisationName ?? '', jobTitle: person?.title ?? '' }, { ...opts, userId: user.id, emailVerified: true });
}

export interface TokenView {
	registration: Registration;
	event: ThemeDay;
	position: number | null;
}

/** What a mailed link points at (for the confirm/cancel page), or undefined for an unknown token. */
export async function findByToken(db: Db, token: string): Promise<TokenView | undefined> {
	const id = await registrationIdForToken(db, token);
	const registration = id ? await findRegistrationById(db, id) : undefined;
	if (!registration) return undefined;
	return { registration, event: await loadEvent(db, registration.eventId), position: await waitlistPosition(db, registration) };
}

/**
 * The theme day a registration belongs to, read before its seat lock is taken (a registration never moves
 * to another theme day, so the lock key is safe to learn outside the lock; the row is read again inside).
 */
async function eventIdOfToken(db: Db, token: string): Promise<number> {
	const id = await registrationIdForToken(db, token);
	const reg = id ? await findRegistrationById(db, id) : undefined;
	if (!reg) throw new EventError('token', 'Linket er ugyldigt eller udløbet.');
	return reg.eventId;
}

/**
 * Confirms the e-mail address of a pending registration (the button on the link's page): it now competes
 * for a seat. Idempotent: confirming twice changes nothing. Allowed until the start (the deadline applies to
 * sending the registration, not to confirming the address).
 */
export async function confirmRegistration(db: Db, token: string, opts: SeatOptions = {}): Promise<RegisterResult> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	const eventId = await eventIdOfToken(db, token);
	return seatTransaction(db, eventId, async (trx) => {
		const id = await registrationIdForToken(trx, token);
		const before = id ? await findRegistrationById(trx, id) : undefined;
		if (!before) throw new EventError('token', 'Linket er ugyldigt eller udløbet.');
		const event = await loadEvent(trx, before.eventId, { topics: false });
		if (before.status !== 'pending') return { outcome: 'already', registration: before, position: await waitlistPosition(trx, before) };
		if (event.status === 'cancelled') throw new EventError('cancelled', CLOSED_MESSAGES.cancelled);
		if (now.getTime() >= new Date(event.startsAt).getTime()) throw new EventError('started', CLOSED_MESSAGES.started);
		const reg = await queue(trx, event, before.id, nowIso);
		const position = await mailQueued(trx, event, reg, token, baseUrl, nowIso);
		await auditEvents(trx, { actor: { label: reg.email, userId: reg.userId }, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'confirm_email', changes: { status: ['pending', reg.status] }, at: nowIso });
		return { outcome: reg.status as RegisterOutcome, registration: reg, position };
	});
}

/**
 * Whose registrations an id from a form may name: an organiser's theme day (the one on the admin page the
 * permission was checked for) or the signed-in owner's own (Mine tilmeldinger). There is no unscoped form.
 */
export type RegistrationScope = { eventId: number } | { ownerUserId: number; ownerEmail: string };

export type CancelBy = { token: string } | { registrationId: unknown; actor: Actor; scope: RegistrationScope };

/** The registration an id from a form or URL names, only within `scope` (resolveInScopeAsync: else undefined). */
export function registrationInScope(c: Conn, value: unknown, scope: RegistrationScope): Promise<Registration | undefined> {
	return resolveInScopeAsync(
		value,
		(id) => findRegistrationById(c, id),
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
export async function cancelRegistration(db: Db, by: CancelBy, opts: SeatOptions = {}): Promise<CancelResult> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	const find = async (c: Conn): Promise<Registration> => {
		if ('token' in by) {
			const id = await registrationIdForToken(c, by.token);
			const reg = id ? await findRegistrationById(c, id) : undefined;
			if (!reg) throw new EventError('token', 'Linket er ugyldigt eller udløbet.');
			return reg;
		}
		const reg = await registrationInScope(c, by.registrationId, by.scope);
		if (!reg) throw new EventError('not_found', 'Tilmeldingen findes ikke.');
		return reg;
	};
	const { eventId } = await find(db);
	return seatTransaction(db, eventId, async (trx) => {
		const before = await find(trx);
		const event = await loadEvent(trx, before.eventId);
		if (before.status === 'cancelled') return { registration: before, event, promoted: [], organiserNotified: false, previousStatus: before.status };
		if (before.status === 'attended' || before.status === 'no_show') throw new EventError('state', 'Fremmødet er allerede registreret; tilmeldingen kan ikke afmeldes.');
		if (now.getTime() >= new Date(event.startsAt).getTime()) throw new EventError('started', CLOSED_MESSAGES.started);
		await trx.updateTable('event_registration').set({ status: 'cancelled', cancelled_at: nowIso, updated_at: nowIso }).where('id', '=', before.id).execute();
		const reg = await reload(trx, before.id);
		const actor: Actor = 'token' in by ? { label: reg.email, userId: reg.userId } : by.actor;
		const calendar = await calendarFor(trx, event, reg.id); // before this cancellation is counted: its file is that + 1
		await auditEvents(trx, { actor, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'cancel', changes: { status: [before.status, 'cancelled'] }, at: nowIso });
		if (before.status !== 'pending') await queueMail(trx, cancelledRegistrationMail(calendar, reg, baseUrl, { hadSeat: before.status === 'confirmed' }), nowIso);
		let promoted: Registration[] = [];
		let organiserNotified = false;
		if (before.status === 'confirmed') ({ promoted, organiserNotified } = await fillSeats(trx, event, now, baseUrl, reg));
		return { registration: reg, event, promoted, organiserNotified, previousStatus: before.status };
	});
}

/**
 * Gives free seats to the waitlist in order (inside the caller's seat transaction). After the cut-off
 * nobody is promoted automatically: the organiser gets a mail instead (when someone is waiting).
 */
export async function fillSeats(trx: Trx, event: ThemeDay, now: Date, baseUrl: string, freedBy?: Registration, opts: { ignoreCutoff?: boolean; max?: number; actor?: Actor } = {}): Promise<{ promoted: Registration[]; organiserNotified: boolean }> {
	const nowIso = now.toISOString();
	const promoted: Registration[] = [];
	if (event.status !== 'published') return { promoted, organiserNotified: false };
	if (!opts.ignoreCutoff && !promotionAllowed(event, now)) {
		const { taken, waiting } = await countSeats(trx, event.id);
		const to = await organiserAddress(trx, event);
		if (waiting > 0 && taken < event.capacity && to && freedBy) {
			await queueMail(trx, seatFreedAfterCutoffMail(event, to, freedBy, waiting, baseUrl), nowIso);
			return { promoted, organiserNotified: true };
		}
		return { promoted, organiserNotified: false };
	}
	for (;;) {
		if (opts.max !== undefined && promoted.length >= opts.max) break;
		const { taken } = await countSeats(trx, event.id);
		if (taken >= event.capacity) break;
		const next = await trx.selectFrom('event_registration').selectAll().where('event_id', '=', event.id).where('status', '=', 'waitlisted').orderBy('queue_seq').limit(1).executeTakeFirst();
		if (!next) break;
		const reg = toRegistration(next);
		await trx.updateTable('event_registration').set({ status: 'confirmed', promoted_at: nowIso, updated_at: nowIso }).where('id', '=', reg.id).execute();
		const after = await reload(trx, reg.id);
		const token = await issueToken(trx, reg.id, nowIso);
		await queueMail(trx, promotedMail(await calendarFor(trx, event, reg.id), after, token, baseUrl), nowIso);
		await auditEvents(trx, { actor: opts.actor ?? { label: 'system:waitlist', userId: null }, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'promote', changes: { status: ['waitlisted', 'confirmed'] }, at: nowIso });
		promoted.push(after);
	}
	return { promoted, organiserNotified: false };
}

/** Who hears about seats freed after the cut-off: the theme day's organiser mailbox, else the organisation's. */
async function organiserAddress(c: Conn, event: ThemeDay): Promise<string | null> {
	if (event.organiserEmail) return event.organiserEmail;
	if (event.organisationId === null) return null;
	const row = await c.selectFrom('organisation').select('email').where('id', '=', event.organisationId).executeTakeFirst();
	return row?.email ?? null;
}

/** An organiser moves the first on the waitlist to a free seat (also after the cut-off). Never beyond capacity. */
export async function promoteNext(db: Db, eventId: number, actor: Actor, opts: SeatOptions = {}): Promise<Registration | undefined> {
	const now = opts.now ?? new Date();
	return seatTransaction(db, eventId, async (trx) => {
		const event = await loadEvent(trx, eventId);
		const { promoted } = await fillSeats(trx, event, now, opts.baseUrl ?? defaultBaseUrl(), undefined, { ignoreCutoff: true, max: 1, actor });
		return promoted[0];
	});
}

/**
 * Check-in at the door (`attended`), or undo it (`confirmed`), or mark `no_show` — seat holders of THIS
 * theme day only (the id comes from a form: a registration of another theme day is "not found").
 */
export async function setAttendance(db: Db, eventId: number, registrationId: unknown, status: 'attended' | 'no_show' | 'confirmed', actor: Actor, opts: { now?: Date } = {}): Promise<Registration> {
	const nowIso = (opts.now ?? new Date()).toISOString();
	return seatTransaction(db, eventId, async (trx) => {
		const before = await registrationInScope(trx, registrationId, { eventId });
		if (!before) throw new EventError('not_found', 'Tilmeldingen findes ikke.');
		if (!['confirmed', 'attended', 'no_show'].includes(before.status)) throw new EventError('state', 'Kun tilmeldte med plads kan tjekkes ind.');
		if (before.status === status) return before;
		await trx.updateTable('event_registration').set({ status, checked_in_at: status === 'attended' ? nowIso : null, updated_at: nowIso }).where('id', '=', before.id).execute();
		const event = await loadEvent(trx, before.eventId);
		await auditEvents(trx, { actor, entityType: 'registration', entityId: before.id, entityLabel: label(before, event), action: status === 'attended' ? 'check_in' : status === 'no_show' ? 'no_show' : 'undo_attendance', changes: { status: [before.status, status] }, at: nowIso });
		return reload(trx, before.id);
	});
}

/** After the day: everyone with a seat who was not checked in is marked as a no-show. Returns how many. */
export async function markNoShows(db: Db, eventId: number, actor: Actor, opts: { now?: Date } = {}): Promise<number> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	return seatTransaction(db, eventId, async (trx) => {
		const event = await loadEvent(trx, eventId);
		if (now.getTime() < new Date(event.startsAt).getTime()) throw new EventError('state', 'Udeblevne kan først markeres, når temadagen er begyndt.');
		const rows = (await trx.selectFrom('event_registration').selectAll().where('event_id', '=', eventId).where('status', '=', 'confirmed').execute()).map(toRegistration);
		for (const reg of rows) {
			await trx.updateTable('event_registration').set({ status: 'no_show', updated_at: nowIso }).where('id', '=', reg.id).execute();
			await auditEvents(trx, { actor, entityType: 'registration', entityId: reg.id, entityLabel: label(reg, event), action: 'no_show', changes: { status: ['confirmed', 'no_show'] }, at: nowIso });
		}
		return rows.length;
	});
}

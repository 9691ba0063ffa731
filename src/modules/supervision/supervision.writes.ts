/**
 * The supervision domain's audited writes. Each runs synchronously inside `immediateTransaction` (BEGIN
 * IMMEDIATE, the write lock taken before anything is read), so a seat is counted and taken with no other
 * writer in between — also across processes. Audit entries and mails are written in the same transaction,
 * as exactly the rows `insertAuditEntry()` and `enqueueMail()` write (one audit log, one mail queue): a
 * rolled-back change leaves neither behind.
 */
import { randomInt } from 'node:crypto';
import { immediateTransaction, rawSqlite, type Db } from '@db/client';
import type { Actor, Changes } from '@/modules/audit/audit.repository';
import type { OutgoingMail } from '@/modules/mail/mail.repository';
import { slugify } from '@/lib/text';
import { formatDateTime } from '@/lib/dates';
import { findGroup, findMeeting, findMembership, findMembershipOf, listMemberships, listSupervisors, q, type Raw } from './supervision.repository';
import { buildStatement } from './supervision.view';
import { meetingIcs } from './supervision.ics';
import type { SessionMode, SupervisorKind } from './supervision.hours';
import { SupervisionError, type AttendanceStatus, type Membership, type SupervisionGroup } from './supervision.types';

export interface WriteOptions {
	now?: Date;
	baseUrl?: string;
}

// ---------- audit and mail rows (same as insertAuditEntry / enqueueMail) ----------

function audit(r: Raw, actor: Actor, entityType: string, entityId: number, entityLabel: string, action: string, changes: Changes, at: string): void {
	q(r, 'INSERT INTO audit_log (at, actor, actor_user_id, entity_type, entity_id, entity_label, action, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
		at,
		actor.label,
		actor.userId,
		entityType,
		entityId,
		entityLabel,
		action,
		JSON.stringify(changes),
	);
}

function mail(r: Raw, m: OutgoingMail, now: string): void {
	q(
		r,
		`INSERT INTO mail_outbox (to_address, subject, text_body, html_body, attachments, kind, dedupe_key, next_attempt_at, created_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
	).run(m.to, m.subject, m.text, m.html ?? null, JSON.stringify(m.attachments ?? []), m.kind ?? 'general', m.dedupeKey ?? null, now, now);
}

function supervisorEmails(r: Raw, groupId: number): string[] {
	return (q(r, 'SELECT u.email FROM supervision_supervisor s JOIN user u ON u.id = s.user_id WHERE s.group_id = ?').all(groupId) as { email: string }[]).map((x) => x.email);
}

const groupUrl = (g: SupervisionGroup, base = '') => `${base}/supervision/${g.slug}`;
const base = (opts: WriteOptions) => (opts.baseUrl ?? 'http://localhost:4321').replace(/\/$/, '');

function getGroup(r: Raw, id: number): SupervisionGroup {
	const g = findGroup(r, { id });
	if (!g) throw new SupervisionError('not_found', 'Gruppen findes ikke.');
	return g;
}

function getMembership(r: Raw, id: number): Membership {
	const m = findMembership(r, id);
	if (!m) throw new SupervisionError('not_found', 'Ansøgningen findes ikke.');
	return m;
}

function setStatus(r: Raw, m: Membership, status: Membership['status'], now: string, extra: { offeredUntil?: string | null; message?: string; joinedAt?: string | null; leftAt?: string | null } = {}) {
	q(
		r,
		`UPDATE supervision_membership SET status = ?, offered_until = ?, message = COALESCE(?, message), joined_at = COALESCE(?, joined_at), left_at = COALESCE(?, left_at), updated_at = ? WHERE id = ?`,
	).run(status, extra.offeredUntil ?? null, extra.message ?? null, extra.joinedAt ?? null, extra.leftAt ?? null, now, m.id);
}

function seatsTaken(r: Raw, groupId: number): number {
	return (q(r, "SELECT COUNT(*) AS n FROM supervision_membership WHERE group_id = ? AND status IN ('approved','offered')").get(groupId) as { n: number }).n;
}

/**
 * Offers free seats to the waitlist in queue order (application order), each offer held for the group's
 * `offer_days`. Runs inside the caller's seat transaction.
 */
function offerFreeSeats(r: Raw, group: SupervisionGroup, actor: Actor, now: Date, opts: WriteOptions): void {
	const nowIso = now.toISOString();
	while (seatsTaken(r, group.id) < group.capacity && group.status === 'open') {
		const next = q(r, "SELECT * FROM supervision_membership WHERE group_id = ? AND status = 'waiting' ORDER BY queue_seq, id LIMIT 1").get(group.id) as Record<string, any> | undefined;
		if (!next) return;
		const until = new Date(now.getTime() + group.offerDays * 86_400_000).toISOString();
		const m = findMembership(r, next.id)!;
		setStatus(r, m, 'offered', nowIso, { offeredUntil: until });
		audit(r, actor, 'supervision_membership', m.id, `${m.name} · ${group.title}`, 'offer', { status: ['waiting', 'offered'], offered_until: [null, until] }, nowIso);
		mail(r, {
			to: m.email,
			subject: `Der er en plads til dig: ${group.title}`,
			text: `Hej ${m.name}\n\nDer er blevet en plads ledig i supervisionsgruppen "${group.title}", og den er din, hvis du vil have den.\n\nSvar senest ${formatDateTime(until)}: ${groupUrl(group, base(opts))}\n\nSvarer du ikke, går pladsen videre til den næste på ventelisten.`,
			kind: 'supervision-offer',
			dedupeKey: `supervision-offer:${m.id}:${until}`,
		}, nowIso);
	}
}

/** Offers whose time ran out are given up (status `declined`, message saying so) and passed on. */
function expireOffersIn(r: Raw, group: SupervisionGroup, actor: Actor, now: Date, opts: WriteOptions): number {
	const nowIso = now.toISOString();
	const expired = (q(r, "SELECT id FROM supervision_membership WHERE group_id = ? AND status = 'offered' AND offered_until <= ?").all(group.id, nowIso) as { id: number }[]).map((x) => findMembership(r, x.id)!);
	for (const m of expired) {
		setStatus(r, m, 'declined', nowIso, { message: 'Tilbuddet om en plads udløb uden svar.' });
		audit(r, actor, 'supervision_membership', m.id, `${m.name} · ${group.title}`, 'offer-expired', { status: ['offered', 'declined'] }, nowIso);
	}
	if (expired.length) offerFreeSeats(r, group, actor, now, opts);
	return expired.length;
}

// ---------- groups ----------

export interface SupervisorInput {
	userId: number | null;
	name: string;
	profession: string;
	qualifications: string;
	kind: SupervisorKind;
	external: boolean;
}

export interface GroupInput {
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
	supervisors: SupervisorInput[];
}

/** Paths under /supervision that are pages of their own. */
const RESERVED_SLUGS = new Set(['ny', 'mine-timer', 'bekraeft']);

export async function createGroup(db: Db, input: GroupInput, actor: Actor, opts: WriteOptions = {}): Promise<SupervisionGroup> {
	const now = (opts.now ?? new Date()).toISOString();
	if (input.capacity < input.minSize) throw new SupervisionError('invalid', 'Højst antal deltagere skal være mindst lige så stort som mindste antal.');
	if (!input.supervisors.length) throw new SupervisionError('invalid', 'Gruppen skal have mindst én supervisor.');
	const id = await immediateTransaction(db, (r) => {
		const stem = slugify(input.title).slice(0, 60).replace(/-$/, '') || 'gruppe';
		let slug = RESERVED_SLUGS.has(stem) ? `${stem}-2` : stem;
		for (let i = 2; q(r, 'SELECT 1 FROM supervision_group WHERE slug = ?').get(slug); i++) slug = `${stem}-${i}`;
		const result = q(
			r,
			`INSERT INTO supervision_group (slug, title, focus, topics, audience, admission, place, min_size, capacity, counts_toward_training, offer_days, status, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
		).run(slug, input.title, input.focus, JSON.stringify(input.topics), input.audience, input.admission, input.place, input.minSize, input.capacity, input.countsTowardTraining ? 1 : 0, input.offerDays, now, now);
		const groupId = Number(result.lastInsertRowid);
		for (const s of input.supervisors)
			q(r, 'INSERT INTO supervision_supervisor (group_id, user_id, name, profession, qualifications, kind, external) VALUES (?, ?, ?, ?, ?, ?, ?)').run(groupId, s.userId, s.name, s.profession, s.qualifications, s.kind, s.external ? 1 : 0);
		audit(r, actor, 'supervision_group', groupId, input.title, 'create', { title: [null, input.title], capacity: [null, input.capacity], supervisors: [null, input.supervisors.map((s) => s.name)] }, now);
		return groupId;
	});
	return findGroup(db, { id })!;
}

/** An admin names another supervisor for a group (a co-supervisor or a substitute). */
export async function addSupervisor(db: Db, groupId: number, input: SupervisorInput, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		if (input.userId !== null && g.supervisors.some((s) => s.userId === input.userId)) throw new SupervisionError('duplicate', 'Personen er allerede supervisor for gruppen.');
		const id = Number(
			q(r, 'INSERT INTO supervision_supervisor (group_id, user_id, name, profession, qualifications, kind, external) VALUES (?, ?, ?, ?, ?, ?, ?)').run(groupId, input.userId, input.name, input.profession, input.qualifications, input.kind, input.external ? 1 : 0).lastInsertRowid,
		);
		audit(r, actor, 'supervision_group', groupId, g.title, 'add-supervisor', { supervisor: [null, { id, name: input.name, kind: input.kind, external: input.external }] }, now);
	});
}

/**
 * Changes the capacity and the admission text. A larger capacity offers the new seats to the waitlist at once;
 * a smaller one never removes anyone (it only stops new seats until members leave).
 */
export async function updateGroupSettings(db: Db, groupId: number, input: { capacity: number; admission: string }, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = opts.now ?? new Date();
	await immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		if (input.capacity < 1) throw new SupervisionError('invalid', 'Gruppen skal have mindst én plads.');
		q(r, 'UPDATE supervision_group SET capacity = ?, admission = ?, updated_at = ? WHERE id = ?').run(input.capacity, input.admission, now.toISOString(), groupId);
		audit(r, actor, 'supervision_group', groupId, g.title, 'update', { capacity: [g.capacity, input.capacity], admission: [g.admission, input.admission] }, now.toISOString());
		offerFreeSeats(r, { ...g, capacity: input.capacity }, actor, now, opts);
	});
}

/** Ends the course: no more meetings or seats; statements can now be issued. */
export async function closeGroup(db: Db, groupId: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		if (g.status === 'closed') return;
		q(r, "UPDATE supervision_group SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ?").run(now, now, groupId);
		audit(r, actor, 'supervision_group', groupId, g.title, 'close', { status: ['open', 'closed'] }, now);
	});
}

// ---------- meetings ----------

export interface MeetingInput {
	startsAt: string;
	durationMinutes: number;
	mode: SessionMode;
	place: string;
}

/** Adds a meeting and mails it (with an .ics) to the group's members. */
export async function addMeeting(db: Db, groupId: number, input: MeetingInput, actor: Actor, opts: WriteOptions = {}): Promise<number> {
	const now = (opts.now ?? new Date()).toISOString();
	return immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		if (g.status === 'closed') throw new SupervisionError('closed', 'Forløbet er afsluttet.');
		const id = Number(
			q(r, 'INSERT INTO supervision_meeting (group_id, starts_at, duration_minutes, mode, place, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(groupId, input.startsAt, input.durationMinutes, input.mode, input.place, now).lastInsertRowid,
		);
		audit(r, actor, 'supervision_meeting', id, g.title, 'create', { starts_at: [null, input.startsAt], duration_minutes: [null, input.durationMinutes], mode: [null, input.mode] }, now);
		const ics = meetingIcs(g, { id, ...input, sequence: 0, cancelled: false }, base(opts));
		for (const m of listMemberships(r, groupId).filter((m) => m.status === 'approved'))
			mail(r, {
				to: m.email,
				subject: `Nyt møde: ${g.title} ${formatDateTime(input.startsAt)}`,
				text: `Hej ${m.name}\n\nSupervisionsgruppen "${g.title}" mødes ${formatDateTime(input.startsAt)} (${input.durationMinutes} min., ${input.mode === 'remote' ? 'online' : input.place || g.place}).\n\nKalenderfilen er vedhæftet. ${groupUrl(g, base(opts))}`,
				kind: 'supervision-meeting',
				attachments: [{ filename: 'supervision.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }],
			}, now);
		return id;
	});
}

/** Cancels a meeting (it never counts) and mails the cancellation (.ics with METHOD:CANCEL). */
export async function cancelMeeting(db: Db, meetingId: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const meeting = findMeeting(r, meetingId);
		if (!meeting) throw new SupervisionError('not_found', 'Mødet findes ikke.');
		if (meeting.cancelledAt) return;
		const g = getGroup(r, meeting.groupId);
		q(r, 'UPDATE supervision_meeting SET cancelled_at = ?, sequence = sequence + 1 WHERE id = ?').run(now, meetingId);
		audit(r, actor, 'supervision_meeting', meetingId, g.title, 'cancel', { cancelled_at: [null, now] }, now);
		const ics = meetingIcs(g, { ...meeting, sequence: meeting.sequence + 1, cancelled: true }, base(opts));
		for (const m of listMemberships(r, g.id).filter((m) => m.status === 'approved'))
			mail(r, {
				to: m.email,
				subject: `Aflyst: ${g.title} ${formatDateTime(meeting.startsAt)}`,
				text: `Hej ${m.name}\n\nMødet i "${g.title}" ${formatDateTime(meeting.startsAt)} er aflyst.\n\n${groupUrl(g, base(opts))}`,
				kind: 'supervision-meeting',
				attachments: [{ filename: 'supervision.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=CANCEL' }],
			}, now);
	});
}

export interface AttendanceInput {
	/** membership id → status; members not named keep what they had (or nothing). */
	marks: Record<number, AttendanceStatus>;
	durationMinutes: number;
	mode: SessionMode;
	/** Supervisands present; default: the members marked present. */
	presentCount?: number | null;
	/** Psychologists among them; default: present members whose profession says psykolog. */
	psychologistCount?: number | null;
}

/** Records attendance and the facts the hour rules need; freezes them on the meeting. */
export async function recordAttendance(db: Db, meetingId: number, input: AttendanceInput, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const meeting = findMeeting(r, meetingId);
		if (!meeting) throw new SupervisionError('not_found', 'Mødet findes ikke.');
		if (meeting.cancelledAt) throw new SupervisionError('state', 'Mødet er aflyst.');
		const g = getGroup(r, meeting.groupId);
		const members = new Map(listMemberships(r, g.id).map((m) => [m.id, m]));
		for (const [id, status] of Object.entries(input.marks)) {
			const m = members.get(Number(id));
			// Only the group's own members: an id from the form is resolved within the group.
			if (!m || !['approved', 'left'].includes(m.status)) throw new SupervisionError('invalid', 'Ukendt deltager.');
			q(
				r,
				`INSERT INTO supervision_attendance (meeting_id, membership_id, status, marked_by, marked_at) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT (meeting_id, membership_id) DO UPDATE SET status = excluded.status, marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
			).run(meetingId, m.id, status, actor.label, now);
		}
		const present = [...members.values()].filter((m) => (q(r, "SELECT 1 FROM supervision_attendance WHERE meeting_id = ? AND membership_id = ? AND status = 'present'").get(meetingId, m.id) ? true : false));
		const presentCount = input.presentCount ?? present.length;
		const psychologists = input.psychologistCount ?? present.filter((m) => /psykolog/i.test(m.profession)).length;
		if (presentCount < present.length) throw new SupervisionError('invalid', `Antal til stede kan ikke være mindre end de ${present.length} deltagere, der er markeret til stede.`);
		if (psychologists > presentCount) throw new SupervisionError('invalid', 'Antal psykologer kan ikke være større end antal til stede.');
		q(r, 'UPDATE supervision_meeting SET duration_minutes = ?, mode = ?, present_count = ?, psychologist_count = ?, recorded_at = ?, recorded_by = ? WHERE id = ?').run(
			input.durationMinutes,
			input.mode,
			presentCount,
			psychologists,
			now,
			actor.label,
			meetingId,
		);
		audit(r, actor, 'supervision_meeting', meetingId, g.title, 'attendance', {
			duration_minutes: [meeting.durationMinutes, input.durationMinutes],
			mode: [meeting.mode, input.mode],
			present_count: [meeting.presentCount, presentCount],
			psychologist_count: [meeting.psychologistCount, psychologists],
			marks: [null, input.marks],
		}, now);
	});
}

// ---------- applications and seats ----------

export interface ApplicationInput {
	profession: string;
	motivation: string;
}

export interface Applicant {
	id: number;
	email: string;
	name: string;
	/** Where the applicant works (the supervisor spreads seats across municipalities). */
	municipality: string;
}

/** A member applies. The queue number (waitlist order) is the order of application, assigned under the lock. */
export async function applyToGroup(db: Db, groupId: number, applicant: Applicant, input: ApplicationInput, opts: WriteOptions = {}): Promise<Membership> {
	const now = (opts.now ?? new Date()).toISOString();
	const actor = { label: applicant.email, userId: applicant.id };
	const id = await immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		if (g.status === 'closed') throw new SupervisionError('closed', 'Gruppen er afsluttet og optager ikke flere.');
		const existing = findMembershipOf(r, groupId, applicant.id);
		if (existing && existing.status !== 'left' && existing.status !== 'declined') throw new SupervisionError('duplicate', 'Du har allerede søgt om en plads i gruppen.');
		const seq = ((q(r, 'SELECT MAX(queue_seq) AS n FROM supervision_membership WHERE group_id = ?').get(groupId) as { n: number | null }).n ?? 0) + 1;
		let id: number;
		if (existing) {
			q(r, "UPDATE supervision_membership SET status = 'applied', profession = ?, motivation = ?, municipality = ?, queue_seq = ?, message = '', offered_until = NULL, applied_at = ?, left_at = NULL, updated_at = ? WHERE id = ?").run(
				input.profession, input.motivation, applicant.municipality, seq, now, now, existing.id,
			);
			id = existing.id;
		} else {
			id = Number(
				q(
					r,
					`INSERT INTO supervision_membership (group_id, user_id, name, email, profession, municipality, motivation, status, queue_seq, applied_at, updated_at)
					 VALUES (?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?)`,
				).run(groupId, applicant.id, applicant.name, applicant.email, input.profession, applicant.municipality, input.motivation, seq, now, now).lastInsertRowid,
			);
		}
		audit(r, actor, 'supervision_membership', id, `${applicant.name} · ${g.title}`, 'apply', { status: [existing?.status ?? null, 'applied'], profession: [null, input.profession] }, now);
		for (const to of supervisorEmails(r, groupId))
			mail(r, {
				to,
				subject: `Ny ansøgning: ${g.title}`,
				text: `${applicant.name} (${input.profession}${applicant.municipality ? `, ${applicant.municipality}` : ''}) har søgt om en plads i "${g.title}".\n\nSe ansøgningen: ${base(opts)}/supervision/${g.slug}/admin`,
				kind: 'supervision-application',
			}, now);
		return id;
	});
	return findMembership(db, id)!;
}

export type DecisionOutcome = 'approved' | 'waiting' | 'declined';

/**
 * The supervisor approves an application: a seat if one is free and nobody waits ahead; otherwise the
 * applicant waits (in application order). Never more members than the capacity, also under concurrent approvals.
 */
export async function approveApplication(db: Db, groupId: number, membershipId: number, message: string, actor: Actor, opts: WriteOptions = {}): Promise<DecisionOutcome> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	return immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		expireOffersIn(r, g, actor, now, opts);
		const m = getMembership(r, membershipId);
		if (m.groupId !== groupId) throw new SupervisionError('not_found', 'Ansøgningen findes ikke.');
		if (m.status !== 'applied') throw new SupervisionError('state', 'Ansøgningen er allerede behandlet.');
		const ahead = (q(r, "SELECT COUNT(*) AS n FROM supervision_membership WHERE group_id = ? AND status = 'waiting' AND queue_seq < ?").get(groupId, m.queueSeq) as { n: number }).n;
		const free = g.status === 'open' && seatsTaken(r, groupId) < g.capacity && ahead === 0;
		const status = free ? 'approved' : 'waiting';
		setStatus(r, m, status, nowIso, { message, joinedAt: free ? nowIso : null });
		audit(r, actor, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'approve', { status: ['applied', status], message: [null, message] }, nowIso);
		mail(r, {
			to: m.email,
			subject: free ? `Du har fået en plads: ${g.title}` : `Du er på ventelisten: ${g.title}`,
			text: `Hej ${m.name}\n\n${free ? `Du er optaget i supervisionsgruppen "${g.title}".` : `Din ansøgning til "${g.title}" er godkendt, men gruppen er fuld. Du er på ventelisten og får en mail, når der bliver en plads.`}${message ? `\n\nBesked fra supervisor:\n${message}` : ''}\n\n${groupUrl(g, base(opts))}`,
			kind: 'supervision-decision',
		}, nowIso);
		if (!free) offerFreeSeats(r, g, actor, now, opts);
		return status;
	});
}

export async function declineApplication(db: Db, groupId: number, membershipId: number, message: string, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const g = getGroup(r, groupId);
		const m = getMembership(r, membershipId);
		if (m.groupId !== groupId) throw new SupervisionError('not_found', 'Ansøgningen findes ikke.');
		if (m.status !== 'applied' && m.status !== 'waiting') throw new SupervisionError('state', 'Ansøgningen er allerede behandlet.');
		setStatus(r, m, 'declined', now, { message });
		audit(r, actor, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'decline', { status: [m.status, 'declined'], message: [null, message] }, now);
		mail(r, {
			to: m.email,
			subject: `Svar på din ansøgning: ${g.title}`,
			text: `Hej ${m.name}\n\nDu har desværre ikke fået en plads i "${g.title}".${message ? `\n\nBesked fra supervisor:\n${message}` : ''}`,
			kind: 'supervision-decision',
		}, now);
	});
}

/** The member takes the seat they were offered (before the offer runs out). */
export async function acceptOffer(db: Db, membershipId: number, userId: number, opts: WriteOptions = {}): Promise<void> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	await immediateTransaction(db, (r) => {
		const m = getMembership(r, membershipId);
		if (m.userId !== userId) throw new SupervisionError('forbidden', 'Det er ikke din plads.');
		const g = getGroup(r, m.groupId);
		expireOffersIn(r, g, { label: m.email, userId }, now, opts);
		const fresh = getMembership(r, membershipId);
		if (fresh.status !== 'offered') throw new SupervisionError('state', 'Tilbuddet gælder ikke længere.');
		setStatus(r, fresh, 'approved', nowIso, { joinedAt: nowIso });
		audit(r, { label: m.email, userId }, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'accept-offer', { status: ['offered', 'approved'] }, nowIso);
	});
}

/** A member leaves (or declines an offer, or leaves the waitlist); a freed seat is offered on at once. */
export async function leaveGroup(db: Db, membershipId: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	await immediateTransaction(db, (r) => {
		const m = getMembership(r, membershipId);
		if (!['approved', 'offered', 'waiting', 'applied'].includes(m.status)) throw new SupervisionError('state', 'Du er ikke med i gruppen.');
		const g = getGroup(r, m.groupId);
		setStatus(r, m, 'left', nowIso, { leftAt: m.status === 'approved' ? nowIso : null });
		audit(r, actor, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'leave', { status: [m.status, 'left'] }, nowIso);
		for (const to of supervisorEmails(r, g.id))
			mail(r, { to, subject: `${m.name} har forladt ${g.title}`, text: `${m.name} er ikke længere med i "${g.title}" (var: ${m.status}).`, kind: 'supervision-leave' }, nowIso);
		offerFreeSeats(r, g, actor, now, opts);
	});
}

/** Gives up offers that ran out and passes the seats on (called when a group's pages are used, and by writes). */
export async function expireOffers(db: Db, groupId: number, actor: Actor, opts: WriteOptions = {}): Promise<number> {
	if (!findGroup(db, { id: groupId })) return 0;
	const now = opts.now ?? new Date();
	// Cheap check first: nothing to do means no write lock taken.
	const due = (q(rawSqlite(db), "SELECT COUNT(*) AS n FROM supervision_membership WHERE group_id = ? AND status = 'offered' AND offered_until <= ?").get(groupId, now.toISOString()) as { n: number }).n;
	if (!due) return 0;
	return immediateTransaction(db, (r) => expireOffersIn(r, getGroup(r, groupId), actor, now, opts));
}


// ---------- statements ----------

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 20 characters from a 32-letter alphabet without look-alikes: 100 random bits. */
export function newVerificationCode(): string {
	let code = '';
	for (let i = 0; i < 20; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
	return code;
}

/** `ABCD-EFGH-…` for reading aloud; lookups accept either form and any case. */
export function formatCode(code: string): string {
	return code.match(/.{1,4}/g)?.join('-') ?? code;
}

export function normaliseCode(input: string): string {
	return input.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 40);
}

/**
 * Issues the statement for a member's course, once: only after the course has ended (the group is closed or
 * the member left). Its content is frozen, so the verification page shows what the paper says.
 */
export async function issueStatement(db: Db, membershipId: number, userId: number, opts: WriteOptions = {}): Promise<string> {
	const now = (opts.now ?? new Date()).toISOString();
	return immediateTransaction(db, (r) => {
		const m = getMembership(r, membershipId);
		if (m.userId !== userId) throw new SupervisionError('forbidden', 'Du kan kun hente din egen dokumentation.');
		const existing = q(r, 'SELECT code FROM supervision_statement WHERE membership_id = ?').get(m.id) as { code: string } | undefined;
		if (existing) return existing.code;
		const g = getGroup(r, m.groupId);
		if (g.status !== 'closed' && m.status !== 'left') throw new SupervisionError('state', 'Dokumentationen kan først dannes, når forløbet er afsluttet.');
		const content = buildStatement(r, g, m, now);
		if (content.rawHours <= 0) throw new SupervisionError('state', 'Der er ingen registrerede timer at dokumentere.');
		const code = newVerificationCode();
		q(r, 'INSERT INTO supervision_statement (membership_id, code, content, issued_at) VALUES (?, ?, ?, ?)').run(m.id, code, JSON.stringify(content), now);
		audit(r, { label: m.email, userId }, 'supervision_statement', m.id, `${m.name} · ${g.title}`, 'issue', { raw_hours: [null, content.rawHours], creditable_hours: [null, content.creditableHours] }, now);
		return code;
	});
}

// ---------- self-reported courses ----------

export interface SelfCourseInput {
	title: string;
	supervisorName: string;
	kind: 'individual' | 'group';
	external: boolean;
	groupSize: number;
	hours: number;
	fromDate: string;
	toDate: string;
}

export async function addSelfCourse(db: Db, userId: number, input: SelfCourseInput, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const id = Number(
			q(r, 'INSERT INTO supervision_self_course (user_id, title, supervisor_name, kind, external, group_size, hours, from_date, to_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
				userId, input.title, input.supervisorName, input.kind, input.external ? 1 : 0, input.kind === 'individual' ? 1 : input.groupSize, input.hours, input.fromDate, input.toDate, now,
			).lastInsertRowid,
		);
		audit(r, actor, 'supervision_self_course', id, input.title, 'create', { hours: [null, input.hours] }, now);
	});
}

export async function deleteSelfCourse(db: Db, userId: number, id: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await immediateTransaction(db, (r) => {
		const row = q(r, 'SELECT title FROM supervision_self_course WHERE id = ? AND user_id = ?').get(id, userId) as { title: string } | undefined;
		if (!row) throw new SupervisionError('not_found', 'Forløbet findes ikke.');
		q(r, 'DELETE FROM supervision_self_course WHERE id = ?').run(id);
		audit(r, actor, 'supervision_self_course', id, row.title, 'delete', {}, now);
	});
}

export { listSupervisors };

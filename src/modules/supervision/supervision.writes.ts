/**
 * The supervision domain's audited writes, on either engine. Everything that counts or moves seats runs in
 * `serialisedWrite(db, groupLock(id), …)`: one Kysely transaction that holds the group's write lock before it
 * reads anything (BEGIN IMMEDIATE on SQLite, an advisory lock per group on PostgreSQL), so a seat is counted and
 * taken with no other writer in between — also across processes and app instances. Audit entries and mails are
 * written by the one audit writer and the one mail queue (insertAuditEntry, enqueueMail) on that transaction:
 * a rolled-back change leaves neither behind.
 */
import { randomInt } from 'node:crypto';
import { serialisedWrite, type Db } from '@db/client';
import { insertAuditEntry, type Actor, type Changes } from '@/modules/audit/audit.repository';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { slugify } from '@/lib/text';
import { formatDateTime } from '@/lib/dates';
import { findGroup, findMeeting, findMembership, findMembershipOf, listGroupsWithLapsedOffers, listMemberships, listSupervisors, OFFER_EXPIRED_MESSAGE, type Q } from './supervision.repository';
import { buildStatement } from './supervision.view';
import { meetingIcs } from './supervision.ics';
import type { SessionMode } from './supervision.hours';
import { SupervisionError, type AttendanceStatus, type Membership, type SupervisionGroup, type Supervisor } from './supervision.types';

export interface WriteOptions {
	now?: Date;
	baseUrl?: string;
}

/** Who gives up a lapsed offer when it is not the acting user's own doing. */
const OFFER_ACTOR: Actor = { label: 'system:supervision-offers', userId: null };

/** The write lock of one group: seat writes of different groups never wait for each other (on PostgreSQL). */
export const groupLock = (groupId: number) => `supervision-group:${groupId}`;

function audit(trx: Q, actor: Actor, entityType: string, entityId: number, entityLabel: string, action: string, changes: Changes, at: string): Promise<void> {
	return insertAuditEntry(trx, { actor, entityType, entityId, entityLabel, action, changes, at });
}

async function supervisorEmails(trx: Q, groupId: number): Promise<string[]> {
	const rows = await trx.selectFrom('supervision_supervisor as s').innerJoin('user as u', 'u.id', 's.user_id').select('u.email').where('s.group_id', '=', groupId).orderBy('s.id').execute();
	return rows.map((x) => x.email);
}

const groupUrl = (g: SupervisionGroup, base = '') => `${base}/supervision/${g.slug}`;
const base = (opts: WriteOptions) => (opts.baseUrl ?? 'http://localhost:4321').replace(/\/$/, '');

async function getGroup(trx: Q, id: number, now: Date = new Date()): Promise<SupervisionGroup> {
	const g = await findGroup(trx, { id }, now);
	if (!g) throw new SupervisionError('not_found', 'Gruppen findes ikke.');
	return g;
}

async function getMembership(trx: Q, id: number): Promise<Membership> {
	const m = await findMembership(trx, id);
	if (!m) throw new SupervisionError('not_found', 'Ansøgningen findes ikke.');
	return m;
}

/** The group a membership belongs to (never changes), read before its lock is taken. */
async function groupOfMembership(db: Db, membershipId: number): Promise<number> {
	return (await getMembership(db, membershipId)).groupId;
}

async function setStatus(
	trx: Q,
	m: Membership,
	status: Membership['status'],
	now: string,
	extra: { offeredUntil?: string | null; message?: string; joinedAt?: string | null; leftAt?: string | null } = {},
): Promise<void> {
	await trx
		.updateTable('supervision_membership')
		.set({
			status,
			offered_until: extra.offeredUntil ?? null,
			...(extra.message !== undefined ? { message: extra.message } : {}),
			...(extra.joinedAt ? { joined_at: extra.joinedAt } : {}),
			...(extra.leftAt ? { left_at: extra.leftAt } : {}),
			updated_at: now,
		})
		.where('id', '=', m.id)
		.execute();
}

/** Seats held as stored: approved members and open offers (lapsed offers are given up first, under the lock). */
async function seatsTaken(trx: Q, groupId: number): Promise<number> {
	const row = await trx.selectFrom('supervision_membership').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).where('status', 'in', ['approved', 'offered']).executeTakeFirstOrThrow();
	return Number(row.n);
}

/**
 * Offers free seats to the waitlist in queue order (application order), each offer held for the group's
 * `offer_days`. Runs inside the caller's seat transaction.
 */
async function offerFreeSeats(trx: Q, group: SupervisionGroup, actor: Actor, now: Date, opts: WriteOptions): Promise<void> {
	const nowIso = now.toISOString();
	while (group.status === 'open' && (await seatsTaken(trx, group.id)) < group.capacity) {
		const next = await trx.selectFrom('supervision_membership').select('id').where('group_id', '=', group.id).where('status', '=', 'waiting').orderBy('queue_seq').orderBy('id').limit(1).executeTakeFirst();
		if (!next) return;
		const until = new Date(now.getTime() + group.offerDays * 86_400_000).toISOString();
		const m = await getMembership(trx, next.id);
		await setStatus(trx, m, 'offered', nowIso, { offeredUntil: until });
		await audit(trx, actor, 'supervision_membership', m.id, `${m.name} · ${group.title}`, 'offer', { status: ['waiting', 'offered'], offered_until: [null, until] }, nowIso);
		await enqueueMail(trx, {
			to: m.email,
			subject: `Der er en plads til dig: ${group.title}`,
			text: `Hej ${m.name}\n\nDer er blevet en plads ledig i supervisionsgruppen "${group.title}", og den er din, hvis du vil have den.\n\nSvar senest ${formatDateTime(until)}: ${groupUrl(group, base(opts))}\n\nSvarer du ikke, går pladsen videre til den næste på ventelisten.`,
			kind: 'supervision-offer',
			dedupeKey: `supervision-offer:${m.id}:${until}`,
		});
	}
}

/** Offers whose time ran out are given up (status `declined`, message saying so) and passed on. */
async function expireOffersIn(trx: Q, group: SupervisionGroup, actor: Actor, now: Date, opts: WriteOptions): Promise<number> {
	const nowIso = now.toISOString();
	const rows = await trx.selectFrom('supervision_membership').selectAll().where('group_id', '=', group.id).where('status', '=', 'offered').where('offered_until', '<=', nowIso).orderBy('id').execute();
	for (const row of rows) {
		const m = await getMembership(trx, row.id);
		await setStatus(trx, m, 'declined', nowIso, { message: OFFER_EXPIRED_MESSAGE });
		await audit(trx, actor, 'supervision_membership', m.id, `${m.name} · ${group.title}`, 'offer-expired', { status: ['offered', 'declined'] }, nowIso);
	}
	if (rows.length) await offerFreeSeats(trx, group, actor, now, opts);
	return rows.length;
}

// ---------- groups ----------

/** What a form gives for a supervisor: the stored fields without the ids the database hands out. */
export type SupervisorInput = Omit<Supervisor, 'id' | 'groupId'>;

/** What a form gives for a group: its editable fields and the supervisors to name. */
export type GroupInput = Pick<SupervisionGroup, 'title' | 'focus' | 'topics' | 'audience' | 'admission' | 'place' | 'minSize' | 'capacity' | 'countsTowardTraining' | 'offerDays'> & {
	supervisors: SupervisorInput[];
};

/** Paths under /supervision that are pages of their own. */
const RESERVED_SLUGS = new Set(['ny', 'mine-timer', 'bekraeft']);

async function insertSupervisor(trx: Q, groupId: number, s: SupervisorInput): Promise<number> {
	const row = await trx
		.insertInto('supervision_supervisor')
		.values({ group_id: groupId, user_id: s.userId, name: s.name, profession: s.profession, qualifications: s.qualifications, kind: s.kind, external: s.external ? 1 : 0 })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function createGroup(db: Db, input: GroupInput, actor: Actor, opts: WriteOptions = {}): Promise<SupervisionGroup> {
	const now = (opts.now ?? new Date()).toISOString();
	if (input.capacity < input.minSize) throw new SupervisionError('invalid', 'Højst antal deltagere skal være mindst lige så stort som mindste antal.');
	if (!input.supervisors.length) throw new SupervisionError('invalid', 'Gruppen skal have mindst én supervisor.');
	// One lock for all new groups: two groups with the same title must not pick the same slug.
	const id = await serialisedWrite(db, 'supervision-group:new', async (trx) => {
		const stem = slugify(input.title).slice(0, 60).replace(/-$/, '') || 'gruppe';
		let slug = RESERVED_SLUGS.has(stem) ? `${stem}-2` : stem;
		for (let i = 2; await trx.selectFrom('supervision_group').select('id').where('slug', '=', slug).executeTakeFirst(); i++) slug = `${stem}-${i}`;
		const row = await trx
			.insertInto('supervision_group')
			.values({
				slug,
				title: input.title,
				focus: input.focus,
				topics: JSON.stringify(input.topics),
				audience: input.audience,
				admission: input.admission,
				place: input.place,
				min_size: input.minSize,
				capacity: input.capacity,
				counts_toward_training: input.countsTowardTraining ? 1 : 0,
				offer_days: input.offerDays,
				status: 'open',
				created_at: now,
				updated_at: now,
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		for (const s of input.supervisors) await insertSupervisor(trx, row.id, s);
		await audit(trx, actor, 'supervision_group', row.id, input.title, 'create', { title: [null, input.title], capacity: [null, input.capacity], supervisors: [null, input.supervisors.map((s) => s.name)] }, now);
		return row.id;
	});
	return (await findGroup(db, { id }))!;
}

/** An admin names another supervisor for a group (a co-supervisor or a substitute). */
export async function addSupervisor(db: Db, groupId: number, input: SupervisorInput, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId);
		if (input.userId !== null && g.supervisors.some((s) => s.userId === input.userId)) throw new SupervisionError('duplicate', 'Personen er allerede supervisor for gruppen.');
		const id = await insertSupervisor(trx, groupId, input);
		await audit(trx, actor, 'supervision_group', groupId, g.title, 'add-supervisor', { supervisor: [null, { id, name: input.name, kind: input.kind, external: input.external }] }, now);
	});
}

/**
 * Changes the capacity and the admission text. A larger capacity offers the new seats to the waitlist at once;
 * a smaller one never removes anyone (it only stops new seats until members leave).
 */
export async function updateGroupSettings(db: Db, groupId: number, input: { capacity: number; admission: string }, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = opts.now ?? new Date();
	if (input.capacity < 1) throw new SupervisionError('invalid', 'Gruppen skal have mindst én plads.');
	await serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId, now);
		await trx.updateTable('supervision_group').set({ capacity: input.capacity, admission: input.admission, updated_at: now.toISOString() }).where('id', '=', groupId).execute();
		await audit(trx, actor, 'supervision_group', groupId, g.title, 'update', { capacity: [g.capacity, input.capacity], admission: [g.admission, input.admission] }, now.toISOString());
		const changed = { ...g, capacity: input.capacity };
		// Lapsed offers first: their seats are free again before the new ones are counted.
		if (!(await expireOffersIn(trx, changed, actor, now, opts))) await offerFreeSeats(trx, changed, actor, now, opts);
	});
}

/** Ends the course: no more meetings or seats; statements can now be issued. */
export async function closeGroup(db: Db, groupId: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId);
		if (g.status === 'closed') return;
		await trx.updateTable('supervision_group').set({ status: 'closed', closed_at: now, updated_at: now }).where('id', '=', groupId).execute();
		await audit(trx, actor, 'supervision_group', groupId, g.title, 'close', { status: ['open', 'closed'] }, now);
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
	return serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId);
		if (g.status === 'closed') throw new SupervisionError('closed', 'Forløbet er afsluttet.');
		const { id } = await trx
			.insertInto('supervision_meeting')
			.values({ group_id: groupId, starts_at: input.startsAt, duration_minutes: input.durationMinutes, mode: input.mode, place: input.place, created_at: now })
			.returning('id')
			.executeTakeFirstOrThrow();
		await audit(trx, actor, 'supervision_meeting', id, g.title, 'create', { starts_at: [null, input.startsAt], duration_minutes: [null, input.durationMinutes], mode: [null, input.mode] }, now);
		const ics = meetingIcs(g, { id, ...input, sequence: 0, cancelled: false }, base(opts));
		for (const m of (await listMemberships(trx, groupId)).filter((m) => m.status === 'approved'))
			await enqueueMail(trx, {
				to: m.email,
				subject: `Nyt møde: ${g.title} ${formatDateTime(input.startsAt)}`,
				text: `Hej ${m.name}\n\nSupervisionsgruppen "${g.title}" mødes ${formatDateTime(input.startsAt)} (${input.durationMinutes} min., ${input.mode === 'remote' ? 'online' : input.place || g.place}).\n\nKalenderfilen er vedhæftet. ${groupUrl(g, base(opts))}`,
				kind: 'supervision-meeting',
				attachments: [{ filename: 'supervision.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }],
			});
		return id;
	});
}

async function meetingGroup(db: Db, meetingId: number): Promise<number> {
	const meeting = await findMeeting(db, meetingId);
	if (!meeting) throw new SupervisionError('not_found', 'Mødet findes ikke.');
	return meeting.groupId;
}

/** Cancels a meeting (it never counts) and mails the cancellation (.ics with METHOD:CANCEL). */
export async function cancelMeeting(db: Db, meetingId: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await serialisedWrite(db, groupLock(await meetingGroup(db, meetingId)), async (trx) => {
		const meeting = (await findMeeting(trx, meetingId))!;
		if (meeting.cancelledAt) return;
		const g = await getGroup(trx, meeting.groupId);
		await trx
			.updateTable('supervision_meeting')
			.set((eb) => ({ cancelled_at: now, sequence: eb('sequence', '+', 1) }))
			.where('id', '=', meetingId)
			.execute();
		await audit(trx, actor, 'supervision_meeting', meetingId, g.title, 'cancel', { cancelled_at: [null, now] }, now);
		const ics = meetingIcs(g, { ...meeting, sequence: meeting.sequence + 1, cancelled: true }, base(opts));
		for (const m of (await listMemberships(trx, g.id)).filter((m) => m.status === 'approved'))
			await enqueueMail(trx, {
				to: m.email,
				subject: `Aflyst: ${g.title} ${formatDateTime(meeting.startsAt)}`,
				text: `Hej ${m.name}\n\nMødet i "${g.title}" ${formatDateTime(meeting.startsAt)} er aflyst.\n\n${groupUrl(g, base(opts))}`,
				kind: 'supervision-meeting',
				attachments: [{ filename: 'supervision.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=CANCEL' }],
			});
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
	await serialisedWrite(db, groupLock(await meetingGroup(db, meetingId)), async (trx) => {
		const meeting = (await findMeeting(trx, meetingId))!;
		if (meeting.cancelledAt) throw new SupervisionError('state', 'Mødet er aflyst.');
		const g = await getGroup(trx, meeting.groupId);
		const members = new Map((await listMemberships(trx, g.id)).map((m) => [m.id, m]));
		for (const [id, status] of Object.entries(input.marks)) {
			const m = members.get(Number(id));
			// Only the group's own members: an id from the form is resolved within the group.
			if (!m || !['approved', 'left'].includes(m.status)) throw new SupervisionError('invalid', 'Ukendt deltager.');
			await trx
				.insertInto('supervision_attendance')
				.values({ meeting_id: meetingId, membership_id: m.id, status, marked_by: actor.label, marked_at: now })
				.onConflict((oc) =>
					oc.columns(['meeting_id', 'membership_id']).doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), marked_by: eb.ref('excluded.marked_by'), marked_at: eb.ref('excluded.marked_at') })),
				)
				.execute();
		}
		const presentIds = new Set(
			(await trx.selectFrom('supervision_attendance').select('membership_id').where('meeting_id', '=', meetingId).where('status', '=', 'present').execute()).map((r) => r.membership_id),
		);
		const present = [...members.values()].filter((m) => presentIds.has(m.id));
		const presentCount = input.presentCount ?? present.length;
		const psychologists = input.psychologistCount ?? present.filter((m) => /psykolog/i.test(m.profession)).length;
		if (presentCount < present.length) throw new SupervisionError('invalid', `Antal til stede kan ikke være mindre end de ${present.length} deltagere, der er markeret til stede.`);
		if (psychologists > presentCount) throw new SupervisionError('invalid', 'Antal psykologer kan ikke være større end antal til stede.');
		await trx
			.updateTable('supervision_meeting')
			.set({ duration_minutes: input.durationMinutes, mode: input.mode, present_count: presentCount, psychologist_count: psychologists, recorded_at: now, recorded_by: actor.label })
			.where('id', '=', meetingId)
			.execute();
		await audit(trx, actor, 'supervision_meeting', meetingId, g.title, 'attendance', {
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
	const id = await serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId, opts.now);
		if (g.status === 'closed') throw new SupervisionError('closed', 'Gruppen er afsluttet og optager ikke flere.');
		// An offer of the applicant's that ran out is given up first (and passed on), so they may apply again.
		await expireOffersIn(trx, g, OFFER_ACTOR, opts.now ?? new Date(), opts);
		const existing = await findMembershipOf(trx, groupId, applicant.id);
		if (existing && existing.status !== 'left' && existing.status !== 'declined') throw new SupervisionError('duplicate', 'Du har allerede søgt om en plads i gruppen.');
		const max = await trx.selectFrom('supervision_membership').select((eb) => eb.fn.max('queue_seq').as('n')).where('group_id', '=', groupId).executeTakeFirst();
		const seq = Number(max?.n ?? 0) + 1;
		let id: number;
		if (existing) {
			await trx
				.updateTable('supervision_membership')
				.set({ status: 'applied', profession: input.profession, motivation: input.motivation, municipality: applicant.municipality, queue_seq: seq, message: '', offered_until: null, applied_at: now, left_at: null, updated_at: now })
				.where('id', '=', existing.id)
				.execute();
			id = existing.id;
		} else {
			id = (
				await trx
					.insertInto('supervision_membership')
					.values({ group_id: groupId, user_id: applicant.id, name: applicant.name, email: applicant.email, profession: input.profession, municipality: applicant.municipality, motivation: input.motivation, status: 'applied', queue_seq: seq, applied_at: now, updated_at: now })
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;
		}
		await audit(trx, actor, 'supervision_membership', id, `${applicant.name} · ${g.title}`, 'apply', { status: [existing?.status ?? null, 'applied'], profession: [null, input.profession] }, now);
		for (const to of await supervisorEmails(trx, groupId))
			await enqueueMail(trx, {
				to,
				subject: `Ny ansøgning: ${g.title}`,
				text: `${applicant.name} (${input.profession}${applicant.municipality ? `, ${applicant.municipality}` : ''}) har søgt om en plads i "${g.title}".\n\nSe ansøgningen: ${base(opts)}/supervision/${g.slug}/admin`,
				kind: 'supervision-application',
			});
		return id;
	});
	return (await findMembership(db, id))!;
}

export type DecisionOutcome = 'approved' | 'waiting' | 'declined';

/**
 * The supervisor approves an application: a seat if one is free and nobody waits ahead; otherwise the
 * applicant waits (in application order). Never more members than the capacity, also under concurrent approvals.
 */
export async function approveApplication(db: Db, groupId: number, membershipId: number, message: string, actor: Actor, opts: WriteOptions = {}): Promise<DecisionOutcome> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	return serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId, now);
		await expireOffersIn(trx, g, actor, now, opts);
		const m = await getMembership(trx, membershipId);
		if (m.groupId !== groupId) throw new SupervisionError('not_found', 'Ansøgningen findes ikke.');
		if (m.status !== 'applied') throw new SupervisionError('state', 'Ansøgningen er allerede behandlet.');
		const ahead = await trx
			.selectFrom('supervision_membership')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('group_id', '=', groupId)
			.where('status', '=', 'waiting')
			.where('queue_seq', '<', m.queueSeq ?? 0)
			.executeTakeFirstOrThrow();
		const free = g.status === 'open' && (await seatsTaken(trx, groupId)) < g.capacity && Number(ahead.n) === 0;
		const status = free ? 'approved' : 'waiting';
		await setStatus(trx, m, status, nowIso, { message, joinedAt: free ? nowIso : null });
		await audit(trx, actor, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'approve', { status: ['applied', status], message: [null, message] }, nowIso);
		await enqueueMail(trx, {
			to: m.email,
			subject: free ? `Du har fået en plads: ${g.title}` : `Du er på ventelisten: ${g.title}`,
			text: `Hej ${m.name}\n\n${free ? `Du er optaget i supervisionsgruppen "${g.title}".` : `Din ansøgning til "${g.title}" er godkendt, men gruppen er fuld. Du er på ventelisten og får en mail, når der bliver en plads.`}${message ? `\n\nBesked fra supervisor:\n${message}` : ''}\n\n${groupUrl(g, base(opts))}`,
			kind: 'supervision-decision',
		});
		if (!free) await offerFreeSeats(trx, g, actor, now, opts);
		return status;
	});
}

export async function declineApplication(db: Db, groupId: number, membershipId: number, message: string, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await serialisedWrite(db, groupLock(groupId), async (trx) => {
		const g = await getGroup(trx, groupId);
		const m = await getMembership(trx, membershipId);
		if (m.groupId !== groupId) throw new SupervisionError('not_found', 'Ansøgningen findes ikke.');
		if (m.status !== 'applied' && m.status !== 'waiting') throw new SupervisionError('state', 'Ansøgningen er allerede behandlet.');
		await setStatus(trx, m, 'declined', now, { message });
		await audit(trx, actor, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'decline', { status: [m.status, 'declined'], message: [null, message] }, now);
		await enqueueMail(trx, {
			to: m.email,
			subject: `Svar på din ansøgning: ${g.title}`,
			text: `Hej ${m.name}\n\nDu har desværre ikke fået en plads i "${g.title}".${message ? `\n\nBesked fra supervisor:\n${message}` : ''}`,
			kind: 'supervision-decision',
		});
	});
}

/** The member takes the seat they were offered (before the offer runs out). */
export async function acceptOffer(db: Db, membershipId: number, userId: number, opts: WriteOptions = {}): Promise<void> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const accepted = await serialisedWrite(db, groupLock(await groupOfMembership(db, membershipId)), async (trx) => {
		const m = await getMembership(trx, membershipId);
		if (m.userId !== userId) throw new SupervisionError('forbidden', 'Det er ikke din plads.');
		const g = await getGroup(trx, m.groupId, now);
		await expireOffersIn(trx, g, OFFER_ACTOR, now, opts);
		const fresh = await getMembership(trx, membershipId);
		// Too late: the lapsed offer stays given up and its seat offered on (committed), then the member is told.
		if (fresh.status !== 'offered') return false;
		await setStatus(trx, fresh, 'approved', nowIso, { joinedAt: nowIso });
		await audit(trx, { label: m.email, userId }, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'accept-offer', { status: ['offered', 'approved'] }, nowIso);
		return true;
	});
	if (!accepted) throw new SupervisionError('state', 'Tilbuddet gælder ikke længere.');
}

/** A member leaves (or declines an offer, or leaves the waitlist); a freed seat is offered on at once. */
export async function leaveGroup(db: Db, membershipId: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	await serialisedWrite(db, groupLock(await groupOfMembership(db, membershipId)), async (trx) => {
		const m = await getMembership(trx, membershipId);
		if (!['approved', 'offered', 'waiting', 'applied'].includes(m.status)) throw new SupervisionError('state', 'Du er ikke med i gruppen.');
		const g = await getGroup(trx, m.groupId, now);
		await setStatus(trx, m, 'left', nowIso, { leftAt: m.status === 'approved' ? nowIso : null });
		await audit(trx, actor, 'supervision_membership', m.id, `${m.name} · ${g.title}`, 'leave', { status: [m.status, 'left'] }, nowIso);
		for (const to of await supervisorEmails(trx, g.id))
			await enqueueMail(trx, { to, subject: `${m.name} har forladt ${g.title}`, text: `${m.name} er ikke længere med i "${g.title}" (var: ${m.status}).`, kind: 'supervision-leave' });
		// Lapsed offers of others are given up first, so the freed seats go to whoever waits now.
		if (!(await expireOffersIn(trx, g, actor, now, opts))) await offerFreeSeats(trx, g, actor, now, opts);
	});
}

/**
 * Gives up offers that ran out and passes the seats on. Called by the hourly job and by tests; seat writes do
 * the same inside their own transaction, and pages only read (an expired offer reads as given up: asOf).
 */
export async function expireOffers(db: Db, groupId: number, actor: Actor, opts: WriteOptions = {}): Promise<number> {
	const now = opts.now ?? new Date();
	// Cheap check first: nothing to do means no write lock taken.
	const due = await db
		.selectFrom('supervision_membership')
		.select('id')
		.where('group_id', '=', groupId)
		.where('status', '=', 'offered')
		.where('offered_until', '<=', now.toISOString())
		.limit(1)
		.executeTakeFirst();
	if (!due) return 0;
	return serialisedWrite(db, groupLock(groupId), async (trx) => expireOffersIn(trx, await getGroup(trx, groupId, now), actor, now, opts));
}

/** Every group's lapsed offers (the hourly job). Idempotent: an offer is given up once, under its group's lock. */
export async function expireLapsedOffers(db: Db, now: Date, actor: Actor, opts: WriteOptions = {}): Promise<number> {
	let n = 0;
	for (const groupId of await listGroupsWithLapsedOffers(db, now)) n += await expireOffers(db, groupId, actor, { ...opts, now });
	return n;
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
	// Under the group's lock: a statement and a change of the attendance it counts cannot interleave.
	return serialisedWrite(db, groupLock(await groupOfMembership(db, membershipId)), async (trx) => {
		const m = await getMembership(trx, membershipId);
		if (m.userId !== userId) throw new SupervisionError('forbidden', 'Du kan kun hente din egen dokumentation.');
		const existing = await trx.selectFrom('supervision_statement').select('code').where('membership_id', '=', m.id).executeTakeFirst();
		if (existing) return existing.code;
		const g = await getGroup(trx, m.groupId);
		if (g.status !== 'closed' && m.status !== 'left') throw new SupervisionError('state', 'Dokumentationen kan først dannes, når forløbet er afsluttet.');
		const content = await buildStatement(trx, g, m, now);
		if (content.rawHours <= 0) throw new SupervisionError('state', 'Der er ingen registrerede timer at dokumentere.');
		const code = newVerificationCode();
		await trx.insertInto('supervision_statement').values({ membership_id: m.id, code, content: JSON.stringify(content), issued_at: now }).execute();
		await audit(trx, { label: m.email, userId }, 'supervision_statement', m.id, `${m.name} · ${g.title}`, 'issue', { raw_hours: [null, content.rawHours], creditable_hours: [null, content.creditableHours] }, now);
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

/** A participant's own record: no seats involved, so a plain transaction (the change and its audit entry). */
export async function addSelfCourse(db: Db, userId: number, input: SelfCourseInput, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await db.transaction().execute(async (trx) => {
		const { id } = await trx
			.insertInto('supervision_self_course')
			.values({
				user_id: userId,
				title: input.title,
				supervisor_name: input.supervisorName,
				kind: input.kind,
				external: input.external ? 1 : 0,
				group_size: input.kind === 'individual' ? 1 : input.groupSize,
				hours: input.hours,
				from_date: input.fromDate,
				to_date: input.toDate,
				created_at: now,
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await audit(trx, actor, 'supervision_self_course', id, input.title, 'create', { hours: [null, input.hours] }, now);
	});
}

export async function deleteSelfCourse(db: Db, userId: number, id: number, actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const now = (opts.now ?? new Date()).toISOString();
	await db.transaction().execute(async (trx) => {
		const row = await trx.selectFrom('supervision_self_course').select('title').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
		if (!row) throw new SupervisionError('not_found', 'Forløbet findes ikke.');
		await trx.deleteFrom('supervision_self_course').where('id', '=', id).execute();
		await audit(trx, actor, 'supervision_self_course', id, row.title, 'delete', {}, now);
	});
}

export { listSupervisors };

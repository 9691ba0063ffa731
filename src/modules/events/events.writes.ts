/**
 * Organiser writes: create, edit, copy, publish/unpublish, cancel, programme, co-organisers, mail to
 * participants. Each runs in one seat transaction (events.seats.ts; an edit that raises capacity promotes from
 * the waitlist in the same transaction) and writes an audit entry (entity_type 'event'). Every change to what a
 * calendar shows bumps `sequence`, so .ics updates and cancellations replace the old entry.
 */
import { sql } from 'kysely';
import type { Db } from '@db/client';
import { diff, type Actor } from '@/modules/audit/audit.repository';
import { slugify } from '@/lib/text';
import { countSeats, findEventById, listProgramme, listRegistrationsWithStatus, slugExists, type Conn } from './events.repository';
import { localToUtc, RESERVED_SLUGS, utcToLocal } from './events.rules';
import { calendarFor, seatTransaction, type Trx } from './events.seats';
import { EventError, type ThemeDay } from './events.types';
import type { RegistrationStatus } from '@db/schema';
import { defaultBaseUrl, eventCancelledMail, eventChangedMail, organiserMessageMail } from './events.mails';
import { auditEvents, fillSeats, queueMail } from './events.registrations';

/** A theme day as typed in the organiser's form (dates and times are Copenhagen wall-clock). */
export interface EventInput {
	title: string;
	summary: string;
	description: string;
	/** `YYYY-MM-DD` */
	date: string;
	/** `HH:MM` */
	startTime: string;
	endTime: string;
	placeName: string;
	placeAddress: string;
	onlineUrl: string | null;
	/** null = the network. */
	organisationId: number | null;
	organiserEmail: string | null;
	targetGroup: string;
	priceText: string;
	capacity: number;
	/** `YYYY-MM-DD` or null (= until the start). */
	deadlineDate: string | null;
	deadlineTime: string | null;
	promotionCutoffHours: number;
	materials: string;
	hours: number;
	topics: string[];
}

export interface WriteOptions {
	now?: Date;
	baseUrl?: string;
}

function rowValues(input: EventInput) {
	const startsAt = localToUtc(input.date, input.startTime);
	const endsAt = localToUtc(input.date, input.endTime);
	if (endsAt <= startsAt) throw new EventError('invalid', 'Sluttidspunktet skal ligge efter starttidspunktet.');
	const deadline = input.deadlineDate ? localToUtc(input.deadlineDate, input.deadlineTime || '23:59') : null;
	return {
		title: input.title.trim(),
		summary: input.summary.trim(),
		description: input.description,
		starts_at: startsAt,
		ends_at: endsAt,
		place_name: input.placeName.trim(),
		place_address: input.placeAddress.trim(),
		online_url: input.onlineUrl?.trim() || null,
		organisation_id: input.organisationId,
		organiser_email: input.organiserEmail?.trim().toLowerCase() || null,
		target_group: input.targetGroup.trim(),
		price_text: input.priceText.trim() || 'Gratis',
		capacity: input.capacity,
		registration_deadline: deadline,
		promotion_cutoff_hours: input.promotionCutoffHours,
		materials: input.materials,
		hours: input.hours,
	};
}

/** The form values for an existing theme day (edit and copy forms). */
export function eventToInput(event: ThemeDay): EventInput {
	const start = utcToLocal(event.startsAt);
	const deadline = event.deadlineSet ? utcToLocal(event.registrationDeadline) : null;
	return {
		title: event.title,
		summary: event.summary,
		description: event.description,
		date: start.date,
		startTime: start.time,
		endTime: utcToLocal(event.endsAt).time,
		placeName: event.placeName,
		placeAddress: event.placeAddress,
		onlineUrl: event.onlineUrl,
		organisationId: event.organisationId,
		organiserEmail: event.organiserEmail,
		targetGroup: event.targetGroup,
		priceText: event.priceText,
		capacity: event.capacity,
		deadlineDate: deadline?.date ?? null,
		deadlineTime: deadline?.time ?? null,
		promotionCutoffHours: event.promotionCutoffHours,
		materials: event.materials,
		hours: event.hours,
		topics: event.topics.map((t) => t.slug),
	};
}

async function uniqueSlug(c: Conn, title: string, date: string, exceptId?: number): Promise<string> {
	const base = `${slugify(title).slice(0, 60).replace(/-$/, '') || 'temadag'}-${date.slice(0, 4)}`;
	let slug = base;
	for (let n = 2; (await slugExists(c, slug, exceptId)) || RESERVED_SLUGS.has(slug); n++) slug = `${base}-${n}`;
	return slug;
}

async function setTopics(trx: Trx, eventId: number, topics: string[]) {
	await trx.deleteFrom('event_topic').where('event_id', '=', eventId).execute();
	const unique = [...new Set(topics)];
	if (unique.length) await trx.insertInto('event_topic').values(unique.map((slug) => ({ event_id: eventId, topic_slug: slug }))).execute();
}

function auditEvent(trx: Trx, actor: Actor, event: { id: number; title: string }, action: string, changes: Record<string, [unknown, unknown]>, at: string) {
	return auditEvents(trx, { actor, entityType: 'event', entityId: event.id, entityLabel: event.title, action, changes, at });
}

async function mustFind(c: Conn, eventId: number): Promise<ThemeDay> {
	const event = await findEventById(c, eventId);
	if (!event) throw new EventError('not_found', 'Temadagen findes ikke.');
	return event;
}

/** Creates a theme day as a draft (publish it separately). */
export async function createEvent(db: Db, input: EventInput, actor: Actor, opts: WriteOptions & { status?: 'draft' | 'published'; copiedFromId?: number } = {}): Promise<ThemeDay> {
	const nowIso = (opts.now ?? new Date()).toISOString();
	const values = rowValues(input);
	// Under the "create" lock: two organisers creating the same title get different slugs, not a conflict.
	return seatTransaction(db, 'create', async (trx) => {
		const slug = await uniqueSlug(trx, input.title, input.date);
		const row = await trx
			.insertInto('event')
			.values({ ...values, slug, status: opts.status ?? 'draft', copied_from_id: opts.copiedFromId ?? null, created_at: nowIso, updated_at: nowIso })
			.returning('id')
			.executeTakeFirstOrThrow();
		const id = Number(row.id);
		await setTopics(trx, id, input.topics);
		await auditEvent(trx, actor, { id, title: values.title }, 'create', diff(null, { ...values, slug, topics: input.topics }), nowIso);
		return (await findEventById(trx, id))!;
	});
}

const CALENDAR_FIELDS = ['title', 'starts_at', 'ends_at', 'place_name', 'place_address', 'online_url', 'summary'] as const;
const CHANGE_WORDS: Record<string, string> = { starts_at: 'tidspunktet', ends_at: 'tidspunktet', place_name: 'stedet', place_address: 'adressen', online_url: 'online-linket', title: 'titlen' };

/**
 * Saves an edit. Capacity can't go below the seats already taken; a free seat (capacity raised, or freed after the
 * cut-off of a day now moved later) goes to the waitlist.
 * A change of time, place or title is mailed to everyone confirmed or waiting, with the updated .ics.
 */
export async function updateEvent(db: Db, eventId: number, input: EventInput, actor: Actor, opts: WriteOptions = {}): Promise<ThemeDay> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	const values = rowValues(input);
	return seatTransaction(db, eventId, async (trx) => {
		const before = await mustFind(trx, eventId);
		const beforeRow = (await trx.selectFrom('event').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow()) as Record<string, unknown>;
		const { taken } = await countSeats(trx, eventId);
		if (values.capacity < taken) throw new EventError('invalid', `Kapaciteten kan ikke være mindre end antallet af tildelte pladser (${taken}).`);
		const changes = diff({ ...beforeRow, topics: before.topics.map((t) => t.slug) }, { ...values, topics: input.topics });
		if (!Object.keys(changes).length) return before;
		await trx
			.updateTable('event')
			.set({ ...values, sequence: sql`sequence + 1`, updated_at: nowIso })
			.where('id', '=', eventId)
			.execute();
		await setTopics(trx, eventId, input.topics);
		await auditEvent(trx, actor, { id: eventId, title: values.title }, 'update', changes, nowIso);
		const after = (await findEventById(trx, eventId))!;
		const calendarChanged = CALENDAR_FIELDS.filter((f) => f in changes);
		if (after.status === 'published' && calendarChanged.some((f) => f !== 'summary')) {
			const what = [...new Set(calendarChanged.filter((f) => f !== 'summary').map((f) => CHANGE_WORDS[f]))];
			for (const reg of await listRegistrationsWithStatus(trx, eventId, ['confirmed', 'waitlisted'])) await queueMail(trx, eventChangedMail(await calendarFor(trx, after, reg.id), reg, what, baseUrl), nowIso);
		}
		// Free seats go to the waitlist: a raised capacity, or a seat freed after the cut-off when the day moves later.
		await fillSeats(trx, after, now, baseUrl);
		return (await findEventById(trx, eventId))!;
	});
}

/**
 * Publish (registration opens) or take back to draft. A cancelled theme day stays cancelled. Publishing gives seats
 * freed while it was a draft (a participant cancelled) to the waitlist, as a cancellation on a published day would.
 */
export async function setEventPublished(db: Db, eventId: number, published: boolean, actor: Actor, opts: WriteOptions = {}): Promise<ThemeDay> {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	return seatTransaction(db, eventId, async (trx) => {
		const event = await mustFind(trx, eventId);
		if (event.status === 'cancelled') throw new EventError('state', 'En aflyst temadag kan ikke offentliggøres igen. Kopiér den i stedet.');
		const status = published ? 'published' : 'draft';
		if (event.status === status) return event;
		await trx.updateTable('event').set({ status, sequence: sql`sequence + 1`, updated_at: nowIso }).where('id', '=', eventId).execute();
		await auditEvent(trx, actor, event, published ? 'publish' : 'unpublish', { status: [event.status, status] }, nowIso);
		const after = (await findEventById(trx, eventId))!;
		if (published && (await fillSeats(trx, after, now, opts.baseUrl ?? defaultBaseUrl())).promoted.length) return (await findEventById(trx, eventId))!;
		return after;
	});
}

/** Cancels the theme day: SEQUENCE bumped, and everyone confirmed or waiting gets a mail with a METHOD:CANCEL .ics. */
export async function cancelEvent(db: Db, eventId: number, reason: string, actor: Actor, opts: WriteOptions = {}): Promise<{ event: ThemeDay; mailed: number }> {
	const nowIso = (opts.now ?? new Date()).toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return seatTransaction(db, eventId, async (trx) => {
		const before = await mustFind(trx, eventId);
		if (before.status === 'cancelled') return { event: before, mailed: 0 };
		await trx.updateTable('event').set({ status: 'cancelled', cancelled_at: nowIso, sequence: sql`sequence + 1`, updated_at: nowIso }).where('id', '=', eventId).execute();
		const event = (await findEventById(trx, eventId))!;
		await auditEvent(trx, actor, event, 'cancel', { status: [before.status, 'cancelled'], reason: [null, reason] }, nowIso);
		let mailed = 0;
		if (before.status === 'published')
			for (const reg of await listRegistrationsWithStatus(trx, eventId, ['confirmed', 'waitlisted']))
				mailed += (await queueMail(trx, eventCancelledMail(await calendarFor(trx, event, reg.id), reg, reason.trim(), baseUrl), nowIso)) ? 1 : 0;
		return { event, mailed };
	});
}

/**
 * A new draft from an existing theme day (e.g. last year's) on a new date: same times, programme, topics
 * and organisers; no registrations, no materials.
 */
export async function copyEvent(db: Db, sourceId: number, newDate: string, actor: Actor, opts: WriteOptions = {}): Promise<ThemeDay> {
	const source = await findEventById(db, sourceId);
	if (!source) throw new EventError('not_found', 'Temadagen findes ikke.');
	const input = { ...eventToInput(source), date: newDate, materials: '', deadlineDate: null, deadlineTime: null };
	const copy = await createEvent(db, input, actor, { ...opts, copiedFromId: sourceId });
	const nowIso = (opts.now ?? new Date()).toISOString();
	await seatTransaction(db, copy.id, async (trx) => {
		const items = await listProgramme(trx, sourceId);
		if (items.length)
			await trx
				.insertInto('event_programme_item')
				.values(items.map((item) => ({ event_id: copy.id, start_time: item.startTime, end_time: item.endTime, title: item.title, speaker_name: item.speakerName, speaker_affiliation: item.speakerAffiliation })))
				.execute();
		await sql`INSERT INTO event_organiser (event_id, organisation_id) SELECT ${copy.id}, organisation_id FROM event_organiser WHERE event_id = ${sourceId}`.execute(trx);
		await auditEvent(trx, actor, copy, 'copy', { copied_from: [null, source.slug] }, nowIso);
	});
	return (await findEventById(db, copy.id))!;
}

export interface ProgrammeInput {
	startTime: string;
	endTime: string | null;
	title: string;
	speakerName: string;
	speakerAffiliation: string;
}

/** Replaces the programme (the form shows all rows at once). */
export async function saveProgramme(db: Db, eventId: number, items: ProgrammeInput[], actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const nowIso = (opts.now ?? new Date()).toISOString();
	await seatTransaction(db, eventId, async (trx) => {
		const event = await mustFind(trx, eventId);
		const before = (await listProgramme(trx, eventId)).map((i) => `${i.startTime} ${i.title} (${i.speakerName})`);
		await trx.deleteFrom('event_programme_item').where('event_id', '=', eventId).execute();
		if (items.length)
			await trx
				.insertInto('event_programme_item')
				.values(items.map((item) => ({ event_id: eventId, start_time: item.startTime, end_time: item.endTime, title: item.title.trim(), speaker_name: item.speakerName.trim(), speaker_affiliation: item.speakerAffiliation.trim() })))
				.execute();
		const after = items.map((i) => `${i.startTime} ${i.title.trim()} (${i.speakerName.trim()})`);
		await trx.updateTable('event').set({ updated_at: nowIso }).where('id', '=', eventId).execute();
		await auditEvent(trx, actor, event, 'programme', diff({ programme: before }, { programme: after }), nowIso);
	});
}

/** Organisations (besides the organising one) whose editors may run this theme day. */
export async function setCoOrganisers(db: Db, eventId: number, organisationIds: number[], actor: Actor, opts: WriteOptions = {}): Promise<void> {
	const nowIso = (opts.now ?? new Date()).toISOString();
	await seatTransaction(db, eventId, async (trx) => {
		const event = await mustFind(trx, eventId);
		const before = (await trx.selectFrom('event_organiser').select('organisation_id').where('event_id', '=', eventId).execute()).map((x) => Number(x.organisation_id));
		await trx.deleteFrom('event_organiser').where('event_id', '=', eventId).execute();
		const ids = [...new Set(organisationIds)];
		if (ids.length) await trx.insertInto('event_organiser').values(ids.map((id) => ({ event_id: eventId, organisation_id: id }))).execute();
		const changes = diff({ organisers: before }, { organisers: ids });
		if (Object.keys(changes).length) await auditEvent(trx, actor, event, 'organisers', changes, nowIso);
	});
}

export type Audience = 'confirmed' | 'waitlisted' | 'all';

/** A message from the organiser to everyone confirmed, waiting, or both. Returns how many mails were queued. */
export async function mailParticipants(db: Db, eventId: number, audience: Audience, subject: string, body: string, actor: Actor, opts: WriteOptions = {}): Promise<number> {
	const nowIso = (opts.now ?? new Date()).toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return seatTransaction(db, eventId, async (trx) => {
		const event = await mustFind(trx, eventId);
		const statuses: RegistrationStatus[] = audience === 'all' ? ['confirmed', 'waitlisted', 'attended', 'no_show'] : audience === 'confirmed' ? ['confirmed', 'attended', 'no_show'] : ['waitlisted'];
		const regs = await listRegistrationsWithStatus(trx, eventId, statuses);
		for (const reg of regs) await queueMail(trx, organiserMessageMail(event, reg, subject.trim(), body.trim(), baseUrl), nowIso);
		await auditEvent(trx, actor, event, 'mail', { audience: [null, audience], subject: [null, subject.trim()], recipients: [null, regs.length] }, nowIso);
		return regs.length;
	});
}

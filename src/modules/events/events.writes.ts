/**
 * Organiser writes: create, edit, copy, publish/unpublish, cancel, programme, co-organisers, mail to
 * participants. Each runs in one IMMEDIATE transaction (an edit that raises capacity promotes from the
 * waitlist in the same transaction) and writes an audit entry (entity_type 'event'). Every change to what a
 * calendar shows bumps `sequence`, so .ics updates and cancellations replace the old entry.
 */
import type { Db } from '@db/client';
import { diff, type Actor } from '@/modules/audit/audit.repository';
import { slugify } from '@/lib/text';
import { countSeats, findEventById, listProgramme, slugExists, toRegistration } from './events.repository';
import { localToUtc, RESERVED_SLUGS, utcToLocal } from './events.rules';
import { auditSync, calendarFor, immediate, mailSync, stmt, type Raw } from './events.sync';
import { EventError, type ThemeDay } from './events.types';
import { defaultBaseUrl, eventCancelledMail, eventChangedMail, organiserMessageMail } from './events.mails';
import { fillSeats } from './events.registrations';

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

function uniqueSlug(r: Raw, title: string, date: string, exceptId?: number): string {
	const base = `${slugify(title).slice(0, 60).replace(/-$/, '') || 'temadag'}-${date.slice(0, 4)}`;
	let slug = base;
	for (let n = 2; slugExists(r, slug, exceptId) || RESERVED_SLUGS.has(slug); n++) slug = `${base}-${n}`;
	return slug;
}

function setTopics(r: Raw, eventId: number, topics: string[]) {
	stmt(r, 'DELETE FROM event_topic WHERE event_id = ?').run(eventId);
	for (const slug of new Set(topics)) stmt(r, 'INSERT INTO event_topic (event_id, topic_slug) VALUES (?, ?)').run(eventId, slug);
}

function auditEvent(r: Raw, actor: Actor, event: { id: number; title: string }, action: string, changes: Record<string, [unknown, unknown]>, at: string) {
	auditSync(r, { actor, entityType: 'event', entityId: event.id, entityLabel: event.title, action, changes, at });
}

/** Creates a theme day as a draft (publish it separately). */
export function createEvent(db: Db, input: EventInput, actor: Actor, opts: WriteOptions & { status?: 'draft' | 'published'; copiedFromId?: number } = {}): ThemeDay {
	const nowIso = (opts.now ?? new Date()).toISOString();
	return immediate(db, (r) => {
		const values = rowValues(input);
		const slug = uniqueSlug(r, input.title, input.date);
		const id = Number(
			stmt(
				r,
				`INSERT INTO event (slug, title, summary, description, starts_at, ends_at, place_name, place_address, online_url, organisation_id, organiser_email,
				 target_group, price_text, capacity, registration_deadline, promotion_cutoff_hours, materials, hours, status, copied_from_id, created_at, updated_at)
				 VALUES (@slug, @title, @summary, @description, @starts_at, @ends_at, @place_name, @place_address, @online_url, @organisation_id, @organiser_email,
				 @target_group, @price_text, @capacity, @registration_deadline, @promotion_cutoff_hours, @materials, @hours, @status, @copied_from_id, @now, @now)`,
			).run({ ...values, slug, status: opts.status ?? 'draft', copied_from_id: opts.copiedFromId ?? null, now: nowIso }).lastInsertRowid,
		);
		setTopics(r, id, input.topics);
		auditEvent(r, actor, { id, title: values.title }, 'create', diff(null, { ...values, slug, topics: input.topics }), nowIso);
		return findEventById(r, id)!;
	});
}

const CALENDAR_FIELDS = ['title', 'starts_at', 'ends_at', 'place_name', 'place_address', 'online_url', 'summary'] as const;
const CHANGE_WORDS: Record<string, string> = { starts_at: 'tidspunktet', ends_at: 'tidspunktet', place_name: 'stedet', place_address: 'adressen', online_url: 'online-linket', title: 'titlen' };

/**
 * Saves an edit. Capacity can't go below the seats already taken; raising it promotes from the waitlist.
 * A change of time, place or title is mailed to everyone confirmed or waiting, with the updated .ics.
 */
export function updateEvent(db: Db, eventId: number, input: EventInput, actor: Actor, opts: WriteOptions = {}): ThemeDay {
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return immediate(db, (r) => {
		const before = findEventById(r, eventId);
		if (!before) throw new EventError('not_found', 'Temadagen findes ikke.');
		const beforeRow = stmt(r, 'SELECT * FROM event WHERE id = ?').get(eventId) as Record<string, unknown>;
		const values = rowValues(input);
		const { taken } = countSeats(r, eventId);
		if (values.capacity < taken) throw new EventError('invalid', `Kapaciteten kan ikke være mindre end antallet af tildelte pladser (${taken}).`);
		const changes = diff({ ...beforeRow, topics: before.topics.map((t) => t.slug) }, { ...values, topics: input.topics });
		if (!Object.keys(changes).length) return before;
		stmt(
			r,
			`UPDATE event SET title = @title, summary = @summary, description = @description, starts_at = @starts_at, ends_at = @ends_at, place_name = @place_name,
			 place_address = @place_address, online_url = @online_url, organisation_id = @organisation_id, organiser_email = @organiser_email, target_group = @target_group,
			 price_text = @price_text, capacity = @capacity, registration_deadline = @registration_deadline, promotion_cutoff_hours = @promotion_cutoff_hours,
			 materials = @materials, hours = @hours, sequence = sequence + 1, updated_at = @now WHERE id = @id`,
		).run({ ...values, now: nowIso, id: eventId });
		setTopics(r, eventId, input.topics);
		auditEvent(r, actor, { id: eventId, title: values.title }, 'update', changes, nowIso);
		const after = findEventById(r, eventId)!;
		const calendarChanged = CALENDAR_FIELDS.filter((f) => f in changes);
		if (after.status === 'published' && calendarChanged.some((f) => f !== 'summary')) {
			const what = [...new Set(calendarChanged.filter((f) => f !== 'summary').map((f) => CHANGE_WORDS[f]))];
			for (const reg of participants(r, eventId, ['confirmed', 'waitlisted'])) mailSync(r, eventChangedMail(calendarFor(r, after, reg.id), reg, what, baseUrl), nowIso);
		}
		if (values.capacity > before.capacity) fillSeats(r, after, now, baseUrl);
		return findEventById(r, eventId)!;
	});
}

function participants(r: Raw, eventId: number, statuses: string[]) {
	return (r.prepare(`SELECT * FROM event_registration WHERE event_id = ? AND status IN (${statuses.map(() => '?').join(',')}) ORDER BY id`).all(eventId, ...statuses) as any[]).map(toRegistration);
}

/** Publish (registration opens) or take back to draft. A cancelled theme day stays cancelled. */
export function setEventPublished(db: Db, eventId: number, published: boolean, actor: Actor, opts: WriteOptions = {}): ThemeDay {
	const nowIso = (opts.now ?? new Date()).toISOString();
	return immediate(db, (r) => {
		const event = findEventById(r, eventId);
		if (!event) throw new EventError('not_found', 'Temadagen findes ikke.');
		if (event.status === 'cancelled') throw new EventError('state', 'En aflyst temadag kan ikke offentliggøres igen. Kopiér den i stedet.');
		const status = published ? 'published' : 'draft';
		if (event.status === status) return event;
		stmt(r, 'UPDATE event SET status = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?').run(status, nowIso, eventId);
		auditEvent(r, actor, event, published ? 'publish' : 'unpublish', { status: [event.status, status] }, nowIso);
		return findEventById(r, eventId)!;
	});
}

/** Cancels the theme day: SEQUENCE bumped, and everyone confirmed or waiting gets a mail with a METHOD:CANCEL .ics. */
export function cancelEvent(db: Db, eventId: number, reason: string, actor: Actor, opts: WriteOptions = {}): { event: ThemeDay; mailed: number } {
	const nowIso = (opts.now ?? new Date()).toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return immediate(db, (r) => {
		const before = findEventById(r, eventId);
		if (!before) throw new EventError('not_found', 'Temadagen findes ikke.');
		if (before.status === 'cancelled') return { event: before, mailed: 0 };
		stmt(r, "UPDATE event SET status = 'cancelled', cancelled_at = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?").run(nowIso, nowIso, eventId);
		const event = findEventById(r, eventId)!;
		auditEvent(r, actor, event, 'cancel', { status: [before.status, 'cancelled'], reason: [null, reason] }, nowIso);
		let mailed = 0;
		if (before.status === 'published') for (const reg of participants(r, eventId, ['confirmed', 'waitlisted'])) mailed += mailSync(r, eventCancelledMail(calendarFor(r, event, reg.id), reg, reason.trim(), baseUrl), nowIso) ? 1 : 0;
		return { event, mailed };
	});
}

/**
 * A new draft from an existing theme day (e.g. last year's) on a new date: same times, programme, topics
 * and organisers; no registrations, no materials.
 */
export function copyEvent(db: Db, sourceId: number, newDate: string, actor: Actor, opts: WriteOptions = {}): ThemeDay {
	const source = findEventById(db, sourceId);
	if (!source) throw new EventError('not_found', 'Temadagen findes ikke.');
	const input = { ...eventToInput(source), date: newDate, materials: '', deadlineDate: null, deadlineTime: null };
	const copy = createEvent(db, input, actor, { ...opts, copiedFromId: sourceId });
	const nowIso = (opts.now ?? new Date()).toISOString();
	immediate(db, (r) => {
		for (const item of listProgramme(r, sourceId))
			stmt(r, 'INSERT INTO event_programme_item (event_id, start_time, end_time, title, speaker_name, speaker_affiliation) VALUES (?, ?, ?, ?, ?, ?)').run(copy.id, item.startTime, item.endTime, item.title, item.speakerName, item.speakerAffiliation);
		stmt(r, 'INSERT INTO event_organiser (event_id, organisation_id) SELECT ?, organisation_id FROM event_organiser WHERE event_id = ?').run(copy.id, sourceId);
		auditEvent(r, actor, copy, 'copy', { copied_from: [null, source.slug] }, nowIso);
	});
	return findEventById(db, copy.id)!;
}

export interface ProgrammeInput {
	startTime: string;
	endTime: string | null;
	title: string;
	speakerName: string;
	speakerAffiliation: string;
}

/** Replaces the programme (the form shows all rows at once). */
export function saveProgramme(db: Db, eventId: number, items: ProgrammeInput[], actor: Actor, opts: WriteOptions = {}): void {
	const nowIso = (opts.now ?? new Date()).toISOString();
	immediate(db, (r) => {
		const event = findEventById(r, eventId);
		if (!event) throw new EventError('not_found', 'Temadagen findes ikke.');
		const before = listProgramme(r, eventId).map((i) => `${i.startTime} ${i.title} (${i.speakerName})`);
		stmt(r, 'DELETE FROM event_programme_item WHERE event_id = ?').run(eventId);
		for (const item of items)
			stmt(r, 'INSERT INTO event_programme_item (event_id, start_time, end_time, title, speaker_name, speaker_affiliation) VALUES (?, ?, ?, ?, ?, ?)').run(eventId, item.startTime, item.endTime, item.title.trim(), item.speakerName.trim(), item.speakerAffiliation.trim());
		const after = items.map((i) => `${i.startTime} ${i.title.trim()} (${i.speakerName.trim()})`);
		stmt(r, 'UPDATE event SET updated_at = ? WHERE id = ?').run(nowIso, eventId);
		auditEvent(r, actor, event, 'programme', diff({ programme: before }, { programme: after }), nowIso);
	});
}

/** Organisations (besides the organising one) whose editors may run this theme day. */
export function setCoOrganisers(db: Db, eventId: number, organisationIds: number[], actor: Actor, opts: WriteOptions = {}): void {
	const nowIso = (opts.now ?? new Date()).toISOString();
	immediate(db, (r) => {
		const event = findEventById(r, eventId);
		if (!event) throw new EventError('not_found', 'Temadagen findes ikke.');
		const before = (stmt(r, 'SELECT organisation_id FROM event_organiser WHERE event_id = ?').all(eventId) as { organisation_id: number }[]).map((x) => x.organisation_id);
		stmt(r, 'DELETE FROM event_organiser WHERE event_id = ?').run(eventId);
		for (const id of new Set(organisationIds)) stmt(r, 'INSERT INTO event_organiser (event_id, organisation_id) VALUES (?, ?)').run(eventId, id);
		const changes = diff({ organisers: before }, { organisers: [...new Set(organisationIds)] });
		if (Object.keys(changes).length) auditEvent(r, actor, event, 'organisers', changes, nowIso);
	});
}

export type Audience = 'confirmed' | 'waitlisted' | 'all';

/** A message from the organiser to everyone confirmed, waiting, or both. Returns how many mails were queued. */
export function mailParticipants(db: Db, eventId: number, audience: Audience, subject: string, body: string, actor: Actor, opts: WriteOptions = {}): number {
	const nowIso = (opts.now ?? new Date()).toISOString();
	const baseUrl = opts.baseUrl ?? defaultBaseUrl();
	return immediate(db, (r) => {
		const event = findEventById(r, eventId);
		if (!event) throw new EventError('not_found', 'Temadagen findes ikke.');
		const statuses = audience === 'all' ? ['confirmed', 'waitlisted', 'attended', 'no_show'] : audience === 'confirmed' ? ['confirmed', 'attended', 'no_show'] : ['waitlisted'];
		const regs = participants(r, eventId, statuses);
		for (const reg of regs) mailSync(r, organiserMessageMail(event, reg, subject.trim(), body.trim(), baseUrl), nowIso);
		auditEvent(r, actor, event, 'mail', { audience: [null, audience], subject: [null, subject.trim()], recipients: [null, regs.length] }, nowIso);
		return regs.length;
	});
}

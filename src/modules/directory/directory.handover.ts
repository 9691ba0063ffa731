/**
 * "Jeg stopper" / "X er stoppet": the leaver is marked as left with a successor (an existing colleague, a new
 * entry created on the spot, or none when the post is vacant), roles and topics can move with one click, people
 * who named the leaver as deputy get the successor instead, and the successor gets the welcome mail — all in one
 * transaction, so search and the person page show the successor from the same moment.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '@db/client';
import type { Database } from '@db/schema';
import type { FieldErrors } from '@/lib/forms';
import { formatDate } from '@/lib/dates';
import { insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';
import { addDaysToDate, localDate } from '@/modules/freshness/freshness.rules';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { findPersonById, findPersonByRef, listUnitContacts, referenceLabels } from './directory.repository';
import type { HandoverInput } from './directory.schema';
import type { Person } from './directory.types';
import { patchPerson, savePerson } from './directory.writes';
import { EditDenied, allocatePersonRef, personToInput, welcomeMail, type EditContext, type EditOutcome } from './directory.editing';
import { planHandover, successorProblem, type HandoverParty } from './editing.rules';

type Executor = Kysely<Database> | Transaction<Database>;

export interface HandoverResult {
	/** Set when the handover is dated ahead: it happens on this day (`YYYY-MM-DD`), by the handover job. */
	scheduledFor: string | null;
	/** The successor's ref, or null when the post is vacant. */
	successorRef: string | null;
	successorName: string | null;
	createdSuccessor: boolean;
	welcomeQueued: boolean;
	moved: { roles: string[]; topics: string[]; keyPerson: boolean };
}

function party(p: Person): HandoverParty {
	return { id: p.id, name: p.name, status: p.status, organisationId: p.organisationId, keyPerson: p.keyPerson, roles: p.roles, topics: p.topics };
}

/** May this user create a new entry inline (adding colleagues is for the unit's editors)? */
export function canCreateSuccessor(ctx: EditContext, leaver: Person): boolean {
	return ctx.perms.canEditUnit({ id: leaver.unitId, organisationId: leaver.organisationId });
}

/** Colleagues who can take over: active people of the leaver's organisation, own unit first. */
export async function successorCandidates(db: Db, leaver: Person): Promise<{ ref: string; name: string; title: string; unitName: string; sameUnit: boolean }[]> {
	const rows = await db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.select(['person.ref', 'person.first_name', 'person.last_name', 'person.title', 'person.unit_id', 'unit.name as unit_name'])
		.where('unit.organisation_id', '=', leaver.organisationId)
		.where('person.status', '=', 'active')
		.where('person.id', '!=', leaver.id)
		.orderBy('unit.name')
		.orderBy('person.first_name')
		.orderBy('person.last_name')
		.execute();
	return rows
		.map((r) => ({ ref: r.ref, name: `${r.first_name} ${r.last_name}`, title: r.title, unitName: r.unit_name, sameUnit: r.unit_id === leaver.unitId }))
		.sort((a, b) => Number(b.sameUnit) - Number(a.sameUnit));
}

/** Why this handover cannot happen now (Danish field messages), or the successor it names. */
async function checkHandover(db: Executor, leaver: Person, input: HandoverInput, mayCreate: boolean): Promise<{ errors: FieldErrors; successor?: Person }> {
	const errors: FieldErrors = {};
	let successor: Person | undefined;
	if (input.mode === 'successor') {
		successor = input.successorRef ? await findPersonByRef(db, input.successorRef) : undefined;
		const problem = successorProblem(party(leaver), successor && party(successor));
		if (problem) errors.successorRef = problem;
	} else if (input.mode === 'new') {
		if (!mayCreate)
			errors.mode = 'Kun enhedens redaktører kan oprette en ny kollega. Vælg en eksisterende kollega, eller markér stillingen som vakant.';
		else if (input.newEmail) {
			const taken = await db.selectFrom('person').select(['ref', 'first_name', 'last_name']).where('email', '=', input.newEmail).where('status', '=', 'active').executeTakeFirst();
			if (taken) errors.newEmail = `${taken.first_name} ${taken.last_name} har allerede denne e-mailadresse i Vejviser — vælg personen på listen i stedet.`;
		}
	}
	return { errors, successor };
}

/**
 * Registers that someone stops. Without a date, or with today's or an earlier date, it happens now;
 * with a later date it is stored and the handover job carries it out on that day (Copenhagen).
 */
export async function handOver(db: Db, ctx: EditContext, leaverId: number, input: HandoverInput, now: Date = new Date()): Promise<EditOutcome<HandoverResult>> {
	const leaver = await findPersonById(db, leaverId);
	if (!leaver) throw new EditDenied('Personen findes ikke.');
	if (!ctx.perms.canEditPerson({ id: leaver.id, unitId: leaver.unitId, organisationId: leaver.organisationId })) throw new EditDenied();
	if (leaver.status === 'left') return { ok: false, errors: { _form: `${leaver.name} er allerede registreret som fratrådt.` } };

	const { errors, successor } = await checkHandover(db, leaver, input, canCreateSuccessor(ctx, leaver));
	const today = localDate(now);
	if (input.effectiveOn && input.effectiveOn > addDaysToDate(today, MAX_DAYS_AHEAD))
		errors.effectiveOn = `Vælg en dato inden for et år (senest ${formatDate(addDaysToDate(today, MAX_DAYS_AHEAD))}).`;
	if (Object.keys(errors).length) return { ok: false, errors };

	if (input.effectiveOn && input.effectiveOn > today) {
		if (await findScheduledHandover(db, leaver.id))
			return { ok: false, errors: { _form: `Der er allerede planlagt en overdragelse for ${leaver.name}. Fortryd den først, hvis den skal ændres.` } };
		const successorName = successor?.name ?? (input.mode === 'new' ? `${input.newFirstName} ${input.newLastName}` : null);
		await db.transaction().execute(async (trx) => {
			await trx
				.insertInto('scheduled_handover')
				.values({ person_id: leaver.id, effective_on: input.effectiveOn!, input: JSON.stringify(input), requested_by: ctx.actor.label, requested_by_user_id: ctx.actor.userId, created_at: now.toISOString() })
				.execute();
			await insertAuditEntry(trx, {
				actor: ctx.actor,
				entityType: 'person',
				entityId: leaver.id,
				entityLabel: leaver.name,
				action: 'handover-scheduled',
				changes: { stops_on: [null, input.effectiveOn], successor: [null, successorName ?? 'vakant'] },
				at: now.toISOString(),
			});
		});
		return { ok: true, scheduledFor: input.effectiveOn, successorRef: successor?.ref ?? null, successorName, createdSuccessor: false, welcomeQueued: false, moved: { roles: [], topics: [], keyPerson: false } };
	}

	const labels = await referenceLabels(db);
	return db.transaction().execute(async (trx) => ({ ok: true as const, ...(await carryOut(trx, ctx.actor, leaver, input, successor, { labels, baseUrl: ctx.baseUrl ?? 'http://localhost:4321', now })) }));
}

/** The handover itself, inside the caller's transaction (checks are done). */
async function carryOut(
	trx: Executor,
	actor: Actor,
	leaver: Person,
	input: HandoverInput,
	successorIn: Person | undefined,
	opts: { labels: Awaited<ReturnType<typeof referenceLabels>>; baseUrl: string; now: Date },
): Promise<HandoverResult> {
	const { labels, baseUrl, now } = opts;
	let successor = successorIn;
	let created = false;
	if (input.mode === 'new') {
		const ref = await allocatePersonRef(trx);
		const outcome = await savePerson(
			trx,
			actor,
			{
				ref,
				firstName: input.newFirstName,
				lastName: input.newLastName,
				title: input.newTitle || leaver.title,
				unitId: leaver.unitId,
				municipalityCode: leaver.municipalityCode,
				phone: input.newPhone,
				mobile: null,
				email: input.newEmail,
				// The leaver's hours are theirs; the successor gets them only when the form said so.
				hours: input.copyHours ? leaver.hours : '',
				note: '',
				keyPerson: false,
				status: 'active',
				successorId: null,
				deputyId: null,
				// Typed in by the editor who registered the handover: a confirmation.
				verifiedAt: now.toISOString(),
				topics: [],
				roles: [],
				ageGroups: leaver.ageGroups,
			},
			undefined,
			{ now },
		);
		successor = await findPersonById(trx, outcome.id);
		created = true;
	}

	const plan = planHandover(party(leaver), successor ? party(successor) : null, input.moveTags);
	if (successor && plan.successor) {
		await savePerson(trx, actor, { ...personToInput(successor), roles: plan.successor.roles, topics: plan.successor.topics, keyPerson: plan.successor.keyPerson }, successor.id, { now });
	}
	await savePerson(
		trx,
		actor,
		{ ...personToInput(leaver), status: 'left', successorId: successor?.id ?? null, roles: plan.leaver.roles, topics: plan.leaver.topics, keyPerson: plan.leaver.keyPerson },
		leaver.id,
		{ now },
	);
	// Whoever relied on the leaver as deputy now reaches the successor (or nobody named, for a vacancy).
	const dependants = await trx.selectFrom('person').select('id').where('deputy_id', '=', leaver.id).where('status', '=', 'active').execute();
	for (const d of dependants) await patchPerson(trx, actor, d.id, { deputy_id: successor?.id ?? null });

	let welcomeQueued = false;
	if (successor?.email) {
		const mail = welcomeMail({
			name: successor.name,
			ref: successor.ref,
			unitName: successor.unitName,
			organisationName: successor.organisationName,
			baseUrl,
			predecessorName: leaver.name,
			moved: { roles: plan.moved.roles.map((s) => labels.role[s] ?? s), topics: plan.moved.topics.map((s) => labels.topic[s] ?? s) },
		});
		welcomeQueued = await enqueueMail(trx, { to: successor.email, ...mail, kind: 'welcome', dedupeKey: `welcome:${successor.id}:handover:${leaver.id}` });
	}
	return {
		scheduledFor: null,
		successorRef: successor?.ref ?? null,
		successorName: successor?.name ?? null,
		createdSuccessor: created,
		welcomeQueued,
		moved: plan.moved,
	};
}

// ---------- handovers dated ahead ----------

/** How far ahead a handover may be dated. */
const MAX_DAYS_AHEAD = 366;

export interface ScheduledHandover {
	id: number;
	effectiveOn: string;
	mode: HandoverInput['mode'];
	/** The named or new successor; null for a vacancy. */
	successorName: string | null;
	successorRef: string | null;
	requestedBy: string;
}

/** The open handover dated ahead for this person, if any (shown on the person page). */
export async function findScheduledHandover(db: Executor, personId: number): Promise<ScheduledHandover | undefined> {
	const row = await db.selectFrom('scheduled_handover').selectAll().where('person_id', '=', personId).where('executed_at', 'is', null).where('cancelled_at', 'is', null).executeTakeFirst();
	if (!row) return undefined;
	const input = JSON.parse(row.input) as HandoverInput;
	let successorName: string | null = null;
	let successorRef: string | null = null;
	if (input.mode === 'successor' && input.successorRef) {
		const s = await findPersonByRef(db, input.successorRef);
		successorName = s?.name ?? input.successorRef;
		successorRef = s?.ref ?? null;
	} else if (input.mode === 'new') successorName = `${input.newFirstName} ${input.newLastName}`;
	return { id: row.id, effectiveOn: row.effective_on, mode: input.mode, successorName, successorRef, requestedBy: row.requested_by };
}

/** Withdraws a handover dated ahead (the person stays after all, or it must be changed). Audited. */
export async function cancelScheduledHandover(db: Db, ctx: EditContext, personId: number, now: Date = new Date()): Promise<boolean> {
	const person = await findPersonById(db, personId);
	if (!person) throw new EditDenied('Personen findes ikke.');
	if (!ctx.perms.canEditPerson({ id: person.id, unitId: person.unitId, organisationId: person.organisationId })) throw new EditDenied();
	return db.transaction().execute(async (trx) => {
		const open = await findScheduledHandover(trx, personId);
		if (!open) return false;
		await trx.updateTable('scheduled_handover').set({ cancelled_at: now.toISOString(), outcome: `Fortrudt af ${ctx.actor.label}` }).where('id', '=', open.id).execute();
		await insertAuditEntry(trx, {
			actor: ctx.actor,
			entityType: 'person',
			entityId: person.id,
			entityLabel: person.name,
			action: 'handover-cancelled',
			changes: { stops_on: [open.effectiveOn, null] },
			at: now.toISOString(),
		});
		return true;
	});
}

/**
 * Carries out every handover whose day has come (the `handover` job). Each runs in its own transaction and
 * is claimed by setting `executed_at` first, so two runs (or two processes) never carry one out twice. A
 * handover that is no longer possible (the successor left meanwhile) is closed with the reason, and the
 * entry is flagged for its editors instead.
 */
export async function runScheduledHandovers(db: Db, now: Date = new Date(), opts: { baseUrl?: string } = {}): Promise<{ done: number; failed: number }> {
	const today = localDate(now);
	const due = await db.selectFrom('scheduled_handover').select(['id']).where('effective_on', '<=', today).where('executed_at', 'is', null).where('cancelled_at', 'is', null).orderBy('id').execute();
	const labels = due.length ? await referenceLabels(db) : undefined;
	let done = 0;
	let failed = 0;
	for (const { id } of due) {
		const result = await db.transaction().execute(async (trx) => {
			const claimed = await trx.updateTable('scheduled_handover').set({ executed_at: now.toISOString() }).where('id', '=', id).where('executed_at', 'is', null).where('cancelled_at', 'is', null).executeTakeFirst();
			if (Number(claimed.numUpdatedRows) !== 1) return 'skipped' as const;
			const row = await trx.selectFrom('scheduled_handover').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
			const input = JSON.parse(row.input) as HandoverInput;
			const actor: Actor = { label: `system:handover (${row.requested_by})`, userId: null };
			const leaver = await findPersonById(trx, row.person_id);
			const fail = async (reason: string) => {
				await trx.updateTable('scheduled_handover').set({ executed_at: null, cancelled_at: now.toISOString(), outcome: reason }).where('id', '=', id).execute();
				if (leaver && leaver.status === 'active')
					await patchPerson(trx, actor, leaver.id, { needs_attention: `Planlagt overdragelse ${formatDate(row.effective_on)} blev ikke gennemført: ${reason}` }, 'update', { touchUpdatedAt: false });
				return 'failed' as const;
			};
			if (!leaver) return fail('Personen findes ikke længere.');
			if (leaver.status === 'left') return fail(`${leaver.name} var allerede registreret som fratrådt.`);
			// Whoever scheduled it could create a new colleague then (checked at the time); the rest is checked again now.
			const { errors, successor } = await checkHandover(trx, leaver, input, true);
			const problem = Object.values(errors)[0];
			if (problem) return fail(problem);
			await carryOut(trx, actor, leaver, input, successor, { labels: labels!, baseUrl: opts.baseUrl ?? 'http://localhost:4321', now });
			await trx.updateTable('scheduled_handover').set({ outcome: 'Gennemført' }).where('id', '=', id).execute();
			return 'done' as const;
		});
		if (result === 'done') done++;
		if (result === 'failed') failed++;
	}
	return { done, failed };
}

/** What the vacancy option points to: the unit's shared contacts. */
export async function vacancyContacts(db: Db, unitId: number) {
	return listUnitContacts(db, [unitId]);
}

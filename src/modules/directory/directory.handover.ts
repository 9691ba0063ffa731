/**
 * "Jeg stopper" / "X er stoppet": the leaver is marked as left with a successor (an existing colleague, a new
 * entry created on the spot, or none when the post is vacant), roles and topics can move with one click, people
 * who named the leaver as deputy get the successor instead, and the successor gets the welcome mail — all in one
 * transaction, so search and the person page show the successor from the same moment.
 */
import type { Db } from '@db/client';
import type { FieldErrors } from '@/lib/forms';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { findPersonById, findPersonByRef, listUnitContacts, referenceLabels } from './directory.repository';
import type { HandoverInput } from './directory.schema';
import type { Person } from './directory.types';
import { patchPerson, savePerson } from './directory.writes';
import { EditDenied, allocatePersonRef, personToInput, welcomeMail, type EditContext, type EditOutcome } from './directory.editing';
import { planHandover, successorProblem, type HandoverParty } from './editing.rules';

export interface HandoverResult {
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

export async function handOver(db: Db, ctx: EditContext, leaverId: number, input: HandoverInput): Promise<EditOutcome<HandoverResult>> {
	const leaver = await findPersonById(db, leaverId);
	if (!leaver) throw new EditDenied('Personen findes ikke.');
	if (!ctx.perms.canEditPerson({ id: leaver.id, unitId: leaver.unitId, organisationId: leaver.organisationId })) throw new EditDenied();
	if (leaver.status === 'left') return { ok: false, errors: { _form: `${leaver.name} er allerede registreret som fratrådt.` } };

	const errors: FieldErrors = {};
	let successor: Person | undefined;
	if (input.mode === 'successor') {
		successor = input.successorRef ? await findPersonByRef(db, input.successorRef) : undefined;
		const problem = successorProblem(party(leaver), successor && party(successor));
		if (problem) errors.successorRef = problem;
	} else if (input.mode === 'new') {
		if (!canCreateSuccessor(ctx, leaver))
			errors.mode = 'Kun enhedens redaktører kan oprette en ny kollega. Vælg en eksisterende kollega, eller markér stillingen som vakant.';
		else if (input.newEmail) {
			const taken = await db.selectFrom('person').select(['ref', 'first_name', 'last_name']).where('email', '=', input.newEmail).where('status', '=', 'active').executeTakeFirst();
			if (taken) errors.newEmail = `${taken.first_name} ${taken.last_name} har allerede denne e-mailadresse i Vejviser — vælg personen på listen i stedet.`;
		}
	}
	if (Object.keys(errors).length) return { ok: false, errors };

	const labels = await referenceLabels(db);
	const baseUrl = ctx.baseUrl ?? 'http://localhost:4321';

	return db.transaction().execute(async (trx) => {
		let created = false;
		if (input.mode === 'new') {
			const ref = await allocatePersonRef(trx);
			const outcome = await savePerson(trx, ctx.actor, {
				ref,
				firstName: input.newFirstName,
				lastName: input.newLastName,
				title: input.newTitle || leaver.title,
				unitId: leaver.unitId,
				municipalityCode: leaver.municipalityCode,
				phone: input.newPhone,
				mobile: null,
				email: input.newEmail,
				hours: leaver.hours,
				note: '',
				keyPerson: false,
				status: 'active',
				successorId: null,
				deputyId: null,
				verifiedAt: null,
				topics: [],
				roles: [],
				ageGroups: leaver.ageGroups,
			});
			successor = await findPersonById(trx, outcome.id);
			created = true;
		}

		const plan = planHandover(party(leaver), successor ? party(successor) : null, input.moveTags);
		if (successor && plan.successor) {
			await savePerson(trx, ctx.actor, { ...personToInput(successor), roles: plan.successor.roles, topics: plan.successor.topics, keyPerson: plan.successor.keyPerson }, successor.id);
		}
		await savePerson(
			trx,
			ctx.actor,
			{ ...personToInput(leaver), status: 'left', successorId: successor?.id ?? null, roles: plan.leaver.roles, topics: plan.leaver.topics, keyPerson: plan.leaver.keyPerson },
			leaver.id,
		);
		// Whoever relied on the leaver as deputy now reaches the successor (or nobody named, for a vacancy).
		const dependants = await trx.selectFrom('person').select('id').where('deputy_id', '=', leaver.id).where('status', '=', 'active').execute();
		for (const d of dependants) await patchPerson(trx, ctx.actor, d.id, { deputy_id: successor?.id ?? null });

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
			ok: true as const,
			successorRef: successor?.ref ?? null,
			successorName: successor?.name ?? null,
			createdSuccessor: created,
			welcomeQueued,
			moved: plan.moved,
		};
	});
}

/** What the vacancy option points to: the unit's shared contacts. */
export async function vacancyContacts(db: Db, unitId: number) {
	return listUnitContacts(db, [unitId]);
}

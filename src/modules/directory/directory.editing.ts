/**
 * Self-service editing of people, units and organisations. Each function checks permission itself (the page
 * checks too, to render 403 early) and writes through directory.writes.ts, so every change is audited with the
 * acting user. Input arrives already parsed by directory.schema.ts; rules that need the database (does the
 * deputy exist, may the user move someone to that unit) answer here with Danish field messages.
 */
import { type Kysely, type Transaction } from 'kysely';
import { resolveInScopeAsync } from '@/lib/scope';
import type { Db } from '@db/client';
import type { Database } from '@db/schema';
import type { FieldErrors } from '@/lib/forms';
import type { Actor } from '@/modules/audit/audit.repository';
import { forbidden, loadPermissions, requireUser, type AstroLike, type Permissions } from '@/modules/auth/auth.permissions';
import type { SessionUser } from '@/modules/auth/auth.types';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { findOrganisationById, findPersonById, findPersonByRef, findUnit, findUnitById, listAgeGroups, listPeople, listRoles, listTopics, listUnits } from './directory.repository';
import type { NewPersonInput, OrganisationEditInput, PersonEditInput, UnitContactEditInput, UnitEditInput } from './directory.schema';
import type { Person, PersonInput, Unit } from './directory.types';
import { deleteUnitContact, saveOrganisation, savePerson, saveUnit, saveUnitContact } from './directory.writes';
import { deputyProblem, nextPersonRef } from './editing.rules';

type Executor = Kysely<Database> | Transaction<Database>;

/** Thrown when the acting user may not do this; pages turn it into the 403 page. */
export class EditDenied extends Error {
	constructor(message = 'Du har ikke adgang til at redigere dette.') {
		super(message);
		this.name = 'EditDenied';
	}
}

/** Who is acting: the audit label and what they may do. */
export interface EditContext {
	actor: Actor;
	perms: Permissions;
	/** For links in mails (PUBLIC_BASE_URL). */
	baseUrl?: string;
}

export type EditOutcome<T = object> = ({ ok: true } & T) | { ok: false; errors: FieldErrors };

/** The acting user as an audit actor (house convention). */
/**
 * The preamble of every page that edits one person: signed in (else to /log-ind), the person exists (else 404)
 * and the user may edit them (else the Danish 403 page). Returns the Response to send, or what the page needs.
 */
export async function requireEditablePerson(
	astro: AstroLike & { params: Record<string, string | undefined> },
	db: Db,
): Promise<Response | { user: SessionUser; person: Person; perms: Permissions }> {
	const user = requireUser(astro);
	if (user instanceof Response) return user;
	const person = await findPersonByRef(db, astro.params.ref ?? '');
	if (!person) return astro.rewrite('/404');
	const perms = await loadPermissions(db, user);
	if (!perms.canEditPerson({ id: person.id, unitId: person.unitId, organisationId: person.organisationId })) return forbidden(astro);
	return { user, person, perms };
}

/** The same preamble for pages that edit one unit (`/organisationer/<slug>/<unit>/…`). */
export async function requireEditableUnit(
	astro: AstroLike & { params: Record<string, string | undefined> },
	db: Db,
): Promise<Response | { user: SessionUser; unit: Unit; perms: Permissions }> {
	const user = requireUser(astro);
	if (user instanceof Response) return user;
	const unit = await findUnit(db, astro.params.slug ?? '', astro.params.unit ?? '');
	if (!unit) return astro.rewrite('/404');
	const perms = await loadPermissions(db, user);
	if (!perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId })) return forbidden(astro);
	return { user, unit, perms };
}

export function actorFor(user: { id: number; email: string }): Actor {
	return { label: user.email, userId: user.id };
}

/** A Person as the full input savePerson expects (so an edit of some fields keeps the rest). */
export function personToInput(p: Person): PersonInput {
	return {
		ref: p.ref,
		firstName: p.firstName,
		lastName: p.lastName,
		title: p.title,
		unitId: p.unitId,
		municipalityCode: p.municipalityCode,
		phone: p.phone,
		mobile: p.mobile,
		email: p.email,
		hours: p.hours,
		note: p.note,
		keyPerson: p.keyPerson,
		status: p.status,
		successorId: p.successorId,
		deputyId: p.deputyId,
		verifiedAt: p.verifiedAt,
		topics: p.topics,
		roles: p.roles,
		ageGroups: p.ageGroups,
		phoneVisibility: p.phoneVisibility,
		mobileVisibility: p.mobileVisibility,
		emailVisibility: p.emailVisibility,
		awayFrom: p.awayFrom,
		awayUntil: p.awayUntil,
	};
}

/** May this user set key-person and routing roles on the person (a designation by the unit, not self-service)? */
export function canDesignate(perms: Permissions, person: { unitId: number; organisationId: number }): boolean {
	return perms.canEditUnit({ id: person.unitId, organisationId: person.organisationId });
}

async function checkVocabulary(db: Executor, input: { roles: string[]; topics: string[]; ageGroups: string[] }): Promise<FieldErrors> {
	const [roles, topics, ages] = await Promise.all([listRoles(db), listTopics(db), listAgeGroups(db)]);
	const errors: FieldErrors = {};
	const unknown = (list: string[], known: { slug: string }[]) => list.filter((s) => !known.some((k) => k.slug === s));
	if (unknown(input.roles, roles).length) errors.roles = `Ukendt rolle: ${unknown(input.roles, roles).join(', ')}.`;
	if (unknown(input.topics, topics).length) errors.topics = `Ukendt emne: ${unknown(input.topics, topics).join(', ')}.`;
	if (unknown(input.ageGroups, ages).length) errors.ageGroups = `Ukendt aldersgruppe: ${unknown(input.ageGroups, ages).join(', ')}.`;
	return errors;
}

/** Units this user may place people in (for the unit picker), always including `current`. */
export async function unitsUserMayUse(db: Executor, perms: Permissions, current?: Unit): Promise<Unit[]> {
	const all = await listUnits(db);
	return all.filter((u) => (current && u.id === current.id) || perms.canEditUnit({ id: u.id, organisationId: u.organisationId }));
}

// ---------- people ----------

/**
 * Saves the edit form of a person. Key person and roles only change for the unit's editors (a member editing
 * themself keeps what the unit designated). Ticking "Oplysningerne er korrekte" stamps verified_at = now.
 */
export async function updatePerson(db: Db, ctx: EditContext, personId: number, input: PersonEditInput, now: Date = new Date()): Promise<EditOutcome<{ changed: boolean }>> {
	const person = await findPersonById(db, personId);
	if (!person) throw new EditDenied('Personen findes ikke.');
	if (!ctx.perms.canEditPerson({ id: person.id, unitId: person.unitId, organisationId: person.organisationId })) throw new EditDenied();

	const errors: FieldErrors = {};
	let unit: Unit | undefined = undefined;
	if (input.unitId !== person.unitId) {
		unit = await findUnitById(db, input.unitId);
		if (!unit || !ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId }))
			errors.unitId = 'Du kan kun flytte personen til en enhed, du er redaktør for.';
	}
	const designate = canDesignate(ctx.perms, person);
	const roles = designate ? input.roles : person.roles;
	Object.assign(errors, await checkVocabulary(db, { roles, topics: input.topics, ageGroups: input.ageGroups }));

	let deputyId: number | null = null;
	if (input.deputyRef) {
		// Exactly what the form offers (deputyOptions), so a forged ref from another organisation is refused.
		const deputy = input.deputyRef === person.ref ? person : (await deputyOptions(db, person)).find((p) => p.ref === input.deputyRef);
		const problem = deputy
			? deputyProblem(person, { id: deputy.id, name: deputy.name, status: deputy.status })
			: `Vælg stedfortræderen på listen — det kan være en kollega i ${person.organisationName}.`;
		if (problem) errors.deputyRef = problem;
		else deputyId = deputy!.id;
	}
	if (Object.keys(errors).length) return { ok: false, errors };

	const next: PersonInput = {
		...personToInput(person),
		firstName: input.firstName,
		lastName: input.lastName,
		title: input.title,
		unitId: input.unitId,
		municipalityCode: unit ? (await findOrganisationById(db, unit.organisationId))?.municipalityCode ?? null : person.municipalityCode,
		phone: input.phone,
		mobile: input.mobile,
		email: input.email,
		hours: input.hours,
		note: input.note,
		keyPerson: designate ? input.keyPerson : person.keyPerson,
		roles,
		topics: input.topics,
		ageGroups: input.ageGroups,
		phoneVisibility: input.phoneVisibility,
		mobileVisibility: input.mobileVisibility,
		emailVisibility: input.emailVisibility,
		deputyId,
		awayFrom: input.awayFrom,
		awayUntil: input.awayUntil,
		verifiedAt: input.confirm ? now.toISOString() : person.verifiedAt,
	};
	const outcome = await db.transaction().execute((trx) => savePerson(trx, ctx.actor, next, person.id));
	return { ok: true, changed: outcome.action !== 'unchanged' };
}

/**
 * The deputies the edit form offers and the only ones updatePerson accepts: active colleagues in the person's
 * organisation (not the person), plus the current deputy so an unchanged form still saves.
 */
export async function deputyOptions(db: Executor, person: Person): Promise<Person[]> {
	const colleagues = (await listPeople(db, { organisationId: person.organisationId, status: 'active' })).filter((p) => p.id !== person.id);
	if (person.deputyId !== null && !colleagues.some((c) => c.id === person.deputyId)) {
		const current = (await listPeople(db, { ids: [person.deputyId] }))[0];
		if (current) colleagues.unshift(current);
	}
	return colleagues;
}

/** The reference a new person gets: `V` + the next free number. Call inside the creating transaction. */
export async function allocatePersonRef(db: Executor): Promise<string> {
	// LIKE on both engines (GLOB is SQLite's); nextPersonRef keeps only `V` + digits (SQLite's LIKE ignores case).
	const rows = await db.selectFrom('person').select('ref').where('ref', 'like', 'V%').execute();
	let ref = nextPersonRef(rows.map((r) => r.ref));
	// A CSV import may have used the same scheme with gaps; never reuse a taken ref.
	while (await db.selectFrom('person').select('id').where('ref', '=', ref).executeTakeFirst()) ref = nextPersonRef([ref]);
	return ref;
}

/** The welcome mail for someone new in the directory (a new colleague, or the successor in a handover). */
export function welcomeMail(input: { name: string; ref: string; unitName: string; organisationName: string; baseUrl: string; predecessorName?: string; moved?: { roles: string[]; topics: string[] } }) {
	const entry = `${input.baseUrl}/personer/${encodeURIComponent(input.ref)}`;
	const lines = [
		`Kære ${input.name}`,
		'',
		input.predecessorName
			? `Du er registreret i Vejviser som efterfølger for ${input.predecessorName} i ${input.unitName}, ${input.organisationName}.`
			: `Du er blevet oprettet i Vejviser som kontaktperson i ${input.unitName}, ${input.organisationName}.`,
		'',
		'Vejviser er den fælles kontaktbog for netværket om børn og unge i mistrivsel: fagpersoner i kommunerne, i Region Hovedstadens Psykiatri og i frivillige organisationer bruger den til at finde den rette kollega — fx ved udskrivning, ved akutte henvendelser eller når en ung har brug for et andet tilbud.',
		'',
	];
	if (input.moved && (input.moved.roles.length || input.moved.topics.length)) {
		lines.push('Du har overtaget disse opgaver i kontaktbogen:');
		if (input.moved.roles.length) lines.push(`- Roller: ${input.moved.roles.join(', ')}`);
		if (input.moved.topics.length) lines.push(`- Emner: ${input.moved.topics.join(', ')}`);
		lines.push('');
	}
	lines.push(
		`Se din side her: ${entry}`,
		'',
		`Tjek, at dine oplysninger er rigtige. Log ind med din arbejdsmail på ${input.baseUrl}/log-ind, og ret dem her: ${entry}/rediger — sæt flueben i "Oplysningerne er korrekte", når alt passer.`,
		'',
		'Skriv aldrig oplysninger om borgere eller patienter i Vejviser.',
		'',
		'Venlig hilsen',
		'Netværkets tovholder, Vejviser',
	);
	return { subject: 'Velkommen i Vejviser — netværkets kontaktbog', text: lines.join('\n') };
}

/** Adds a new colleague to a unit (editors of the unit). Returns the new person's ref. */
export async function createPerson(db: Db, ctx: EditContext, unitId: number, input: NewPersonInput, now: Date = new Date()): Promise<EditOutcome<{ ref: string; id: number }>> {
	const unit = await findUnitById(db, unitId);
	if (!unit || !ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId })) throw new EditDenied();
	const errors: FieldErrors = await checkVocabulary(db, input);
	if (input.unitId !== unitId) {
		const other = await findUnitById(db, input.unitId);
		if (!other || !ctx.perms.canEditUnit({ id: other.id, organisationId: other.organisationId })) errors.unitId = 'Du kan kun oprette personer i enheder, du er redaktør for.';
	}
	if (input.email) {
		const taken = await db.selectFrom('person').select(['ref', 'first_name', 'last_name']).where('email', '=', input.email).where('status', '=', 'active').executeTakeFirst();
		if (taken) errors.email = `${taken.first_name} ${taken.last_name} har allerede denne e-mailadresse i Vejviser (${taken.ref}).`;
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	const target = input.unitId === unitId ? unit : (await findUnitById(db, input.unitId))!;
	const organisation = await findOrganisationById(db, target.organisationId);
	return db.transaction().execute(async (trx) => {
		const ref = await allocatePersonRef(trx);
		const outcome = await savePerson(trx, ctx.actor, {
			ref,
			firstName: input.firstName,
			lastName: input.lastName,
			title: input.title,
			unitId: target.id,
			municipalityCode: organisation?.municipalityCode ?? null,
			phone: input.phone,
			mobile: input.mobile,
			email: input.email,
			hours: input.hours,
			note: input.note,
			keyPerson: input.keyPerson,
			status: 'active',
			successorId: null,
			deputyId: null,
			// What an editor types when creating the entry is checked by them: it counts as a confirmation.
			verifiedAt: now.toISOString(),
			topics: input.topics,
			roles: input.roles,
			ageGroups: input.ageGroups,
			phoneVisibility: input.phoneVisibility,
			mobileVisibility: input.mobileVisibility,
			emailVisibility: input.emailVisibility,
		});
		if (input.sendWelcome && input.email) {
			const mail = welcomeMail({ name: `${input.firstName} ${input.lastName}`, ref, unitName: target.name, organisationName: target.organisationName, baseUrl: ctx.baseUrl ?? 'http://localhost:4321' });
			await enqueueMail(trx, { to: input.email, ...mail, kind: 'welcome', dedupeKey: `welcome:${outcome.id}:created:${now.toISOString().slice(0, 10)}` });
		}
		return { ok: true as const, ref, id: outcome.id };
	});
}

// ---------- units ----------

export async function updateUnit(db: Db, ctx: EditContext, unitId: number, input: UnitEditInput): Promise<EditOutcome<{ changed: boolean }>> {
	const unit = await findUnitById(db, unitId);
	if (!unit || !ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId })) throw new EditDenied();
	const clash = await db.selectFrom('unit').select('id').where('organisation_id', '=', unit.organisationId).where('name', '=', input.name).where('id', '!=', unitId).executeTakeFirst();
	if (clash) return { ok: false, errors: { name: `${unit.organisationName} har allerede en enhed, der hedder "${input.name}".` } };
	const known = new Set((await db.selectFrom('municipality').select('code').execute()).map((m) => m.code));
	if (input.municipalityCodes.some((c) => !known.has(c))) return { ok: false, errors: { municipalityCodes: 'Vælg kommunerne på listen.' } };
	// A kommune's units serve their own municipality implicitly; only others list the municipalities they serve.
	const listsMunicipalities = unit.organisationType !== 'kommune';
	const outcome = await db.transaction().execute((trx) =>
		saveUnit(
			trx,
			ctx.actor,
			{
				organisationId: unit.organisationId,
				name: input.name,
				aliases: input.aliases,
				description: input.description,
				address: input.address,
				postcode: input.postcode,
				town: input.town,
				...(listsMunicipalities && { municipalityCodes: input.municipalityCodes }),
			},
			unitId,
		),
	);
	return { ok: true, changed: outcome.action !== 'unchanged' };
}

/**
 * Adds a unit to an organisation: its organisation editors and admins (a unit editor edits units, not the
 * organisation's list of them). The organisation comes from the URL and is checked here, so another
 * organisation's id is refused like a missing right. Audited through saveUnit.
 */
export async function createUnit(db: Db, ctx: EditContext, organisationId: number, input: UnitEditInput): Promise<EditOutcome<{ id: number; slug: string }>> {
	const organisation = await findOrganisationById(db, organisationId);
	if (!organisation || !ctx.perms.canEditOrganisation(organisationId)) throw new EditDenied();
	const clash = await db.selectFrom('unit').select('id').where('organisation_id', '=', organisationId).where('name', '=', input.name).executeTakeFirst();
	if (clash) return { ok: false, errors: { name: `${organisation.name} har allerede en enhed, der hedder "${input.name}".` } };
	const known = new Set((await db.selectFrom('municipality').select('code').execute()).map((m) => m.code));
	if (input.municipalityCodes.some((c) => !known.has(c))) return { ok: false, errors: { municipalityCodes: 'Vælg kommunerne på listen.' } };
	const listsMunicipalities = organisation.type !== 'kommune';
	const outcome = await db.transaction().execute((trx) =>
		saveUnit(trx, ctx.actor, {
			organisationId,
			name: input.name,
			aliases: input.aliases,
			description: input.description,
			address: input.address,
			postcode: input.postcode,
			town: input.town,
			...(listsMunicipalities && { municipalityCodes: input.municipalityCodes }),
		}),
	);
	const row = await db.selectFrom('unit').select('slug').where('id', '=', outcome.id).executeTakeFirstOrThrow();
	return { ok: true, id: outcome.id, slug: row.slug };
}

/** A shared contact id from the form, only when it belongs to the unit being edited (resolveInScope). */
function contactOfUnit(db: Db, contactId: unknown, unitId: number) {
	return resolveInScopeAsync(contactId, (id) => db.selectFrom('unit_contact').select(['id', 'unit_id']).where('id', '=', id).executeTakeFirst(), (c) => c.unit_id === unitId);
}

/** Adds (contactId null) or changes a team phone / shared mailbox of the unit. */
export async function saveSharedContact(db: Db, ctx: EditContext, unitId: number, input: UnitContactEditInput): Promise<EditOutcome<{ id: number }>> {
	const unit = await findUnitById(db, unitId);
	if (!unit || !ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId })) throw new EditDenied();
	if (input.contactId !== null && !(await contactOfUnit(db, input.contactId, unitId))) throw new EditDenied('Kontakten hører ikke til denne enhed.');
	const outcome = await db.transaction().execute((trx) =>
		saveUnitContact(trx, ctx.actor, { unitId, label: input.label, phone: input.phone, email: input.email, hours: input.hours, note: input.note }, input.contactId ?? undefined),
	);
	return { ok: true, id: outcome.id };
}

export async function removeSharedContact(db: Db, ctx: EditContext, unitId: number, contactId: number): Promise<void> {
	const unit = await findUnitById(db, unitId);
	if (!unit || !ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId })) throw new EditDenied();
	if (!(await contactOfUnit(db, contactId, unitId))) throw new EditDenied('Kontakten hører ikke til denne enhed.');
	await db.transaction().execute((trx) => deleteUnitContact(trx, ctx.actor, contactId));
}

// ---------- organisations ----------

/**
 * Saves an organisation. Type and e-mail domains are admin-only: domains grant automatic approval of new
 * accounts, so an organisation editor changing them would be raising others' rights.
 */
/** Rules of an organisation that need the database: a unique name, a kommune with its (known) municipality. */
async function organisationProblems(db: Db, input: { name: string; type: string; municipalityCode: string | null }, exceptId?: number): Promise<FieldErrors | null> {
	let clash = db.selectFrom('organisation').select('id').where('name', '=', input.name);
	if (exceptId !== undefined) clash = clash.where('id', '!=', exceptId);
	if (await clash.executeTakeFirst()) return { name: `Der findes allerede en organisation, der hedder "${input.name}".` };
	if (input.type === 'kommune' && !input.municipalityCode) return { municipalityCode: 'En kommune skal have sin kommune valgt.' };
	if (input.municipalityCode && !(await db.selectFrom('municipality').select('code').where('code', '=', input.municipalityCode).executeTakeFirst()))
		return { municipalityCode: 'Vælg kommunen på listen.' };
	return null;
}

/** A new organisation (network admins only: type and e-mail domains decide who is approved automatically). */
export async function createOrganisation(db: Db, ctx: EditContext, input: OrganisationEditInput): Promise<EditOutcome<{ id: number; slug: string }>> {
	if (!ctx.perms.canManageNetwork) throw new EditDenied();
	const problems = await organisationProblems(db, input);
	if (problems) return { ok: false, errors: problems };
	const outcome = await db.transaction().execute((trx) =>
		saveOrganisation(trx, ctx.actor, {
			name: input.name,
			type: input.type,
			municipalityCode: input.municipalityCode,
			description: input.description,
			website: input.website,
			emailDomains: input.emailDomains,
		}),
	);
	const row = await db.selectFrom('organisation').select('slug').where('id', '=', outcome.id).executeTakeFirstOrThrow();
	return { ok: true, id: outcome.id, slug: row.slug };
}

export async function updateOrganisation(db: Db, ctx: EditContext, organisationId: number, input: OrganisationEditInput): Promise<EditOutcome<{ changed: boolean }>> {
	const organisation = await findOrganisationById(db, organisationId);
	if (!organisation || !ctx.perms.canEditOrganisation(organisationId)) throw new EditDenied();
	const admin = ctx.perms.isAdmin;
	const type = admin ? input.type : organisation.type;
	const municipalityCode = admin ? input.municipalityCode : organisation.municipalityCode;
	const problems = await organisationProblems(db, { name: input.name, type, municipalityCode }, organisationId);
	if (problems) return { ok: false, errors: problems };
	const outcome = await db.transaction().execute((trx) =>
		saveOrganisation(
			trx,
			ctx.actor,
			{
				name: input.name,
				type,
				municipalityCode,
				description: input.description,
				website: input.website,
				emailDomains: admin ? input.emailDomains : organisation.emailDomains,
			},
			organisationId,
		),
	);
	return { ok: true, changed: outcome.action !== 'unchanged' };
}

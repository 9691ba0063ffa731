/**
 * Suggested corrections: anyone, even anonymous, can say "Nummeret virker ikke" about an entry; the entry's
 * editors see a queue and resolve or dismiss each with a note (audited). Anonymous reports are rate-limited per
 * IP per hour (stored only as a salted hash) and a honeypot field catches simple bots.
 */
import { createHash } from 'node:crypto';
import type { Db } from '@db/client';
import type { Permissions } from '@/modules/auth/auth.permissions';
import { insertAuditEntry } from '@/modules/audit/audit.repository';
import { findPersonById } from './directory.repository';
import { CORRECTION_KINDS, type CorrectionDecisionInput, type CorrectionInput, type CorrectionKind } from './directory.schema';
import { EditDenied, type EditContext, type EditOutcome } from './directory.editing';

/** Anonymous reports allowed per client per rolling hour. */
export const CORRECTIONS_PER_HOUR = 5;
export const TOO_MANY_CORRECTIONS = 'Du har sendt mange rettelser inden for den seneste time. Prøv igen senere, eller log ind.';

/** An anonymous reporter (by client key) who already sent CORRECTIONS_PER_HOUR reports in the last hour: any kind of report. */
export async function tooManyAnonymousCorrections(db: Db, reporter: { userId: number | null; clientKey?: string | null }, now: Date): Promise<boolean> {
	if (reporter.userId !== null || !reporter.clientKey) return false;
	const since = new Date(now.getTime() - 3_600_000).toISOString();
	const row = await db
		.selectFrom('correction')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('client_key', '=', reporter.clientKey)
		.where('created_at', '>', since)
		.executeTakeFirst();
	return Number(row?.n ?? 0) >= CORRECTIONS_PER_HOUR;
}

/** A stable, non-reversible key for rate limiting: the IP never reaches the database. */
export function clientKey(ip: string, secret = process.env.TOKEN_SECRET ?? 'vejviser-corrections'): string {
	return createHash('sha256').update(`${secret}|correction|${ip}`).digest('base64url').slice(0, 24);
}

export interface CorrectionReporter {
	userId: number | null;
	/** From clientKey(ip); used only when userId is null. */
	clientKey: string | null;
}

/**
 * Stores a report about a person. `stored: false` when the honeypot was filled (the bot sees a normal thank-you).
 */
export async function submitCorrection(
	db: Db,
	personId: number,
	input: CorrectionInput,
	reporter: CorrectionReporter,
	now: Date = new Date(),
): Promise<EditOutcome<{ stored: boolean }>> {
	if (input.homepage) return { ok: true, stored: false };
	const person = await db.selectFrom('person').select(['id', 'unit_id']).where('id', '=', personId).executeTakeFirst();
	if (!person) return { ok: false, errors: { _form: 'Personen findes ikke.' } };
	if (await tooManyAnonymousCorrections(db, reporter, now)) {
		return { ok: false, errors: { _form: TOO_MANY_CORRECTIONS } };
	}
	await db
		.insertInto('correction')
		.values({
			person_id: person.id,
			unit_id: person.unit_id,
			kind: input.kind,
			message: input.message,
			reporter_email: input.reporterEmail,
			reporter_user_id: reporter.userId,
			client_key: reporter.userId === null ? reporter.clientKey : null,
			created_at: now.toISOString(),
		})
		.execute();
	return { ok: true, stored: true };
}

export interface CorrectionItem {
	id: number;
	kind: CorrectionKind;
	kindLabel: string;
	message: string;
	reporterEmail: string | null;
	status: 'open' | 'resolved' | 'dismissed';
	resolutionNote: string;
	resolvedBy: string | null;
	resolvedAt: string | null;
	createdAt: string;
	person: { id: number; ref: string; name: string; status: 'active' | 'left' } | null;
	unitName: string;
	organisationName: string;
}

/**
 * Corrections for entries this user may edit, oldest first: all for admins; their units and organisations for
 * editors; their own entry for a member.
 */
export async function listCorrections(db: Db, perms: Permissions, opts: { status?: 'open' | 'resolved' | 'dismissed' | 'all'; limit?: number } = {}): Promise<CorrectionItem[]> {
	if (!perms.user) return [];
	const status = opts.status ?? 'open';
	let q = db
		.selectFrom('correction')
		.leftJoin('person', 'person.id', 'correction.person_id')
		.innerJoin('unit', 'unit.id', 'correction.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select([
			'correction.id',
			'correction.kind',
			'correction.message',
			'correction.reporter_email',
			'correction.status',
			'correction.resolution_note',
			'correction.resolved_by',
			'correction.resolved_at',
			'correction.created_at',
			'person.id as person_id',
			'person.ref',
			'person.first_name',
			'person.last_name',
			'person.status as person_status',
			'unit.id as unit_id',
			'unit.name as unit_name',
			'organisation.id as organisation_id',
			'organisation.name as organisation_name',
		]);
	if (status !== 'all') q = q.where('correction.status', '=', status);
	if (!perms.isAdmin) {
		const unitIds = perms.editableUnitIds;
		const orgIds = perms.editableOrganisationIds;
		const own = perms.user.personId;
		if (!unitIds.length && !orgIds.length && own === null) return [];
		q = q.where((eb) =>
			eb.or([
				...(unitIds.length ? [eb('unit.id', 'in', unitIds)] : []),
				...(orgIds.length ? [eb('organisation.id', 'in', orgIds)] : []),
				...(own !== null ? [eb('correction.person_id', '=', own)] : []),
			]),
		);
	}
	const rows = await q.orderBy('correction.created_at', status === 'open' ? 'asc' : 'desc').limit(opts.limit ?? 500).execute();
	return rows
		.filter((r) => perms.isAdmin || perms.canEditPerson({ id: r.person_id ?? -1, unitId: r.unit_id, organisationId: r.organisation_id }))
		.map((r) => ({
			id: r.id,
			kind: r.kind,
			kindLabel: CORRECTION_KINDS[r.kind],
			message: r.message,
			reporterEmail: r.reporter_email,
			status: r.status,
			resolutionNote: r.resolution_note,
			resolvedBy: r.resolved_by,
			resolvedAt: r.resolved_at,
			createdAt: r.created_at,
			person: r.person_id !== null && r.ref ? { id: r.person_id, ref: r.ref, name: `${r.first_name} ${r.last_name}`, status: r.person_status! } : null,
			unitName: r.unit_name,
			organisationName: r.organisation_name,
		}));
}

/** Open corrections about one person (the person page shows "Rettelse afventer" to editors when > 0). */
export async function countOpenCorrections(db: Db, personId: number): Promise<number> {
	const row = await db
		.selectFrom('correction')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('person_id', '=', personId)
		.where('status', '=', 'open')
		.executeTakeFirst();
	return Number(row?.n ?? 0);
}

/** Marks a correction resolved or dismissed with a note; only the entry's editors may. Audited. */
export async function decideCorrection(db: Db, ctx: EditContext, input: CorrectionDecisionInput, now: Date = new Date()): Promise<EditOutcome> {
	const c = await db.selectFrom('correction').selectAll().where('id', '=', input.correctionId).executeTakeFirst();
	if (!c) return { ok: false, errors: { _form: 'Rettelsen findes ikke.' } };
	const person = c.person_id !== null ? await findPersonById(db, c.person_id) : undefined;
	const unit = await db.selectFrom('unit').select(['id', 'organisation_id']).where('id', '=', c.unit_id!).executeTakeFirst();
	const allowed = person
		? ctx.perms.canEditPerson({ id: person.id, unitId: person.unitId, organisationId: person.organisationId })
		: !!unit && ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisation_id });
	if (!allowed) throw new EditDenied();
	if (c.status !== 'open') return { ok: false, errors: { _form: 'Rettelsen er allerede behandlet.' } };
	await db.transaction().execute(async (trx) => {
		await trx
			.updateTable('correction')
			.set({ status: input.decision, resolution_note: input.note, resolved_by: ctx.actor.label, resolved_at: now.toISOString() })
			.where('id', '=', c.id)
			.execute();
		await insertAuditEntry(trx, {
			actor: ctx.actor,
			entityType: 'correction',
			entityId: c.id,
			entityLabel: person ? person.name : `Rettelse ${c.id}`,
			action: input.decision === 'resolved' ? 'resolve' : 'dismiss',
			changes: { status: ['open', input.decision], resolution_note: ['', input.note] },
			at: now.toISOString(),
		});
	});
	return { ok: true };
}

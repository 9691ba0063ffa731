/**
 * Saving structured hours from the hours form (issue 16), for a person or one of a unit's shared contacts.
 * Each function checks permission itself — the same rule as editing the person or the unit — and resolves
 * the contact id it is given within the unit the permission was checked for, so an editor of one unit cannot
 * reach another unit's contact by changing the id. Writes go through directory.writes.ts (audited, before →
 * after, in one transaction): `hours` gets the Danish text of the schedule, `hours_schedule` the schedule.
 */
import type { Db } from '@db/client';
import type { FieldErrors, FormValues } from '@/lib/forms';
import { resolveInScopeAsync } from '@/lib/scope';
import { EditDenied, type EditContext } from '@/modules/directory/directory.editing';
import { findPersonById, findUnitById } from '@/modules/directory/directory.repository';
import { patchPerson, saveUnitContact } from '@/modules/directory/directory.writes';
import { readHoursForm } from './hours.form';

export type HoursOutcome = { ok: true; changed: boolean } | { ok: false; errors: FieldErrors };

/** `clear` removes the hours (text and schedule); otherwise the form's values are read and saved. */
export type HoursRequest = { clear: true } | { clear?: false; values: FormValues };

function read(request: HoursRequest): { ok: true; hours: string; schedule: string | null } | { ok: false; errors: FieldErrors } {
	if (request.clear) return { ok: true, hours: '', schedule: null };
	const form = readHoursForm(request.values);
	return form.ok ? { ok: true, hours: form.text, schedule: JSON.stringify(form.schedule) } : form;
}

export async function savePersonHours(db: Db, ctx: EditContext, personId: number, request: HoursRequest): Promise<HoursOutcome> {
	const person = await findPersonById(db, personId);
	if (!person || !ctx.perms.canEditPerson({ id: person.id, unitId: person.unitId, organisationId: person.organisationId })) throw new EditDenied();
	const input = read(request);
	if (!input.ok) return input;
	const outcome = await db.transaction().execute((trx) => patchPerson(trx, ctx.actor, person.id, { hours: input.hours, hours_schedule: input.schedule }));
	return { ok: true, changed: outcome.action !== 'unchanged' };
}

/** A shared contact of `unitId`, or undefined — also for a contact of another unit (same answer as unknown). */
export function contactInUnit(db: Db, contactId: unknown, unitId: number) {
	return resolveInScopeAsync(contactId, (id) => db.selectFrom('unit_contact').selectAll().where('id', '=', id).executeTakeFirst(), (c) => c.unit_id === unitId);
}

export async function saveContactHours(db: Db, ctx: EditContext, unitId: number, contactId: unknown, request: HoursRequest): Promise<HoursOutcome> {
	const unit = await findUnitById(db, unitId);
	if (!unit || !ctx.perms.canEditUnit({ id: unit.id, organisationId: unit.organisationId })) throw new EditDenied();
	const contact = await contactInUnit(db, contactId, unit.id);
	if (!contact) throw new EditDenied('Kontakten hører ikke til denne enhed.');
	const input = read(request);
	if (!input.ok) return input;
	const outcome = await db.transaction().execute((trx) =>
		saveUnitContact(
			trx,
			ctx.actor,
			{
				unitId: contact.unit_id,
				label: contact.label,
				phone: contact.phone,
				email: contact.email,
				note: contact.note,
				hours: input.hours || null,
				hoursSchedule: input.schedule,
			},
			contact.id,
		),
	);
	return { ok: true, changed: outcome.action !== 'unchanged' };
}

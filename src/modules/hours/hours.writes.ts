/**
 * After-hours lines for the network: every member municipality's social emergency service (socialvagt/døgnvagt
 * for children and young people) and the region's psychiatric emergency line for children and young people.
 *
 * They are derived, not only seeded (README Decisions, "After-hours lines are derived"): a directory imported
 * from a CSV (which has no column for them) gets the same lines, so a need in a municipality always has a line
 * that answers when the day-time contacts are closed. A derived line carries no invented number: its note says
 * how the service is reached in Denmark (via the police on 114; 112 when life is in danger) until an editor
 * enters the municipality's own number. The demo seed passes fictional numbers.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@db/schema';
import type { Actor } from '@/modules/audit/audit.repository';
import { ensureUnit, saveUnitContact } from '@/modules/directory/directory.writes';
import { listLineOwners, organisationsWithLines } from './hours.repository';

type Executor = Kysely<Database> | Transaction<Database>;

export const KOMMUNE_LINE = {
	unit: 'Socialvagten (døgnvagt)',
	label: 'Socialvagt for børn og unge',
	hours: 'Man-tors 15-08, fre 13-08 samt weekend og helligdage hele døgnet',
	takes: 'Akut bekymring for et barn eller en ung uden for kommunens åbningstid: underretning, akut hjælp og anbringelse, udskrivning fra psykiatri eller hospital aften, nat og weekend.',
	note: 'Uden for kommunens åbningstid får man fat i socialvagten via politiet på tlf. 114. Ved fare for liv: ring 112.',
};

export const REGION_LINE = {
	unit: 'Akutmodtagelse',
	label: 'Børne- og ungdomspsykiatrisk akutmodtagelse',
	hours: 'Døgnet rundt',
	takes: 'Akut psykiatrisk vurdering af børn og unge under 18: selvmordsforsøg, selvmordstanker, akut psykose, svær selvskade.',
	note: 'Ved fare for liv: ring 112.',
};

/**
 * Gives every member municipality's kommune organisation and one region organisation (the child and adolescent
 * psychiatric centre when present) an after-hours line when they have none. `phoneFor` supplies numbers (the
 * demo's fictional ones); without it lines have no number. Returns how many lines were created.
 */
export async function ensureAfterHoursLines(db: Executor, actor: Actor, opts: { phoneFor?: (organisationName: string) => string | null } = {}): Promise<number> {
	const owners = await listLineOwners(db);
	const have = await organisationsWithLines(db);
	let created = 0;
	const regions = owners.filter((o) => o.type === 'region');
	const regionOwner = regions.find((o) => /børne- og ungdomspsyk/i.test(o.name)) ?? regions.find((o) => /psykiatri/i.test(o.name)) ?? regions[0];
	const regionHasLine = regions.some((o) => have.has(o.id));
	for (const o of owners) {
		const isRegion = o.type === 'region';
		if (isRegion ? regionHasLine || o.id !== regionOwner?.id : have.has(o.id)) continue;
		const tpl = isRegion ? REGION_LINE : KOMMUNE_LINE;
		const unit = await ensureUnit(db, actor, o.id, tpl.unit);
		await saveUnitContact(db, actor, {
			unitId: unit.id,
			label: tpl.label,
			phone: opts.phoneFor?.(o.name) ?? null,
			email: null,
			hours: tpl.hours,
			note: tpl.note,
			afterHours: true,
			takes: tpl.takes,
		});
		created++;
	}
	return created;
}

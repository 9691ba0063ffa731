/** A small fictional network for the editing tests: two organisations, three units, a handful of people. */
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { permissionsFor, type Permissions } from '@/modules/auth/auth.permissions';
import type { UserRole } from '@db/schema';
import { savePerson, saveUnit, saveUnitContact, ensureOrganisation } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import type { EditContext } from '@/modules/directory/directory.editing';

export interface Network {
	orgA: number;
	orgB: number;
	ppr: number;
	sundhed: number;
	ungeB: number;
	/** person ids */
	leader: number;
	colleague: number;
	other: number;
	outsider: number;
}

function person(ref: string, first: string, last: string, unitId: number, extra: Partial<PersonInput> = {}): PersonInput {
	return {
		ref,
		firstName: first,
		lastName: last,
		title: 'Psykolog',
		unitId,
		municipalityCode: '219',
		phone: '+4548000001',
		mobile: null,
		email: `${first.toLowerCase()}@testkommune.example`,
		hours: 'Man-fre 8-15',
		note: '',
		keyPerson: false,
		status: 'active',
		successorId: null,
		verifiedAt: '2025-01-01',
		topics: [],
		roles: [],
		ageGroups: ['13-17'],
		...extra,
	};
}

export async function buildNetwork(db: Db): Promise<Network> {
	const actor = systemActor('test');
	const orgA = (await ensureOrganisation(db, actor, { name: 'Testby Kommune', type: 'kommune', municipalityCode: '219' })).id;
	const orgB = (await ensureOrganisation(db, actor, { name: 'Frivillig Testforening', type: 'frivillig', municipalityCode: null })).id;
	const ppr = (await saveUnit(db, actor, { organisationId: orgA, name: 'PPR' })).id;
	const sundhed = (await saveUnit(db, actor, { organisationId: orgA, name: 'Sundhedspleje' })).id;
	const ungeB = (await saveUnit(db, actor, { organisationId: orgB, name: 'Ungerådgivning' })).id;
	await saveUnitContact(db, actor, { unitId: ppr, label: 'PPR hovednummer', phone: '+4548000000', email: 'ppr@testkommune.example', hours: 'Man-fre 9-14' });
	const leader = (await savePerson(db, actor, person('T001', 'Alma', 'Testesen', ppr, { keyPerson: true, roles: ['udskrivning', 'akut'], topics: ['selvmord', 'angst'] }))).id;
	const colleague = (await savePerson(db, actor, person('T002', 'Bent', 'Prøvesen', ppr, { roles: ['screening'], topics: ['depression'] }))).id;
	const other = (await savePerson(db, actor, person('T003', 'Cille', 'Øvelund', sundhed))).id;
	const outsider = (await savePerson(db, actor, person('T004', 'Dorte', 'Udefra', ungeB, { municipalityCode: null, email: 'dorte@forening.example' }))).id;
	return { orgA, orgB, ppr, sundhed, ungeB, leader, colleague, other, outsider };
}

let nextUserId = 100;

/** An edit context for a user with a role and scopes (no account rows needed: permissions are pure). */
export function as(role: UserRole, opts: { personId?: number | null; unitIds?: number[]; organisationIds?: number[] } = {}): EditContext & { perms: Permissions } {
	const id = nextUserId++;
	const user = { id, email: `${role}${id}@testkommune.example`, name: '', role, personId: opts.personId ?? null };
	const perms = permissionsFor(user, { userId: id, role, personId: user.personId, unitIds: opts.unitIds ?? [], organisationIds: opts.organisationIds ?? [] });
	return { actor: { label: user.email, userId: id }, perms, baseUrl: 'https://vejviser.test' };
}

/**
 * Who sees the usage figures: network admins, and members of the steering group — signed-in users whose
 * own directory entry carries the role `styregruppe`. The figures are aggregates without names, made for
 * the steering group's meetings, so they need no editor rights (README "Decisions").
 */
import type { Db } from '@db/client';
import type { Permissions } from '@/modules/auth/auth.permissions';

export const STEERING_GROUP_ROLE = 'styregruppe';

export async function canSeeFigures(db: Db, perms: Permissions): Promise<boolean> {
	if (perms.isAdmin) return true;
	const personId = perms.user?.personId;
	if (personId == null) return false;
	const row = await db
		.selectFrom('person_role')
		.innerJoin('person', 'person.id', 'person_role.person_id')
		.select('person_role.person_id')
		.where('person_role.person_id', '=', personId)
		.where('person_role.role_slug', '=', STEERING_GROUP_ROLE)
		.where('person.status', '=', 'active')
		.executeTakeFirst();
	return !!row;
}

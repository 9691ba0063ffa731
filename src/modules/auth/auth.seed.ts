/**
 * Demo accounts, linked to fictional people of the demo network. They sign in like anyone else (code by mail;
 * without SMTP_URL the mail lands in the outbox, and `npm run dev` also prints the code on the console).
 */
import type { Db } from '@db/client';
import type { UserRole } from '@db/schema';
import { insertAuditEntry, systemActor } from '@/modules/audit/audit.repository';

export interface DemoAccount {
	email: string;
	role: UserRole;
	personId: number | null;
	unitIds: number[];
	organisationIds: number[];
}

async function firstPeople(db: Db, organisationName: string | RegExp, unitName: string, count: number) {
	const rows = await db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select(['person.id', 'person.email', 'person.unit_id', 'organisation.id as organisation_id', 'organisation.name as organisation_name'])
		.where('unit.name', '=', unitName)
		.where('person.status', '=', 'active')
		.orderBy('person.id')
		.execute();
	return rows.filter((r) => (typeof organisationName === 'string' ? r.organisation_name === organisationName : organisationName.test(r.organisation_name))).slice(0, count);
}

/** The accounts the demo seeds (idempotent: existing e-mails are left alone). */
export async function seedDemoAccounts(db: Db, now: Date = new Date()): Promise<DemoAccount[]> {
	const [coordinator] = await firstPeople(db, 'Netværkssekretariatet', 'Tovholder og styregruppe', 1);
	const ppr = await firstPeople(db, 'Hillerød Kommune', 'PPR', 2);
	const [family] = await firstPeople(db, 'Hillerød Kommune', 'Børn og Familie, myndighed', 1);
	const accounts: DemoAccount[] = [];
	if (coordinator) accounts.push({ email: 'tovholder@netvaerk.example', role: 'admin', personId: coordinator.id, unitIds: [], organisationIds: [] });
	if (ppr[0]?.email) accounts.push({ email: ppr[0].email, role: 'unit_editor', personId: ppr[0].id, unitIds: [ppr[0].unit_id], organisationIds: [] });
	if (family?.email) accounts.push({ email: family.email, role: 'org_editor', personId: family.id, unitIds: [], organisationIds: [family.organisation_id] });
	if (ppr[1]?.email) accounts.push({ email: ppr[1].email, role: 'member', personId: ppr[1].id, unitIds: [], organisationIds: [] });

	await db.transaction().execute(async (trx) => {
		for (const a of accounts) {
			const exists = await trx.selectFrom('user').select('id').where('email', '=', a.email).executeTakeFirst();
			if (exists) continue;
			const person = a.personId ? await trx.selectFrom('person').select(['first_name', 'last_name']).where('id', '=', a.personId).executeTakeFirst() : undefined;
			const user = await trx
				.insertInto('user')
				.values({ email: a.email, name: person ? `${person.first_name} ${person.last_name}` : '', role: a.role, status: 'active', person_id: a.personId, created_at: now.toISOString(), updated_at: now.toISOString() })
				.returning('id')
				.executeTakeFirstOrThrow();
			for (const unitId of a.unitIds) await trx.insertInto('user_scope').values({ user_id: user.id, unit_id: unitId, organisation_id: null }).execute();
			for (const organisationId of a.organisationIds) await trx.insertInto('user_scope').values({ user_id: user.id, unit_id: null, organisation_id: organisationId }).execute();
			await insertAuditEntry(trx, { actor: systemActor('seed'), entityType: 'user', entityId: user.id, entityLabel: a.email, action: 'create', changes: { role: [null, a.role], person_id: [null, a.personId] }, at: now.toISOString() });
		}
	});
	return accounts;
}

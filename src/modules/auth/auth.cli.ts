/**
 * `npm run user:add -- --email E --role R [--name N] [--unit ID] [--organisation ID|NAME]`: creates or updates an
 * active account and prints a one-time sign-in link (24 hours, opens the confirm page). Bootstraps the first
 * admin; the operator hands the link over.
 */
import { publicBaseUrl, recalledServerAddress } from '@/lib/base-url';
import type { Db } from '@db/client';
import type { UserRole } from '@db/schema';
import { normaliseEmail } from '@/lib/email';
import { insertAuditEntry, systemActor } from '@/modules/audit/audit.repository';
import { ROLES } from './auth.rules';
import { createCliSigninLink, CLI_LINK_TTL_MS } from './auth.signin';
import { findPersonByEmail } from './auth.accounts';

const USAGE = 'Brug: npm run user:add -- --email E --role member|unit_editor|org_editor|admin [--name NAVN] [--unit ENHEDS-ID] [--organisation ORGANISATIONS-ID eller NAVN]';

function parseArgs(args: string[]): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!arg.startsWith('--')) continue;
		const [key, inline] = arg.slice(2).split('=', 2);
		const value = inline ?? (args[i + 1] && !args[i + 1].startsWith('--') ? args[++i] : '');
		(out[key] ??= []).push(value);
	}
	return out;
}

/** Returns the process exit code (0 ok, 2 bad arguments). */
export async function addUserFromCli(
	db: Db,
	args: string[],
	opts: { baseUrl?: string; now?: Date; log?: (line: string) => void; error?: (line: string) => void } = {},
): Promise<number> {
	const log = opts.log ?? ((line) => console.log(line));
	const error = opts.error ?? ((line) => console.error(line));
	const now = opts.now ?? new Date();
	// The running server's address (it records it) unless PUBLIC_BASE_URL says otherwise.
	const baseUrl = opts.baseUrl ?? process.env.PUBLIC_BASE_URL ?? (await recalledServerAddress(db)) ?? publicBaseUrl();
	const a = parseArgs(args);

	const email = normaliseEmail(a.email?.[0] ?? '');
	if (!a.email?.[0]) {
		error(`Mangler --email.\n${USAGE}`);
		return 2;
	}
	if (!email.ok) {
		error(`${email.error}\n${USAGE}`);
		return 2;
	}
	const role = (a.role?.[0] ?? 'member') as UserRole;
	if (!ROLES.includes(role)) {
		error(`Ukendt rolle "${a.role?.[0]}". Vælg en af: ${ROLES.join(', ')}.\n${USAGE}`);
		return 2;
	}
	const unitIds: number[] = [];
	for (const raw of a.unit ?? []) {
		const unit = /^\d+$/.test(raw) ? await db.selectFrom('unit').select('id').where('id', '=', Number(raw)).executeTakeFirst() : undefined;
		if (!unit) {
			error(`Enheden "${raw}" findes ikke (angiv enhedens id).`);
			return 2;
		}
		unitIds.push(unit.id);
	}
	const organisationIds: number[] = [];
	for (const raw of a.organisation ?? []) {
		const org = /^\d+$/.test(raw)
			? await db.selectFrom('organisation').select('id').where('id', '=', Number(raw)).executeTakeFirst()
			: await db.selectFrom('organisation').select('id').where('name', '=', raw).executeTakeFirst();
		if (!org) {
			error(`Organisationen "${raw}" findes ikke (angiv id eller det præcise navn).`);
			return 2;
		}
		organisationIds.push(org.id);
	}

	const link = await db.transaction().execute(async (trx) => {
		const existing = await trx.selectFrom('user').select(['id', 'role', 'status']).where('email', '=', email.email).executeTakeFirst();
		let userId: number;
		if (existing) {
			userId = existing.id;
			await trx
				.updateTable('user')
				.set({ role, status: 'active', updated_at: now.toISOString(), ...(a.name?.[0] ? { name: a.name[0] } : {}) })
				.where('id', '=', userId)
				.execute();
		} else {
			const person = await findPersonByEmail(trx, email.email);
			const row = await trx
				.insertInto('user')
				.values({ email: email.email, name: a.name?.[0] ?? '', role, status: 'active', person_id: person?.id ?? null, created_at: now.toISOString(), updated_at: now.toISOString() })
				.returning('id')
				.executeTakeFirstOrThrow();
			userId = row.id;
		}
		for (const unitId of unitIds) {
			const has = await trx.selectFrom('user_scope').select('id').where('user_id', '=', userId).where('unit_id', '=', unitId).executeTakeFirst();
			if (!has) await trx.insertInto('user_scope').values({ user_id: userId, unit_id: unitId, organisation_id: null }).execute();
		}
		for (const organisationId of organisationIds) {
			const has = await trx.selectFrom('user_scope').select('id').where('user_id', '=', userId).where('organisation_id', '=', organisationId).executeTakeFirst();
			if (!has) await trx.insertInto('user_scope').values({ user_id: userId, unit_id: null, organisation_id: organisationId }).execute();
		}
		await insertAuditEntry(trx, {
			actor: systemActor('cli'),
			entityType: 'user',
			entityId: userId,
			entityLabel: email.email,
			action: existing ? 'update-rights' : 'create',
			changes: { role: [existing?.role ?? null, role], status: [existing?.status ?? null, 'active'], ...(unitIds.length ? { unit_scopes: [null, unitIds] } : {}), ...(organisationIds.length ? { organisation_scopes: [null, organisationIds] } : {}) },
			at: now.toISOString(),
		});
		return createCliSigninLink(trx, userId, baseUrl, now);
	});
	log(`Brugeren ${email.email} er aktiv med rollen ${role}.`);
	log(`Engangslink til at logge ind (virker i ${CLI_LINK_TTL_MS / 3_600_000} timer, én gang):`);
	log(link);
	return 0;
}

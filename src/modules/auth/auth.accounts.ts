/**
 * Accounts: self-registration (auto-approved on a member organisation's e-mail domain), claiming the directory
 * entry with the same e-mail, and what admins do on /admin/brugere (approve, role, scopes, disable) — each
 * change audited, no one changing their own rights.
 */
import type { Db } from '@db/client';
import type { Kysely, Transaction } from 'kysely';
import type { Database, UserRole } from '@db/schema';
import { insertAuditEntry, type Actor, type Changes } from '@/modules/audit/audit.repository';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { jsonArray } from '@/lib/text';
import { canChangeAccount, type Subject } from './auth.rules';
import { invalidateAllSessions } from './auth.sessions';
import { checkSigninLimits, sendSigninMail, type SigninMailOptions } from './auth.signin';
import { dummyCodeWork, randomId } from './auth.crypto';

type Executor = Kysely<Database> | Transaction<Database>;
type UserStatus = 'pending' | 'active' | 'disabled';

export interface Account {
	id: number;
	email: string;
	name: string;
	role: UserRole;
	status: UserStatus;
	personId: number | null;
	personRef: string | null;
	personName: string | null;
	signupNote: string;
	createdAt: string;
	lastLoginAt: string | null;
	scopes: { unitId: number | null; organisationId: number | null; label: string }[];
}

/** The organisation whose member domains include this address's domain, if any. */
export async function findMemberOrganisationForEmail(db: Executor, email: string): Promise<{ id: number; name: string } | undefined> {
	const domain = email.split('@')[1]?.toLowerCase();
	if (!domain) return undefined;
	const orgs = await db.selectFrom('organisation').select(['id', 'name', 'email_domains']).where('email_domains', 'like', `%${domain}%`).execute();
	return orgs.find((o) => jsonArray(o.email_domains).some((d) => d.toLowerCase() === domain));
}

/** The active directory entry with this work e-mail (to link account and person). */
export async function findPersonByEmail(db: Executor, email: string): Promise<{ id: number; ref: string } | undefined> {
	return db.selectFrom('person').select(['id', 'ref']).where('email', '=', email).where('status', '=', 'active').orderBy('id').executeTakeFirst();
}

export type RegistrationResult =
	| { status: 'ok'; challengeId: string }
	| { status: 'rate_limited'; retryAt: Date };

/**
 * Registers a work e-mail. New addresses on a member domain become active members at once and get a sign-in
 * mail; others wait as `pending` and the admins are told. An existing account gets a sign-in mail (active) or a
 * "still waiting" mail. The caller sees the same outcome in every case, so registration reveals no accounts.
 */
export async function registerUser(
	db: Db,
	input: { email: string; name: string; note: string },
	opts: SigninMailOptions,
): Promise<RegistrationResult> {
	const now = opts.now ?? new Date();
	const limits = await checkSigninLimits(db, input.email, opts.ip, now);
	if (!limits.allowed) return { status: 'rate_limited', retryAt: limits.retryAt };

	return db.transaction().execute(async (trx) => {
		const existing = await trx.selectFrom('user').select(['id', 'status']).where('email', '=', input.email).executeTakeFirst();
		if (existing?.status === 'active') return { status: 'ok' as const, challengeId: await sendSigninMail(trx, existing.id, input.email, { ...opts, next: '/konto' }) };
		if (existing) {
			if (existing.status === 'pending')
				await enqueueMail(trx, { to: input.email, subject: 'Din konto i Vejviser venter stadig på godkendelse', text: pendingText(), kind: 'account-pending' });
			dummyCodeWork();
			return { status: 'ok' as const, challengeId: randomId() };
		}

		const organisation = await findMemberOrganisationForEmail(trx, input.email);
		const match = await findPersonByEmail(trx, input.email);
		const taken = match ? await trx.selectFrom('user').select('id').where('person_id', '=', match.id).executeTakeFirst() : undefined;
		const person = taken ? undefined : match;
		const status: UserStatus = organisation ? 'active' : 'pending';
		const created = await trx
			.insertInto('user')
			.values({
				email: input.email,
				name: input.name,
				role: 'member',
				status,
				person_id: person?.id ?? null,
				signup_note: organisation ? '' : input.note.slice(0, 500),
				created_at: now.toISOString(),
				updated_at: now.toISOString(),
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await insertAuditEntry(trx, {
			actor: { label: input.email, userId: created.id },
			entityType: 'user',
			entityId: created.id,
			entityLabel: input.email,
			action: 'register',
			changes: { status: [null, status], person_id: [null, person?.id ?? null] },
			at: now.toISOString(),
		});
		if (status === 'active') return { status: 'ok' as const, challengeId: await sendSigninMail(trx, created.id, input.email, { ...opts, next: '/konto?velkommen=1' }) };

		await enqueueMail(trx, { to: input.email, subject: 'Vi har modtaget din tilmelding til Vejviser', text: pendingText(), kind: 'account-pending' });
		const admins = await trx.selectFrom('user').select('email').where('role', '=', 'admin').where('status', '=', 'active').execute();
		for (const admin of admins)
			await enqueueMail(trx, {
				to: admin.email,
				subject: `Ny bruger venter på godkendelse: ${input.email}`,
				text: `${input.name || input.email} (${input.email}) har tilmeldt sig Vejviser.\n\nOplyst: ${input.note || '(intet)'}\n\nGodkend eller afvis på ${opts.baseUrl.replace(/\/$/, '')}/admin/brugere`,
				kind: 'account-pending-admin',
				dedupeKey: `account-pending:${created.id}:${admin.email}`,
			});
		dummyCodeWork();
		return { status: 'ok' as const, challengeId: randomId() };
	});
}

function pendingText(): string {
	return 'Hej\n\nTak for din tilmelding til Vejviser. Din e-mailadresse hører ikke til en af netværkets medlemsorganisationer, så netværkets administrator skal først godkende din konto. Du får en mail, når det er sket.\n\nVenlig hilsen\nVejviser';
}

export async function getAccount(db: Executor, userId: number): Promise<Account | undefined> {
	const accounts = await listAccounts(db, { userId });
	return accounts[0];
}

/** Accounts for the admin list: pending first, then by e-mail. */
export async function listAccounts(db: Executor, filter: { status?: UserStatus; userId?: number } = {}): Promise<Account[]> {
	let query = db
		.selectFrom('user')
		.leftJoin('person', 'person.id', 'user.person_id')
		.select(['user.id', 'user.email', 'user.name', 'user.role', 'user.status', 'user.person_id', 'user.signup_note', 'user.created_at', 'user.last_login_at', 'person.ref', 'person.first_name', 'person.last_name']);
	if (filter.status) query = query.where('user.status', '=', filter.status);
	if (filter.userId !== undefined) query = query.where('user.id', '=', filter.userId);
	const rows = await query.orderBy((eb) => eb.case().when('user.status', '=', 'pending').then(0).else(1).end()).orderBy('user.email').execute();
	const ids = rows.map((r) => r.id);
	const scopes = ids.length
		? await db
				.selectFrom('user_scope')
				.leftJoin('unit', 'unit.id', 'user_scope.unit_id')
				.leftJoin('organisation as unit_org', 'unit_org.id', 'unit.organisation_id')
				.leftJoin('organisation', 'organisation.id', 'user_scope.organisation_id')
				.select(['user_scope.user_id', 'user_scope.unit_id', 'user_scope.organisation_id', 'unit.name as unit_name', 'unit_org.name as unit_org_name', 'organisation.name as org_name'])
				.where('user_scope.user_id', 'in', ids)
				.execute()
		: [];
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		name: r.name,
		role: r.role,
		status: r.status,
		personId: r.person_id,
		personRef: r.ref ?? null,
		personName: r.first_name ? `${r.first_name} ${r.last_name}` : null,
		signupNote: r.signup_note,
		createdAt: r.created_at,
		lastLoginAt: r.last_login_at,
		scopes: scopes
			.filter((s) => s.user_id === r.id)
			.map((s) => ({ unitId: s.unit_id, organisationId: s.organisation_id, label: s.unit_id ? `${s.unit_name} (${s.unit_org_name})` : (s.org_name ?? '') })),
	}));
}

export interface AccountUpdate {
	role: UserRole;
	status: UserStatus;
	unitIds: number[];
	organisationIds: number[];
}

export type AccountUpdateResult = { ok: true } | { ok: false; error: 'forbidden' | 'not_found' };

/**
 * An admin sets another account's role, status and scopes. Refused for non-admins and for one's own account
 * (no self-elevation). Approving (pending → active) mails the user; disabling ends all their sessions.
 */
export async function updateAccount(db: Db, actor: Actor, subject: Subject | null, userId: number, update: AccountUpdate, opts: { now?: Date; baseUrl: string }): Promise<AccountUpdateResult> {
	const now = opts.now ?? new Date();
	if (!canChangeAccount(subject, userId, { role: update.role, status: update.status, scopes: true })) return { ok: false, error: 'forbidden' };
	return db.transaction().execute(async (trx) => {
		const before = await getAccount(trx, userId);
		if (!before) return { ok: false as const, error: 'not_found' as const };
		const unitIds = [...new Set(update.unitIds)].sort((a, b) => a - b);
		const organisationIds = [...new Set(update.organisationIds)].sort((a, b) => a - b);
		await trx.updateTable('user').set({ role: update.role, status: update.status, updated_at: now.toISOString() }).where('id', '=', userId).execute();
		await trx.deleteFrom('user_scope').where('user_id', '=', userId).execute();
		for (const unitId of unitIds) await trx.insertInto('user_scope').values({ user_id: userId, unit_id: unitId, organisation_id: null }).execute();
		for (const organisationId of organisationIds) await trx.insertInto('user_scope').values({ user_id: userId, unit_id: null, organisation_id: organisationId }).execute();

		const changes: Changes = {};
		if (before.role !== update.role) changes.role = [before.role, update.role];
		if (before.status !== update.status) changes.status = [before.status, update.status];
		const beforeUnits = before.scopes.flatMap((s) => (s.unitId ? [s.unitId] : [])).sort((a, b) => a - b);
		const beforeOrgs = before.scopes.flatMap((s) => (s.organisationId ? [s.organisationId] : [])).sort((a, b) => a - b);
		if (JSON.stringify(beforeUnits) !== JSON.stringify(unitIds)) changes.unit_scopes = [beforeUnits, unitIds];
		if (JSON.stringify(beforeOrgs) !== JSON.stringify(organisationIds)) changes.organisation_scopes = [beforeOrgs, organisationIds];
		if (Object.keys(changes).length)
			await insertAuditEntry(trx, { actor, entityType: 'user', entityId: userId, entityLabel: before.email, action: 'update-rights', changes, at: now.toISOString() });

		if (update.status === 'disabled' && before.status !== 'disabled') await invalidateAllSessions(trx, userId);
		if (before.status === 'pending' && update.status === 'active')
			await enqueueMail(trx, {
				to: before.email,
				subject: 'Din konto i Vejviser er godkendt',
				text: `Hej\n\nDin konto i Vejviser er godkendt. Log ind med din e-mailadresse på ${opts.baseUrl.replace(/\/$/, '')}/log-ind — du får en kode på mail, ingen adgangskode.\n\nVenlig hilsen\nVejviser`,
				kind: 'account-approved',
				dedupeKey: `account-approved:${userId}`,
			});
		return { ok: true as const };
	});
}

/** Units and organisations to choose scopes from (admin form). */
export async function listScopeChoices(db: Db): Promise<{ organisations: { id: number; name: string; units: { id: number; name: string }[] }[] }> {
	const orgs = await db.selectFrom('organisation').select(['id', 'name']).orderBy('name').execute();
	const units = await db.selectFrom('unit').select(['id', 'name', 'organisation_id']).orderBy('name').execute();
	return { organisations: orgs.map((o) => ({ ...o, units: units.filter((u) => u.organisation_id === o.id).map((u) => ({ id: u.id, name: u.name })) })) };
}

/**
 * Links the account to the active directory entry with the same work e-mail (the sign-in proved the address).
 * Returns the person's ref, or null when there is no such entry or another account already holds it.
 */
export async function claimPersonByEmail(db: Db, userId: number, now: Date = new Date()): Promise<string | null> {
	return db.transaction().execute(async (trx) => {
		const user = await trx.selectFrom('user').select(['email', 'person_id']).where('id', '=', userId).executeTakeFirst();
		if (!user) return null;
		const person = await findPersonByEmail(trx, user.email);
		if (!person) return null;
		if (user.person_id === person.id) return person.ref;
		const taken = await trx.selectFrom('user').select('id').where('person_id', '=', person.id).where('id', '!=', userId).executeTakeFirst();
		if (taken) return null;
		await trx.updateTable('user').set({ person_id: person.id, updated_at: now.toISOString() }).where('id', '=', userId).execute();
		await insertAuditEntry(trx, { actor: { label: user.email, userId }, entityType: 'user', entityId: userId, entityLabel: user.email, action: 'claim-person', changes: { person_id: [user.person_id, person.id] }, at: now.toISOString() });
		return person.ref;
	});
}

/** The directory entry a signed-in user could claim (same e-mail, not yet linked to anyone). */
export async function findClaimablePerson(db: Db, userId: number): Promise<{ id: number; ref: string } | undefined> {
	const user = await db.selectFrom('user').select(['email', 'person_id']).where('id', '=', userId).executeTakeFirst();
	if (!user || user.person_id !== null) return undefined;
	const person = await findPersonByEmail(db, user.email);
	if (!person) return undefined;
	const taken = await db.selectFrom('user').select('id').where('person_id', '=', person.id).executeTakeFirst();
	return taken ? undefined : person;
}

/** An admin removes another user's passkeys (lost device) and ends their sessions. Never one's own. */
export async function removePasskeysOf(db: Db, actor: Actor, subject: Subject | null, userId: number, now: Date = new Date()): Promise<AccountUpdateResult> {
	if (!canChangeAccount(subject, userId, { scopes: true })) return { ok: false, error: 'forbidden' };
	return db.transaction().execute(async (trx) => {
		const user = await trx.selectFrom('user').select('email').where('id', '=', userId).executeTakeFirst();
		if (!user) return { ok: false as const, error: 'not_found' as const };
		const removed = await trx.deleteFrom('passkey').where('user_id', '=', userId).executeTakeFirst();
		await invalidateAllSessions(trx, userId);
		await insertAuditEntry(trx, { actor, entityType: 'user', entityId: userId, entityLabel: user.email, action: 'remove-passkeys', changes: { passkeys: [Number(removed.numDeletedRows), 0] }, at: now.toISOString() });
		return { ok: true as const };
	});
}

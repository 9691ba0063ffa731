/**
 * Accounts for tests: a user with a role and scopes, and a valid session cookie for them.
 *
 *   const { user, cookie } = await createUserWithSession(db, { role: 'unit_editor', unitIds: [unit.id] });
 *   // vitest: pass `cookie.header` as the Cookie header; e2e: context.addCookies([cookie.playwright(baseURL)])
 *
 * In browser tests use the server's database: `createUserWithSession(openServerDb(), …)`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, UserRole } from '@db/schema';
import { createSession, SESSION_COOKIE } from '@/modules/auth/auth.sessions';

type Executor = Kysely<Database> | Transaction<Database>;

let counter = 0;

export interface TestUserOptions {
	email?: string;
	name?: string;
	role?: UserRole;
	status?: 'pending' | 'active' | 'disabled';
	personId?: number | null;
	unitIds?: number[];
	organisationIds?: number[];
	now?: Date;
}

/** Inserts an active user (default role member) with the given scopes; returns its id and e-mail. */
export async function createTestUser(db: Executor, opts: TestUserOptions = {}): Promise<{ id: number; email: string }> {
	const email = opts.email ?? `test-${process.pid}-${Date.now()}-${++counter}@test.example`;
	const now = (opts.now ?? new Date()).toISOString();
	const row = await db
		.insertInto('user')
		.values({ email, name: opts.name ?? 'Test Bruger', role: opts.role ?? 'member', status: opts.status ?? 'active', person_id: opts.personId ?? null, created_at: now })
		.returning('id')
		.executeTakeFirstOrThrow();
	for (const unitId of opts.unitIds ?? []) await db.insertInto('user_scope').values({ user_id: row.id, unit_id: unitId, organisation_id: null }).execute();
	for (const organisationId of opts.organisationIds ?? []) await db.insertInto('user_scope').values({ user_id: row.id, unit_id: null, organisation_id: organisationId }).execute();
	return { id: row.id, email };
}

export interface TestCookie {
	name: string;
	value: string;
	/** `vejviser_session=…` for a fetch Cookie header. */
	header: string;
	/** The cookie for Playwright's `context.addCookies([...])`. */
	playwright(baseURL: string): { name: string; value: string; url: string; httpOnly: boolean; sameSite: 'Lax' };
}

/** A fresh session for an existing user. `secondFactor: true` marks the passkey as proven. */
export async function sessionCookieFor(db: Executor, userId: number, opts: { now?: Date; secondFactor?: boolean } = {}): Promise<TestCookie> {
	const now = opts.now ?? new Date();
	const { token } = await createSession(db, userId, { now, label: 'Test', secondFactorAt: opts.secondFactor ? now.toISOString() : null });
	return {
		name: SESSION_COOKIE,
		value: token,
		header: `${SESSION_COOKIE}=${token}`,
		playwright: (baseURL) => ({ name: SESSION_COOKIE, value: token, url: baseURL, httpOnly: true, sameSite: 'Lax' }),
	};
}

/** Both in one step. */
export async function createUserWithSession(db: Executor, opts: TestUserOptions & { secondFactor?: boolean } = {}) {
	const user = await createTestUser(db, opts);
	const cookie = await sessionCookieFor(db, user.id, { now: opts.now, secondFactor: opts.secondFactor });
	return { user, cookie };
}

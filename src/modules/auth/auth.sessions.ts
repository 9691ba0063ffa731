/**
 * Sessions after Lucia's session guide (its 2026 `auth_session.ts`), without the deprecated library: the cookie
 * holds `<id>.<secret>`, the database only SHA-256(secret), compared in constant time. A session ends after
 * the role's inactivity window or its absolute cap (auth.rules.ts), whichever comes first.
 */
import type { Db } from '@db/client';
import type { Kysely, Transaction } from 'kysely';
import type { Database, UserRole } from '@db/schema';
import { constantTimeEqual, randomId, randomSecret, sha256 } from './auth.crypto';
import { effectiveRole, SESSION_TOUCH_INTERVAL_MS, sessionExpiresAt, sessionPolicy } from './auth.rules';
import type { SessionUser } from './auth.types';

type Executor = Kysely<Database> | Transaction<Database>;

export const SESSION_COOKIE = 'vejviser_session';

export interface SessionInfo {
	id: string;
	userId: number;
	createdAt: string;
	lastSeenAt: string;
	secondFactorAt: string | null;
	label: string;
	expiresAt: Date;
}

export interface ValidSession {
	session: SessionInfo;
	user: SessionUser;
	/** True when last_seen_at moved, so the cookie's expiry should move too. */
	refreshed: boolean;
}

/** Creates a session (always a fresh one on sign-in, ASVS 7.2.4) and returns the cookie value. */
export async function createSession(
	db: Executor,
	userId: number,
	opts: { now?: Date; label?: string; secondFactorAt?: string | null } = {},
): Promise<{ token: string; id: string; expiresAt: Date }> {
	const now = opts.now ?? new Date();
	const id = randomId();
	const secret = randomSecret();
	await db
		.insertInto('session')
		.values({
			id,
			secret_hash: sha256(secret),
			user_id: userId,
			created_at: now.toISOString(),
			last_seen_at: now.toISOString(),
			second_factor_at: opts.secondFactorAt ?? null,
			label: (opts.label ?? '').slice(0, 80),
		})
		.execute();
	const user = await db.selectFrom('user').select('role').where('id', '=', userId).executeTakeFirstOrThrow();
	return { token: `${id}.${secret}`, id, expiresAt: sessionExpiresAt(sessionPolicy(user.role), now, now) };
}

/**
 * The session and user behind a cookie value, or null (unknown, wrong secret, expired, or the user is not
 * active). Expired sessions are deleted on sight. `readOnly` (the page cache's front door, src/server/entry.ts)
 * writes nothing: a session that is expired or due for its sliding-expiry touch gives null there, and the
 * request goes through the middleware, which deletes or touches it and sets the cookie as always.
 */
export async function validateSessionToken(db: Db, token: string, now: Date = new Date(), opts: { readOnly?: boolean } = {}): Promise<ValidSession | null> {
	const dot = token.indexOf('.');
	if (dot < 1) return null;
	const id = token.slice(0, dot);
	const secret = token.slice(dot + 1);
	if (!/^[a-z0-9]{16}$/.test(id) || secret.length < 20 || secret.length > 100) return null;

	const row = await db
		.selectFrom('session')
		.innerJoin('user', 'user.id', 'session.user_id')
		.select([
			'session.id',
			'session.secret_hash',
			'session.user_id',
			'session.created_at',
			'session.last_seen_at',
			'session.second_factor_at',
			'session.label',
			'user.email',
			'user.name',
			'user.role',
			'user.status',
			'user.person_id',
		])
		.where('session.id', '=', id)
		.executeTakeFirst();
	if (!row) return null;
	if (!constantTimeEqual(new Uint8Array(row.secret_hash), sha256(secret))) return null;

	const policy = sessionPolicy(row.role);
	const expiresAt = sessionExpiresAt(policy, new Date(row.created_at), new Date(row.last_seen_at));
	if (row.status !== 'active' || expiresAt.getTime() <= now.getTime()) {
		if (opts.readOnly) return null;
		await db.deleteFrom('session').where('id', '=', id).execute();
		return null;
	}

	let lastSeenAt = row.last_seen_at;
	let refreshed = false;
	if (now.getTime() - new Date(row.last_seen_at).getTime() >= SESSION_TOUCH_INTERVAL_MS) {
		if (opts.readOnly) return null;
		lastSeenAt = now.toISOString();
		refreshed = true;
		await db.updateTable('session').set({ last_seen_at: lastSeenAt }).where('id', '=', id).execute();
	}

	const hasPasskey = await userHasPasskey(db, row.user_id);
	const role = effectiveRole(row.role, hasPasskey, row.second_factor_at);
	return {
		session: {
			id,
			userId: row.user_id,
			createdAt: row.created_at,
			lastSeenAt,
			secondFactorAt: row.second_factor_at,
			label: row.label,
			expiresAt: sessionExpiresAt(policy, new Date(row.created_at), new Date(lastSeenAt)),
		},
		user: {
			id: row.user_id,
			email: row.email,
			name: row.name,
			role,
			personId: row.person_id,
			assignedRole: row.role as UserRole,
			needsSecondFactor: role !== row.role,
		},
		refreshed,
	};
}

export async function userHasPasskey(db: Executor, userId: number): Promise<boolean> {
	const row = await db.selectFrom('passkey').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
	return !!row;
}

export async function invalidateSession(db: Executor, sessionId: string): Promise<void> {
	await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/** "Log ud overalt", and what disabling an account does. */
export async function invalidateAllSessions(db: Executor, userId: number): Promise<number> {
	const result = await db.deleteFrom('session').where('user_id', '=', userId).executeTakeFirst();
	return Number(result.numDeletedRows ?? 0);
}

/** Records that a passkey was proven in this session (unlocks editor/admin rights). */
export async function markSecondFactor(db: Executor, sessionId: string, now: Date = new Date()): Promise<void> {
	await db.updateTable('session').set({ second_factor_at: now.toISOString() }).where('id', '=', sessionId).execute();
}

/** A user's live sessions, newest activity first. */
export async function listSessions(db: Db, userId: number, now: Date = new Date()): Promise<SessionInfo[]> {
	const user = await db.selectFrom('user').select('role').where('id', '=', userId).executeTakeFirst();
	if (!user) return [];
	const policy = sessionPolicy(user.role);
	const rows = await db.selectFrom('session').selectAll().where('user_id', '=', userId).orderBy('last_seen_at', 'desc').execute();
	return rows
		.map((r) => ({
			id: r.id,
			userId: r.user_id,
			createdAt: r.created_at,
			lastSeenAt: r.last_seen_at,
			secondFactorAt: r.second_factor_at,
			label: r.label,
			expiresAt: sessionExpiresAt(policy, new Date(r.created_at), new Date(r.last_seen_at)),
		}))
		.filter((s) => s.expiresAt.getTime() > now.getTime());
}

/** A short, non-identifying label for "your sessions" from the User-Agent. */
export function sessionLabel(userAgent: string | null): string {
	if (!userAgent) return 'Ukendt browser';
	const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser';
	const os = /Windows/.test(userAgent) ? 'Windows' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Android/.test(userAgent) ? 'Android' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : '';
	return os ? `${browser} på ${os}` : browser;
}

/** Cookie options: httpOnly, SameSite=Lax, Secure whenever the site is reached over https. */
export function sessionCookieOptions(url: URL, expires: Date) {
	return { httpOnly: true, sameSite: 'lax' as const, secure: url.protocol === 'https:', path: '/', expires };
}

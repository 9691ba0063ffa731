import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { createTestUser } from './helpers/auth';
import { createSession, invalidateAllSessions, invalidateSession, listSessions, markSecondFactor, validateSessionToken } from '@/modules/auth/auth.sessions';

let t: Awaited<ReturnType<typeof createTestDb>>;
beforeEach(async () => {
	t = await createTestDb();
});
afterEach(async () => t.cleanup());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = new Date('2026-03-02T08:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);

describe('sessions', () => {
	it('stores only a hash of the secret and accepts the cookie value', async () => {
		const user = await createTestUser(t.db, { role: 'member' });
		const { token, id } = await createSession(t.db, user.id, { now: start });
		const secret = token.split('.')[1];
		const row = await t.db.selectFrom('session').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
		expect(Buffer.from(row.secret_hash).toString('base64url')).not.toContain(secret);
		expect(row.secret_hash.byteLength).toBe(32);
		const valid = await validateSessionToken(t.db, token, at(HOUR));
		expect(valid?.user).toMatchObject({ id: user.id, role: 'member', needsSecondFactor: false });
	});

	it('rejects a wrong secret, a malformed value and an unknown id', async () => {
		const user = await createTestUser(t.db);
		const { token, id } = await createSession(t.db, user.id, { now: start });
		expect(await validateSessionToken(t.db, `${id}.${'A'.repeat(43)}`, start)).toBeNull();
		expect(await validateSessionToken(t.db, 'garbage', start)).toBeNull();
		expect(await validateSessionToken(t.db, `abcdefghijkmnpqr.${token.split('.')[1]}`, start)).toBeNull();
	});

	it('slides the inactivity window for a member and stops at the 30-day cap', async () => {
		const user = await createTestUser(t.db, { role: 'member' });
		const { token } = await createSession(t.db, user.id, { now: start });
		// Active every 9 days: each visit pushes the 10-day window on…
		for (let d = 9; d <= 27; d += 9) expect(await validateSessionToken(t.db, token, at(d * DAY)), `day ${d}`).not.toBeNull();
		// …but not beyond 30 days after sign-in.
		expect(await validateSessionToken(t.db, token, at(30 * DAY + 1000))).toBeNull();
		expect(await t.db.selectFrom('session').select('id').execute()).toEqual([]);
	});

	it('ends a member session after 10 idle days', async () => {
		const user = await createTestUser(t.db, { role: 'member' });
		const { token } = await createSession(t.db, user.id, { now: start });
		expect(await validateSessionToken(t.db, token, at(10 * DAY - 1000))).not.toBeNull();
		const again = await createSession(t.db, user.id, { now: start });
		expect(await validateSessionToken(t.db, again.token, at(10 * DAY + 1000))).toBeNull();
	});

	it('ends an admin session after 12 idle hours and 7 days at most', async () => {
		const user = await createTestUser(t.db, { role: 'admin' });
		const idle = await createSession(t.db, user.id, { now: start });
		expect(await validateSessionToken(t.db, idle.token, at(12 * HOUR + 1000))).toBeNull();
		const busy = await createSession(t.db, user.id, { now: start });
		for (let h = 10; h < 7 * 24; h += 10) expect(await validateSessionToken(t.db, busy.token, at(h * HOUR)), `hour ${h}`).not.toBeNull();
		expect(await validateSessionToken(t.db, busy.token, at(7 * DAY + 1000))).toBeNull();
	});

	it('writes last_seen_at at most every few minutes', async () => {
		const user = await createTestUser(t.db);
		const { token } = await createSession(t.db, user.id, { now: start });
		expect((await validateSessionToken(t.db, token, at(60_000)))?.refreshed).toBe(false);
		expect((await validateSessionToken(t.db, token, at(10 * 60_000)))?.refreshed).toBe(true);
	});

	it('refuses sessions of pending and disabled users', async () => {
		for (const status of ['pending', 'disabled'] as const) {
			const user = await createTestUser(t.db, { status });
			const { token } = await createSession(t.db, user.id, { now: start });
			expect(await validateSessionToken(t.db, token, start)).toBeNull();
		}
	});

	it('signs out one session, or all of them everywhere', async () => {
		const user = await createTestUser(t.db);
		const a = await createSession(t.db, user.id, { now: start });
		const b = await createSession(t.db, user.id, { now: start });
		const c = await createSession(t.db, user.id, { now: start });
		await invalidateSession(t.db, a.id);
		expect(await validateSessionToken(t.db, a.token, start)).toBeNull();
		expect((await listSessions(t.db, user.id, start)).map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
		expect(await invalidateAllSessions(t.db, user.id)).toBe(2);
		expect(await validateSessionToken(t.db, b.token, start)).toBeNull();
		expect(await validateSessionToken(t.db, c.token, start)).toBeNull();
	});

	it('holds back editor rights until a registered passkey is proven in the session', async () => {
		const user = await createTestUser(t.db, { role: 'org_editor' });
		const { token, id } = await createSession(t.db, user.id, { now: start });
		expect((await validateSessionToken(t.db, token, start))?.user.role).toBe('org_editor');
		await t.db.insertInto('passkey').values({ id: 'cred-1', user_id: user.id, public_key: new Uint8Array([1, 2, 3]), created_at: start.toISOString() }).execute();
		const gated = await validateSessionToken(t.db, token, start);
		expect(gated?.user).toMatchObject({ role: 'member', assignedRole: 'org_editor', needsSecondFactor: true });
		await markSecondFactor(t.db, id, start);
		expect((await validateSessionToken(t.db, token, start))?.user).toMatchObject({ role: 'org_editor', needsSecondFactor: false });
	});
});

describe('read-only session check (the page cache front door)', () => {
	it('writes nothing: a session due for its touch or expired gives null and stays as it was', async () => {
		const user = await createTestUser(t.db, { role: 'member' });
		const { token, id } = await createSession(t.db, user.id, { now: start });
		// Within the touch interval: valid, and the same user object the middleware resolves.
		const fresh = await validateSessionToken(t.db, token, at(60_000), { readOnly: true });
		expect(fresh?.user).toEqual((await validateSessionToken(t.db, token, at(60_000)))?.user);
		// Due for a touch: null (the middleware touches it and sets the cookie), last_seen_at untouched.
		const before = await t.db.selectFrom('session').select('last_seen_at').where('id', '=', id).executeTakeFirstOrThrow();
		expect(await validateSessionToken(t.db, token, at(HOUR), { readOnly: true })).toBeNull();
		expect(await t.db.selectFrom('session').select('last_seen_at').where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
		// Expired: null, and the row is left for the middleware to delete.
		expect(await validateSessionToken(t.db, token, at(60 * DAY), { readOnly: true })).toBeNull();
		expect(await t.db.selectFrom('session').select('id').where('id', '=', id).executeTakeFirst()).toBeTruthy();
		expect(await validateSessionToken(t.db, token, at(60 * DAY))).toBeNull();
		expect(await t.db.selectFrom('session').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
	});
});

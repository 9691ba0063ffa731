/**
 * Signed one-click confirmation links. The token names a request and its expiry and is signed with
 * HMAC-SHA256; single use is enforced by the request row (confirmed_at), not by the token. The secret is
 * TOKEN_SECRET, or a random secret generated once and kept in the database, so no .env is needed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '@db/client';

export type TokenCheck = { ok: true; requestId: number; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

function sign(payload: string, secret: string): string {
	return createHmac('sha256', secret).update(`vejviser:freshness:${payload}`).digest('base64url');
}

/** `<requestId>.<expiry in unix seconds>.<signature>` — URL-safe. */
export function createConfirmToken(requestId: number, expiresAt: Date, secret: string): string {
	const payload = `${requestId}.${Math.floor(expiresAt.getTime() / 1000)}`;
	return `${payload}.${sign(payload, secret)}`;
}

/** Checks the signature (constant time) and expiry; says nothing about whether the request was used. */
export function verifyConfirmToken(token: string, secret: string, now: Date = new Date()): TokenCheck {
	const m = /^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
	if (!m) return { ok: false, reason: 'invalid' };
	const expected = Buffer.from(sign(`${m[1]}.${m[2]}`, secret));
	const given = Buffer.from(m[3]);
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
	const expiresAt = new Date(Number(m[2]) * 1000);
	if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
	return { ok: true, requestId: Number(m[1]), expiresAt };
}

const cache = new WeakMap<Db, string>();

/** TOKEN_SECRET when set, else the database's own secret (created on first use, race-safe). */
export async function getTokenSecret(db: Db, configured?: string): Promise<string> {
	if (configured) return configured;
	const known = cache.get(db);
	if (known) return known;
	await db
		.insertInto('app_secret')
		.values({ name: 'token_secret', value: randomBytes(32).toString('base64url'), created_at: new Date().toISOString() })
		.onConflict((oc) => oc.column('name').doNothing())
		.execute();
	const row = await db.selectFrom('app_secret').select('value').where('name', '=', 'token_secret').executeTakeFirstOrThrow();
	cache.set(db, row.value);
	return row.value;
}

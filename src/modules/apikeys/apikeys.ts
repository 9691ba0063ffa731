/**
 * API keys for integrations (`Authorization: Bearer <key>` on /api/*): issued and revoked by admins in the
 * browser; the key is shown once and only its SHA-256 is stored. A key raises the rate limit to its own
 * per-minute budget and, when an admin allowed it, shows members-only contact fields (what a signed-in member
 * sees). Every read with a key is written to the export log.
 */
import { z } from 'astro/zod';
import type { Db } from '@db/client';
import { nowIso } from '@/lib/dates';
import { insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';
import { randomSecret, sha256Hex } from '@/modules/auth/auth.crypto';
import { hitRateLimit } from '@/modules/auth/auth.ratelimit';

/** Keys start with this, so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'vv_';
/** Requests per minute a key gets unless the admin chose otherwise. */
export const DEFAULT_PER_MINUTE = 600;

export const apiKeySchema = z.object({
	name: z.string({ required_error: 'Skriv, hvem nøglen er til.' }).trim().min(2, 'Skriv, hvem nøglen er til (mindst 2 tegn).').max(80, 'Navnet må højst være 80 tegn.'),
	members_fields: z.preprocess((v) => v === 'ja' || v === 'on', z.boolean()),
	per_minute: z.preprocess(
		(v) => (v === '' || v === undefined ? DEFAULT_PER_MINUTE : Number(v)),
		z.number({ invalid_type_error: 'Skriv et helt tal.' }).int('Skriv et helt tal.').min(10, 'Mindst 10 pr. minut.').max(6000, 'Højst 6000 pr. minut.'),
	),
});
export type ApiKeyInput = z.infer<typeof apiKeySchema>;

export interface ApiKeyRow {
	id: number;
	name: string;
	prefix: string;
	membersFields: boolean;
	perMinute: number;
	createdAt: string;
	createdBy: string;
	lastUsedAt: string | null;
	revokedAt: string | null;
}

/** The caller an API key identifies (set as `locals.apiClient` by the middleware). */
export interface ApiClient {
	id: number;
	name: string;
	membersFields: boolean;
	perMinute: number;
}

/** Issues a key; returns the key itself — the only time it exists outside the caller's hands. */
export async function issueApiKey(db: Db, actor: Actor, input: ApiKeyInput): Promise<{ id: number; key: string }> {
	const key = `${KEY_PREFIX}${randomSecret()}`;
	return db.transaction().execute(async (trx) => {
		const row = await trx
			.insertInto('api_key')
			.values({ name: input.name, prefix: key.slice(0, 10), key_hash: sha256Hex(key), members_fields: input.members_fields ? 1 : 0, per_minute: input.per_minute, created_at: nowIso(), created_by: actor.label })
			.returning('id')
			.executeTakeFirstOrThrow();
		await insertAuditEntry(trx, { actor, entityType: 'api_key', entityId: row.id, entityLabel: input.name, action: 'create', changes: { name: [null, input.name], members_fields: [null, input.members_fields], per_minute: [null, input.per_minute] } });
		return { id: row.id, key };
	});
}

/** Revokes a key at once (the next request with it gets 401). False when there was no such live key. */
export async function revokeApiKey(db: Db, actor: Actor, id: number): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const key = await trx.selectFrom('api_key').select(['id', 'name']).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
		if (!key) return false;
		await trx.updateTable('api_key').set({ revoked_at: nowIso(), revoked_by: actor.label }).where('id', '=', id).execute();
		await insertAuditEntry(trx, { actor, entityType: 'api_key', entityId: id, entityLabel: key.name, action: 'revoke', changes: { revoked: [false, true] } });
		return true;
	});
}

export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
	const rows = await db.selectFrom('api_key').selectAll().orderBy('revoked_at', 'asc').orderBy('id', 'desc').execute();
	return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, membersFields: r.members_fields === 1, perMinute: r.per_minute, createdAt: r.created_at, createdBy: r.created_by, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** The live key a bearer token names, or null (unknown, malformed or revoked). */
export async function authenticateApiKey(db: Db, key: string): Promise<ApiClient | null> {
	if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
	const row = await db.selectFrom('api_key').select(['id', 'name', 'members_fields', 'per_minute']).where('key_hash', '=', sha256Hex(key)).where('revoked_at', 'is', null).executeTakeFirst();
	return row ? { id: row.id, name: row.name, membersFields: row.members_fields === 1, perMinute: row.per_minute } : null;
}

/** The bearer token of an Authorization header, or null when there is none; '' when the header is malformed. */
export function bearerToken(header: string | null): string | null {
	if (header === null) return null;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	return match ? match[1] : '';
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	Response.json(body, { status, headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="vejviser"', ...headers } });

/**
 * For an /api request: resolves an `Authorization: Bearer` key and counts it against the key's per-minute
 * limit. Returns the client (or null without a header), or the 401/429 JSON response to send instead.
 */
export async function apiKeyGate(db: Db, header: string | null, now: Date = new Date()): Promise<{ client: ApiClient | null } | Response> {
	const token = bearerToken(header);
	if (token === null) return { client: null };
	const client = token ? await authenticateApiKey(db, token) : null;
	if (!client) return json(401, { error: 'invalid_api_key', message: 'API-nøglen er ukendt eller trukket tilbage.' });
	const limit = await hitRateLimit(db, `api-key:${client.id}`, { max: client.perMinute, windowMs: 60_000 }, now);
	if (!limit.allowed) {
		const retry = Math.max(1, Math.ceil((limit.resetAt.getTime() - now.getTime()) / 1000));
		return json(429, { error: 'rate_limited', message: `For mange forespørgsler med denne nøgle. Prøv igen om ${retry} sekunder.` }, { 'Retry-After': String(retry) });
	}
	void db.updateTable('api_key').set({ last_used_at: now.toISOString() }).where('id', '=', client.id).execute().catch(() => {});
	return { client };
}

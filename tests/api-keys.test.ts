import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { buildNetwork } from './helpers/editing-network';
import { apiKeyGate, issueApiKey, listApiKeys, revokeApiKey, apiKeySchema } from '@/modules/apikeys/apikeys';
import { listExportLog, logExport } from '@/modules/privacy/privacy.exports';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
	await cleanup?.();
	cleanup = undefined;
});
const admin = { label: 'tovholder@netvaerk.example', userId: null };

describe('API keys', () => {
	it('stores only a hash, authenticates the key, limits it per minute and stops it when revoked', async () => {
		const t = await createTestDb();
		cleanup = t.cleanup;
		const { id, key } = await issueApiKey(t.db, admin, { name: 'Regionens intranet', members_fields: true, per_minute: 10 });
		expect(key).toMatch(/^vv_[A-Za-z0-9_-]{40,}$/);
		const stored = await t.db.withTables<{ api_key: { key_hash: string; prefix: string } }>().selectFrom('api_key').selectAll().execute();
		expect(JSON.stringify(stored)).not.toContain(key);
		expect(stored[0].prefix).toBe(key.slice(0, 10));

		expect(await apiKeyGate(t.db, null)).toEqual({ client: null });
		const ok = await apiKeyGate(t.db, `Bearer ${key}`);
		expect(ok).toEqual({ client: { id, name: 'Regionens intranet', membersFields: true, perMinute: 10 } });
		const wrong = await apiKeyGate(t.db, 'Bearer vv_wrong');
		expect(wrong).toBeInstanceOf(Response);
		expect((wrong as Response).status).toBe(401);
		expect(((await apiKeyGate(t.db, 'Basic abc')) as Response).status).toBe(401);

		// A later window than the calls above (which counted against the current one).
		const now = new Date(Date.now() + 3_600_000);
		for (let i = 0; i < 10; i++) expect(await apiKeyGate(t.db, `Bearer ${key}`, now)).not.toBeInstanceOf(Response);
		const limited = (await apiKeyGate(t.db, `Bearer ${key}`, now)) as Response;
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
		expect(await apiKeyGate(t.db, `Bearer ${key}`, new Date(now.getTime() + 61_000))).not.toBeInstanceOf(Response);

		expect(await revokeApiKey(t.db, admin, id)).toBe(true);
		expect(await revokeApiKey(t.db, admin, id)).toBe(false);
		expect(((await apiKeyGate(t.db, `Bearer ${key}`)) as Response).status).toBe(401);
		expect((await listApiKeys(t.db))[0]).toMatchObject({ revokedAt: expect.any(String) });
		const audit = await t.db.selectFrom('audit_log').select(['entity_type', 'action']).where('entity_type', '=', 'api_key').execute();
		expect(audit.map((a) => a.action)).toEqual(['create', 'revoke']);
	});

	it('refuses a key form with clear Danish messages', () => {
		const bad = apiKeySchema.safeParse({ name: ' ', per_minute: 'mange' });
		expect(bad.success).toBe(false);
		const messages = bad.success ? [] : bad.error.issues.map((i) => i.message);
		expect(messages).toEqual(expect.arrayContaining(['Skriv, hvem nøglen er til (mindst 2 tegn).', 'Skriv et helt tal.']));
		expect(apiKeySchema.parse({ name: 'Intranet', per_minute: '' })).toEqual({ name: 'Intranet', members_fields: false, per_minute: 600 });
	});

	it('logs exports newest first and filters by channel', async () => {
		const t = await createTestDb();
		cleanup = t.cleanup;
		await buildNetwork(t.db);
		await logExport(t.db, { actor: 'system:cli', kind: 'csv', channel: 'cli', rows: 4, detail: 'ud.csv' });
		await logExport(t.db, { actor: 'api:Intranet', apiKeyId: 1, kind: 'person', channel: 'api', rows: 1 });
		expect((await listExportLog(t.db)).map((r) => r.kind)).toEqual(['person', 'csv']);
		expect(await listExportLog(t.db, { channel: 'cli' })).toEqual([expect.objectContaining({ actor: 'system:cli', rows: 4, detail: 'ud.csv' })]);
	});
});

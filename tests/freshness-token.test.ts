import { describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { createConfirmToken, getTokenSecret, verifyConfirmToken } from '@/modules/freshness/freshness.token';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { runFreshness } from '@/modules/freshness/freshness.loop';
import { confirmByToken, loadConfirmation } from '@/modules/freshness/freshness.confirm';

const expires = new Date('2026-12-01T00:00:00Z');
const now = new Date('2026-09-01T00:00:00Z');

describe('Confirmation tokens', () => {
	it('verifies a token it signed and names its request', () => {
		const token = createConfirmToken(42, expires, 's3cret');
		expect(verifyConfirmToken(token, 's3cret', now)).toMatchObject({ ok: true, requestId: 42 });
	});

	it('rejects a token whose request id, expiry or signature was changed, or that was signed with another secret', () => {
		const token = createConfirmToken(42, expires, 's3cret');
		const [id, exp, sig] = token.split('.');
		expect(verifyConfirmToken(`43.${exp}.${sig}`, 's3cret', now)).toEqual({ ok: false, reason: 'invalid' });
		expect(verifyConfirmToken(`${id}.${Number(exp) + 86_400}.${sig}`, 's3cret', now)).toEqual({ ok: false, reason: 'invalid' });
		expect(verifyConfirmToken(`${id}.${exp}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, 's3cret', now)).toEqual({ ok: false, reason: 'invalid' });
		expect(verifyConfirmToken(token, 'other', now)).toEqual({ ok: false, reason: 'invalid' });
		expect(verifyConfirmToken('garbage', 's3cret', now)).toEqual({ ok: false, reason: 'invalid' });
	});

	it('expires at its expiry instant', () => {
		const token = createConfirmToken(42, expires, 's3cret');
		expect(verifyConfirmToken(token, 's3cret', new Date(expires.getTime() - 1000)).ok).toBe(true);
		expect(verifyConfirmToken(token, 's3cret', expires)).toEqual({ ok: false, reason: 'expired' });
	});

	it('uses TOKEN_SECRET when set and otherwise one random secret kept in the database', async () => {
		const { db, path, cleanup } = await createTestDb();
		try {
			expect(await getTokenSecret(db, 'from-env')).toBe('from-env');
			const generated = await getTokenSecret(db);
			expect(generated).toMatch(/^[\w-]{43}$/);
			const { createDb } = await import('@db/client');
			const second = createDb(path);
			expect(await getTokenSecret(second)).toBe(generated);
			await second.destroy();
		} finally {
			await cleanup();
		}
	});
});

describe('Confirming through the link', () => {
	it('works once: a second press and a replayed link change nothing, and an expired link does not confirm', async () => {
		const { db, cleanup } = await createTestDb();
		try {
			const actor = systemActor('test');
			const org = await ensureOrganisation(db, actor, { name: 'Testkommune', type: 'kommune', municipalityCode: null });
			const unit = await ensureUnit(db, actor, org.id, 'PPR');
			const { id } = await savePerson(db, actor, {
				ref: 'x1', firstName: 'Xenia', lastName: 'Test', title: 'Sundhedsplejerske', unitId: unit.id, municipalityCode: null, phone: null, mobile: null,
				email: 'xenia@kommune.test', hours: '', note: '', keyPerson: true, status: 'active', successorId: null, verifiedAt: '2026-01-10T00:00:00Z',
				topics: [], roles: [], ageGroups: [],
			});
			await runFreshness(db, new Date('2026-08-01T06:00:00Z'), { baseUrl: 'http://x', secret: 'k' });
			const mail = await db.selectFrom('mail_outbox').select('text_body').executeTakeFirstOrThrow();
			const token = /\/bekraeft\/([\w.-]+)/.exec(mail.text_body)![1];

			// Opening the page (what a mail scanner does) confirms nothing.
			expect((await loadConfirmation(db, token, 'k', new Date('2026-08-02T06:00:00Z'))).state).toBe('ready');
			expect((await db.selectFrom('person').select('verified_at').where('id', '=', id).executeTakeFirstOrThrow()).verified_at).toBe('2026-01-10T00:00:00Z');

			expect((await confirmByToken(db, token, 'k', new Date('2026-12-15T06:00:00Z'))).state).toBe('expired');
			expect((await confirmByToken(db, token, 'k', new Date('2026-08-02T06:00:00Z'))).state).toBe('confirmed');
			expect((await confirmByToken(db, token, 'k', new Date('2026-08-02T06:01:00Z'))).state).toBe('used');
			const audit = await db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).where('action', '=', 'verify').execute();
			expect(audit).toHaveLength(1);
			expect(audit[0].actor).toBe('xenia@kommune.test (bekræftelseslink)');
			expect((await confirmByToken(db, token, 'wrong', new Date('2026-08-02T06:00:00Z'))).state).toBe('invalid');
		} finally {
			await cleanup();
		}
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { createTestUser } from './helpers/auth';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, saveOrganisation, savePerson } from '@/modules/directory/directory.writes';
import { completeSignin, consumeSigninLink, createCliSigninLink, findSigninLink, MAX_CODE_ATTEMPTS, requestSignin, verifySigninCode } from '@/modules/auth/auth.signin';
import { claimPersonByEmail, registerUser, updateAccount } from '@/modules/auth/auth.accounts';
import { createSession, validateSessionToken } from '@/modules/auth/auth.sessions';
import { addUserFromCli } from '@/modules/auth/auth.cli';
import { publicBaseUrl, rememberServerAddress } from '@/lib/base-url';

let t: Awaited<ReturnType<typeof createTestDb>>;
beforeEach(async () => {
	t = await createTestDb();
});
afterEach(async () => t.cleanup());

const base = 'https://vejviser.example';
const start = new Date('2026-03-02T08:00:00Z');
const later = (ms: number) => new Date(start.getTime() + ms);
const MIN = 60_000;

async function lastMail(to: string) {
	return t.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirst();
}
function codeFrom(text: string): string {
	return /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(text)![1];
}
function tokenFrom(text: string): string {
	return /\/log-ind\/link\/([A-Za-z0-9_-]+)/.exec(text)![1];
}

describe('sign-in by e-mail code', () => {
	it('mails an 8-character code and a link, and stores neither in clear', async () => {
		const user = await createTestUser(t.db, { email: 'anne@kommune.example' });
		const result = await requestSignin(t.db, user.email, { baseUrl: base, now: start, ip: '10.0.0.1' });
		expect(result.status).toBe('sent');
		const mail = (await lastMail(user.email))!;
		expect(mail.kind).toBe('signin');
		const code = codeFrom(mail.text_body);
		const token = tokenFrom(mail.text_body);
		const row = await t.db.selectFrom('signin_challenge').selectAll().executeTakeFirstOrThrow();
		expect(row.code_hash).not.toContain(code.replace('-', ''));
		expect(row.link_hash).not.toBe(token);
		expect(row.expires_at).toBe(later(10 * MIN).toISOString());
	});

	it('signs in with the code typed in any case and with or without the dash', async () => {
		const user = await createTestUser(t.db, { email: 'anne@kommune.example' });
		const r = await requestSignin(t.db, user.email, { baseUrl: base, now: start, next: '/personer/X/rediger' });
		const code = codeFrom((await lastMail(user.email))!.text_body);
		const check = await verifySigninCode(t.db, r.status === 'sent' ? r.challengeId : '', ` ${code.replace('-', '').toLowerCase()} `, { now: later(MIN) });
		expect(check).toEqual({ ok: true, userId: user.id, next: '/personer/X/rediger' });
	});

	it('refuses a code after 10 minutes', async () => {
		const user = await createTestUser(t.db);
		const r = await requestSignin(t.db, user.email, { baseUrl: base, now: start });
		const code = codeFrom((await lastMail(user.email))!.text_body);
		const id = r.status === 'sent' ? r.challengeId : '';
		expect(await verifySigninCode(t.db, id, code, { now: later(10 * MIN + 1000) })).toEqual({ ok: false, reason: 'invalid' });
	});

	it('accepts a code only once, and then not its link either', async () => {
		const user = await createTestUser(t.db);
		const r = await requestSignin(t.db, user.email, { baseUrl: base, now: start });
		const text = (await lastMail(user.email))!.text_body;
		const id = r.status === 'sent' ? r.challengeId : '';
		expect((await verifySigninCode(t.db, id, codeFrom(text), { now: start })).ok).toBe(true);
		expect((await verifySigninCode(t.db, id, codeFrom(text), { now: start })).ok).toBe(false);
		expect(await consumeSigninLink(t.db, tokenFrom(text), start)).toEqual({ ok: false });
	});

	it(`kills a challenge after ${MAX_CODE_ATTEMPTS} wrong codes, even if the right one follows`, async () => {
		const user = await createTestUser(t.db);
		const r = await requestSignin(t.db, user.email, { baseUrl: base, now: start });
		const code = codeFrom((await lastMail(user.email))!.text_body);
		const id = r.status === 'sent' ? r.challengeId : '';
		for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) expect((await verifySigninCode(t.db, id, 'ZZZZZZZZ', { now: start })).ok).toBe(false);
		expect((await verifySigninCode(t.db, id, code, { now: start })).ok).toBe(false);
	});

	it('binds the code to the challenge of the browser that asked', async () => {
		const a = await createTestUser(t.db);
		const b = await createTestUser(t.db);
		await requestSignin(t.db, a.email, { baseUrl: base, now: start });
		const codeA = codeFrom((await lastMail(a.email))!.text_body);
		const rb = await requestSignin(t.db, b.email, { baseUrl: base, now: start });
		expect((await verifySigninCode(t.db, rb.status === 'sent' ? rb.challengeId : '', codeA, { now: start })).ok).toBe(false);
	});

	it('answers an unknown, pending or disabled address exactly like a known one and mails no code', async () => {
		await createTestUser(t.db, { email: 'pending@x.example', status: 'pending' });
		await createTestUser(t.db, { email: 'disabled@x.example', status: 'disabled' });
		for (const email of ['nobody@x.example', 'pending@x.example', 'disabled@x.example']) {
			const r = await requestSignin(t.db, email, { baseUrl: base, now: start });
			expect(r.status).toBe('sent');
			expect(r.status === 'sent' && /^[a-z0-9]{16}$/.test(r.challengeId)).toBe(true);
		}
		const codes = await t.db.selectFrom('mail_outbox').select('kind').where('kind', '=', 'signin').execute();
		expect(codes).toEqual([]);
		expect(await t.db.selectFrom('signin_challenge').select('id').execute()).toEqual([]);
	});

	it('allows 5 mails per address from one client per 15 minutes, also for unknown addresses', async () => {
		const user = await createTestUser(t.db);
		for (const email of [user.email, 'nobody@x.example']) {
			for (let i = 0; i < 5; i++) expect((await requestSignin(t.db, email, { baseUrl: base, ip: '10.9.9.9', now: later(i * 1000) })).status).toBe('sent');
			expect((await requestSignin(t.db, email, { baseUrl: base, ip: '10.9.9.9', now: later(6000) })).status).toBe('rate_limited');
			expect((await requestSignin(t.db, email, { baseUrl: base, ip: '10.9.9.9', now: later(15 * MIN + 7000) })).status).toBe('sent');
		}
		expect(await t.db.selectFrom('mail_outbox').select('id').where('to_address', '=', user.email).execute()).toHaveLength(6);
	});

	it('never locks a person out because someone else asked for their address: other clients only slow down', async () => {
		const user = await createTestUser(t.db);
		for (let i = 0; i < 5; i++) await requestSignin(t.db, user.email, { baseUrl: base, ip: '10.6.6.6', now: later(i) });
		expect((await requestSignin(t.db, user.email, { baseUrl: base, ip: '10.6.6.6', now: later(10) })).status).toBe('rate_limited');
		// The person themself, from their own office, still gets a code.
		expect((await requestSignin(t.db, user.email, { baseUrl: base, ip: '10.7.7.7', now: later(20) })).status).toBe('sent');
		// Many clients together: after 10 mails the address gets one mail per two minutes, not none.
		for (let i = 0; i < 4; i++) expect((await requestSignin(t.db, user.email, { baseUrl: base, ip: `10.8.8.${i}`, now: later(30 + i) })).status).toBe('sent');
		expect((await requestSignin(t.db, user.email, { baseUrl: base, ip: '10.8.8.50', now: later(40) })).status).toBe('sent');
		expect((await requestSignin(t.db, user.email, { baseUrl: base, ip: '10.8.8.51', now: later(50) })).status).toBe('rate_limited');
		expect((await requestSignin(t.db, user.email, { baseUrl: base, ip: '10.7.7.7', now: later(2 * MIN + 100) })).status).toBe('sent');
	});

	it('allows 20 sign-in requests per IP per 15 minutes across addresses', async () => {
		for (let i = 0; i < 20; i++) expect((await requestSignin(t.db, `p${i}@x.example`, { baseUrl: base, ip: '10.1.1.1', now: start })).status).toBe('sent');
		expect((await requestSignin(t.db, 'p99@x.example', { baseUrl: base, ip: '10.1.1.1', now: start })).status).toBe('rate_limited');
		expect((await requestSignin(t.db, 'p99@x.example', { baseUrl: base, ip: '10.1.1.2', now: start })).status).toBe('sent');
	});

	it('limits wrong codes per IP across challenges', async () => {
		const outcomes: string[] = [];
		for (let i = 0; i < 31; i++) {
			const r = await verifySigninCode(t.db, 'abcdefghijkmnpqr', 'AAAAAAAA', { ip: '10.2.2.2', now: start });
			outcomes.push(r.ok ? 'ok' : r.reason);
		}
		expect(outcomes.slice(0, 30).every((o) => o === 'invalid')).toBe(true);
		expect(outcomes[30]).toBe('rate_limited');
	});

	it('creates a fresh session on sign-in and records the time', async () => {
		const user = await createTestUser(t.db);
		const session = await completeSignin(t.db, user.id, { now: start });
		expect((await validateSessionToken(t.db, session!.token, start))?.user.id).toBe(user.id);
		const row = await t.db.selectFrom('user').select('last_login_at').where('id', '=', user.id).executeTakeFirstOrThrow();
		expect(row.last_login_at).toBe(start.toISOString());
	});
});

describe('sign-in links', () => {
	it('shows the confirm page any number of times without spending the link', async () => {
		const user = await createTestUser(t.db, { email: 'link@x.example' });
		await requestSignin(t.db, user.email, { baseUrl: base, now: start });
		const token = tokenFrom((await lastMail(user.email))!.text_body);
		for (let i = 0; i < 3; i++) expect(await findSigninLink(t.db, token, start)).toEqual({ email: 'link@x.example', purpose: 'signin' });
		expect(await consumeSigninLink(t.db, token, start)).toMatchObject({ ok: true, userId: user.id });
		expect(await consumeSigninLink(t.db, token, start)).toEqual({ ok: false });
		expect(await findSigninLink(t.db, token, start)).toBeNull();
	});

	it('lets a mailed link expire after 10 minutes and a CLI link after 24 hours', async () => {
		const user = await createTestUser(t.db);
		await requestSignin(t.db, user.email, { baseUrl: base, now: start });
		const mailed = tokenFrom((await lastMail(user.email))!.text_body);
		expect(await consumeSigninLink(t.db, mailed, later(11 * MIN))).toEqual({ ok: false });
		const cli = tokenFrom(await createCliSigninLink(t.db, user.id, base, start));
		expect(await findSigninLink(t.db, cli, later(23 * 60 * MIN))).toMatchObject({ purpose: 'cli' });
		expect(await consumeSigninLink(t.db, cli, later(24 * 60 * MIN + 1000))).toEqual({ ok: false });
	});

	it('spends a link only once when two requests race', async () => {
		const user = await createTestUser(t.db);
		const token = tokenFrom(await createCliSigninLink(t.db, user.id, base, start));
		const results = await Promise.all([consumeSigninLink(t.db, token, start), consumeSigninLink(t.db, token, start)]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
	});
});

describe('registration and claiming', () => {
	async function network() {
		const actor = systemActor('test');
		const org = await ensureOrganisation(t.db, actor, { name: 'Gribskov Kommune', type: 'kommune', municipalityCode: '270' });
		await saveOrganisation(t.db, actor, { name: 'Gribskov Kommune', type: 'kommune', municipalityCode: '270', emailDomains: ['gribskov.example'] }, org.id);
		const unit = await ensureUnit(t.db, actor, org.id, 'PPR');
		const person = await savePerson(t.db, actor, { ref: 'G1', firstName: 'Signe', lastName: 'Holm', title: 'Psykolog', unitId: unit.id, municipalityCode: '270', phone: null, mobile: null, email: 'signe.holm@gribskov.example', hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: null, topics: [], roles: [], ageGroups: [] });
		return { org, unit, personId: person.id };
	}

	it('approves a member-domain address at once, links the matching directory entry and mails a code', async () => {
		const { personId } = await network();
		const r = await registerUser(t.db, { email: 'signe.holm@gribskov.example', name: 'Signe Holm', note: '' }, { baseUrl: base, now: start });
		expect(r.status).toBe('ok');
		const user = await t.db.selectFrom('user').selectAll().where('email', '=', 'signe.holm@gribskov.example').executeTakeFirstOrThrow();
		expect([user.status, user.role, user.person_id]).toEqual(['active', 'member', personId]);
		const mail = (await lastMail(user.email))!;
		expect(mail.kind).toBe('signin');
		const check = await verifySigninCode(t.db, r.status === 'ok' ? r.challengeId : '', codeFrom(mail.text_body), { now: start });
		expect(check).toMatchObject({ ok: true, next: '/konto?velkommen=1' });
	});

	it('keeps other addresses pending, tells them and the admins, and gives the same outward answer', async () => {
		await network();
		const admin = await createTestUser(t.db, { role: 'admin', email: 'admin@netvaerk.example' });
		const r = await registerUser(t.db, { email: 'someone@private.example', name: 'Some One', note: 'Skolesocialrådgiver' }, { baseUrl: base, now: start });
		expect(r.status === 'ok' && /^[a-z0-9]{16}$/.test(r.challengeId)).toBe(true);
		const user = await t.db.selectFrom('user').selectAll().where('email', '=', 'someone@private.example').executeTakeFirstOrThrow();
		expect([user.status, user.signup_note]).toEqual(['pending', 'Skolesocialrådgiver']);
		expect((await lastMail('someone@private.example'))?.kind).toBe('account-pending');
		expect((await lastMail(admin.email))?.kind).toBe('account-pending-admin');
	});

	it('mails an existing active user a code instead of creating a second account', async () => {
		await network();
		const existing = await createTestUser(t.db, { email: 'x@private.example' });
		await registerUser(t.db, { email: 'x@private.example', name: 'X', note: '' }, { baseUrl: base, now: start });
		expect(await t.db.selectFrom('user').select('id').where('email', '=', 'x@private.example').execute()).toEqual([{ id: existing.id }]);
		expect((await lastMail('x@private.example'))?.kind).toBe('signin');
	});

	it('does not link a directory entry at registration that another account already holds', async () => {
		const { personId } = await network();
		await createTestUser(t.db, { email: 'holder@netvaerk.example', personId });
		await registerUser(t.db, { email: 'signe.holm@gribskov.example', name: 'Signe Holm', note: '' }, { baseUrl: base, now: start });
		const user = await t.db.selectFrom('user').select(['status', 'person_id']).where('email', '=', 'signe.holm@gribskov.example').executeTakeFirstOrThrow();
		expect(user).toEqual({ status: 'active', person_id: null });
	});

	it('lets a signed-in user claim the entry with their e-mail once, not one someone else holds', async () => {
		const { personId } = await network();
		const a = await createTestUser(t.db, { email: 'signe.holm@gribskov.example' });
		expect(await claimPersonByEmail(t.db, a.id, start)).toBe('G1');
		expect((await t.db.selectFrom('user').select('person_id').where('id', '=', a.id).executeTakeFirstOrThrow()).person_id).toBe(personId);
		const other = await createTestUser(t.db, { email: 'other@gribskov.example' });
		expect(await claimPersonByEmail(t.db, other.id, start)).toBeNull();
	});
});

describe('account administration', () => {
	const subjectOf = (id: number, role: 'admin' | 'member' | 'org_editor') => ({ userId: id, role, personId: null, unitIds: [], organisationIds: [] });

	it('lets an admin approve and promote another user, audited, and mails the approval', async () => {
		const admin = await createTestUser(t.db, { role: 'admin' });
		const pending = await createTestUser(t.db, { status: 'pending' });
		const result = await updateAccount(t.db, { label: admin.email, userId: admin.id }, subjectOf(admin.id, 'admin'), pending.id, { role: 'org_editor', status: 'active', unitIds: [], organisationIds: [] }, { baseUrl: base, now: start });
		expect(result).toEqual({ ok: true });
		const audit = await t.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'user').where('entity_id', '=', pending.id).executeTakeFirstOrThrow();
		expect(JSON.parse(audit.changes)).toEqual({ role: ['member', 'org_editor'], status: ['pending', 'active'] });
		expect((await lastMail(pending.email))?.kind).toBe('account-approved');
	});

	it('refuses an admin changing their own role and a non-admin changing anyone', async () => {
		const admin = await createTestUser(t.db, { role: 'admin' });
		const editor = await createTestUser(t.db, { role: 'org_editor' });
		const change = { role: 'admin' as const, status: 'active' as const, unitIds: [], organisationIds: [] };
		expect(await updateAccount(t.db, { label: admin.email, userId: admin.id }, subjectOf(admin.id, 'admin'), admin.id, change, { baseUrl: base })).toEqual({ ok: false, error: 'forbidden' });
		expect(await updateAccount(t.db, { label: editor.email, userId: editor.id }, subjectOf(editor.id, 'org_editor'), editor.id, change, { baseUrl: base })).toEqual({ ok: false, error: 'forbidden' });
		expect(await updateAccount(t.db, { label: editor.email, userId: editor.id }, subjectOf(editor.id, 'org_editor'), admin.id, { ...change, role: 'member' }, { baseUrl: base })).toEqual({ ok: false, error: 'forbidden' });
		const roles = await t.db.selectFrom('user').select(['id', 'role']).orderBy('id').execute();
		expect(roles.map((r) => r.role)).toEqual(['admin', 'org_editor']);
	});

	it('ends every session of a user who is disabled', async () => {
		const admin = await createTestUser(t.db, { role: 'admin' });
		const member = await createTestUser(t.db);
		const { token } = await createSession(t.db, member.id, { now: start });
		await updateAccount(t.db, { label: admin.email, userId: admin.id }, subjectOf(admin.id, 'admin'), member.id, { role: 'member', status: 'disabled', unitIds: [], organisationIds: [] }, { baseUrl: base, now: start });
		expect(await t.db.selectFrom('session').select('id').where('user_id', '=', member.id).execute()).toEqual([]);
		expect(await validateSessionToken(t.db, token, start)).toBeNull();
	});
});

describe('npm run user:add', () => {
	it('creates an active admin and prints a one-time link that opens the confirm page', async () => {
		const out: string[] = [];
		const code = await addUserFromCli(t.db, ['--email', ' Boss@Netvaerk.Example ', '--role', 'admin'], { baseUrl: base, now: start, log: (l) => out.push(l), error: (l) => out.push(l) });
		expect(code).toBe(0);
		const user = await t.db.selectFrom('user').selectAll().where('email', '=', 'boss@netvaerk.example').executeTakeFirstOrThrow();
		expect([user.role, user.status]).toEqual(['admin', 'active']);
		const link = out.find((l) => l.startsWith(`${base}/log-ind/link/`))!;
		expect(await findSigninLink(t.db, link.split('/').pop()!, start)).toEqual({ email: 'boss@netvaerk.example', purpose: 'cli' });
	});

	it('prints the link to the address the running server recorded, not a fixed port', async () => {
		const saved = process.env.PUBLIC_BASE_URL;
		delete process.env.PUBLIC_BASE_URL;
		try {
			await rememberServerAddress(t.db, publicBaseUrl({ HOST: '0.0.0.0', PORT: '5123' }));
			const out: string[] = [];
			expect(await addUserFromCli(t.db, ['--email', 'ny@netvaerk.example', '--role', 'admin'], { now: start, log: (l) => out.push(l) })).toBe(0);
			expect(out.some((l) => l.startsWith('http://localhost:5123/log-ind/link/'))).toBe(true);
		} finally {
			if (saved !== undefined) process.env.PUBLIC_BASE_URL = saved;
		}
		expect(publicBaseUrl({ PUBLIC_BASE_URL: 'https://vejviser.example.dk/', PORT: '1' })).toBe('https://vejviser.example.dk');
		expect(publicBaseUrl({ HOST: '127.0.0.1', PORT: '4400' })).toBe('http://127.0.0.1:4400');
	});

	it('updates an existing user instead of duplicating it', async () => {
		await createTestUser(t.db, { email: 'x@y.example', status: 'pending' });
		expect(await addUserFromCli(t.db, ['--email', 'x@y.example', '--role', 'unit_editor'], { baseUrl: base, log: () => {} })).toBe(0);
		expect(await t.db.selectFrom('user').select(['role', 'status']).where('email', '=', 'x@y.example').execute()).toEqual([{ role: 'unit_editor', status: 'active' }]);
	});

	it('refuses a bad role or e-mail with a Danish message and exit code 2', async () => {
		const errors: string[] = [];
		const error = (l: string) => errors.push(l);
		expect(await addUserFromCli(t.db, ['--email', 'a@b.example', '--role', 'superuser'], { error, log: () => {} })).toBe(2);
		expect(await addUserFromCli(t.db, ['--email', 'not-an-email', '--role', 'admin'], { error, log: () => {} })).toBe(2);
		expect(await addUserFromCli(t.db, ['--role', 'admin'], { error, log: () => {} })).toBe(2);
		expect(errors.join('\n')).toMatch(/Ukendt rolle "superuser"/);
		expect(errors.join('\n')).toMatch(/ikke en gyldig e-mailadresse/);
		expect(errors.join('\n')).toMatch(/Mangler --email/);
		expect(await t.db.selectFrom('user').select('id').execute()).toEqual([]);
	});
});

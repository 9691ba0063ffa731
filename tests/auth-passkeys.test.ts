/**
 * The server side of passkeys, driven by a software authenticator (an ES256 key in this test): option
 * generation, challenge binding/expiry/single use, rejection of bad answers, and the rights gating.
 * A real authenticator and browser ceremony are not exercised here (see the report).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { createTestDb } from './helpers/test-db';
import { createTestUser } from './helpers/auth';
import { createSession, validateSessionToken } from '@/modules/auth/auth.sessions';
import {
	deletePasskey,
	finishPasskeyAuthentication,
	finishPasskeyRegistration,
	relyingPartyFrom,
	startPasskeyAuthentication,
	startPasskeyRegistration,
} from '@/modules/auth/auth.passkeys';

const rp = relyingPartyFrom('https://vejviser.example');
const start = new Date('2026-03-02T08:00:00Z');
const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** A minimal platform authenticator: one ES256 credential, 'none' attestation. */
class SoftAuthenticator {
	readonly credentialId = new Uint8Array(Buffer.from(`cred-${Math.random()}`));
	private readonly keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	private counter = 0;

	private cosePublicKey(): Uint8Array {
		const jwk = (this.keys.publicKey as KeyObject).export({ format: 'jwk' });
		return isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))], [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))]]));
	}

	create(challenge: string, opts: { origin?: string; rpId?: string } = {}) {
		const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge, origin: opts.origin ?? rp.origin, crossOrigin: false }));
		const idLen = Buffer.alloc(2);
		idLen.writeUInt16BE(this.credentialId.length);
		const authData = Buffer.concat([sha(opts.rpId ?? rp.id), Buffer.from([0x45]), Buffer.alloc(4), Buffer.alloc(16), idLen, this.credentialId, this.cosePublicKey()]);
		const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(authData)]]) as never);
		return JSON.stringify({
			id: b64url(this.credentialId),
			rawId: b64url(this.credentialId),
			type: 'public-key',
			response: { clientDataJSON: b64url(clientData), attestationObject: b64url(attestationObject), transports: ['internal'] },
			clientExtensionResults: {},
		});
	}

	get(challenge: string, opts: { origin?: string } = {}) {
		const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: opts.origin ?? rp.origin, crossOrigin: false }));
		const count = Buffer.alloc(4);
		count.writeUInt32BE(++this.counter);
		const authData = Buffer.concat([sha(rp.id), Buffer.from([0x05]), count]);
		const signature = sign('sha256', Buffer.concat([authData, sha(clientData)]), this.keys.privateKey);
		return JSON.stringify({
			id: b64url(this.credentialId),
			rawId: b64url(this.credentialId),
			type: 'public-key',
			response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature) },
			clientExtensionResults: {},
		});
	}
}

let t: Awaited<ReturnType<typeof createTestDb>>;
beforeEach(async () => {
	t = await createTestDb();
});
afterEach(async () => t.cleanup());

async function editorWithSession() {
	const user = await createTestUser(t.db, { role: 'org_editor', email: `ed-${Math.random()}@x.example` });
	const session = await createSession(t.db, user.id, { now: start });
	return { user: { id: user.id, email: user.email, name: 'Ed' }, session };
}

async function registered() {
	const { user, session } = await editorWithSession();
	const key = new SoftAuthenticator();
	const options = await startPasskeyRegistration(t.db, user, session.id, rp, start);
	expect(await finishPasskeyRegistration(t.db, user, session.id, key.create(options.challenge), 'Laptop', rp, start)).toEqual({ ok: true });
	return { user, session, key };
}

describe('passkey registration', () => {
	it('offers options for this site and stores the challenge against the session', async () => {
		const { user, session } = await editorWithSession();
		const options = await startPasskeyRegistration(t.db, user, session.id, rp, start);
		expect(options.rp).toEqual({ id: 'vejviser.example', name: 'Vejviser' });
		expect(options.user.name).toBe(user.email);
		const stored = await t.db.selectFrom('webauthn_challenge').selectAll().executeTakeFirstOrThrow();
		expect([stored.session_id, stored.kind, stored.challenge]).toEqual([session.id, 'register', options.challenge]);
	});

	it('stores a verified passkey and counts the ceremony as the second factor', async () => {
		const { user, session } = await registered();
		const keys = await t.db.selectFrom('passkey').selectAll().where('user_id', '=', user.id).execute();
		expect(keys.map((k) => [k.name, JSON.parse(k.transports)])).toEqual([['Laptop', ['internal']]]);
		expect((await validateSessionToken(t.db, session.token, start))?.user.role).toBe('org_editor');
		expect(await t.db.selectFrom('webauthn_challenge').select('id').execute()).toEqual([]);
	});

	it('rejects an answer for another origin, another rpID, a wrong challenge, or garbage', async () => {
		const { user, session } = await editorWithSession();
		const key = new SoftAuthenticator();
		const attempts = [
			(c: string) => key.create(c, { origin: 'https://evil.example' }),
			(c: string) => key.create(c, { rpId: 'evil.example' }),
			(_c: string) => key.create('d3JvbmctY2hhbGxlbmdl'),
			(_c: string) => '{not json',
		];
		for (const answer of attempts) {
			const options = await startPasskeyRegistration(t.db, user, session.id, rp, start);
			expect((await finishPasskeyRegistration(t.db, user, session.id, answer(options.challenge), 'x', rp, start)).ok).toBe(false);
		}
		expect(await t.db.selectFrom('passkey').select('id').execute()).toEqual([]);
	});

	it('refuses an answer after the 5-minute challenge expired, and a replayed answer', async () => {
		const { user, session } = await editorWithSession();
		const key = new SoftAuthenticator();
		const options = await startPasskeyRegistration(t.db, user, session.id, rp, start);
		const answer = key.create(options.challenge);
		expect(await finishPasskeyRegistration(t.db, user, session.id, answer, 'x', rp, new Date(start.getTime() + 5 * 60_000 + 1000))).toEqual({ ok: false, error: 'Forespørgslen er udløbet. Prøv igen.' });
		expect((await finishPasskeyRegistration(t.db, user, session.id, answer, 'x', rp, start)).ok).toBe(false);
	});

	it('does not accept a challenge issued to another session', async () => {
		const { user, session } = await editorWithSession();
		const other = await createSession(t.db, user.id, { now: start });
		const key = new SoftAuthenticator();
		const options = await startPasskeyRegistration(t.db, user, session.id, rp, start);
		expect((await finishPasskeyRegistration(t.db, user, other.id, key.create(options.challenge), 'x', rp, start)).ok).toBe(false);
	});
});

describe('passkey as second factor', () => {
	it('holds back editor rights in a new session until the passkey is proven', async () => {
		const { user, key } = await registered();
		const fresh = await createSession(t.db, user.id, { now: start });
		expect((await validateSessionToken(t.db, fresh.token, start))?.user).toMatchObject({ role: 'member', needsSecondFactor: true });
		const options = (await startPasskeyAuthentication(t.db, user.id, fresh.id, rp, start))!;
		expect(options.allowCredentials?.map((c) => c.id)).toEqual([b64url(key.credentialId)]);
		expect(await finishPasskeyAuthentication(t.db, user.id, fresh.id, key.get(options.challenge), rp, start)).toEqual({ ok: true });
		expect((await validateSessionToken(t.db, fresh.token, start))?.user).toMatchObject({ role: 'org_editor', needsSecondFactor: false });
		const stored = await t.db.selectFrom('passkey').select('counter').executeTakeFirstOrThrow();
		expect(stored.counter).toBe(1);
	});

	it('rejects an assertion signed by another key, for another origin, or replayed', async () => {
		const { user, key } = await registered();
		const fresh = await createSession(t.db, user.id, { now: start });
		const impostor = new SoftAuthenticator();
		Object.assign(impostor, { credentialId: key.credentialId });
		let options = (await startPasskeyAuthentication(t.db, user.id, fresh.id, rp, start))!;
		expect((await finishPasskeyAuthentication(t.db, user.id, fresh.id, impostor.get(options.challenge), rp, start)).ok).toBe(false);
		options = (await startPasskeyAuthentication(t.db, user.id, fresh.id, rp, start))!;
		expect((await finishPasskeyAuthentication(t.db, user.id, fresh.id, key.get(options.challenge, { origin: 'https://evil.example' }), rp, start)).ok).toBe(false);
		options = (await startPasskeyAuthentication(t.db, user.id, fresh.id, rp, start))!;
		const good = key.get(options.challenge);
		expect((await finishPasskeyAuthentication(t.db, user.id, fresh.id, good, rp, start)).ok).toBe(true);
		expect((await finishPasskeyAuthentication(t.db, user.id, fresh.id, good, rp, start)).ok).toBe(false);
	});

	it("refuses another user's passkey", async () => {
		const { key } = await registered();
		const stranger = await editorWithSession();
		await createTestUser(t.db);
		const strangerKey = new SoftAuthenticator();
		const reg = await startPasskeyRegistration(t.db, stranger.user, stranger.session.id, rp, start);
		await finishPasskeyRegistration(t.db, stranger.user, stranger.session.id, strangerKey.create(reg.challenge), 'S', rp, start);
		const fresh = await createSession(t.db, stranger.user.id, { now: start });
		const options = (await startPasskeyAuthentication(t.db, stranger.user.id, fresh.id, rp, start))!;
		expect(await finishPasskeyAuthentication(t.db, stranger.user.id, fresh.id, key.get(options.challenge), rp, start)).toEqual({ ok: false, error: 'Adgangsnøglen hører ikke til din konto.' });
	});

	it('does not let an unproven session add or remove passkeys once one exists', async () => {
		const { user } = await registered();
		const gated = await createSession(t.db, user.id, { now: start });
		const intruderKey = new SoftAuthenticator();
		const options = await startPasskeyRegistration(t.db, user, gated.id, rp, start);
		expect((await finishPasskeyRegistration(t.db, user, gated.id, intruderKey.create(options.challenge), 'Intruder', rp, start)).ok).toBe(false);
		const [existing] = await t.db.selectFrom('passkey').select('id').execute();
		expect((await deletePasskey(t.db, user.id, gated.id, existing.id)).ok).toBe(false);
		expect(await t.db.selectFrom('passkey').select('name').execute()).toEqual([{ name: 'Laptop' }]);
	});
});

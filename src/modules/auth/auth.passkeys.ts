/**
 * Passkeys (WebAuthn, @simplewebauthn/server) as the second factor for editors and admins. A challenge is bound
 * to the session that asked for it, lives 5 minutes and is used once. Once a user has a passkey, adding or
 * removing one needs a session that has proven a passkey — otherwise someone with only the mailbox could
 * register their own key and walk past the second factor.
 */
import type { Db } from '@db/client';
import {
	generateAuthenticationOptions,
	generateRegistrationOptions,
	verifyAuthenticationResponse,
	verifyRegistrationResponse,
	type AuthenticationResponseJSON,
	type PublicKeyCredentialCreationOptionsJSON,
	type PublicKeyCredentialRequestOptionsJSON,
	type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { jsonArray } from '@/lib/text';
import { markSecondFactor } from './auth.sessions';

export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;

/** Relying party from the public base URL: rpID is the host name, origin the scheme+host+port. */
export interface RelyingParty {
	id: string;
	name: string;
	origin: string;
}
export function relyingPartyFrom(baseUrl: string): RelyingParty {
	const url = new URL(baseUrl);
	return { id: url.hostname, name: 'Vejviser', origin: url.origin };
}

export interface PasskeyInfo {
	id: string;
	name: string;
	createdAt: string;
	lastUsedAt: string | null;
}

export async function listPasskeys(db: Db, userId: number): Promise<PasskeyInfo[]> {
	const rows = await db.selectFrom('passkey').select(['id', 'name', 'created_at', 'last_used_at']).where('user_id', '=', userId).orderBy('created_at').execute();
	return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** May this session add or remove passkeys? Always for the first one; afterwards only with a proven passkey. */
export async function mayManagePasskeys(db: Db, userId: number, sessionId: string): Promise<boolean> {
	const existing = await db.selectFrom('passkey').select('id').where('user_id', '=', userId).limit(1).executeTakeFirst();
	if (!existing) return true;
	const session = await db.selectFrom('session').select('second_factor_at').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
	return !!session?.second_factor_at;
}

async function storeChallenge(db: Db, sessionId: string, kind: 'register' | 'authenticate', challenge: string, now: Date) {
	// One open ceremony per session and kind: a new page load replaces the old challenge.
	await db.deleteFrom('webauthn_challenge').where('session_id', '=', sessionId).where('kind', '=', kind).execute();
	await db
		.insertInto('webauthn_challenge')
		.values({ session_id: sessionId, kind, challenge, created_at: now.toISOString(), expires_at: new Date(now.getTime() + WEBAUTHN_CHALLENGE_TTL_MS).toISOString() })
		.execute();
}

/** Takes (deletes) the session's open challenge of this kind, if still valid. */
async function takeChallenge(db: Db, sessionId: string, kind: 'register' | 'authenticate', now: Date): Promise<string | null> {
	const row = await db.selectFrom('webauthn_challenge').select(['id', 'challenge', 'expires_at']).where('session_id', '=', sessionId).where('kind', '=', kind).executeTakeFirst();
	if (!row) return null;
	await db.deleteFrom('webauthn_challenge').where('id', '=', row.id).execute();
	return row.expires_at > now.toISOString() ? row.challenge : null;
}

export async function startPasskeyRegistration(
	db: Db,
	user: { id: number; email: string; name: string },
	sessionId: string,
	rp: RelyingParty,
	now: Date = new Date(),
): Promise<PublicKeyCredentialCreationOptionsJSON> {
	const existing = await db.selectFrom('passkey').select(['id', 'transports']).where('user_id', '=', user.id).execute();
	const options = await generateRegistrationOptions({
		rpName: rp.name,
		rpID: rp.id,
		userName: user.email,
		userDisplayName: user.name || user.email,
		userID: new TextEncoder().encode(`vejviser-user-${user.id}`),
		attestationType: 'none',
		excludeCredentials: existing.map((p) => ({ id: p.id, transports: jsonArray(p.transports) })),
		authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
	});
	await storeChallenge(db, sessionId, 'register', options.challenge, now);
	return options;
}

export type PasskeyResult = { ok: true } | { ok: false; error: string };

/** Verifies the browser's answer and stores the passkey; proving possession also counts as the second factor. */
export async function finishPasskeyRegistration(
	db: Db,
	user: { id: number },
	sessionId: string,
	responseJson: string,
	name: string,
	rp: RelyingParty,
	now: Date = new Date(),
): Promise<PasskeyResult> {
	if (!(await mayManagePasskeys(db, user.id, sessionId))) return { ok: false, error: 'Bekræft først med en af dine eksisterende adgangsnøgler.' };
	const challenge = await takeChallenge(db, sessionId, 'register', now);
	if (!challenge) return { ok: false, error: 'Forespørgslen er udløbet. Prøv igen.' };
	let response: RegistrationResponseJSON;
	try {
		response = JSON.parse(responseJson) as RegistrationResponseJSON;
	} catch {
		return { ok: false, error: 'Svaret fra din enhed kunne ikke læses. Prøv igen.' };
	}
	try {
		const verification = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
		if (!verification.verified) return { ok: false, error: 'Adgangsnøglen kunne ikke bekræftes. Prøv igen.' };
		const { credential } = verification.registrationInfo;
		await db
			.insertInto('passkey')
			.values({
				id: credential.id,
				user_id: user.id,
				public_key: credential.publicKey,
				counter: credential.counter,
				transports: JSON.stringify(credential.transports ?? []),
				name: name.trim().slice(0, 60) || 'Adgangsnøgle',
				created_at: now.toISOString(),
				last_used_at: now.toISOString(),
			})
			.execute();
		await markSecondFactor(db, sessionId, now);
		return { ok: true };
	} catch {
		return { ok: false, error: 'Adgangsnøglen kunne ikke bekræftes. Prøv igen.' };
	}
}

export async function startPasskeyAuthentication(db: Db, userId: number, sessionId: string, rp: RelyingParty, now: Date = new Date()): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
	const keys = await db.selectFrom('passkey').select(['id', 'transports']).where('user_id', '=', userId).execute();
	if (!keys.length) return null;
	const options = await generateAuthenticationOptions({
		rpID: rp.id,
		allowCredentials: keys.map((k) => ({ id: k.id, transports: jsonArray(k.transports) })),
		userVerification: 'preferred',
	});
	await storeChallenge(db, sessionId, 'authenticate', options.challenge, now);
	return options;
}

/** Verifies an assertion with one of the user's own passkeys and marks the session as second-factor proven. */
export async function finishPasskeyAuthentication(db: Db, userId: number, sessionId: string, responseJson: string, rp: RelyingParty, now: Date = new Date()): Promise<PasskeyResult> {
	const challenge = await takeChallenge(db, sessionId, 'authenticate', now);
	if (!challenge) return { ok: false, error: 'Forespørgslen er udløbet. Prøv igen.' };
	let response: AuthenticationResponseJSON;
	try {
		response = JSON.parse(responseJson) as AuthenticationResponseJSON;
	} catch {
		return { ok: false, error: 'Svaret fra din enhed kunne ikke læses. Prøv igen.' };
	}
	const key = typeof response?.id === 'string' ? await db.selectFrom('passkey').selectAll().where('id', '=', response.id).where('user_id', '=', userId).executeTakeFirst() : undefined;
	if (!key) return { ok: false, error: 'Adgangsnøglen hører ikke til din konto.' };
	try {
		const verification = await verifyAuthenticationResponse({
			response,
			expectedChallenge: challenge,
			expectedOrigin: rp.origin,
			expectedRPID: rp.id,
			credential: { id: key.id, publicKey: new Uint8Array(key.public_key), counter: key.counter, transports: jsonArray(key.transports) },
			requireUserVerification: false,
		});
		if (!verification.verified) return { ok: false, error: 'Adgangsnøglen kunne ikke bekræftes. Prøv igen.' };
		await db.updateTable('passkey').set({ counter: verification.authenticationInfo.newCounter, last_used_at: now.toISOString() }).where('id', '=', key.id).execute();
		await markSecondFactor(db, sessionId, now);
		return { ok: true };
	} catch {
		return { ok: false, error: 'Adgangsnøglen kunne ikke bekræftes. Prøv igen.' };
	}
}

export async function deletePasskey(db: Db, userId: number, sessionId: string, passkeyId: string): Promise<PasskeyResult> {
	if (!(await mayManagePasskeys(db, userId, sessionId))) return { ok: false, error: 'Bekræft først med din adgangsnøgle, før du fjerner en.' };
	await db.deleteFrom('passkey').where('id', '=', passkeyId).where('user_id', '=', userId).execute();
	return { ok: true };
}

/**
 * Passwordless sign-in by e-mail: one mail with an 8-character code and a link. The code is entered in the
 * browser that asked (bound through a cookie holding the challenge id); the link opens a confirm page and only
 * the button's POST spends it, because mail scanners (Microsoft Safe Links…) open links before people do.
 *
 * Whether or not the address has an account, the visitor sees the same thing: a challenge id (a decoy when
 * there is no account) and "check your mail"; the same scrypt work is done either way.
 */
import type { Db } from '@db/client';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '@db/schema';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { dummyCodeWork, formatCode, hashCode, normaliseCode, randomCode, randomId, randomSecret, sha256Hex, verifyCodeHash } from './auth.crypto';
import { hitRateLimit, LIMITS, pruneRateLimits } from './auth.ratelimit';
import { safeNextPath } from './auth.rules';
import { createSession } from './auth.sessions';

type Executor = Kysely<Database> | Transaction<Database>;

/** ASVS 6.5.5: out-of-band codes live at most 10 minutes. */
export const CODE_TTL_MS = 10 * 60_000;
/** A bootstrap link printed by `npm run user:add` (handed over by the operator, so it may live longer). */
export const CLI_LINK_TTL_MS = 24 * 3_600_000;
/** Wrong codes before a challenge is dead (and a new mail is needed). */
export const MAX_CODE_ATTEMPTS = 5;

export type SigninRequest =
	| { status: 'sent'; challengeId: string }
	| { status: 'rate_limited'; retryAt: Date };

export interface SigninMailOptions {
	baseUrl: string;
	now?: Date;
	ip?: string | null;
	next?: string | null;
	/** Without a mail server (no SMTP_URL): print the code and link on the server console, so the demo works. */
	logToConsole?: boolean;
}

/**
 * Checks the limits for anything that sends a sign-in mail: per client, per (address, client), and for the
 * address across all clients — which only slows down, so nobody can lock a person out by asking on their behalf.
 */
export async function checkSigninLimits(db: Executor, email: string, ip: string | null | undefined, now: Date): Promise<{ allowed: true } | { allowed: false; retryAt: Date }> {
	if (ip) {
		const byIp = await hitRateLimit(db, `signin:ip:${ip}`, LIMITS.signinPerIp, now);
		if (!byIp.allowed) return { allowed: false, retryAt: byIp.resetAt };
		const byPair = await hitRateLimit(db, `signin:email-ip:${email}|${ip}`, LIMITS.signinPerAddressAndClient, now);
		if (!byPair.allowed) return { allowed: false, retryAt: byPair.resetAt };
	}
	const byAddress = await hitRateLimit(db, `signin:email:${email}`, LIMITS.signinPerAddress, now);
	if (!byAddress.allowed) {
		const slowed = await hitRateLimit(db, `signin:email-slow:${email}`, LIMITS.signinPerAddressSlowed, now);
		if (!slowed.allowed) return { allowed: false, retryAt: slowed.resetAt };
	}
	return { allowed: true };
}

/** "Send me a code": the same outward answer for known and unknown addresses. `email` must be normalised. */
export async function requestSignin(db: Db, email: string, opts: SigninMailOptions): Promise<SigninRequest> {
	const now = opts.now ?? new Date();
	const limits = await checkSigninLimits(db, email, opts.ip, now);
	if (!limits.allowed) return { status: 'rate_limited', retryAt: limits.retryAt };
	if (Math.random() < 0.02) await pruneRateLimits(db, now);

	const user = await db.selectFrom('user').select(['id', 'status']).where('email', '=', email).executeTakeFirst();
	if (user?.status === 'active') {
		const challengeId = await db.transaction().execute((trx) => sendSigninMail(trx, user.id, email, opts));
		return { status: 'sent', challengeId };
	}
	if (user?.status === 'pending') {
		await enqueueMail(db, {
			to: email,
			subject: 'Din konto i Vejviser venter på godkendelse',
			text: `Hej\n\nDu har bedt om at logge ind på Vejviser, men din konto er endnu ikke godkendt af netværkets administrator. Du får en mail, så snart den er godkendt.\n\nHar du ikke bedt om at logge ind, kan du se bort fra denne mail.\n\nVenlig hilsen\nVejviser`,
			kind: 'signin-pending',
		});
	}
	// Unknown or disabled: nothing is sent, but the visitor cannot tell (same work, same answer, a decoy id).
	dummyCodeWork();
	return { status: 'sent', challengeId: randomId() };
}

/** Creates a challenge and queues the mail with code and link, in the caller's transaction. Returns the challenge id. */
export async function sendSigninMail(trx: Executor, userId: number, email: string, opts: SigninMailOptions): Promise<string> {
	const now = opts.now ?? new Date();
	const code = randomCode();
	const token = randomSecret();
	const id = randomId();
	await trx
		.insertInto('signin_challenge')
		.values({
			id,
			user_id: userId,
			purpose: 'signin',
			code_hash: hashCode(code),
			link_hash: sha256Hex(token),
			next_path: opts.next ? safeNextPath(opts.next) : null,
			created_at: now.toISOString(),
			expires_at: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
			used_at: null,
		})
		.execute();
	const link = `${opts.baseUrl.replace(/\/$/, '')}/log-ind/link/${token}`;
	await enqueueMail(trx, {
		to: email,
		subject: `Din kode til Vejviser: ${formatCode(code)}`,
		text: [
			'Hej',
			'',
			'Du har bedt om at logge ind på Vejviser. Skriv denne kode på siden, hvor du bad om den:',
			'',
			`    ${formatCode(code)}`,
			'',
			'Eller åbn linket og tryk på knappen "Log ind":',
			link,
			'',
			'Koden og linket virker i 10 minutter og kun én gang.',
			'Har du ikke bedt om at logge ind, kan du se bort fra denne mail — ingen kan logge ind uden koden.',
			'',
			'Venlig hilsen',
			'Vejviser',
		].join('\n'),
		kind: 'signin',
	});
	if (opts.logToConsole) console.info(`[uden mailserver] Log-ind-kode til ${email}: ${formatCode(code)} · link: ${link}`);
	return id;
}

export type CodeCheck =
	| { ok: true; userId: number; next: string | null }
	| { ok: false; reason: 'invalid' | 'rate_limited' };

/**
 * Checks a typed code against the browser's challenge. Wrong codes count; after MAX_CODE_ATTEMPTS the challenge
 * is spent. Success spends it too (single use, also for its link). Unknown challenges look like wrong codes.
 */
export async function verifySigninCode(db: Db, challengeId: string, input: string, opts: { now?: Date; ip?: string | null } = {}): Promise<CodeCheck> {
	const now = opts.now ?? new Date();
	if (opts.ip) {
		const limit = await hitRateLimit(db, `code:ip:${opts.ip}`, LIMITS.codePerIp, now);
		if (!limit.allowed) return { ok: false, reason: 'rate_limited' };
	}
	const code = normaliseCode(input);
	const challenge = await db.selectFrom('signin_challenge').selectAll().where('id', '=', challengeId).executeTakeFirst();
	const usable = challenge && challenge.code_hash && !challenge.used_at && challenge.attempts < MAX_CODE_ATTEMPTS && challenge.expires_at > now.toISOString();
	if (!usable) {
		dummyCodeWork();
		return { ok: false, reason: 'invalid' };
	}
	if (!verifyCodeHash(code, challenge.code_hash!)) {
		await db.updateTable('signin_challenge').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', challengeId).execute();
		return { ok: false, reason: 'invalid' };
	}
	const spent = await spendChallenge(db, challengeId, now);
	return spent ? { ok: true, userId: challenge.user_id, next: challenge.next_path } : { ok: false, reason: 'invalid' };
}

/** What the link's confirm page shows (does not spend the token: a GET from a mail scanner changes nothing). */
export async function findSigninLink(db: Db, token: string, now: Date = new Date()): Promise<{ email: string; purpose: 'signin' | 'cli' } | null> {
	if (!/^[A-Za-z0-9_-]{40,60}$/.test(token)) return null;
	const row = await db
		.selectFrom('signin_challenge')
		.innerJoin('user', 'user.id', 'signin_challenge.user_id')
		.select(['user.email', 'user.status', 'signin_challenge.purpose', 'signin_challenge.used_at', 'signin_challenge.expires_at'])
		.where('signin_challenge.link_hash', '=', sha256Hex(token))
		.executeTakeFirst();
	if (!row || row.used_at || row.expires_at <= now.toISOString() || row.status !== 'active') return null;
	return { email: row.email, purpose: row.purpose };
}

/** The confirm page's POST: spends the link (and the code mailed with it). */
export async function consumeSigninLink(db: Db, token: string, now: Date = new Date()): Promise<{ ok: true; userId: number; next: string | null } | { ok: false }> {
	if (!/^[A-Za-z0-9_-]{40,60}$/.test(token)) return { ok: false };
	const row = await db.selectFrom('signin_challenge').select(['id', 'user_id', 'next_path']).where('link_hash', '=', sha256Hex(token)).executeTakeFirst();
	if (!row) return { ok: false };
	const spent = await spendChallenge(db, row.id, now);
	return spent ? { ok: true, userId: row.user_id, next: row.next_path } : { ok: false };
}

/** Single use even under a race: only the request whose UPDATE matched wins. */
async function spendChallenge(db: Executor, id: string, now: Date): Promise<boolean> {
	const result = await db
		.updateTable('signin_challenge')
		.set({ used_at: now.toISOString() })
		.where('id', '=', id)
		.where('used_at', 'is', null)
		.where('expires_at', '>', now.toISOString())
		.executeTakeFirst();
	return Number(result.numUpdatedRows) === 1;
}

/**
 * After a code or link was accepted: a new session (never a reused one) for an active user.
 * Returns null when the account was disabled in the meantime.
 */
export async function completeSignin(db: Db, userId: number, opts: { now?: Date; label?: string } = {}): Promise<{ token: string; expiresAt: Date } | null> {
	const now = opts.now ?? new Date();
	const user = await db.selectFrom('user').select('status').where('id', '=', userId).executeTakeFirst();
	if (user?.status !== 'active') return null;
	await db.updateTable('user').set({ last_login_at: now.toISOString() }).where('id', '=', userId).execute();
	const session = await createSession(db, userId, { now, label: opts.label });
	return { token: session.token, expiresAt: session.expiresAt };
}

/** A one-time sign-in link for the CLI (bootstrap): opens the same confirm page; valid 24 hours. */
export async function createCliSigninLink(db: Executor, userId: number, baseUrl: string, now: Date = new Date()): Promise<string> {
	const token = randomSecret();
	await db
		.insertInto('signin_challenge')
		.values({
			id: randomId(),
			user_id: userId,
			purpose: 'cli',
			code_hash: null,
			link_hash: sha256Hex(token),
			next_path: '/konto',
			created_at: now.toISOString(),
			expires_at: new Date(now.getTime() + CLI_LINK_TTL_MS).toISOString(),
			used_at: null,
		})
		.execute();
	return `${baseUrl.replace(/\/$/, '')}/log-ind/link/${token}`;
}

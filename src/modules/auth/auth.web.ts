/**
 * Cookie plumbing shared by the account pages. The session cookie is set only here; the pending sign-in
 * cookie binds a code to the browser that asked for it.
 */
import type { AstroCookies } from 'astro';
import { SESSION_COOKIE, sessionCookieOptions } from './auth.sessions';
import { CODE_TTL_MS } from './auth.signin';

export const SIGNIN_COOKIE = 'vejviser_signin';

/** Secure cookies whenever the site is public over https, even when TLS ends at a proxy in front of us. */
export function secureUrl(requestUrl: URL, baseUrl: string): URL {
	return baseUrl.startsWith('https:') ? new URL(baseUrl) : requestUrl;
}

export function setSessionCookie(cookies: AstroCookies, token: string, expiresAt: Date, url: URL): void {
	cookies.set(SESSION_COOKIE, token, sessionCookieOptions(url, expiresAt));
}

export function clearSessionCookie(cookies: AstroCookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}

export function setPendingSignin(cookies: AstroCookies, challengeId: string, email: string, url: URL): void {
	cookies.set(SIGNIN_COOKIE, `${challengeId}|${email}`, {
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		path: '/log-ind',
		maxAge: Math.floor(CODE_TTL_MS / 1000),
	});
}

export function readPendingSignin(cookies: AstroCookies): { challengeId: string; email: string } | null {
	const value = cookies.get(SIGNIN_COOKIE)?.value;
	if (!value) return null;
	const [challengeId, email] = value.split('|');
	return challengeId && /^[a-z0-9]{16}$/.test(challengeId) ? { challengeId, email: email ?? '' } : null;
}

export function clearPendingSignin(cookies: AstroCookies): void {
	cookies.delete(SIGNIN_COOKIE, { path: '/log-ind' });
}

/** The client's address for rate limits, or null when the adapter cannot tell. */
export function clientIp(astro: { clientAddress: string }): string | null {
	try {
		return astro.clientAddress || null;
	} catch {
		return null;
	}
}

/** "kl. 14.35" for a rate-limit message. */
export function clockTime(date: Date): string {
	return new Intl.DateTimeFormat('da-DK', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Copenhagen' }).format(date);
}

import { defineMiddleware } from 'astro:middleware';
import { ensureDbReady, getDb } from '@/lib/db';
import { PUBLIC_BASE_URL } from 'astro:env/server';
import { SESSION_COOKIE, sessionCookieOptions, validateSessionToken } from '@/modules/auth/auth.sessions';
import { MAIL_FROM, SMTP_URL, TOKEN_SECRET } from 'astro:env/server';
import { startScheduler } from '@/modules/jobs/jobs.scheduler';

/**
 * Resolves the session cookie into `locals.user` (sliding expiry, see auth.rules.ts sessionPolicy) and sets
 * security headers on every response.
 */
export const onRequest = defineMiddleware(async (context, next) => {
	await ensureDbReady();
	// Background jobs (mail delivery, freshness loop) start with the first request of a server process.
	if (!context.isPrerendered) startScheduler({ getDb, env: { SMTP_URL, MAIL_FROM, PUBLIC_BASE_URL, TOKEN_SECRET, NODE_ENV: import.meta.env.DEV ? 'development' : 'production' } });
	context.locals.user = null;
	context.locals.sessionId = null;
	// Browsers tell us where a request comes from; refuse cross-site writes even where Astro's origin check
	// does not look (JSON bodies).
	if (!['GET', 'HEAD', 'OPTIONS'].includes(context.request.method) && context.request.headers.get('sec-fetch-site') === 'cross-site')
		return new Response('Forespørgsler fra andre websteder er ikke tilladt.', { status: 403 });
	const token = context.cookies.get(SESSION_COOKIE)?.value;
	if (token) {
		const valid = await validateSessionToken(getDb(), token);
		const secureUrl = PUBLIC_BASE_URL.startsWith('https:') ? new URL(PUBLIC_BASE_URL) : context.url;
		if (valid) {
			context.locals.user = valid.user;
			context.locals.sessionId = valid.session.id;
			if (valid.refreshed) context.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(secureUrl, valid.session.expiresAt));
		} else {
			context.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
	}
	const response = await next();
	// Pages for a signed-in user must not be kept by shared caches or the back-forward cache after sign-out.
	if (context.locals.user && !response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'private, no-store');
	response.headers.set('X-Content-Type-Options', 'nosniff');
	// Pages with a token in the URL (sign-in links) set their own, stricter same-origin.
	if (!response.headers.has('Referrer-Policy')) response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (!response.headers.has('Content-Security-Policy'))
		response.headers.set(
			'Content-Security-Policy',
			"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
		);
	return response;
});

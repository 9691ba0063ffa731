import { defineMiddleware } from 'astro:middleware';
import { ensureDbReady } from '@/lib/db';

/**
 * Resolves the session cookie into `locals.user` (accounts arrive with the auth module) and sets
 * security headers on every response.
 */
export const onRequest = defineMiddleware(async (context, next) => {
	await ensureDbReady();
	context.locals.user = null;
	context.locals.sessionId = null;
	const response = await next();
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (!response.headers.has('Content-Security-Policy'))
		response.headers.set(
			'Content-Security-Policy',
			"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
		);
	return response;
});

import { randomUUID } from 'node:crypto';
import { defineMiddleware } from 'astro:middleware';
import { ensureDbReady, getDb } from '@/lib/db';
import { MAIL_FROM, PUBLIC_HOSTNAME, SMTP_URL, TOKEN_SECRET } from 'astro:env/server';
import { PUBLIC_BASE_URL, rememberServerAddress } from '@/lib/base-url';
import { DatabaseBusyError } from '@db/client';
import { BodyTooLargeError, bodyLimitFor, formValuesOf } from '@/lib/forms';
import { originAllowed } from '@/lib/origin';
import { rewriteTo } from '@/lib/rewrite';
import { forSearchEngines } from '@/lib/robots';
import { SESSION_COOKIE, sessionCookieOptions, validateSessionToken } from '@/modules/auth/auth.sessions';
import { anonymousReadLimited } from '@/modules/auth/auth.ratelimit';
import { apiKeyGate } from '@/modules/apikeys/apikeys';
import { clientIp } from '@/modules/auth/auth.web';
import { startScheduler } from '@/modules/jobs/jobs.scheduler';
import { latestAuditId } from '@/modules/audit/audit.repository';
import { cachedPage, cacheViewer, isCacheablePath, pageCacheKeys } from '@/lib/page-cache';
import { isReader } from '@/modules/auth/auth.permissions';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
let addressRemembered: Promise<void> | undefined;

/**
 * Every request: refuse oversized bodies and cross-site writes before anything is read; resolve the session
 * cookie into `locals.user` (sliding expiry, see auth.rules.ts sessionPolicy); turn the refusals a page can
 * meet while working (a body over the limit, a database busy with another writer) into Danish pages; set
 * security headers on every response.
 */
export const onRequest = defineMiddleware(async (context, next) => {
	await ensureDbReady();
	// Background jobs (mail delivery, freshness loop) start with the first request of a server process.
	if (!addressRemembered && !import.meta.env.DEV) addressRemembered = rememberServerAddress(getDb());
	if (!context.isPrerendered) startScheduler({ getDb, env: { SMTP_URL, MAIL_FROM, PUBLIC_BASE_URL, TOKEN_SECRET, NODE_ENV: import.meta.env.DEV ? 'development' : 'production' } });
	context.locals.user = null;
	context.locals.sessionId = null;
	// One id per request: in the log line, in the X-Request-Id header and on the Danish error pages. A rewrite to an
	// error page runs this middleware again with the same locals: that inner run keeps the id and writes no line of
	// its own, so each request is one log line under its own method and path.
	const rewritten = context.locals.requestId !== undefined;
	context.locals.requestId ??= randomUUID().slice(0, 8);
	const started = performance.now();
	const { request } = context;
	/** An early refusal: the same id header and log line as every other answer. */
	const refuse = (response: Response) => {
		response.headers.set('X-Request-Id', context.locals.requestId);
		if (!rewritten) logRequest(context.locals.requestId, request.method, context.url.pathname, response.status, started);
		return withHeaders(response);
	};
	const write = !SAFE_METHODS.has(request.method);

	if (write && !originAllowed(request, context.url, { publicBaseUrl: PUBLIC_BASE_URL, publicHostname: PUBLIC_HOSTNAME }))
		return refuse(new Response('Forespørgsler fra andre websteder er ikke tilladt.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }));
	if (write && Number(request.headers.get('content-length') ?? 0) > bodyLimitFor(context.url.pathname)) return refuse(await rewriteTo(context, '/fejl/413'));

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

	// Integrations: an API key (`Authorization: Bearer`) on /api/* has its own limit and rights (apikeys.ts).
	context.locals.apiClient = null;
	if (context.url.pathname.startsWith('/api/')) {
		const gate = await apiKeyGate(getDb(), request.headers.get('authorization'));
		if (gate instanceof Response) return refuse(gate);
		context.locals.apiClient = gate.client;
	}

	// Anonymous loops over person pages and the JSON API (scraping every work e-mail) slow down; people don't notice.
	if (!context.locals.user && !context.locals.apiClient && request.method === 'GET') {
		const retryAfter = await anonymousReadLimited(getDb(), context.url.pathname, clientIp(context));
		if (retryAfter !== null) {
			context.locals.retryAfterSeconds = retryAfter;
			return refuse(await rewriteTo(context, '/fejl/429'));
		}
	}

	let response: Response;
	/** A refusal met while working (too large, database busy): answered with a Danish page, and named in the log line. */
	let handled: unknown;
	try {
		// Public read pages and feeds come from the rendered-output cache (src/lib/page-cache.ts: keyed by the
		// newest audit id, the minute and the viewer, so it is never stale and never another user's page).
		if (request.method === 'GET' && isCacheablePath(context.url.pathname)) {
			const user = context.locals.user;
			const reader = !!user && (await isReader(getDb(), user));
			context.locals.reader = reader;
			const viewer = cacheViewer(user, reader);
			const keys = pageCacheKeys({ auditId: await latestAuditId(getDb()), viewer, url: context.url, cookie: (name) => context.cookies.get(name)?.value });
			// Stored with the headers every answer gets (the front door serves anonymous hits as they are).
			response = await cachedPage(keys, request, async () => {
				const before = new Set(context.cookies.headers());
				const rendered = await next();
				// Browsers ask again each time, and get 304 while nothing changed.
				if (!context.locals.user && !rendered.headers.has('Cache-Control')) rendered.headers.set('Cache-Control', 'no-cache');
				if (!forSearchEngines(context.url.pathname)) rendered.headers.set('X-Robots-Tag', 'noindex, nofollow');
				// The page's own cookies (Astro sends them after us); the session's, set above, are this request's.
				const setCookies = [...context.cookies.headers()].filter((line) => !before.has(line));
				return { response: withHeaders(rendered), sameForReaders: context.locals.sameForReaders === true, setCookies, holes: context.locals.viewerHoles };
			}, viewer.user);
		} else response = await next();
	} catch (error) {
		handled = error;
		if (error instanceof BodyTooLargeError) response = await rewriteTo(context, '/fejl/413');
		else if (error instanceof DatabaseBusyError) {
			const values = formValuesOf(request);
			if (values) context.locals.resend = { action: context.url.pathname + context.url.search, values };
			context.locals.retryAfterSeconds = 5;
			response = await rewriteTo(context, '/fejl/503');
		} else {
			if (!rewritten) logRequest(context.locals.requestId, request.method, context.url.pathname, 'error', started, error);
			throw error;
		}
	}
	// Pages for a signed-in user must not be kept by shared caches or the back-forward cache after sign-out.
	if (context.locals.user && !response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'private, no-store');
	if (!forSearchEngines(context.url.pathname)) response.headers.set('X-Robots-Tag', 'noindex, nofollow');
	response.headers.set('X-Request-Id', context.locals.requestId);
	if (!rewritten) logRequest(context.locals.requestId, request.method, context.url.pathname, response.status, started, handled);
	return withHeaders(response);
});

const CSP = [
	"default-src 'self'",
	"img-src 'self' data:",
	"style-src 'self' 'unsafe-inline'",
	// Scripts are files of our own (astro.config.mjs keeps Astro from inlining them): no inline script runs.
	"script-src 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
	"base-uri 'self'",
	"object-src 'none'",
].join('; ');

/**
 * Structured JSON log lines on stdout: every failed or slow request, and every request with LOG_REQUESTS=1.
 * Paths only — never query strings or bodies (they may hold a sign-in token or what someone typed).
 */
function logRequest(id: string, method: string, path: string, status: number | 'error', started: number, error?: unknown): void {
	const ms = Math.round(performance.now() - started);
	if (status !== 'error' && status < 500 && ms < 1000 && !error && process.env.LOG_REQUESTS !== '1') return;
	const line: Record<string, unknown> = { t: new Date().toISOString(), level: status === 'error' || status >= 500 ? 'error' : 'info', requestId: id, method, path, status, ms };
	if (error) line.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	console.log(JSON.stringify(line));
}

function withHeaders(response: Response): Response {
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	// Pages with a token in the URL (sign-in links) set their own, stricter same-origin.
	if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	headers.set('X-Frame-Options', 'DENY');
	headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', CSP);
	if (PUBLIC_BASE_URL.startsWith('https:')) headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	return response;
}

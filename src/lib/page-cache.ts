/**
 * Rendered output of the public read pages and feeds, kept in memory so a page is rendered once per change
 * instead of once per request (issue 13: rendering Astro components was most of a page's time).
 *
 * Never stale, by construction of the key:
 * - the newest audit id (`latestAuditId`, one indexed lookup per request — the same signal the search index
 *   follows). Every directory, theme-day, registration and supervision write adds an audit entry, so an edit
 *   changes the key and the very next request renders afresh; a write from another process (import, jobs) too.
 * - the minute (UTC minutes start and end with Copenhagen minutes: the offset is whole hours). Everything on
 *   these pages that depends on the clock is minute-grained or coarser — "Senest bekræftet" colours and "væk"
 *   (the date), registration deadlines (HH:MM), availability such as "Træffes nu" (opening hours in minutes) —
 *   so a page is never older than the clock it shows. A page whose text depends on finer time, or that must not
 *   be kept, says so with `Cache-Control: no-store` and is never stored.
 * - who is asking: anonymous visitors share one entry; a signed-in user gets entries of their own, keyed by
 *   everything the session resolves to (id, role, linked person …), never another user's page.
 * - the whole path and query.
 *
 * Only GET 200 answers without Set-Cookie are stored, only for the paths in CACHEABLE; at most MAX_BYTES in all
 * (least recently used go first), so random query strings cannot grow it without bound. Every stored answer
 * carries an ETag; a matching If-None-Match gets 304 without a body.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The public read pages and feeds (no forms that change state on GET, no tokens in the path). */
const CACHEABLE = [
	/^\/$/,
	/^\/sog$/,
	/^\/om$/,
	/^\/personer\/[^/]+(?:\.vcf)?$/,
	/^\/organisationer(?:\/[^/]+(?:\/[^/]+)?)?$/,
	/^\/kommuner(?:\/[^/]+(?:\/kontaktark)?)?$/,
	/^\/emner(?:\/[^/]+)?$/,
	/^\/temadage(?:\/arkiv)?$/,
	/^\/temadage\.ics$/,
	/^\/temadage\/[^/]+(?:\.ics)?$/,
	/^\/supervision$/,
	/^\/supervision\/[^/]+$/,
	/^\/api\/hsds(?:\/.*)?$/,
];

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
/** Headers that belong to one answer, not to the page. */
const PER_RESPONSE = new Set(['set-cookie', 'x-request-id', 'content-length', 'date', 'transfer-encoding', 'connection']);

interface Entry {
	status: number;
	headers: Array<[string, string]>;
	body: Uint8Array<ArrayBuffer>;
	etag: string;
}

const entries = new Map<string, Entry>();
let bytes = 0;
const inFlight = new Map<string, Promise<Entry | undefined>>();

/** Forms and personal pages that the patterns above would also match: always rendered. */
const NEVER = /^\/(?:organisationer\/[^/]+\/rediger|temadage\/(?:mine|admin)|supervision\/(?:mine-timer|ny))$/;

export function isCacheablePath(pathname: string): boolean {
	return !NEVER.test(pathname) && CACHEABLE.some((re) => re.test(pathname));
}

/** The part of the key that says who sees the page: '-' for anonymous visitors, the whole session user otherwise. */
export function viewerKey(user: object | null | undefined): string {
	return user ? `u:${JSON.stringify(user)}` : '-';
}

export function pageCacheKey(parts: { auditId: number; viewer: string; url: URL; now?: number }): string {
	const minute = Math.floor((parts.now ?? Date.now()) / 60_000);
	return `${parts.auditId}|${minute}|${parts.viewer}|${parts.url.pathname}${parts.url.search}`;
}

function storable(response: Response): boolean {
	if (response.status !== 200 || response.headers.has('set-cookie')) return false;
	return !/no-store/i.test(response.headers.get('cache-control') ?? '');
}

function remember(key: string, entry: Entry): void {
	if (entry.body.byteLength > MAX_ENTRY_BYTES) return;
	entries.set(key, entry);
	bytes += entry.body.byteLength;
	for (const [oldKey, old] of entries) {
		if (bytes <= MAX_BYTES) break;
		entries.delete(oldKey);
		bytes -= old.body.byteLength;
	}
}

function matches(entry: Entry, ifNoneMatch: string | null | undefined): boolean {
	return !!ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === entry.etag || t.trim() === `W/${entry.etag}`);
}

function toResponse(entry: Entry, ifNoneMatch: string | null): Response {
	const headers = new Headers(entry.headers);
	headers.set('ETag', entry.etag);
	if (matches(entry, ifNoneMatch)) return new Response(null, { status: 304, headers });
	return new Response(entry.body, { status: entry.status, headers });
}

/**
 * The stored answer for `key`, else `render()` stored when it may be. Requests that miss the same key at the
 * same time wait for one render (after an edit, ten visitors cost one render, not ten).
 */
export async function cachedPage(key: string, request: Request, render: () => Promise<Response>): Promise<Response> {
	const ifNoneMatch = request.headers.get('if-none-match');
	const hit = entries.get(key);
	if (hit) {
		// Most recently used last.
		entries.delete(key);
		entries.set(key, hit);
		return toResponse(hit, ifNoneMatch);
	}
	const pending = inFlight.get(key);
	if (pending) {
		const entry = await pending;
		if (entry) return toResponse(entry, ifNoneMatch);
		return render();
	}
	let response!: Response;
	const filling = (async () => {
		response = await render();
		if (!storable(response)) return undefined;
		const body = new Uint8Array(await response.arrayBuffer());
		const headers = [...response.headers].filter(([name]) => !PER_RESPONSE.has(name.toLowerCase()));
		const entry: Entry = { status: response.status, headers, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
		remember(key, entry);
		return entry;
	})();
	inFlight.set(key, filling);
	try {
		const entry = await filling;
		return entry ? toResponse(entry, ifNoneMatch) : response;
	} finally {
		inFlight.delete(key);
	}
}

/** Paths whose anonymous reads are rate-limited in the middleware (auth.ratelimit.ts): always through Astro. */
const RATE_LIMITED = /^\/(?:personer\/|api\/people\/)/;

/** The session cookie's value in a Cookie header (first one, as the middleware reads it), or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
	if (!header || !header.includes(`${name}=`)) return undefined;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}

/**
 * The front door's shortcut (src/server/entry.ts): a GET whose page is already stored is answered here, before
 * Astro builds a request, a context and a response for it — on a cache hit that machinery was most of the
 * remaining time (issue 13 profile: signed-in hits went through all of it). Same key as the middleware (so the
 * same never-stale guarantee). A session cookie counts only when `sessionUser` resolves it without writing
 * anything (a session due for its sliding-expiry touch, or expired, gives null and goes to the middleware,
 * which touches or deletes it and sets the cookie); the viewer key is then that user's, exactly as the
 * middleware computes it. The stored headers are the middleware's final ones, plus the signed-in
 * `Cache-Control: private, no-store` it adds after the cache. Anything else → false, on to Astro as before.
 */
export async function serveStoredPage(
	req: IncomingMessage,
	res: ServerResponse,
	opts: { sessionCookie: string; latestAuditId: () => Promise<number>; sessionUser?: (token: string) => Promise<object | null> },
): Promise<boolean> {
	// An API key (`Authorization`) has its own limit and rights, counted in the middleware on every request.
	if (req.method !== 'GET' || entries.size === 0 || req.headers.authorization) return false;
	const url = new URL(req.url ?? '/', 'http://localhost');
	if (!isCacheablePath(url.pathname)) return false;
	const token = cookieValue(req.headers.cookie, opts.sessionCookie);
	let viewer = '-';
	if (token !== undefined) {
		const user = opts.sessionUser ? await opts.sessionUser(token) : null;
		if (!user) return false;
		viewer = viewerKey(user);
	} else if (RATE_LIMITED.test(url.pathname)) return false;
	const entry = entries.get(pageCacheKey({ auditId: await opts.latestAuditId(), viewer, url }));
	if (!entry) return false;
	const notModified = matches(entry, req.headers['if-none-match']);
	res.statusCode = notModified ? 304 : entry.status;
	for (const [name, value] of entry.headers) res.setHeader(name, value);
	if (viewer !== '-' && !res.hasHeader('cache-control')) res.setHeader('Cache-Control', 'private, no-store');
	res.setHeader('ETag', entry.etag);
	res.setHeader('X-Request-Id', randomUUID().slice(0, 8));
	if (notModified) res.end();
	else {
		res.setHeader('Content-Length', entry.body.byteLength);
		res.end(entry.body);
	}
	return true;
}

/** For tests: forget everything. */
export function clearPageCache(): void {
	entries.clear();
	inFlight.clear();
	bytes = 0;
}

export function pageCacheStats(): { entries: number; bytes: number } {
	return { entries: entries.size, bytes };
}

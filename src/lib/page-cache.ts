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
 *   everything the session resolves to (id, role, linked person …), never another user's page — except that
 *   *readers* (signed in with no rights at all, auth.permissions.ts isReader) share one entry where the page says
 *   its HTML depends on the viewer only through being signed in and their rights (`sameForReaders`). Without
 *   that, every member's first look each minute went through Astro (issue 13 profile, 3,000 members in turn:
 *   0.04–0.16× health on every page type, the time in Astro's request, middleware and render machinery).
 * - the reader's choice where a page remembers one in a cookie (VARY_COOKIES: the pathway page's municipality):
 *   its value, so one reader's municipality is never shown to another.
 * - the whole path and query.
 *
 * Holes for the viewer's own part (the theme-day and supervision-group pages: the reader's own registration or
 * seat, their name in the form). Such a page renders, for a reader, a marker where that part goes
 * (`holeMarker`) and hands over a function that renders it (`viewerHoles`); the readers' copy is stored with
 * the markers, and every answer from it — in the front door or the middleware, the first one too — is the
 * copy with this request's user's part filled in by that function (a few queries and a small string, no Astro:
 * issue 13 profile, 3,000 members in turn, was Astro's request and render machinery plus the page's own
 * queries for every member's first look each minute). The filled parts are kept per own key (so a member
 * reloading gets theirs without a query), which holds the audit id and minute: a registration, cancellation
 * or membership change is audited, so the next request fills afresh. The markers carry a random per-process
 * nonce, so nothing a user wrote (escaped anyway) can pose as one.
 *
 * Only GET 200 answers are stored, only for the paths in CACHEABLE; an answer that sets a cookie only when the
 * cookie is the path's VARY_COOKIES choice (sent again with every answer from that entry: they all have the same
 * cookie value, by the key). At most MAX_BYTES in all
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
	/^\/viden\/forloeb\/[^/]+$/,
];

/**
 * Cookies whose value chooses what a page shows (knowledge.views.ts MUNICIPALITY_COOKIE on the pathway page):
 * part of the key on those paths, and the only cookie an answer there may set and still be stored.
 */
const VARY_COOKIES: Array<[RegExp, string]> = [[/^\/viden\/forloeb\/[^/]+$/, 'vejviser_kommune']];

/** The vary cookie of a path, if any. */
export function varyCookieOf(pathname: string): string | undefined {
	return VARY_COOKIES.find(([re]) => re.test(pathname))?.[1];
}

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
/** Headers that belong to one answer, not to the page. */
const PER_RESPONSE = new Set(['set-cookie', 'x-request-id', 'content-length', 'date', 'transfer-encoding', 'connection']);

/** Renders the viewer's own parts of a stored readers' copy: marker name → HTML (see `holeMarker`). */
export type FillHoles = (user: NonNullable<App.Locals['user']>) => Promise<Record<string, string>>;

const HOLE_NONCE = randomUUID().slice(0, 8);
const HOLE_RE = new RegExp(`<!--hole:${HOLE_NONCE}:([a-z-]+)-->`, 'g');

/** Where a page's per-viewer part `name` goes in the readers' copy (render it with `set:html`). */
export function holeMarker(name: string): string {
	return `<!--hole:${HOLE_NONCE}:${name}-->`;
}

interface Holes {
	/** The body between the markers (one more than `names`). */
	segments: Buffer[];
	names: string[];
	fill: FillHoles;
}

interface Entry {
	/** The viewer parts still to fill in, for a readers' copy rendered with holes. */
	holes?: Holes;
	status: number;
	headers: Array<[string, string]>;
	body: Uint8Array<ArrayBuffer>;
	etag: string;
	/** Set-Cookie lines of the path's vary cookie that the page set for requests with this key's cookie value. */
	setCookies: string[];
}

const entries = new Map<string, Entry>();
let bytes = 0;
const inFlight = new Map<string, Promise<{ key: string; entry: Entry } | undefined>>();
/** Readers' keys whose page turned out to be each reader's own (no sameForReaders): no use waiting on another reader. */
const readersOwn = new Set<string>();

/** Forms and personal pages that the patterns above would also match: always rendered. */
const NEVER = /^\/(?:organisationer\/[^/]+\/rediger|temadage\/(?:mine|admin)|supervision\/(?:mine-timer|ny))$/;

export function isCacheablePath(pathname: string): boolean {
	return !NEVER.test(pathname) && CACHEABLE.some((re) => re.test(pathname));
}

/** The part of the key that says who sees the page: '-' for anonymous visitors, the whole session user otherwise. */
export function viewerKey(user: object | null | undefined): string {
	return user ? `u:${JSON.stringify(user)}` : '-';
}

/** The viewer parts of the keys a request may be answered from: its own, and for a reader the readers' shared one. */
export interface CacheViewer {
	own: string;
	readers?: string;
	/** The signed-in user, for filling in a stored page's viewer holes. */
	user?: NonNullable<App.Locals['user']>;
}

export function cacheViewer(user: object | null | undefined, reader: boolean): CacheViewer {
	if (!user) return { own: viewerKey(user) };
	const signedIn = user as NonNullable<App.Locals['user']>;
	return reader ? { own: viewerKey(user), readers: 'læser', user: signedIn } : { own: viewerKey(user), user: signedIn };
}

export function pageCacheKey(parts: { auditId: number; viewer: string; url: URL; cookie?: (name: string) => string | undefined; now?: number }): string {
	const minute = Math.floor((parts.now ?? Date.now()) / 60_000);
	const vary = varyCookieOf(parts.url.pathname);
	const choice = vary ? `${vary}=${parts.cookie?.(vary) ?? ''}|` : '';
	return `${parts.auditId}|${minute}|${parts.viewer}|${choice}${parts.url.pathname}${parts.url.search}`;
}

/** The keys of one request: `own`, and `readers` when the viewer is a reader. */
export interface CacheKeys {
	own: string;
	readers?: string;
}

export function pageCacheKeys(parts: { auditId: number; viewer: CacheViewer; url: URL; cookie?: (name: string) => string | undefined; now?: number }): CacheKeys {
	const own = pageCacheKey({ ...parts, viewer: parts.viewer.own });
	return parts.viewer.readers ? { own, readers: pageCacheKey({ ...parts, viewer: parts.viewer.readers }) } : { own };
}

/** What the page said about its answer besides the Response itself. */
export interface Rendered {
	response: Response;
	/** The page's HTML depends on the viewer only through being signed in and their rights (readers may share it). */
	sameForReaders?: boolean;
	/** Set-Cookie lines the page set (Astro adds them after the middleware, so they are not in the headers yet). */
	setCookies?: string[];
	/** The page rendered `holeMarker`s for the viewer's own parts; this fills them (see `viewerHoles`). */
	holes?: FillHoles;
}

function storable(rendered: Rendered, pathname: string): boolean {
	const { response } = rendered;
	if (response.status !== 200 || response.headers.has('set-cookie')) return false;
	const vary = varyCookieOf(pathname);
	if ((rendered.setCookies ?? []).some((line) => !vary || !line.startsWith(`${vary}=`))) return false;
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

function matches(entry: { etag: string }, ifNoneMatch: string | null | undefined): boolean {
	return !!ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === entry.etag || t.trim() === `W/${entry.etag}`);
}

/** Filled-in viewer parts by own key (audit id, minute, user, URL: never stale, never another user's). */
const filled = new Map<string, Record<string, string>>();
const MAX_FILLED = 10_000;

/** The body and ETag of `entry` for this viewer: its holes filled in with the user's own parts. */
async function bodyFor(entry: Entry, viewer: { own: string; user?: CacheViewer['user'] }): Promise<{ body: Uint8Array; etag: string }> {
	const holes = entry.holes;
	if (!holes) return { body: entry.body, etag: entry.etag };
	// A copy with holes is only ever stored under the readers' key, so only signed-in readers reach it.
	if (!viewer.user) throw new Error('page-cache: en side med huller uden bruger');
	let parts = filled.get(viewer.own);
	if (!parts) {
		parts = await holes.fill(viewer.user);
		if (filled.size >= MAX_FILLED) filled.delete(filled.keys().next().value!);
		filled.set(viewer.own, parts);
	}
	const chunks: Buffer[] = [holes.segments[0]];
	for (let i = 0; i < holes.names.length; i++) chunks.push(Buffer.from(parts[holes.names[i]] ?? ''), holes.segments[i + 1]);
	const body = Buffer.concat(chunks);
	const mine = createHash('sha1').update(holes.names.map((n) => parts[n] ?? '').join('\0')).digest('base64url').slice(0, 10);
	return { body, etag: `"${entry.etag.slice(1, -1)}-${mine}"` };
}

async function toResponse(entry: Entry, ifNoneMatch: string | null, viewer: { own: string; user?: CacheViewer['user'] }, withCookies = true): Promise<Response> {
	const { body, etag } = await bodyFor(entry, viewer);
	const headers = new Headers(entry.headers);
	headers.set('ETag', etag);
	if (withCookies) for (const line of entry.setCookies) headers.append('Set-Cookie', line);
	if (matches({ etag }, ifNoneMatch)) return new Response(null, { status: 304, headers });
	return new Response(body as Uint8Array<ArrayBuffer>, { status: entry.status, headers });
}

/**
 * The stored answer for `keys` (the readers' shared entry first, then the viewer's own), else `render()` stored
 * when it may be: under the readers' key when the viewer is a reader and the page said `sameForReaders`, else
 * under the viewer's own. Requests that miss the same key at the same time wait for one render (after an edit,
 * ten visitors cost one render, not ten); a waiter whose page turned out to be another viewer's renders its own.
 * `render` may return a bare Response (nothing to say besides it).
 */
export async function cachedPage(keys: CacheKeys | string, request: Request, render: () => Promise<Rendered | Response>, user?: CacheViewer['user']): Promise<Response> {
	const k: CacheKeys = typeof keys === 'string' ? { own: keys } : keys;
	const viewer = { own: k.own, user };
	const ifNoneMatch = request.headers.get('if-none-match');
	for (const key of [k.readers, k.own]) {
		const hit = key !== undefined ? entries.get(key) : undefined;
		if (hit) {
			// Most recently used last.
			entries.delete(key!);
			entries.set(key!, hit);
			return toResponse(hit, ifNoneMatch, viewer);
		}
	}
	const first = k.readers && !readersOwn.has(k.readers) ? k.readers : k.own;
	const pending = inFlight.get(first);
	if (pending) {
		const stored = await pending;
		if (stored && (stored.key === k.readers || stored.key === k.own)) return toResponse(stored.entry, ifNoneMatch, viewer);
		return (await fill(k, render, new URL(request.url).pathname, viewer)).response;
	}
	const filling = fill(k, render, new URL(request.url).pathname, viewer);
	// A render that fails is this request's error; waiters then render their own (and nothing is left unhandled).
	inFlight.set(
		first,
		filling.then(
			(f) => f.stored,
			() => undefined,
		),
	);
	try {
		const { response, stored } = await filling;
		// The rendering request's own cookies reach it through Astro; the stored lines are for the next ones.
		return stored ? toResponse(stored.entry, ifNoneMatch, viewer, false) : response;
	} finally {
		inFlight.delete(first);
	}
}

async function fill(
	k: CacheKeys,
	render: () => Promise<Rendered | Response>,
	pathname: string,
	viewer: { own: string; user?: CacheViewer['user'] },
): Promise<{ response: Response; stored?: { key: string; entry: Entry } }> {
	const out = await render();
	const rendered: Rendered = out instanceof Response ? { response: out } : out;
	const { response } = rendered;
	const key = rendered.sameForReaders && k.readers ? k.readers : k.own;
	// Holes are for the readers' copy only: anywhere else the page had no business rendering markers.
	if (rendered.holes && key !== k.readers) throw new Error('page-cache: huller i en side der ikke er læsernes');
	if (!storable(rendered, pathname)) {
		if (!rendered.holes) return { response };
		// Not kept (an error page, no-store …), but still this viewer's page: their parts filled in.
		const once = withHoles(await response.arrayBuffer(), rendered.holes);
		const { body } = await bodyFor({ ...once, status: response.status, headers: [], etag: '""', setCookies: [] }, viewer);
		const headers = new Headers(response.headers);
		headers.delete('content-length');
		return { response: new Response(body as Uint8Array<ArrayBuffer>, { status: response.status, headers }) };
	}
	const raw = new Uint8Array(await response.arrayBuffer());
	const { body, holes } = rendered.holes ? withHoles(raw.buffer, rendered.holes) : { body: raw, holes: undefined };
	const headers = [...response.headers].filter(([name]) => !PER_RESPONSE.has(name.toLowerCase()));
	const entry: Entry = { status: response.status, headers, body, holes, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`, setCookies: rendered.setCookies ?? [] };
	if (k.readers && key !== k.readers) {
		if (readersOwn.size >= 10_000) readersOwn.clear();
		readersOwn.add(k.readers);
	}
	remember(key, entry);
	return { response: new Response(body, { status: response.status, headers: response.headers }), stored: { key, entry } };
}

/** A body with markers, cut at them (the whole body stays the entry's body: its size and its ETag's source). */
function withHoles(buffer: ArrayBuffer, fill: FillHoles): { body: Uint8Array<ArrayBuffer>; holes: Holes } {
	const text = Buffer.from(buffer).toString('utf8');
	const segments: Buffer[] = [];
	const names: string[] = [];
	let last = 0;
	for (const m of text.matchAll(HOLE_RE)) {
		segments.push(Buffer.from(text.slice(last, m.index)));
		names.push(m[1]);
		last = m.index + m[0].length;
	}
	segments.push(Buffer.from(text.slice(last)));
	return { body: new Uint8Array(buffer), holes: { segments, names, fill } };
}

/** Paths whose anonymous reads are rate-limited in the middleware (auth.ratelimit.ts): always through Astro. */
const RATE_LIMITED = /^\/(?:personer\/|api\/people\/)/;

/** A cookie's value in a Cookie header (first one, as the middleware reads it), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
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
 * remaining time (issue 13 profile: signed-in hits went through all of it). Same keys as the middleware (so the
 * same never-stale guarantee). A session cookie counts only when `sessionViewer` resolves it without writing
 * anything (a session due for its sliding-expiry touch, or expired, gives null and goes to the middleware,
 * which touches or deletes it and sets the cookie); the viewer keys are then that user's (and the readers'
 * when they are one), exactly as the middleware computes them. The stored headers are the middleware's final ones, plus the signed-in
 * `Cache-Control: private, no-store` it adds after the cache. Anything else → false, on to Astro as before.
 */
export async function serveStoredPage(
	req: IncomingMessage,
	res: ServerResponse,
	opts: { sessionCookie: string; latestAuditId: () => Promise<number>; sessionViewer?: (token: string) => Promise<CacheViewer | null> },
): Promise<boolean> {
	// An API key (`Authorization`) has its own limit and rights, counted in the middleware on every request.
	if (req.method !== 'GET' || entries.size === 0 || req.headers.authorization) return false;
	const url = new URL(req.url ?? '/', 'http://localhost');
	if (!isCacheablePath(url.pathname)) return false;
	const token = cookieValue(req.headers.cookie, opts.sessionCookie);
	let viewer: CacheViewer = { own: '-' };
	if (token !== undefined) {
		const known = opts.sessionViewer ? await opts.sessionViewer(token) : null;
		if (!known) return false;
		viewer = known;
	} else if (RATE_LIMITED.test(url.pathname)) return false;
	const keys = pageCacheKeys({ auditId: await opts.latestAuditId(), viewer, url, cookie: (name) => cookieValue(req.headers.cookie, name) });
	const entry = (keys.readers !== undefined ? entries.get(keys.readers) : undefined) ?? entries.get(keys.own);
	if (!entry) return false;
	// Before anything is written: a failure here leaves the request to Astro.
	const { body, etag } = await bodyFor(entry, { own: keys.own, user: viewer.user });
	const notModified = matches({ etag }, req.headers['if-none-match']);
	res.statusCode = notModified ? 304 : entry.status;
	for (const [name, value] of entry.headers) res.setHeader(name, value);
	if (entry.setCookies.length) res.setHeader('Set-Cookie', entry.setCookies);
	if (viewer.own !== '-' && !res.hasHeader('cache-control')) res.setHeader('Cache-Control', 'private, no-store');
	res.setHeader('ETag', etag);
	res.setHeader('X-Request-Id', randomUUID().slice(0, 8));
	if (notModified) res.end();
	else {
		res.setHeader('Content-Length', body.byteLength);
		res.end(body);
	}
	return true;
}

/** For tests: forget everything. */
export function clearPageCache(): void {
	entries.clear();
	filled.clear();
	readersOwn.clear();
	inFlight.clear();
	bytes = 0;
}

export function pageCacheStats(): { entries: number; bytes: number } {
	return { entries: entries.size, bytes };
}

/**
 * A page says: my HTML depends on who is asking only through being signed in and their rights (edit links,
 * organiser links …) — nothing of theirs like a name, an e-mail, a registration or a linked entry. Readers
 * then share one stored copy (see the key rules above). Say it only when true for every branch of the page.
 */
export function sameForReaders(astro: { locals: App.Locals }): void {
	astro.locals.sameForReaders = true;
}

/**
 * A page says, for a reader (`astro.locals.reader`): my HTML is the readers' shared copy except where I rendered
 * `holeMarker(name)`; `fill` renders those parts for any reader (their registration, their seat, their name),
 * reading what it needs afresh. Everything outside the holes must be the same for every reader.
 */
export function viewerHoles(astro: { locals: App.Locals }, fill: FillHoles): void {
	if (!astro.locals.reader) throw new Error('page-cache: huller kun for læsere');
	astro.locals.sameForReaders = true;
	astro.locals.viewerHoles = fill;
}

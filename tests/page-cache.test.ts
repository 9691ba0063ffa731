/** The page cache's rules (src/lib/page-cache.ts); the built server's behaviour is in tests/e2e/page-cache.spec.ts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedPage, cacheViewer, clearPageCache, holeMarker, isCacheablePath, pageCacheKey, pageCacheKeys, viewerKey, type FillHoles } from '@/lib/page-cache';
import { escapeHtml } from '@/lib/html';
import { isReader } from '@/modules/auth/auth.permissions';
import type { SessionUser } from '@/modules/auth/auth.types';
import { createTestDb } from './helpers/test-db';

const url = new URL('http://localhost/kommuner/gribskov?x=1');
const req = (headers: Record<string, string> = {}) => new Request(url, { headers });
let renders = 0;
const page = (body: string, init: ResponseInit = {}) => async () => {
	renders++;
	return new Response(body, { status: 200, headers: { 'Content-Type': 'text/html' }, ...init });
};

describe('page cache', () => {
	beforeEach(() => {
		clearPageCache();
		renders = 0;
	});

	it('keys on the newest audit id, the minute, the viewer and the whole URL', () => {
		const base = { auditId: 7, viewer: '-', url, now: Date.UTC(2026, 10, 24, 12, 0, 10) };
		const key = pageCacheKey(base);
		expect(pageCacheKey({ ...base, now: Date.UTC(2026, 10, 24, 12, 0, 59) })).toBe(key);
		expect(pageCacheKey({ ...base, auditId: 8 })).not.toBe(key);
		expect(pageCacheKey({ ...base, now: Date.UTC(2026, 10, 24, 12, 1, 0) })).not.toBe(key);
		expect(pageCacheKey({ ...base, url: new URL('http://localhost/kommuner/gribskov?x=2') })).not.toBe(key);
		const a = viewerKey({ id: 1, role: 'member' });
		expect(a).not.toBe(viewerKey({ id: 2, role: 'member' }));
		expect(a).not.toBe(viewerKey({ id: 1, role: 'admin' }));
		expect(viewerKey(null)).toBe('-');
		expect(pageCacheKey({ ...base, viewer: a })).not.toBe(key);
	});

	it('renders once per key, and again when the key changes', async () => {
		expect(await (await cachedPage('k1', req(), page('one'))).text()).toBe('one');
		expect(await (await cachedPage('k1', req(), page('two'))).text()).toBe('one');
		expect(await (await cachedPage('k2', req(), page('two'))).text()).toBe('two');
		expect(renders).toBe(2);
	});

	it('renders once for requests that miss together', async () => {
		const answers = await Promise.all(Array.from({ length: 5 }, () => cachedPage('k', req(), page('same'))));
		expect(await Promise.all(answers.map((a) => a.text()))).toEqual(Array(5).fill('same'));
		expect(renders).toBe(1);
	});

	it('never stores errors, no-store answers or answers that set a cookie', async () => {
		await cachedPage('a', req(), page('nf', { status: 404 }));
		await cachedPage('a', req(), page('nf', { status: 404 }));
		await cachedPage('b', req(), page('x', { headers: { 'Cache-Control': 'no-store' } }));
		await cachedPage('b', req(), page('x', { headers: { 'Cache-Control': 'no-store' } }));
		await cachedPage('c', req(), page('x', { headers: { 'Set-Cookie': 'a=b' } }));
		await cachedPage('c', req(), page('x', { headers: { 'Set-Cookie': 'a=b' } }));
		expect(renders).toBe(6);
	});

	it('answers a matching If-None-Match with 304 and no body', async () => {
		const first = await cachedPage('e', req(), page('body'));
		const etag = first.headers.get('etag')!;
		expect(etag).toMatch(/^"[\w-]+"$/);
		const again = await cachedPage('e', req({ 'if-none-match': etag }), page('body'));
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');
		expect((await cachedPage('e', req({ 'if-none-match': '"other"' }), page('body'))).status).toBe(200);
	});

	it('gives readers one shared copy only of a page that says so, and never to anyone else', async () => {
		const url = new URL('http://localhost/sog?q=x');
		const keysOf = (user: object | null, reader: boolean) => pageCacheKeys({ auditId: 1, viewer: cacheViewer(user, reader), url, now: 0 });
		const readerA = keysOf({ id: 1 }, true);
		const readerB = keysOf({ id: 2 }, true);
		const editor = keysOf({ id: 3, role: 'org_editor' }, false);
		const anonymous = keysOf(null, false);
		const shared = (body: string) => async () => (renders++, { response: new Response(body), sameForReaders: true });
		expect(await (await cachedPage(readerA, req(), shared('for læsere'))).text()).toBe('for læsere');
		expect(await (await cachedPage(readerB, req(), shared('B'))).text()).toBe('for læsere');
		expect(renders).toBe(1);
		// Someone with rights, and anonymous visitors, never get the readers' copy.
		expect(await (await cachedPage(editor, req(), page('redaktør'))).text()).toBe('redaktør');
		expect(await (await cachedPage(anonymous, req(), page('anonym'))).text()).toBe('anonym');
		expect(renders).toBe(3);
		// A page that does not say it (own registration, own name) is the reader's own.
		const other = pageCacheKeys({ auditId: 1, viewer: cacheViewer({ id: 1 }, true), url: new URL('http://localhost/temadage/x'), now: 0 });
		const otherB = pageCacheKeys({ auditId: 1, viewer: cacheViewer({ id: 2 }, true), url: new URL('http://localhost/temadage/x'), now: 0 });
		expect(await (await cachedPage(other, req(), page('A tilmeldt'))).text()).toBe('A tilmeldt');
		expect(await (await cachedPage(otherB, req(), page('B ikke tilmeldt'))).text()).toBe('B ikke tilmeldt');
		expect(await (await cachedPage(other, req(), page('igen'))).text()).toBe('A tilmeldt');
		expect(renders).toBe(5);
	});

	it('fills a readers’ copy with holes with each reader’s own part, on every answer, and never stores it for anyone else', async () => {
		const event = new URL('http://localhost/temadage/x');
		const user = (id: number) => ({ id, email: `m${id}@x.example`, name: `<Medlem ${id}>`, role: 'member' as const, personId: null });
		const keysOf = (id: number, auditId = 1) => pageCacheKeys({ auditId, viewer: cacheViewer(user(id), true), url: event, now: 0 });
		let registered = new Set<number>();
		let fills = 0;
		const fill: FillHoles = async (u) => (fills++, { mig: `${escapeHtml(u.name)}: ${registered.has(u.id) ? 'tilmeldt' : 'ikke tilmeldt'}` });
		const template = async () => (renders++, { response: new Response(`<h1>Temadag</h1><p>${holeMarker('mig')}</p><footer>${holeMarker('ukendt')}</footer>`), sameForReaders: true, holes: fill });
		const text = async (id: number, auditId = 1) => (await cachedPage(keysOf(id, auditId), req(), template, user(id))).text();
		// The rendering reader gets their own part, and so does the next reader from the stored copy.
		expect(await text(1)).toBe('<h1>Temadag</h1><p>&lt;Medlem 1&gt;: ikke tilmeldt</p><footer></footer>');
		expect(await text(2)).toBe('<h1>Temadag</h1><p>&lt;Medlem 2&gt;: ikke tilmeldt</p><footer></footer>');
		expect(renders).toBe(1);
		// A reader's part is kept for their own key: the same key does not fill again …
		expect(await text(1)).toContain('Medlem 1&gt;: ikke tilmeldt');
		expect(fills).toBe(2);
		// … and a registration (audited: a new audit id) shows on the very next request.
		registered = new Set([1]);
		expect(await text(1, 2)).toContain('Medlem 1&gt;: tilmeldt');
		expect(await text(2, 2)).toContain('Medlem 2&gt;: ikke tilmeldt');
		// A page with holes anywhere but the readers' copy is a bug: refused, never stored.
		const own = pageCacheKeys({ auditId: 1, viewer: cacheViewer(user(3), false), url: event, now: 0 });
		await expect(cachedPage(own, req(), template, user(3))).rejects.toThrow();
		// The ETag differs between readers (their parts differ), so one reader's 304 never stands for another's page.
		const a = (await cachedPage(keysOf(1, 2), req(), template, user(1))).headers.get('etag');
		const b = (await cachedPage(keysOf(2, 2), req(), template, user(2))).headers.get('etag');
		expect(a).not.toBe(b);
		expect((await cachedPage(keysOf(1, 2), req({ 'if-none-match': b! }), template, user(1))).status).toBe(200);
	});

	it('keys the pathway page on the chosen municipality and sends the choice cookie with the stored copy', async () => {
		const pathway = new URL('http://localhost/viden/forloeb/efter-selvmordsforsoeg');
		const key = (kommune?: string) => pageCacheKey({ auditId: 1, viewer: '-', url: pathway, cookie: (n) => (n === 'vejviser_kommune' ? kommune : undefined), now: 0 });
		expect(key('gribskov')).not.toBe(key('hilleroed'));
		expect(key('gribskov')).not.toBe(key(undefined));
		// Elsewhere the cookie is no part of the key.
		const other = (kommune?: string) => pageCacheKey({ auditId: 1, viewer: '-', url, cookie: () => kommune, now: 0 });
		expect(other('gribskov')).toBe(other(undefined));

		const set = 'vejviser_kommune=gribskov; Path=/; HttpOnly';
		const pathReq = () => new Request(new URL('?kommune=gribskov', pathway));
		const chose = async () => (renders++, { response: new Response('gribskov'), setCookies: [set] });
		const first = await cachedPage(key(undefined), pathReq(), chose);
		// The rendering request gets its cookie from Astro, not twice.
		expect(first.headers.get('set-cookie')).toBeNull();
		const second = await cachedPage(key(undefined), pathReq(), chose);
		expect(await second.text()).toBe('gribskov');
		expect(second.headers.get('set-cookie')).toBe(set);
		expect(renders).toBe(1);
		// Any other cookie makes the answer someone's own: not stored.
		const session = async () => (renders++, { response: new Response('x'), setCookies: ['vejviser_session=abc; Path=/'] });
		await cachedPage(key('x'), pathReq(), session);
		await cachedPage(key('x'), pathReq(), session);
		expect(renders).toBe(3);
	});

	it('caches only the public read pages and feeds', () => {
		for (const p of ['/', '/sog', '/viden/forloeb/efter-selvmordsforsoeg', '/personer/D00001', '/personer/D00001.vcf', '/kommuner/gribskov/kontaktark', '/emner/angst', '/temadage', '/temadage.ics', '/temadage/x', '/supervision/x', '/api/hsds/services'])
			expect(isCacheablePath(p), p).toBe(true);
		for (const p of ['/konto', '/admin', '/log-ind', '/personer/D00001/rediger', '/temadage/x/tilmelding', '/temadage/mine', '/supervision/mine-timer', '/api/search', '/api/people/D00001', '/bekraeft/tok', '/rettelser', '/organisationer/gribskov-kommune/rediger', '/temadage/admin', '/supervision/ny', '/viden/forloeb/efter-selvmordsforsoeg/noter'])
			expect(isCacheablePath(p), p).toBe(false);
	});
});

describe('readers (who may share a stored page)', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	it('are signed-in members with no linked entry, no scope and no other role', async () => {
		const now = new Date().toISOString();
		const { id } = await t.db.insertInto('user').values({ email: 'l@x.example', name: 'L', role: 'member', status: 'active', person_id: null, created_at: now }).returning('id').executeTakeFirstOrThrow();
		const member: SessionUser = { id, email: 'l@x.example', name: 'L', role: 'member', personId: null };
		expect(await isReader(t.db, member)).toBe(true);
		expect(await isReader(t.db, { ...member, personId: 5 })).toBe(false);
		expect(await isReader(t.db, { ...member, role: 'admin' })).toBe(false);
		// Acting as a member until the passkey is proven: still an editor's account.
		expect(await isReader(t.db, { ...member, assignedRole: 'org_editor', needsSecondFactor: true })).toBe(false);
		const org = await t.db.insertInto('organisation').values({ slug: 'o', name: 'O', type: 'kommune', created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
		await t.db.insertInto('user_scope').values({ user_id: id, organisation_id: org.id, unit_id: null } as never).execute();
		expect(await isReader(t.db, member)).toBe(false);
	});
});

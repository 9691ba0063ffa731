/** The page cache's rules (src/lib/page-cache.ts); the built server's behaviour is in tests/e2e/page-cache.spec.ts. */
import { beforeEach, describe, expect, it } from 'vitest';
import { cachedPage, clearPageCache, isCacheablePath, pageCacheKey, viewerKey } from '@/lib/page-cache';

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

	it('caches only the public read pages and feeds', () => {
		for (const p of ['/', '/sog', '/personer/D00001', '/personer/D00001.vcf', '/kommuner/gribskov/kontaktark', '/emner/angst', '/temadage', '/temadage.ics', '/temadage/x', '/supervision/x', '/api/hsds/services'])
			expect(isCacheablePath(p), p).toBe(true);
		for (const p of ['/konto', '/admin', '/log-ind', '/personer/D00001/rediger', '/temadage/x/tilmelding', '/temadage/mine', '/supervision/mine-timer', '/api/search', '/api/people/D00001', '/bekraeft/tok', '/rettelser', '/organisationer/gribskov-kommune/rediger', '/temadage/admin', '/supervision/ny'])
			expect(isCacheablePath(p), p).toBe(false);
	});
});

/**
 * The server entry point Astro builds into dist/server/entry.mjs: @astrojs/node's standalone handler (pages
 * and static files) behind frontDoor(), which settles the client address, forwarded headers and compression
 * before Astro reads the request.
 */
import { createServer } from 'node:http';
import type { SSRManifest } from 'astro';
import { createExports as createNodeExports } from '@astrojs/node/server.js';
import { allowedDomainsFromEnv, frontDoor, frontDoorConfigFromEnv } from './front-door';
import { cacheViewer, serveStoredPage } from '@/lib/page-cache';
import { ensureDbReady, getDb } from '@/lib/db';
import { getSearchState } from '@/modules/search/search.service';
import { latestAuditId } from '@/modules/audit/audit.repository';
import { SESSION_COOKIE, validateSessionToken } from '@/modules/auth/auth.sessions';
import { isReader } from '@/modules/auth/auth.permissions';

type Options = Parameters<typeof createNodeExports>[1];

export function createExports(manifest: SSRManifest, options: Options) {
	// The hosts we answer on are known at run time, not build time: one build serves any PUBLIC_HOSTNAME.
	const exports = createNodeExports({ ...manifest, allowedDomains: allowedDomainsFromEnv(process.env) }, options);
	// Reads of pages already rendered for this viewer are answered before Astro (src/lib/page-cache.ts); the
	// session is checked read-only, so one that needs a write (touch, expiry) goes through the middleware.
	const shortcut = (req: Parameters<typeof serveStoredPage>[0], res: Parameters<typeof serveStoredPage>[1]) =>
		serveStoredPage(req, res, {
			sessionCookie: SESSION_COOKIE,
			latestAuditId: () => latestAuditId(getDb()),
			sessionViewer: async (token) => {
				const user = (await validateSessionToken(getDb(), token, new Date(), { readOnly: true }))?.user;
				return user ? cacheViewer(user, await isReader(getDb(), user)) : null;
			},
		});
	return { ...exports, handler: frontDoor(exports.handler as never, frontDoorConfigFromEnv(process.env), shortcut) };
}

export function start(manifest: SSRManifest, options: Options) {
	if (process.env.ASTRO_NODE_AUTOSTART === 'disabled') return;
	const { handler } = createExports(manifest, options);
	const port = Number(process.env.PORT ?? options.port ?? 4321);
	const host = process.env.HOST ?? (typeof options.host === 'string' ? options.host : options.host ? '0.0.0.0' : 'localhost');
	const server = createServer(handler);
	server.listen(port, host, () => {
		console.log(`Vejviser lytter på http://${host.includes(':') ? `[${host}]` : host}:${port}`);
		// The search index is built now, in slices between requests, rather than by the first search (which would
		// wait for the whole build: seconds at 100,000 people). A failure here is retried by that first search.
		ensureDbReady()
			.then(() => getSearchState(getDb()))
			.catch((error) => console.error('Søgeindekset kunne ikke bygges ved start; det prøves igen ved første søgning:', error));
	});
}

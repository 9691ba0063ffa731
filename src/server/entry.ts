/**
 * The server entry point Astro builds into dist/server/entry.mjs: @astrojs/node's standalone handler (pages
 * and static files) behind frontDoor(), which settles the client address, forwarded headers and compression
 * before Astro reads the request.
 */
import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
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
	const withHosts = { ...manifest, allowedDomains: allowedDomainsFromEnv(process.env) };
	const exports = createNodeExports(withHosts, options);
	// The standalone handler looks every request up on disk first (lstat + send's stat: ~5 % of a page's CPU);
	// only the files the build wrote are static, so every other path goes straight to the pages (the adapter's
	// middleware mode: the same app without the file lookup).
	const files = clientFiles(options);
	const pages = createNodeExports(withHosts, { ...options, mode: 'middleware' }).handler as unknown as (req: IncomingMessage, res: ServerResponse) => Promise<void>;
	const standalone = exports.handler as unknown as (req: IncomingMessage, res: ServerResponse) => void;
	const handler = (req: IncomingMessage, res: ServerResponse) => {
		const path = (req.url ?? '/').split(/[?#]/, 1)[0];
		if (files.has(path)) return standalone(req, res);
		try {
			decodeURI(req.url ?? '/');
		} catch {
			res.writeHead(400).end('Bad request.');
			return;
		}
		void pages(req, res);
	};
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
	return { ...exports, handler: frontDoor(handler as never, frontDoorConfigFromEnv(process.env), shortcut) };
}

/** The URL paths of the files the build wrote for the browser (dist/client: /_astro/…, /favicon.svg, /robots.txt). */
function clientFiles(options: Options): Set<string> {
	// As @astrojs/node finds it: the client folder relative to the server folder this module was bundled into.
	const serverDir = fileURLToPath(options.server);
	let here = dirname(fileURLToPath(import.meta.url));
	while (basename(here) !== basename(serverDir) && dirname(here) !== here) here = dirname(here);
	const client = join(here, relative(serverDir, fileURLToPath(options.client)));
	const found = new Set<string>();
	const walk = (dir: string, prefix: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
			else found.add(`${prefix}${encodeURI(entry.name)}`);
		}
	};
	try {
		walk(client, '/');
	} catch {
		// No client folder (a build without browser files): every request is a page.
	}
	return found;
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

/**
 * Every page, not just the journeys: for each role (anonymous, member, unit editor, organiser, supervisor,
 * admin) the crawler follows the links from the home page, /admin and every static route, and checks each
 * page: 2xx/3xx, axe WCAG 2.1 A/AA, no console errors, no request to another origin, a <title> and exactly
 * one <h1>. The live DOM of every page (after its scripts ran) is then validated in ONE run of the W3C Nu
 * checker (vnu-jar on the machine's Java). Links to downloads (.ics, .csv, .vcf, /api) are fetched for their
 * status only.
 *
 * Generic on purpose: route patterns come from the files in src/pages, so a page added later is crawled
 * (and deduplicated by its pattern: at most CRAWL_PER_PATTERN instances per pattern, query-parameter names
 * and role) without editing this file. Only GET links are followed; no form is submitted.
 *
 * A server of its own (a copy of the seeded network) so the anonymous person-page limit and the sessions
 * made here never touch the other specs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, openSqlite } from '@db/client';
import { createUserWithSession } from '../helpers/auth';
import { freePort, waitForHealth } from './global-setup';
import { axeCheck, e2e, launchBrowser, skipBrowser, SQLITE_COPY, sqliteOnly } from './helpers';

const PER_PATTERN = Number(process.env.CRAWL_PER_PATTERN ?? 1);
const MAX_PAGES_PER_ROLE = 250;
/** Roles crawled at once (each in its own browser context): two keep both cores busy while one waits on the other. */
const PARALLEL = Math.max(1, Number(process.env.CRAWL_PARALLEL ?? 2));
/** CRAWL_VERBOSE=1 prints every page with its time and every problem as it is found. */
const verbose = process.env.CRAWL_VERBOSE === '1';

// ---------------------------------------------------------------------------------------------------------
// Route patterns from the page files (Astro's file routing): /personer/[ref]/historik.astro → /personer/*/historik
interface Route {
	pattern: string;
	regex: RegExp;
	statics: number;
	dynamic: boolean;
}

function pageFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? pageFiles(path) : [path];
	});
}

export function routesFrom(pagesDir: string): Route[] {
	return pageFiles(pagesDir)
		.filter((file) => /\.(astro|ts|md)$/.test(file))
		.map((file) => {
			let route = '/' + relative(pagesDir, file).replace(/\.(astro|ts|md)$/, '');
			route = route.replace(/\/index$/, '') || '/';
			const segments = route.split('/').filter(Boolean);
			const regex = segments
				.map((segment) => {
					if (/^\[\.\.\.[^\]]+\]$/.test(segment)) return '(?:/.*)?';
					const parts = segment.split(/(\[[^\]]+\])/).filter(Boolean);
					return '/' + parts.map((p) => (p.startsWith('[') ? '[^/]+' : p.replace(/[.*+?^${}()|\\]/g, '\\$&'))).join('');
				})
				.join('');
			return {
				pattern: route,
				regex: new RegExp(`^${regex || '/'}$`),
				statics: segments.filter((s) => !s.includes('[')).length,
				dynamic: segments.some((s) => s.includes('[')),
			};
		});
}

function routeOf(routes: Route[], path: string): Route | undefined {
	return routes.filter((r) => r.regex.test(path)).sort((a, b) => b.statics - a.statics || Number(a.dynamic) - Number(b.dynamic))[0];
}

/** Not HTML pages: fetched for their status, never rendered. */
const isDownload = (path: string) => path.startsWith('/api/') || /\.(ics|csv|vcf|json|xml|txt|pdf)$/.test(path.split('?')[0]);
/** Rendered on errors, not visited on their own (a direct visit answers their status). */
const ERROR_PAGES = new Set(['/403', '/404', '/500']);

// ---------------------------------------------------------------------------------------------------------
let base = '';
let dir = '';
let server: ChildProcess;
let browser: Browser;
const roles = new Map<string, string | null>(); // role → session token (null: anonymous)
const ownPages = new Map<string, string[]>(); // role → its own instances, crawled first
const htmlDir = () => join(dir, 'html');
const pageOfFile = new Map<string, string>(); // saved file → "role url"
const counts = { pages: 0, downloads: 0, patterns: new Set<string>() };
let routes: Route[] = [];

function vnu(files: string[]): Promise<{ file: string; line?: number; message: string; extract?: string }[]> {
	const jar = String(createRequire(import.meta.url)('vnu-jar'));
	return new Promise((resolve, reject) => {
		execFile('java', ['-Xss4m', '-jar', jar, '--format', 'json', '--stdout', '--exit-zero-always', ...files], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
			if (error) return reject(error);
			const messages = (JSON.parse(stdout) as { messages: { type: string; url?: string; lastLine?: number; message: string; extract?: string }[] }).messages;
			resolve(messages.filter((m) => m.type === 'error' || m.type === 'non-document-error').map((m) => ({ file: (m.url ?? '').replace(/^file:/, ''), line: m.lastLine, message: m.message, extract: m.extract })));
		});
	});
}

const javaPresent = () => {
	try {
		return !!process.env.PATH?.split(':').some((p) => existsSync(join(p, 'java')));
	} catch {
		return false;
	}
};

async function crawl(role: string, token: string | null): Promise<string[]> {
	const context: BrowserContext = await browser.newContext({ baseURL: base, locale: 'da-DK', timezoneId: 'Europe/Copenhagen' });
	if (token) await context.addCookies([{ name: 'vejviser_session', value: token, url: base, httpOnly: true, sameSite: 'Lax' }]);
	const problems: string[] = [];
	const seen = new Set<string>();
	const perKey = new Map<string, number>();
	const queue: string[] = [];
	/** Static routes tried without a link to them: one the role may not open (401/403) is not a problem. */
	const unlinked = new Set<string>();
	/** Pages of one pattern with the same query-parameter names count as one page type. */
	const keyOf = (url: URL) => {
		const route = routeOf(routes, url.pathname);
		return route && `${route.pattern}?${[...url.searchParams.keys()].sort().join('&')}`;
	};
	const enqueue = (href: string) => {
		let url: URL;
		try {
			url = new URL(href, base);
		} catch {
			return;
		}
		if (url.origin !== base) return;
		url.hash = '';
		const route = routeOf(routes, url.pathname);
		if (!route) return problems.push(`${role}: a link to ${url.pathname}${url.search}, which no page file serves`), undefined;
		if (ERROR_PAGES.has(route.pattern)) return;
		const key = keyOf(url)!;
		const target = url.pathname + url.search;
		if (seen.has(target) || (perKey.get(key) ?? 0) >= PER_PATTERN) return;
		seen.add(target);
		perKey.set(key, (perKey.get(key) ?? 0) + 1);
		queue.push(target);
	};
	for (const own of ownPages.get(role) ?? []) enqueue(own);
	enqueue('/');
	enqueue('/admin');
	unlinked.add('/admin');
	for (const r of routes) if (!r.dynamic && !seen.has(r.pattern)) enqueue(r.pattern), unlinked.add(r.pattern);

	const page: Page = await context.newPage();
	let current = '';
	const consoleErrors: string[] = [];
	const foreign: string[] = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error') consoleErrors.push(msg.text());
	});
	page.on('pageerror', (error) => consoleErrors.push(String(error)));
	page.on('request', (request) => {
		const url = request.url();
		if (!url.startsWith(base) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
	});

	let visited = 0;
	while (queue.length > 0 && visited < MAX_PAGES_PER_ROLE) {
		current = queue.shift()!;
		if (isDownload(current)) {
			const res = await context.request.get(current, { maxRedirects: 0 });
			counts.downloads++;
			if (res.status() >= 400 && !((res.status() === 401 || res.status() === 403) && unlinked.has(current))) problems.push(`${role} ${current}: status ${res.status()}`);
			continue;
		}
		visited++;
		consoleErrors.length = 0;
		foreign.length = 0;
		const started = performance.now();
		const before = problems.length;
		const response = await page.goto(current, { waitUntil: 'load', timeout: 60_000 });
		const status = response?.status() ?? 0;
		const where = `${role} ${current}${page.url() !== base + current ? ` (→ ${page.url().slice(base.length)})` : ''}`;
		if (status < 200 || status >= 400) {
			if ((status === 401 || status === 403) && unlinked.has(current)) continue;
			problems.push(`${where}: status ${status}`);
			continue;
		}
		// A redirect elsewhere (e.g. to sign in) is checked where it lands, once per pattern like any other page.
		const landed = new URL(page.url());
		if (landed.pathname + landed.search !== current) {
			const key = keyOf(landed);
			if (seen.has(landed.pathname + landed.search) || !key || (perKey.get(key) ?? 0) >= PER_PATTERN) continue;
			seen.add(landed.pathname + landed.search);
			perKey.set(key, (perKey.get(key) ?? 0) + 1);
		}
		counts.pages++;
		counts.patterns.add(routeOf(routes, landed.pathname)?.pattern ?? landed.pathname);
		const shape = await page.evaluate(() => ({ title: document.title.trim(), h1: document.querySelectorAll('h1').length, links: [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href) }));
		if (!shape.title) problems.push(`${where}: no <title>`);
		if (shape.h1 !== 1) problems.push(`${where}: ${shape.h1} <h1> elements`);
		const axe = await axeCheck(page);
		for (const v of axe.violations) problems.push(`${where}: axe ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
		if (consoleErrors.length) problems.push(`${where}: console errors: ${consoleErrors.join(' | ')}`);
		if (foreign.length) problems.push(`${where}: requests to other origins: ${[...new Set(foreign)].join(', ')}`);
		const file = join(htmlDir(), `${role}-${String(visited).padStart(3, '0')}.html`);
		writeFileSync(file, await page.content());
		pageOfFile.set(file, `${role} ${landed.pathname}${landed.search}`);
		for (const href of shape.links) {
			const target = new URL(href, base);
			unlinked.delete(target.pathname + target.search);
			enqueue(href);
		}
		if (verbose) console.log(`${role} ${current} ${Math.round(performance.now() - started)} ms${problems.length > before ? `\n  ${problems.slice(before).join('\n  ')}` : ''}`);
	}
	if (queue.length > 0) problems.push(`${role}: stopped after ${MAX_PAGES_PER_ROLE} pages with ${queue.length} left (raise MAX_PAGES_PER_ROLE or dedupe better)`);
	await context.close();
	return problems;
}

describe.skipIf(skipBrowser || sqliteOnly(`crawl.spec.ts ${SQLITE_COPY}`))('Every page for every role', () => {
	beforeAll(async () => {
		routes = routesFrom(join(process.cwd(), 'src/pages'));
		dir = mkdtempSync(join(tmpdir(), 'vejviser-crawl-'));
		mkdirSync(htmlDir());
		const dbPath = join(dir, 'crawl.db');
		const source = openSqlite(e2e.dbPath, { readonly: true });
		source.exec(`VACUUM INTO '${dbPath}'`);
		source.close();
		const copy = openSqlite(dbPath);
		copy.exec('DELETE FROM rate_limit');
		// One real instance per role: a person with an entry, their unit, an organisation organising a theme day, a group's supervisor.
		const person = copy.prepare("SELECT person.id, person.ref, unit_id, unit.slug AS unit_slug, organisation.slug AS org_slug FROM person JOIN unit ON unit.id = person.unit_id JOIN organisation ON organisation.id = unit.organisation_id WHERE person.status = 'active' ORDER BY person.id LIMIT 1").get() as { id: number; ref: string; unit_id: number; unit_slug: string; org_slug: string };
		const organiser = copy.prepare("SELECT event.organisation_id AS id, event.slug FROM event WHERE event.organisation_id IS NOT NULL AND event.status = 'published' ORDER BY event.starts_at DESC LIMIT 1").get() as { id: number; slug: string } | undefined;
		const supervisor = copy.prepare('SELECT user_id AS id, supervision_group.slug FROM supervision_supervisor JOIN supervision_group ON supervision_group.id = supervision_supervisor.group_id WHERE user_id IS NOT NULL ORDER BY supervision_supervisor.id LIMIT 1').get() as { id: number; slug: string } | undefined;
		// Each role starts at its own things, so the pages only it may open (edit, participants, documentation) are
		// the instances crawled for their patterns.
		ownPages.set('member', [`/personer/${person.ref}`]);
		ownPages.set('unit_editor', [`/organisationer/${person.org_slug}/${person.unit_slug}`, `/personer/${person.ref}`]);
		if (organiser) ownPages.set('organiser', [`/temadage/${organiser.slug}`, `/temadage/${organiser.slug}/admin/deltagere`, `/temadage/${organiser.slug}/admin/program`, `/temadage/${organiser.slug}/admin/indtjekning`]);
		if (supervisor) ownPages.set('supervisor', [`/supervision/${supervisor.slug}`, `/supervision/${supervisor.slug}/dokumentation`]);
		copy.close();
		const db = createDb(dbPath);
		const session = async (opts: Parameters<typeof createUserWithSession>[1]) => (await createUserWithSession(db, opts)).cookie.value;
		const { sessionCookieFor } = await import('../helpers/auth');
		roles.set('anonymous', null);
		roles.set('member', await session({ role: 'member', personId: person.id, name: 'Crawl Medlem' }));
		roles.set('unit_editor', await session({ role: 'unit_editor', unitIds: [person.unit_id], name: 'Crawl Enhed' }));
		expect(organiser, 'the seed has a theme day with an organising organisation').toBeDefined();
		roles.set('organiser', await session({ role: 'org_editor', organisationIds: [organiser!.id], name: 'Crawl Arrangør' }));
		expect(supervisor, 'the seed has a supervision group with a supervisor').toBeDefined();
		roles.set('supervisor', (await sessionCookieFor(db, supervisor!.id)).value);
		roles.set('admin', await session({ role: 'admin', name: 'Crawl Admin' }));
		await db.destroy();

		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		server = spawn(process.execPath, [e2e.serverEntry], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off' },
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		await waitForHealth(base, server);
		browser = await launchBrowser();
	}, 600_000);

	afterAll(async () => {
		await browser?.close();
		server?.kill('SIGTERM');
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	// CRAWL_ROLES=anonymous,admin limits a local run; npm test crawls as every role.
	const only = process.env.CRAWL_ROLES?.split(',');
	let running = 0;
	const waiting: (() => void)[] = [];
	async function inTurn<T>(work: () => Promise<T>): Promise<T> {
		if (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
		running++;
		try {
			return await work();
		} finally {
			running--;
			waiting.shift()?.();
		}
	}
	for (const role of ['admin', 'organiser', 'member', 'supervisor', 'anonymous', 'unit_editor'].filter((r) => !only || only.includes(r))) {
		// Concurrent, PARALLEL at a time (the longest first); the HTML check below runs after all of them.
		it.concurrent(`${role}: every reachable page answers, is accessible and well-formed`, async () => {
			const problems = await inTurn(() => crawl(role, roles.get(role) ?? null));
			expect(problems).toEqual([]);
		}, 1_800_000);
	}

	it('every crawled page (live DOM) is valid HTML per the W3C Nu checker', async () => {
		const files = [...pageOfFile.keys()];
		console.log(`Crawler: ${counts.pages} pages checked (${counts.patterns.size} route patterns, ${roles.size} roles), ${counts.downloads} downloads fetched; unvisited page patterns: ${routes.filter((r) => !counts.patterns.has(r.pattern) && !isDownload(r.pattern)).map((r) => r.pattern).join(', ') || 'none'}`);
		expect(files.length).toBeGreaterThan(20);
		if (!javaPresent()) {
			if (process.env.CI === 'true') throw new Error('CI=true but no java for the Nu checker (apt-get install default-jre-headless)');
			console.warn('\n!!! HTML VALIDATION SKIPPED: no java on PATH (apt-get install default-jre-headless) !!!\n');
			return;
		}
		const errors = await vnu(files);
		const byPage = errors.map((e) => `${pageOfFile.get(e.file) ?? e.file}:${e.line ?? '?'}: ${e.message}${e.extract ? ` — ${e.extract.trim().slice(0, 120)}` : ''}`);
		expect(byPage).toEqual([]);
	}, 300_000);
});

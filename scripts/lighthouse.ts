/**
 * `npm run lighthouse` — Lighthouse 12.8 in Debian's Chromium on the pages people use most (home, search results,
 * person, municipality, contact sheet, theme day, supervision group, pathway), mobile and desktop. Fails when any
 * category scores below 95 or a page loads more than 15 kB (gzip) of JavaScript.
 *
 * Starts its own built server (LIGHTHOUSE_PORT, default 4406) on a freshly seeded database in a temp folder;
 * builds into .lighthouse/dist when there is no build (LIGHTHOUSE_DIST to reuse one). Instances are found by
 * following links, so no slug is hard-coded; a page type the app does not have yet (404) is skipped with a note.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { createDb } from '../db/client';
import { createSession, SESSION_COOKIE } from '../src/modules/auth/auth.sessions';

const MIN_SCORE = 95;
const MAX_JS_GZIP = 15 * 1024;
const port = Number(process.env.LIGHTHOUSE_PORT ?? 4406);
const base = `http://127.0.0.1:${port}`;
const outDir = resolve(process.env.LIGHTHOUSE_DIST ?? '.lighthouse/dist');
const chromePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(join(outDir, 'server', 'entry.mjs'))) {
	console.log(`Bygger i ${outDir} …`);
	execSync('npx astro build', { stdio: 'inherit', env: { ...process.env, ASTRO_OUT_DIR: outDir, ASTRO_TELEMETRY_DISABLED: '1' } });
}
const dir = mkdtempSync(join(tmpdir(), 'vejviser-lighthouse-'));
const dbPath = join(dir, 'lighthouse.db');
execSync('npx tsx db/cli.ts setup', { stdio: 'inherit', env: { ...process.env, DATABASE_PATH: dbPath } });

// A member's session for the pages only members see (a supervision group).
const db = createDb(dbPath);
const user = await db
	.insertInto('user')
	.values({ email: `lighthouse-${Date.now()}@test.example`, name: 'Lighthouse Medlem', role: 'member', status: 'active', person_id: null, created_at: new Date().toISOString() })
	.returning('id')
	.executeTakeFirstOrThrow();
const { token } = await createSession(db, user.id, { now: new Date(), label: 'Lighthouse', secondFactorAt: null });
await db.destroy();
const memberCookie = `${SESSION_COOKIE}=${token}`;

const server = spawn(process.execPath, [join(outDir, 'server', 'entry.mjs')], {
	env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: dbPath, PUBLIC_BASE_URL: base, SMTP_URL: '', JOBS_SCHEDULER: 'off' },
	stdio: ['ignore', 'ignore', 'inherit'],
});
const stop = () => {
	server.kill('SIGTERM');
	rmSync(dir, { recursive: true, force: true });
};

async function waitForHealth() {
	for (let i = 0; i < 150; i++) {
		if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
		if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('the server did not start');
}

/** The first link on `from` whose path matches `pattern`, or null when the page is missing or has none. */
async function firstLink(from: string, pattern: RegExp, cookie?: string): Promise<string | null> {
	const res = await fetch(base + from, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
	if (res.status !== 200) return null;
	const html = await res.text();
	for (const m of html.matchAll(/href="([^"#]+)"/g)) {
		const href = m[1].replaceAll('&amp;', '&');
		if (pattern.test(new URL(href, base).pathname)) return new URL(href, base).pathname;
	}
	return null;
}

interface Target {
	name: string;
	/** Pages kept out of search engines on purpose (README Decision "Not for search engines"): the SEO audit "is-crawlable" is skipped there. */
	noindex?: boolean;
	path: string | null;
	cookie?: string;
	note?: string;
}

let failed = false;
try {
	await waitForHealth();
	const search = '/sog?q=selvskade+gribskov';
	const municipality = await firstLink('/kommuner', /^\/kommuner\/[^/]+$/);
	const pathway = await firstLink('/viden', /^\/viden\/forloeb\/[^/]+$/);
	const targets: Target[] = [
		{ name: 'home', path: '/' },
		{ name: 'search results', noindex: true, path: search },
		{ name: 'person', noindex: true, path: await firstLink(search, /^\/personer\/[^/]+$/) },
		{ name: 'municipality', noindex: true, path: municipality },
		{ name: 'contact sheet', noindex: true, path: municipality && `${municipality}/kontaktark` },
		{ name: 'theme day', path: await firstLink('/temadage', /^\/temadage\/(?!arkiv$|mine$|admin$)[^/.]+$/) },
		{ name: 'group', noindex: true, path: await firstLink('/supervision', /^\/supervision\/(?!ny$|mine-timer$)[^/.]+$/, memberCookie), cookie: memberCookie },
		{ name: 'pathway', noindex: true, path: pathway && `${pathway}?kommune=gribskov`, note: 'no pathway pages yet (/viden answers no /viden/forloeb/… link)' },
	];

	const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
	const rows: string[] = [];
	try {
		// One discarded run first: a cold Chromium and a cold server (JIT, first index build) cost the first page
		// ~350 ms of blocking time that no user of a running site sees.
		await lighthouse(base + '/', { port: chrome.port, output: 'json', logLevel: 'error' }, { extends: 'lighthouse:default' as const, settings: { onlyCategories: ['performance'] } });
		// LIGHTHOUSE_PAGES=home,person runs only those (a quick look); the default runs all.
		const only = process.env.LIGHTHOUSE_PAGES?.split(',');
		for (const target of targets.filter((t) => !only || only.includes(t.name))) {
			if (!target.path) {
				console.log(`SKIPPED ${target.name}: ${target.note ?? 'no instance found'}`);
				continue;
			}
			for (const formFactor of ['mobile', 'desktop'] as const) {
				const flags = { port: chrome.port, output: 'json' as const, logLevel: 'error' as const, extraHeaders: target.cookie ? { Cookie: target.cookie } : undefined };
				const skipAudits = target.noindex ? ['is-crawlable'] : [];
				const config = formFactor === 'desktop' ? { ...desktopConfig, settings: { ...desktopConfig.settings, skipAudits } } : { extends: 'lighthouse:default' as const, settings: { skipAudits } };
				const result = await lighthouse(base + target.path, flags, config);
				if (!result) throw new Error(`no Lighthouse result for ${target.path}`);
				const lhr = result.lhr;
				if (lhr.runtimeError) throw new Error(`${target.path}: ${lhr.runtimeError.message}`);
				const scores = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round((c.score ?? 0) * 100)]));
				const requests = ((lhr.audits['network-requests']?.details as { items?: { resourceType?: string; transferSize?: number }[] })?.items ?? []);
				const js = requests.filter((r) => r.resourceType === 'Script').reduce((sum, r) => sum + (r.transferSize ?? 0), 0);
				const low = Object.entries(scores).filter(([, s]) => s < MIN_SCORE);
				const problems = [...low.map(([id, s]) => `${id} ${s}`), ...(js > MAX_JS_GZIP ? [`JS ${js} B > ${MAX_JS_GZIP} B`] : [])];
				if (problems.length) {
					failed = true;
					for (const [id] of low)
						for (const ref of lhr.categories[id].auditRefs) {
							const audit = lhr.audits[ref.id];
							if (ref.weight > 0 && audit.score !== null && audit.score < 1) console.log(`   ${target.name}/${formFactor} ${id}: ${audit.id} (${audit.score}) ${audit.title} ${audit.displayValue ?? ''}`);
						}
				}
				const row = `${target.name.padEnd(14)} ${formFactor.padEnd(7)} perf ${scores.performance} · a11y ${scores.accessibility} · best ${scores['best-practices']} · seo ${scores.seo} · JS ${(js / 1024).toFixed(1)} kB gzip${problems.length ? `  FAIL: ${problems.join(', ')}` : ''}  ${target.path}`;
				console.log(row);
				rows.push(row);
			}
		}
	} finally {
		await chrome.kill();
	}
	console.log(`\n${rows.length} Lighthouse runs; minimum ${MIN_SCORE} per category, JavaScript ≤ ${MAX_JS_GZIP / 1024} kB gzip per page: ${failed ? 'FAILED' : 'passed'}`);
} catch (error) {
	console.error(error);
	failed = true;
} finally {
	stop();
}
process.exit(failed ? 1 : 0);

/**
 * `npm run test:e2e:pg`: the browser journeys that matter most (theme days and supervision, handover and key
 * person, search — also after hours — the nurse's first minutes and the discharge pathway) once more with the shared server on
 * PostgreSQL (E2E_DATABASE_URL, see tests/e2e/global-setup.ts). Reuses the build of the SQLite run before it in `npm test` (E2E_SKIP_BUILD=1;
 * builds only when there is none). Same rule as test:pg: no server → loud skip, a failure under CI=true.
 * File names as arguments run those specs instead of the list below.
 */
import { spawnSync } from 'node:child_process';
import { requireServerOrSkip, serverUrl, shownUrl } from './postgres-server.mjs';

/** Kept short on purpose: each spec adds CI time (measured in tests/e2e/README.md). */
const POSTGRES_SPECS = [
	'tests/e2e/themedays.spec.ts',
	'tests/e2e/supervision.spec.ts',
	'tests/e2e/handover.spec.ts',
	'tests/e2e/keyperson.spec.ts',
	'tests/e2e/search.spec.ts',
	'tests/e2e/after-hours.spec.ts',
	'tests/e2e/nurse-first-minutes.spec.ts',
	'tests/e2e/first-minutes.spec.ts',
	// Issue 11's "done when": the discharge pathway's live contacts, handover and verification.
	'tests/e2e/knowledge.spec.ts',
];

await requireServerOrSkip('browser tests');
const files = process.argv.slice(2).length ? process.argv.slice(2) : POSTGRES_SPECS;
console.log(`Browser tests on PostgreSQL (${shownUrl}): ${files.length} spec files …`);
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', ...files], {
	stdio: 'inherit',
	env: { ...process.env, E2E_DATABASE_URL: process.env.E2E_DATABASE_URL?.trim() || serverUrl, E2E_SKIP_BUILD: '1' },
});
console.log(`Browser tests on PostgreSQL took ${Math.round((Date.now() - started) / 1000)} s.`);
process.exit(run.status ?? 1);

import { getViteConfig } from 'astro/config';

/**
 * The integration suite's second engine: the files below run again with TEST_DATABASE_URL set (each file gets
 * a fresh PostgreSQL database, tests/helpers/test-db.ts). `npm run test:pg` (scripts/test-postgres.mjs) starts
 * it. Files not listed still reach better-sqlite3-only paths (rawSqlite(): search repository, theme-day seat
 * writes) — README Decision "PostgreSQL as a second engine"; add a file here once it is green.
 * (tests/supervision-search.test.ts waits for the search repository only.)
 */
export const POSTGRES_READY = [
	'tests/db-engines.test.ts',
	'tests/db-copy.test.ts',
	'tests/auth-passkeys.test.ts',
	'tests/auth-permissions.test.ts',
	'tests/auth-signin.test.ts',
	'tests/mail-delivery.test.ts',
	'tests/freshness-loop.test.ts',
	'tests/supervision-hours.test.ts',
	'tests/supervision-groups.test.ts',
	'tests/supervision-seed.test.ts',
	'tests/api-people.test.ts',
	'tests/editing-corrections.test.ts',
	'tests/shared-render.test.ts',
];

export default getViteConfig({
	test: {
		include: POSTGRES_READY,
		testTimeout: 60_000,
		hookTimeout: 120_000,
	},
});

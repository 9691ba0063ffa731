import { getViteConfig } from 'astro/config';

/**
 * The integration suite's second engine: the files below run again with TEST_DATABASE_URL set (each file gets
 * a fresh PostgreSQL database, tests/helpers/test-db.ts). `npm run test:pg` (scripts/test-postgres.mjs) starts
 * it. Files not listed still reach better-sqlite3-only paths (rawSqlite(): theme-day and
 * supervision seat writes) — README Decision "PostgreSQL as a second engine"; add a file here once it is green.
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
	'tests/api-people.test.ts',
	'tests/editing-corrections.test.ts',
	'tests/search-admin.test.ts',
	'tests/search-availability.test.ts',
	'tests/search-normalise.test.ts',
	'tests/search-parser.test.ts',
	'tests/search-ranking-sectors.test.ts',
	'tests/search-ranking.test.ts',
	'tests/search-rebuild.test.ts',
	'tests/search-results-page.test.ts',
	'tests/admin-import.test.ts',
	'tests/admin-merge.test.ts',
	'tests/api-keys.test.ts',
	'tests/auth-sessions.test.ts',
	'tests/directory-export.test.ts',
	'tests/directory-phone-default.test.ts',
	'tests/directory-vcard.test.ts',
	'tests/directory-views.test.ts',
	'tests/editing-handover.test.ts',
	'tests/editing-person.test.ts',
	'tests/editing-units.test.ts',
	'tests/freshness-confirm-own.test.ts',
	'tests/freshness-dashboard-filter.test.ts',
	'tests/freshness-policy.test.ts',
	'tests/freshness-token.test.ts',
	'tests/handover-scheduled.test.ts',
	'tests/hours.test.ts',
	'tests/hsds.test.ts',
	'tests/http-forms.test.ts',
	'tests/knowledge-contacts.test.ts',
	'tests/knowledge-review.test.ts',
	'tests/knowledge-search.test.ts',
	'tests/page-cache.test.ts',
	'tests/privacy-retention.test.ts',
	'tests/quality-rules.test.ts',
	'tests/routing-card.test.ts',
	'tests/stats-figures.test.ts',
	'tests/directory-import.test.ts',
	'tests/migrations.test.ts',
];

export default getViteConfig({
	test: {
		include: POSTGRES_READY,
		testTimeout: 60_000,
		hookTimeout: 120_000,
	},
});

import { availableParallelism } from 'node:os';
import { getViteConfig } from 'astro/config';

/**
 * The integration suite's second engine: every test file runs again with TEST_DATABASE_URL set (each file that opens
 * a database gets a fresh PostgreSQL one, tests/helpers/test-db.ts). `npm run test:pg` (scripts/test-postgres.mjs)
 * starts it. Left out, each with its reason:
 */
export const SQLITE_ONLY: Record<string, string> = {
	'tests/db-backup.test.ts': 'db:backup/db:restore copy SQLite files (PostgreSQL uses pg_dump)',
	'tests/db-locks.test.ts': "SQLite's file lock held by another process (PostgreSQL's waits: db-engines.test.ts)",
	// No database at all: running them twice proves nothing.
	'tests/clock.test.ts': 'pure',
	'tests/directory-rules.test.ts': 'pure',
	'tests/knowledge-build.test.ts': 'no database: runs astro sync on a scratch content folder',
	'tests/knowledge-schema.test.ts': 'pure',
	'tests/knowledge-sections.test.ts': 'pure',
	'tests/markdown.test.ts': 'pure',
	'tests/phone.test.ts': 'pure',
	'tests/search-normalise.test.ts': 'pure',
	'tests/search-parser.test.ts': 'pure',
};

export default getViteConfig({
	test: {
		include: ['tests/**/*.test.ts'],
		exclude: ['tests/e2e/**', 'node_modules/**', ...Object.keys(SQLITE_ONLY)],
		// Files spend much of their time waiting on the server (creating their databases, round trips), so twice
		// the cores keeps both busy; Vitest's default would be one worker on the two-core CI machine.
		maxWorkers: Math.max(4, 2 * availableParallelism()),
		testTimeout: 60_000,
		hookTimeout: 120_000,
	},
});

import { availableParallelism } from 'node:os';
import { getViteConfig } from 'astro/config';

export default getViteConfig({
	test: {
		include: ['tests/**/*.test.ts'],
		exclude: ['tests/e2e/**', 'node_modules/**'],
		// Vitest's default is one worker fewer than the cores — one worker on the two-core CI machine, which
		// leaves a core idle while a file waits on its files and child processes.
		maxWorkers: Math.max(2, availableParallelism()),
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// The first run is the SQLite run, always: .ci/run exports TEST_DATABASE_URL for the PostgreSQL run
		// (scripts/test-postgres.mjs), and files not ready for PostgreSQL must not pick it up here.
		env: { TEST_DATABASE_URL: '' },
	},
});

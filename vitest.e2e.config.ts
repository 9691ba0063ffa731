import { getViteConfig } from 'astro/config';

/** Browser tests: one built server per run (see tests/e2e/global-setup.ts), spec files one at a time. */
export default getViteConfig({
	test: {
		include: ['tests/e2e/**/*.spec.ts'],
		globalSetup: ['tests/e2e/global-setup.ts'],
		setupFiles: ['tests/e2e/screenshots.setup.ts'],
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 120_000,
	},
});

// @ts-check
/**
 * `npm run mutation` — StrykerJS on the rules, permissions and write paths of src/modules (issue 15). Not part of
 * `npm test`: it takes minutes. Incremental: the result is kept in reports/stryker-incremental.json (ignored by
 * git), so a second run only tests mutants in changed code or with changed tests. Two cores → concurrency 2.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
	testRunner: 'vitest',
	plugins: ['@stryker-mutator/vitest-runner'],
	vitest: { configFile: 'vitest.stryker.config.ts' },
	coverageAnalysis: 'perTest',
	mutate: [
		'src/modules/**/*.rules.ts',
		'src/modules/auth/auth.permissions.ts',
		'src/modules/auth/auth.ratelimit.ts',
		'src/modules/events/events.permissions.ts',
		'src/lib/scope.ts',
		'src/modules/directory/directory.writes.ts',
		'src/modules/events/events.writes.ts',
	],
	concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
	incremental: true,
	incrementalFile: 'reports/stryker-incremental.json',
	reporters: ['clear-text', 'progress-append-only', 'json'],
	jsonReporter: { fileName: 'reports/mutation.json' },
	thresholds: { high: 90, low: 80, break: null },
	timeoutMS: 20_000,
	tempDirName: '.stryker-tmp',
	cleanTempDir: 'always',
};

// @ts-check
/**
 * `npm run mutation` — StrykerJS on the rules, permissions and write paths of src/modules (issue 15). Not part of
 * `npm test`: a first full run takes hours on two shared cores (every mutant restarts vitest on the tests that cover
 * it). Incremental: the result is kept in reports/stryker-incremental.json (ignored by git), so a second run only
 * tests mutants in changed code or with changed tests. Two cores → concurrency 2 (STRYKER_CONCURRENCY). To work on
 * one module: `STRYKER_TESTS=hours.test.ts npx stryker run stryker.config.mjs --mutate src/modules/hours/hours.rules.ts`.
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
	// A static mutant (module-level code: the LIMITS table, top-level regexes and constants) runs every test of
	// vitest.stryker.config.ts, ~70 s each: the ~330 of them would take 6 h on two cores. They are reported as
	// "ignored" and left out of the score; STRYKER_STATIC=1 runs them too.
	ignoreStatic: process.env.STRYKER_STATIC !== '1',
	incremental: true,
	incrementalFile: 'reports/stryker-incremental.json',
	reporters: ['clear-text', 'progress-append-only', 'json'],
	jsonReporter: { fileName: 'reports/mutation.json' },
	thresholds: { high: 90, low: 80, break: null },
	timeoutMS: 20_000,
	tempDirName: '.stryker-tmp',
	cleanTempDir: 'always',
};

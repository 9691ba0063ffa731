import { getViteConfig } from 'astro/config';

/**
 * The tests StrykerJS runs (`npm run mutation`): the unit and integration tests of the mutated modules — rules,
 * permissions, scope, rate limits and the directory/theme-day writes. The full unit suite would find a few more
 * kills but triples the dry run on two cores; a mutant only some other file kills is reported as survived.
 */
// STRYKER_TESTS=a.test.ts,b.test.ts narrows a run further (with --mutate on the matching sources).
const only = process.env.STRYKER_TESTS?.split(',').map((f) => `tests/${f}`);

export default getViteConfig({
	test: {
		include: only ?? [
			'tests/auth-permissions.test.ts',
			'tests/auth-signin.test.ts',
			'tests/auth-sessions.test.ts',
			'tests/directory-rules.test.ts',
			'tests/directory-writes.test.ts',
			'tests/editing-handover.test.ts',
			'tests/editing-person.test.ts',
			'tests/editing-units.test.ts',
			'tests/events-abuse.test.ts',
			'tests/events-csv.test.ts',
			'tests/events-ics.test.ts',
			'tests/events-registration.test.ts',
			'tests/events-scope.test.ts',
			'tests/events-participant.test.ts',
			'tests/events-permissions.test.ts',
			'tests/freshness-rules.test.ts',
			'tests/freshness-policy.test.ts',
			'tests/hours.test.ts',
			'tests/knowledge-contacts.test.ts',
			'tests/knowledge-review.test.ts',
			'tests/quality-rules.test.ts',
		],
		testTimeout: 30_000,
		hookTimeout: 60_000,
	},
});

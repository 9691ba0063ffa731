/**
 * `npm run test:pg`: the PostgreSQL run of the integration suite (vitest.postgres.config.ts). Uses
 * TEST_DATABASE_URL, else the local server's `postgres` database. When nothing answers it says so loudly and
 * skips — except with CI=true, where a missing server is a failure (.ci/run provides one).
 */
import { spawnSync } from 'node:child_process';
import { requireServerOrSkip, serverUrl, shownUrl } from './postgres-server.mjs';

await requireServerOrSkip('integration tests');
console.log(`Integration tests on PostgreSQL (${shownUrl}) …`);
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.postgres.config.ts', ...process.argv.slice(2)], {
	stdio: 'inherit',
	env: { ...process.env, TEST_DATABASE_URL: serverUrl },
});
process.exit(run.status ?? 1);

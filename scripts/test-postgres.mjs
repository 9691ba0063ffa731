/**
 * `npm run test:pg`: the PostgreSQL run of the integration suite (vitest.postgres.config.ts). Uses
 * TEST_DATABASE_URL, else the local server's `postgres` database. When nothing answers it says so loudly and
 * skips — except with CI=true, where a missing server is a failure (.ci/run provides one).
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';

const url = process.env.TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
const { hostname, port } = new URL(url);

const reachable = await new Promise((resolve) => {
	const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
	socket.setTimeout(2000);
	socket.once('connect', () => (socket.destroy(), resolve(true)));
	socket.once('timeout', () => (socket.destroy(), resolve(false)));
	socket.once('error', () => resolve(false));
});

if (!reachable) {
	const line = '!'.repeat(78);
	console.error(`\n${line}\n!!! PostgreSQL SKIPPED: nothing answers at ${hostname}:${port || 5432} (TEST_DATABASE_URL).\n!!! Only SQLite was tested. Start a server or set TEST_DATABASE_URL.\n${line}\n`);
	process.exit(process.env.CI === 'true' ? 1 : 0);
}

console.log(`Integration tests on PostgreSQL (${url.replace(/\/\/[^@/]*@/, '//')}) …`);
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.postgres.config.ts', ...process.argv.slice(2)], {
	stdio: 'inherit',
	env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(run.status ?? 1);

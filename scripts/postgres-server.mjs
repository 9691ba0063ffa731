/**
 * The PostgreSQL server the test runs use (scripts/test-postgres.mjs, scripts/test-e2e-postgres.mjs), and the one
 * rule both follow: when nothing answers, say so loudly and skip — except with CI=true, where a missing server is
 * a failure (.ci/run provides one).
 */
import { connect } from 'node:net';

/** TEST_DATABASE_URL, else the local server's `postgres` database. */
export const serverUrl = process.env.TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL without its password, for log lines. */
export const shownUrl = serverUrl.replace(/\/\/[^@/]*@/, '//');

/** Exits (0, or 1 under CI=true) with a banner naming `what` when no server answers; returns when one does. */
export async function requireServerOrSkip(what) {
	const { hostname, port } = new URL(serverUrl);
	const reachable = await new Promise((resolve) => {
		const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
		socket.setTimeout(2000);
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('timeout', () => (socket.destroy(), resolve(false)));
		socket.once('error', () => resolve(false));
	});
	if (reachable) return;
	const line = '!'.repeat(78);
	console.error(`\n${line}\n!!! PostgreSQL SKIPPED (${what}): nothing answers at ${hostname}:${port || 5432} (TEST_DATABASE_URL).\n!!! Only SQLite was tested. Start a server or set TEST_DATABASE_URL.\n${line}\n`);
	process.exit(process.env.CI === 'true' ? 1 : 0);
}

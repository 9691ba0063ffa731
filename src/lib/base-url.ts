/**
 * The site's public address, for links in mails, calendars and vCards. `PUBLIC_BASE_URL` when set; otherwise
 * the address this server listens on (HOST/PORT as the process was started — read at run time, so one build
 * serves any port). The server also writes it into the database, so `npm run user:add` prints links to the
 * server that is actually running.
 */
import { sql } from 'kysely';
import type { Db } from '@db/client';

type Env = Record<string, string | undefined>;

export function publicBaseUrl(env: Env = process.env): string {
	if (env.PUBLIC_BASE_URL) return env.PUBLIC_BASE_URL.replace(/\/+$/, '');
	const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
	return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT || '4321'}`;
}

/** This process's public address (see above), fixed at start. */
export const PUBLIC_BASE_URL = publicBaseUrl();

/** Records the running server's address (once per process; never waits for a busy database). */
export async function rememberServerAddress(db: Db, address: string = PUBLIC_BASE_URL): Promise<void> {
	await sql`INSERT INTO app_secret (name, value, created_at) VALUES ('server_address', ${address}, ${new Date().toISOString()})
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`
		.execute(db)
		.catch(() => {});
}

/** The address a running server recorded, for command-line tools; undefined when none has run. */
export async function recalledServerAddress(db: Db): Promise<string | undefined> {
	const row = await sql<{ value: string }>`SELECT value FROM app_secret WHERE name = 'server_address'`.execute(db);
	return row.rows[0]?.value;
}

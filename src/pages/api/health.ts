import type { APIRoute } from 'astro';
import { sql } from 'kysely';
import { getDb } from '@/lib/db';
import { healthDetails } from '@/modules/jobs/jobs.health';

/**
 * `GET /api/health` (contracts.md): exactly `{"status":"ok"}` with 200 while the database answers, 503 otherwise.
 * `?detaljer=1` adds the schema's migration level and each scheduled job's last run and last good run (jobs.health.ts).
 */
export const GET: APIRoute = async ({ url }) => {
	const headers = { 'Cache-Control': 'no-store' };
	try {
		const db = getDb();
		if (!url.searchParams.has('detaljer')) {
			await sql`select 1`.execute(db);
			return Response.json({ status: 'ok' }, { headers });
		}
		return Response.json(await healthDetails(db), { headers });
	} catch {
		return Response.json({ status: 'error' }, { status: 503, headers });
	}
};

import type { APIRoute } from 'astro';
import { sql } from 'kysely';
import { getDb } from '@/lib/db';

/**
 * `GET /api/health` (contracts.md): exactly `{"status":"ok"}` with 200 while the database answers, 503 otherwise.
 * `?detaljer=1` adds the schema's migration level and when each scheduled job last ran well, for monitoring.
 */
export const GET: APIRoute = async ({ url }) => {
	const headers = { 'Cache-Control': 'no-store' };
	try {
		const db = getDb();
		if (!url.searchParams.has('detaljer')) {
			await sql`select 1`.execute(db);
			return Response.json({ status: 'ok' }, { headers });
		}
		const [migration, jobs] = await Promise.all([
			sql<{ name: string | null }>`SELECT max(name) AS name FROM kysely_migration`.execute(db),
			sql<{ name: string; last_finished_at: string | null; last_ok: number | null }>`SELECT name, last_finished_at, last_ok FROM job_run ORDER BY name`.execute(db),
		]);
		return Response.json(
			{
				status: 'ok',
				migration: migration.rows[0]?.name ?? null,
				jobs: Object.fromEntries(jobs.rows.map((j) => [j.name, { lastRunAt: j.last_finished_at, ok: j.last_ok === 1 }])),
			},
			{ headers },
		);
	} catch {
		return Response.json({ status: 'error' }, { status: 503, headers });
	}
};

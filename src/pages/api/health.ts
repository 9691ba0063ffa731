import type { APIRoute } from 'astro';
import { sql } from 'kysely';
import { getDb } from '@/lib/db';

export const GET: APIRoute = async () => {
	try {
		await sql`select 1`.execute(getDb());
		return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
	} catch {
		return Response.json({ status: 'error' }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
	}
};

import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { searchApi } from '@/modules/search/search.api';
import { logExport } from '@/modules/privacy/privacy.exports';

/** GET /api/search?q=TEXT[&type=…][&limit=N] — contract in docs (contracts.md); `suggest=1` for as-you-type. */
export const GET: APIRoute = async ({ url, locals }) => {
	const db = getDb();
	const { status, body } = await searchApi(db, url.searchParams);
	const client = locals.apiClient;
	if (client && 'results' in body) await logExport(db, { actor: `api:${client.name}`, apiKeyId: client.id, kind: 'search', channel: 'api', rows: body.results.length });
	return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
};

import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { searchApi } from '@/modules/search/search.api';

/** GET /api/search?q=TEXT[&type=…][&limit=N] — contract in docs (contracts.md); `suggest=1` for as-you-type. */
export const GET: APIRoute = async ({ url }) => {
	const { status, body } = await searchApi(getDb(), url.searchParams);
	return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
};

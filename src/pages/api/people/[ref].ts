import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { resolveMergedRef } from '@/modules/admin/admin.merge';
import { loadPersonJson, viewerWithRights } from '@/modules/directory/directory.views';

/** `GET /api/people/{ref}` (contracts.md): the person with the fields this caller may see; 404 JSON when unknown. */
export const GET: APIRoute = async ({ params, locals }) => {
	const person = await loadPersonJson(getDb(), params.ref ?? '', await viewerWithRights(getDb(), locals.user));
	const headers = { 'Cache-Control': 'private, no-store', Vary: 'Cookie' };
	if (!person) {
		// A merged-away ref answers with the kept person's URL (clients following redirects keep working).
		const kept = await resolveMergedRef(getDb(), params.ref ?? '');
		if (kept) return new Response(null, { status: 301, headers: { ...headers, Location: `/api/people/${encodeURIComponent(kept)}` } });
	}
	if (!person) return Response.json({ error: 'not_found', message: 'Personen findes ikke i Vejviser.' }, { status: 404, headers });
	return Response.json(person, { headers });
};

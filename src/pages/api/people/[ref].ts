import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { resolveMergedRef } from '@/modules/admin/admin.merge';
import { loadPersonJson, viewerWithRights } from '@/modules/directory/directory.views';
import { logExport } from '@/modules/privacy/privacy.exports';

/**
 * `GET /api/people/{ref}` (contracts.md): the person with the fields this caller may see; 404 JSON when unknown.
 * With an API key the key decides: members-only fields only when an admin allowed the key to see them.
 */
export const GET: APIRoute = async ({ params, locals }) => {
	const db = getDb();
	const client = locals.apiClient;
	const viewer = client ? { signedIn: client.membersFields } : await viewerWithRights(db, locals.user);
	const person = await loadPersonJson(db, params.ref ?? '', viewer);
	const headers = { 'Cache-Control': 'private, no-store', Vary: 'Cookie, Authorization' };
	if (!person) {
		// A merged-away ref answers with the kept person's URL (clients following redirects keep working).
		const kept = await resolveMergedRef(db, params.ref ?? '');
		if (kept) return new Response(null, { status: 301, headers: { ...headers, Location: `/api/people/${encodeURIComponent(kept)}` } });
	}
	if (client) await logExport(db, { actor: `api:${client.name}`, apiKeyId: client.id, kind: 'person', channel: 'api', rows: person ? 1 : 0, detail: params.ref ?? '' });
	if (!person) return Response.json({ error: 'not_found', message: 'Personen findes ikke i Vejviser.' }, { status: 404, headers });
	return Response.json(person, { headers });
};

import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
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
	if (client) await logExport(db, { actor: `api:${client.name}`, apiKeyId: client.id, kind: 'person', channel: 'api', rows: person ? 1 : 0, detail: params.ref ?? '' });
	if (!person) return Response.json({ error: 'not_found', message: 'Personen findes ikke i Vejviser.' }, { status: 404, headers });
	return Response.json(person, { headers });
};

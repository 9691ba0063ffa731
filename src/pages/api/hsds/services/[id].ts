import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { hsdsService } from '@/modules/hsds/hsds.feed';
import { hsdsJson, hsdsNotFound } from '@/modules/hsds/hsds.http';
import { ANONYMOUS_OPEN_DATA, logExport, logExportDaily } from '@/modules/privacy/privacy.exports';

/**
 * `GET /api/hsds/services/{id}` (contracts.md): one service with its organisation, contacts, phones and areas.
 * Its contacts are people, so the read is in the export log: per request with an API key, one line a day for
 * anonymous readers (the lists carry no contacts, so they are not logged).
 */
export const GET: APIRoute = async ({ params, locals }) => {
	const db = getDb();
	const service = await hsdsService(db, params.id ?? '', PUBLIC_BASE_URL);
	if (!service) return hsdsNotFound('Tilbuddet');
	const people = Array.isArray(service.contacts) ? service.contacts.length : 0;
	const client = locals.apiClient;
	if (client) await logExport(db, { actor: `api:${client.name}`, apiKeyId: client.id, kind: 'hsds', channel: 'api', rows: people, detail: String(service.id) });
	else if (people > 0) await logExportDaily(db, { actor: ANONYMOUS_OPEN_DATA, kind: 'hsds', channel: 'web', rows: people });
	return hsdsJson(service);
};

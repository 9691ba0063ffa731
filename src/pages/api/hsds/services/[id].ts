import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { hsdsService } from '@/modules/hsds/hsds.feed';
import { hsdsJson, hsdsNotFound } from '@/modules/hsds/hsds.http';

/** `GET /api/hsds/services/{id}` (contracts.md): one service with its organisation, contacts, phones and areas. */
export const GET: APIRoute = async ({ params }) => {
	const service = await hsdsService(getDb(), params.id ?? '', PUBLIC_BASE_URL);
	return service ? hsdsJson(service) : hsdsNotFound('Tilbuddet');
};

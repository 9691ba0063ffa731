import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { hsdsOrganisation } from '@/modules/hsds/hsds.feed';
import { hsdsJson, hsdsNotFound } from '@/modules/hsds/hsds.http';

/** `GET /api/hsds/organizations/{id}` (contracts.md): one organisation. */
export const GET: APIRoute = async ({ params }) => {
	const organisation = await hsdsOrganisation(getDb(), params.id ?? '', PUBLIC_BASE_URL);
	return organisation ? hsdsJson(organisation) : hsdsNotFound('Organisationen');
};

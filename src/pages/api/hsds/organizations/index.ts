import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { hsdsOrganisationsPage, parsePaging } from '@/modules/hsds/hsds.feed';
import { hsdsJson } from '@/modules/hsds/hsds.http';

/** `GET /api/hsds/organizations?page=N&per_page=M` (contracts.md): a page of organisations. */
export const GET: APIRoute = async ({ url }) => {
	const { page, perPage } = parsePaging(url.searchParams);
	return hsdsJson(await hsdsOrganisationsPage(getDb(), page, perPage, PUBLIC_BASE_URL));
};

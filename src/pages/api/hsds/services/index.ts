import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { hsdsServicesPage, parsePaging } from '@/modules/hsds/hsds.feed';
import { hsdsJson } from '@/modules/hsds/hsds.http';

/** `GET /api/hsds/services?page=N&per_page=M` (contracts.md): a page of services, one-to-one fields only. */
export const GET: APIRoute = async ({ url }) => {
	const { page, perPage } = parsePaging(url.searchParams);
	return hsdsJson(await hsdsServicesPage(getDb(), page, perPage, PUBLIC_BASE_URL));
};

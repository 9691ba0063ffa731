import type { APIRoute } from 'astro';
import { hsdsApiInfo } from '@/modules/hsds/hsds.feed';
import { hsdsJson } from '@/modules/hsds/hsds.http';

/** `GET /api/hsds/` (contracts.md): which HSDS version this API speaks. */
export const GET: APIRoute = () => hsdsJson(hsdsApiInfo());

/** `npm run db:export -- --format hsds DIR`: the whole feed as HSDS 3.0 JSON files (services.json, organizations.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '@db/client';
import { publicBaseUrl } from '@/lib/base-url';
import { hsdsExport } from './hsds.feed';

export async function exportHsdsFolder(db: Db, dir: string, baseUrl: string = publicBaseUrl()): Promise<{ services: number; organizations: number }> {
	const { services, organizations } = await hsdsExport(db, baseUrl);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'services.json'), JSON.stringify(services, null, 2) + '\n');
	writeFileSync(join(dir, 'organizations.json'), JSON.stringify(organizations, null, 2) + '\n');
	return { services: services.length, organizations: organizations.length };
}

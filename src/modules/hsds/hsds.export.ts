/** `npm run db:export -- --format hsds DIR`: the whole feed as HSDS 3.0 JSON files (services.json, organizations.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '@db/client';
import { publicBaseUrl } from '@/lib/base-url';
import { hsdsExport } from './hsds.feed';

/** Counts of what was written; `contacts` is the number of people's entries (the services' contacts), for the export log. */
export async function exportHsdsFolder(db: Db, dir: string, baseUrl: string = publicBaseUrl()): Promise<{ services: number; organizations: number; contacts: number }> {
	const { services, organizations } = await hsdsExport(db, baseUrl);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'services.json'), JSON.stringify(services, null, 2) + '\n');
	writeFileSync(join(dir, 'organizations.json'), JSON.stringify(organizations, null, 2) + '\n');
	const contacts = services.reduce((n, s) => n + (Array.isArray(s.contacts) ? s.contacts.length : 0), 0);
	return { services: services.length, organizations: organizations.length, contacts };
}

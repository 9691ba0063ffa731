/**
 * A crawl of the public HSDS endpoints on the built server: every answer valid HSDS 3.0, open to other sites — and
 * the people it carried (services' contacts) counted in the export log.
 */
import { describe, expect, it } from 'vitest';
import { hsdsValidator } from '../helpers/hsds-schemas';
import { ANONYMOUS_OPEN_DATA } from '@/modules/privacy/privacy.exports';
import { baseURL, openServerDb, skipBrowser } from './helpers';

/** People's entries that anonymous HSDS reads took out, according to the export log. */
async function loggedOpenDataRows(): Promise<number> {
	const db = openServerDb();
	try {
		const rows = await db.selectFrom('export_log').select('rows').where('actor', '=', ANONYMOUS_OPEN_DATA).where('kind', '=', 'hsds').execute();
		return rows.reduce((n, r) => n + Number(r.rows), 0);
	} finally {
		await db.destroy();
	}
}

describe.skipIf(skipBrowser)('The HSDS API', () => {
	const hsds = hsdsValidator();
	const problems: string[] = [];
	let requests = 0;

	async function get(path: string): Promise<{ status: number; body: any }> {
		const res = await fetch(baseURL + path);
		requests++;
		if (res.headers.get('access-control-allow-origin') !== '*') problems.push(`${path}: no Access-Control-Allow-Origin: *`);
		if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) problems.push(`${path}: not JSON`);
		return { status: res.status, body: await res.json() };
	}

	function check(path: string, schema: string, value: unknown) {
		problems.push(...hsds.validate(schema, value).map((p) => `${path}: ${p}`));
	}

	it('answers every page and entity of a crawl with valid HSDS', async () => {
		const loggedBefore = await loggedOpenDataRows();
		let contacts = 0;
		const info = await get('/api/hsds/');
		expect(info.body.version).toBe('3.0');
		for (const [list, schema] of [['services', 'service.json'], ['organizations', 'organization.json']] as const) {
			let seen = 0;
			for (let page = 1; page < 100; page++) {
				const path = `/api/hsds/${list}?page=${page}&per_page=40`;
				const { status, body } = await get(path);
				expect(status).toBe(200);
				check(path, 'page.json', body);
				expect(body.page_number).toBe(page);
				for (const item of body.contents) {
					check(path, schema, item);
					const one = await get(`/api/hsds/${list}/${item.id}`);
					expect(one.status).toBe(200);
					check(`/api/hsds/${list}/${item.id}`, schema, one.body);
					contacts += list === 'services' ? (one.body.contacts ?? []).length : 0;
					seen++;
				}
				if (body.last_page) {
					expect(seen).toBe(body.total_items);
					break;
				}
			}
			expect(seen).toBeGreaterThan(0);
		}
		expect(problems).toEqual([]);
		// Every person a service carried is in the export log (one line a day for anonymous readers).
		expect(contacts).toBeGreaterThan(0);
		expect((await loggedOpenDataRows()) - loggedBefore).toBe(contacts);
		console.log(`HSDS: ${requests} svar gennemgået mod skemaerne; ${contacts} personer logget som eksport.`);
	});

	it('says 404 in JSON for an unknown id', async () => {
		const { status, body } = await get('/api/hsds/services/00000000-0000-5000-8000-000000000000');
		expect(status).toBe(404);
		expect(body.error).toBe('not_found');
	});
});

/**
 * A JSON-Schema validator for Open Referral HSDS 3.0 with every schema from tests/fixtures/hsds-3 loaded
 * (they point at each other by file name), plus the API's Page object from its openapi.json.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const HSDS_DIR = resolve(process.cwd(), 'tests', 'fixtures', 'hsds-3');

export function hsdsValidator(): { validate(schema: string, value: unknown): string[] } {
	// The HSDS files carry descriptive keywords (core, constraints, datapackage_type …) that are not JSON Schema.
	const ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	for (const file of readdirSync(HSDS_DIR).filter((f) => f.endsWith('.json') && f !== 'openapi.json')) {
		const schema = JSON.parse(readFileSync(join(HSDS_DIR, file), 'utf8'));
		delete schema.$id;
		ajv.addSchema(schema, file);
	}
	const openapi = JSON.parse(readFileSync(join(HSDS_DIR, 'openapi.json'), 'utf8'));
	ajv.addSchema({ ...openapi.components.schemas.Page, required: ['total_items', 'total_pages', 'page_number', 'size', 'first_page', 'last_page', 'empty'] }, 'page.json');
	const cache = new Map<string, ValidateFunction>();
	return {
		validate(schema, value) {
			let fn = cache.get(schema);
			if (!fn) cache.set(schema, (fn = ajv.getSchema(schema)!));
			if (!fn) throw new Error(`No HSDS schema ${schema}`);
			return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
		},
	};
}

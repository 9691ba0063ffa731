/**
 * Issue 8, defect 7: a full index rebuild (after a unit, organisation or thesaurus change) must not hold the
 * event loop; the previous index answers meanwhile and the finished one is swapped in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { importDirectoryFile } from '@/modules/directory/directory.import';
import { saveUnit } from '@/modules/directory/directory.writes';
import { addThesaurusTerm } from '@/modules/search/search.admin';
import { configureSearchIndex, getSearchState, rebuildSearchIndex, search, searchIndexSettled } from '@/modules/search/search.service';
import { createTestDb } from './helpers/test-db';

const actor = systemActor('test');
let ctx: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;

beforeAll(async () => {
	ctx = await createTestDb();
	db = ctx.db;
	const report = await importDirectoryFile(db, resolve('tests/fixtures/directory.csv'));
	expect(report.ok).toBe(true);
	await search(db, 'opvarmning', { log: false });
});
afterAll(async () => ctx.cleanup());
afterEach(() => configureSearchIndex({ freshWaitMs: 60_000, sliceMs: 10 }));

/** Runs work while counting how often timers got their turn and the longest gap between two of them. */
async function whileTicking<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; worstGapMs: number }> {
	let ticks = 0;
	let worst = 0;
	let last = performance.now();
	const timer = setInterval(() => {
		const now = performance.now();
		worst = Math.max(worst, now - last);
		last = now;
		ticks++;
	}, 1);
	try {
		const result = await work();
		worst = Math.max(worst, performance.now() - last);
		return { result, ticks, worstGapMs: worst };
	} finally {
		clearInterval(timer);
	}
}

describe('index rebuild', () => {
	it('yields to timers (requests) while it runs, instead of building in one synchronous piece', async () => {
		configureSearchIndex({ sliceMs: 5 });
		const { result, ticks } = await whileTicking(() => rebuildSearchIndex(db));
		expect(result.docs).toBeGreaterThan(1300);
		// A synchronous build lets no timer run before it is done: ticks would be 0.
		expect(ticks).toBeGreaterThanOrEqual(2);
	});

	it('applies a unit edit in place, to the unit and its people, without a full rebuild', async () => {
		const before = await getSearchState(db);
		const unit = (await sql<{ id: number; org: number }>`SELECT u.id, u.organisation_id AS org FROM unit u WHERE u.name = 'PPR' ORDER BY u.id LIMIT 1`.execute(db)).rows[0];
		await saveUnit(db, actor, { organisationId: unit.org, name: 'Pædagogisk Kvistfjord' }, unit.id);
		await search(db, 'kvistfjord', { log: false });
		await searchIndexSettled(db);
		const after = await search(db, 'kvistfjord', { log: false });
		expect(after.hits.some((h) => h.type === 'unit' && h.title === 'Pædagogisk Kvistfjord')).toBe(true);
		expect(after.hits.some((h) => h.type === 'person' && h.subtitle.includes('Pædagogisk Kvistfjord'))).toBe(true);
		expect(await getSearchState(db)).toBe(before);
	});

	it('answers from the previous index while a full rebuild runs (an import it cannot follow), then from the new one', async () => {
		configureSearchIndex({ freshWaitMs: 0 });
		const before = await getSearchState(db);
		const unitId = (await sql<{ id: number }>`SELECT id FROM unit WHERE name = 'SSP' ORDER BY id LIMIT 1`.execute(db)).rows[0].id;
		const now = new Date().toISOString();
		await sql`INSERT INTO person (ref, first_name, last_name, title, unit_id, status, created_at, updated_at) VALUES ('IMP1', 'Ingolf', 'Importsen', 'Mentor', ${unitId}, 'active', ${now}, ${now})`.execute(db);
		await sql`INSERT INTO audit_log (at, actor, entity_type, entity_id, action) VALUES (${now}, 'system:import', 'import', 0, 'import')`.execute(db);
		const during = await search(db, 'Ingolf Importsen', { type: 'person', log: false });
		expect(during.hits.some((h) => h.ref === 'IMP1')).toBe(false);
		await searchIndexSettled(db);
		const after = await search(db, 'Ingolf Importsen', { type: 'person', log: false });
		expect(after.hits[0].ref).toBe('IMP1');
		expect(await getSearchState(db)).not.toBe(before);
	});

	it('applies a thesaurus edit in place: queries, and the people whose text an alias touches', async () => {
		const before = await getSearchState(db);
		expect((await search(db, 'bfmx hillerød', { type: 'person', log: false })).confidence).not.toBe('ok');
		expect((await addThesaurusTerm(db, actor, { term: 'bfmx', kind: 'alias', target: 'Børn og Familie, myndighed', note: '' })).ok).toBe(true);
		await searchIndexSettled(db);
		const result = await search(db, 'bfmx hillerød', { type: 'person', log: false });
		expect(result.hits.length).toBeGreaterThan(3);
		expect(result.hits.slice(0, 5).every((h) => h.complete && h.subtitle.includes('Børn og Familie, myndighed'))).toBe(true);
		expect(await getSearchState(db)).toBe(before);
	});

	it('shows a thesaurus edit in the next search when the small directory rebuilds within the short wait', async () => {
		expect((await search(db, 'plonkeri', { log: false })).hits).toHaveLength(0);
		configureSearchIndex({ freshWaitMs: 10_000 });
		const out = await addThesaurusTerm(db, actor, { term: 'plonkeri', kind: 'topic', target: 'angst', note: '' });
		expect(out.ok).toBe(true);
		const result = await search(db, 'plonkeri', { type: 'person', log: false });
		expect(result.parsed.parts[0]).toMatchObject({ kind: 'topic', slugs: ['angst'] });
		expect(result.hits.length).toBeGreaterThan(0);
	});
});

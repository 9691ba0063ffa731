import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDb, type Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { searchApi } from '@/modules/search/search.api';
import { registerSearchSource } from '@/modules/search/search.registry';
import { listSearchLog } from '@/modules/search/search.repository';
import { search } from '@/modules/search/search.service';
import { createTestDb } from './helpers/test-db';

const actor = systemActor('test');
const today = new Date().toISOString().slice(0, 10);
const longAgo = '2020-01-01';
let ctx: Awaited<ReturnType<typeof createTestDb>>;
let db: Db;
let units: Record<string, number>;

async function person(ref: string, over: Partial<PersonInput> & { unit?: string }): Promise<number> {
	const { unit = 'hil-ppr', ...rest } = over;
	const out = await savePerson(db, actor, {
		ref, firstName: 'Test', lastName: ref, title: 'Psykolog', unitId: units[unit], municipalityCode: unit.startsWith('hil') ? '219' : unit.startsWith('hor') ? '223' : null,
		phone: null, mobile: null, email: null, hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: today,
		topics: [], roles: [], ageGroups: [], ...rest,
	});
	return out.id;
}

beforeEach(async () => {
	ctx = await createTestDb();
	db = ctx.db;
	const hil = await ensureOrganisation(db, actor, { name: 'Hillerød Kommune', type: 'kommune', municipalityCode: '219' });
	const hor = await ensureOrganisation(db, actor, { name: 'Hørsholm Kommune', type: 'kommune', municipalityCode: '223' });
	const reg = await ensureOrganisation(db, actor, { name: 'Psykiatrisk Center Nordsjælland', type: 'region', municipalityCode: null });
	units = {
		'hil-ppr': (await ensureUnit(db, actor, hil.id, 'PPR')).id,
		'hil-ung': (await ensureUnit(db, actor, hil.id, 'Ungecenter')).id,
		'hor-ppr': (await ensureUnit(db, actor, hor.id, 'PPR')).id,
		'reg-akut': (await ensureUnit(db, actor, reg.id, 'Akutmodtagelse')).id,
	};
});
afterEach(async () => ctx.cleanup());

describe('search ranking', () => {
	it('puts people who match every recognised part before partial matches', async () => {
		await person('PART1', { topics: ['selvskade'], ageGroups: ['13-17'], keyPerson: true });
		await person('FULL', { topics: ['selvskade'], ageGroups: ['13-17'], roles: ['udskrivning'] });
		await person('OTHERTOWN', { unit: 'hor-ppr', topics: ['selvskade'], ageGroups: ['13-17'], roles: ['udskrivning'] });
		const result = await search(db, 'hilerød selvskade 15 år udskrivelse');
		expect(result.hits[0].ref).toBe('FULL');
		expect(result.hits[0].complete).toBe(true);
		expect(result.hits.slice(1).every((h) => !h.complete)).toBe(true);
	});

	it('ranks key persons and fresh entries above others among complete matches, and marks stale ones', async () => {
		await person('STALE', { topics: ['angst'], verifiedAt: longAgo });
		await person('PLAIN', { topics: ['angst'] });
		await person('KEY', { topics: ['angst'], keyPerson: true });
		const result = await search(db, 'angst hillerød', { type: 'person' });
		expect(result.hits.map((h) => h.ref)).toEqual(['KEY', 'PLAIN', 'STALE']);
		expect(result.hits[2].stale).toBe(true);
		expect(result.hits[0].stale).toBe(false);
	});

	it('shows the current holder in place of someone who left, following a chain, with "overtaget fra"', async () => {
		const c = await person('CNOW', { firstName: 'Carla', lastName: 'Nu', topics: ['angst'] });
		const b = await person('BGONE', { firstName: 'Bent', lastName: 'Mellem', status: 'left', successorId: c });
		await person('AGONE', { firstName: 'Aase', lastName: 'Tidligere', status: 'left', successorId: b });
		const result = await search(db, 'Åse Tidligere', { type: 'person' });
		expect(result.hits[0].ref).toBe('CNOW');
		expect(result.hits[0].takenOverFrom?.name).toBe('Aase Tidligere');
		expect(result.hits.some((h) => h.status === 'left' && h.ref === 'AGONE')).toBe(false);
	});

	it('never presents a person who left as current in the JSON API', async () => {
		await person('VACANT', { firstName: 'Viggo', lastName: 'Væk', status: 'left' });
		const { body } = await searchApi(db, new URLSearchParams({ q: 'Viggo Væk' }));
		const hit = (body as any).results.find((r: any) => r.ref === 'VACANT');
		expect(hit.status).toBe('left');
		expect(Object.keys(hit).sort()).toEqual(['matched', 'ref', 'status', 'subtitle', 'successorRef', 'title', 'type', 'unmatched', 'url', 'verifiedAt']);
	});

	it('sees an edit at once, also one written by another connection (a CLI import)', async () => {
		await person('EDIT', { topics: ['angst'] });
		expect((await search(db, 'psykose hillerød', { type: 'person' })).hits[0]?.complete ?? false).toBe(false);
		const other = createDb(ctx.path);
		try {
			await savePerson(other, actor, {
				ref: 'EDIT', firstName: 'Test', lastName: 'EDIT', title: 'Psykolog', unitId: units['hil-ppr'], municipalityCode: '219', phone: null, mobile: null,
				email: null, hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: today, topics: ['psykose'], roles: [], ageGroups: [],
			});
		} finally {
			await other.destroy();
		}
		const after = await search(db, 'psykose hillerød', { type: 'person' });
		expect(after.hits[0].ref).toBe('EDIT');
		expect(after.hits[0].complete).toBe(true);
	});

	it('shows an edit to every search that starts after it, also to searches running side by side', async () => {
		const id = await person('SIDE', { topics: ['angst'] });
		expect((await search(db, 'psykose hillerød', { type: 'person' })).hits[0]?.complete ?? false).toBe(false);
		const { patchPerson } = await import('@/modules/directory/directory.writes');
		await patchPerson(db, actor, id, { status: 'left' });
		// Both start before the index has applied the edit: one applies it, the other must wait for that, not answer
		// from the index as it was.
		const [a, b] = await Promise.all([search(db, 'Test SIDE', { type: 'person' }), search(db, 'Test SIDE', { type: 'person' })]);
		for (const result of [a, b]) expect(result.hits.find((h) => h.ref === 'SIDE')?.status).toBe('left');
	});

	it('applies filters on their own with an empty query', async () => {
		await person('F1', { topics: ['sorg'], ageGroups: ['0-5'] });
		await person('F2', { topics: ['sorg'], ageGroups: ['13-17'] });
		await person('F3', { unit: 'hor-ppr', topics: ['sorg'], ageGroups: ['0-5'] });
		const result = await search(db, '', { filters: { municipality: '219', topic: 'sorg', ageGroup: '0-5' } });
		expect(result.hits.map((h) => h.ref)).toEqual(['F1']);
	});

	it('finds a unit by its abbreviation expanded and returns typed results', async () => {
		await person('PPR1', { topics: ['adhd'] });
		const result = await search(db, 'pædagogisk psykologisk rådgivning hillerød');
		expect(result.hits.some((h) => h.type === 'unit' && h.title === 'PPR')).toBe(true);
		expect(result.hits[0].type).toBe('person');
	});

	it('tolerates a typo in a surname', async () => {
		await person('NAME', { firstName: 'Anne', lastName: 'Damgaard' });
		await person('NOISE', { firstName: 'Anne', lastName: 'Holm' });
		expect((await search(db, 'Anne Damgaadr', { type: 'person' })).hits[0].ref).toBe('NAME');
	});

	it('logs zero-result searches with the query text only', async () => {
		await person('X', { topics: ['angst'] });
		await search(db, 'qwxzy plonk');
		await search(db, 'qwxzy plonk');
		// The count is written after the answer (never awaited by the search).
		await vi.waitFor(async () => {
			const log = await listSearchLog(db);
			expect(log).toHaveLength(1);
			expect(log[0]).toMatchObject({ query: 'qwxzy plonk', outcome: 'zero', count: 2 });
		});
		const { rows } = await sql<Record<string, unknown>>`SELECT * FROM search_log`.execute(db);
		const columns = Object.keys(rows[0]);
		expect(columns).toContain('query');
		expect(columns.some((c) => /user|ip|session/.test(c))).toBe(false);
	});

	it('indexes documents from a registered source beside people', async () => {
		registerSearchSource({
			type: 'event',
			async load() {
				return [{ type: 'event', ref: 'temadag-selvskade', title: 'Temadag om selvskade', subtitle: '12. marts', url: '/temadage/temadag-selvskade', text: [{ text: 'Temadag om selvskade', weight: 1 }], tags: { topic: ['selvskade'] } }];
			},
		});
		const result = await search(db, 'temadag selvskade', { type: 'event' });
		expect(result.hits[0]).toMatchObject({ type: 'event', ref: 'temadag-selvskade', url: '/temadage/temadag-selvskade' });
	});
});

describe('search during an absence', () => {
	it('shows the deputy right before a person who is away, and not after the absence', async () => {
		const deputy = await person('DEP1', { firstName: 'Dorte', lastName: 'Stedfortræder', topics: ['angst'] });
		const away = await person('AWAY1', { firstName: 'Anders', lastName: 'Fraværende', topics: ['selvskade'], keyPerson: true });
		const { patchPerson } = await import('@/modules/directory/directory.writes');
		await patchPerson(db, actor, away, { deputy_id: deputy, away_from: '2026-11-01', away_until: '2026-11-30' });

		const during = await search(db, 'Anders Fraværende', { now: new Date('2026-11-15T10:00:00Z').getTime() });
		expect(during.hits.slice(0, 2).map((h) => h.ref)).toEqual(['DEP1', 'AWAY1']);
		expect(during.hits[0].subtitle).toMatch(/stedfortræder for Anders Fraværende/);

		const after = await search(db, 'Anders Fraværende', { now: new Date('2026-12-15T10:00:00Z').getTime() });
		expect(after.hits[0].ref).toBe('AWAY1');
		expect(after.hits.some((h) => h.ref === 'DEP1' && /stedfortræder/.test(h.subtitle))).toBe(false);
	});

	it('shows the deputy on the last day of the absence, and never a deputy who has left', async () => {
		const left = await person('DEPLEFT', { firstName: 'Lise', lastName: 'Fratrådt', topics: ['angst'] });
		const deputy = await person('DEP2', { firstName: 'Dan', lastName: 'Stedfortræder', topics: ['angst'] });
		const away = await person('AWAY2', { firstName: 'Bente', lastName: 'Fraværende', topics: ['selvskade'], keyPerson: true });
		const { patchPerson } = await import('@/modules/directory/directory.writes');
		await patchPerson(db, actor, away, { deputy_id: deputy, away_from: '2026-11-01', away_until: '2026-11-30' });
		// The last day of the absence, late afternoon Danish time: still away.
		const lastDay = await search(db, 'Bente Fraværende', { now: new Date('2026-11-30T15:30:00Z').getTime() });
		expect(lastDay.hits[0].ref).toBe('DEP2');
		// A deputy who has left is never put first: the away person stays where they were.
		await patchPerson(db, actor, left, { status: 'left' });
		await patchPerson(db, actor, away, { deputy_id: left });
		const withLeftDeputy = await search(db, 'Bente Fraværende', { now: new Date('2026-11-15T10:00:00Z').getTime() });
		expect(withLeftDeputy.hits[0].ref).toBe('AWAY2');
		expect(withLeftDeputy.hits.some((h) => /stedfortræder for Bente/.test(h.subtitle))).toBe(false);
	});

	it('does not rebuild the index for theme-day registrations', async () => {
		const { getSearchState } = await import('@/modules/search/search.service');
		await person('REG1', { firstName: 'Rita', lastName: 'Register' });
		const before = await getSearchState(db);
		await sql`INSERT INTO audit_log (at, actor, entity_type, entity_id, action) VALUES (${new Date().toISOString()}, 'x@y.dk', 'registration', 1, 'register')`.execute(db);
		const after = await getSearchState(db);
		expect(after).toBe(before);
		expect(after.auditId).toBeGreaterThan(0);
	});
});

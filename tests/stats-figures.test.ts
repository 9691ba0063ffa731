import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createTestDb } from './helpers/test-db';
import { buildNetwork } from './helpers/editing-network';
import { createTestUser } from './helpers/auth';
import { permissionsFor } from '@/modules/auth/auth.permissions';
import { figureCsv, loadFigure, loadFigures, parsePeriod } from '@/modules/stats/stats.figures';
import { recordSearchStat, weekOf } from '@/modules/stats/stats.repository';
import { canSeeFigures } from '@/modules/stats/stats.access';
import { search } from '@/modules/search/search.service';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
	await cleanup?.();
	cleanup = undefined;
});

describe('usage figures', () => {
	it('counts searches per Copenhagen week, situation and municipality — never the text', async () => {
		const t = await createTestDb();
		cleanup = t.cleanup;
		await buildNetwork(t.db);
		expect(weekOf(new Date('2026-11-29T23:30:00Z'))).toBe('2026-11-30'); // Monday 00:30 in Copenhagen
		expect(weekOf(new Date('2026-11-29T12:00:00Z'))).toBe('2026-11-23');
		await search(t.db, 'halsnæs udskrivning selvskade');
		await search(t.db, 'xyzzy-ukendt-ord');
		await search(t.db, 'halsn', { typing: true }); // as-you-type is not a search
		await new Promise((r) => setTimeout(r, 50));
		const rows = await t.db.selectFrom('search_stat').selectAll().orderBy('situation').execute();
		expect(rows).toEqual([
			{ week: weekOf(new Date()), situation: '', municipality_code: '', searches: 1, zero_results: 1 },
			{ week: weekOf(new Date()), situation: 'udskrivning', municipality_code: '260', searches: 1, zero_results: expect.any(Number) },
		]);
		expect(JSON.stringify(rows)).not.toContain('xyzzy');
	});

	it('draws every table from aggregates with the right numbers, and each leaves as CSV', async () => {
		const t = await createTestDb();
		cleanup = t.cleanup;
		const k = t.db as unknown as Kysely<any>;
		const net = await buildNetwork(t.db);
		const now = new Date('2026-11-24T12:00:00Z');
		for (let i = 0; i < 3; i++) await recordSearchStat(t.db, { situation: 'akut', municipalityCode: '219', zero: i === 0, at: new Date('2026-11-18T10:00:00Z') });
		await recordSearchStat(t.db, { situation: null, municipalityCode: null, zero: false, at: new Date('2026-11-24T10:00:00Z') });
		// Freshness: Alma confirmed recently, the others long ago.
		await k.updateTable('person').set({ verified_at: '2026-11-01' }).where('id', '=', net.leader).execute();
		const period = parsePeriod(new URLSearchParams('fra=2026-11-01&til=2026-11-30'), now);
		const figures = await loadFigures(t.db, period, now);
		const byId = Object.fromEntries(figures.map((f) => [f.id, f]));
		expect(byId['soegninger-uge'].rows).toEqual([
			['2026-11-16', 3, 1, 33.3],
			['2026-11-23', 1, 0, 0],
		]);
		expect(byId['soegninger-situation'].rows[0]).toEqual(['Akut', 3, 1, 33.3]);
		expect(byId['soegninger-kommune'].rows.map((r) => r[0])).toEqual(expect.arrayContaining(['Ingen kommune nævnt']));
		const ppr = byId.aktualitet.rows.find((r) => r[1] === 'PPR')!;
		expect(ppr.slice(2)).toEqual([2, 1, 50]);
		const csv = figureCsv(byId['soegninger-uge']);
		expect(csv.startsWith('\uFEFFUge (mandag);Søgninger')).toBe(true);
		expect(csv).toContain('2026-11-16;3;1;33,3');
		expect(await loadFigure(t.db, 'findes-ikke', period)).toBeUndefined();
		expect((await loadFigure(t.db, 'aktualitet', period, now))!.rows).toEqual(byId.aktualitet.rows);
	});

	it('shows the figures to admins and steering-group members only', async () => {
		const t = await createTestDb();
		cleanup = t.cleanup;
		const net = await buildNetwork(t.db);
		const k = t.db as unknown as Kysely<any>;
		await k.insertInto('person_role').values({ person_id: net.other, role_slug: 'styregruppe' }).execute();
		const perms = (role: 'admin' | 'member', personId: number | null) => permissionsFor({ id: 1, email: 'x@y.example', name: '', role, personId } as any, { userId: 1, role, personId, unitIds: [], organisationIds: [] });
		expect(await canSeeFigures(t.db, perms('admin', null))).toBe(true);
		expect(await canSeeFigures(t.db, perms('member', net.other))).toBe(true);
		expect(await canSeeFigures(t.db, perms('member', net.colleague))).toBe(false);
		expect(await canSeeFigures(t.db, perms('member', null))).toBe(false);
		await createTestUser(t.db); // (a user row exists; the rule reads the entry's roles, not the account)
	});
});

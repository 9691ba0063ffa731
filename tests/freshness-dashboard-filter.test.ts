import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { buildNetwork, type Network } from './helpers/editing-network';
import { systemActor } from '@/modules/audit/audit.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import { DEFAULT_FRESHNESS_CONFIG } from '@/modules/freshness/freshness.config';
import { dashboardQuery, freshnessCsv, loadFreshnessDashboard, parseDashboardFilter } from '@/modules/freshness/freshness.dashboard';

describe('The freshness dashboard’s filter and export', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	const now = new Date('2026-11-24T12:00:00Z');
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
		// Fresh: Bent and Dorte; overdue: Alma (key person) and Cille (12-month interval, 2025-01-01 + 12 + 3 months).
		await patchPerson(db, systemActor('test'), n.colleague, { verified_at: '2026-10-01' });
		await patchPerson(db, systemActor('test'), n.outsider, { verified_at: '2026-10-01', email: '=HYPERLINK("http://x")' });
		await patchPerson(db, systemActor('test'), n.other, { needs_attention: 'Nummeret virker ikke' });
	});
	afterEach(() => cleanup());

	const load = (query: string) => loadFreshnessDashboard(db, { all: true }, now, DEFAULT_FRESHNESS_CONFIG, { filter: parseDashboardFilter(new URLSearchParams(query)) });

	it('narrows by municipality, organisation and state from a plain GET query', async () => {
		expect((await load('')).people.map((p) => p.ref).sort()).toEqual(['T001', 'T002', 'T003', 'T004']);
		expect((await load('kommune=219')).people.map((p) => p.ref).sort()).toEqual(['T001', 'T002', 'T003']);
		expect((await load(`organisation=${n.orgB}`)).people.map((p) => p.ref)).toEqual(['T004']);
		expect((await load('tilstand=ok')).people.map((p) => p.ref).sort()).toEqual(['T002', 'T004']);
		expect((await load('tilstand=handling&kommune=219')).flagged.map((p) => p.ref)).toEqual(['T001', 'T003']);
		// Junk is ignored, not an error.
		expect(parseDashboardFilter(new URLSearchParams('kommune=x&organisation=-1&tilstand=alt'))).toEqual({});
		expect(dashboardQuery({ municipality: '219', state: 'overdue' })).toBe('?kommune=219&tilstand=overdue');
	});

	it('exports what needs action first, formula-safe, for Danish Excel', async () => {
		const csv = freshnessCsv((await load('')).people);
		expect(csv.startsWith('\uFEFFId;Navn;')).toBe(true);
		const rows = parse(csv.slice(1), { delimiter: ';' }) as string[][];
		expect(rows.slice(1).map((r) => r[0])).toEqual(['T001', 'T003', 'T002', 'T004']);
		expect(rows[1][6]).toBe('Ikke bekræftet');
		const dorte = rows.find((r) => r[0] === 'T004')!;
		expect(dorte[10]).toBe('\'=HYPERLINK("http://x")');
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { buildNetwork, type Network } from './helpers/editing-network';
import { systemActor } from '@/modules/audit/audit.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import { loadPersonPage } from '@/modules/directory/directory.views';
import { loadFreshnessDashboard } from '@/modules/freshness/freshness.dashboard';
import { freshnessSignal, isOverdue, staleFromMs } from '@/modules/freshness/freshness.rules';
import { DEFAULT_FRESHNESS_CONFIG } from '@/modules/freshness/freshness.config';
import { resetSearchIndex, search } from '@/modules/search/search.service';

/** One freshness policy: pages, search (and so the API), the dashboard and the reminders agree. */
describe('The one freshness policy', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	const now = new Date('2026-11-24T12:00:00Z');

	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
		// Alma (T001) is a key person confirmed nine months ago; Cille (T003) has no routing role, same date.
		await patchPerson(db, systemActor('test'), n.leader, { verified_at: '2026-02-20T09:00:00.000Z' });
		await patchPerson(db, systemActor('test'), n.other, { verified_at: '2026-02-20T09:00:00.000Z' });
		resetSearchIndex(db);
	});
	afterEach(async () => {
		resetSearchIndex(db);
		await cleanup();
	});

	it('marks a key person unconfirmed for nine months stale on the page, in search and on the dashboard', async () => {
		const page = await loadPersonPage(db, 'T001', { signedIn: true }, now);
		expect(page!.freshness.stale).toBe(true);

		const result = await search(db, 'Alma Testesen', { now: now.getTime() });
		const hit = result.hits.find((h) => h.ref === 'T001');
		expect(hit?.stale).toBe(true);

		const dashboard = await loadFreshnessDashboard(db, { all: true }, now, DEFAULT_FRESHNESS_CONFIG);
		expect(dashboard.flagged.find((p) => p.id === n.leader)?.state).toBe('overdue');
	});

	it('keeps someone without a routing role fresh at nine months, everywhere', async () => {
		expect((await loadPersonPage(db, 'T003', { signedIn: true }, now))!.freshness.stale).toBe(false);
		const hit = (await search(db, 'Cille Øvelund', { now: now.getTime() })).hits.find((h) => h.ref === 'T003');
		expect(hit?.stale).toBe(false);
		const dashboard = await loadFreshnessDashboard(db, { all: true }, now, DEFAULT_FRESHNESS_CONFIG);
		expect(dashboard.flagged.some((p) => p.id === n.other)).toBe(false);
	});

	it('turns stale at the same Copenhagen midnight in the search index as in the rules', () => {
		const subject = { id: 1, verifiedAt: '2026-02-20T09:00:00.000Z', createdAt: '2025-01-01T00:00:00.000Z', keyPerson: true, roles: [] };
		const signal = freshnessSignal(subject, now, DEFAULT_FRESHNESS_CONFIG);
		expect(signal).toMatchObject({ dueOn: '2026-08-20', staleOn: '2026-11-19', stale: true });
		const from = staleFromMs(subject, DEFAULT_FRESHNESS_CONFIG);
		expect(new Date(from).toISOString()).toBe('2026-11-18T23:00:00.000Z');
		expect(isOverdue(subject, new Date(from - 1), DEFAULT_FRESHNESS_CONFIG)).toBe(false);
		expect(isOverdue(subject, new Date(from), DEFAULT_FRESHNESS_CONFIG)).toBe(true);
		// Summer time: midnight in Copenhagen is 22:00 UTC.
		const summer = staleFromMs({ ...subject, verifiedAt: '2025-12-01T09:00:00.000Z' }, DEFAULT_FRESHNESS_CONFIG);
		expect(new Date(summer).toISOString()).toBe('2026-08-30T22:00:00.000Z');
	});
});

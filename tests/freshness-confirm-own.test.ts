import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { buildNetwork, type Network } from './helpers/editing-network';
import { confirmOwnEntry } from '@/modules/freshness/freshness.confirm';
import { findPersonById } from '@/modules/directory/directory.repository';
import { listAuditFor } from '@/modules/audit/audit.repository';

describe('"Mine oplysninger er stadig korrekte"', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('confirms the signed-in person’s own entry, closes open requests and is audited like the mail link', async () => {
		const now = new Date('2026-11-24T09:00:00Z');
		await db
			.withTables<{ freshness_request: { person_id: number; due_on: string; requested_at: string; expires_at: string; closed_at: string | null; confirmed_at: string | null } }>()
			.insertInto('freshness_request')
			.values({ person_id: n.leader, due_on: '2025-07-01', requested_at: '2026-11-01T00:00:00Z', expires_at: '2027-03-01T00:00:00Z', closed_at: null, confirmed_at: null })
			.execute();
		const before = (await findPersonById(db, n.leader))!;
		expect(await confirmOwnEntry(db, { id: 7, email: 'alma@testkommune.example', personId: n.leader }, now)).toBe(true);
		const after = (await findPersonById(db, n.leader))!;
		expect(after.verifiedAt).toBe(now.toISOString());
		expect(after.updatedAt).toBe(before.updatedAt);
		const [entry] = await listAuditFor(db, 'person', n.leader);
		expect(entry).toMatchObject({ action: 'verify', actor: 'alma@testkommune.example', changes: { verified_at: ['2025-01-01', now.toISOString()] } });
		const open = await db.withTables<{ freshness_request: { person_id: number; closed_at: string | null } }>().selectFrom('freshness_request').select('closed_at').execute();
		expect(open.every((r) => r.closed_at === now.toISOString())).toBe(true);
	});

	it('does nothing for an account without an entry', async () => {
		expect(await confirmOwnEntry(db, { id: 8, email: 'x@testkommune.example', personId: null })).toBe(false);
	});
});

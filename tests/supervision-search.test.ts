import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { searchApi, type ApiResult } from '@/modules/search/search.api';
import '@/modules/supervision/supervision.search';
import { applyToGroup, approveApplication, createGroup } from '@/modules/supervision/supervision.writes';
import { createTestUser } from './helpers/auth';
import { createTestDb } from './helpers/test-db';

let db: Db;
let cleanup: () => Promise<void>;
beforeEach(async () => {
	({ db, cleanup } = await createTestDb());
});
afterEach(async () => cleanup());

const supervisor = { userId: null, name: 'Birgitte Holm', profession: 'Psykolog', qualifications: 'Specialist', kind: 'psychologist' as const, external: true };

describe('Supervision groups in /api/search', () => {
	it('finds groups with type=group in the exact contract shape', async () => {
		await createGroup(db, { title: 'Supervision om selvskade og selvmordsadfærd', focus: 'Unge med selvskadende og suicidal adfærd', topics: ['selvskade'], audience: 'Psykologer', admission: 'Ansøgning', place: '', minSize: 6, capacity: 12, countsTowardTraining: true, offerDays: 5, supervisors: [supervisor] }, { label: 'test', userId: null });
		await createGroup(db, { title: 'Supervision om angst', focus: 'Angst hos børn og unge', topics: ['angst'], audience: 'Psykologer', admission: 'Ansøgning', place: '', minSize: 6, capacity: 12, countsTowardTraining: true, offerDays: 5, supervisors: [supervisor] }, { label: 'test', userId: null });
		const { status, body } = await searchApi(db, new URLSearchParams({ q: 'angst', type: 'group' }));
		expect(status).toBe(200);
		const results = (body as { results: ApiResult[] }).results;
		expect(results[0]).toEqual({
			type: 'group',
			ref: 'supervision-om-angst',
			title: 'Supervision om angst',
			subtitle: 'Supervisionsgruppe · Birgitte Holm · 12 ledige pladser',
			url: '/supervision/supervision-om-angst',
			status: 'open',
			successorRef: null,
			verifiedAt: null,
			matched: ['emne:angst'],
			unmatched: [],
		});
		expect(results.every((r) => r.type === 'group')).toBe(true);
		const all = await searchApi(db, new URLSearchParams({ q: 'supervision', type: 'group' }));
		expect((all.body as { results: unknown[] }).results).toHaveLength(2);
	});

	it('shows the seats left as they change', async () => {
		const group = await createGroup(db, { title: 'Supervision om sorg', focus: 'Sorg', topics: ['sorg'], audience: 'Psykologer', admission: 'Ansøgning', place: '', minSize: 1, capacity: 1, countsTowardTraining: true, offerDays: 5, supervisors: [supervisor] }, { label: 'test', userId: null });
		const first = async () => ((await searchApi(db, new URLSearchParams({ q: 'sorg', type: 'group' }))).body as { results: ApiResult[] }).results[0].subtitle;
		expect(await first()).toContain('1 ledig plads');
		const u = await createTestUser(db, { name: 'Ansøger' });
		const m = await applyToGroup(db, group.id, { id: u.id, email: u.email, name: 'Ansøger', municipality: '' }, { profession: 'Psykolog', motivation: 'x' });
		await approveApplication(db, group.id, m.id, '', { label: 'test', userId: null });
		expect(await first()).toContain('fuld, venteliste');
	});
});

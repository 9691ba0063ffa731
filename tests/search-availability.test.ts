import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { importDirectoryCsv } from '@/modules/directory/directory.import';
import { searchApi } from '@/modules/search/search.api';
import { readTimeWords } from '@/modules/search/search.availability';
import { createTestDb } from './helpers/test-db';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	({ db, cleanup } = await createTestDb());
	const report = await importDirectoryCsv(db, readFileSync(new URL('./fixtures/directory.csv', import.meta.url), 'utf8'));
	expect(report.errors).toEqual([]);
}, 120_000);
afterAll(async () => cleanup());

type Result = { type: string; ref: string; title: string; afterHours?: boolean; availability?: { openNow: boolean; until: string | null; nextOpen: string | null; away: boolean; deputyRef: string | null }; availabilityText?: string; matched: string[]; unmatched: string[] };
async function api(q: string, at?: string): Promise<Result[]> {
	const params = new URLSearchParams({ q, ...(at && { at }) });
	const { status, body } = await searchApi(db, params);
	expect(status).toBe(200);
	return (body as { results: Result[] }).results;
}

const NEED = 'gribskov selvskade 15 år udskrivning';

describe('search at a moment (fixture import, derived after-hours lines)', () => {
	it('Friday 16:30: the municipality’s after-hours line first, day-time contacts marked closed until Monday 8', async () => {
		const results = await api(NEED, '2026-12-04T16:30:00+01:00');
		expect(results[0]).toMatchObject({ type: 'unit', afterHours: true, ref: 'gribskov-kommune/socialvagten-doegnvagt' });
		expect(results[0].availability).toMatchObject({ openNow: true, away: false });
		expect(results[0].matched).toContain('kommune:gribskov');
		const people = results.filter((r) => r.type === 'person');
		expect(people.length).toBeGreaterThan(0);
		for (const p of people) expect(p.availability?.openNow).toBe(false);
		expect(people[0].availability?.nextOpen?.slice(0, 10)).toBe('2026-12-07');
		expect(people[0].availabilityText).toMatch(/^Lukket — træffes mandag kl\. \d/);
		expect(people[0].matched).toEqual(expect.arrayContaining(['kommune:gribskov', 'emne:selvskade', 'alder:13-17', 'situation:udskrivning']));
	});

	it('Saturday 10:00 and 2. juledag: the line first, nobody at the office', async () => {
		for (const at of ['2026-12-05T10:00:00+01:00', '2025-12-26T10:00:00+01:00']) {
			const results = await api(NEED, at);
			expect(results[0].afterHours, at).toBe(true);
			expect(results.filter((r) => r.type === 'person').every((r) => !r.availability?.openNow), at).toBe(true);
		}
	});

	it('Monday 07:55 the line answers; at 08:05 a day-time contact who is in comes first', async () => {
		expect((await api(NEED, '2026-12-07T07:55:00+01:00'))[0].afterHours).toBe(true);
		const open = await api(NEED, '2026-12-07T08:05:00+01:00');
		expect(open[0].type).toBe('person');
		expect(open[0].availability?.openNow).toBe(true);
	});

	it('the night of the October DST change: closed until Monday 8:00 winter time', async () => {
		const results = await api(NEED, '2026-10-25T01:30:00Z');
		expect(results[0].afterHours).toBe(true);
		const people = results.filter((r) => r.type === 'person');
		expect(people.every((p) => !p.availability!.nextOpen || p.availability!.nextOpen >= '2026-10-26T07:00:00.000Z')).toBe(true);
	});

	it('among equal matches the person reachable now comes first', async () => {
		const results = await api('hillerød selvskade', '2026-12-03T14:30:00+01:00');
		const people = results.filter((r) => r.type === 'person');
		for (let i = 1; i < people.length; i++) {
			const same = people[i].matched.join() === people[i - 1].matched.join();
			if (same && people[i].availability?.openNow) expect(people[i - 1].availability?.openNow, `${people[i - 1].ref} before ${people[i].ref}`).toBe(true);
		}
	});

	it('understands "socialvagt", "døgnvagt", "weekend" and "efter kl 16"', async () => {
		const wednesdayNoon = '2026-12-02T12:00:00+01:00';
		const social = await api('gribskov socialvagt', wednesdayNoon);
		expect(social[0]).toMatchObject({ type: 'unit', ref: 'gribskov-kommune/socialvagten-doegnvagt' });
		expect(social[0].availability?.openNow).toBe(false);
		expect((await api('døgnvagt helsingør børn', wednesdayNoon))[0]).toMatchObject({ afterHours: true, ref: 'helsingoer-kommune/socialvagten-doegnvagt' });
		const late = await api('efter kl 16 fredensborg akut', wednesdayNoon);
		expect(late[0]).toMatchObject({ afterHours: true, ref: 'fredensborg-kommune/socialvagten-doegnvagt' });
		expect(late[0].availability?.openNow).toBe(true);
		const weekend = await api('akut weekend hillerød 15 år selvmordsforsøg', wednesdayNoon);
		expect(weekend[0]).toMatchObject({ afterHours: true, ref: 'hilleroed-kommune/socialvagten-doegnvagt' });
		// Only one line in front: the people searched for keep the next places.
		expect(weekend.slice(1, 3).every((r) => r.type === 'person')).toBe(true);
	});

	it('moves the moment for time words and keeps the other words', () => {
		const wed = new Date('2026-12-02T12:00:00+01:00');
		expect(readTimeWords('efter kl 16 fredensborg akut', wed)).toMatchObject({ query: 'fredensborg akut', afterHours: true, at: new Date('2026-12-02T16:30:00+01:00') });
		expect(readTimeWords('weekend hillerød', wed).at).toEqual(new Date('2026-12-05T12:00:00+01:00'));
		expect(readTimeWords('hillerød selvskade', wed)).toMatchObject({ query: 'hillerød selvskade', afterHours: false, at: wed });
	});

	it('suggestions say what matched and what did not, as /sog does; the contract response carries no such text', async () => {
		const wednesdayNoon = '2026-12-02T12:00:00+01:00';
		for (const q of [NEED, 'hillerød spiseforstyrrelser 6 år screening']) {
			const { body } = await searchApi(db, new URLSearchParams({ q, suggest: '1', limit: '8', at: wednesdayNoon }));
			const results = (body as { results: Array<Result & { matchedText?: string; unmatchedText?: string }> }).results;
			expect(results.length, q).toBeGreaterThan(0);
			for (const r of results) {
				expect(typeof r.matchedText, r.ref).toBe('string');
				expect(r.matchedText ? r.matchedText.split(' · ').length : 0, r.ref).toBe(r.matched.length);
				expect(r.unmatchedText ? r.unmatchedText.split(' · ').length : 0, r.ref).toBe(r.unmatched.length);
			}
			expect(results.find((r) => r.type === 'person')?.matchedText, q).toMatch(/(^| · )(Gribskov|Hillerød)( · |$)/);
		}
		const partial = (await searchApi(db, new URLSearchParams({ q: 'hillerød spiseforstyrrelser 6 år screening', suggest: '1', limit: '30', at: wednesdayNoon }))).body as { results: Array<Result & { unmatchedText?: string }> };
		expect(partial.results.some((r) => r.unmatched.length > 0 && r.unmatchedText)).toBe(true);
		const plain = await api(NEED, wednesdayNoon);
		expect(plain.every((r) => !('matchedText' in r) && !('unmatchedText' in r))).toBe(true);
	});

	it('refuses a moment that is not a time, in Danish', async () => {
		const { status, body } = await searchApi(db, new URLSearchParams({ q: 'gribskov', at: 'fredag aften' }));
		expect(status).toBe(400);
		expect((body as { error: string }).error).toMatch(/ISO-8601/);
	});
});

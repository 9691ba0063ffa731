/**
 * The routing card (/kommuner/<slug>/hvem) on the fixture import at fixed moments: a filled cell names the
 * pathways' choice with availability and confirmed date, empty cells are reported (card and dashboard count),
 * and during an absence the deputy stands in.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { importDirectoryCsv } from '@/modules/directory/directory.import';
import { findMunicipality, findPersonByRef } from '@/modules/directory/directory.repository';
import { routingCard, routingGaps, type RoutingCard } from '@/modules/knowledge/knowledge.routing';
import { createTestDb } from './helpers/test-db';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
	({ db, cleanup } = await createTestDb());
	const report = await importDirectoryCsv(db, readFileSync(new URL('./fixtures/directory.csv', import.meta.url), 'utf8'));
	expect(report.errors).toEqual([]);
}, 120_000);
afterAll(async () => cleanup());

const WEDNESDAY_10 = new Date('2026-12-02T10:00:00+01:00');
const FRIDAY_1630 = new Date('2026-12-04T16:30:00+01:00');
const cell = (card: RoutingCard, situation: string, age: string) => card.situations.find((s) => s.slug === situation)!.cells.find((c) => c.ageGroup === age)!;
const gribskov = async () => (await findMunicipality(db, 'gribskov'))!;

describe('routing card (fixture import)', () => {
	it('a filled cell names the municipality’s person with availability and confirmed date', async () => {
		const card = await routingCard(db, await gribskov(), WEDNESDAY_10);
		const c = cell(card, 'akut', '0-5');
		expect(c).toMatchObject({ sector: 'kommune', gap: false, reason: 'holder' });
		expect(c.holder?.person.ref).toBe('P000490');
		expect(c.holder?.person.roles).toContain('akut');
		expect(c.holder?.person.ageGroups).toContain('0-5');
		expect(c.holder?.text).toBe('Træffes nu til 15:00');
		expect(c.holder?.verifiedAt?.slice(0, 10)).toBe('2024-12-14');
		expect(c.afterHours?.label).toBe('Socialvagt for børn og unge');
		// Friday evening the same person is closed until Monday; the after-hours line is open.
		const evening = cell(await routingCard(db, await gribskov(), FRIDAY_1630), 'akut', '0-5');
		expect(evening.holder?.text).toMatch(/^Lukket — træffes mandag kl\. \d/);
		expect(evening.afterHours?.text).toMatch(/^Åben nu/);
	});

	it('the region answers where the municipality has no one', async () => {
		const c = cell(await routingCard(db, await gribskov(), WEDNESDAY_10), 'screening', '18-25');
		expect(c.sector).toBe('region');
		expect(c.holder?.person.organisationType).toBe('region');
	});

	it('reports a cell with no one as a gap, on the card and in the dashboard count', async () => {
		const m = await gribskov();
		const card = await routingCard(db, m, WEDNESDAY_10);
		const c = cell(card, 'bekymring', '0-5');
		expect(c).toMatchObject({ gap: true, holder: null, deputy: null, vacant: null, sector: null });
		const gaps = card.situations.flatMap((s) => s.cells.filter((x) => x.gap).map((x) => `${s.slug}/${x.ageGroup}`));
		expect(gaps).toEqual(['bekymring/0-5', 'bekymring/6-12']);
		expect(card.gaps).toBe(2);
		expect((await routingGaps(db, [m.code], WEDNESDAY_10)).get(m.code)).toBe(2);
	});

	it('during an absence the deputy stands in, and the holder is shown away with the deputy named', async () => {
		const holder = (await findPersonByRef(db, 'P000490'))!;
		const deputy = (await findPersonByRef(db, 'P000516'))!;
		await db.updateTable('person').set({ deputy_id: deputy.id, away_from: '2026-11-30', away_until: '2026-12-11' }).where('id', '=', holder.id).execute();
		try {
			const c = cell(await routingCard(db, await gribskov(), WEDNESDAY_10), 'akut', '0-5');
			expect(c.reason).toBe('deputy');
			expect(c.holder?.person.ref).toBe('P000490');
			expect(c.holder?.availability).toMatchObject({ away: true, openNow: false, deputyRef: 'P000516' });
			expect(c.holder?.text).toBe(`Fraværende til 11. dec. — stedfortræder: ${deputy.name}`);
			expect(c.deputy?.person.ref).toBe('P000516');
			expect(c.deputy?.availability.away).toBe(false);
			// After the absence the holder is back and the deputy is only named as such.
			const after = cell(await routingCard(db, await gribskov(), new Date('2026-12-14T10:00:00+01:00')), 'akut', '0-5');
			expect(after.reason).toBe('holder');
			expect(after.holder?.availability.away).toBe(false);
			expect(after.deputy?.person.ref).toBe('P000516');
		} finally {
			await db.updateTable('person').set({ deputy_id: null, away_from: null, away_until: null }).where('id', '=', holder.id).execute();
		}
	});
});

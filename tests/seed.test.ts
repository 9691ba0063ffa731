import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { seedDemoNetwork } from '@db/seed';

/** The demo network must not contradict itself: a newcomer judges the app by it. */
describe('The demo network', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	const now = new Date('2026-11-24T12:00:00Z');
	beforeAll(async () => {
		({ db, cleanup } = await createTestDb());
		await seedDemoNetwork(db, { now });
	}, 120_000);
	afterAll(async () => cleanup());

	it('does not stamp every entry as changed or confirmed today', async () => {
		const people = await db.selectFrom('person').select(['ref', 'created_at', 'updated_at', 'verified_at', 'status', 'left_at']).execute();
		expect(people.length).toBeGreaterThan(400);
		const today = now.toISOString().slice(0, 10);
		expect(people.filter((p) => p.updated_at.startsWith(today))).toEqual([]);
		expect(people.filter((p) => p.verified_at?.startsWith(today))).toEqual([]);
		// Created before confirmed, never changed before created.
		expect(people.filter((p) => p.verified_at && p.created_at.slice(0, 10) > p.verified_at.slice(0, 10))).toEqual([]);
		// Nobody confirms an entry after leaving.
		const left = people.filter((p) => p.status === 'left');
		expect(left.length).toBeGreaterThan(5);
		expect(left.filter((p) => p.verified_at && p.left_at && p.verified_at.slice(0, 10) > p.left_at.slice(0, 10))).toEqual([]);
	});

	it('does not promise round-the-clock service next to office hours', async () => {
		const contacts = await db.selectFrom('unit_contact').innerJoin('unit', 'unit.id', 'unit_contact.unit_id').select(['unit_contact.label', 'unit_contact.hours', 'unit.description']).execute();
		const roundTheClock = contacts.filter((c) => /døgnåben|døgnet rundt/i.test(`${c.label} ${c.description}`));
		expect(roundTheClock.length).toBeGreaterThan(0);
		for (const c of roundTheClock) expect(c.hours, c.label).toMatch(/døgnet rundt/i);
		const vagt = contacts.filter((c) => /vagt/i.test(c.label));
		for (const c of vagt) expect(c.hours, c.label).toMatch(/vagt|døgn|aften|\b2[0-4]\b/i);
	});

	it('gives municipal and regional units a visiting address in a real town', async () => {
		const units = await db
			.selectFrom('unit')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.select(['unit.name', 'unit.address', 'unit.postcode', 'unit.town', 'organisation.type'])
			.where('organisation.type', 'in', ['kommune', 'region'])
			.execute();
		expect(units.length).toBeGreaterThan(100);
		for (const u of units) {
			expect(u.address, u.name).toMatch(/^\S.* \d+$/);
			expect(u.postcode, u.name).toMatch(/^\d{4}$/);
		}
		const hilleroed = await db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(['unit.town', 'unit.postcode']).where('organisation.name', '=', 'Hillerød Kommune').execute();
		expect(new Set(hilleroed.map((u) => `${u.postcode} ${u.town}`))).toEqual(new Set(['3400 Hillerød']));
	});
});

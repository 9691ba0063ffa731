import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDirectoryCsv } from '@/modules/directory/directory.import';
import { hsdsId } from '@/modules/hsds/hsds.ids';
import { hsdsExport, hsdsOrganisation, hsdsOrganisationsPage, hsdsService, hsdsServicesPage, pageOf, parsePaging } from '@/modules/hsds/hsds.feed';
import { hsdsValidator } from './helpers/hsds-schemas';
import { hsdsSchedules } from '@/modules/hsds/hsds.schedules';
import { parseHours } from '@/modules/hours/hours.parse';
import type { Schedule } from '@/modules/hours/hours.rules';
import { saveUnitContact } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { createTestDb } from './helpers/test-db';

const base = 'https://vejviser.example.dk';

describe('HSDS ids and paging', () => {
	it('gives each entity a stable version-5 UUID of its own', () => {
		expect(hsdsId('service', 7)).toBe(hsdsId('service', 7));
		expect(hsdsId('service', 7)).not.toBe(hsdsId('organization', 7));
		expect(hsdsId('service', 7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});

	it('reads page and per_page, falling back on nonsense', () => {
		expect(parsePaging(new URLSearchParams('page=3&per_page=10'))).toEqual({ page: 3, perPage: 10 });
		expect(parsePaging(new URLSearchParams('page=-1&per_page=x'))).toEqual({ page: 1, perPage: 50 });
		expect(parsePaging(new URLSearchParams('per_page=100000'))).toEqual({ page: 1, perPage: 500 });
	});

	it('describes a page as HSDS asks, also past the end', () => {
		expect(pageOf([1, 2], 12, 2, 5)).toEqual({ total_items: 12, total_pages: 3, page_number: 2, size: 2, first_page: false, last_page: false, empty: false, contents: [1, 2] });
		expect(pageOf([], 12, 9, 5)).toMatchObject({ size: 0, last_page: true, empty: true });
	});
});

describe('The HSDS feed of the fixture network', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	const hsds = hsdsValidator();
	beforeAll(async () => {
		t = await createTestDb();
		const result = await importDirectoryCsv(t.db, readFileSync(join(process.cwd(), 'tests', 'fixtures', 'directory.csv'), 'utf8'));
		expect(result.ok).toBe(true);
	});
	afterAll(async () => t.cleanup());

	it('validates every page, service and organisation against the HSDS 3.0 schemas', async () => {
		// The validator itself can say no.
		expect(hsds.validate('service.json', { id: 'not-a-uuid', name: 'x', status: 'bogus', phones: [{ id: hsdsId('phone', 1) }] }).length).toBeGreaterThanOrEqual(3);
		const problems: string[] = [];
		let services = 0;
		for (let page = 1; ; page++) {
			const result = await hsdsServicesPage(t.db, page, 40, base);
			problems.push(...hsds.validate('page.json', result).map((p) => `services page ${page}: ${p}`));
			for (const item of result.contents) {
				problems.push(...hsds.validate('service.json', item).map((p) => `service ${item.id} (list): ${p}`));
				const full = await hsdsService(t.db, String(item.id), base);
				problems.push(...hsds.validate('service.json', full).map((p) => `service ${item.id}: ${p}`));
				services++;
			}
			if (result.last_page) break;
		}
		const organisations = await hsdsOrganisationsPage(t.db, 1, 500, base);
		problems.push(...hsds.validate('page.json', organisations));
		for (const item of organisations.contents) {
			problems.push(...hsds.validate('organization.json', item).map((p) => `organisation list ${item.id}: ${p}`));
			problems.push(...hsds.validate('organization.json', await hsdsOrganisation(t.db, String(item.id), base)).map((p) => `organisation ${item.id}: ${p}`));
		}
		expect(problems).toEqual([]);
		expect(services).toBeGreaterThan(50);
	});

	it('carries our confirmation date, omits empty fields and shows only public contact data', async () => {
		const { services } = await hsdsExport(t.db, base);
		const json = JSON.stringify(services);
		expect(json).not.toContain(':null');
		expect(json).not.toContain(':""');
		expect(services.filter((s) => s.assured_date).length).toBeGreaterThan(services.length / 2);
		const mobiles = await t.db.selectFrom('person').select('mobile').where('mobile', 'is not', null).where('mobile_visibility', '!=', 'public').execute();
		for (const m of mobiles.slice(0, 50)) expect(json).not.toContain(m.mobile!);
	});

	it('leaves out an e-mail address that HSDS validators would reject (non-ASCII)', async () => {
		const somebody = await t.db.selectFrom('person').select(['id', 'unit_id']).where('status', '=', 'active').where('email_visibility', '=', 'public').executeTakeFirstOrThrow();
		await t.db.updateTable('person').set({ email: 'søren@kommune.dk' }).where('id', '=', somebody.id).execute();
		const service = await hsdsService(t.db, hsdsId('service', somebody.unit_id), base);
		expect(hsds.validate('service.json', service)).toEqual([]);
		expect(JSON.stringify(service)).not.toContain('søren@');
	});

	it('carries the shared lines’ hours as HSDS schedules, valid against schedule.json', async () => {
		// The derived after-hours line of a member municipality (every import gets one).
		const line = await t.db.selectFrom('unit_contact').select(['id', 'unit_id']).where('after_hours', '=', 1).orderBy('id').executeTakeFirstOrThrow();
		const service = (await hsdsService(t.db, hsdsId('service', line.unit_id), base))!;
		expect(hsds.validate('service.json', service)).toEqual([]);
		const schedules = service.schedules as Array<Record<string, unknown>>;
		expect(schedules.length).toBeGreaterThanOrEqual(3);
		for (const s of schedules) expect(hsds.validate('schedule.json', s)).toEqual([]);
		expect(schedules.map((s) => [s.byday, s.opens_at?.toString().slice(0, 5), s.closes_at?.toString().slice(0, 5)])).toEqual([
			['MO,TU,WE,TH', '15:00', '08:00'],
			['FR', '13:00', '08:00'],
			['SA,SU', '00:00', '00:00'],
			['MO', '00:00', '08:00'],
		]);
		// A closed day typed in the hours form becomes a one-day schedule.
		const contact = await t.db.selectFrom('unit_contact').selectAll().where('id', '=', line.id).executeTakeFirstOrThrow();
		const stored: Schedule = { rules: [{ days: [1, 2, 3, 4, 5], from: 480, to: 900 }], exceptions: [{ date: '2099-12-23', intervals: [], note: 'Lukket for kursus' }] };
		await saveUnitContact(t.db, systemActor('test'), { unitId: contact.unit_id, label: contact.label, phone: contact.phone, email: contact.email, hours: 'Man–fre 8–15', note: contact.note, hoursSchedule: JSON.stringify(stored) }, contact.id);
		const again = (await hsdsService(t.db, hsdsId('service', line.unit_id), base))!;
		expect(hsds.validate('service.json', again)).toEqual([]);
		expect(again.schedules).toContainEqual(expect.objectContaining({ valid_from: '2099-12-23', valid_to: '2099-12-23', byday: 'WE', count: 1, notes: 'Lukket for kursus' }));
	});

	it('gives a weekly schedule the UTC offset of its validity period, which ends before the daylight-saving change', () => {
		const week = (parseHours('Man-tors 8-15, fre 8-13') as { schedule: Schedule }).schedule;
		const summer = hsdsSchedules(week, { serviceId: hsdsId('service', 1), key: 'x', label: 'Team', now: new Date('2026-10-20T10:00:00Z') });
		expect(summer[0]).toMatchObject({ valid_from: '2026-10-20', valid_to: '2026-10-24', timezone: 2, byday: 'MO,TU,WE,TH', opens_at: '08:00+02:00', closes_at: '15:00+02:00', freq: 'WEEKLY' });
		const winter = hsdsSchedules(week, { serviceId: hsdsId('service', 1), key: 'x', label: 'Team', now: new Date('2026-12-04T18:00:00Z') });
		expect(winter[1]).toMatchObject({ valid_from: '2026-12-04', valid_to: '2027-03-27', timezone: 1, byday: 'FR', opens_at: '08:00+01:00', closes_at: '13:00+01:00' });
		expect(winter[0].notes).toContain('Lukket på helligdage');
	});

	it('answers unknown ids with nothing', async () => {
		expect(await hsdsService(t.db, '00000000-0000-5000-8000-000000000000', base)).toBeUndefined();
		expect(await hsdsOrganisation(t.db, 'x', base)).toBeUndefined();
	});
});

import { describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { DEFAULT_FRESHNESS_CONFIG, freshnessConfigFromEnv } from '@/modules/freshness/freshness.config';
import {
	addMonthsToDate,
	dueOn,
	freshnessState,
	isOverdue,
	localDate,
	nextStep,
	requestOn,
	ROUTING_ROLE_SLUGS,
	staggerOffset,
	type FreshnessSubject,
	type RequestState,
} from '@/modules/freshness/freshness.rules';

const config = DEFAULT_FRESHNESS_CONFIG;
const person = (over: Partial<FreshnessSubject> = {}): FreshnessSubject => ({
	id: 7,
	verifiedAt: '2026-01-10T09:00:00.000Z',
	createdAt: '2025-01-01T00:00:00.000Z',
	keyPerson: false,
	roles: [],
	...over,
});
/** A Copenhagen wall-clock time on a summer date (CEST, UTC+2): every date in these tests is in summer time. */
const at = (date: string, time = '12:00:00') => new Date(`${date}T${time}+02:00`);

describe('Freshness intervals', () => {
	it('asks key persons and routing roles every 6 months and everyone else every 12', () => {
		expect(dueOn(person({ keyPerson: true }))).toBe('2026-07-10');
		expect(dueOn(person({ roles: ['akut'] }))).toBe('2026-07-10');
		expect(dueOn(person({ roles: ['supervision'] }))).toBe('2027-01-10');
		expect(dueOn(person({ verifiedAt: null }))).toBe('2026-01-01');
	});

	it('clamps month ends to the last day of the target month', () => {
		expect(addMonthsToDate('2026-08-31', 6)).toBe('2027-02-28');
	});

	it('reads the intervals and the daily cap from FRESHNESS_* variables and ignores nonsense', () => {
		const c = freshnessConfigFromEnv({ FRESHNESS_PRIORITY_MONTHS: '3', FRESHNESS_OTHER_MONTHS: 'x', FRESHNESS_DAILY_CAP: '0' });
		expect(c.priorityIntervalMonths).toBe(3);
		expect(c.otherIntervalMonths).toBe(12);
		expect(c.dailyCap).toBe(config.dailyCap);
	});

	it('lists exactly the routing roles the reference data marks as situations', async () => {
		const { db, cleanup } = await createTestDb();
		try {
			const rows = await db.selectFrom('role').select('slug').where('is_situation', '=', 1).orderBy('slug').execute();
			expect(rows.map((r) => r.slug)).toEqual([...ROUTING_ROLE_SLUGS].sort());
		} finally {
			await cleanup();
		}
	});
});

describe('Staggering', () => {
	it('spreads 1,000 people over the whole window with no day holding more than twice its share', () => {
		const perDay = new Array(config.staggerDays).fill(0);
		for (let id = 1; id <= 1000; id++) perDay[staggerOffset(id)]++;
		expect(Math.min(...perDay)).toBeGreaterThan(0);
		expect(Math.max(...perDay)).toBeLessThan((1000 / config.staggerDays) * 2);
	});

	it('asks everyone on the due date itself when the window is a single day or none', () => {
		for (const staggerDays of [0, 1]) expect([1, 2, 3].map((id) => staggerOffset(id, { ...config, staggerDays }))).toEqual([0, 0, 0]);
	});

	it('never asks before the due date', () => {
		for (let id = 1; id < 50; id++) expect(requestOn(person({ id })) >= dueOn(person({ id }))).toBe(true);
	});
});

describe('The schedule of steps', () => {
	const p = person({ keyPerson: true });
	const due = dueOn(p);
	const askOn = requestOn(p);
	const open = (over: Partial<RequestState> = {}): RequestState => ({
		dueOn: due, requestedAt: at(askOn, '03:00:00').toISOString(), remindedAt: null, escalatedAt: null, closedAt: null, hasEmail: true, ...over,
	});
	const dayBefore = (date: string) => new Date(at(date, '00:00:00').getTime() - 1000);

	it('requests on the staggered day and not the second before its midnight', () => {
		expect(nextStep(p, undefined, dayBefore(askOn))).toBeNull();
		expect(nextStep(p, undefined, at(askOn, '00:00:01'))).toBe('request');
	});

	it('reminds after exactly 3 weeks and asks the editors after exactly 6 weeks', () => {
		const remindOn = localDate(new Date(at(askOn).getTime() + 21 * 86_400_000));
		const escalateOn = localDate(new Date(at(askOn).getTime() + 42 * 86_400_000));
		expect(nextStep(p, open(), dayBefore(remindOn))).toBeNull();
		expect(nextStep(p, open(), at(remindOn, '00:00:01'))).toBe('remind');
		const reminded = open({ remindedAt: at(remindOn).toISOString() });
		expect(nextStep(p, reminded, dayBefore(escalateOn))).toBeNull();
		expect(nextStep(p, reminded, at(escalateOn, '00:00:01'))).toBe('escalate');
		expect(nextStep(p, { ...reminded, escalatedAt: at(escalateOn).toISOString() }, at(escalateOn, '23:00:00'))).toBeNull();
	});

	it('skips the reminder when the person has no address and does nothing once confirmed', () => {
		expect(nextStep(p, open({ hasEmail: false }), at('2026-09-30'))).toBe('escalate');
		expect(nextStep(p, open({ closedAt: at(askOn).toISOString() }), at('2026-12-30'))).toBeNull();
		// A closed request for the previous due date does not stop the request for the next one.
		const next = { ...p, verifiedAt: at(askOn).toISOString() };
		expect(nextStep(next, open({ closedAt: at(askOn).toISOString() }), at(requestOn(next)))).toBe('request');
	});

	it('marks the entry overdue 3 months after the due date and not a day earlier', () => {
		const overdueOn = '2026-10-09'; // 2026-07-10 + 91 days
		expect(isOverdue(p, dayBefore(overdueOn), config)).toBe(false);
		expect(isOverdue(p, at(overdueOn, '00:00:01'), config)).toBe(true);
		expect(freshnessState(p, at('2026-07-01'), config)).toBe('ok');
		expect(freshnessState(p, at('2026-07-10'), config)).toBe('due');
		expect(freshnessState(p, at(overdueOn), config)).toBe('overdue');
	});
});

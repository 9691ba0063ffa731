import { describe, expect, it } from 'vitest';
import { computeHours, meetingWarnings, regimeFor, REGIMES, round2, type SupervisionSession } from '@/modules/supervision/supervision.hours';

/** A 2025 in-person group session with a psychologist majority, 3 hours, in a long course. */
function session(over: Partial<SupervisionSession> = {}): SupervisionSession {
	return { date: '2025-03-01', minutes: 180, groupSize: 6, psychologists: 6, mode: 'in_person', courseKey: 'g1', supervisorKey: 's1', supervisorKind: 'psychologist', external: true, ...over };
}
/** `n` sessions of `minutes` in one course, on consecutive days from `start`. */
function series(n: number, over: Partial<SupervisionSession> = {}, start = '2025-03-01'): SupervisionSession[] {
	const d0 = new Date(`${start}T12:00:00Z`).getTime();
	return Array.from({ length: n }, (_, i) => session({ ...over, date: new Date(d0 + i * 86_400_000).toISOString().slice(0, 10) }));
}
const codes = (r: ReturnType<typeof computeHours>) => r.warnings.map((w) => w.code);

describe('group size conversion (Psykolognævnet until 31 Dec 2025)', () => {
	// 4 sessions × 3 h = 12 raw hours: a full course, so only the size factor applies.
	it.each([
		[1, 12, 'Individuel'],
		[2, 12, '2 deltagere'],
		[3, 8, '3–5 deltagere'],
		[5, 8, '3–5 deltagere'],
		[6, 6, '6–12 deltagere'],
		[12, 6, '6–12 deltagere'],
		[13, 0, 'Over 12 deltagere'],
	])('a group of %i counts 12 raw hours as %f creditable', (size, creditable, band) => {
		const r = computeHours(series(4, { groupSize: size, psychologists: size }));
		expect(round2(r.rawHours)).toBe(12);
		expect(round2(r.creditableHours)).toBe(creditable);
		expect(r.courses[0].bySize.map((b) => b.band)).toEqual([band]);
	});

	it('warns about a group above 12 and not about a group of 12', () => {
		expect(codes(computeHours(series(4, { groupSize: 13, psychologists: 13 })))).toContain('group_too_large');
		expect(codes(computeHours(series(4, { groupSize: 12, psychologists: 12 })))).not.toContain('group_too_large');
	});

	it('reproduces the worked example: 10 × 3 h in a 6–12 group gives 15 countable hours', () => {
		const r = computeHours(series(10));
		expect(round2(r.rawHours)).toBe(30);
		expect(round2(r.creditableHours)).toBe(15);
		expect(round2(r.groupHoursConverted)).toBe(15);
	});

	it('reports sessions of different group sizes separately in a course', () => {
		const r = computeHours([...series(2, { groupSize: 4, psychologists: 4 }), ...series(2, { groupSize: 7, psychologists: 7 }, '2025-04-01')]);
		expect(r.courses[0].bySize).toEqual([
			{ band: '3–5 deltagere', sessions: 2, rawHours: 6, creditableHours: 4 },
			{ band: '6–12 deltagere', sessions: 2, rawHours: 6, creditableHours: 3 },
		]);
	});
});

describe('professional mix', () => {
	it.each([
		[6, 4, 6, false],
		[6, 3, 0, true],
		[7, 4, 6, false],
		[2, 1, 0, true],
		[3, 2, 8, false],
	])('a group of %i with %i psychologists: %f creditable of 12, warning %s', (size, psychologists, creditable, warned) => {
		const r = computeHours(series(4, { groupSize: size, psychologists }));
		expect(round2(r.creditableHours)).toBe(creditable);
		expect(codes(r).includes('non_psychologist_majority')).toBe(warned);
	});
});

describe('course length', () => {
	it.each([
		[1, 3, 0, 'course_too_short'],
		[2, 6, 3, 'course_under_min'],
		[3, 9, 4.5, 'course_under_min'],
		[4, 12, 6, null],
	])('%i sessions of 3 h (%i raw hours) give %f creditable hours', (n, raw, creditable, warning) => {
		const r = computeHours(series(n));
		expect(round2(r.rawHours)).toBe(raw);
		expect(round2(r.creditableHours)).toBe(creditable);
		if (warning) expect(codes(r)).toContain(warning);
		else expect(codes(r).filter((c) => c.startsWith('course'))).toEqual([]);
	});

	it('a course of exactly 10 hours is a full course; 5 hours is a short one', () => {
		expect(computeHours(series(1, { minutes: 600, groupSize: 1, psychologists: 1 })).courses[0].short).toBe(false);
		const five = computeHours(series(1, { minutes: 300, groupSize: 1, psychologists: 1 }));
		expect(five.courses[0].short).toBe(true);
		expect(round2(five.creditableHours)).toBe(5);
	});

	it('caps short courses at 30 creditable hours in all, filled by date', () => {
		// Seven individual courses of 9 h each: 63 creditable before the cap.
		const sessions = Array.from({ length: 7 }, (_, i) => session({ date: `2025-0${i + 1}-10`, minutes: 540, groupSize: 1, psychologists: 1, courseKey: `c${i}`, supervisorKey: `s${i}` }));
		const r = computeHours(sessions);
		expect(round2(r.creditableHours)).toBe(30);
		expect(codes(r)).toContain('short_course_cap');
		expect(r.courses.map((c) => round2(c.creditableHours))).toEqual([9, 9, 9, 3, 0, 0, 0]);
	});

	it('does not cap full courses', () => {
		const sessions = Array.from({ length: 7 }, (_, i) => session({ date: `2025-0${i + 1}-10`, minutes: 600, groupSize: 1, psychologists: 1, courseKey: `c${i}` }));
		expect(round2(computeHours(sessions).creditableHours)).toBe(70);
	});
});

describe('caps', () => {
	it('counts remote supervision up to 80 creditable hours', () => {
		const r = computeHours(series(30, { mode: 'remote', groupSize: 1, psychologists: 1 }));
		expect(round2(r.rawHours)).toBe(90);
		expect(round2(r.creditableHours)).toBe(80);
		expect(round2(r.remoteHours)).toBe(80);
		expect(codes(r)).toContain('remote_cap');
	});

	it('counts exactly 80 remote hours without a warning', () => {
		const r = computeHours(series(20, { mode: 'remote', minutes: 240, groupSize: 1, psychologists: 1 }));
		expect(round2(r.creditableHours)).toBe(80);
		expect(codes(r)).not.toContain('remote_cap');
	});

	it('counts other academics up to 25 hours and never toward the same external supervisor', () => {
		const r = computeHours(series(10, { supervisorKind: 'other_academic', groupSize: 1, psychologists: 1 }));
		expect(round2(r.creditableHours)).toBe(25);
		expect(round2(r.sameExternalHours)).toBe(0);
		expect(codes(r)).toContain('other_academic_cap');
	});

	it('tracks the 160-hour requirements', () => {
		const individual = series(14, { groupSize: 1, psychologists: 1, courseKey: 'ind', supervisorKey: 'a', external: false });
		const group = series(28, { courseKey: 'grp', supervisorKey: 'b', external: true }, '2025-05-01');
		const r = computeHours([...individual, ...group]);
		expect(round2(r.individualHours)).toBe(42);
		expect(round2(r.groupHoursConverted)).toBe(42);
		expect(round2(r.sameExternalHours)).toBe(42);
		expect(r.supervisors).toBe(2);
		expect(r.progress).toEqual({ total: false, individual: true, group: true, sameExternal: true, supervisors: true });
	});
});

describe('regimes', () => {
	it('applies Psykolognævnet until 31 Dec 2025 and the unconfirmed 2026 regime after', () => {
		expect(regimeFor('2025-12-31').id).toBe('psykolognaevnet-2025');
		expect(regimeFor('2026-01-01').id).toBe('stps-2026');
		expect(REGIMES['psykolognaevnet-2025'].confirmed).toBe(true);
		expect(REGIMES['stps-2026'].confirmed).toBe(false);
		for (const regime of Object.values(REGIMES)) expect(regime.sources.length).toBeGreaterThan(0);
	});

	it('says so when hours fall under the unconfirmed regime', () => {
		expect(codes(computeHours(series(4, {}, '2026-03-01')))).toContain('regime_unconfirmed');
		expect(codes(computeHours(series(4)))).not.toContain('regime_unconfirmed');
	});

	it('gives the e2e scenario: 3 h remote with 4 present and 3 h in person with 7 present', () => {
		const r = computeHours([session({ date: '2026-10-01', mode: 'remote', groupSize: 4, psychologists: 4 }), session({ date: '2026-10-15', groupSize: 7, psychologists: 5 })]);
		expect(round2(r.rawHours)).toBe(6);
		expect(round2(r.creditableHours)).toBe(3.5);
	});
});

describe('live warnings for one meeting', () => {
	it.each([
		[12, 12, 0],
		[13, 13, 1],
		[6, 3, 1],
		[7, 4, 0],
		[13, 2, 2],
		[1, 0, 0],
	])('%i present with %i psychologists gives %i warnings', (groupSize, psychologists, n) => {
		expect(meetingWarnings({ date: '2025-05-01', groupSize, psychologists })).toHaveLength(n);
	});
});

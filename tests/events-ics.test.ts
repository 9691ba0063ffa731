import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { BASE, admin, makeEvent } from './events-helpers';
import { eventIcs, feedIcs } from '@/modules/events/events.ics';
import { cancelEvent, eventToInput, updateEvent } from '@/modules/events/events.writes';
import { localToUtc, utcToLocal } from '@/modules/events/events.rules';

let db: Db;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(async () => cleanup());

const field = (ics: string, name: string) => ics.split(/\r?\n/).find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1);

describe('Calendar files for theme days', () => {
	it('keep the UID and bump SEQUENCE on each change and on cancellation', async () => {
		const event = await makeEvent(db);
		const first = eventIcs(event, BASE);
		expect(field(first, 'UID')).toBe(`temadag-${event.id}@vejviser`);
		expect(field(first, 'METHOD')).toBe('PUBLISH');
		expect(field(first, 'DTSTART')).toBe('20300613T070000Z');
		const seq0 = Number(field(first, 'SEQUENCE'));

		const moved = await updateEvent(db, event.id, { ...eventToInput(event), startTime: '10:00' }, admin, { baseUrl: BASE });
		const second = eventIcs(moved, BASE);
		expect(field(second, 'UID')).toBe(field(first, 'UID'));
		expect(Number(field(second, 'SEQUENCE'))).toBe(seq0 + 1);
		expect(field(second, 'DTSTART')).toBe('20300613T080000Z');

		const { event: cancelled } = await cancelEvent(db, event.id, '', admin, { baseUrl: BASE });
		const third = eventIcs(cancelled, BASE);
		expect(field(third, 'UID')).toBe(field(first, 'UID'));
		expect(Number(field(third, 'SEQUENCE'))).toBe(seq0 + 2);
		expect(field(third, 'METHOD')).toBe('CANCEL');
		expect(field(third, 'STATUS')).toBe('CANCELLED');
	});

	it('list every given theme day in the feed with its own UID', async () => {
		const a = await makeEvent(db, { title: 'Sorg' });
		const b = await makeEvent(db, { title: 'Angst', date: '2030-09-01' });
		const ics = feedIcs([a, b], BASE);
		expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
		expect(ics).toContain(`UID:temadag-${a.id}@vejviser`);
		expect(ics).toContain(`UID:temadag-${b.id}@vejviser`);
		expect(ics).not.toContain('ORGANIZER');
	});
});

describe('Copenhagen times', () => {
	it('convert wall-clock times to UTC across daylight saving time', async () => {
		expect(localToUtc('2030-01-15', '09:00')).toBe('2030-01-15T08:00:00.000Z');
		expect(localToUtc('2030-07-15', '09:00')).toBe('2030-07-15T07:00:00.000Z');
		expect(utcToLocal('2030-07-15T07:00:00.000Z')).toEqual({ date: '2030-07-15', time: '09:00' });
		expect(utcToLocal('2030-12-31T23:30:00.000Z')).toEqual({ date: '2031-01-01', time: '00:30' });
	});
});

describe('Danish dates', () => {
	it('say the weekday and "den" once', async () => {
		const { formatEventWhen } = await import('@/modules/events/events.rules');
		expect(formatEventWhen('2026-12-08T12:00:00.000Z', '2026-12-08T14:30:00.000Z')).toBe('tirsdag den 8. december 2026 kl. 13.00–15.30');
	});
});

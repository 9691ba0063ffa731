/** Shared arrangements for the theme-day tests (not a test file itself). */
import type { Db } from '@db/client';
import { createEvent, setEventPublished, type EventInput } from '@/modules/events/events.writes';

export const admin = { label: 'admin@netvaerk.example', userId: null };
export const BASE = 'http://vejviser.test';

/** A theme day on 2030-06-13 09:00–15:00 Copenhagen time (07:00–13:00 UTC), published. */
export async function makeEvent(db: Db, overrides: Partial<EventInput> = {}, opts: { publish?: boolean; now?: Date } = {}) {
	const input: EventInput = {
		title: 'Temadag om selvskade',
		summary: 'Ny viden om selvskade blandt unge.',
		description: 'Beskrivelse med **fed** tekst.',
		date: '2030-06-13',
		startTime: '09:00',
		endTime: '15:00',
		placeName: 'Hillerød Rådhus',
		placeAddress: 'Trollesmindealle 27, 3400 Hillerød',
		onlineUrl: null,
		organisationId: null,
		organiserEmail: 'tovholder@netvaerk.example',
		targetGroup: 'Fagpersoner',
		priceText: 'Gratis',
		capacity: 20,
		deadlineDate: null,
		deadlineTime: null,
		promotionCutoffHours: 48,
		materials: '',
		hours: 5,
		topics: ['selvskade'],
		...overrides,
	};
	const now = opts.now ?? new Date('2030-05-01T10:00:00Z');
	const event = await createEvent(db, input, admin, { now });
	return opts.publish === false ? event : setEventPublished(db, event.id, true, admin, { now });
}

export function person(i: number) {
	return { name: `Deltager ${i}`, email: `deltager${i}@kommune.example`, organisation: 'Testkommune', jobTitle: 'Psykolog' };
}

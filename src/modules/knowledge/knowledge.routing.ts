/**
 * The routing card ("Hvem kontakter jeg?", /kommuner/<slug>/hvem): for one municipality, situation × age group →
 * the named person, their deputy, the unit's line and the after-hours line, each with availability now.
 * No selection or availability logic of its own: the person is chosen by the pathways' rule (selectContacts:
 * holder, deputy during an absence, successor, vacancy), availability by the hours module.
 */
import type { Db } from '@db/client';
import type { Municipality, Person, Unit, UnitContact } from '@/modules/directory/directory.types';
import { freshnessSignal } from '@/modules/freshness/freshness.rules';
import { afterHoursLinesFor, availabilityText, lineAvailability, personAvailability, scheduleOf, type PersonAvailability } from '@/modules/hours/hours.availability';
import type { AfterHoursLine } from '@/modules/hours/hours.repository';
import { clockNow } from '@/lib/clock';
import { loadContactInputs } from './knowledge.contacts';
import { selectContacts, type BlockInput, type ContactEntry, type ContactReason } from './knowledge.rules';
import type { ContactSpec } from './knowledge.schema';

/** The situations a ward routes by, and the directory roles that answer each. */
export const ROUTING_SITUATIONS = [
	{ slug: 'udskrivning', label: 'Udskrivning', roles: ['udskrivning'] },
	{ slug: 'akut', label: 'Akut / selvmordsforsøg', roles: ['akut'] },
	{ slug: 'screening', label: 'Screening', roles: ['screening'] },
	// A worry about a child goes to whoever takes notifications, else to counselling (as the contact sheet routes it).
	{ slug: 'bekymring', label: 'Bekymring', roles: ['underretning', 'radgivning'] },
] as const;

export const ROUTING_AGE_GROUPS = ['0-5', '6-12', '13-17', '18-25'] as const;

/** The municipality's own people first (the card is the municipality's); the region's when it has none. */
const SECTOR_ORDER = ['kommune', 'region'] as const;

const ALL_ROLES = [...new Set(ROUTING_SITUATIONS.flatMap((s) => s.roles))];

export interface RoutingPerson {
	person: Person;
	availability: PersonAvailability;
	text: string;
	verifiedAt: string | null;
	stale: boolean;
}

export interface RoutingLine {
	label: string;
	phone: string | null;
	email: string | null;
	text: string;
}

export interface RoutingCell {
	situation: string;
	ageGroup: string;
	sector: 'kommune' | 'region' | null;
	/** The post's holder (or the successor of someone who left). */
	holder: RoutingPerson | null;
	reason: ContactReason | null;
	/** The holder's deputy; stands in now when the holder is away. */
	deputy: RoutingPerson | null;
	/** The post is vacant: whoever left, and the unit's shared line carries it. */
	vacant: { unit: Unit; leaver: Person } | null;
	unitLine: RoutingLine | null;
	afterHours: RoutingLine | null;
	/** No one at all for this situation and age group. */
	gap: boolean;
}

export interface RoutingCard {
	situations: Array<{ slug: string; label: string; cells: RoutingCell[] }>;
	gaps: number;
}

function spec(situation: (typeof ROUTING_SITUATIONS)[number], ageGroup: string, sector: (typeof SECTOR_ORDER)[number]): ContactSpec {
	return { label: situation.label, sector, roles: [...situation.roles], age_groups: [ageGroup], topics: [], key_persons_only: false, max: 1 };
}

/** The one post for a cell, by the pathways' rule; kommune first, then region. */
function selectCell(input: BlockInput, situation: (typeof ROUTING_SITUATIONS)[number], ageGroup: string, now: Date): { sector: RoutingCell['sector']; entries: ContactEntry[] } {
	for (const sector of SECTOR_ORDER) {
		const entries = selectContacts(spec(situation, ageGroup, sector), input, now);
		if (entries.length > 0) return { sector, entries };
	}
	return { sector: null, entries: [] };
}

function routingPerson(p: Person, now: Date, deputy: Person | null): RoutingPerson {
	const availability = personAvailability({ ...p, deputyRef: deputy?.ref ?? null }, now);
	const text = availabilityText(availability, now, { awayUntil: p.awayUntil, deputyName: deputy?.name ?? null, known: !!scheduleOf(p.hours, p.hoursSchedule) });
	const signal = freshnessSignal(p, now);
	return { person: p, availability, text, verifiedAt: signal.verifiedAt, stale: signal.stale };
}

function routingLine(line: { label: string; phone: string | null; email: string | null; hours: string | null; hoursSchedule?: string | null }, now: Date): RoutingLine {
	const known = !!scheduleOf(line.hours, line.hoursSchedule);
	// Without readable hours "Lukket" would be a guess: say what the unit wrote, or that nothing is given.
	const text = known ? availabilityText(lineAvailability(line, now), now, { line: true }) : line.hours ? `Åbningstid: ${line.hours}` : 'Åbningstid ikke oplyst';
	return { label: line.label, phone: line.phone, email: line.email, text };
}

/** The unit's shared line: the first with a phone, else the first. */
function unitLineOf(contacts: UnitContact[], unitId: number): UnitContact | undefined {
	const own = contacts.filter((c) => c.unitId === unitId);
	return own.find((c) => c.phone) ?? own[0];
}

function buildCell(input: BlockInput, lines: AfterHoursLine[], situation: (typeof ROUTING_SITUATIONS)[number], ageGroup: string, now: Date): RoutingCell {
	const { sector, entries } = selectCell(input, situation, ageGroup, now);
	const first = entries[0];
	let holder: Person | null = null;
	let deputy: Person | null = null;
	let vacant: RoutingCell['vacant'] = null;
	let reason: ContactReason | null = null;
	if (first?.kind === 'person') {
		if (first.reason === 'deputy') {
			holder = first.related;
			deputy = first.person;
			reason = 'deputy';
		} else {
			holder = first.person;
			deputy = holder.deputyId !== null ? (input.deputies.get(holder.deputyId) ?? null) : null;
			reason = first.reason;
		}
	} else if (first?.kind === 'vacant') {
		vacant = { unit: first.unit, leaver: first.leaver };
	}
	const unitId = holder?.unitId ?? vacant?.unit.id ?? null;
	const contact = unitId !== null ? unitLineOf(input.contacts, unitId) : undefined;
	const line = lines.find((l) => l.organisationType === sector) ?? lines[0];
	return {
		situation: situation.slug,
		ageGroup,
		sector,
		holder: holder ? routingPerson(holder, now, deputy) : null,
		reason,
		deputy: deputy ? routingPerson(deputy, now, null) : null,
		vacant,
		unitLine: contact ? routingLine(contact, now) : null,
		afterHours: line ? routingLine(line, now) : null,
		gap: !holder && !vacant,
	};
}

/** The card for one municipality at a moment (default: now on the app's clock). */
export async function routingCard(db: Db, municipality: Pick<Municipality, 'code'>, now: Date = clockNow()): Promise<RoutingCard> {
	const [inputs, lines] = await Promise.all([loadContactInputs(db, ALL_ROLES, [municipality.code]), afterHoursLinesFor(db, municipality.code)]);
	const input = inputs.get(municipality.code)!;
	const situations = ROUTING_SITUATIONS.map((s) => ({ slug: s.slug, label: s.label, cells: ROUTING_AGE_GROUPS.map((a) => buildCell(input, lines, s, a, now)) }));
	return { situations, gaps: situations.reduce((n, s) => n + s.cells.filter((c) => c.gap).length, 0) };
}

/** Empty cells per municipality code (the freshness dashboard), with the same selection as the card. */
export async function routingGaps(db: Db, codes: string[], now: Date = clockNow()): Promise<Map<string, number>> {
	const inputs = await loadContactInputs(db, ALL_ROLES, codes);
	const out = new Map<string, number>();
	for (const code of codes) {
		const input = inputs.get(code)!;
		let gaps = 0;
		for (const s of ROUTING_SITUATIONS) for (const a of ROUTING_AGE_GROUPS) if (selectCell(input, s, a, now).entries.length === 0) gaps++;
		out.set(code, gaps);
	}
	return out;
}

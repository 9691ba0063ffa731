/**
 * Who can be reached at a moment, for people and unit lines, and how pages and search say it in Danish:
 * "Træffes nu til 15:00", "Lukket — træffes mandag kl. 8", "Fraværende til 3. dec. — stedfortræder: …".
 */
import { addLocalDays, clockNow, localMoment, TIME_ZONE } from '@/lib/clock';
import { isAway } from '@/modules/directory/directory.rules';
import type { Kysely } from 'kysely';
import type { Database } from '@db/schema';
import { formatSchedule, parseHours } from './hours.parse';
import { formatExceptions } from './hours.form';
import { listAfterHoursLines, listHoursTexts, type AfterHoursLine, type HoursScope } from './hours.repository';
import { availabilityAt, isAlwaysOpen, OFFICE_HOURS, scheduleFromJson, type Availability, type Schedule } from './hours.rules';

/** The contract's availability object (contracts.md, `/api/search`). */
export interface PersonAvailability extends Availability {
	away: boolean;
	deputyRef: string | null;
}

const parsedCache = new Map<string, Schedule | null>();

/** The schedule the system understands for an entry: stored, else read from its text; null when neither. */
export function scheduleOf(hours: string | null | undefined, storedJson?: string | null): Schedule | null {
	const stored = scheduleFromJson(storedJson);
	if (stored) return stored;
	const text = (hours ?? '').trim();
	if (!text) return null;
	let s = parsedCache.get(text);
	if (s === undefined) {
		const r = parseHours(text);
		s = r.ok ? r.schedule : null;
		if (parsedCache.size > 5000) parsedCache.clear();
		parsedCache.set(text, s);
	}
	return s;
}

/** True when the entry has hours text the system could not read (listed for the unit's editors). */
export function hoursUnread(hours: string | null | undefined, storedJson?: string | null): boolean {
	return !!(hours ?? '').trim() && !scheduleOf(hours, storedJson);
}

/** Many entries share hours and a search asks about one moment: remember recent answers. */
const memo = new Map<string, Availability>();
function memoAvailability(key: string, schedule: Schedule, at: Date): Availability {
	// Rules are in whole minutes: the answer is the same for every moment of one minute.
	const minute = Math.floor(at.getTime() / 60_000) * 60_000;
	const k = `${key}|${minute}`;
	let a = memo.get(k);
	if (!a) {
		a = availabilityAt(schedule, minute);
		if (memo.size > 2000) memo.clear();
		memo.set(k, a);
	}
	return a;
}

export function personAvailability(
	person: { hours: string | null; hoursSchedule?: string | null; awayFrom: string | null; awayUntil: string | null; deputyRef?: string | null },
	at: Date = clockNow(),
): PersonAvailability {
	const schedule = scheduleOf(person.hours, person.hoursSchedule) ?? OFFICE_HOURS;
	const away = isAway(person, at);
	const base = memoAvailability(person.hoursSchedule ?? (schedule === OFFICE_HOURS ? '' : (person.hours ?? '')), schedule, at);
	return away ? { openNow: false, until: null, nextOpen: null, away, deputyRef: person.deputyRef ?? null } : { ...base, away, deputyRef: person.deputyRef ?? null };
}

export function lineAvailability(line: { hours: string | null; hoursSchedule?: string | null }, at: Date = clockNow()): PersonAvailability {
	const schedule = scheduleOf(line.hours, line.hoursSchedule);
	if (!schedule) return { openNow: false, until: null, nextOpen: null, away: false, deputyRef: null };
	return { ...memoAvailability(line.hoursSchedule ?? line.hours ?? '', schedule, at), away: false, deputyRef: null };
}

const WEEKDAY = ['', 'mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag', 'søndag'];
const shortDate = new Intl.DateTimeFormat('da-DK', { day: 'numeric', month: 'short', timeZone: TIME_ZONE });

function clock(iso: string, style: 'colon' | 'kl'): string {
	const m = localMoment(new Date(iso)).minute;
	const h = Math.floor(m / 60);
	const min = m % 60;
	return style === 'colon' ? `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` : min ? `${h}.${String(min).padStart(2, '0')}` : `${h}`;
}

/** "i dag kl. 8", "i morgen kl. 8", "mandag kl. 8", "28. dec. kl. 8" — relative to `at`. */
export function whenDa(iso: string, at: Date): string {
	const then = localMoment(new Date(iso));
	const today = localMoment(at).date;
	const kl = `kl. ${clock(iso, 'kl')}`;
	if (then.date === today) return `i dag ${kl}`;
	if (then.date === addLocalDays(today, 1)) return `i morgen ${kl}`;
	for (let d = 2; d < 7; d++) if (then.date === addLocalDays(today, d)) return `${WEEKDAY[then.weekday]} ${kl}`;
	return `${shortDate.format(new Date(iso))} ${kl}`;
}

/** The Danish sentence for an availability. `deputyName` names the deputy of someone away. */
export function availabilityText(
	a: PersonAvailability,
	at: Date,
	opts: { awayUntil?: string | null; deputyName?: string | null; known?: boolean; line?: boolean } = {},
): string {
	if (a.away) {
		const until = opts.awayUntil ? ` til ${shortDate.format(new Date(`${opts.awayUntil.slice(0, 10)}T12:00:00Z`))}` : '';
		return `Fraværende${until}${opts.deputyName ? ` — stedfortræder: ${opts.deputyName}` : ''}`;
	}
	const verb = opts.line ? 'Åben' : 'Træffes';
	const guess = opts.known === false ? ' (træffetid ikke oplyst)' : '';
	if (a.openNow) {
		if (!a.until) return `${verb} nu — døgnet rundt`;
		// "til 15:00" today; "til mandag kl. 8" when it runs past midnight.
		const sameDay = localMoment(new Date(a.until)).date === localMoment(at).date;
		return `${verb} nu til ${sameDay ? clock(a.until, 'colon') : whenDa(a.until, at)}${guess}`;
	}
	if (a.nextOpen) return `Lukket — ${opts.line ? 'åbner' : 'træffes'} ${whenDa(a.nextOpen, at)}${guess}`;
	return `Lukket${guess}`;
}

export { isAlwaysOpen };

/**
 * What a person page says: the availability sentence, and the hours in Danish as the system reads them (the
 * text as written, marked, when it could not be read).
 */
export function describeHours(
	person: { hours: string; hoursSchedule?: string | null; awayFrom: string | null; awayUntil: string | null },
	at: Date,
	deputyName: string | null,
): { availability: PersonAvailability; text: string; hoursText: string; exceptions: string[] } {
	const availability = personAvailability(person, at);
	const schedule = scheduleOf(person.hours, person.hoursSchedule);
	const text = availabilityText(availability, at, { awayUntil: person.awayUntil, deputyName, known: !!schedule });
	const hoursText = schedule ? formatSchedule(schedule) : person.hours ? `${person.hours} (ikke læst af systemet)` : '';
	return { availability, text, hoursText, exceptions: formatExceptions(schedule, localMoment(at).date, 3) };
}

/**
 * The after-hours lines for a municipality: its kommune's, then the region's (which serve every member
 * municipality), each with its hours in Danish.
 */
export async function afterHoursLinesFor(db: Kysely<Database>, municipalityCode: string): Promise<Array<AfterHoursLine & { hoursText: string }>> {
	const lines = await listAfterHoursLines(db);
	const mine = lines.filter((l) => (l.organisationType === 'kommune' ? l.municipalityCodes.includes(municipalityCode) : l.municipalityCodes.length === 0 || l.municipalityCodes.includes(municipalityCode)));
	mine.sort((a, b) => Number(b.organisationType === 'kommune') - Number(a.organisationType === 'kommune'));
	return mine.map((l) => {
		const schedule = scheduleOf(l.hours, l.hoursSchedule);
		return { ...l, hoursText: schedule ? formatSchedule(schedule) : (l.hours ?? '') };
	});
}

/** An entry whose hours text the system cannot read, with where its editors fix it (the hours form). */
export interface UnreadHours {
	kind: 'person' | 'contact';
	name: string;
	unitName: string;
	organisationName: string;
	hours: string;
	/** The person page or the unit, for "who is this". */
	href: string;
	/** The hours form. */
	editHref: string;
}

/**
 * Hours text nobody can rely on (issue 16: "kept as a note and listed for the unit's editors to fix"): search
 * treats these entries as office hours, so an editor should turn the text into a schedule.
 */
export async function listUnreadHours(db: Kysely<Database>, scope: HoursScope): Promise<UnreadHours[]> {
	const { people, contacts } = await listHoursTexts(db, scope);
	const out: UnreadHours[] = [];
	for (const p of people)
		if (hoursUnread(p.hours, p.hours_schedule)) {
			const href = `/personer/${encodeURIComponent(p.ref)}`;
			out.push({ kind: 'person', name: `${p.first_name} ${p.last_name}`, unitName: p.unit_name, organisationName: p.organisation_name, hours: p.hours, href, editHref: `${href}/traeffetid` });
		}
	for (const c of contacts)
		if (hoursUnread(c.hours, c.hours_schedule)) {
			const unit = `/organisationer/${c.organisation_slug}/${c.unit_slug}`;
			out.push({ kind: 'contact', name: c.label, unitName: c.unit_name, organisationName: c.organisation_name, hours: c.hours ?? '', href: unit, editHref: `${unit}/aabningstid?kontakt=${c.id}` });
		}
	return out;
}

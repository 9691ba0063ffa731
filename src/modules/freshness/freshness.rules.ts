/**
 * Pure rules of the freshness loop: when an entry falls due, when its request goes out (staggered),
 * when the reminder and the escalation follow, and when it counts as overdue. Dates are whole days in
 * Copenhagen time (`YYYY-MM-DD`), so every step happens on its day boundary whatever hour the job runs.
 */
import { DEFAULT_FRESHNESS_CONFIG, freshnessConfigFromEnv, type FreshnessConfig } from './freshness.config';

/** Roles a contact is routed by (role.is_situation = 1 in the reference data; a test keeps them in step). */
export const ROUTING_ROLE_SLUGS: readonly string[] = ['udskrivning', 'akut', 'screening', 'radgivning'];

export interface FreshnessSubject {
	id: number;
	/** When the entry was last confirmed correct (ISO); null = never. */
	verifiedAt: string | null;
	/** Fallback base for never-confirmed entries. */
	createdAt: string;
	keyPerson: boolean | number;
	/** Role slugs; any routing role makes the entry a priority entry. */
	roles: readonly string[];
}

export interface RequestState {
	dueOn: string;
	/** ISO instant the first request was made. */
	requestedAt: string;
	remindedAt: string | null;
	escalatedAt: string | null;
	/** Confirmed or superseded: the loop is done for this cycle. */
	closedAt: string | null;
	/** The person has no address, so there is no one to remind. */
	hasEmail: boolean;
}

export type FreshnessStep = 'request' | 'remind' | 'escalate';
export type FreshnessState = 'ok' | 'due' | 'overdue';

/** The calendar date in Copenhagen of an instant. */
export function localDate(instant: Date | string): string {
	return copenhagenDate.format(new Date(instant));
}
// Built once: constructing an Intl formatter per call made a 500-person dashboard take half a second.
const copenhagenDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });

export function addDaysToDate(date: string, days: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** Adds calendar months; the 31st becomes the last day of a shorter month. */
export function addMonthsToDate(date: string, months: number): string {
	const [y, m, d] = date.split('-').map(Number);
	const target = new Date(Date.UTC(y, m - 1 + months, 1));
	const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
	target.setUTCDate(Math.min(d, lastDay));
	return target.toISOString().slice(0, 10);
}

export function isPriority(person: Pick<FreshnessSubject, 'keyPerson' | 'roles'>): boolean {
	return !!person.keyPerson || person.roles.some((r) => ROUTING_ROLE_SLUGS.includes(r));
}

export function intervalMonths(person: Pick<FreshnessSubject, 'keyPerson' | 'roles'>, config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG): number {
	return isPriority(person) ? config.priorityIntervalMonths : config.otherIntervalMonths;
}

/** The date the entry falls due for confirmation. */
export function dueOn(person: FreshnessSubject, config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG): string {
	return addMonthsToDate(localDate(person.verifiedAt ?? person.createdAt), intervalMonths(person, config));
}

/** 0 … staggerDays−1, stable per person (FNV-1a of the id), so requests spread over the window. */
export function staggerOffset(personId: number, config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG): number {
	let hash = 0x811c9dc5;
	for (const ch of String(personId)) {
		hash ^= ch.charCodeAt(0);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return config.staggerDays > 1 ? hash % config.staggerDays : 0;
}

/** The first day the request may go out. */
export function requestOn(person: FreshnessSubject, config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG): string {
	return addDaysToDate(dueOn(person, config), staggerOffset(person.id, config));
}

let envConfig: FreshnessConfig | undefined;
function configOrEnv(config?: FreshnessConfig): FreshnessConfig {
	return config ?? (envConfig ??= freshnessConfigFromEnv());
}

/**
 * True when the entry has gone unconfirmed for its interval plus three months: pages show it as
 * "ikke bekræftet" and search ranks it lower. Pure and cheap — search may call it per result.
 */
export function isOverdue(person: FreshnessSubject, now: Date = new Date(), config?: FreshnessConfig): boolean {
	return localDate(now) >= staleOn(person, config);
}

/** The first day (Copenhagen) on which the entry counts as stale: its due date plus `overdueAfterDays`. */
export function staleOn(person: FreshnessSubject, config?: FreshnessConfig): string {
	const c = configOrEnv(config);
	return addDaysToDate(dueOn(person, c), c.overdueAfterDays);
}

/** Milliseconds of midnight in Copenhagen at the start of a `YYYY-MM-DD` date. */
export function copenhagenMidnightMs(date: string): number {
	const utcMidnight = Date.parse(`${date}T00:00:00Z`);
	// Copenhagen is UTC+1 or +2: midnight there is 22:00 or 23:00 UTC the day before; pick the one that is that date.
	for (const hours of [2, 1]) {
		const candidate = utcMidnight - hours * 3_600_000;
		if (localDate(new Date(candidate)) === date && localDate(new Date(candidate - 1)) !== date) return candidate;
	}
	return utcMidnight - 3_600_000;
}

/**
 * The instant from which the entry is stale, for hot loops (the search index compares it with `now`
 * instead of formatting dates per candidate). Equivalent to isOverdue.
 */
export function staleFromMs(person: FreshnessSubject, config?: FreshnessConfig): number {
	return copenhagenMidnightMs(staleOn(person, config));
}

/**
 * The one freshness policy as every page, search result, API consumer, the dashboard and the reminders see
 * it: when the entry was last confirmed (null = never), when it falls due, and whether it is stale
 * (unconfirmed for its interval — 6 months for key persons and routing roles, else 12 — plus 91 days).
 */
export interface FreshnessSignal {
	verifiedAt: string | null;
	dueOn: string;
	staleOn: string;
	state: FreshnessState;
	stale: boolean;
}

export function freshnessSignal(person: FreshnessSubject, now: Date = new Date(), config?: FreshnessConfig): FreshnessSignal {
	const c = configOrEnv(config);
	const state = freshnessState(person, now, c);
	return { verifiedAt: person.verifiedAt, dueOn: dueOn(person, c), staleOn: staleOn(person, c), state, stale: state === 'overdue' };
}

/** `ok` (within interval), `due` (confirmation asked for), `overdue` (see isOverdue). */
export function freshnessState(person: FreshnessSubject, now: Date = new Date(), config?: FreshnessConfig): FreshnessState {
	const c = configOrEnv(config);
	if (isOverdue(person, now, c)) return 'overdue';
	return localDate(now) >= dueOn(person, c) ? 'due' : 'ok';
}

/**
 * The one step the loop should take for this person today, or null. `request` is for the current due
 * date and is only returned when no request exists for it; a run that happens days late still takes
 * each step once, in order.
 */
export function nextStep(person: FreshnessSubject, request: RequestState | undefined, now: Date, config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG): FreshnessStep | null {
	const today = localDate(now);
	const due = dueOn(person, config);
	if (!request || request.dueOn !== due) return today >= requestOn(person, config) ? 'request' : null;
	if (request.closedAt) return null;
	const asked = localDate(request.requestedAt);
	if (request.hasEmail && !request.remindedAt && today >= addDaysToDate(asked, config.reminderAfterDays)) return 'remind';
	if (!request.escalatedAt && today >= addDaysToDate(asked, config.escalateAfterDays)) return 'escalate';
	return null;
}

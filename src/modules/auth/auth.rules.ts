/**
 * Pure rules of accounts: who may do what, how long a session lives, where a `next` redirect may go.
 * No I/O here — auth.permissions.ts loads the facts (role, scopes) and asks these functions.
 */
import type { UserRole } from '@db/schema';

export const ROLES: readonly UserRole[] = ['member', 'unit_editor', 'org_editor', 'admin'];

export const ROLE_LABELS: Record<UserRole, string> = {
	member: 'Medlem',
	unit_editor: 'Nøgleperson (redaktør for enhed)',
	org_editor: 'Organisationsredaktør',
	admin: 'Netværksadministrator',
};

/** Everything a permission decision needs to know about the acting user. */
export interface Subject {
	userId: number;
	role: UserRole;
	/** The directory entry the account is linked to. */
	personId: number | null;
	/** Units the user edits (user_scope.unit_id). */
	unitIds: readonly number[];
	/** Organisations the user edits (user_scope.organisation_id). */
	organisationIds: readonly number[];
}

export interface PersonTarget {
	id: number;
	unitId: number;
	organisationId: number;
}
export interface UnitTarget {
	id: number;
	organisationId: number;
}

/** Scopes only count for the role they belong to: a demoted editor keeps no rights through stale scope rows. */
export function effectiveUnitIds(s: Subject): number[] {
	return s.role === 'unit_editor' || s.role === 'org_editor' ? [...s.unitIds] : [];
}
export function effectiveOrganisationIds(s: Subject): number[] {
	return s.role === 'org_editor' ? [...s.organisationIds] : [];
}

export function isAdmin(s: Subject | null): boolean {
	return s?.role === 'admin';
}

export function canEditOrganisation(s: Subject | null, organisationId: number): boolean {
	if (!s) return false;
	return isAdmin(s) || effectiveOrganisationIds(s).includes(organisationId);
}

/** Edit a unit's details, add people to it, mark its people as left. */
export function canEditUnit(s: Subject | null, unit: UnitTarget): boolean {
	if (!s) return false;
	return canEditOrganisation(s, unit.organisationId) || effectiveUnitIds(s).includes(unit.id);
}

/** Edit a person's entry (including handover and "has left"): the person themself, their unit's or organisation's editors, admins. */
export function canEditPerson(s: Subject | null, person: PersonTarget): boolean {
	if (!s) return false;
	if (s.personId !== null && s.personId === person.id) return true;
	return canEditUnit(s, { id: person.unitId, organisationId: person.organisationId });
}

/** Create a new organisation, edit reference vocabularies, publish content, manage accounts. */
export function canManageNetwork(s: Subject | null): boolean {
	return isAdmin(s);
}

export interface AccountChange {
	role?: UserRole;
	status?: 'pending' | 'active' | 'disabled';
	/** Any change of unit/organisation scopes. */
	scopes?: boolean;
}

/**
 * May `actor` make `change` to the account `targetUserId`? Only admins manage accounts, and no one changes
 * their own role, status or scopes — so no one can raise their own rights (and the last admin cannot lock
 * themself out by accident).
 */
export function canChangeAccount(actor: Subject | null, targetUserId: number, change: AccountChange): boolean {
	if (!actor || !isAdmin(actor)) return false;
	const touchesRights = change.role !== undefined || change.status !== undefined || change.scopes === true;
	if (touchesRights && actor.userId === targetUserId) return false;
	return true;
}

/** Roles for which a registered passkey is required before the role's rights apply. */
export function isPrivilegedRole(role: UserRole): boolean {
	return role !== 'member';
}

/**
 * The role a session acts with: an editor or admin who has set up a passkey acts as a member until the
 * passkey is proven in this session.
 */
export function effectiveRole(role: UserRole, hasPasskey: boolean, secondFactorAt: string | null): UserRole {
	if (isPrivilegedRole(role) && hasPasskey && !secondFactorAt) return 'member';
	return role;
}

export interface SessionPolicy {
	/** Signed out after this long without a request. */
	inactivityMs: number;
	/** Signed out this long after signing in, however active. */
	absoluteMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Members and unit editors: 10 days idle / 30 days at most (Lucia's 10-day window plus ASVS 7.3.2's cap).
 * Organisation editors and admins see and change far more, so 12 hours idle / 7 days at most.
 */
export function sessionPolicy(role: UserRole): SessionPolicy {
	if (role === 'admin' || role === 'org_editor') return { inactivityMs: 12 * HOUR, absoluteMs: 7 * DAY };
	return { inactivityMs: 10 * DAY, absoluteMs: 30 * DAY };
}

/** When a session ends if nothing else happens (the earlier of idle timeout and cap). */
export function sessionExpiresAt(policy: SessionPolicy, createdAt: Date, lastSeenAt: Date): Date {
	return new Date(Math.min(lastSeenAt.getTime() + policy.inactivityMs, createdAt.getTime() + policy.absoluteMs));
}

/** Touching the row on every request would turn each page view into a write; a few minutes' slack is harmless. */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60_000;

/**
 * A `next` parameter as a safe same-site path, or the fallback. Rejects absolute and protocol-relative URLs,
 * backslash tricks and control characters, so a sign-in link can never send anyone to another site.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/konto'): string {
	if (!next || next.length > 500) return fallback;
	try {
		const url = new URL(next, 'http://vejviser.invalid');
		if (url.origin !== 'http://vejviser.invalid') return fallback;
		if (url.pathname.startsWith('/log-ud')) return fallback;
		const path = url.pathname + url.search + url.hash;
		// The check applies to what we hand back, after the URL parser normalised it: `/.//evil.example` becomes
		// `//evil.example`, which a browser reads as another host.
		if (!isLocalPath(next) || !isLocalPath(path)) return fallback;
		return path;
	} catch {
		return fallback;
	}
}

/** One slash then not a second slash or backslash, and no control characters (tab/newline are dropped by URL parsers). */
function isLocalPath(path: string): boolean {
	return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') && !/[\u0000-\u001f\u007f\\]/.test(path);
}

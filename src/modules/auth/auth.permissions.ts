/**
 * Permissions for pages and modules: load the acting user's scopes once, then ask. The rules themselves are
 * pure functions in auth.rules.ts. Enforce on the server for every action — a hidden button is not a check.
 *
 * In a page:
 *   const user = requireUser(Astro); if (user instanceof Response) return user;
 *   const perms = await loadPermissions(getDb(), user);
 *   if (!perms.canEditPerson(target)) return forbidden(Astro);
 */
import type { Db } from '@db/client';
import { rewriteTo } from '@/lib/rewrite';
import {
	canEditOrganisation,
	canEditPerson,
	canEditUnit,
	canChangeAccount,
	canManageNetwork,
	effectiveOrganisationIds,
	effectiveUnitIds,
	type AccountChange,
	type PersonTarget,
	type Subject,
	type UnitTarget,
} from './auth.rules';
import type { SessionUser } from './auth.types';

export interface Permissions {
	user: SessionUser | null;
	subject: Subject | null;
	isAdmin: boolean;
	/** Members may edit themselves; editors their scope; admins everything. */
	canEditPerson(person: PersonTarget): boolean;
	canEditUnit(unit: UnitTarget): boolean;
	canEditOrganisation(organisationId: number): boolean;
	/** Reference data, content, accounts, new organisations. */
	canManageNetwork: boolean;
	canChangeAccount(targetUserId: number, change: AccountChange): boolean;
	/** Units named in the user's scopes (an organisation editor may edit more: ask canEditUnit). */
	editableUnitIds: number[];
	editableOrganisationIds: number[];
}

/** Loads scopes for the (effective) role of the session user; null/anonymous gets no rights. */
export async function loadPermissions(db: Db, user: SessionUser | null): Promise<Permissions> {
	let subject: Subject | null = null;
	if (user) {
		const scopes = await db.selectFrom('user_scope').select(['unit_id', 'organisation_id']).where('user_id', '=', user.id).execute();
		subject = {
			userId: user.id,
			role: user.role,
			personId: user.personId,
			unitIds: scopes.flatMap((s) => (s.unit_id === null ? [] : [s.unit_id])),
			organisationIds: scopes.flatMap((s) => (s.organisation_id === null ? [] : [s.organisation_id])),
		};
	}
	return permissionsFor(user, subject);
}

/** The same object from already-known facts (tests, or callers that loaded scopes themselves). */
export function permissionsFor(user: SessionUser | null, subject: Subject | null): Permissions {
	return {
		user,
		subject,
		isAdmin: subject?.role === 'admin',
		canEditPerson: (person) => canEditPerson(subject, person),
		canEditUnit: (unit) => canEditUnit(subject, unit),
		canEditOrganisation: (organisationId) => canEditOrganisation(subject, organisationId),
		canManageNetwork: canManageNetwork(subject),
		canChangeAccount: (targetUserId, change) => canChangeAccount(subject, targetUserId, change),
		editableUnitIds: subject ? effectiveUnitIds(subject) : [],
		editableOrganisationIds: subject ? effectiveOrganisationIds(subject) : [],
	};
}

/** The part of Astro's global (or an endpoint's context) these helpers need. */
export interface AstroLike {
	locals: { user: SessionUser | null };
	url: URL;
	redirect(path: string, status?: 301 | 302 | 303 | 307 | 308): Response;
	request: Request;
	rewrite(payload: string | Request): Promise<Response>;
}

/**
 * The signed-in user, or a redirect to /log-ind?next=<this page> for anonymous visitors.
 * Usage: `const user = requireUser(Astro); if (user instanceof Response) return user;`
 */
export function requireUser(astro: AstroLike): SessionUser | Response {
	if (astro.locals.user) return astro.locals.user;
	const next = astro.url.pathname + astro.url.search;
	return astro.redirect(`/log-ind?next=${encodeURIComponent(next)}`, 303);
}

/**
 * Renders the Danish 403 page (status 403) in place of the current page: `return forbidden(Astro);`.
 * The page explains what to do (sign in, verify with a passkey, or ask an editor).
 */
export function forbidden(astro: AstroLike): Promise<Response> {
	const from = astro.url.pathname + astro.url.search;
	return rewriteTo(astro, `/403?fra=${encodeURIComponent(from)}`);
}

/**
 * The one preamble of a page that needs a right: the signed-in user and their permissions, or the response to
 * return (sign-in redirect for anonymous visitors, the Danish 403 page for everyone else).
 * Usage: `const guard = await requirePermission(Astro, db, (p) => p.isAdmin); if (guard instanceof Response) return guard;`
 */
export async function requirePermission(astro: AstroLike, db: Db, allowed: (perms: Permissions) => boolean): Promise<{ user: SessionUser; perms: Permissions } | Response> {
	const user = requireUser(astro);
	if (user instanceof Response) return user;
	const perms = await loadPermissions(db, user);
	return allowed(perms) ? { user, perms } : forbidden(astro);
}

/** `requirePermission` for network admins (the tovholder). */
export function requireAdmin(astro: AstroLike, db: Db): Promise<{ user: SessionUser; perms: Permissions } | Response> {
	return requirePermission(astro, db, (perms) => perms.isAdmin);
}

/** Anyone who edits something: admins, unit and organisation editors (the /admin overview, the freshness dashboard). */
export function isEditor(perms: Permissions): boolean {
	return perms.isAdmin || perms.editableUnitIds.length > 0 || perms.editableOrganisationIds.length > 0;
}

/**
 * A reader: signed in, and nothing more — role member (also the one the account holds), no linked directory
 * entry, no scopes. Every right in auth.rules.ts is false for a reader, so every reader sees the same page
 * wherever a page depends on the viewer only through rights (the page cache shares such pages between
 * readers, src/lib/page-cache.ts). Read fresh on each request (one indexed lookup): a scope given a moment ago counts.
 */
export async function isReader(db: Db, user: SessionUser): Promise<boolean> {
	if (user.role !== 'member' || (user.assignedRole ?? user.role) !== 'member' || user.needsSecondFactor || user.personId !== null) return false;
	const scope = await db.selectFrom('user_scope').select('user_id').where('user_id', '=', user.id).limit(1).executeTakeFirst();
	return scope === undefined;
}

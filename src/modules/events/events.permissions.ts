/**
 * Who may run a theme day: admins every one; an organisation's editors only the theme days their
 * organisation organises or was given organiser rights to (event_organiser). Only admins create new ones
 * (and choose the organiser); organisers may copy their own.
 */
import type { Db } from '@db/client';
import type { Permissions } from '@/modules/auth/auth.permissions';
import { eventIdsForOrganisations } from './events.repository';

export function canCreateEvents(perms: Permissions): boolean {
	return perms.isAdmin;
}

/** Ids of theme days the user may manage, or 'all' for admins. */
export async function manageableEventIds(db: Db, perms: Permissions): Promise<number[] | 'all'> {
	if (perms.isAdmin) return 'all';
	return eventIdsForOrganisations(db, perms.editableOrganisationIds);
}

/** Whether the organiser pages (/temadage/admin) have anything for the user: links to them are shown only then. */
export async function mayOrganise(db: Db, perms: Permissions): Promise<boolean> {
	if (canCreateEvents(perms)) return true;
	return (await manageableEventIds(db, perms)).length > 0;
}

export async function canManageEvent(db: Db, perms: Permissions, eventId: number): Promise<boolean> {
	const ids = await manageableEventIds(db, perms);
	return ids === 'all' || ids.includes(eventId);
}

import { forbidden, loadPermissions, requireUser } from '@/modules/auth/auth.permissions';
import type { SessionUser } from '@/modules/auth/auth.types';
import { findEventBySlug } from './events.repository';
import type { ThemeDay } from './events.types';

interface AstroLike {
	locals: { user: SessionUser | null };
	url: URL;
	params: Record<string, string | undefined>;
	request: Request;
	redirect(path: string, status?: 301 | 302 | 303 | 307 | 308): Response;
	rewrite(payload: string | Request): Promise<Response>;
}

/**
 * For /temadage/<slug>/admin/… pages: the theme day and the signed-in user allowed to manage it, or the
 * response to return (sign-in redirect, 404 rewrite or the 403 page).
 */
export async function guardEventAdmin(astro: AstroLike, db: Db): Promise<{ event: ThemeDay; user: SessionUser; perms: Permissions } | Response> {
	const user = requireUser(astro);
	if (user instanceof Response) return user;
	const event = await findEventBySlug(db, astro.params.slug ?? '');
	if (!event) return astro.rewrite('/404');
	const perms = await loadPermissions(db, user);
	if (!(await canManageEvent(db, perms, event.id))) return forbidden(astro);
	return { event, user, perms };
}

/**
 * Who may run a theme day (events.permissions.ts): admins every one, an organisation's editors only the days
 * their organisation organises or co-organises, nobody else — and the preamble of the /temadage/<slug>/admin
 * pages answers each of them as the page must (sign-in redirect, 404, the Danish 403, or the day).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '@db/schema';
import { createTestDb } from './helpers/test-db';
import { createTestUser } from './helpers/auth';
import { admin, makeEvent } from './events-helpers';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation } from '@/modules/directory/directory.writes';
import { setCoOrganisers } from '@/modules/events/events.writes';
import { canCreateEvents, canManageEvent, guardEventAdmin, manageableEventIds, mayOrganise } from '@/modules/events/events.permissions';
import { loadPermissions } from '@/modules/auth/auth.permissions';
import type { SessionUser } from '@/modules/auth/auth.types';

let t: Awaited<ReturnType<typeof createTestDb>>;
const ids = { orgA: 0, orgB: 0, orgC: 0, orgIdle: 0, dayA: 0, dayB: 0 };
const slugs = { dayA: '', dayB: '' };

beforeAll(async () => {
	t = await createTestDb();
	const actor = systemActor('test');
	const org = async (name: string, code: string) => (await ensureOrganisation(t.db, actor, { name, type: 'kommune', municipalityCode: code })).id;
	Object.assign(ids, { orgA: await org('Alfa Kommune', '219'), orgB: await org('Beta Kommune', '217'), orgC: await org('Gamma Kommune', '223'), orgIdle: await org('Delta Kommune', '240') });
	// Day A is organised by A; day B by B, with C as co-organiser.
	const dayA = await makeEvent(t.db, { title: 'Dag A', organisationId: ids.orgA });
	const dayB = await makeEvent(t.db, { title: 'Dag B', date: '2030-06-20', organisationId: ids.orgB });
	await setCoOrganisers(t.db, dayB.id, [ids.orgC], admin);
	Object.assign(ids, { dayA: dayA.id, dayB: dayB.id });
	Object.assign(slugs, { dayA: dayA.slug, dayB: dayB.slug });
});
afterAll(async () => t?.cleanup());

async function userWith(role: UserRole, organisationIds: number[] = []): Promise<SessionUser> {
	const created = await createTestUser(t.db, { role, organisationIds });
	return { id: created.id, email: created.email, name: 'Test', role, personId: null };
}
const permsOf = async (role: UserRole, organisationIds: number[] = []) => loadPermissions(t.db, await userWith(role, organisationIds));

describe('which theme days a user may manage', () => {
	it('gives admins every day, and only admins may create new ones', async () => {
		const perms = await permsOf('admin');
		expect(canCreateEvents(perms)).toBe(true);
		expect(await manageableEventIds(t.db, perms)).toBe('all');
		expect([await canManageEvent(t.db, perms, ids.dayA), await canManageEvent(t.db, perms, ids.dayB)]).toEqual([true, true]);
		expect(canCreateEvents(await permsOf('org_editor', [ids.orgA]))).toBe(false);
	});

	it('gives an organisation editor the days their organisation organises or co-organises, never another organiser’s day', async () => {
		const editorA = await permsOf('org_editor', [ids.orgA]);
		expect(await manageableEventIds(t.db, editorA)).toEqual([ids.dayA]);
		expect([await canManageEvent(t.db, editorA, ids.dayA), await canManageEvent(t.db, editorA, ids.dayB)]).toEqual([true, false]);

		const coOrganiser = await permsOf('org_editor', [ids.orgC]);
		expect(await manageableEventIds(t.db, coOrganiser)).toEqual([ids.dayB]);
		expect([await canManageEvent(t.db, coOrganiser, ids.dayA), await canManageEvent(t.db, coOrganiser, ids.dayB)]).toEqual([false, true]);
	});

	it('shows the organiser pages only to those who have something there', async () => {
		expect(await mayOrganise(t.db, await permsOf('admin'))).toBe(true);
		expect(await mayOrganise(t.db, await permsOf('org_editor', [ids.orgB]))).toBe(true);
		expect(await mayOrganise(t.db, await permsOf('org_editor', [ids.orgIdle]))).toBe(false);
		const member = await permsOf('member');
		expect(await manageableEventIds(t.db, member)).toEqual([]);
		expect(await mayOrganise(t.db, member)).toBe(false);
		// Stale organisation scopes of a demoted editor give nothing.
		expect(await mayOrganise(t.db, await permsOf('member', [ids.orgA]))).toBe(false);
	});
});

describe('guardEventAdmin, the preamble of /temadage/<slug>/admin pages', () => {
	/** The part of Astro's page context the guard uses; `rewrites` records what it rendered in place of the page. */
	function page(user: SessionUser | null, slug: string) {
		const rewrites: string[] = [];
		const url = new URL(`http://vejviser.test/temadage/${slug}/admin/deltagere?side=2`);
		return {
			rewrites,
			astro: {
				locals: { user },
				url,
				params: { slug },
				request: new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'a=b' }, body: 'x=1' }),
				redirect: (path: string, status?: number) => new Response(null, { status: status ?? 302, headers: { location: path } }),
				rewrite: async (payload: string | Request) => {
					rewrites.push(typeof payload === 'string' ? payload : `${payload.method} ${new URL(payload.url).pathname}${new URL(payload.url).search}`);
					return new Response('omskrevet', { status: 200 });
				},
			},
		};
	}

	it('sends an anonymous visitor to sign in and back', async () => {
		const { astro } = page(null, slugs.dayA);
		const res = (await guardEventAdmin(astro, t.db)) as Response;
		expect([res.status, res.headers.get('location')]).toEqual([303, `/log-ind?next=${encodeURIComponent(`/temadage/${slugs.dayA}/admin/deltagere?side=2`)}`]);
	});

	it('answers an unknown day with the 404 page, another organiser’s day with the Danish 403 page', async () => {
		const editorB = await userWith('org_editor', [ids.orgB]);
		const unknown = page(editorB, 'findes-ikke');
		expect(await guardEventAdmin(unknown.astro, t.db)).toBeInstanceOf(Response);
		expect(unknown.rewrites).toEqual(['/404']);
		// A route without the slug parameter is an unknown day too, never the first day found.
		const { params: _ignored, ...withoutSlug } = page(editorB, slugs.dayA).astro;
		const noSlug = { ...withoutSlug, params: {} as Record<string, string | undefined>, rewrite: unknown.astro.rewrite };
		expect(await guardEventAdmin(noSlug, t.db)).toBeInstanceOf(Response);
		expect(unknown.rewrites).toEqual(['/404', '/404']);

		const other = page(editorB, slugs.dayA);
		expect(await guardEventAdmin(other.astro, t.db)).toBeInstanceOf(Response);
		// A fresh GET (the form's body was read) to the 403 page, which links back to where the user was.
		expect(other.rewrites).toEqual([`GET /403?fra=${encodeURIComponent(`/temadage/${slugs.dayA}/admin/deltagere?side=2`)}`]);
	});

	it('gives an organiser of the day the day, the user and their permissions', async () => {
		const editorA = await userWith('org_editor', [ids.orgA]);
		const { astro, rewrites } = page(editorA, slugs.dayA);
		const guard = await guardEventAdmin(astro, t.db);
		if (guard instanceof Response) throw new Error(`expected the day, got ${guard.status}`);
		expect([guard.event.id, guard.user.id, guard.perms.editableOrganisationIds]).toEqual([ids.dayA, editorA.id, [ids.orgA]]);
		expect(rewrites).toEqual([]);
	});
});

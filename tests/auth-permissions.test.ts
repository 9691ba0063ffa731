import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '@db/schema';
import { createTestDb } from './helpers/test-db';
import { createTestUser } from './helpers/auth';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { canChangeAccount, effectiveRole, safeNextPath, sessionExpiresAt, sessionPolicy, type Subject } from '@/modules/auth/auth.rules';
import { isEditor, loadPermissions, requireAdmin, requirePermission } from '@/modules/auth/auth.permissions';
import type { SessionUser } from '@/modules/auth/auth.types';

/**
 * The network: organisation A with units A1 and A2, organisation B with unit B1; one person in each unit.
 * The actor under test is linked to the person in A1 ("self").
 */
let t: Awaited<ReturnType<typeof createTestDb>>;
const ids = { orgA: 0, orgB: 0, unitA1: 0, unitA2: 0, unitB1: 0, self: 0, colleague: 0, otherUnit: 0, otherOrg: 0 };

beforeAll(async () => {
	t = await createTestDb();
	const actor = systemActor('test');
	const orgA = await ensureOrganisation(t.db, actor, { name: 'Alfa Kommune', type: 'kommune', municipalityCode: '219' });
	const orgB = await ensureOrganisation(t.db, actor, { name: 'Beta Kommune', type: 'kommune', municipalityCode: '217' });
	const unitA1 = await ensureUnit(t.db, actor, orgA.id, 'PPR');
	const unitA2 = await ensureUnit(t.db, actor, orgA.id, 'SSP');
	const unitB1 = await ensureUnit(t.db, actor, orgB.id, 'PPR');
	const person = async (ref: string, unitId: number) =>
		(await savePerson(t.db, actor, { ref, firstName: 'Test', lastName: ref, title: 'Psykolog', unitId, municipalityCode: null, phone: null, mobile: null, email: null, hours: '', note: '', keyPerson: false, status: 'active', successorId: null, verifiedAt: null, topics: [], roles: [], ageGroups: [] })).id;
	Object.assign(ids, {
		orgA: orgA.id, orgB: orgB.id, unitA1: unitA1.id, unitA2: unitA2.id, unitB1: unitB1.id,
		self: await person('SELF', unitA1.id), colleague: await person('COL', unitA1.id), otherUnit: await person('OTU', unitA2.id), otherOrg: await person('OTO', unitB1.id),
	});
});
afterAll(async () => t?.cleanup());

async function permsFor(role: UserRole) {
	const scopes = role === 'unit_editor' ? { unitIds: [ids.unitA1] } : role === 'org_editor' ? { organisationIds: [ids.orgA] } : {};
	const created = await createTestUser(t.db, { role, personId: ids.self, ...scopes });
	const user: SessionUser = { id: created.id, email: created.email, name: 'Test', role, personId: ids.self };
	return loadPermissions(t.db, user);
}

const person = (key: 'self' | 'colleague' | 'otherUnit' | 'otherOrg') => {
	const unitId = key === 'self' || key === 'colleague' ? ids.unitA1 : key === 'otherUnit' ? ids.unitA2 : ids.unitB1;
	return { id: ids[key], unitId, organisationId: key === 'otherOrg' ? ids.orgB : ids.orgA };
};

// role → [own entry, colleague in own unit, person in another unit of own organisation, person in another organisation]
const personMatrix: Record<UserRole, [boolean, boolean, boolean, boolean]> = {
	member: [true, false, false, false],
	unit_editor: [true, true, false, false],
	org_editor: [true, true, true, false],
	admin: [true, true, true, true],
};
// role → [edit own unit, edit other unit in own org, edit own organisation, edit other organisation, manage network]
const structureMatrix: Record<UserRole, [boolean, boolean, boolean, boolean, boolean]> = {
	member: [false, false, false, false, false],
	unit_editor: [true, false, false, false, false],
	org_editor: [true, true, true, false, false],
	admin: [true, true, true, true, true],
};

describe('role rules against a real database', () => {
	for (const role of Object.keys(personMatrix) as UserRole[]) {
		it(`lets a ${role} edit exactly the people the role allows`, async () => {
			const perms = await permsFor(role);
			const got = (['self', 'colleague', 'otherUnit', 'otherOrg'] as const).map((k) => perms.canEditPerson(person(k)));
			expect(got).toEqual(personMatrix[role]);
		});
		it(`lets a ${role} edit exactly the units, organisations and network data the role allows`, async () => {
			const perms = await permsFor(role);
			expect([
				perms.canEditUnit({ id: ids.unitA1, organisationId: ids.orgA }),
				perms.canEditUnit({ id: ids.unitA2, organisationId: ids.orgA }),
				perms.canEditOrganisation(ids.orgA),
				perms.canEditOrganisation(ids.orgB),
				perms.canManageNetwork,
			]).toEqual(structureMatrix[role]);
		});
	}

	it('gives an anonymous visitor no rights at all', async () => {
		const perms = await loadPermissions(t.db, null);
		expect([perms.canEditPerson(person('self')), perms.canEditUnit({ id: ids.unitA1, organisationId: ids.orgA }), perms.canEditOrganisation(ids.orgA), perms.canManageNetwork, perms.isAdmin]).toEqual([false, false, false, false, false]);
	});

	it('ignores stale scope rows once an editor is demoted to member', async () => {
		const created = await createTestUser(t.db, { role: 'member', unitIds: [ids.unitA1], organisationIds: [ids.orgA] });
		const perms = await loadPermissions(t.db, { id: created.id, email: created.email, name: '', role: 'member', personId: null });
		expect(perms.canEditPerson(person('colleague'))).toBe(false);
		expect(perms.editableUnitIds).toEqual([]);
		expect(perms.editableOrganisationIds).toEqual([]);
	});

	it('lists the scopes an editor holds', async () => {
		const perms = await permsFor('org_editor');
		expect([perms.editableOrganisationIds, perms.editableUnitIds]).toEqual([[ids.orgA], []]);
		const unitEditor = await permsFor('unit_editor');
		expect([unitEditor.editableOrganisationIds, unitEditor.editableUnitIds]).toEqual([[], [ids.unitA1]]);
		// An editor of both kinds of scope: each row counts once, in its own list.
		const created = await createTestUser(t.db, { role: 'org_editor', unitIds: [ids.unitB1], organisationIds: [ids.orgA] });
		const both = await loadPermissions(t.db, { id: created.id, email: created.email, name: '', role: 'org_editor', personId: null });
		expect([both.editableOrganisationIds, both.editableUnitIds]).toEqual([[ids.orgA], [ids.unitB1]]);
		expect([both.subject?.userId, both.subject?.personId, both.user?.id, both.isAdmin]).toEqual([created.id, null, created.id, false]);
	});

	it('asks the account rule for account changes', async () => {
		const adminPerms = await permsFor('admin');
		expect([adminPerms.canChangeAccount(ids.self + 1000, { role: 'member' }), adminPerms.canChangeAccount(adminPerms.user!.id, { role: 'member' })]).toEqual([true, false]);
		expect((await permsFor('org_editor')).canChangeAccount(ids.self + 1000, { role: 'member' })).toBe(false);
	});

	it('counts admins and every kind of editor as editors, members not', async () => {
		const got = [];
		for (const role of ['member', 'unit_editor', 'org_editor', 'admin'] as UserRole[]) got.push(isEditor(await permsFor(role)));
		expect(got).toEqual([false, true, true, true]);
		expect(isEditor(await loadPermissions(t.db, null))).toBe(false);
	});
});

describe('account changes', () => {
	const subject = (role: UserRole, userId = 1): Subject => ({ userId, role, personId: null, unitIds: [], organisationIds: [] });

	it('lets only admins change other accounts', () => {
		for (const role of ['member', 'unit_editor', 'org_editor'] as UserRole[]) expect(canChangeAccount(subject(role), 2, { role: 'member' })).toBe(false);
		expect(canChangeAccount(subject('admin'), 2, { role: 'org_editor', scopes: true })).toBe(true);
	});

	it('lets an admin change their own account in ways that do not touch rights', () => {
		expect([canChangeAccount(subject('admin', 7), 7, {}), canChangeAccount(subject('admin', 7), 7, { scopes: false })]).toEqual([true, true]);
		expect(canChangeAccount(null, 7, {})).toBe(false);
	});

	it('never lets anyone raise or change their own rights', () => {
		for (const role of ['member', 'unit_editor', 'org_editor', 'admin'] as UserRole[]) {
			expect(canChangeAccount(subject(role, 7), 7, { role: 'admin' })).toBe(false);
			expect(canChangeAccount(subject(role, 7), 7, { scopes: true })).toBe(false);
			expect(canChangeAccount(subject(role, 7), 7, { status: 'active' })).toBe(false);
		}
	});
});

describe('second factor gating', () => {
	it('makes an editor or admin with an unproven passkey act as a member', () => {
		for (const role of ['unit_editor', 'org_editor', 'admin'] as UserRole[]) {
			expect(effectiveRole(role, true, null)).toBe('member');
			expect(effectiveRole(role, true, '2026-01-01T00:00:00Z')).toBe(role);
			expect(effectiveRole(role, false, null)).toBe(role);
		}
		expect(effectiveRole('member', true, null)).toBe('member');
	});
});

describe('session lifetimes', () => {
	it('gives unit editors the long member session, and ends a session at the earlier of idle timeout and cap', () => {
		expect(sessionPolicy('unit_editor')).toEqual(sessionPolicy('member'));
		const policy = { inactivityMs: 10, absoluteMs: 100 };
		const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
		expect(sessionExpiresAt(policy, at(0), at(50)).getTime()).toBe(at(60).getTime());
		expect(sessionExpiresAt(policy, at(0), at(95)).getTime()).toBe(at(100).getTime());
	});
});

describe('next redirects', () => {
	it('keeps same-site paths and refuses everything else', () => {
		expect(safeNextPath('/personer/D00001/rediger?x=1')).toBe('/personer/D00001/rediger?x=1');
		// A long path is refused as a whole (500 characters at most), never cut.
		expect([safeNextPath(`/${'a'.repeat(499)}`), safeNextPath(`/${'a'.repeat(500)}`)]).toEqual([`/${'a'.repeat(499)}`, '/konto']);
		expect(safeNextPath('/%0d%0aSet-Cookie')).toBe('/%0d%0aSet-Cookie');
		// Nothing under /log-ud: signing in must not sign out again.
		expect(safeNextPath('/log-ud/alle', '/konto')).toBe('/konto');
		// A relative value is not a path of ours, though the URL parser would make one of it.
		expect(safeNextPath('konto', '/start')).toBe('/start');
		for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/log-ud', '', null, ' /konto', '/a\nb'])
			expect([bad, safeNextPath(bad, '/konto')]).toEqual([bad, '/konto']);
	});

	it('judges the normalised value, so no known bypass shape leaves the site', () => {
		const shapes = [
			'/.//evil.example/phish',
			'/..//evil.example',
			'/./\\evil.example',
			'/%2e//evil.example',
			'/a/../..//evil.example',
			'/\t/evil.example',
			'/\t\t//evil.example',
			'/\r\n//evil.example',
			'\t//evil.example',
			'/\\/evil.example',
			'//\\evil.example',
			'///evil.example',
			'https:evil.example',
			'/\u0000//evil.example',
		];
		for (const shape of shapes) {
			const result = safeNextPath(shape, '/konto');
			// Whatever comes back is a path on this site: one slash, then not a slash or backslash.
			expect([shape, /^\/(?![\/\\])/.test(result) && new URL(result, 'https://vejviser.example').host === 'vejviser.example']).toEqual([shape, true]);
		}
		expect(safeNextPath('/.//evil.example/phish', '/konto')).toBe('/konto');
		// Encoded slashes stay encoded: a path on this site, not another host.
		expect(safeNextPath('/%2F%2Fevil.example', '/konto')).toBe('/%2F%2Fevil.example');
	});
});

describe('page guards', () => {
	/** The part of Astro's page context the guards use; `rewrites` records what was rendered in place of the page. */
	function page(user: SessionUser | null) {
		const rewrites: string[] = [];
		const url = new URL('http://vejviser.test/admin/konti?side=2&q=a b');
		return {
			rewrites,
			astro: {
				locals: { user },
				url,
				request: new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3', cookie: 'a=b' }, body: 'x=1' }),
				redirect: (path: string, status?: number) => new Response(null, { status: status ?? 302, headers: { location: path } }),
				rewrite: async (payload: string | Request) => {
					if (typeof payload === 'string') rewrites.push(payload);
					else rewrites.push(`${payload.method} ${payload.url} cookie=${payload.headers.get('cookie')} type=${payload.headers.get('content-type')} length=${payload.headers.get('content-length')}`);
					return new Response('omskrevet');
				},
			},
		};
	}
	const userOf = async (role: UserRole): Promise<SessionUser> => {
		const created = await createTestUser(t.db, { role });
		return { id: created.id, email: created.email, name: 'Test', role, personId: null };
	};

	it('sends an anonymous visitor to sign in, with the way back', async () => {
		const { astro, rewrites } = page(null);
		const res = (await requireAdmin(astro, t.db)) as Response;
		expect([res.status, res.headers.get('location')]).toEqual([303, `/log-ind?next=${encodeURIComponent('/admin/konti?side=2&q=a%20b')}`]);
		expect(rewrites).toEqual([]);
	});

	it('renders the Danish 403 page for a signed-in user without the right: a fresh GET without the form body', async () => {
		const { astro, rewrites } = page(await userOf('org_editor'));
		expect(await requireAdmin(astro, t.db)).toBeInstanceOf(Response);
		expect(rewrites).toEqual([`GET http://vejviser.test/403?fra=${encodeURIComponent('/admin/konti?side=2&q=a%20b')} cookie=a=b type=null length=null`]);
	});

	it('gives the user and their permissions when the right holds', async () => {
		const user = await userOf('admin');
		const { astro, rewrites } = page(user);
		const guard = await requireAdmin(astro, t.db);
		if (guard instanceof Response) throw new Error(`expected the user, got ${guard.status}`);
		expect([guard.user.id, guard.perms.isAdmin, guard.perms.user?.id]).toEqual([user.id, true, user.id]);
		// The rule passed in is what decides.
		const editor = page(await userOf('unit_editor'));
		expect(await requirePermission(editor.astro, t.db, () => true)).not.toBeInstanceOf(Response);
		expect(await requirePermission(editor.astro, t.db, () => false)).toBeInstanceOf(Response);
		expect(rewrites).toEqual([]);
	});
});

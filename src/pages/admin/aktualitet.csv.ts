/** The freshness dashboard as CSV, with the page's filter (needs action first). Editors see their scope; admins all. Logged in the export log. */
import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { loadPermissions } from '@/modules/auth/auth.permissions';
import { logExport } from '@/modules/privacy/privacy.exports';
import { freshnessConfigFromEnv } from '@/modules/freshness/freshness.config';
import { freshnessCsv, loadFreshnessDashboard, parseDashboardFilter } from '@/modules/freshness/freshness.dashboard';

export const GET: APIRoute = async ({ url, locals, redirect }) => {
	const user = locals.user;
	if (!user) return redirect(`/log-ind?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
	const db = getDb();
	const perms = await loadPermissions(db, user);
	const isEditor = perms.editableUnitIds.length > 0 || perms.editableOrganisationIds.length > 0;
	if (!perms.isAdmin && !isEditor) return new Response('Ingen adgang.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	const dashboard = await loadFreshnessDashboard(
		db,
		perms.isAdmin ? { all: true } : { unitIds: perms.editableUnitIds, organisationIds: perms.editableOrganisationIds },
		new Date(),
		freshnessConfigFromEnv(),
		{ filter: parseDashboardFilter(url.searchParams) },
	);
	await logExport(db, { actor: user.email, actorUserId: user.id, kind: 'freshness-csv', channel: 'web', rows: dashboard.people.length });
	return new Response(freshnessCsv(dashboard.people), {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="aktualitet.csv"', 'Cache-Control': 'private, no-store' },
	});
};

/** One table of /admin/tal as CSV (same period parameters as the page). Admins and steering-group members. */
import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { loadPermissions } from '@/modules/auth/auth.permissions';
import { canSeeFigures } from '@/modules/stats/stats.access';
import { figureCsv, loadFigure, parsePeriod } from '@/modules/stats/stats.figures';

export const GET: APIRoute = async ({ params, url, locals, redirect }) => {
	const user = locals.user;
	if (!user) return redirect(`/log-ind?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
	const db = getDb();
	if (!(await canSeeFigures(db, await loadPermissions(db, user))))
		return new Response('Ingen adgang.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	const period = parsePeriod(url.searchParams);
	const table = await loadFigure(db, params.tabel ?? '', period);
	if (!table) return new Response('Den tabel findes ikke.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	return new Response(figureCsv(table), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="${table.id}-${period.from}-${period.to}.csv"`,
			'Cache-Control': 'private, no-store',
		},
	});
};

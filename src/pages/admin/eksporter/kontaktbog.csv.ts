/** The whole directory as CSV from the browser (network admins): the `db:export` format, and the export is logged. */
import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { loadPermissions } from '@/modules/auth/auth.permissions';
import { buildExport } from '@/modules/directory/directory.export';
import { logExport } from '@/modules/privacy/privacy.exports';

export const GET: APIRoute = async ({ url, locals, redirect }) => {
	const user = locals.user;
	if (!user) return redirect(`/log-ind?next=${encodeURIComponent(url.pathname)}`, 303);
	const db = getDb();
	if (!(await loadPermissions(db, user)).isAdmin) return new Response('Ingen adgang.', { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	const { csv, count } = await buildExport(db);
	await logExport(db, { actor: user.email, actorUserId: user.id, kind: 'csv', channel: 'web', rows: count });
	return new Response(csv, {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="vejviser-kontaktbog-${new Date().toISOString().slice(0, 10)}.csv"`, 'Cache-Control': 'private, no-store' },
	});
};

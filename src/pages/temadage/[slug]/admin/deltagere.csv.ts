/** The participant list as CSV (same filters as the page). Organisers only; every export is audited and in the export log. */
import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { insertAuditEntry } from '@/modules/audit/audit.repository';
import { loadPermissions } from '@/modules/auth/auth.permissions';
import { logExport } from '@/modules/privacy/privacy.exports';
import { csvFilename, participantsCsv } from '@/modules/events/events.csv';
import { canManageEvent } from '@/modules/events/events.permissions';
import { findEventBySlug, listRegistrations, waitlistPosition, type RegistrationFilter } from '@/modules/events/events.repository';

export const GET: APIRoute = async ({ params, url, locals, redirect }) => {
	const user = locals.user;
	if (!user) return redirect(`/log-ind?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
	const db = getDb();
	const event = await findEventBySlug(db, params.slug ?? '');
	if (!event) return new Response('Temadagen findes ikke.', { status: 404 });
	if (!(await canManageEvent(db, await loadPermissions(db, user), event.id))) return new Response('Ingen adgang.', { status: 403 });
	const status = (url.searchParams.get('status') || 'active') as RegistrationFilter['status'];
	const regs = await listRegistrations(db, event.id, { status, q: url.searchParams.get('q') ?? '' });
	await insertAuditEntry(db, { actor: { label: user.email, userId: user.id }, entityType: 'event', entityId: event.id, entityLabel: event.title, action: 'export_participants', changes: { rows: [null, regs.length] } });
	await logExport(db, { actor: user.email, actorUserId: user.id, kind: 'participants-csv', channel: 'web', rows: regs.length, detail: event.slug });
	return new Response(participantsCsv(await Promise.all(regs.map(async (registration) => ({ registration, position: await waitlistPosition(db, registration) })))), {
		headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${csvFilename(event.slug)}"`, 'Cache-Control': 'private, no-store' },
	});
};

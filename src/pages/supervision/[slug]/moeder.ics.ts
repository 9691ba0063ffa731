/** `/supervision/<slug>/moeder.ics`: the group's meetings as a calendar feed (times and places are public on the group page). */
import type { APIRoute } from 'astro';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { getDb } from '@/lib/db';
import { groupIcs } from '@/modules/supervision/supervision.ics';
import { findGroup, listMeetings } from '@/modules/supervision/supervision.repository';

export const GET: APIRoute = async ({ params }) => {
	const db = getDb();
	const group = await findGroup(db, { slug: params.slug ?? '' });
	if (!group) return new Response('Gruppen findes ikke.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	return new Response(groupIcs(group, await listMeetings(db, group.id), PUBLIC_BASE_URL.replace(/\/$/, '')), {
		headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `attachment; filename="${group.slug}.ics"` },
	});
};

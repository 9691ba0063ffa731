/** `/temadage/<slug>.ics`: one theme day (METHOD:CANCEL once cancelled). Drafts are not public. */
import type { APIRoute } from 'astro';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { getDb } from '@/lib/db';
import { eventIcs } from '@/modules/events/events.ics';
import { findEventBySlug } from '@/modules/events/events.repository';

export const GET: APIRoute = async ({ params }) => {
	const event = await findEventBySlug(getDb(), params.slug ?? '');
	if (!event || event.status === 'draft') return new Response('Temadagen findes ikke.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	return new Response(eventIcs(event, PUBLIC_BASE_URL.replace(/\/$/, '')), {
		headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `attachment; filename="${event.slug}.ics"` },
	});
};

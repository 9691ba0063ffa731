/** `/temadage.ics`: the subscribable feed of upcoming theme days (contract path). */
import type { APIRoute } from 'astro';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { getDb } from '@/lib/db';
import { feedIcs } from '@/modules/events/events.ics';
import { listEvents } from '@/modules/events/events.repository';

export const GET: APIRoute = async () => {
	const events = await listEvents(getDb(), { endsAfter: new Date().toISOString() });
	return new Response(feedIcs(events, PUBLIC_BASE_URL.replace(/\/$/, '')), {
		headers: { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': 'inline; filename="temadage.ics"', 'Cache-Control': 'public, max-age=300' },
	});
};

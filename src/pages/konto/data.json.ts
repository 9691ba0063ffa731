/** Everything Vejviser stores about the signed-in user, as a JSON download (GDPR art. 15/20). */
import type { APIRoute } from 'astro';
import { getDb } from '@/lib/db';
import { collectSubjectData } from '@/modules/privacy/privacy.subject';

export const GET: APIRoute = async ({ locals, url, redirect }) => {
	const user = locals.user;
	if (!user) return redirect(`/log-ind?next=${encodeURIComponent(url.pathname)}`, 303);
	const data = await collectSubjectData(getDb(), user.id);
	if (!data) return redirect('/log-ind', 303);
	return new Response(JSON.stringify(data, null, 2), {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Disposition': `attachment; filename="vejviser-mine-data-${data.generatedAt.slice(0, 10)}.json"`,
			'Cache-Control': 'private, no-store',
		},
	});
};

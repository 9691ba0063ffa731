import type { APIRoute } from 'astro';
import { PUBLIC_BASE_URL } from '@/lib/base-url';
import { getDb } from '@/lib/db';
import { resolveMergedRef } from '@/modules/admin/admin.merge';
import { buildVCard, vCardDisposition } from '@/modules/directory/directory.vcard';
import { loadPersonPage, personPath, viewerWithRights } from '@/modules/directory/directory.views';

/** The person as a vCard download, with only the fields this viewer may see. */
export const GET: APIRoute = async ({ params, locals }) => {
	const data = await loadPersonPage(getDb(), params.ref ?? '', await viewerWithRights(getDb(), locals.user));
	if (!data) {
		const kept = await resolveMergedRef(getDb(), params.ref ?? '');
		if (kept) return new Response(null, { status: 301, headers: { Location: `${personPath(kept)}.vcf` } });
	}
	if (!data) return new Response('Personen findes ikke i Vejviser.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
	const { person, contact, successor } = data;
	const body = buildVCard({
		ref: person.ref,
		firstName: person.firstName,
		lastName: person.lastName,
		title: person.title,
		organisationName: person.organisationName,
		unitName: person.unitName,
		phone: contact.phone,
		mobile: contact.mobile,
		email: contact.email,
		hours: person.hours,
		status: person.status,
		successorName: successor?.name ?? null,
		url: new URL(personPath(person.ref), PUBLIC_BASE_URL).toString(),
		updatedAt: person.updatedAt,
	});
	return new Response(body, {
		headers: {
			'Content-Type': 'text/vcard; charset=utf-8',
			'Content-Disposition': vCardDisposition(person.firstName, person.lastName),
			// Members see more than anonymous visitors: never let a shared cache hand one to the other. The browser
			// may keep its own copy and ask again (ETag → 304, src/lib/page-cache.ts).
			'Cache-Control': 'private, no-cache',
			Vary: 'Cookie',
		},
	});
};

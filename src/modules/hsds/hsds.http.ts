/** Answers of the public HSDS endpoints: JSON anyone may fetch from any site (read-only, public fields only). */
export const HSDS_HEADERS = {
	'Access-Control-Allow-Origin': '*',
	'Cache-Control': 'public, max-age=60',
	'Content-Type': 'application/json; charset=utf-8',
};

export function hsdsJson(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body), { status, headers: HSDS_HEADERS });
}

export function hsdsNotFound(what: string): Response {
	return hsdsJson({ error: 'not_found', message: `${what} findes ikke.` }, 404);
}

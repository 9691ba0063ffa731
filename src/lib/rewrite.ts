/**
 * Renders another page (403, 404, 413, 429, 503) in place of the current one, keeping the address. Astro's own
 * `rewrite(path)` copies the request with its body and throws once a page has read the body (a refusal after a
 * form was parsed answered 500); a fresh GET request with the same headers never has that problem.
 */
export interface Rewritable {
	url: URL;
	request: Request;
	rewrite(payload: string | Request): Promise<Response>;
}

export function rewriteTo(astro: Rewritable, path: string): Promise<Response> {
	const headers = new Headers(astro.request.headers);
	for (const name of ['content-length', 'content-type', 'transfer-encoding']) headers.delete(name);
	return astro.rewrite(new Request(new URL(path, astro.url), { method: 'GET', headers }));
}

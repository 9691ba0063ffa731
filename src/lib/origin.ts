/**
 * Cross-site request forgery: a browser sends `Origin` with every form POST, and a forged one comes from
 * another site's origin. We accept a write only from an origin the site answers on, as configured *at run time*
 * (one build serves any host): the public base URL, `PUBLIC_HOSTNAME` over https, and the address the request
 * itself was made to as Astro understood it (its URL honours Host and X-Forwarded-Proto/-Host only for the
 * domains src/server/front-door.ts allows at run time; any other host becomes "localhost").
 */
export interface OriginConfig {
	publicBaseUrl: string;
	publicHostname?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function allowedOrigins(url: URL, config: OriginConfig): Set<string> {
	const origins = new Set<string>([url.origin]);
	try {
		origins.add(new URL(config.publicBaseUrl).origin);
	} catch {
		/* a malformed base URL adds nothing */
	}
	for (const host of (config.publicHostname ?? '').split(',').map((h) => h.trim()).filter(Boolean)) origins.add(`https://${host}`);
	return origins;
}

/** Whether a request may change something: safe methods always; writes only from one of our own origins. */
export function originAllowed(request: Request, url: URL, config: OriginConfig): boolean {
	if (SAFE_METHODS.has(request.method)) return true;
	if (request.headers.get('sec-fetch-site') === 'cross-site') return false;
	const origin = request.headers.get('origin');
	// Browsers send Origin with every POST; without one only a same-origin fetch metadata header will do (as
	// strict as Astro's own check, which this replaces).
	if (!origin) return request.headers.get('sec-fetch-site') === 'same-origin';
	return allowedOrigins(url, config).has(origin);
}

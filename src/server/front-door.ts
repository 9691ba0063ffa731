/**
 * What happens to every request before Astro sees it.
 *
 * - The client address: Astro's node adapter believes the first `X-Forwarded-For` entry, so anyone could rotate
 *   it past every per-client limit. Here only proxies we were told to trust (`TRUST_PROXY`: a number of hops, or
 *   a comma-separated list of proxy addresses; off by default) may name the client; otherwise the socket's
 *   address is the client. The result is handed on as the only `X-Forwarded-For` entry, so `Astro.clientAddress`
 *   is right. (`X-Forwarded-Host`/`-Proto` are checked by Astro against the allowed domains below.)
 * - The hosts the site answers on (`allowedDomainsFromEnv`), read at run time: Astro builds `Astro.url` only
 *   from a Host header it was told about, and would otherwise call every request "localhost".
 * - Compression (gzip/br) for every compressible response the browser accepts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';

export type TrustProxy = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; addresses: Set<string> };

export interface FrontDoorConfig {
	trustProxy: TrustProxy;
}

/** `TRUST_PROXY`: unset/`0`/`false` → trust nobody; `2` → two proxy hops; `10.0.0.1,10.0.0.2` → those proxies. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
	const v = (value ?? '').trim();
	if (!v || v === '0' || v.toLowerCase() === 'false') return { kind: 'none' };
	if (/^\d+$/.test(v)) return { kind: 'hops', hops: Number(v) };
	return { kind: 'addresses', addresses: new Set(v.split(',').map((a) => normaliseAddress(a.trim())).filter(Boolean)) };
}

export function frontDoorConfigFromEnv(env: Record<string, string | undefined>): FrontDoorConfig {
	return { trustProxy: parseTrustProxy(env.TRUST_PROXY) };
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address. */
export function normaliseAddress(address: string): string {
	return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy — then the forwarded chain is walked
 * from the right past trusted proxies. Also says whether the request came through a trusted proxy.
 */
export function resolveClient(socketAddress: string, forwardedFor: string | undefined, trust: TrustProxy): { address: string; viaTrustedProxy: boolean } {
	const socket = normaliseAddress(socketAddress);
	if (trust.kind === 'none') return { address: socket, viaTrustedProxy: false };
	const chain = [
		...(forwardedFor ?? '')
			.split(',')
			.map((a) => normaliseAddress(a.trim()))
			.filter(Boolean),
		socket,
	];
	if (trust.kind === 'hops') {
		const index = Math.max(0, chain.length - 1 - trust.hops);
		return { address: chain[index], viaTrustedProxy: trust.hops > 0 && chain.length > 1 };
	}
	let index = chain.length - 1;
	while (index > 0 && trust.addresses.has(chain[index])) index--;
	return { address: chain[index], viaTrustedProxy: trust.addresses.has(socket) };
}

export interface AllowedDomain {
	hostname: string;
	protocol?: string;
}

/** localhost for development and tests, plus the public host(s) from `PUBLIC_HOSTNAME` and `PUBLIC_BASE_URL`. */
export function allowedDomainsFromEnv(env: Record<string, string | undefined>): AllowedDomain[] {
	const domains: AllowedDomain[] = [{ hostname: 'localhost' }, { hostname: '127.0.0.1' }];
	for (const host of (env.PUBLIC_HOSTNAME ?? '').split(',').map((h) => h.trim()).filter(Boolean)) domains.push({ hostname: host, protocol: 'https' });
	try {
		if (env.PUBLIC_BASE_URL) {
			const base = new URL(env.PUBLIC_BASE_URL);
			domains.push({ hostname: base.hostname, protocol: base.protocol.replace(':', '') });
		}
	} catch {
		/* a malformed base URL adds nothing */
	}
	return domains;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers a request itself (true) or leaves it to Astro (false): the page cache's shortcut, src/lib/page-cache.ts. */
export type Shortcut = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function frontDoor(handler: Handler, config: FrontDoorConfig, shortcut?: Shortcut): Handler {
	const compress = compression();
	return (req, res) => {
		const forwarded = req.headers['x-forwarded-for'];
		const { address, viaTrustedProxy } = resolveClient(req.socket.remoteAddress ?? '', Array.isArray(forwarded) ? forwarded.join(',') : forwarded, config.trustProxy);
		req.headers['x-forwarded-for'] = address;
		if (!viaTrustedProxy) delete req.headers['x-forwarded-port'];
		compress(req as never, res as never, () => {
			if (!shortcut) return handler(req, res);
			shortcut(req, res).then(
				(answered) => answered || handler(req, res),
				() => handler(req, res),
			);
		});
	};
}

import { describe, expect, it } from 'vitest';
import { originAllowed } from '@/lib/origin';
import { allowedDomainsFromEnv, parseTrustProxy, resolveClient } from '@/server/front-door';

const config = { publicBaseUrl: 'http://localhost:4321' };
function write(url: string, headers: Record<string, string>): [Request, URL] {
	return [new Request(url, { method: 'POST', headers }), new URL(url)];
}

describe('The origin check', () => {
	it('lets reads through and writes only from our own origin', () => {
		expect(originAllowed(...write('http://localhost:4321/log-ind', { origin: 'http://localhost:4321' }), config)).toBe(true);
		expect(originAllowed(...write('http://localhost:4321/log-ind', { origin: 'https://evil.example' }), config)).toBe(false);
		expect(originAllowed(...write('http://localhost:4321/log-ind', { origin: 'null' }), config)).toBe(false);
		expect(originAllowed(...write('http://localhost:4321/log-ind', {}), config)).toBe(false);
		expect(originAllowed(...write('http://localhost:4321/log-ind', { 'sec-fetch-site': 'same-origin' }), config)).toBe(true);
		expect(originAllowed(...write('http://localhost:4321/log-ind', { origin: 'http://localhost:4321', 'sec-fetch-site': 'cross-site' }), config)).toBe(false);
		expect(originAllowed(new Request('http://localhost:4321/'), new URL('http://localhost:4321/'), config)).toBe(true);
	});

	it('knows the public host from PUBLIC_HOSTNAME at run time, behind a proxy that forwards https', () => {
		const proxied = { publicBaseUrl: 'http://localhost:4321', publicHostname: 'vejviser.example.dk' };
		const [request, url] = write('http://vejviser.example.dk/log-ind', { origin: 'https://vejviser.example.dk', 'x-forwarded-proto': 'https' });
		expect(originAllowed(request, url, proxied)).toBe(true);
		// Without PUBLIC_HOSTNAME Astro does not trust the host and calls the request "localhost".
		expect(originAllowed(...write('http://localhost/log-ind', { origin: 'https://vejviser.example.dk' }), config)).toBe(false);
		expect(originAllowed(...write('http://vejviser.example.dk/log-ind', { origin: 'https://vejviser.example.dk.evil.example' }), proxied)).toBe(false);
	});

	it('adds the public hosts to the domains Astro builds URLs from', () => {
		expect(allowedDomainsFromEnv({ PUBLIC_HOSTNAME: 'a.example, b.example', PUBLIC_BASE_URL: 'https://a.example' })).toEqual([
			{ hostname: 'localhost' },
			{ hostname: '127.0.0.1' },
			{ hostname: 'a.example', protocol: 'https' },
			{ hostname: 'b.example', protocol: 'https' },
			{ hostname: 'a.example', protocol: 'https' },
		]);
	});
});

describe('The client address', () => {
	it('ignores X-Forwarded-For unless TRUST_PROXY says so', () => {
		const none = parseTrustProxy(undefined);
		expect(resolveClient('::ffff:203.0.113.9', '1.2.3.4', none)).toEqual({ address: '203.0.113.9', viaTrustedProxy: false });
		expect(parseTrustProxy('0')).toEqual({ kind: 'none' });
		expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
	});

	it('takes the address the given number of hops from the socket', () => {
		const one = parseTrustProxy('1');
		expect(resolveClient('10.0.0.1', '198.51.100.7', one).address).toBe('198.51.100.7');
		// A client that sends its own X-Forwarded-For cannot choose its address: the proxy appended the real one.
		expect(resolveClient('10.0.0.1', 'spoofed, 198.51.100.7', one).address).toBe('198.51.100.7');
		expect(resolveClient('10.0.0.1', 'spoofed, 198.51.100.7, 10.0.0.2', parseTrustProxy('2')).address).toBe('198.51.100.7');
		expect(resolveClient('10.0.0.1', undefined, one).address).toBe('10.0.0.1');
	});

	it('walks past listed proxies only', () => {
		const listed = parseTrustProxy('10.0.0.1, 10.0.0.2');
		expect(resolveClient('10.0.0.1', 'spoofed, 198.51.100.7, 10.0.0.2', listed)).toEqual({ address: '198.51.100.7', viaTrustedProxy: true });
		// Straight from the internet (not a listed proxy): the header is the client's own words.
		expect(resolveClient('203.0.113.9', '198.51.100.7', listed)).toEqual({ address: '203.0.113.9', viaTrustedProxy: false });
	});
});

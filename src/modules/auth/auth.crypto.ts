/**
 * The small set of secrets accounts need, on Node's own crypto (no dependency): random identifiers,
 * SHA-256 for high-entropy tokens, scrypt for the short sign-in code, and constant-time comparison.
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';

/** 32 symbols without look-alikes (no I, O, 0, 1): 5 bits per character, no modulo bias with `byte & 31`. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function randomFrom(alphabet: string, length: number): string {
	const bytes = randomBytes(length);
	let out = '';
	for (const b of bytes) out += alphabet[b & 31];
	return out;
}

/** 16 characters, 80 bits: enough for a lookup key (the secret is what authenticates). */
export function randomId(): string {
	return randomFrom(ID_ALPHABET, 16);
}

/** 32 random bytes, base64url: 256-bit secrets for session cookies and sign-in links. */
export function randomSecret(): string {
	return encodeBase64urlNoPadding(randomBytes(32));
}

/** The 8-character sign-in code (40 bits). */
export function randomCode(): string {
	return randomFrom(CODE_ALPHABET, 8);
}

/** What people type: spaces, dashes and case do not matter. */
export function normaliseCode(input: string): string {
	return input.toUpperCase().replace(/[\s-]/g, '');
}

/** `ABCD-EFGH`: easier to read and copy from a mail. */
export function formatCode(code: string): string {
	return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function sha256(value: string): Uint8Array {
	return new Uint8Array(createHash('sha256').update(value, 'utf8').digest());
}

export function sha256Hex(value: string): string {
	return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.byteLength !== b.byteLength) return false;
	return timingSafeEqual(a, b);
}

// scrypt N=2^14, r=8: ~16 MiB and tens of milliseconds — slows an offline search over the 2^40 codes
// without slowing sign-in noticeably.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** `scrypt$<salt>$<hash>` of a normalised code. */
export function hashCode(code: string): string {
	const salt = randomBytes(16);
	const hash = scryptSync(code, salt, 32, SCRYPT);
	return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyCodeHash(code: string, stored: string): boolean {
	const [scheme, saltB64, hashB64] = stored.split('$');
	if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
	const expected = Buffer.from(hashB64, 'base64');
	const actual = scryptSync(code, Buffer.from(saltB64, 'base64'), expected.length, SCRYPT);
	return timingSafeEqual(actual, expected);
}

/** Costs the same time as a real code check, so an unknown address cannot be told apart by timing. */
export function dummyCodeWork(): void {
	scryptSync('AAAAAAAA', 'vejviser-dummy-salt', 32, SCRYPT);
}

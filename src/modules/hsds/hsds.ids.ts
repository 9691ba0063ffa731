/**
 * Stable UUIDs for HSDS: a name-based UUID (version 5, RFC 9562) of the entity's kind and database id under the
 * network's own namespace — the same entity always gets the same id, without storing one.
 */
import { createHash } from 'node:crypto';

/** Vejviser's namespace for name-based UUIDs (itself a random UUID, fixed forever). */
const NAMESPACE = 'b7d3c1e2-5a4f-4c8e-9d21-3f6a7e0b8c54';

export type HsdsKind = 'service' | 'organization' | 'contact' | 'phone' | 'service_area' | 'schedule';

export function hsdsId(kind: HsdsKind, key: string | number): string {
	const ns = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');
	const hash = createHash('sha1').update(ns).update(`${kind}:${key}`).digest();
	const bytes = hash.subarray(0, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x50;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

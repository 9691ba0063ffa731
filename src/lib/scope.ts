/**
 * Ids that arrive in a form field or a URL are attacker-controlled (and sequential): a page must never act on
 * the row such an id names without checking that the row lies inside the scope the permission was checked
 * for (the theme day of /temadage/<slug>/admin, the signed-in owner, the unit being edited, …).
 * `resolveInScope` is the one way to turn such a value into a row: it parses the id strictly, loads the row
 * and returns it only when `inScope(row)` holds. An id of another scope gets the same answer as an unknown
 * id (undefined), so ids of other scopes cannot be probed. It is synchronous so it can run inside the
 * `BEGIN IMMEDIATE` seat transactions; asynchronous loaders use `resolveInScopeAsync`.
 */

/** A positive integer id from a form or URL value, else null ("12abc", "1e3", "-1", "" and arrays are not ids). */
export function parseId(value: unknown): number | null {
	const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^[1-9]\d{0,15}$/.test(s)) return null;
	const n = Number(s);
	return Number.isSafeInteger(n) ? n : null;
}

/** The row `value` names, only when it lies within the scope (else undefined). */
export function resolveInScope<T>(value: unknown, find: (id: number) => T | undefined, inScope: (row: T) => boolean): T | undefined {
	const id = parseId(value);
	if (id === null) return undefined;
	const row = find(id);
	return row !== undefined && inScope(row) ? row : undefined;
}

/** resolveInScope for loaders that return a promise (Kysely reads). */
export async function resolveInScopeAsync<T>(value: unknown, find: (id: number) => Promise<T | undefined>, inScope: (row: T) => boolean): Promise<T | undefined> {
	const id = parseId(value);
	if (id === null) return undefined;
	const row = await find(id);
	return row !== undefined && inScope(row) ? row : undefined;
}

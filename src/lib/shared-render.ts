/**
 * The parts of a page that are the same for every viewer of one kind, worked out once and shared (issue 13).
 *
 * The page cache (page-cache.ts) keeps whole pages per viewer: every signed-in user still paid for the
 * municipality page's queries, sorting, freshness arithmetic and hundreds of person cards the first time they
 * opened it each minute, though what they see differs from every other member's page only in the header.
 * Here a page's data and the HTML of its body are kept per *audience* (anonymous or signed in — the only thing
 * the browse pages' visibility rules look at, see directory.views.ts viewerOf) and shared by all its viewers;
 * the viewer's own parts (the header with "Min konto", anything with edit rights) are rendered per request.
 *
 * Never stale, by the page cache's own key: the newest audit id (every directory write adds one, so an edit
 * starts a new generation and the very next request — any viewer — loads afresh) and the minute (everything
 * time-dependent on these pages is minute-grained: "Træffes nu til 15:00", the "Senest bekræftet" colour).
 * Only the current generation is kept: when the audit id or the minute moves on, everything older is dropped,
 * which also bounds memory to one generation's pages (at most MAX_PARTS of them).
 */
import type { Db } from '@db/client';
import { latestAuditId } from '@/modules/audit/audit.repository';
import type { Viewer } from '@/modules/directory/directory.views';

const MAX_PARTS = 200;

export interface SharedPart<T> {
	/** The page's data, shared: never change it. */
	value: T;
	/** The body's HTML once a request has rendered it for this generation. */
	html: string | undefined;
	/** Keeps the rendered body for the next viewers (if the generation is still current) and returns it. */
	keep(html: string): string;
}

interface Stored {
	value: unknown;
	html: string | undefined;
}

let generation = '';
const parts = new Map<string, Stored>();
const loading = new Map<string, Promise<unknown>>();

/**
 * Who a shared part may be shown to. Only viewers whose page depends on nothing but being signed in: a viewer
 * carrying edit rights (viewerWithRights) sees per-entry edit links, so sharing their page would be wrong.
 */
export function audienceOf(viewer: Viewer): 'anonym' | 'medlem' {
	if (viewer.canEditPerson || viewer.isEditor) throw new Error('shared-render: en seer med redigeringsrettigheder kan ikke dele side');
	return viewer.signedIn ? 'medlem' : 'anonym';
}

export function generationOf(auditId: number, now: number): string {
	return `${auditId}|${Math.floor(now / 60_000)}`;
}

/**
 * The shared part `name` for `viewer`'s audience: stored when this generation has it, else `load()` (once for
 * requests that arrive together). The audit id is read before loading, so stored data is never older than its key.
 */
export function sharedPart<T>(db: Db, name: string, viewer: Viewer, load: () => Promise<T>, now: number = Date.now()): Promise<SharedPart<T>> {
	return shared(db, `${audienceOf(viewer)}|${name}`, load, now);
}

/** Data that depends on no viewer at all (e.g. a pathway's verification across every municipality), shared by everyone. */
export async function sharedValue<T>(db: Db, name: string, load: () => Promise<T>, now: number = Date.now()): Promise<T> {
	return (await shared(db, `alle|${name}`, load, now)).value;
}

async function shared<T>(db: Db, key: string, load: () => Promise<T>, now: number): Promise<SharedPart<T>> {
	const gen = generationOf(await latestAuditId(db), now);
	if (gen !== generation) {
		// Time only moves forward and a new audit id means a change: nothing older will be asked for again.
		generation = gen;
		parts.clear();
		loading.clear();
	}
	let stored = parts.get(key);
	if (!stored) {
		let pending = loading.get(key) as Promise<T> | undefined;
		if (!pending) {
			pending = load();
			loading.set(key, pending);
			pending.finally(() => loading.get(key) === pending && loading.delete(key)).catch(() => undefined);
		}
		const value = await pending;
		stored = parts.get(key);
		if (!stored) {
			stored = { value, html: undefined };
			// A generation that moved on while loading is not stored (its key will never be asked for again).
			if (generation === gen) {
				if (parts.size >= MAX_PARTS) parts.delete(parts.keys().next().value!);
				parts.set(key, stored);
			}
		}
	}
	const entry = stored;
	return {
		value: entry.value as T,
		html: entry.html,
		keep(html: string) {
			entry.html ??= html;
			return html;
		},
	};
}

/** For tests: forget everything. */
export function clearSharedParts(): void {
	generation = '';
	parts.clear();
	loading.clear();
}

export function sharedPartStats(): { generation: string; parts: number; rendered: number } {
	return { generation, parts: parts.size, rendered: [...parts.values()].filter((p) => p.html !== undefined).length };
}

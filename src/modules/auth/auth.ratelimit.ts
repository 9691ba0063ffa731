/**
 * Fixed-window rate limits kept in SQLite, so they hold across restarts and every process sharing the file.
 * One atomic upsert per hit: no read-then-write race between two requests.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import { rawSqlite } from '@db/client';
import type { Database } from '@db/schema';

type Executor = Kysely<Database> | Transaction<Database>;

export interface Limit {
	/** At most this many hits… */
	max: number;
	/** …per window of this many milliseconds. */
	windowMs: number;
}

const MINUTE = 60_000;
/** ASVS 6.1.1 asks for documented limits; these are them (README "Decisions"). */
export const LIMITS = {
	/** Sign-in mails for one address from one client: a mistyping person is never stopped by someone else. */
	signinPerAddressAndClient: { max: 5, windowMs: 15 * MINUTE },
	/** Sign-in mails to one address from all clients together before they slow down (never a hard stop)… */
	signinPerAddress: { max: 10, windowMs: 15 * MINUTE },
	/** …after which one more mail per address every two minutes. */
	signinPerAddressSlowed: { max: 1, windowMs: 2 * MINUTE },
	/** Sign-in mails and registrations per client address (a shared office NAT stays well below). */
	signinPerIp: { max: 20, windowMs: 15 * MINUTE },
	/** Wrong codes per IP across all challenges (each challenge also dies after 5 wrong codes). */
	codePerIp: { max: 30, windowMs: 15 * MINUTE },
	/** Anonymous person pages, vCards and person JSON per client: far more than a person reads, far less than a loop. */
	anonymousReadsPerMinute: { max: 60, windowMs: MINUTE },
	anonymousReadsPerHour: { max: 600, windowMs: 60 * MINUTE },
} satisfies Record<string, Limit>;

export interface LimitResult {
	allowed: boolean;
	/** Hits counted in the current window, including this one. */
	count: number;
	/** When the current window ends. */
	resetAt: Date;
}

/** Counts a hit against `key` and says whether it is within the limit. */
export async function hitRateLimit(db: Executor, key: string, limit: Limit, now: Date = new Date()): Promise<LimitResult> {
	const nowIso = now.toISOString();
	const cutoff = new Date(now.getTime() - limit.windowMs).toISOString();
	const row = await sql<{ count: number; window_start: string }>`
		INSERT INTO rate_limit (key, window_start, count) VALUES (${key}, ${nowIso}, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN window_start <= ${cutoff} THEN 1 ELSE count + 1 END,
			window_start = CASE WHEN window_start <= ${cutoff} THEN ${nowIso} ELSE window_start END
		RETURNING count, window_start`.execute(db);
	const { count, window_start } = row.rows[0];
	return { allowed: count <= limit.max, count, resetAt: new Date(new Date(window_start).getTime() + limit.windowMs) };
}

/** Drops windows that ended long ago (called now and then from sign-in; the table stays small). */
export async function pruneRateLimits(db: Executor, now: Date = new Date(), olderThanMs = 24 * 60 * MINUTE): Promise<void> {
	await db.deleteFrom('rate_limit').where('window_start', '<', new Date(now.getTime() - olderThanMs).toISOString()).execute();
}

/** Paths that hand out people's contact data one by one: the loops a scraper would run. */
const PERSON_DATA = /^\/(?:personer\/|api\/people\/)/;

/**
 * For an anonymous GET: the seconds to wait when this client has read too many person pages or person JSON
 * lately, else null. Never waits for the database: when another writer holds the lock the read is let through
 * (a rate limit must not make reads wait for writers).
 */
export function anonymousReadLimited(db: Kysely<Database>, pathname: string, client: string | null, now: Date = new Date()): number | null {
	if (!client || !PERSON_DATA.test(pathname)) return null;
	const raw = rawSqlite(db);
	try {
		// Both windows in one commit with a statement prepared once: two commits and two prepares per person page
		// were a visible share of its time (issue 13 profile).
		return raw.transaction(() => {
			for (const [name, limit] of [['minute', LIMITS.anonymousReadsPerMinute], ['hour', LIMITS.anonymousReadsPerHour]] as const) {
				const result = hitRateLimitSync(raw, `anon-read:${name}:${client}`, limit, now);
				if (!result.allowed) return Math.max(1, Math.ceil((result.resetAt.getTime() - now.getTime()) / 1000));
			}
			return null;
		})();
	} catch {
		return null;
	}
}

const hitStatements = new WeakMap<SQLite.Database, SQLite.Statement>();

function hitRateLimitSync(raw: SQLite.Database, key: string, limit: Limit, now: Date): LimitResult {
	const nowIso = now.toISOString();
	const cutoff = new Date(now.getTime() - limit.windowMs).toISOString();
	let statement = hitStatements.get(raw);
	if (!statement) {
		statement = raw.prepare(
			`INSERT INTO rate_limit (key, window_start, count) VALUES (?, ?, 1)
			 ON CONFLICT (key) DO UPDATE SET
				count = CASE WHEN window_start <= ? THEN 1 ELSE count + 1 END,
				window_start = CASE WHEN window_start <= ? THEN ? ELSE window_start END
			 RETURNING count, window_start`,
		);
		hitStatements.set(raw, statement);
	}
	const { count, window_start } = statement.get(key, nowIso, cutoff, cutoff, nowIso) as { count: number; window_start: string };
	return { allowed: count <= limit.max, count, resetAt: new Date(new Date(window_start).getTime() + limit.windowMs) };
}

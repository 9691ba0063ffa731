/**
 * The export log: every time people's data leaves Vejviser in bulk or through an integration — the directory
 * CSV (web and `npm run db:export`), the participant and freshness CSVs, the HSDS export file and the HSDS API's
 * services (their contacts are people), reads with an API key — one row says who, when, how and how many rows.
 * Admins read it at /admin/eksporter.
 */
import type { Db } from '@db/client';
import { nowIso } from '@/lib/dates';

export interface ExportEntry {
	actor: string;
	actorUserId?: number | null;
	apiKeyId?: number | null;
	kind: string;
	channel: 'web' | 'cli' | 'api';
	rows: number;
	detail?: string;
	/** When (ISO); now unless given. */
	at?: string;
}

export async function logExport(db: Db, entry: ExportEntry): Promise<void> {
	await db
		.insertInto('export_log')
		.values({
			at: entry.at ?? nowIso(),
			actor: entry.actor,
			actor_user_id: entry.actorUserId ?? null,
			api_key_id: entry.apiKeyId ?? null,
			kind: entry.kind,
			channel: entry.channel,
			rows: entry.rows,
			detail: (entry.detail ?? '').slice(0, 200),
		})
		.execute();
}

/** The actor of reads of the open HSDS API without a key. */
export const ANONYMOUS_OPEN_DATA = 'anonym (åbne data)';

/**
 * Like logExport, but one row per actor, kind and channel per UTC day whose `rows` adds up: for anonymous reads of
 * the open HSDS API, which anyone may crawl, so a crawl is one line (how many people's entries left that day)
 * instead of a line per request.
 */
export async function logExportDaily(db: Db, entry: ExportEntry, now: Date = new Date()): Promise<void> {
	const day = now.toISOString().slice(0, 10);
	const next = new Date(`${day}T00:00:00.000Z`);
	next.setUTCDate(next.getUTCDate() + 1);
	const updated = await db
		.updateTable('export_log')
		.set((eb) => ({ rows: eb('rows', '+', entry.rows) }))
		.where('actor', '=', entry.actor)
		.where('kind', '=', entry.kind)
		.where('channel', '=', entry.channel)
		.where('at', '>=', `${day}T00:00:00.000Z`)
		.where('at', '<', next.toISOString())
		.executeTakeFirst();
	if (Number(updated.numUpdatedRows) === 0) await logExport(db, { ...entry, at: now.toISOString(), detail: entry.detail ?? 'samlet for døgnet (UTC)' });
}

export interface ExportLogRow {
	id: number;
	at: string;
	actor: string;
	kind: string;
	channel: string;
	rows: number;
	detail: string;
}

/** Newest first, optionally one channel; at most `limit` rows. */
export async function listExportLog(db: Db, opts: { channel?: string; limit?: number } = {}): Promise<ExportLogRow[]> {
	let query = db.selectFrom('export_log').select(['id', 'at', 'actor', 'kind', 'channel', 'rows', 'detail']).orderBy('id', 'desc').limit(opts.limit ?? 200);
	if (opts.channel) query = query.where('channel', '=', opts.channel);
	return query.execute();
}

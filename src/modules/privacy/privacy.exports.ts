/**
 * The export log: every time people's data leaves Vejviser in bulk or through an integration — the directory
 * CSV (web and `npm run db:export`), the HSDS export file, reads with an API key — one row says who, when,
 * how and how many rows. Admins read it at /admin/eksporter.
 */
import type { Kysely } from 'kysely';
import type { Db } from '@db/client';
import type { Database } from '@db/schema';
import { nowIso } from '@/lib/dates';

export interface ExportLogTable {
	id: import('kysely').Generated<number>;
	at: string;
	/** An e-mail, `system:cli` (the server's operator), or `api:<key name>`. */
	actor: string;
	actor_user_id: number | null;
	api_key_id: number | null;
	/** What left: `csv`, `hsds`, `person`, `search`, `freshness-csv`, `participants-csv` … */
	kind: string;
	/** How: `web`, `cli`, `api`. */
	channel: string;
	rows: number;
	detail: string;
}

export type ExportDb = Kysely<Database & { export_log: ExportLogTable }>;
export const edb = (db: Db): ExportDb => db.withTables<{ export_log: ExportLogTable }>();

export interface ExportEntry {
	actor: string;
	actorUserId?: number | null;
	apiKeyId?: number | null;
	kind: string;
	channel: 'web' | 'cli' | 'api';
	rows: number;
	detail?: string;
}

export async function logExport(db: Db, entry: ExportEntry): Promise<void> {
	await edb(db)
		.insertInto('export_log')
		.values({
			at: nowIso(),
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
	let query = edb(db).selectFrom('export_log').select(['id', 'at', 'actor', 'kind', 'channel', 'rows', 'detail']).orderBy('id', 'desc').limit(opts.limit ?? 200);
	if (opts.channel) query = query.where('channel', '=', opts.channel);
	return query.execute();
}

/**
 * The export log: every time people's data leaves Vejviser in bulk or through an integration — the directory
 * CSV (web and `npm run db:export`), the HSDS export file, reads with an API key — one row says who, when,
 * how and how many rows. Admins read it at /admin/eksporter.
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
}

export async function logExport(db: Db, entry: ExportEntry): Promise<void> {
	await db
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
	let query = db.selectFrom('export_log').select(['id', 'at', 'actor', 'kind', 'channel', 'rows', 'detail']).orderBy('id', 'desc').limit(opts.limit ?? 200);
	if (opts.channel) query = query.where('channel', '=', opts.channel);
	return query.execute();
}

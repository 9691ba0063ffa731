import { inWriteOrder, type Db } from '@db/client';
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogRow, Database } from '@db/schema';
import { nowIso } from '@/lib/dates';

/** Who did a change: an e-mail for people, `system:<job>` for machines. */
export interface Actor {
	label: string;
	userId: number | null;
}

export const systemActor = (job: string): Actor => ({ label: `system:${job}`, userId: null });

export type Changes = Record<string, [before: unknown, after: unknown]>;

export interface AuditEntry {
	id: number;
	at: string;
	actor: string;
	entityType: string;
	entityId: number;
	entityLabel: string;
	action: string;
	changes: Changes;
}

type Executor = Kysely<Database> | Transaction<Database>;

/** Fields whose before/after differ; arrays compared as sets of their sorted values. */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>): Changes {
	const changes: Changes = {};
	for (const key of Object.keys(after)) {
		const a = before ? before[key] : null;
		const b = after[key];
		const norm = (v: unknown) => (Array.isArray(v) ? JSON.stringify([...v].sort()) : JSON.stringify(v ?? null));
		if (norm(a) !== norm(b)) changes[key] = [a ?? null, b ?? null];
	}
	return changes;
}

/** Writes one audit entry. Call it inside the same transaction as the change it describes. */
export async function insertAuditEntry(
	db: Executor,
	entry: { actor: Actor; entityType: string; entityId: number; entityLabel: string; action: string; changes: Changes; at?: string },
): Promise<void> {
	const values = {
		at: entry.at ?? nowIso(),
		actor: entry.actor.label,
		actor_user_id: entry.actor.userId,
		entity_type: entry.entityType,
		entity_id: entry.entityId,
		entity_label: entry.entityLabel,
		action: entry.action,
		changes: JSON.stringify(entry.changes),
	};
	await inWriteOrder(db, (w) => w.insertInto('audit_log').values(values).execute());
}

/** An entity's history, newest first. */
export async function listAuditFor(db: Db, entityType: string, entityId: number): Promise<AuditEntry[]> {
	const rows = await db
		.selectFrom('audit_log')
		.selectAll()
		.where('entity_type', '=', entityType)
		.where('entity_id', '=', entityId)
		.orderBy('id', 'desc')
		.execute();
	return rows.map(toAuditEntry);
}

/** The newest audit id: a cheap "has anything changed?" signal (every directory write adds one). */
export async function latestAuditId(db: Db): Promise<number> {
	const row = await db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
	return Number(row?.max ?? 0);
}

/** A stored row as an entry; an unreadable `changes` is shown as no fields rather than hiding the entry. */
export function toAuditEntry(row: AuditLogRow): AuditEntry {
	let changes: Changes = {};
	try {
		changes = JSON.parse(row.changes || '{}');
	} catch {
		// Kept empty: the entry itself (who, what, when) is still worth showing.
	}
	return {
		id: row.id,
		at: row.at,
		actor: row.actor,
		entityType: row.entity_type,
		entityId: row.entity_id,
		entityLabel: row.entity_label,
		action: row.action,
		changes,
	};
}

/**
 * Erasing a person (GDPR art. 17), done by an admin — on the person's own request (`erasure_request`) or
 * otherwise. The directory entry and the account are deleted; what must stay for history is anonymised:
 * theme-day registrations keep their status (the counts stay right) under a placeholder name, supervision
 * meetings keep their frozen head counts, the audit log keeps THAT an erasure happened — and every earlier
 * audit row loses the erased values (its before/after and labels are scrubbed). Finally every text column of
 * every table is searched for the person's name, e-mail addresses and phone numbers and they are replaced,
 * so nothing a later feature stored is missed (mail bodies, search logs, rate-limit keys, snapshots).
 *
 * On SQLite the deleted bytes are zeroed (`secure_delete`), the file is rewritten (VACUUM) and the WAL is
 * truncated after the erasure, so the values do not linger in free space of the file either. The search index drops the person through the
 * audit entry the erasure writes (a deleted person makes the next search rebuild).
 */
import { sql, SqliteAdapter, type Kysely, type Transaction } from 'kysely';
import type { Db } from '@db/client';
import type { Database, PersonRow, UserRow } from '@db/schema';
import { nowIso } from '@/lib/dates';
import { formatPhone } from '@/lib/phone';
import { insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';

export const ERASED_LABEL = 'Slettet person';
const SCRUBBED = '[slettet]';

export interface ErasureTarget {
	userId?: number | null;
	personId?: number | null;
}

export interface ErasurePreview {
	userId: number | null;
	personId: number | null;
	name: string;
	email: string | null;
	personRef: string | null;
	registrations: number;
	memberships: number;
	auditEntries: number;
}

async function resolve(db: Kysely<Database> | Transaction<Database>, target: ErasureTarget) {
	let user = target.userId ? await db.selectFrom('user').selectAll().where('id', '=', target.userId).executeTakeFirst() : undefined;
	const personId = target.personId ?? user?.person_id ?? null;
	const person = personId ? await db.selectFrom('person').selectAll().where('id', '=', personId).executeTakeFirst() : undefined;
	if (!user && person) user = await db.selectFrom('user').selectAll().where('person_id', '=', person.id).executeTakeFirst();
	if (!user && person?.email) user = await db.selectFrom('user').selectAll().where('email', '=', person.email).executeTakeFirst();
	return { user, person };
}

/** The values to hunt for: the name as written and in lower case, every e-mail address, phones as stored and as shown. */
function tokensOf(user: UserRow | undefined, person: PersonRow | undefined, sharedPhones: Set<string>): string[] {
	const values = new Set<string>();
	const add = (v: string | null | undefined) => {
		const t = (v ?? '').trim();
		// Short values ("Bo", a bare first name) would scrub unrelated text; a full name or an address is specific.
		if (t.length >= 5) {
			values.add(t);
			values.add(t.toLowerCase());
		}
	};
	if (person) {
		add(`${person.first_name} ${person.last_name}`);
		add(person.email);
		// A number others answer too (a team's switchboard) is not this person's to erase.
		for (const phone of [person.phone, person.mobile]) if (phone && !sharedPhones.has(phone)) {
			add(phone);
			add(formatPhone(phone));
		}
	}
	if (user) {
		add(user.email);
		if (user.name && user.name.trim().includes(' ')) add(user.name);
	}
	// Longest first, so "Mette Hansen" goes before a shorter value contained in it.
	return [...values].sort((a, b) => b.length - a.length);
}

/** What an erasure would touch (the confirmation page shows it). */
export async function previewErasure(db: Db, target: ErasureTarget): Promise<ErasurePreview | undefined> {
	const { user, person } = await resolve(db, target);
	if (!user && !person) return undefined;
	const emails = [user?.email, person?.email].filter(Boolean) as string[];
	const [registrations, memberships, audit] = await Promise.all([
		db.selectFrom('event_registration').select((eb) => eb.fn.countAll().as('n')).where((eb) => eb.or([eb('user_id', '=', user?.id ?? -1), eb(eb.fn('lower', ['email']), 'in', emails.length ? emails : [''])])).executeTakeFirst(),
		db.selectFrom('supervision_membership').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', user?.id ?? -1).executeTakeFirst(),
		db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where((eb) => eb.or([eb.and([eb('entity_type', '=', 'person'), eb('entity_id', '=', person?.id ?? -1)]), eb.and([eb('entity_type', '=', 'user'), eb('entity_id', '=', user?.id ?? -1)])])).executeTakeFirst(),
	]);
	return {
		userId: user?.id ?? null,
		personId: person?.id ?? null,
		name: person ? `${person.first_name} ${person.last_name}` : user?.name || user?.email || '',
		email: user?.email ?? person?.email ?? null,
		personRef: person?.ref ?? null,
		registrations: Number(registrations?.n ?? 0),
		memberships: Number(memberships?.n ?? 0),
		auditEntries: Number(audit?.n ?? 0),
	};
}

/** Text columns of every table (introspected, so tables added later are covered too). */
async function textColumns(db: Db): Promise<Array<{ table: string; column: string }>> {
	const tables = await db.introspection.getTables();
	return tables
		.filter((t) => !t.name.startsWith('kysely_') && !t.isView)
		.flatMap((t) => t.columns.filter((c) => /char|text|clob|json/i.test(c.dataType)).map((c) => ({ table: t.name, column: c.name })));
}

const isSqlite = (db: Db) => db.getExecutor().adapter instanceof SqliteAdapter;

/**
 * Erases the person and/or account. Returns false when neither exists. One transaction; afterwards (SQLite)
 * the WAL is checkpointed and truncated so no old page with the values stays in the files.
 */
export async function erasePerson(db: Db, actor: Actor, target: ErasureTarget): Promise<boolean> {
	const columns = await textColumns(db);
	const sqlite = isSqlite(db);
	const done = await db.transaction().execute(async (trx) => {
		if (sqlite) await sql`PRAGMA secure_delete = ON`.execute(trx);
		const { user, person } = await resolve(trx, target);
		if (!user && !person) return false;
		const phones = [person?.phone, person?.mobile].filter(Boolean) as string[];
		const shared = phones.length
			? await trx.selectFrom('person').select(['phone', 'mobile']).where('id', '!=', person!.id).where((eb) => eb.or([eb('phone', 'in', phones), eb('mobile', 'in', phones)])).execute()
			: [];
		const sharedUnit = phones.length ? await trx.selectFrom('unit_contact').select('phone').where('phone', 'in', phones).execute() : [];
		const sharedPhones = new Set([...shared.flatMap((r) => [r.phone, r.mobile]), ...sharedUnit.map((r) => r.phone)].filter(Boolean) as string[]);
		const tokens = tokensOf(user, person, sharedPhones);
		const emails = [...new Set([user?.email, person?.email].filter((e): e is string => Boolean(e)).map((e) => e.toLowerCase()))];
		const userId: number = user?.id ?? -1;
		const personId: number = person?.id ?? -1;

		// Theme days keep their counts: the registration stays with its status, without who it was.
		const registrations = await trx.selectFrom('event_registration').select('id').where((eb) => eb.or([eb('user_id', '=', userId), eb(eb.fn('lower', ['email']), 'in', emails.length ? emails : [''])])).execute();
		for (const r of registrations) {
			await trx
				.updateTable('event_registration')
				.set({ user_id: null, name: 'Slettet deltager', email: `slettet-${r.id}@slettet.invalid`, organisation: '', job_title: '', dietary_needs: '', accessibility_needs: '', question: '' })
				.where('id', '=', r.id)
				.execute();
		}
		await trx.deleteFrom('event_registration_token').where('registration_id', 'in', registrations.length ? registrations.map((r) => r.id) : [-1]).execute();

		// Corrections they reported stay (they are about someone else's entry) without the reporter.
		await trx.updateTable('correction').set({ reporter_email: null, reporter_user_id: null, client_key: null }).where((eb) => eb.or([eb('reporter_user_id', '=', userId), eb('reporter_email', 'in', emails.length ? emails : [''])])).execute();
		// A supervisor's place in a group's history stays, nameless.
		await trx.updateTable('supervision_supervisor').set({ user_id: null, name: ERASED_LABEL, profession: '', qualifications: '' }).where('user_id', '=', userId).execute();
		// People who pointed at the erased entry: a successor link passes on to the erased person's own successor.
		await trx.updateTable('person').set({ successor_id: person?.successor_id ?? null }).where('successor_id', '=', personId).execute();
		await trx.updateTable('person').set({ deputy_id: null }).where('deputy_id', '=', personId).execute();
		await trx.updateTable('user').set({ person_id: null }).where('person_id', '=', personId).execute();
		await trx.updateTable('erasure_request').set({ status: 'done', message: '', resolved_at: nowIso(), resolved_by: actor.label }).where('user_id', '=', userId).execute();
		await trx.deleteFrom('mail_outbox').where('to_address', 'in', emails.length ? emails : ['']).execute();
		if (emails.length) await trx.deleteFrom('rate_limit').where((eb) => eb.or(emails.map((e) => eb('key', 'like', `%${e}%`)))).execute();

		// Accounts and entries go; their sessions, passkeys, scopes, memberships, topics, roles follow (ON DELETE CASCADE).
		if (user) await trx.deleteFrom('user').where('id', '=', userId).execute();
		if (person) await trx.deleteFrom('person').where('id', '=', personId).execute();

		// The audit log keeps that something happened, not the values.
		await trx
			.updateTable('audit_log')
			.set({ changes: '{}', entity_label: ERASED_LABEL })
			.where((eb) => eb.or([eb.and([eb('entity_type', '=', 'person'), eb('entity_id', '=', personId)]), eb.and([eb('entity_type', '=', 'user'), eb('entity_id', '=', userId)])]))
			.execute();
		await trx.updateTable('audit_log').set({ actor: 'slettet bruger', actor_user_id: null }).where((eb) => eb.or([eb('actor_user_id', '=', userId), eb('actor', 'in', emails.length ? emails : [''])])).execute();

		// Everything else, wherever it is: replace the values in every text column that holds them.
		for (const { table, column } of columns) {
			if (tokens.length === 0) break;
			let replaced = sql<string>`${sql.ref(column)}`;
			for (const token of tokens) replaced = sql<string>`replace(${replaced}, ${token}, ${SCRUBBED})`;
			// Table and column names come from introspection at run time, so this one query is untyped.
			await (trx as unknown as Transaction<Record<string, Record<string, string | null>>>)
				.updateTable(table)
				.set({ [column]: replaced })
				.where((eb) => eb.or(tokens.map((t) => eb(sql.ref(column), 'like', `%${t}%`))))
				.execute();
		}

		if (person) await insertAuditEntry(trx, { actor, entityType: 'person', entityId: personId, entityLabel: ERASED_LABEL, action: 'erase', changes: {} });
		if (user) await insertAuditEntry(trx, { actor, entityType: 'user', entityId: userId, entityLabel: ERASED_LABEL, action: 'erase', changes: {} });
		return true;
	});
	if (done && sqlite) {
		// Updated rows leave their old bytes in page free space: VACUUM rewrites the file from the live rows only
		// (an erasure is rare; the demo database takes well under a second), then the WAL is emptied.
		await sql`VACUUM`.execute(db).catch((error) => console.error('erasure: VACUUM failed; run it by hand', error));
		await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db).catch(() => undefined);
	}
	return done;
}

/** A person asks to be removed (from /konto): one open request per user; admins see them at /admin/sletning. */
export async function requestErasure(db: Db, userId: number, message: string): Promise<void> {
	const open = await db.selectFrom('erasure_request').select('id').where('user_id', '=', userId).where('status', '=', 'open').executeTakeFirst();
	if (open) {
		await db.updateTable('erasure_request').set({ message: message.slice(0, 1000) }).where('id', '=', open.id).execute();
		return;
	}
	await db.insertInto('erasure_request').values({ user_id: userId, message: message.slice(0, 1000), status: 'open', created_at: nowIso() }).execute();
}

export interface ErasureRequestRow {
	id: number;
	userId: number | null;
	email: string | null;
	name: string | null;
	message: string;
	status: string;
	createdAt: string;
	resolvedAt: string | null;
}

export async function listErasureRequests(db: Db): Promise<ErasureRequestRow[]> {
	const rows = await db
		.selectFrom('erasure_request as r')
		.leftJoin('user as u', 'u.id', 'r.user_id')
		.select(['r.id', 'r.user_id', 'u.email', 'u.name', 'r.message', 'r.status', 'r.created_at', 'r.resolved_at'])
		.orderBy('r.status', 'desc')
		.orderBy('r.id', 'desc')
		.limit(200)
		.execute();
	return rows.map((r) => ({ id: r.id, userId: r.user_id, email: r.email, name: r.name, message: r.message, status: r.status, createdAt: r.created_at, resolvedAt: r.resolved_at }));
}

/** An admin declines a request (e.g. the person must stay as a key person until a successor is named). */
export async function closeErasureRequest(db: Db, actor: Actor, id: number): Promise<void> {
	await db.updateTable('erasure_request').set({ status: 'declined', resolved_at: nowIso(), resolved_by: actor.label }).where('id', '=', id).where('status', '=', 'open').execute();
}

export async function hasOpenErasureRequest(db: Db, userId: number): Promise<boolean> {
	return !!(await db.selectFrom('erasure_request').select('id').where('user_id', '=', userId).where('status', '=', 'open').executeTakeFirst());
}

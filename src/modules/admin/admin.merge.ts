/**
 * Duplicate finder and merge. Two entries that look like one person (same e-mail; same phone; a similar name
 * in the same organisation) are offered to the editors who may edit both; a merge keeps one entry, moves
 * everything that points at the other onto it, and leaves the other's ref resolving to it (person_ref_alias),
 * so old links keep working and the kept entry's history shows both.
 *
 * This is the one place that moves rows of other domains (accounts, registrations, group memberships) from one
 * person to another: a merge is the only operation that needs to, and it must happen in one transaction.
 */
import type { Db } from '@db/client';
import type { Transaction } from 'kysely';
import type { Database } from '@db/schema';
import { nowIso } from '@/lib/dates';
import { insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';
import type { Permissions } from '@/modules/auth/auth.permissions';
import { patchPerson } from '@/modules/directory/directory.writes';

export interface DuplicateCandidate {
	ref: string;
	name: string;
	title: string;
	organisation: string;
	unit: string;
	email: string | null;
	phone: string | null;
	status: string;
	updatedAt: string;
}

export interface DuplicatePair {
	a: DuplicateCandidate;
	b: DuplicateCandidate;
	/** Danish reasons: "Samme e-mail", "Samme telefonnummer", "Lignende navn i samme organisation". */
	reasons: string[];
}

interface Row extends DuplicateCandidate {
	id: number;
	unitId: number;
	organisationId: number;
	mobile: string | null;
	successorId: number | null;
}

/** Lower-case, accents and Danish letters folded, single spaces: "Søren  Ågård" → "soren agard". */
function foldName(value: string): string {
	return value
		.toLowerCase()
		.replace(/æ/g, 'ae')
		.replace(/ø/g, 'o')
		.replace(/å/g, 'a')
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z ]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Edit distance, stopping early above `max` (names are short; only "close" matters). */
function withinDistance(a: string, b: string, max: number): boolean {
	if (Math.abs(a.length - b.length) > max) return false;
	let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const cur = [i];
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
			best = Math.min(best, cur[j]);
		}
		if (best > max) return false;
		prev = cur;
	}
	return prev[b.length] <= max;
}

/** Close enough to be the same name written twice: equal, one a prefix of the other ("Kim" / "Kim Ulrik"), or one typo. */
function similarPart(a: string, b: string): boolean {
	return a === b || (Math.min(a.length, b.length) >= 3 && (a.startsWith(b) || b.startsWith(a))) || withinDistance(a, b, 1);
}
/** Editors may merge only people whose units they edit (both of them): resolves the scope for pages and merges. */
function mayMerge(perms: Permissions, p: { unitId: number; organisationId: number }): boolean {
	return perms.canEditUnit({ id: p.unitId, organisationId: p.organisationId });
}

async function loadRows(db: Db | Transaction<Database>): Promise<Row[]> {
	const rows = await db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.select([
			'person.id', 'person.ref', 'person.first_name', 'person.last_name', 'person.title', 'person.email', 'person.phone', 'person.mobile', 'person.status',
			'person.successor_id', 'person.updated_at', 'unit.id as unit_id', 'unit.name as unit', 'organisation.id as organisation_id', 'organisation.name as organisation',
		])
		.orderBy('person.ref')
		.execute();
	return rows.map((r) => ({
		id: r.id, ref: r.ref, name: `${r.first_name} ${r.last_name}`, title: r.title, organisation: r.organisation, unit: r.unit, email: r.email, phone: r.phone,
		mobile: r.mobile, status: r.status, updatedAt: r.updated_at, unitId: r.unit_id, organisationId: r.organisation_id, successorId: r.successor_id,
	}));
}

const strip = ({ id, unitId, organisationId, mobile, successorId, ...rest }: Row): DuplicateCandidate => rest;

/** Pairs that look like one person, among the people `perms` may edit; the strongest reasons first. */
export async function findDuplicates(db: Db, perms: Permissions, limit = 200): Promise<DuplicatePair[]> {
	// Groups are formed over everyone (a switchboard number is one however few of its users an editor sees);
	// only pairs the editor may merge are kept.
	const people = await loadRows(db);
	const pairs = new Map<string, { a: Row; b: Row; reasons: Set<string> }>();
	const add = (a: Row, b: Row, reason: string) => {
		// A handover (left → successor) shares the team's phone on purpose: not a duplicate.
		if (a.successorId === b.id || b.successorId === a.id) return;
		const [x, y] = a.ref < b.ref ? [a, b] : [b, a];
		const key = `${x.id}:${y.id}`;
		const pair = pairs.get(key) ?? { a: x, b: y, reasons: new Set<string>() };
		pair.reasons.add(reason);
		pairs.set(key, pair);
	};
	const groupBy = (key: (p: Row) => Array<string | null>, reason: string) => {
		const groups = new Map<string, Row[]>();
		for (const p of people) for (const k of new Set(key(p))) if (k) (groups.get(k) ?? groups.set(k, []).get(k)!).push(p);
		// A number shared by a whole team is a switchboard, not a person: only small groups count.
		for (const group of groups.values()) if (group.length > 1 && group.length <= 3) for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) add(group[i], group[j], reason);
	};
	groupBy((p) => [p.email], 'Samme e-mail');
	groupBy((p) => [p.phone, p.mobile], 'Samme telefonnummer');
	// Similar names, compared only within blocks (same organisation and same last name, or same first name), so a
	// network of thousands costs milliseconds: "Alma Testesen" / "Alma Testsen", "Kim Holm" / "Kim Ulrik Holm".
	const blocks = new Map<string, Array<{ p: Row; first: string; last: string }>>();
	for (const p of people) {
		const [firstName = '', ...rest] = foldName(p.name).split(' ');
		const entry = { p, first: firstName, last: rest.at(-1) ?? '' };
		for (const key of [`${p.organisationId}|l|${entry.last}`, `${p.organisationId}|f|${entry.first}`]) (blocks.get(key) ?? blocks.set(key, []).get(key)!).push(entry);
	}
	for (const [key, members] of blocks) {
		const byLast = key.includes('|l|');
		for (let i = 0; i < members.length; i++)
			for (let j = i + 1; j < members.length; j++) {
				const [x, y] = [members[i], members[j]];
				if (byLast ? similarPart(x.first, y.first) : withinDistance(x.last, y.last, 1)) add(x.p, y.p, 'Lignende navn i samme organisation');
			}
	}
	return [...pairs.values()]
		.filter((p) => mayMerge(perms, p.a) && mayMerge(perms, p.b))
		.sort((x, y) => y.reasons.size - x.reasons.size || x.a.ref.localeCompare(y.a.ref))
		.slice(0, limit)
		.map((p) => ({ a: strip(p.a), b: strip(p.b), reasons: [...p.reasons] }));
}

export type MergeResult = { ok: true; keptRef: string } | { ok: false; message: string };

/**
 * Merges `mergeRef` into `keepRef`. Both refs are resolved within the editor's scope (another organisation's
 * person is "not found", like an unknown ref). The kept entry keeps its own values and gains what only the
 * other had (empty fields, tags); everything pointing at the other entry is moved; its ref becomes an alias.
 */
export async function mergePeople(db: Db, ctx: { perms: Permissions; actor: Actor }, keepRef: string, mergeRef: string): Promise<MergeResult> {
	if (!keepRef || !mergeRef || keepRef === mergeRef) return { ok: false, message: 'Vælg to forskellige personer.' };
	return db.transaction().execute(async (trx) => {
		const rows = (await loadRows(trx)).filter((p) => p.ref === keepRef || p.ref === mergeRef);
		const kept = rows.find((p) => p.ref === keepRef);
		const merged = rows.find((p) => p.ref === mergeRef);
		if (!kept || !merged || !mayMerge(ctx.perms, kept) || !mayMerge(ctx.perms, merged)) return { ok: false as const, message: 'Personerne findes ikke, eller du kan ikke redigere dem begge.' };
		const now = nowIso();
		const actor = ctx.actor;
		const k = await trx.selectFrom('person').selectAll().where('id', '=', kept.id).executeTakeFirstOrThrow();
		const m = await trx.selectFrom('person').selectAll().where('id', '=', merged.id).executeTakeFirstOrThrow();

		// Fields only the merged entry had; the newer confirmation date.
		const patch: Record<string, unknown> = {};
		for (const f of ['title', 'phone', 'mobile', 'email', 'hours', 'note', 'municipality_code', 'deputy_id'] as const) if (!k[f] && m[f] && m[f] !== k.id) patch[f] = m[f];
		if (m.verified_at && (!k.verified_at || m.verified_at > k.verified_at)) patch.verified_at = m.verified_at;
		if (m.key_person && !k.key_person) patch.key_person = 1;
		if (k.successor_id === m.id) patch.successor_id = m.successor_id === k.id ? null : m.successor_id;
		if (k.deputy_id === m.id) patch.deputy_id = null;

		// Tags: the union.
		const tagTables = [
			['person_topic', 'topic_slug', 'topics'],
			['person_role', 'role_slug', 'roles'],
			['person_age_group', 'age_group_slug', 'age_groups'],
		] as const;
		const tagChanges: Record<string, [string[], string[]]> = {};
		for (const [table, column, label] of tagTables) {
			const own = (await trx.selectFrom(table).select(column as never).where('person_id', '=', k.id).execute()).map((r) => (r as Record<string, string>)[column]);
			const theirs = (await trx.selectFrom(table).select(column as never).where('person_id', '=', m.id).execute()).map((r) => (r as Record<string, string>)[column]);
			const missing = theirs.filter((t) => !own.includes(t));
			if (missing.length) {
				await trx.insertInto(table).values(missing.map((t) => ({ person_id: k.id, [column]: t }) as never)).execute();
				tagChanges[label] = [own.sort(), [...own, ...missing].sort()];
			}
		}

		// People who point at the merged entry (successor, deputy) point at the kept one.
		for (const column of ['successor_id', 'deputy_id'] as const) {
			const pointing = await trx.selectFrom('person').select('id').where(column, '=', m.id).where('id', '!=', k.id).execute();
			for (const p of pointing) await patchPerson(trx, actor, p.id, { [column]: k.id });
		}

		// Reports, freshness requests and scheduled handovers follow the entry (where the kept one has none of its own).
		await trx.updateTable('correction').set({ person_id: k.id }).where('person_id', '=', m.id).execute();
		const keptDue = (await trx.selectFrom('freshness_request' as never).select('due_on' as never).where('person_id' as never, '=', k.id as never).execute()).map((r) => (r as { due_on: string }).due_on);
		if (keptDue.length) await trx.deleteFrom('freshness_request' as never).where('person_id' as never, '=', m.id as never).where('due_on' as never, 'in', keptDue as never).execute();
		await trx.updateTable('freshness_request' as never).set({ person_id: k.id } as never).where('person_id' as never, '=', m.id as never).execute();
		const keptOpen = await trx.selectFrom('scheduled_handover' as never).select('id' as never).where('person_id' as never, '=', k.id as never).where('executed_at' as never, 'is', null).where('cancelled_at' as never, 'is', null).executeTakeFirst();
		if (keptOpen)
			await trx.updateTable('scheduled_handover' as never).set({ cancelled_at: now, outcome: 'Annulleret: posten blev flettet' } as never).where('person_id' as never, '=', m.id as never).where('executed_at' as never, 'is', null).where('cancelled_at' as never, 'is', null).execute();
		await trx.updateTable('scheduled_handover' as never).set({ person_id: k.id } as never).where('person_id' as never, '=', m.id as never).execute();

		// The account: linked to the kept entry when it has none; otherwise the merged account's registrations
		// and group memberships move to the kept entry's account (its own rights and sign-ins stay its own).
		const moved: Record<string, [unknown, unknown]> = {};
		const keptUser = await trx.selectFrom('user').select(['id', 'email']).where('person_id', '=', k.id).executeTakeFirst();
		const mergedUser = await trx.selectFrom('user').select(['id', 'email']).where('person_id', '=', m.id).executeTakeFirst();
		if (mergedUser && !keptUser) {
			await trx.updateTable('user').set({ person_id: k.id }).where('id', '=', mergedUser.id).execute();
			moved.account = [null, mergedUser.email];
		} else if (mergedUser && keptUser) {
			const keptEvents = (await trx.selectFrom('event_registration').select('event_id').where('user_id', '=', keptUser.id).execute()).map((r) => r.event_id);
			let q = trx.updateTable('event_registration').set({ user_id: keptUser.id }).where('user_id', '=', mergedUser.id);
			if (keptEvents.length) q = q.where('event_id', 'not in', keptEvents);
			const regs = await q.executeTakeFirst();
			const keptGroups = (await trx.selectFrom('supervision_membership').select('group_id').where('user_id', '=', keptUser.id).execute()).map((r) => r.group_id);
			let g = trx.updateTable('supervision_membership').set({ user_id: keptUser.id }).where('user_id', '=', mergedUser.id);
			if (keptGroups.length) g = g.where('group_id', 'not in', keptGroups);
			const groups = await g.executeTakeFirst();
			await trx.updateTable('supervision_self_course').set({ user_id: keptUser.id }).where('user_id', '=', mergedUser.id).execute();
			await trx.updateTable('user').set({ person_id: null }).where('id', '=', mergedUser.id).execute();
			moved.registrations_moved = [0, Number(regs.numUpdatedRows)];
			moved.group_memberships_moved = [0, Number(groups.numUpdatedRows)];
		}

		// Old links: the merged ref (and refs merged into it before) resolve to the kept entry.
		await trx.updateTable('person_ref_alias').set({ person_id: k.id }).where('person_id', '=', m.id).execute();
		await trx.insertInto('person_ref_alias').values({ ref: m.ref, person_id: k.id, merged_person_id: m.id, merged_at: now }).execute();
		await trx.deleteFrom('person').where('id', '=', m.id).execute();
		if (Object.keys(patch).length) await trx.updateTable('person').set({ ...patch, updated_at: now }).where('id', '=', k.id).execute();

		const fieldChanges = Object.fromEntries(Object.entries(patch).map(([f, v]) => [f, [k[f as keyof typeof k] ?? null, v]]));
		await insertAuditEntry(trx, {
			actor, entityType: 'person', entityId: k.id, entityLabel: `${k.first_name} ${k.last_name}`, action: 'merge', at: now,
			changes: { merged_from: [null, `${m.ref} (${m.first_name} ${m.last_name})`], ...fieldChanges, ...tagChanges, ...moved },
		});
		// The merged entry's own trail ends with where it went (its earlier entries keep its old id).
		await insertAuditEntry(trx, {
			actor, entityType: 'person', entityId: m.id, entityLabel: `${m.first_name} ${m.last_name}`, action: 'merged_into', at: now,
			changes: { ref: [m.ref, k.ref] },
		});
		return { ok: true as const, keptRef: k.ref };
	});
}

/** The ref a merged-away ref now resolves to, or null (an unknown ref, or one that is still a person's own). */
export async function resolveMergedRef(db: Db, ref: string): Promise<string | null> {
	if (!ref) return null;
	const row = await db.selectFrom('person_ref_alias').innerJoin('person', 'person.id', 'person_ref_alias.person_id').select('person.ref').where('person_ref_alias.ref', '=', ref).executeTakeFirst();
	return row?.ref ?? null;
}

/** Former ids of entries merged into this person (their audit entries belong to its history). */
export async function mergedPersonIds(db: Db, personId: number): Promise<number[]> {
	return (await db.selectFrom('person_ref_alias').select('merged_person_id').where('person_id', '=', personId).execute()).map((r) => r.merged_person_id);
}

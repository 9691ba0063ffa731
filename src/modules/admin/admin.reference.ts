/**
 * Reference data in the browser (admins): the labels and synonyms of topics, roles and age groups (the search
 * thesaurus reads them), new topics and roles (age groups are fixed bands with ages, added by migration), and which
 * municipalities are members of the network. Every change is audited, and
 * the search index follows the audit log: an entry of these types makes it rebuild with the new words.
 */
import type { Db } from '@db/client';
import { jsonArray, slugify } from '@/lib/text';
import { diff, insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';

export type VocabularyKind = 'topic' | 'role' | 'age_group';
export const VOCABULARY_KINDS: Record<VocabularyKind, string> = { topic: 'Emner', role: 'Roller', age_group: 'Aldersgrupper' };

export interface VocabularyItem {
	kind: VocabularyKind;
	slug: string;
	label: string;
	synonyms: string[];
}

export async function listVocabularies(db: Db): Promise<Record<VocabularyKind, VocabularyItem[]>> {
	const [topics, roles, ageGroups] = await Promise.all([
		db.selectFrom('topic').select(['slug', 'label', 'synonyms']).orderBy('sort').orderBy('slug').execute(),
		db.selectFrom('role').select(['slug', 'label', 'synonyms']).orderBy('sort').orderBy('slug').execute(),
		db.selectFrom('age_group').select(['slug', 'label', 'synonyms']).orderBy('sort').orderBy('min_age').execute(),
	]);
	const map = (kind: VocabularyKind) => (r: { slug: string; label: string; synonyms: string }) => ({ kind, slug: r.slug, label: r.label, synonyms: jsonArray(r.synonyms) });
	return { topic: topics.map(map('topic')), role: roles.map(map('role')), age_group: ageGroups.map(map('age_group')) };
}

/** Synonyms as typed: one per line or comma-separated; blanks and repeats dropped. */
export function parseSynonyms(text: string): string[] {
	return [...new Set(text.split(/[\n,]/).map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean))];
}

export type SaveResult = { ok: true; changed: boolean } | { ok: false; errors: Record<string, string> };

export async function saveVocabularyItem(db: Db, actor: Actor, kind: VocabularyKind, slug: string, input: { label: string; synonyms: string }): Promise<SaveResult> {
	if (!(kind in VOCABULARY_KINDS)) return { ok: false, errors: { _form: 'Ukendt slags opslagsdata.' } };
	const label = input.label.replace(/\s+/g, ' ').trim();
	const synonyms = parseSynonyms(input.synonyms);
	const errors: Record<string, string> = {};
	if (!label) errors.label = 'Skriv en betegnelse.';
	else if (label.length > 80) errors.label = 'Betegnelsen må højst være 80 tegn.';
	if (synonyms.length > 60) errors.synonyms = 'Højst 60 synonymer.';
	else if (synonyms.some((s) => s.length > 60)) errors.synonyms = 'Hvert synonym må højst være 60 tegn.';
	if (Object.keys(errors).length) return { ok: false, errors };
	return db.transaction().execute(async (trx) => {
		const before = await trx.selectFrom(kind).select(['label', 'synonyms']).where('slug', '=', slug).executeTakeFirst();
		if (!before) return { ok: false as const, errors: { _form: 'Punktet findes ikke.' } };
		const changes = diff({ label: before.label, synonyms: jsonArray(before.synonyms) }, { label, synonyms });
		if (!Object.keys(changes).length) return { ok: true as const, changed: false };
		await trx.updateTable(kind).set({ label, synonyms: JSON.stringify(synonyms) }).where('slug', '=', slug).execute();
		// Vocabulary rows have text keys: the slug goes in the label, entity_id 0 (the search rebuilds on the type).
		await insertAuditEntry(trx, { actor, entityType: kind, entityId: 0, entityLabel: `${slug}: ${label}`, action: 'update', changes });
		return { ok: true as const, changed: true };
	});
}

/** Kinds an admin may add to in the browser. */
export type AddableKind = 'topic' | 'role';
export const ADDABLE_KINDS: Record<AddableKind, string> = { topic: 'det nye emne', role: 'den nye rolle' };

/** Adds a topic or role (slug from the label, last in the list); audited, so the search learns its words at once. */
export async function addVocabularyItem(db: Db, actor: Actor, kind: AddableKind, input: { label: string; synonyms: string }): Promise<({ ok: true; slug: string }) | { ok: false; errors: Record<string, string> }> {
	if (!(kind in ADDABLE_KINDS)) return { ok: false, errors: { _form: 'Der kan kun tilføjes emner og roller.' } };
	const label = input.label.replace(/\s+/g, ' ').trim();
	const synonyms = parseSynonyms(input.synonyms);
	const errors: Record<string, string> = {};
	if (!label) errors.label = `Skriv betegnelsen for ${ADDABLE_KINDS[kind]}.`;
	else if (label.length > 80) errors.label = 'Betegnelsen må højst være 80 tegn.';
	else if (!slugify(label)) errors.label = 'Betegnelsen skal indeholde bogstaver eller tal.';
	if (synonyms.length > 60) errors.synonyms = 'Højst 60 synonymer.';
	else if (synonyms.some((s) => s.length > 60)) errors.synonyms = 'Hvert synonym må højst være 60 tegn.';
	if (Object.keys(errors).length) return { ok: false, errors };
	const slug = slugify(label);
	return db.transaction().execute(async (trx) => {
		const existing = await trx.selectFrom(kind).select(['slug', 'label']).where((eb) => eb.or([eb('slug', '=', slug), eb(eb.fn('lower', ['label']), '=', label.toLowerCase())])).executeTakeFirst();
		if (existing) return { ok: false as const, errors: { label: `"${existing.label}" findes allerede. Ret den i listen ovenfor i stedet.` } };
		const last = await trx.selectFrom(kind).select((eb) => eb.fn.max('sort').as('sort')).executeTakeFirst();
		await trx.insertInto(kind).values({ slug, label, synonyms: JSON.stringify(synonyms), sort: Number(last?.sort ?? 0) + 1 }).execute();
		await insertAuditEntry(trx, { actor, entityType: kind, entityId: 0, entityLabel: `${slug}: ${label}`, action: 'create', changes: { label: [null, label], synonyms: [null, synonyms] } });
		return { ok: true as const, slug };
	});
}

export async function listMunicipalityMembership(db: Db) {
	return (await db.selectFrom('municipality').select(['code', 'name', 'is_member']).orderBy('name').execute()).map((m) => ({ code: m.code, name: m.name, isMember: m.is_member === 1 }));
}

/** Sets which municipalities are members; one audit entry per municipality that changed. */
export async function saveMunicipalityMembership(db: Db, actor: Actor, memberCodes: string[]): Promise<number> {
	const wanted = new Set(memberCodes);
	return db.transaction().execute(async (trx) => {
		let changed = 0;
		for (const m of await trx.selectFrom('municipality').select(['code', 'name', 'is_member']).execute()) {
			const member = wanted.has(m.code) ? 1 : 0;
			if (member === m.is_member) continue;
			await trx.updateTable('municipality').set({ is_member: member }).where('code', '=', m.code).execute();
			await insertAuditEntry(trx, { actor, entityType: 'municipality', entityId: Number(m.code), entityLabel: m.name, action: 'update', changes: { is_member: [m.is_member === 1, member === 1] } });
			changed++;
		}
		return changed;
	});
}

/**
 * Admins improve the thesaurus from what people searched for and did not find. Every change is audited,
 * which also makes the index rebuild on the next search.
 */
import { sql } from 'kysely';
import { z } from 'astro/zod';
import type { Db } from '@db/client';
import { insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';
import { listAgeGroups, listMunicipalities, listRoles, listTopics } from '@/modules/directory/directory.repository';
import { deleteSearchTerm, insertSearchTerm, listSearchTerms, loadThesaurusRows } from './search.repository';

export const TERM_KINDS = {
	topic: 'Emne',
	role: 'Situation/rolle',
	age_group: 'Aldersgruppe',
	municipality: 'Kommune',
	organisation: 'Organisation',
	unit: 'Enhed',
	alias: 'Forkortelse/andet navn',
} as const;
export type TermKind = keyof typeof TERM_KINDS;

export const termSchema = z.object({
	term: z.string({ required_error: 'Skriv ordet, som folk skriver det.' }).trim().min(2, 'Ordet skal have mindst 2 tegn.').max(80, 'Ordet må højst have 80 tegn.'),
	kind: z.enum(Object.keys(TERM_KINDS) as [TermKind, ...TermKind[]], { errorMap: () => ({ message: 'Vælg, hvad ordet betyder.' }) }),
	target: z.string({ required_error: 'Vælg eller skriv, hvad ordet betyder.' }).trim().min(1, 'Vælg eller skriv, hvad ordet betyder.').max(120, 'Betydningen må højst have 120 tegn.'),
	note: z.string().trim().max(200, 'Noten må højst have 200 tegn.').optional().default(''),
});
export type TermInput = z.infer<typeof termSchema>;

/** What a term can point to, per kind (alias targets are free text: the words the term stands for). */
export async function termTargets(db: Db): Promise<Record<Exclude<TermKind, 'alias'>, Array<{ value: string; label: string }>>> {
	const [topics, roles, ages, municipalities] = await Promise.all([listTopics(db), listRoles(db), listAgeGroups(db), listMunicipalities(db)]);
	const rows = await loadThesaurusRows(db);
	return {
		topic: topics.map((t) => ({ value: t.slug, label: t.label })),
		role: roles.map((r) => ({ value: r.slug, label: r.label })),
		age_group: ages.map((a) => ({ value: a.slug, label: a.label })),
		municipality: municipalities.map((m) => ({ value: m.code, label: m.name })),
		// A word for one organisation ("børnepsykiatri" → the child and adolescent psychiatric centre) or unit.
		organisation: (rows.organisations ?? []).map((o) => ({ value: o.slug, label: o.name })),
		unit: (rows.units ?? []).map((u) => ({ value: u.ref, label: u.name })),
	};
}

/** Adds a term; an unknown target for a reference kind is a Danish error, not a silent no-op. */
export async function addThesaurusTerm(db: Db, actor: Actor, input: TermInput): Promise<{ ok: true } | { ok: false; errors: Record<string, string> }> {
	if (input.kind !== 'alias') {
		const targets = (await termTargets(db))[input.kind];
		if (!targets.some((t) => t.value === input.target)) return { ok: false, errors: { target: `"${input.target}" findes ikke blandt ${TERM_KINDS[input.kind].toLowerCase()}rne.` } };
	}
	const exists = (await listSearchTerms(db)).find((t) => t.term.toLowerCase() === input.term.toLowerCase() && t.kind === input.kind && t.target === input.target);
	if (exists) return { ok: false, errors: { term: `"${input.term}" betyder allerede det.` } };
	await db.transaction().execute(async (trx) => {
		await insertSearchTerm(trx, input);
		const added = await sql<{ id: number }>`SELECT id FROM search_term WHERE term = ${input.term.trim()} AND kind = ${input.kind} AND target = ${input.target.trim()}`.execute(trx);
		await insertAuditEntry(trx, {
		actor,
		entityType: 'search_term',
			entityId: added.rows[0]?.id ?? 0,
			entityLabel: input.term,
			action: 'create',
			changes: { term: [null, input.term], kind: [null, input.kind], target: [null, input.target] },
		});
	});
	return { ok: true };
}

export async function removeThesaurusTerm(db: Db, actor: Actor, id: number): Promise<boolean> {
	const term = (await listSearchTerms(db)).find((t) => t.id === id);
	if (!term) return false;
	await db.transaction().execute(async (trx) => {
		await deleteSearchTerm(trx, id);
		await insertAuditEntry(trx, {
			actor,
			entityType: 'search_term',
			entityId: id,
			entityLabel: term.term,
			action: 'delete',
			changes: { term: [term.term, null], kind: [term.kind, null], target: [term.target, null] },
		});
	});
	return true;
}

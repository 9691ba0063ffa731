/**
 * Live contacts for pathways: loads, per municipality, what the "Hvem kontakter jeg?" blocks need from the
 * directory in a fixed number of queries, and decides with knowledge.rules.ts. Nothing is copied into the
 * content: every request reads the directory as it is now, so a handover shows at once (no rebuild/restart).
 */
import type { Db } from '@db/client';
import { listMunicipalities, listPeople, listUnitContacts, listUnitsForMunicipality, resolveCurrentSuccessor } from '@/modules/directory/directory.repository';
import type { Municipality, Person, Unit } from '@/modules/directory/directory.types';
import { freshnessSignal } from '@/modules/freshness/freshness.rules';
import { reviewSignal, selectContacts, stalePeople, type BlockInput, type ContactEntry, type ReviewSignal } from './knowledge.rules';
import type { Article } from './knowledge.types';

export interface PhaseBlocks {
	phaseId: string;
	blocks: Array<{ label: string; entries: ContactEntry[] }>;
}

/** Every role any block of the article routes by. */
function articleRoles(article: Article): string[] {
	return [...new Set(article.phases.flatMap((ph) => ph.contacts.flatMap((c) => c.roles)))];
}

/** The directory data for the given municipalities, read once. */
function loadInputs(db: Db, article: Article, codes: string[]): Promise<Map<string, BlockInput>> {
	return loadContactInputs(db, articleRoles(article), codes);
}

/**
 * What selectContacts needs for people holding any of `roles` in the given municipalities, in a fixed number of
 * queries. Shared by pathways and the routing card (knowledge.routing.ts): one way to pick the live contact.
 */
export async function loadContactInputs(db: Db, roles: string[], codes: string[]): Promise<Map<string, BlockInput>> {
	const unitsBy = new Map<string, Unit[]>();
	for (const code of codes) unitsBy.set(code, await listUnitsForMunicipality(db, code));
	const unitIds = [...new Set([...unitsBy.values()].flat().map((u) => u.id))];
	const [people, leavers, contacts] = await Promise.all([
		listPeople(db, { unitIds, roles }),
		listPeople(db, { unitIds, status: 'left' }),
		listUnitContacts(db, unitIds),
	]);
	const deputyIds = [...new Set(people.flatMap((p) => (p.status === 'active' && p.deputyId !== null ? [p.deputyId] : [])))];
	const deputies = new Map((await listPeople(db, { ids: deputyIds, status: 'active' })).map((p) => [p.id, p] as const));
	// The directory's one successor rule: follow the chain to the active holder (directory.repository).
	const successorIds = new Map<number, number>();
	for (const l of people.filter((p) => p.status === 'left')) {
		const link = await resolveCurrentSuccessor(db, l.id);
		if (link) successorIds.set(l.id, link.id);
	}
	const successorPeople = new Map((await listPeople(db, { ids: [...new Set(successorIds.values())], status: 'active' })).map((p) => [p.id, p] as const));
	const successors = new Map<number, Person>();
	for (const [leaver, id] of successorIds) if (successorPeople.has(id)) successors.set(leaver, successorPeople.get(id)!);
	const out = new Map<string, BlockInput>();
	for (const code of codes) {
		const units = unitsBy.get(code)!;
		const ids = new Set(units.map((u) => u.id));
		out.set(code, {
			units,
			people: people.filter((p) => ids.has(p.unitId)),
			leavers: leavers.filter((p) => ids.has(p.unitId)),
			deputies,
			successors,
			contacts: contacts.filter((c) => ids.has(c.unitId)),
		});
	}
	return out;
}

function blocksFor(article: Article, input: BlockInput, now: Date): PhaseBlocks[] {
	return article.phases.map((ph) => ({ phaseId: ph.id, blocks: ph.contacts.map((spec) => ({ label: spec.label, entries: selectContacts(spec, input, now) })) }));
}

/** The blocks of every phase for one municipality. */
export async function pathwayContacts(db: Db, article: Article, municipalityCode: string, now: Date = new Date()): Promise<PhaseBlocks[]> {
	const inputs = await loadInputs(db, article, [municipalityCode]);
	return blocksFor(article, inputs.get(municipalityCode)!, now);
}

export interface StalePart {
	phaseId: string;
	phaseTitle: string;
	municipality: string;
	people: Array<{ ref: string; name: string; verifiedAt: string | null }>;
}

export interface PathwayVerification {
	review: ReviewSignal;
	/** Blocks whose shown people include someone stale, per member municipality. */
	staleParts: StalePart[];
	/** The same, per phase and person (a regional person shown in every municipality is named once). */
	byPhase: Array<{ phaseId: string; phaseTitle: string; people: Array<{ ref: string; name: string; municipalities: string[]; everywhere: boolean }> }>;
	/** Review current and every person shown for any member municipality confirmed within the policy. */
	verified: boolean;
}

function groupByPhase(parts: StalePart[], memberCount: number): PathwayVerification['byPhase'] {
	const phases = new Map<string, PathwayVerification['byPhase'][number]>();
	for (const part of parts) {
		const phase = phases.get(part.phaseId) ?? { phaseId: part.phaseId, phaseTitle: part.phaseTitle, people: [] };
		phases.set(part.phaseId, phase);
		for (const p of part.people) {
			let person = phase.people.find((x) => x.ref === p.ref);
			if (!person) phase.people.push((person = { ref: p.ref, name: p.name, municipalities: [], everywhere: false }));
			person.municipalities.push(part.municipality);
			person.everywhere = person.municipalities.length === memberCount;
		}
	}
	return [...phases.values()];
}

/**
 * "Verified" only while the owner's review is current and every person the blocks would show for any member
 * municipality is fresh by the one freshness policy (freshness.rules.ts). Otherwise says which parts are stale.
 */
export async function verifyPathway(db: Db, article: Article, now: Date = new Date(), members?: Municipality[]): Promise<PathwayVerification> {
	const review = reviewSignal(article, now);
	const municipalities = members ?? (await listMunicipalities(db, { membersOnly: true }));
	const inputs = await loadInputs(db, article, municipalities.map((m) => m.code));
	const staleParts: StalePart[] = [];
	for (const m of municipalities) {
		for (const ph of blocksFor(article, inputs.get(m.code)!, now)) {
			const stale = ph.blocks.flatMap((b) => stalePeople(b.entries, now));
			if (stale.length === 0) continue;
			const phase = article.phases.find((p) => p.id === ph.phaseId)!;
			const unique = [...new Map(stale.map((p) => [p.id, p])).values()];
			staleParts.push({ phaseId: ph.phaseId, phaseTitle: phase.title, municipality: m.name, people: unique.map((p) => ({ ref: p.ref, name: p.name, verifiedAt: freshnessSignal(p, now).verifiedAt })) });
		}
	}
	return { review, staleParts, byPhase: groupByPhase(staleParts, municipalities.length), verified: review.state !== 'overdue' && staleParts.length === 0 };
}

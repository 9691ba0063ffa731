/**
 * Pure rules of the knowledge section: when an article is due for review, and which directory people a
 * pathway's "Hvem kontakter jeg?" block shows — the holder, the deputy during an absence (the directory's one
 * rule, showDeputyFirst), the successor after a handover, or the unit's shared contact when the post is vacant.
 * No I/O: knowledge.contacts.ts loads the data.
 */
import type { Person, Unit, UnitContact } from '@/modules/directory/directory.types';
import { showDeputyFirst } from '@/modules/directory/editing.rules';
import { addMonthsToDate, addDaysToDate, freshnessSignal, localDate } from '@/modules/freshness/freshness.rules';
import type { ContactSpec } from './knowledge.schema';

/** Days before the review date when the owner is first reminded. */
export const REVIEW_REMINDER_DAYS = 30;

export type ReviewState = 'ok' | 'due_soon' | 'overdue';

export interface ReviewSignal {
	lastReviewed: string;
	dueOn: string;
	state: ReviewState;
}

export function reviewSignal(article: { lastReviewed: string; reviewEvery: number }, now: Date = new Date()): ReviewSignal {
	const dueOn = addMonthsToDate(article.lastReviewed, article.reviewEvery);
	const today = localDate(now);
	const state: ReviewState = today >= dueOn ? 'overdue' : today >= addDaysToDate(dueOn, -REVIEW_REMINDER_DAYS) ? 'due_soon' : 'ok';
	return { lastReviewed: article.lastReviewed, dueOn, state };
}

/** The articles due for review within REVIEW_REMINDER_DAYS or overdue, soonest first (the admins' list at /admin). */
export function dueForReview<A extends { lastReviewed: string; reviewEvery: number }>(articles: A[], now: Date = new Date()): Array<{ article: A; review: ReviewSignal }> {
	return articles
		.map((article) => ({ article, review: reviewSignal(article, now) }))
		.filter(({ review }) => review.state !== 'ok')
		.sort((x, y) => x.review.dueOn.localeCompare(y.review.dueOn));
}

/** How a person comes to be shown in a block. */
export type ContactReason = 'holder' | 'deputy' | 'away' | 'successor';

export type ContactEntry =
	| {
			kind: 'person';
			person: Person;
			reason: ContactReason;
			/** deputy: whom they stand in for; successor: who left; holder: who they took over from (if anyone). */
			related: Person | null;
	  }
	| { kind: 'vacant'; unit: Unit; leaver: Person; contacts: UnitContact[] };

export interface BlockInput {
	/** Units serving the municipality (directory rule: listUnitsForMunicipality). */
	units: Unit[];
	/** Active and left people of those units who hold one of the block's roles. */
	people: Person[];
	/** Left people of those units (to say whom a holder took over from). */
	leavers: Person[];
	/** Active deputies by id. */
	deputies: Map<number, Person>;
	/** The active person at the end of each leaver's successor chain (absent: vacancy). */
	successors: Map<number, Person>;
	contacts: UnitContact[];
}

function matches(spec: ContactSpec, p: Person): boolean {
	if (!p.roles.some((r) => spec.roles.includes(r))) return false;
	if (spec.age_groups.length && !p.ageGroups.some((a) => spec.age_groups.includes(a))) return false;
	if (spec.key_persons_only && !p.keyPerson) return false;
	return true;
}

function score(spec: ContactSpec, p: Person): number {
	return (p.keyPerson ? 10 : 0) + p.topics.filter((t) => spec.topics.includes(t)).length;
}

/**
 * The entries of one block for one municipality, best first, at most `spec.max` posts (a post shown through its
 * deputy lists the deputy first, then the absent holder). Nobody who left is shown as a contact.
 */
export function selectContacts(spec: ContactSpec, input: BlockInput, now: Date = new Date()): ContactEntry[] {
	const unitIds = new Set(input.units.filter((u) => u.organisationType === spec.sector).map((u) => u.id));
	const candidates = input.people.filter((p) => unitIds.has(p.unitId) && matches(spec, p));
	const active = candidates.filter((p) => p.status === 'active');
	const activeIds = new Set(active.map((p) => p.id));
	type Post = { score: number; name: string; entries: ContactEntry[] };
	const posts: Post[] = [];
	for (const p of active) {
		const deputy = p.deputyId !== null ? input.deputies.get(p.deputyId) : undefined;
		if (showDeputyFirst(p, deputy, now) && deputy) {
			posts.push({ score: score(spec, p), name: p.name, entries: [{ kind: 'person', person: deputy, reason: 'deputy', related: p }, { kind: 'person', person: p, reason: 'away', related: null }] });
		} else {
			const from = input.leavers.find((l) => l.successorId === p.id) ?? null;
			posts.push({ score: score(spec, p), name: p.name, entries: [{ kind: 'person', person: p, reason: 'holder', related: from }] });
		}
	}
	const vacantUnits = new Set<number>();
	for (const l of candidates.filter((p) => p.status === 'left')) {
		const successor = input.successors.get(l.id);
		if (successor) {
			// The post moved with its roles to someone already listed: nothing more to show.
			if (activeIds.has(successor.id)) continue;
			activeIds.add(successor.id);
			posts.push({ score: score(spec, l), name: successor.name, entries: [{ kind: 'person', person: successor, reason: 'successor', related: l }] });
		} else if (!active.some((a) => a.unitId === l.unitId) && !vacantUnits.has(l.unitId)) {
			vacantUnits.add(l.unitId);
			const unit = input.units.find((u) => u.id === l.unitId)!;
			posts.push({ score: score(spec, l), name: l.name, entries: [{ kind: 'vacant', unit, leaver: l, contacts: input.contacts.filter((c) => c.unitId === l.unitId) }] });
		}
	}
	posts.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name, 'da'));
	// A deputy who also holds the role in their own right is listed once, where they first appear.
	const seen = new Set<number>();
	return posts
		.slice(0, spec.max)
		.flatMap((p) => p.entries)
		.filter((e) => e.kind === 'vacant' || (!seen.has(e.person.id) && !!seen.add(e.person.id)));
}

/** People an entry list shows whose entry is stale by the one freshness policy (freshness.rules.ts). */
export function stalePeople(entries: ContactEntry[], now: Date = new Date()): Person[] {
	return entries.flatMap((e) => (e.kind === 'person' && freshnessSignal(e.person, now).stale ? [e.person] : []));
}

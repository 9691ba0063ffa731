/** Pure rules for editing the directory: handover, deputies, absence and new references. No I/O. */
import { isAway } from './directory.rules';
import { clockNow } from '@/lib/clock';

export interface HandoverParty {
	id: number;
	name: string;
	status: 'active' | 'left';
	organisationId: number;
	keyPerson: boolean;
	roles: string[];
	topics: string[];
}

/** Why `candidate` cannot take over from `leaver`, or null when they can. */
export function successorProblem(leaver: HandoverParty, candidate: HandoverParty | undefined): string | null {
	if (!candidate) return 'Efterfølgeren findes ikke i Vejviser. Vælg en på listen, eller opret en ny.';
	if (candidate.id === leaver.id) return 'En person kan ikke være sin egen efterfølger.';
	if (candidate.status !== 'active') return `${candidate.name} er selv registreret som fratrådt og kan ikke overtage.`;
	if (candidate.organisationId !== leaver.organisationId) return `${candidate.name} er ansat i en anden organisation. Vælg en kollega i samme organisation.`;
	return null;
}

/** Why `candidate` cannot be `person`'s deputy, or null. */
export function deputyProblem(person: { id: number }, candidate: { id: number; name: string; status: 'active' | 'left' } | undefined): string | null {
	if (!candidate) return 'Stedfortræderen findes ikke i Vejviser.';
	if (candidate.id === person.id) return 'En person kan ikke være sin egen stedfortræder.';
	if (candidate.status !== 'active') return `${candidate.name} er fratrådt og kan ikke være stedfortræder.`;
	return null;
}

export interface HandoverPlan {
	/** The successor's roles/topics/key-person flag after the handover (null: the successor is not touched). */
	successor: { roles: string[]; topics: string[]; keyPerson: boolean } | null;
	/** The leaver's roles/topics/key-person flag after the handover. */
	leaver: { roles: string[]; topics: string[]; keyPerson: boolean };
	/** What moved, for the confirmation message and the welcome mail. */
	moved: { roles: string[]; topics: string[]; keyPerson: boolean };
}

/**
 * What changes on each side. "Move" means the leaver's routing roles, topics and key-person designation go to
 * the successor (merged with theirs) and leave the leaver, so search routes the situation to someone who is there.
 * Without a successor (vacancy) nothing moves: the leaver keeps them as a record of what the post covered.
 */
export function planHandover(leaver: HandoverParty, successor: HandoverParty | null, move: boolean): HandoverPlan {
	if (!successor || !move) {
		return {
			successor: null,
			leaver: { roles: [...leaver.roles], topics: [...leaver.topics], keyPerson: leaver.keyPerson },
			moved: { roles: [], topics: [], keyPerson: false },
		};
	}
	const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
	return {
		successor: { roles: union(successor.roles, leaver.roles), topics: union(successor.topics, leaver.topics), keyPerson: successor.keyPerson || leaver.keyPerson },
		leaver: { roles: [], topics: [], keyPerson: false },
		moved: { roles: [...leaver.roles].sort(), topics: [...leaver.topics].sort(), keyPerson: leaver.keyPerson && !successor.keyPerson },
	};
}

/**
 * The next free reference for a person created in the app: `V` + a 5-digit number above every existing `V…`
 * reference. Imported refs keep their own scheme (e.g. `D00001`), so the two never collide.
 */
export function nextPersonRef(existingVRefs: string[], prefix = 'V'): string {
	let max = 0;
	for (const ref of existingVRefs) {
		const m = new RegExp(`^${prefix}(\\d+)$`).exec(ref);
		if (m) max = Math.max(max, Number(m[1]));
	}
	return `${prefix}${String(max + 1).padStart(5, '0')}`;
}

/**
 * True when contacts for this person should lead with the deputy: the person is away now and has an active deputy.
 * Search and the person page use it (fields: person.deputy_id, person.away_from, person.away_until).
 */
export function showDeputyFirst(
	person: { deputyId: number | null; awayFrom: string | null; awayUntil: string | null },
	deputy: { status: string | null } | undefined | null,
	now: Date = clockNow(),
): boolean {
	return person.deputyId !== null && !!deputy && deputy.status === 'active' && isAway(person, now);
}

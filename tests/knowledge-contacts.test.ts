import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { systemActor } from '@/modules/audit/audit.repository';
import { handoverSchema } from '@/modules/directory/directory.schema';
import { handOver } from '@/modules/directory/directory.handover';
import { listMunicipalities } from '@/modules/directory/directory.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import { pathwayContacts, verifyPathway } from '@/modules/knowledge/knowledge.contacts';
import { pathwaySchema } from '@/modules/knowledge/knowledge.schema';
import { dueForReview, reviewSignal, selectContacts, stalePeople, type BlockInput, type ContactEntry } from '@/modules/knowledge/knowledge.rules';
import { contactSpecSchema } from '@/modules/knowledge/knowledge.schema';
import type { Person, Unit, UnitContact } from '@/modules/directory/directory.types';
import type { Article } from '@/modules/knowledge/knowledge.types';

const NOW = new Date('2026-11-24T10:00:00Z');

function pathway(lastReviewed = '2026-11-01'): Article {
	const data = pathwaySchema.parse({
		title: 'Udskrivning',
		summary: 'Test',
		owner: { unit: 'testby-kommune/ppr' },
		last_reviewed: lastReviewed,
		review_every: 6,
		sources: [{ title: 'Kilde' }],
		phases: [{ id: 'udskrivning', title: 'Udskrivning', actors: { kommune: 'Kommunen deltager.' }, contacts: [{ label: 'Kommunens kontakt', sector: 'kommune', roles: ['udskrivning'], age_groups: ['13-17'] }] }],
	});
	return { collection: 'pathways', slug: 'test', ref: 'pathways/test', url: '/viden/forloeb/test', title: data.title, summary: data.summary, owner: data.owner, lastReviewed: lastReviewed, reviewEvery: 6, sources: data.sources, topics: [], order: 1, body: '', phases: data.phases };
}

const shown = (entries: ContactEntry[]) => entries.map((e) => (e.kind === 'vacant' ? `vakant:${e.unit.name}:${e.contacts.map((c) => c.label).join(',')}` : `${e.reason}:${e.person.ref}${e.related ? `<${e.related.ref}` : ''}`));

describe('Live contacts of a pathway', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	const block = async (now = NOW) => (await pathwayContacts(db, pathway(), '219', now))[0].blocks[0].entries;

	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('shows the municipality’s person with the role and age, not others', async () => {
		expect(shown(await block())).toEqual(['holder:T001']);
		expect(shown((await pathwayContacts(db, pathway(), '270', NOW))[0].blocks[0].entries)).toEqual([]);
	});

	it('leads with the deputy during an absence and lists the absent holder after', async () => {
		await patchPerson(db, systemActor('test'), n.leader, { deputy_id: n.colleague, away_from: '2026-11-20', away_until: '2026-12-01' }, 'update');
		expect(shown(await block())).toEqual(['deputy:T002<T001', 'away:T001']);
		// The day after the absence the holder is back on their own.
		expect(shown(await block(new Date('2026-12-02T10:00:00Z')))).toEqual(['holder:T001']);
	});

	it('lists a deputy who holds the role too only once', async () => {
		await patchPerson(db, systemActor('test'), n.colleague, { verified_at: '2026-11-01' }, 'confirm');
		await db.insertInto('person_role').values({ person_id: n.colleague, role_slug: 'udskrivning' }).execute();
		expect(shown(await block())).toEqual(['holder:T001', 'holder:T002']);
		await patchPerson(db, systemActor('test'), n.leader, { deputy_id: n.colleague, away_from: '2026-11-20', away_until: '2026-12-01' }, 'update');
		expect(shown(await block())).toEqual(['deputy:T002<T001', 'away:T001']);
	});

	it('shows the successor after a handover, whether or not the roles moved', async () => {
		const moved = await handOver(db, as('admin'), n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002', moveTags: 'on' }), NOW);
		expect(moved.ok).toBe(true);
		expect(shown(await block())).toEqual(['holder:T002<T001']);
	});

	it('names the successor in place of a leaver who kept the roles', async () => {
		await handOver(db, as('admin'), n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002' }), NOW);
		expect(shown(await block())).toEqual(['successor:T002<T001']);
	});

	it('points to the unit’s shared contact when the post is vacant', async () => {
		await handOver(db, as('admin'), n.leader, handoverSchema.parse({ mode: 'vacant' }), NOW);
		expect(shown(await block())).toEqual(['vakant:PPR:PPR hovednummer']);
	});

	it('is verified only while the review is current and every shown person is confirmed within the policy', async () => {
		const members = (await listMunicipalities(db)).filter((m) => m.code === '219');
		// T001 was last confirmed 2025-01-01: a routing role (6 months) plus the grace period has passed.
		const stale = await verifyPathway(db, pathway(), NOW, members);
		expect(stale.verified).toBe(false);
		expect(stale.staleParts).toEqual([{ phaseId: 'udskrivning', phaseTitle: 'Udskrivning', municipality: 'Hillerød', people: [{ ref: 'T001', name: 'Alma Testesen', verifiedAt: '2025-01-01' }] }]);
		expect(stale.byPhase).toEqual([{ phaseId: 'udskrivning', phaseTitle: 'Udskrivning', people: [{ ref: 'T001', name: 'Alma Testesen', municipalities: ['Hillerød'], everywhere: true }] }]);

		await patchPerson(db, systemActor('test'), n.leader, { verified_at: '2026-11-01' }, 'confirm');
		expect((await verifyPathway(db, pathway(), NOW, members)).verified).toBe(true);
		// An overdue review alone makes it unverified.
		const old = await verifyPathway(db, pathway('2025-01-01'), NOW, members);
		expect(old).toMatchObject({ verified: false, staleParts: [], review: { state: 'overdue', dueOn: '2025-07-01' } });
	});

	it('lists for the admins every article due within 30 days or overdue, soonest first, and none that is current', () => {
		const articles = [
			{ title: 'Frisk', lastReviewed: '2026-11-01', reviewEvery: 12 },
			{ title: 'Snart', lastReviewed: '2026-06-10', reviewEvery: 6 },
			{ title: 'Overskredet', lastReviewed: '2025-01-01', reviewEvery: 12 },
			{ title: 'Lige overskredet', lastReviewed: '2026-05-24', reviewEvery: 6 },
		];
		const due = dueForReview(articles, NOW);
		expect(due.map((d) => [d.article.title, d.review.state, d.review.dueOn])).toEqual([
			['Overskredet', 'overdue', '2026-01-01'],
			['Lige overskredet', 'overdue', '2026-11-24'],
			['Snart', 'due_soon', '2026-12-10'],
		]);
		expect(dueForReview([articles[0]], NOW)).toEqual([]);
	});

	it('counts the review as due 30 days ahead and overdue from the due date (Copenhagen)', () => {
		expect(reviewSignal({ lastReviewed: '2026-06-01', reviewEvery: 6 }, new Date('2026-11-01T12:00:00Z')).state).toBe('due_soon');
		expect(reviewSignal({ lastReviewed: '2026-06-01', reviewEvery: 6 }, new Date('2026-10-31T12:00:00Z')).state).toBe('ok');
		expect(reviewSignal({ lastReviewed: '2026-06-01', reviewEvery: 6 }, new Date('2026-11-30T23:30:00Z')).state).toBe('overdue');
	});
});

describe('Which people a contact block shows (the pure rule)', () => {
	const unit = (id: number, organisationType: Unit['organisationType'] = 'kommune'): Unit => ({ id, organisationId: id, organisationSlug: `o${id}`, organisationName: `O${id}`, organisationType, slug: `u${id}`, name: `Enhed ${id}`, aliases: [], description: '', address: null, postcode: null, town: null, municipalityCodes: ['219'] });
	let nextId = 0;
	const p = (ref: string, o: Partial<Person> = {}): Person => ({
		id: ++nextId, ref, firstName: ref, lastName: '', name: ref, title: '', unitId: 1, unitName: '', unitSlug: '', organisationId: 1, organisationName: '', organisationSlug: '', organisationType: 'kommune',
		municipalityCode: '219', municipalityName: null, phone: null, mobile: null, email: null, hours: '', hoursSchedule: null, note: '', keyPerson: false, status: 'active', successorId: null, deputyId: null,
		awayFrom: null, awayUntil: null, leftAt: null, phoneVisibility: 'public', mobileVisibility: 'members', emailVisibility: 'public', verifiedAt: '2026-11-01T00:00:00Z', needsAttention: null,
		createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', topics: [], roles: ['udskrivning'], ageGroups: ['13-17'], ...o,
	});
	const spec = (o: Record<string, unknown> = {}) => contactSpecSchema.parse({ label: 'Kontakt', sector: 'kommune', roles: ['udskrivning'], ...o });
	const input = (people: Person[], o: Partial<BlockInput> = {}): BlockInput => ({ units: [unit(1), unit(2), unit(3, 'region')], people, leavers: [], deputies: new Map(), successors: new Map(), contacts: [], ...o });
	const names = (entries: ContactEntry[]) => entries.map((e) => (e.kind === 'vacant' ? `vakant:${e.unit.id}:${e.contacts.map((c) => c.label).join(',')}` : `${e.reason}:${e.person.ref}${e.related ? `<${e.related.ref}` : ''}`));

	it('keeps only people of the sector’s units with the role, age group and key-person flag asked for', () => {
		const people = [p('A'), p('Regionen', { unitId: 3 }), p('UdenRolle', { roles: ['akut'] }), p('Voksen', { ageGroups: ['18+'] }), p('Nøgle', { keyPerson: true, unitId: 2 })];
		expect(names(selectContacts(spec(), input(people), NOW))).toEqual(['holder:Nøgle', 'holder:A', 'holder:Voksen']);
		expect(names(selectContacts(spec({ age_groups: ['13-17'] }), input(people), NOW))).toEqual(['holder:Nøgle', 'holder:A']);
		expect(names(selectContacts(spec({ age_groups: ['13-17'], key_persons_only: true }), input(people), NOW))).toEqual(['holder:Nøgle']);
		// One matching age group is enough.
		expect(names(selectContacts(spec({ age_groups: ['18+'] }), input([p('Bred', { ageGroups: ['13-17', '18+'] })]), NOW))).toEqual(['holder:Bred']);
	});

	it('ranks key persons first, then matching topics, then by Danish name, and stops at max', () => {
		const people = [p('Åse'), p('Bo', { topics: ['angst', 'selvskade', 'andet'] }), p('Anne', { topics: ['x', 'y', 'z'] }), p('Æble', { topics: ['angst'] }), p('Nøgle', { keyPerson: true })];
		// Only the block's topics count: Anne's three others do not put her ahead.
		expect(names(selectContacts(spec({ topics: ['angst', 'selvskade'] }), input(people), NOW))).toEqual(['holder:Nøgle', 'holder:Bo', 'holder:Æble', 'holder:Anne']);
		expect(names(selectContacts(spec({ topics: ['angst', 'selvskade'], max: 6 }), input(people), NOW)).at(-1)).toBe('holder:Åse');
	});

	it('leads with an active deputy only while the holder is away, and names whom a holder took over from', () => {
		const deputy = p('Stedfortræder', { roles: [] });
		const away = p('Fraværende', { deputyId: deputy.id, awayFrom: '2026-11-20', awayUntil: '2026-11-30' });
		const back = p('Tilbage', { deputyId: deputy.id, awayFrom: '2026-10-01', awayUntil: '2026-10-30' });
		const leaver = p('Gammel', { status: 'left', successorId: back.id });
		const other = p('Ingen');
		const deputies = new Map([[deputy.id, deputy]]);
		const entries = selectContacts(spec({ max: 6 }), input([away, back, leaver, other], { deputies, leavers: [leaver], successors: new Map([[leaver.id, back]]) }), NOW);
		expect(names(entries)).toEqual(['deputy:Stedfortræder<Fraværende', 'away:Fraværende', 'holder:Ingen', 'holder:Tilbage<Gammel']);
		expect(entries.map((e) => e.kind)).toEqual(['person', 'person', 'person', 'person']);
		// Without a deputy id nobody stands in, even if a deputy is known.
		expect(names(selectContacts(spec(), input([p('Alene', { awayFrom: '2026-11-20' })], { deputies }), NOW))).toEqual(['holder:Alene']);
	});

	it('shows a successor not already listed, or the unit’s shared contact when the post is vacant', () => {
		const successor = p('Ny', { roles: [], unitId: 2 });
		const left = p('Gik', { status: 'left', successorId: successor.id });
		const vacant = p('Tom', { status: 'left', unitId: 2 });
		const alsoVacant = p('OgsåTom', { status: 'left', unitId: 2 });
		const covered = p('Dækket', { status: 'left' });
		const holder = p('Holder');
		const contacts: UnitContact[] = [{ id: 1, unitId: 2, label: 'Sekretariat', phone: '1', email: null, hours: null, hoursSchedule: null, note: '' }, { id: 2, unitId: 1, label: 'Andet', phone: '2', email: null, hours: null, hoursSchedule: null, note: '' }];
		const result = selectContacts(spec({ max: 6 }), input([holder, left, vacant, alsoVacant, covered], { successors: new Map([[left.id, successor], [covered.id, holder]]), contacts }), NOW);
		expect(names(result)).toEqual(['holder:Holder', 'successor:Ny<Gik', 'vakant:2:Sekretariat']);
		expect(result.map((e) => e.kind)).toEqual(['person', 'person', 'vacant']);
		// A successor already listed takes no second place, and a leaver in a unit that still has a holder is no vacancy.
		const retired = p('Pensioneret', { status: 'left' });
		const zeta = p('Zeta');
		expect(names(selectContacts(spec({ max: 2 }), input([holder, covered, retired, zeta], { successors: new Map([[covered.id, holder]]) }), NOW))).toEqual(['holder:Holder', 'holder:Zeta']);
	});

	it('lists the people whose entries are stale by the freshness policy', () => {
		const fresh = p('Frisk');
		const stale = p('Gammel', { verifiedAt: '2024-01-01T00:00:00Z' });
		const entries = selectContacts(spec(), input([fresh, stale]), NOW);
		expect(stalePeople([...entries, { kind: 'vacant', unit: unit(1), leaver: stale, contacts: [] }], NOW).map((x) => x.ref)).toEqual(['Gammel']);
	});
});

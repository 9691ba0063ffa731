import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, patchPerson, savePerson } from '@/modules/directory/directory.writes';
import type { PersonInput } from '@/modules/directory/directory.types';
import { loadPersonJson, loadPersonPage, viewerWithRights } from '@/modules/directory/directory.views';
import { createTestDb } from './helpers/test-db';

const actor = systemActor('test');
let db: Db;
let cleanup: () => Promise<void>;
let unitId: number;

function person(ref: string, extra: Partial<PersonInput> = {}): PersonInput {
	return {
		ref,
		firstName: 'Test',
		lastName: ref,
		title: 'Sygeplejerske',
		unitId,
		municipalityCode: '219',
		phone: '+4548201234',
		mobile: '+4520304050',
		email: `${ref.toLowerCase()}@hilleroed.example`,
		hours: 'Man-fre 8-15',
		note: '',
		keyPerson: true,
		status: 'active',
		successorId: null,
		verifiedAt: '2026-01-15',
		topics: ['selvskade', 'angst'],
		roles: ['udskrivning'],
		ageGroups: ['13-17'],
		...extra,
	};
}

beforeAll(async () => {
	({ db, cleanup } = await createTestDb());
	const org = await ensureOrganisation(db, actor, { name: 'Hillerød Kommune', type: 'kommune', municipalityCode: '219' });
	unitId = (await ensureUnit(db, actor, org.id, 'Ungecenter')).id;
	// C is active; B left to C; A left to B (a chain); V left with no successor (vacancy).
	const c = await savePerson(db, actor, person('C1'));
	const b = await savePerson(db, actor, person('B1', { status: 'left', successorId: c.id }));
	await savePerson(db, actor, person('A1', { status: 'left', successorId: b.id }));
	await savePerson(db, actor, person('V1', { status: 'left' }));
	await savePerson(db, actor, person('P1', { emailVisibility: 'members', phoneVisibility: 'public', mobileVisibility: 'hidden' }));
	await patchPerson(db, actor, c.id, { deputy_id: b.id });
	const deputy = await savePerson(db, actor, person('D1'));
	await savePerson(db, actor, person('AWAY1', { deputyId: deputy.id, awayFrom: '2026-03-01', awayUntil: '2026-03-20' }));
});
afterAll(async () => cleanup());

describe('GET /api/people/{ref} data', () => {
	it('returns exactly the contract fields for an active person', async () => {
		const json = await loadPersonJson(db, 'C1', { signedIn: true });
		expect(Object.keys(json!).sort()).toEqual(
			['ref', 'firstName', 'lastName', 'title', 'organisation', 'unit', 'municipalityCode', 'phone', 'mobile', 'email', 'hours', 'topics', 'roles', 'ageGroups', 'keyPerson', 'status', 'successorRef', 'verifiedAt', 'updatedAt', 'url'].sort(),
		);
		expect(json).toMatchObject({
			ref: 'C1',
			firstName: 'Test',
			lastName: 'C1',
			organisation: 'Hillerød Kommune',
			unit: 'Ungecenter',
			municipalityCode: '219',
			phone: '+4548201234',
			mobile: '+4520304050',
			email: 'c1@hilleroed.example',
			topics: ['angst', 'selvskade'],
			roles: ['udskrivning'],
			ageGroups: ['13-17'],
			keyPerson: true,
			status: 'active',
			successorRef: null,
			verifiedAt: '2026-01-15',
			url: '/personer/C1',
		});
	});

	it('shows an anonymous caller the work phone and e-mail by default, never the mobile', async () => {
		const json = await loadPersonJson(db, 'C1', { signedIn: false });
		expect(json!.phone).toBe('+4548201234');
		expect(json!.mobile).toBeNull();
		expect(json!.email).toBe('c1@hilleroed.example');
	});

	it('sets a work phone its owner restricted to null for an anonymous caller', async () => {
		await savePerson(db, actor, person('R1', { phoneVisibility: 'members' }));
		expect(await loadPersonJson(db, 'R1', { signedIn: false })).toMatchObject({ phone: null, mobile: null });
		expect(await loadPersonJson(db, 'R1', { signedIn: true })).toMatchObject({ phone: '+4548201234', mobile: '+4520304050' });
	});

	it('follows each field’s own visibility', async () => {
		expect(await loadPersonJson(db, 'P1', { signedIn: false })).toMatchObject({ phone: '+4548201234', mobile: null, email: null });
		expect(await loadPersonJson(db, 'P1', { signedIn: true })).toMatchObject({ phone: '+4548201234', mobile: null, email: 'p1@hilleroed.example' });
	});

	it('shows an editor of the entry the fields hidden from everyone else', async () => {
		const admin = await viewerWithRights(db, { id: 999, email: 'admin@example.dk', name: 'Admin', role: 'admin', personId: null });
		expect(await loadPersonJson(db, 'P1', admin)).toMatchObject({ mobile: '+4520304050', email: 'p1@hilleroed.example' });
		const member = await viewerWithRights(db, { id: 998, email: 'm@example.dk', name: 'Medlem', role: 'member', personId: null });
		expect((await loadPersonJson(db, 'P1', member))!.mobile).toBeNull();
	});

	it('gives someone who left the active successor at the end of the chain and no contact data', async () => {
		const json = await loadPersonJson(db, 'A1', { signedIn: true });
		expect(json).toMatchObject({ status: 'left', successorRef: 'C1', phone: null, mobile: null, email: null });
	});

	it('leaves successorRef null for a vacancy', async () => {
		expect(await loadPersonJson(db, 'V1', { signedIn: true })).toMatchObject({ status: 'left', successorRef: null });
	});

	it('finds nothing for an unknown ref', async () => {
		expect(await loadPersonJson(db, 'NOPE', { signedIn: true })).toBeUndefined();
	});
});

describe('person page data', () => {
	it('shows the current successor for someone who left and hides their contact data', async () => {
		const page = await loadPersonPage(db, 'A1', { signedIn: true });
		expect(page!.left).toBe(true);
		expect(page!.successor?.ref).toBe('C1');
		expect(page!.vacant).toBe(false);
		expect(page!.contact).toMatchObject({ phone: null, mobile: null, email: null });
	});

	it('marks a left person without successor as a vacancy', async () => {
		const page = await loadPersonPage(db, 'V1', { signedIn: true });
		expect(page!.vacant).toBe(true);
	});

	it('lists who the successor took over from', async () => {
		const page = await loadPersonPage(db, 'C1', { signedIn: true });
		expect(page!.predecessors.map((p) => p.ref)).toEqual(['B1']);
	});

	it('shows the deputy first while the person is away, and only then', async () => {
		const during = await loadPersonPage(db, 'AWAY1', { signedIn: true }, new Date('2026-03-10T12:00:00Z'));
		expect(during!.away).toBe(true);
		expect(during!.deputy?.ref).toBe('D1');
		expect((await loadPersonPage(db, 'AWAY1', { signedIn: true }, new Date('2026-03-21T12:00:00Z')))!.away).toBe(false);
	});

	it('does not offer a deputy who has left', async () => {
		const page = await loadPersonPage(db, 'C1', { signedIn: true });
		expect(page!.deputy).toBeUndefined();
	});

	it('flags an entry unconfirmed past its due date + 91 days as stale (the freshness policy)', async () => {
		const page = await loadPersonPage(db, 'C1', { signedIn: true }, new Date('2027-05-01T12:00:00Z'));
		expect(page!.freshness.stale).toBe(true);
		expect((await loadPersonPage(db, 'C1', { signedIn: true }, new Date('2026-06-01T12:00:00Z')))!.freshness.stale).toBe(false);
	});
});

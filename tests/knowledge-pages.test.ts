import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { buildNetwork, type Network } from './helpers/editing-network';
import { systemActor } from '@/modules/audit/audit.repository';
import { patchPerson, saveOrganisation, saveUnitContact } from '@/modules/directory/directory.writes';
import { loadNetworkPage, loadVolunteers } from '@/modules/knowledge/knowledge.views';
import { findNews, listNews } from '@/modules/knowledge/knowledge.repository';
import { createNews, deleteNews, updateNews } from '@/modules/knowledge/knowledge.writes';

const actor = systemActor('test');

describe('Resources and the about page, live from the directory', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	const roles = (personId: number, slugs: string[]) => db.insertInto('person_role').values(slugs.map((role_slug) => ({ person_id: personId, role_slug }))).execute();
	const topics = (personId: number, slugs: string[]) => db.insertInto('person_topic').values(slugs.map((topic_slug) => ({ person_id: personId, topic_slug }))).execute();

	it('lists the volunteer organisations with what they offer, for whom and how to reach them — and nothing else', async () => {
		await saveOrganisation(db, actor, { name: 'Frivillig Testforening', type: 'frivillig', municipalityCode: null, description: 'Anonym rådgivning for unge.' }, n.orgB);
		await saveUnitContact(db, actor, { unitId: n.ungeB, label: 'Rådgivningen', phone: '+4570000000', email: 'raad@forening.example', hours: 'Man-tors 16-20' });
		await topics(n.outsider, ['selvmord', 'angst']);
		await db.insertInto('person_age_group').values(['18-25', '6-12'].map((age_group_slug) => ({ person_id: n.outsider, age_group_slug }))).execute();
		const volunteers = await loadVolunteers(db);
		expect(volunteers).toHaveLength(1);
		const [v] = volunteers;
		expect(v.organisation).toMatchObject({ name: 'Frivillig Testforening', description: 'Anonym rådgivning for unge.' });
		expect(v.contacts.map((c) => [c.label, c.phone, c.email])).toEqual([['Rådgivningen', '+4570000000', 'raad@forening.example']]);
		expect(v.topics.sort()).toEqual(['Angst', 'Selvmord og selvmordsforsøg']);
		// Youngest first, by number ("6-12" before "13-17").
		expect(v.ages).toEqual(['6-12', '13-17', '18-25']);
		// Someone who left no longer says what the organisation offers.
		await patchPerson(db, actor, n.outsider, { status: 'left' });
		expect((await loadVolunteers(db))[0]).toMatchObject({ topics: [], ages: [] });
	});

	it('names the coordinator and the steering group from their directory roles, and the members', async () => {
		await roles(n.leader, ['tovholder']);
		await roles(n.colleague, ['styregruppe']);
		await roles(n.other, ['styregruppe']);
		let page = await loadNetworkPage(db);
		expect(page.coordinators.map((p) => p.ref)).toEqual(['T001']);
		expect(page.steeringGroup.map((p) => p.ref).sort()).toEqual(['T002', 'T003']);
		expect(page.municipalities.every((m) => m.isMember)).toBe(true);
		expect(page.municipalities.map((m) => m.name)).toContain('Gribskov');
		// Organisations other than the municipalities' own: the volunteer one, not "Testby Kommune".
		expect(page.organisations.map((o) => o.name)).toEqual(['Frivillig Testforening']);
		await patchPerson(db, actor, n.other, { status: 'left' });
		page = await loadNetworkPage(db);
		expect(page.steeringGroup.map((p) => p.ref)).toEqual(['T002']);
	});

	it('keeps news per municipality for its page and all of it for the home page, newest first, every change audited', async () => {
		const admin = { label: 'tovholder@netvaerk.example', userId: 1 };
		const all = await createNews(db, admin, { title: 'For alle', body: 'Tekst', municipality: '', municipalityCode: null }, new Date('2026-11-01T10:00:00Z'));
		const gribskov = await createNews(db, admin, { title: 'Gribskov', body: 'Tekst', municipality: 'gribskov', municipalityCode: '270' }, new Date('2026-11-02T10:00:00Z'));
		expect((await listNews(db)).map((x) => x.title)).toEqual(['Gribskov', 'For alle']);
		expect((await listNews(db, { municipalityCode: '270' })).map((x) => [x.title, x.municipalityName])).toEqual([['Gribskov', 'Gribskov']]);
		expect(await listNews(db, { municipalityCode: '219' })).toEqual([]);
		expect(await updateNews(db, admin, gribskov, { title: 'Gribskov, rettet', body: 'Ny tekst', municipality: 'hilleroed', municipalityCode: '219' })).toBe(true);
		expect((await listNews(db, { municipalityCode: '219' })).map((x) => x.title)).toEqual(['Gribskov, rettet']);
		expect(await deleteNews(db, admin, all)).toBe(true);
		expect(await findNews(db, all)).toBeUndefined();
		expect(await updateNews(db, admin, all, { title: 'x', body: 'y', municipality: '', municipalityCode: null })).toBe(false);
		const audit = await db.selectFrom('audit_log').select(['action', 'entity_id', 'actor']).where('entity_type', '=', 'news').orderBy('id').execute();
		expect(audit).toEqual([
			{ action: 'create', entity_id: all, actor: admin.label },
			{ action: 'create', entity_id: gribskov, actor: admin.label },
			{ action: 'update', entity_id: gribskov, actor: admin.label },
			{ action: 'delete', entity_id: all, actor: admin.label },
		]);
	});
});

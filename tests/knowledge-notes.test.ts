import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { systemActor } from '@/modules/audit/audit.repository';
import { findMunicipality } from '@/modules/directory/directory.repository';
import { ensureOrganisation } from '@/modules/directory/directory.writes';
import type { Municipality } from '@/modules/directory/directory.types';
import { listNotes } from '@/modules/knowledge/knowledge.repository';
import { mayEditNotesOf } from '@/modules/knowledge/knowledge.views';
import { saveNote } from '@/modules/knowledge/knowledge.writes';
import type { Article } from '@/modules/knowledge/knowledge.types';

const pathway: Article = {
	collection: 'pathways',
	slug: 'udskrivning-bup',
	ref: 'pathways/udskrivning-bup',
	url: '/viden/forloeb/udskrivning-bup',
	title: 'Udskrivning',
	summary: 'x',
	owner: { unit: 'testby-kommune/ppr' },
	lastReviewed: '2026-11-01',
	reviewEvery: 6,
	sources: [{ title: 'k' }],
	topics: [],
	order: 1,
	body: '',
	phases: [{ id: 'udskrivning', title: 'Udskrivning', actors: { kommune: 'Deltager.' }, time_limits: [], contacts: [] }],
};

describe('Municipal notes to a pathway', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	let hilleroed: Municipality;
	let gribskov: Municipality;
	let gribskovOrg: number;

	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db); // "Testby Kommune" is the kommune organisation of Hillerød (219)
		gribskovOrg = (await ensureOrganisation(db, systemActor('test'), { name: 'Gribskov Kommune', type: 'kommune', municipalityCode: '270' })).id;
		hilleroed = (await findMunicipality(db, '219'))!;
		gribskov = (await findMunicipality(db, '270'))!;
	});
	afterEach(() => cleanup());

	it('may be written by admins and the municipality’s own kommune editors — not another municipality’s, a unit’s or a member', async () => {
		const mayHilleroed = await mayEditNotesOf(db, hilleroed);
		const mayGribskov = await mayEditNotesOf(db, gribskov);
		const hilleroedEditor = as('org_editor', { organisationIds: [n.orgA] }).perms;
		const gribskovEditor = as('org_editor', { organisationIds: [gribskovOrg] }).perms;
		expect(mayHilleroed(hilleroedEditor)).toBe(true);
		expect(mayHilleroed(gribskovEditor)).toBe(false);
		expect(mayGribskov(gribskovEditor)).toBe(true);
		expect(mayGribskov(hilleroedEditor)).toBe(false);
		// A volunteer organisation's editor, an editor of one unit in the municipality, and a member: no.
		expect(mayHilleroed(as('org_editor', { organisationIds: [n.orgB] }).perms)).toBe(false);
		expect(mayHilleroed(as('unit_editor', { unitIds: [n.ppr] }).perms)).toBe(false);
		expect(mayHilleroed(as('member', { personId: n.leader }).perms)).toBe(false);
		expect(mayHilleroed(as('admin').perms)).toBe(true);
		expect(mayGribskov(as('admin').perms)).toBe(true);
	});

	it('refuses everyone but admins for a municipality without a kommune organisation', async () => {
		const furesoe = (await findMunicipality(db, '190'))!;
		const may = await mayEditNotesOf(db, furesoe);
		expect(may(as('org_editor', { organisationIds: [n.orgA, gribskovOrg] }).perms)).toBe(false);
		expect(may(as('admin').perms)).toBe(true);
	});

	it('keeps each municipality’s note to itself and audits create, update and delete', async () => {
		const editor = as('org_editor', { organisationIds: [gribskovOrg] });
		await saveNote(db, editor.actor, pathway, 'udskrivning', gribskov.code, 'Ring til ungeindsatsen.');
		expect((await listNotes(db, pathway.ref, gribskov.code)).map((x) => x.body)).toEqual(['Ring til ungeindsatsen.']);
		expect(await listNotes(db, pathway.ref, hilleroed.code)).toEqual([]);
		// Saving the same text again changes nothing and writes no audit entry.
		await saveNote(db, editor.actor, pathway, 'udskrivning', gribskov.code, 'Ring til ungeindsatsen.');
		await saveNote(db, editor.actor, pathway, 'udskrivning', gribskov.code, 'Ring til ungeindsatsen før udskrivning.');
		await saveNote(db, editor.actor, pathway, 'udskrivning', gribskov.code, '');
		expect(await listNotes(db, pathway.ref, gribskov.code)).toEqual([]);
		const audit = await db.selectFrom('audit_log').select(['action', 'actor', 'entity_label', 'changes']).where('entity_type', '=', 'knowledge_note').orderBy('id').execute();
		expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
		expect(new Set(audit.map((a) => a.actor))).toEqual(new Set([editor.actor.label]));
		expect(audit[0].entity_label).toBe('Udskrivning · udskrivning · 270');
		expect(JSON.parse(audit[1].changes)).toEqual({ body: ['Ring til ungeindsatsen.', 'Ring til ungeindsatsen før udskrivning.'] });
	});
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { handoverSchema } from '@/modules/directory/directory.schema';
import { cancelScheduledHandover, findScheduledHandover, handOver } from '@/modules/directory/directory.handover';
import { findPersonById, findPersonByRef } from '@/modules/directory/directory.repository';
import { listAuditFor, systemActor } from '@/modules/audit/audit.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import { clearJobs, runDueJobs } from '@/modules/jobs/jobs.registry';
import { registerAllJobs } from '@/modules/jobs/jobs.all';

/** A fake clock throughout: "today" is 24 November 2026 (Copenhagen = UTC+1 in winter). */
const today = new Date('2026-11-24T10:00:00Z');
const lateOn30Dec = new Date('2026-12-30T22:30:00Z'); // 23:30 in Copenhagen, still the 30th
const earlyOn31Dec = new Date('2026-12-30T23:30:00Z'); // 00:30 in Copenhagen on the 31st

describe('A handover dated ahead', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
		clearJobs();
		registerAllJobs();
	});
	afterEach(async () => {
		clearJobs();
		await cleanup();
	});

	const stopsOn31Dec = (extra: Record<string, string> = {}) => handoverSchema.parse({ mode: 'successor', successorRef: 'T002', moveTags: 'on', effectiveOn: '2026-12-31', ...extra });

	it('is stored, not carried out, and shows who takes over on which day', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const result = await handOver(db, editor, n.leader, stopsOn31Dec(), today);
		expect(result).toMatchObject({ ok: true, scheduledFor: '2026-12-31', successorName: 'Bent Prøvesen' });
		expect((await findPersonById(db, n.leader))?.status).toBe('active');
		expect(await findScheduledHandover(db, n.leader)).toMatchObject({ effectiveOn: '2026-12-31', successorName: 'Bent Prøvesen', successorRef: 'T002' });
		const [entry] = await listAuditFor(db, 'person', n.leader);
		expect(entry).toMatchObject({ action: 'handover-scheduled', actor: editor.actor.label, changes: { stops_on: [null, '2026-12-31'] } });
		// A second one for the same person is refused until the first is withdrawn.
		expect(await handOver(db, editor, n.leader, stopsOn31Dec(), today)).toMatchObject({ ok: false });
	});

	it('takes effect on its day, by the job scheduler, once', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		await handOver(db, editor, n.leader, stopsOn31Dec(), today);

		await runDueJobs(db, lateOn30Dec);
		expect((await findPersonById(db, n.leader))?.status).toBe('active');

		const results = await runDueJobs(db, earlyOn31Dec);
		expect(results.find((r) => r.name === 'handover')).toMatchObject({ status: 'ok', summary: '1 overdragelser gennemført, 0 kunne ikke gennemføres' });
		const leaver = (await findPersonById(db, n.leader))!;
		expect(leaver).toMatchObject({ status: 'left', successorId: n.colleague, keyPerson: false, leftAt: earlyOn31Dec.toISOString() });
		expect((await findPersonById(db, n.colleague))?.keyPerson).toBe(true);
		expect(await findScheduledHandover(db, n.leader)).toBeUndefined();
		const [left] = await listAuditFor(db, 'person', n.leader);
		expect(left).toMatchObject({ action: 'left', actor: `system:handover (${editor.actor.label})`, at: earlyOn31Dec.toISOString() });
		const welcome = await db.selectFrom('mail_outbox').select('to_address').where('kind', '=', 'welcome').execute();
		expect(welcome.map((m) => m.to_address)).toEqual(['bent@testkommune.example']);

		// Idempotent: later runs (and a forced one) find nothing to do.
		const again = await runDueJobs(db, new Date('2026-12-31T08:00:00Z'));
		expect(again.find((r) => r.name === 'handover')?.summary).toBe('0 overdragelser gennemført, 0 kunne ikke gennemføres');
		expect(await db.selectFrom('mail_outbox').select('id').where('kind', '=', 'welcome').execute()).toHaveLength(1);
		expect((await listAuditFor(db, 'person', n.leader)).filter((e) => e.action === 'left')).toHaveLength(1);
	});

	it('is not carried out when the successor left meanwhile; the entry is flagged for its editors', async () => {
		await handOver(db, as('unit_editor', { unitIds: [n.ppr] }), n.leader, stopsOn31Dec(), today);
		await patchPerson(db, systemActor('test'), n.colleague, { status: 'left' });
		await runDueJobs(db, earlyOn31Dec);
		const leaver = (await findPersonById(db, n.leader))!;
		expect(leaver.status).toBe('active');
		expect(leaver.needsAttention).toMatch(/^Planlagt overdragelse 31\. december 2026 blev ikke gennemført: Bent Prøvesen er selv registreret som fratrådt/);
		expect(await findScheduledHandover(db, n.leader)).toBeUndefined();
	});

	it('can be withdrawn, audited', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		await handOver(db, editor, n.leader, stopsOn31Dec(), today);
		expect(await cancelScheduledHandover(db, editor, n.leader, today)).toBe(true);
		await runDueJobs(db, earlyOn31Dec);
		expect((await findPersonById(db, n.leader))?.status).toBe('active');
		const [entry] = await listAuditFor(db, 'person', n.leader);
		expect(entry).toMatchObject({ action: 'handover-cancelled', changes: { stops_on: ['2026-12-31', null] } });
	});

	it('happens at once for today or an earlier day, and refuses a day more than a year ahead', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const far = await handOver(db, editor, n.leader, stopsOn31Dec({ effectiveOn: '2028-01-01' }), today);
		expect(far).toMatchObject({ ok: false, errors: { effectiveOn: expect.stringMatching(/^Vælg en dato inden for et år/) } });
		const now = await handOver(db, editor, n.leader, stopsOn31Dec({ effectiveOn: '2026-11-24' }), today);
		expect(now).toMatchObject({ ok: true, scheduledFor: null });
		expect((await findPersonById(db, n.leader))?.status).toBe('left');
	});
});

describe('A new colleague taking over', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	const newColleague = (extra: Record<string, string> = {}) =>
		handoverSchema.parse({ mode: 'new', newFirstName: 'Nora', newLastName: 'Nyborg', newEmail: 'nora@testkommune.example', moveTags: 'on', ...extra });

	it('does not inherit the leaver’s hours unless asked, and counts as confirmed by the editor', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		await handOver(db, editor, n.leader, newColleague(), today);
		const nora = (await db.selectFrom('person').select('ref').where('email', '=', 'nora@testkommune.example').executeTakeFirstOrThrow()).ref;
		const created = (await findPersonByRef(db, nora))!;
		expect(created.hours).toBe('');
		expect(created.verifiedAt).toBe(today.toISOString());
		expect(created.title).toBe('Psykolog');
	});

	it('takes over the hours when the box is ticked', async () => {
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		await handOver(db, editor, n.leader, newColleague({ copyHours: 'on' }), today);
		const created = await db.selectFrom('person').select('hours').where('email', '=', 'nora@testkommune.example').executeTakeFirstOrThrow();
		expect(created.hours).toBe('Man-fre 8-15');
	});
});

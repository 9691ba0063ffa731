import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { createTestUser } from './helpers/auth';
import type { SessionUser } from '@/modules/auth/auth.types';
import { findGroup, findMembership, findStatementByCode, listMeetings, listMemberships } from '@/modules/supervision/supervision.repository';
import { groupIcs } from '@/modules/supervision/supervision.ics';
import { expireAllOffers } from '@/modules/supervision/supervision.job';
import {
	acceptOffer,
	addSupervisor,
	updateGroupSettings,
	addSelfCourse,
	cancelMeeting,
	addMeeting,
	applyToGroup,
	approveApplication,
	closeGroup,
	createGroup,
	declineApplication,
	expireOffers,
	issueStatement,
	leaveGroup,
	recordAttendance,
	type GroupInput,
} from '@/modules/supervision/supervision.writes';
import { myHours, viewGroup } from '@/modules/supervision/supervision.view';
import type { SupervisionGroup } from '@/modules/supervision/supervision.types';

const admin = { label: 'admin@test.example', userId: null };
const T0 = new Date('2026-10-01T08:00:00Z');

let db: Db;
let path: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
	({ db, path, cleanup } = await createTestDb());
});
afterEach(async () => cleanup());

async function sessionUser(role: SessionUser['role'] = 'member', name = 'Test Bruger'): Promise<SessionUser> {
	const u = await createTestUser(db, { role, name });
	return { id: u.id, email: u.email, name, role, personId: null };
}

async function makeGroup(over: Partial<GroupInput> = {}, supervisorUserId: number | null = null): Promise<SupervisionGroup> {
	return createGroup(
		db,
		{
			title: `Supervision om angst ${Math.random().toString(36).slice(2, 6)}`,
			focus: 'Angst hos børn og unge',
			topics: ['angst'],
			audience: 'Psykologer i netværkets kommuner',
			admission: 'Supervisor optager efter ansøgning.',
			place: 'Hillerød Rådhus',
			minSize: 2,
			capacity: 12,
			countsTowardTraining: true,
			offerDays: 5,
			supervisors: [{ userId: supervisorUserId, name: 'Supervisor Sørensen', profession: 'Psykolog', qualifications: 'Specialist i psykoterapi', kind: 'psychologist', external: true }],
			...over,
		},
		admin,
		{ now: T0 },
	);
}

async function applicants(group: SupervisionGroup, n: number, at = T0) {
	const out = [];
	for (let i = 0; i < n; i++) {
		const u = await sessionUser('member', `Ansøger ${i + 1}`);
		out.push(await applyToGroup(db, group.id, { id: u.id, email: u.email, name: u.name, municipality: 'Hillerød' }, { profession: 'Psykolog', motivation: 'Jeg vil gerne lære.' }, { now: new Date(at.getTime() + i * 1000) }));
	}
	return out;
}

const statuses = async (groupId: number) => Object.fromEntries((await listMemberships(db, groupId)).map((m) => [m.name, m.status]));

describe('Seats', () => {
	it('never exceed the capacity under concurrent approvals from 4 processes: 3 of 16 approved, 13 waiting in application order', async () => {
		const group = await makeGroup({ capacity: 3, minSize: 2 });
		const apps = await applicants(group, 16);
		const ids = apps.map((a) => a.id);
		const startAt = Date.now() + 6000; // tsx needs a few seconds to start on a busy machine; then all go together
		// Interleave so every process competes for the first seats.
		const parts = [0, 1, 2, 3].map((p) => ids.filter((_, i) => i % 4 === p));
		const stats = await Promise.all(
			parts.map(
				(part) =>
					new Promise<{ outcomes: Record<string, number>; errors: number }>((resolve, reject) => {
						const child = spawn('npx', ['tsx', 'tests/supervision-concurrency.worker.ts', path, String(group.id), String(startAt), ...part.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
						let out = '';
						child.stdout.on('data', (d) => (out += d));
						child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`worker exited ${code}: ${out}`))));
					}),
			),
		);
		expect(stats.reduce((n, s) => n + s.errors, 0)).toBe(0);
		const all = (await listMemberships(db, group.id));
		expect(all.filter((m) => m.status === 'approved')).toHaveLength(3);
		expect(all.filter((m) => m.status === 'waiting')).toHaveLength(13);
		// Every approval was audited exactly once.
		const audits = await db.selectFrom('audit_log').select('entity_id').where('entity_type', '=', 'supervision_membership').where('action', '=', 'approve').execute();
		expect(audits).toHaveLength(16);
	}, 60_000);

	it('never exceed the capacity when 16 approvals start at once over 4 connections to the file', async () => {
		const group = await makeGroup({ capacity: 3, minSize: 2 });
		const apps = await applicants(group, 16);
		const conns = [0, 1, 2, 3].map(() => createDb(path));
		try {
			const outcomes = await Promise.all(apps.map((a, i) => approveApplication(conns[i % 4], group.id, a.id, '', admin)));
			expect(outcomes.filter((o) => o === 'approved')).toHaveLength(3);
		} finally {
			for (const c of conns) await c.destroy();
		}
		const all = await listMemberships(db, group.id);
		expect(all.filter((m) => m.status === 'approved')).toHaveLength(3);
		expect(all.filter((m) => m.status === 'waiting')).toHaveLength(13);
		// Simultaneous approvals have no order among themselves; the waitlist has one: application order. A freed
		// seat goes to the earliest application that waits, whichever approval came first.
		const firstWaiting = all.filter((m) => m.status === 'waiting').sort((x, y) => x.queueSeq! - y.queueSeq!)[0];
		const leaver = all.find((m) => m.status === 'approved')!;
		await leaveGroup(db, leaver.id, admin);
		expect((await listMemberships(db, group.id)).filter((m) => m.status === 'offered').map((m) => m.name)).toEqual([firstWaiting.name]);
	});

	it('holds every group’s seat limit while approvals, leaves, a capacity change and acceptances of two groups run at once', async () => {
		const [ga, gb] = [await makeGroup({ capacity: 3, minSize: 1 }), await makeGroup({ capacity: 3, minSize: 1 })];
		const [appsA, appsB] = [await applicants(ga, 10), await applicants(gb, 10)];
		const conns = [0, 1, 2, 3].map(() => createDb(path));
		const byStatus = async (groupId: number) => {
			const all = await listMemberships(db, groupId);
			const count = (s: string) => all.filter((m) => m.status === s).length;
			return { all, approved: count('approved'), offered: count('offered'), waiting: count('waiting'), left: count('left') };
		};
		try {
			// 1. Twenty approvals at once, interleaved over both groups and four connections.
			const jobs = [...appsA.map((m) => [ga.id, m.id]), ...appsB.map((m) => [gb.id, m.id])].sort((x, y) => x[1] % 7 - y[1] % 7);
			await Promise.all(jobs.map(([g, m], i) => approveApplication(conns[i % 4], g, m, '', admin)));
			for (const g of [ga, gb]) expect(await byStatus(g.id)).toMatchObject({ approved: 3, waiting: 7 });

			// 2. In group A two members leave while the capacity is raised to 4, all at once: 1 member + 3 offers.
			const approvedA = (await byStatus(ga.id)).all.filter((m) => m.status === 'approved');
			await Promise.all([
				leaveGroup(conns[0], approvedA[0].id, admin),
				updateGroupSettings(conns[1], ga.id, { capacity: 4, admission: 'Flere pladser' }, admin),
				leaveGroup(conns[2], approvedA[1].id, admin),
			]);
			const after = await byStatus(ga.id);
			expect(after).toMatchObject({ approved: 1, offered: 3, waiting: 4, left: 2 });
			// The offers went to the three earliest applications on the waitlist.
			const waitedBefore = (await listMemberships(db, ga.id)).filter((m) => m.status === 'offered' || m.status === 'waiting').sort((x, y) => x.queueSeq! - y.queueSeq!);
			expect(waitedBefore.slice(0, 3).every((m) => m.status === 'offered')).toBe(true);

			// 3. Every offer is accepted at once, while group B's members leave and its capacity drops.
			const offered = after.all.filter((m) => m.status === 'offered');
			const approvedB = (await byStatus(gb.id)).all.filter((m) => m.status === 'approved');
			await Promise.all([
				...offered.map((m, i) => acceptOffer(conns[i % 4], m.id, m.userId)),
				leaveGroup(conns[3], approvedB[0].id, admin),
				updateGroupSettings(conns[2], gb.id, { capacity: 2, admission: 'Færre pladser' }, admin),
			]);
			expect(await byStatus(ga.id)).toMatchObject({ approved: 4, offered: 0, waiting: 4 });
			const b = await byStatus(gb.id);
			expect(b.approved + b.offered).toBe(2);
			expect(b.left).toBe(1);
		} finally {
			for (const c of conns) await c.destroy();
		}
	});

	it('offers a freed seat to the earliest application on the waitlist, then to the next when the offer runs out', async () => {
		const group = await makeGroup({ capacity: 2, offerDays: 5 });
		const [a, b, c, d] = await applicants(group, 4);
		expect(await approveApplication(db, group.id, a.id, 'Velkommen', admin, { now: T0 })).toBe('approved');
		expect(await approveApplication(db, group.id, b.id, '', admin, { now: T0 })).toBe('approved');
		// D is approved before C, but C applied first: C waits ahead of D.
		expect(await approveApplication(db, group.id, d.id, '', admin, { now: T0 })).toBe('waiting');
		expect(await approveApplication(db, group.id, c.id, '', admin, { now: T0 })).toBe('waiting');

		await leaveGroup(db, a.id, { label: a.email, userId: a.userId }, { now: new Date('2026-10-02T08:00:00Z') });
		expect(await statuses(group.id)).toEqual({ 'Ansøger 1': 'left', 'Ansøger 2': 'approved', 'Ansøger 3': 'offered', 'Ansøger 4': 'waiting' });
		expect((await findMembership(db, c.id))!.offeredUntil).toBe('2026-10-07T08:00:00.000Z');
		const offers = await db.selectFrom('mail_outbox').select('to_address').where('kind', '=', 'supervision-offer').execute();
		expect(offers.map((o) => o.to_address)).toEqual([c.email]);

		// Nothing happens before the deadline; after it, the seat goes to D.
		expect(await expireOffers(db, group.id, admin, { now: new Date('2026-10-07T07:59:00Z') })).toBe(0);
		expect(await expireOffers(db, group.id, admin, { now: new Date('2026-10-07T08:00:00Z') })).toBe(1);
		expect(await statuses(group.id)).toEqual({ 'Ansøger 1': 'left', 'Ansøger 2': 'approved', 'Ansøger 3': 'declined', 'Ansøger 4': 'offered' });
		await expect(acceptOffer(db, c.id, c.userId, { now: new Date('2026-10-07T09:00:00Z') })).rejects.toThrow(/gælder ikke/);
		await acceptOffer(db, d.id, d.userId, { now: new Date('2026-10-07T09:00:00Z') });
		expect((await statuses(group.id))['Ansøger 4']).toBe('approved');
		expect((await listMemberships(db, group.id)).filter((m) => m.status === 'approved')).toHaveLength(2);
	});

	it('passes expired offers on from the hourly job, once', async () => {
		const group = await makeGroup({ capacity: 1, minSize: 1, offerDays: 2 });
		const [a, b, c] = await applicants(group, 3);
		for (const m of [a, b, c]) await approveApplication(db, group.id, m.id, '', admin, { now: T0 });
		await leaveGroup(db, a.id, admin, { now: T0 });
		expect((await findMembership(db, b.id))!.status).toBe('offered');
		const later = new Date(T0.getTime() + 3 * 86_400_000);
		expect(await expireAllOffers(db, later, 'http://vejviser.test')).toBe(1);
		expect(await expireAllOffers(db, later, 'http://vejviser.test')).toBe(0);
		expect([(await findMembership(db, b.id))!.status, (await findMembership(db, c.id))!.status]).toEqual(['declined', 'offered']);
	});

	it('offers new seats to the waitlist when the capacity is raised, and names a second supervisor who may then manage', async () => {
		const group = await makeGroup({ capacity: 1, minSize: 1 });
		const [a, b, c] = await applicants(group, 3);
		for (const m of [a, b, c]) await approveApplication(db, group.id, m.id, '', admin, { now: T0 });
		await updateGroupSettings(db, group.id, { capacity: 2, admission: 'Ny tekst' }, admin, { now: T0 });
		expect(await statuses(group.id)).toEqual({ 'Ansøger 1': 'approved', 'Ansøger 2': 'offered', 'Ansøger 3': 'waiting' });
		const co = await sessionUser('member', 'Medsupervisor');
		expect((await viewGroup(db, group.slug, co))!.canManage).toBe(false);
		await addSupervisor(db, group.id, { userId: co.id, name: 'Medsupervisor', profession: 'Psykolog', qualifications: '', kind: 'psychologist', external: false }, admin);
		expect((await viewGroup(db, group.slug, co))!.canManage).toBe(true);
		await expect(addSupervisor(db, group.id, { userId: co.id, name: 'Medsupervisor', profession: 'Psykolog', qualifications: '', kind: 'psychologist', external: false }, admin)).rejects.toThrow(/allerede/);
	});

	it('does not let a new approval jump the waitlist when a seat is on offer', async () => {
		const group = await makeGroup({ capacity: 1, minSize: 1 });
		const [a, b, c] = await applicants(group, 3);
		await approveApplication(db, group.id, a.id, '', admin, { now: T0 });
		await approveApplication(db, group.id, b.id, '', admin, { now: T0 });
		await leaveGroup(db, a.id, admin, { now: T0 });
		expect((await findMembership(db, b.id))!.status).toBe('offered');
		expect(await approveApplication(db, group.id, c.id, '', admin, { now: T0 })).toBe('waiting');
	});

	it('shows an offer that ran out as given up, and its seat as free, without writing anything', async () => {
		const group = await makeGroup({ capacity: 1, minSize: 1, offerDays: 2 });
		const [a, b] = await applicants(group, 2);
		for (const m of [a, b]) await approveApplication(db, group.id, m.id, '', admin, { now: T0 });
		await leaveGroup(db, a.id, admin, { now: T0 });
		const later = new Date(T0.getTime() + 3 * 86_400_000);
		const bUser: SessionUser = { id: b.userId, email: b.email, name: b.name, role: 'member', personId: null };
		const rows = async () => [
			(await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
			(await db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
		];
		const before = await rows();

		// Before the deadline: the offer stands and holds the seat.
		const open = (await viewGroup(db, group.slug, bUser, T0))!;
		expect([open.mine!.status, open.group.taken]).toEqual(['offered', 1]);
		// After it: shown as given up, the seat as free — while the database still says `offered`.
		const lapsed = (await viewGroup(db, group.slug, bUser, later))!;
		expect(lapsed.mine!.status).toBe('declined');
		expect(lapsed.mine!.message).toBe('Tilbuddet om en plads udløb uden svar.');
		expect(lapsed.group.taken).toBe(0);
		expect((await findMembership(db, b.id))!.status).toBe('offered');
		expect(await rows()).toEqual(before);

		// The job stores exactly what the page showed.
		expect(await expireAllOffers(db, later, 'http://vejviser.test')).toBe(1);
		const stored = (await findMembership(db, b.id))!;
		expect([stored.status, stored.message]).toEqual([lapsed.mine!.status, lapsed.mine!.message]);
	});

	it('lets an applicant whose offer ran out apply again (the lapsed offer is given up in the same write)', async () => {
		const group = await makeGroup({ capacity: 1, minSize: 1, offerDays: 2 });
		const [a, b] = await applicants(group, 2);
		for (const m of [a, b]) await approveApplication(db, group.id, m.id, '', admin, { now: T0 });
		await leaveGroup(db, a.id, admin, { now: T0 });
		const later = new Date(T0.getTime() + 3 * 86_400_000);
		const again = await applyToGroup(db, group.id, { id: b.userId, email: b.email, name: b.name, municipality: 'Hillerød' }, { profession: 'Psykolog', motivation: 'Igen' }, { now: later });
		expect([again.id, again.status]).toEqual([b.id, 'applied']);
		const actions = await db.selectFrom('audit_log').select(['action', 'actor']).where('entity_type', '=', 'supervision_membership').where('entity_id', '=', b.id).orderBy('id').execute();
		expect(actions.slice(-2)).toEqual([
			{ action: 'offer-expired', actor: 'system:supervision-offers' },
			{ action: 'apply', actor: b.email },
		]);
	});

	it('refuses a lapsed offer on acceptance and still passes the seat on (the refusal does not undo the expiry)', async () => {
		const group = await makeGroup({ capacity: 1, minSize: 1, offerDays: 2 });
		const [a, b, c] = await applicants(group, 3);
		for (const m of [a, b, c]) await approveApplication(db, group.id, m.id, '', admin, { now: T0 });
		await leaveGroup(db, a.id, admin, { now: T0 });
		const later = new Date(T0.getTime() + 3 * 86_400_000);
		await expect(acceptOffer(db, b.id, b.userId, { now: later })).rejects.toThrow(/gælder ikke længere/);
		expect([(await findMembership(db, b.id))!.status, (await findMembership(db, c.id))!.status]).toEqual(['declined', 'offered']);
	});

	it('declines with a message that is mailed and audited', async () => {
		const group = await makeGroup();
		const [a] = await applicants(group, 1);
		await declineApplication(db, group.id, a.id, 'Gruppen er for psykologer.', admin, { now: T0 });
		expect((await findMembership(db, a.id))!.status).toBe('declined');
		const mail = await db.selectFrom('mail_outbox').select('text_body').where('kind', '=', 'supervision-decision').executeTakeFirstOrThrow();
		expect(mail.text_body).toContain('Gruppen er for psykologer.');
	});

	it('resolves an application id within the group it was checked for', async () => {
		const g1 = await makeGroup();
		const g2 = await makeGroup();
		const [a] = await applicants(g1, 1);
		await expect(approveApplication(db, g2.id, a.id, '', admin)).rejects.toThrow(/findes ikke/);
	});
});

describe('Attendance, hours and statements', () => {
	async function scenario() {
		const supervisor = await sessionUser('member', 'Supervisor Sørensen');
		const group = await makeGroup({}, supervisor.id);
		const [member] = await applicants(group, 1);
		await approveApplication(db, group.id, member.id, '', admin, { now: T0 });
		const remote = await addMeeting(db, group.id, { startsAt: '2026-10-05T13:00:00Z', durationMinutes: 180, mode: 'remote', place: '' }, admin, { now: T0 });
		const inPerson = await addMeeting(db, group.id, { startsAt: '2026-10-19T13:00:00Z', durationMinutes: 180, mode: 'in_person', place: 'Hillerød' }, admin, { now: T0 });
		const actor = { label: supervisor.email, userId: supervisor.id };
		await recordAttendance(db, remote, { marks: { [member.id]: 'present' }, durationMinutes: 180, mode: 'remote', presentCount: 4, psychologistCount: 4 }, actor);
		await recordAttendance(db, inPerson, { marks: { [member.id]: 'present' }, durationMinutes: 180, mode: 'in_person', presentCount: 7, psychologistCount: 6 }, actor);
		return { supervisor, group, member };
	}

	it('computes raw and creditable hours from recorded attendance: 6 raw, 3.5 creditable', async () => {
		const { member } = await scenario();
		const mine = (await myHours(db, member.userId));
		expect(mine.network.rawHours).toBe(6);
		expect(mine.network.creditableHours).toBeCloseTo(3.5);
		expect(mine.groups).toHaveLength(1);
	});

	it('does not count a meeting the member was absent or excused from', async () => {
		const { group, member, supervisor } = await scenario();
		const third = await addMeeting(db, group.id, { startsAt: '2026-11-02T13:00:00Z', durationMinutes: 120, mode: 'in_person', place: '' }, admin);
		await recordAttendance(db, third, { marks: { [member.id]: 'excused' }, durationMinutes: 120, mode: 'in_person', presentCount: 6, psychologistCount: 6 }, { label: supervisor.email, userId: supervisor.id });
		expect((await myHours(db, member.userId)).network.rawHours).toBe(6);
	});

	it('refuses a present count below the members marked present', async () => {
		const { group, member } = await scenario();
		const m = await addMeeting(db, group.id, { startsAt: '2026-11-02T13:00:00Z', durationMinutes: 120, mode: 'in_person', place: '' }, admin);
		await expect(recordAttendance(db, m, { marks: { [member.id]: 'present' }, durationMinutes: 120, mode: 'in_person', presentCount: 0, psychologistCount: 0 }, admin)).rejects.toThrow(/mindre end/);
	});

	it('issues a statement only after the course is closed, with a code the verification lookup finds', async () => {
		const { group, member } = await scenario();
		await expect(issueStatement(db, member.id, member.userId)).rejects.toThrow(/afsluttet/);
		await closeGroup(db, group.id, admin);
		const other = await sessionUser();
		await expect(issueStatement(db, member.id, other.id)).rejects.toThrow(/egen/);
		const code = await issueStatement(db, member.id, member.userId);
		expect(code).toMatch(/^[A-Z2-9]{20}$/);
		expect(await issueStatement(db, member.id, member.userId)).toBe(code);
		const statement = JSON.parse((await findStatementByCode(db, code))!.content);
		expect(statement.rawHours).toBe(6);
		expect(statement.creditableHours).toBe(3.5);
		expect(statement.period).toEqual({ from: '2026-10-05', to: '2026-10-19' });
		expect(statement.bySize.map((b: { band: string }) => b.band)).toEqual(['3–5 deltagere', '6–12 deltagere']);
		expect((await findStatementByCode(db, 'AAAAAAAAAAAAAAAAAAAA'))).toBeUndefined();
	});

	it('keeps self-reported courses apart: in the total toward 160, never in the network hours or the statement', async () => {
		const { group, member } = await scenario();
		await addSelfCourse(db, member.userId, { title: 'Individuel supervision i klinik', supervisorName: 'Ekstern Eriksen', kind: 'individual', external: true, groupSize: 1, hours: 12, fromDate: '2026-01-10', toDate: '2026-06-30' }, { label: member.email, userId: member.userId });
		const mine = (await myHours(db, member.userId));
		expect(mine.network.rawHours).toBe(6);
		expect(mine.selfReported.rawHours).toBe(12);
		expect(mine.all.rawHours).toBe(18);
		expect(mine.all.individualHours).toBe(12);
		await closeGroup(db, group.id, admin);
		const statement = JSON.parse((await findStatementByCode(db, await issueStatement(db, member.id, member.userId)))!.content);
		expect(statement.rawHours).toBe(6);
		expect(JSON.stringify(statement)).not.toContain('Eriksen');
	});

	it('mails new meetings with a calendar file to approved members', async () => {
		const { member } = await scenario();
		const mails = await db.selectFrom('mail_outbox').select(['to_address', 'attachments']).where('kind', '=', 'supervision-meeting').execute();
		expect(mails).toHaveLength(2);
		expect(mails[0].to_address).toBe(member.email);
		expect(mails[0].attachments).toContain('BEGIN:VCALENDAR');
	});

	it('mails a cancellation as METHOD:CANCEL with a higher SEQUENCE, and the feed keeps it marked cancelled', async () => {
		const { group } = await scenario();
		const m = await addMeeting(db, group.id, { startsAt: '2026-12-07T13:00:00Z', durationMinutes: 180, mode: 'in_person', place: 'Hillerød' }, admin);
		await cancelMeeting(db, m, admin);
		const mail = await db.selectFrom('mail_outbox').select(['subject', 'attachments']).where('kind', '=', 'supervision-meeting').orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(mail.subject).toMatch(/^Aflyst:/);
		expect(mail.attachments).toContain('METHOD:CANCEL');
		expect(mail.attachments).toContain('SEQUENCE:1');
		const feed = groupIcs((await findGroup(db, { id: group.id }))!, (await listMeetings(db, group.id)), 'http://vejviser.test');
		expect(feed.match(/BEGIN:VEVENT/g)).toHaveLength(3);
		expect(feed).toContain('STATUS:CANCELLED');
		// A cancelled meeting never counts.
		await expect(recordAttendance(db, m, { marks: {}, durationMinutes: 180, mode: 'in_person' }, admin)).rejects.toThrow(/aflyst/);
	});
});

describe('Visibility', () => {
	it('shows members and attendance only to the group’s supervisors and admins; members see their own hours', async () => {
		const supervisor = await sessionUser('member', 'Supervisor');
		const otherSupervisor = await sessionUser('member', 'Anden supervisor');
		const group = await makeGroup({}, supervisor.id);
		await makeGroup({}, otherSupervisor.id);
		const [member] = await applicants(group, 1);
		await approveApplication(db, group.id, member.id, '', admin);
		const meeting = await addMeeting(db, group.id, { startsAt: '2026-10-05T13:00:00Z', durationMinutes: 180, mode: 'in_person', place: '' }, admin);
		await recordAttendance(db, meeting, { marks: { [member.id]: 'present' }, durationMinutes: 180, mode: 'in_person', presentCount: 6, psychologistCount: 6 }, admin);
		const memberUser: SessionUser = { id: member.userId, email: member.email, name: member.name, role: 'member', personId: null };
		const siteAdmin = await sessionUser('admin');
		const editor = await sessionUser('org_editor');

		for (const viewer of [supervisor, siteAdmin]) {
			const v = (await viewGroup(db, group.slug, viewer))!;
			expect(v.canManage).toBe(true);
			expect(v.members!.map((m) => m.name)).toEqual(['Ansøger 1']);
			expect(v.attendance!.get(meeting)!.get(member.id)).toBe('present');
		}
		for (const viewer of [memberUser, otherSupervisor, editor, null]) {
			const v = (await viewGroup(db, group.slug, viewer))!;
			expect(v.canManage).toBe(false);
			expect(v.members).toBeNull();
			expect(v.attendance).toBeNull();
		}
		const own = (await viewGroup(db, group.slug, memberUser))!;
		expect(own.myHours!.rawHours).toBe(3);
		expect(own.myAttendance!.get(meeting)).toBe('present');
		expect((await viewGroup(db, group.slug, otherSupervisor))!.myHours).toBeNull();
	});
});

/**
 * Demo supervision: two running groups with history — meetings every fortnight, attendance recorded (one
 * remote meeting), members from several municipalities, a waitlist and an open application — so the pages look
 * like real use. Supervisors and members are fictional people of the demo network with member accounts; the
 * demo member account (a Hillerød PPR psychologist) is in the first group. Only into a database without groups.
 */
import { sql } from 'kysely';
import type { Db } from '@db/client';
import type { OrganisationType } from '@db/schema';
import { insertAuditEntry, systemActor } from '@/modules/audit/audit.repository';
import { localToUtc } from '@/modules/events/events.rules';
import { addMeeting, applyToGroup, approveApplication, createGroup, recordAttendance } from './supervision.writes';
import type { AttendanceStatus } from './supervision.types';

const actor = systemActor('seed');

interface SeedPerson {
	personId: number;
	name: string;
	email: string;
	title: string;
	municipality: string;
}

/** Psychologists (title contains "sykolog"), optionally of one unit name or organisation type. */
interface Where {
	unit?: string;
	organisationType?: OrganisationType;
}

async function people(db: Db, where: Where, limit: number, exclude: Set<number>): Promise<SeedPerson[]> {
	let query = db
		.selectFrom('person as p')
		.innerJoin('unit as u', 'u.id', 'p.unit_id')
		.innerJoin('organisation as o', 'o.id', 'u.organisation_id')
		.leftJoin('municipality as mu', 'mu.code', 'o.municipality_code')
		.select((eb) => ['p.id', sql<string>`p.first_name || ' ' || p.last_name`.as('name'), 'p.email', 'p.title', eb.fn.coalesce('mu.name', 'o.name').as('municipality')])
		.where('p.status', '=', 'active')
		.where('p.email', 'is not', null)
		.where('p.title', 'like', '%sykolog%')
		.orderBy('o.name')
		.orderBy('p.id');
	if (where.unit) query = query.where('u.name', '=', where.unit);
	if (where.organisationType) query = query.where('o.type', '=', where.organisationType);
	const rows = await query.execute();
	const out: SeedPerson[] = [];
	const seenMunicipality = new Map<string, number>();
	for (const r of rows) {
		if (exclude.has(r.id)) continue;
		// Spread across municipalities: at most two from each.
		const n = seenMunicipality.get(r.municipality) ?? 0;
		if (n >= 2) continue;
		seenMunicipality.set(r.municipality, n + 1);
		exclude.add(r.id);
		out.push({ personId: r.id, name: r.name, email: r.email!, title: r.title, municipality: r.municipality });
		if (out.length >= limit) break;
	}
	return out;
}

/** The account of a person (created as a member when missing, audited like every account). */
async function accountFor(db: Db, p: SeedPerson, now: string): Promise<number> {
	const existing = await db.selectFrom('user').select('id').where('email', '=', p.email).executeTakeFirst();
	if (existing) return existing.id;
	return db.transaction().execute(async (trx) => {
		const { id } = await trx
			.insertInto('user')
			.values({ email: p.email, name: p.name, role: 'member', status: 'active', person_id: p.personId, created_at: now, updated_at: now })
			.returning('id')
			.executeTakeFirstOrThrow();
		await insertAuditEntry(trx, { actor, entityType: 'user', entityId: id, entityLabel: p.email, action: 'create', changes: { role: [null, 'member'] }, at: now });
		return id;
	});
}

const day = (now: Date, days: number) => new Date(now.getTime() + days * 86_400_000);
const localDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(d);

interface DemoGroup {
	title: string;
	focus: string;
	topics: string[];
	capacity: number;
	members: number;
	waiting: number;
	pending: number;
	startedDaysAgo: number;
	remoteMeeting: number | null;
	supervisorWhere: Where;
	external: boolean;
	includeDemoMember: boolean;
	qualifications: string;
	place: string;
}

const GROUPS: DemoGroup[] = [
	{
		title: 'Selvskade og selvmordsadfærd hos unge', focus: 'Supervision på egne sager med unge, der skader sig selv eller har selvmordstanker.', topics: ['selvskade', 'selvmord'],
		capacity: 12, members: 9, waiting: 0, pending: 1, startedDaysAgo: 120, remoteMeeting: 3, external: true, includeDemoMember: true,
		supervisorWhere: { unit: 'Undervisning og rådgivning' }, qualifications: 'Autoriseret psykolog, specialist og supervisor i psykoterapi', place: 'Hillerød Rådhus, mødelokale 2',
	},
	{
		title: 'Angst hos børn og unge', focus: 'Supervision på forløb med børn og unge med angst og skolevægring.', topics: ['angst', 'skolevaegring'],
		capacity: 8, members: 8, waiting: 2, pending: 0, startedDaysAgo: 60, remoteMeeting: 1, external: false, includeDemoMember: false,
		supervisorWhere: { organisationType: 'region' }, qualifications: 'Autoriseret psykolog, specialist i børnepsykologi', place: 'BUC Ambulatorium Hillerød',
	},
];

export async function seedSupervision(db: Db, opts: { now?: Date } = {}): Promise<number> {
	if (await db.selectFrom('supervision_group').select('id').limit(1).executeTakeFirst()) return 0;
	if (!(await db.selectFrom('person').select('id').limit(1).executeTakeFirst())) return 0;
	const now = opts.now ?? new Date();
	const firstMail = Number((await db.selectFrom('mail_outbox').select((eb) => eb.fn.max('id').as('n')).executeTakeFirst())?.n ?? 0);
	const used = new Set<number>();
	const demoMember = await db
		.selectFrom('user as u')
		.innerJoin('person as p', 'p.id', 'u.person_id')
		.innerJoin('unit as un', 'un.id', 'p.unit_id')
		.select(['u.id', 'u.email', 'u.name', 'p.id as person_id'])
		.where('u.role', '=', 'member')
		.where('un.name', '=', 'PPR')
		.orderBy('u.id')
		.limit(1)
		.executeTakeFirst();
	if (demoMember) used.add(demoMember.person_id);
	let n = 0;
	for (const [gi, demo] of GROUPS.entries()) {
		const [sup] = await people(db, demo.supervisorWhere, 1, used);
		if (!sup) continue;
		const start = day(now, -demo.startedDaysAgo);
		const supUser = await accountFor(db, sup, start.toISOString());
		const group = await createGroup(
			db,
			{
				title: demo.title, focus: demo.focus, topics: demo.topics, audience: 'Psykologer i netværkets kommuner og i regionen, især under praksisuddannelse.',
				admission: 'Send en kort ansøgning. Supervisor fordeler pladserne, så flere kommuner er med, og svarer inden for en uge. Er gruppen fuld, kommer du på venteliste.',
				place: demo.place, minSize: 6, capacity: demo.capacity, countsTowardTraining: true, offerDays: 5,
				supervisors: [{ userId: supUser, name: sup.name, profession: 'Psykolog', qualifications: demo.qualifications, kind: 'psychologist', external: demo.external }],
			},
			actor,
			{ now: day(start, -14) },
		);
		const supActor = { label: sup.email, userId: supUser };
		const withDemo = demo.includeDemoMember && demoMember;
		const candidates = await people(db, {}, demo.members + demo.waiting + demo.pending - (withDemo ? 1 : 0), used);
		const members: { id: number; profession: string }[] = [];
		const applicants = [...(withDemo ? [{ personId: demoMember.person_id, name: demoMember.name, email: demoMember.email, title: 'Psykolog', municipality: 'Hillerød' }] : []), ...candidates];
		for (const [i, p] of applicants.entries()) {
			const userId = await accountFor(db, p, day(start, -20).toISOString());
			const joinedBefore = i < demo.members;
			const at = joinedBefore ? day(start, -10 + i * 0.1) : day(now, -3 + i * 0.1);
			const m = await applyToGroup(db, group.id, { id: userId, email: p.email, name: p.name, municipality: p.municipality }, { profession: 'Psykolog', motivation: 'Jeg er i gang med praksisuddannelsen og vil gerne have supervision på mine forløb i en fast gruppe.' }, { now: at });
			const pendingFrom = demo.members + demo.waiting;
			if (i < pendingFrom) await approveApplication(db, group.id, m.id, i === 0 ? 'Velkommen i gruppen.' : '', supActor, { now: day(at, 1) });
			if (joinedBefore) members.push({ id: m.id, profession: 'Psykolog' });
		}
		// Fortnightly meetings from the start: past ones recorded, the next three ahead.
		for (let t = 0, k = 0; t <= demo.startedDaysAgo + 42; t += 14, k++) {
			const date = localDate(day(start, t));
			const remote = demo.remoteMeeting === k;
			const meetingId = await addMeeting(db, group.id, { startsAt: localToUtc(date, '13:00'), durationMinutes: 180, mode: remote ? 'remote' : 'in_person', place: remote ? '' : demo.place }, supActor, { now: day(start, -7) });
			if (t > demo.startedDaysAgo) continue;
			const marks: Record<number, AttendanceStatus> = {};
			members.forEach((m, i) => (marks[m.id] = (i + k + gi) % 7 === 3 ? 'excused' : (i + 2 * k) % 11 === 5 ? 'absent' : 'present'));
			await recordAttendance(db, meetingId, { marks, durationMinutes: remote ? 150 : 180, mode: remote ? 'remote' : 'in_person' }, supActor, { now: day(start, t + 0.2) });
		}
		n++;
	}
	// Seeding is not news: no mail to fictional people.
	await db.deleteFrom('mail_outbox').where('id', '>', firstMail).execute();
	return n;
}

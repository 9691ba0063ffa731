import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import type { Db } from '@db/client';
import { ensureOrganisation, ensureUnit, patchPerson, savePerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';
import { DEFAULT_FRESHNESS_CONFIG } from '@/modules/freshness/freshness.config';
import { runFreshness } from '@/modules/freshness/freshness.loop';
import { addDaysToDate, localDate, requestOn } from '@/modules/freshness/freshness.rules';
import { confirmByToken, loadConfirmation } from '@/modules/freshness/freshness.confirm';

const actor = systemActor('test');
const secret = 'test-secret';
const baseUrl = 'https://vejviser.test';

describe('The freshness loop', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let unitId: number;
	let orgId: number;

	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		orgId = (await ensureOrganisation(db, actor, { name: 'Testkommune', type: 'kommune', municipalityCode: null })).id;
		unitId = (await ensureUnit(db, actor, orgId, 'PPR')).id;
	});
	afterEach(async () => cleanup());

	async function addPerson(ref: string, over: { email?: string | null; keyPerson?: boolean; verifiedAt?: string | null; roles?: string[]; unitId?: number } = {}) {
		const outcome = await savePerson(db, actor, {
			ref, firstName: `Fornavn${ref}`, lastName: 'Efternavn', title: 'Psykolog', unitId: over.unitId ?? unitId, municipalityCode: null,
			phone: '+4512345678', mobile: null, email: over.email === undefined ? `${ref}@kommune.test` : over.email, hours: '', note: '',
			keyPerson: over.keyPerson ?? true, status: 'active', successorId: null, verifiedAt: over.verifiedAt === undefined ? '2026-01-10T09:00:00.000Z' : over.verifiedAt,
			topics: [], roles: over.roles ?? [], ageGroups: [],
		});
		return outcome.id;
	}

	async function addUser(email: string, role: 'member' | 'unit_editor' | 'org_editor' | 'admin', scope: { unitId?: number; organisationId?: number } = {}) {
		const user = await db.insertInto('user').values({ email, role, status: 'active', created_at: new Date().toISOString(), person_id: null }).returning('id').executeTakeFirstOrThrow();
		if (scope.unitId || scope.organisationId) await db.insertInto('user_scope').values({ user_id: user.id, unit_id: scope.unitId ?? null, organisation_id: scope.organisationId ?? null }).execute();
		return user.id;
	}

	const mails = () => db.selectFrom('mail_outbox').select(['to_address', 'kind', 'text_body', 'dedupe_key']).orderBy('id').execute();
	const run = (now: Date, over: Partial<Parameters<typeof runFreshness>[2]> = {}) => runFreshness(db, now, { baseUrl, secret, ...over });

	it('takes each step once on its day when run twice a day for four months', async () => {
		const id = await addPerson('a1');
		await addUser('redaktor@kommune.test', 'unit_editor', { unitId });
		await addUser('admin@netvaerk.test', 'admin');
		const subject = { id, verifiedAt: '2026-01-10T09:00:00.000Z', createdAt: '', keyPerson: true, roles: [] };
		const askOn = requestOn(subject);

		const stepDays: Record<string, string[]> = {};
		for (let day = 0; day < 125; day++) {
			const date = addDaysToDate('2026-07-01', day);
			for (const time of ['T01:30:00Z', 'T14:00:00Z']) {
				const before = (await mails()).length;
				await run(new Date(`${date}${time}`));
				for (const m of (await mails()).slice(before)) (stepDays[m.kind] ??= []).push(localDate(new Date(`${date}${time}`)));
			}
		}

		expect(stepDays['freshness-request']).toEqual([askOn]);
		expect(stepDays['freshness-reminder']).toEqual([addDaysToDate(askOn, 21)]);
		// Only the unit's editor is asked, not the admin (admins are the fallback).
		expect(stepDays['freshness-escalation']).toEqual([addDaysToDate(askOn, 42)]);
		const all = await mails();
		expect(all.find((m) => m.kind === 'freshness-escalation')?.to_address).toBe('redaktor@kommune.test');
		expect(new Set(all.map((m) => m.dedupe_key)).size).toBe(all.length);
	});

	it('puts a confirm link and the edit link in the request, and confirming ends the cycle', async () => {
		const id = await addPerson('b2');
		await run(new Date('2026-08-01T06:00:00Z'));
		const [mail] = await mails();
		expect(mail.text_body).toContain(`${baseUrl}/personer/b2/rediger`);
		const token = /\/bekraeft\/([\w.-]+)/.exec(mail.text_body)![1];

		expect((await loadConfirmation(db, token, secret, new Date('2026-08-02T08:00:00Z'))).state).toBe('ready');
		const confirmed = await confirmByToken(db, token, secret, new Date('2026-08-02T08:00:00Z'));
		expect(confirmed.state).toBe('confirmed');
		const row = await db.selectFrom('person').select(['verified_at', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
		expect(row.verified_at).toBe('2026-08-02T08:00:00.000Z');

		// Three weeks and six weeks later nothing more is sent: the entry is fresh again.
		await run(new Date('2026-08-30T06:00:00Z'));
		await run(new Date('2026-09-20T06:00:00Z'));
		expect((await mails()).map((m) => m.kind)).toEqual(['freshness-request']);
	});

	it('asks the editors at once when the person has no e-mail address, falling back to network admins', async () => {
		await addPerson('c3', { email: null });
		await addUser('admin@netvaerk.test', 'admin');
		const report = await run(new Date('2026-08-01T06:00:00Z'));
		expect(report).toMatchObject({ requested: 1, escalated: 1 });
		const all = await mails();
		expect(all.map((m) => [m.kind, m.to_address])).toEqual([['freshness-escalation', 'admin@netvaerk.test']]);
		expect(all[0].text_body).toContain('har ingen e-mailadresse');
		await run(new Date('2026-09-30T06:00:00Z'));
		expect(await mails()).toHaveLength(1);
	});

	it('asks organisation editors of the unit’s organisation', async () => {
		await addPerson('d4', { verifiedAt: '2025-01-01T00:00:00Z', keyPerson: false });
		await addUser('org@kommune.test', 'org_editor', { organisationId: orgId });
		const otherOrg = (await ensureOrganisation(db, actor, { name: 'Anden kommune', type: 'kommune', municipalityCode: null })).id;
		await addUser('fremmed@anden.test', 'org_editor', { organisationId: otherOrg });
		await run(new Date('2026-03-01T06:00:00Z'));
		await run(new Date('2026-05-01T06:00:00Z'));
		await run(new Date('2026-05-02T06:00:00Z'));
		const escalations = (await mails()).filter((m) => m.kind === 'freshness-escalation');
		expect(escalations.map((m) => m.to_address)).toEqual(['org@kommune.test']);
	});

	it('sends no more first requests per day than the cap and sends the rest the next day', async () => {
		for (let i = 0; i < 7; i++) await addPerson(`e${i}`, { verifiedAt: '2024-01-01T00:00:00Z' });
		const config = { ...DEFAULT_FRESHNESS_CONFIG, dailyCap: 5 };
		const first = await run(new Date('2026-03-01T06:00:00Z'), { config });
		expect(first).toMatchObject({ requested: 5, deferred: 2 });
		const sameDay = await run(new Date('2026-03-01T18:00:00Z'), { config });
		expect(sameDay.requested).toBe(0);
		const nextDay = await run(new Date('2026-03-02T07:00:00Z'), { config });
		expect(nextDay.requested).toBe(2);
		expect(await mails()).toHaveLength(7);
	});

	it('closes an open request when an editor confirms the entry another way, and its link no longer works', async () => {
		const id = await addPerson('f5');
		await run(new Date('2026-08-01T06:00:00Z'));
		const token = /\/bekraeft\/([\w.-]+)/.exec((await mails())[0].text_body)![1];
		await patchPerson(db, actor, id, { verified_at: '2026-08-03T10:00:00.000Z' }, 'verify');
		const report = await run(new Date('2026-08-04T06:00:00Z'));
		expect(report.superseded).toBe(1);
		expect((await loadConfirmation(db, token, secret, new Date('2026-08-05T06:00:00Z'))).state).toBe('used');
		await run(new Date('2026-08-30T06:00:00Z'));
		expect((await mails()).map((m) => m.kind)).toEqual(['freshness-request']);
	});

	it('leaves people who have left alone', async () => {
		const id = await addPerson('g6');
		// patchPerson's patch type takes the column's Generated<> type; the value is a plain PersonStatus.
		await patchPerson(db, actor, id, { status: 'left' } as unknown as Parameters<typeof patchPerson>[3], 'left');
		expect((await run(new Date('2026-09-01T06:00:00Z'))).requested).toBe(0);
	});
});

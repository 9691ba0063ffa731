import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork, type Network } from './helpers/editing-network';
import { correctionDecisionSchema, correctionSchema } from '@/modules/directory/directory.schema';
import { CORRECTIONS_PER_HOUR, clientKey, countOpenCorrections, decideCorrection, listCorrections, submitCorrection } from '@/modules/directory/directory.corrections';
import { EditDenied } from '@/modules/directory/directory.editing';
import { listAuditFor } from '@/modules/audit/audit.repository';
import { personHistory } from '@/modules/directory/directory.history';
import { fieldErrors } from '@/lib/forms';

const anon = (ip = '192.0.2.10') => ({ userId: null, clientKey: clientKey(ip) });

describe('Suggesting a correction', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let n: Network;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		n = await buildNetwork(db);
	});
	afterEach(() => cleanup());

	it('asks what is wrong, and for a description when "other" is chosen', () => {
		expect(fieldErrors(correctionSchema.safeParse({}).error!).kind).toBe('Vælg, hvad der er galt.');
		expect(fieldErrors(correctionSchema.safeParse({ kind: 'other', message: ' ' }).error!).message).toBe('Beskriv kort, hvad der er forkert.');
		expect(fieldErrors(correctionSchema.safeParse({ kind: 'number', reporterEmail: 'ikke en mail' }).error!).reporterEmail).toMatch(/ikke en gyldig e-mailadresse/);
	});

	it('stores an anonymous report and shows it in the queue of the unit’s editors, not of other units’', async () => {
		const input = correctionSchema.parse({ kind: 'number', message: 'Ringer ud i ingenting', reporterEmail: 'Sygeplejerske@Region.example' });
		expect(await submitCorrection(db, n.leader, input, anon())).toEqual({ ok: true, stored: true });
		expect(await countOpenCorrections(db, n.leader)).toBe(1);

		const pprEditor = as('unit_editor', { unitIds: [n.ppr] });
		const queue = await listCorrections(db, pprEditor.perms);
		expect(queue).toHaveLength(1);
		expect(queue[0]).toMatchObject({ kindLabel: 'Nummeret virker ikke', message: 'Ringer ud i ingenting', reporterEmail: 'sygeplejerske@region.example', person: { ref: 'T001', name: 'Alma Testesen' } });
		expect(await listCorrections(db, as('unit_editor', { unitIds: [n.sundhed] }).perms)).toEqual([]);
		expect(await listCorrections(db, as('org_editor', { organisationIds: [n.orgA] }).perms)).toHaveLength(1);
		expect(await listCorrections(db, as('admin').perms)).toHaveLength(1);
		expect(await listCorrections(db, as('member', { personId: n.leader }).perms)).toHaveLength(1);
		expect(await listCorrections(db, as('member', { personId: n.other }).perms)).toEqual([]);
	});

	it('never stores the IP itself, only a hash used for the hourly limit', async () => {
		await submitCorrection(db, n.leader, correctionSchema.parse({ kind: 'left' }), anon('198.51.100.7'));
		const row = await db.selectFrom('correction').selectAll().executeTakeFirstOrThrow();
		expect(row.client_key).toBe(clientKey('198.51.100.7'));
		expect(JSON.stringify(row)).not.toContain('198.51.100.7');
	});

	it('limits anonymous reports per IP per hour, but not other IPs or signed-in users', async () => {
		const input = correctionSchema.parse({ kind: 'number' });
		const t0 = new Date('2026-05-01T10:00:00Z');
		for (let i = 0; i < CORRECTIONS_PER_HOUR; i++) expect((await submitCorrection(db, n.leader, input, anon(), t0)).ok).toBe(true);
		const blocked = await submitCorrection(db, n.leader, input, anon(), new Date('2026-05-01T10:30:00Z'));
		expect(blocked).toEqual({ ok: false, errors: { _form: 'Du har sendt mange rettelser inden for den seneste time. Prøv igen senere, eller log ind.' } });
		expect((await submitCorrection(db, n.leader, input, anon('203.0.113.9'), t0)).ok).toBe(true);
		expect((await submitCorrection(db, n.leader, input, anon(), new Date('2026-05-01T11:00:01Z'))).ok).toBe(true);
	});

	it('drops a report whose honeypot field is filled, answering as if it was stored', async () => {
		const result = await submitCorrection(db, n.leader, correctionSchema.parse({ kind: 'number', homepage: 'http://spam.example' }), anon());
		expect(result).toEqual({ ok: true, stored: false });
		expect(await countOpenCorrections(db, n.leader)).toBe(0);
	});

	it('lets the entry’s editor resolve a report with a note, audited and shown in the person’s history', async () => {
		await submitCorrection(db, n.leader, correctionSchema.parse({ kind: 'number' }), anon());
		const [c] = await listCorrections(db, as('admin').perms);
		const editor = as('unit_editor', { unitIds: [n.ppr] });
		const result = await decideCorrection(db, editor, correctionDecisionSchema.parse({ correctionId: String(c.id), decision: 'resolved', note: 'Nummeret er rettet' }));
		expect(result).toEqual({ ok: true });
		expect(await countOpenCorrections(db, n.leader)).toBe(0);
		const [entry] = await listAuditFor(db, 'correction', c.id);
		expect(entry).toMatchObject({ action: 'resolve', actor: editor.actor.label, changes: { status: ['open', 'resolved'], resolution_note: ['', 'Nummeret er rettet'] } });
		const history = await personHistory(db, n.leader);
		expect(history[0]).toMatchObject({ actionLabel: 'Rettelse løst', entityKind: 'Rettelse' });
		expect(await decideCorrection(db, editor, correctionDecisionSchema.parse({ correctionId: String(c.id), decision: 'dismissed', note: '' }))).toEqual({ ok: false, errors: { _form: 'Rettelsen er allerede behandlet.' } });
	});

	it('denies deciding on a report about another unit’s person', async () => {
		await submitCorrection(db, n.leader, correctionSchema.parse({ kind: 'number' }), anon());
		const [c] = await listCorrections(db, as('admin').perms);
		const other = as('unit_editor', { unitIds: [n.sundhed] });
		await expect(decideCorrection(db, other, correctionDecisionSchema.parse({ correctionId: String(c.id), decision: 'dismissed', note: '' }))).rejects.toBeInstanceOf(EditDenied);
		expect(await countOpenCorrections(db, n.leader)).toBe(1);
	});
});

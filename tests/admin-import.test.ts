import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { confirmImport, previewImport } from '@/modules/admin/admin.import';
import { DIRECTORY_COLUMNS } from '@/modules/directory/directory.csv';
import { importDirectoryCsv } from '@/modules/directory/directory.import';
import { patchPerson } from '@/modules/directory/directory.writes';
import { bodyLimitFor, FORM_BODY_LIMIT } from '@/lib/forms';
import { createTestDb } from './helpers/test-db';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups) await c();
	cleanups = [];
});

async function setup() {
	const t = await createTestDb();
	cleanups.push(t.cleanup);
	const user = await t.db.insertInto('user').values({ email: 'tovholder@example.dk', role: 'admin', status: 'active', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
	return { db: t.db, actor: { label: 'tovholder@example.dk', userId: user.id } };
}

const row = (id: string, over: Partial<Record<(typeof DIRECTORY_COLUMNS)[number], string>> = {}) => {
	const r: Record<string, string> = {
		id, first_name: 'Test', last_name: id, title: 'Rådgiver', organisation: 'Aarhus Kommune', organisation_type: 'kommune', municipality_code: '751',
		unit: 'PPR', key_person: 'nej', roles: 'akut', topics: 'angst', age_groups: '13-17', phone: '86 12 34 56', mobile: '',
		email: `${id.toLowerCase()}@aarhus.kommune.example`, hours: '', note: '', verified_at: '2026-01-15', status: 'active', successor_id: '', ...over,
	};
	return DIRECTORY_COLUMNS.map((c) => r[c]).join(';');
};
const file = (...rows: string[]) => new TextEncoder().encode([DIRECTORY_COLUMNS.join(';'), ...rows].join('\n') + '\n');
const count = async (db: Db, table: 'person' | 'audit_log' | 'import_preview') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('web import', () => {
	it('previews created, changed, unchanged and rejected rows without writing anything', async () => {
		const { db, actor } = await setup();
		await importDirectoryCsv(db, new TextDecoder().decode(file(row('A1'), row('A2'))));
		const before = { person: await count(db, 'person'), audit: await count(db, 'audit_log') };
		const { report, previewId } = await previewImport(db, actor, 'net.csv', file(row('A1'), row('A2', { title: 'Psykolog' }), row('A3'), row('A4', { topics: 'ukendt-emne' })));
		expect(previewId).toBeTruthy();
		expect(report.counts).toEqual({ created: 1, changed: 1, unchanged: 1 });
		expect(report.rejectedRows).toEqual([5]);
		expect(report.errors).toEqual([{ row: 5, column: 'topics', message: expect.stringMatching(/Ukendt emne "ukendt-emne"/) }]);
		expect(report.people.find((p) => p.id === 'A2')?.changes).toEqual({ title: ['Rådgiver', 'Psykolog'] });
		expect({ person: await count(db, 'person'), audit: await count(db, 'audit_log') }).toEqual(before);

		const done = await confirmImport(db, actor, previewId!);
		expect(done.ok).toBe(true);
		expect(await count(db, 'person')).toBe(3);
		expect((await db.selectFrom('person').select('title').where('ref', '=', 'A2').executeTakeFirstOrThrow()).title).toBe('Psykolog');
		expect(await count(db, 'import_preview')).toBe(0);
		// A preview is used once.
		expect(await confirmImport(db, actor, previewId!)).toMatchObject({ ok: false, reason: 'superseded' });
	});

	it('refuses a stale preview when the directory changed after it, and writes nothing', async () => {
		const { db, actor } = await setup();
		await importDirectoryCsv(db, new TextDecoder().decode(file(row('B1'))));
		const { previewId } = await previewImport(db, actor, 'net.csv', file(row('B1', { title: 'Leder' }), row('B2')));
		const person = await db.selectFrom('person').select('id').where('ref', '=', 'B1').executeTakeFirstOrThrow();
		await db.transaction().execute((trx) => patchPerson(trx, { label: 'redaktoer@example.dk', userId: null }, person.id, { hours: 'Man-fre 8-15' }));
		const before = await count(db, 'audit_log');
		const result = await confirmImport(db, actor, previewId!);
		expect(result).toMatchObject({ ok: false, reason: 'stale' });
		expect(result.ok ? '' : result.message).toMatch(/ny forhåndsvisning/);
		expect(await count(db, 'person')).toBe(1);
		expect(await count(db, 'audit_log')).toBe(before);
		expect((await db.selectFrom('person').select('title').where('ref', '=', 'B1').executeTakeFirstOrThrow()).title).toBe('Rådgiver');
	});

	it('refuses an earlier preview once a second file is uploaded, also a rejected one', async () => {
		const { db, actor } = await setup();
		const first = await previewImport(db, actor, 'a.csv', file(row('C1')));
		await previewImport(db, actor, 'b.csv', new TextEncoder().encode('ikke;en;rigtig;fil\n1;2;3;4\n'));
		expect(await confirmImport(db, actor, first.previewId!)).toMatchObject({ ok: false, reason: 'superseded' });
		expect(await count(db, 'person')).toBe(0);
	});

	it('does not confirm another admin’s preview', async () => {
		const { db, actor } = await setup();
		const other = await db.insertInto('user').values({ email: 'anden@example.dk', role: 'admin', status: 'active', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
		const { previewId } = await previewImport(db, actor, 'a.csv', file(row('D1')));
		expect(await confirmImport(db, { label: 'anden@example.dk', userId: other.id }, previewId!)).toMatchObject({ ok: false, reason: 'superseded' });
		expect(await count(db, 'person')).toBe(0);
	});

	it('previews the ~1,400-row fixture with the event loop free most of the time', async () => {
		const { db, actor } = await setup();
		const bytes = readFileSync(new URL('./fixtures/directory.csv', import.meta.url));
		let longest = 0;
		let last = performance.now();
		const timer = setInterval(() => {
			const now = performance.now();
			longest = Math.max(longest, now - last);
			last = now;
		}, 5);
		const started = performance.now();
		const { report, previewId } = await previewImport(db, actor, 'directory.csv', bytes);
		clearInterval(timer);
		longest = Math.max(longest, performance.now() - last);
		const total = performance.now() - started;
		console.info(`preview of ${report.rowsRead} rows: ${Math.round(total)} ms, longest event-loop stall ${Math.round(longest)} ms`);
		expect(report.ok).toBe(true);
		expect(previewId).toBeTruthy();
		expect(report.counts.created).toBe(1368);
		expect(await count(db, 'person')).toBe(0);
		// Wall-clock on a shared machine, so relative: without pacing the stall was the whole preview (4.4 s of 4.4 s);
		// paced, the longest stall measured 173 ms of 2.4 s.
		expect(longest).toBeLessThan(total / 4);
	}, 120_000);

	it('gives the import page a larger body limit than ordinary forms', () => {
		expect(bodyLimitFor('/admin/import')).toBeGreaterThanOrEqual(2 * 1024 * 1024);
		expect(bodyLimitFor('/admin/import/')).toBe(bodyLimitFor('/admin/import'));
		expect(bodyLimitFor('/admin/brugere')).toBe(FORM_BODY_LIMIT);
	});
});

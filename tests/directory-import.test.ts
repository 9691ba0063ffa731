import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { exportDirectoryCsv } from '@/modules/directory/directory.export';
import { formatImportReport, importDirectoryCsv, importDirectoryFile, parseDirectoryCsv } from '@/modules/directory/directory.import';
import { DIRECTORY_COLUMNS } from '@/modules/directory/directory.csv';
import { createTestDb } from './helpers/test-db';

const fixtures = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => join(fixtures, name);
const fixtureText = (name: string) => readFileSync(fixture(name), 'utf8');

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups) await c();
	cleanups = [];
});
async function freshDb() {
	const t = await createTestDb();
	cleanups.push(t.cleanup);
	return t;
}

async function counts(db: Db) {
	const n = async (table: 'person' | 'organisation' | 'unit' | 'audit_log' | 'person_topic') =>
		Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	return { person: await n('person'), organisation: await n('organisation'), unit: await n('unit'), audit_log: await n('audit_log'), person_topic: await n('person_topic') };
}

type Row = Partial<Record<(typeof DIRECTORY_COLUMNS)[number], string>>;
const base: Row = {
	id: 'T1',
	first_name: 'Test',
	last_name: 'Testesen',
	title: 'Rådgiver',
	organisation: 'Aarhus Kommune',
	organisation_type: 'kommune',
	municipality_code: '751',
	unit: 'PPR',
	key_person: 'nej',
	roles: 'akut',
	topics: 'angst',
	age_groups: '13-17',
	phone: '86 12 34 56',
	mobile: '',
	email: 'test@aarhus.kommune.example',
	hours: '',
	note: '',
	verified_at: '2026-01-15',
	status: 'active',
	successor_id: '',
};
/** A `;` CSV built from rows; values must not contain `;` or quotes. */
function csv(rows: Row[], sep = ';'): string {
	return [DIRECTORY_COLUMNS.join(sep), ...rows.map((r) => DIRECTORY_COLUMNS.map((c) => ({ ...base, ...r })[c] ?? '').join(sep))].join('\n') + '\n';
}

describe('directory import', () => {
	it('imports every row of the full fixture into an empty database', async () => {
		const { db } = await freshDb();
		const report = await importDirectoryFile(db, fixture('directory.csv'));
		expect(report.errors).toEqual([]);
		expect(report.ok).toBe(true);
		expect(report.rowsRead).toBe(1368);
		expect(report.counts).toEqual({ created: 1368, changed: 0, unchanged: 0 });
		expect((await counts(db)).person).toBe(1368);
		expect(report.organisationsCreated).toHaveLength(22);

		const left = await db.selectFrom('person').select(['ref', 'successor_id', 'left_at']).where('status', '=', 'left').execute();
		expect(left).toHaveLength(52);
		expect(left.every((p) => p.successor_id !== null && p.left_at !== null)).toBe(true);
		// P000012 left; P000006 took over (a backward reference), P000044 → P000046 is a forward one.
		const link = async (ref: string) =>
			(await db.selectFrom('person as p').innerJoin('person as s', 's.id', 'p.successor_id').select('s.ref').where('p.ref', '=', ref).executeTakeFirstOrThrow()).ref;
		expect(await link('P000012')).toBe('P000006');
		expect(await link('P000044')).toBe('P000046');

		const allerod = await db.selectFrom('organisation').selectAll().where('name', '=', 'Allerød Kommune').executeTakeFirstOrThrow();
		expect(allerod).toMatchObject({ type: 'kommune', municipality_code: '201' });
		const region = await db.selectFrom('organisation').selectAll().where('name', '=', 'Psykiatrisk Center Nordsjælland').executeTakeFirstOrThrow();
		expect(region).toMatchObject({ type: 'region', municipality_code: null });
	});

	it('stores phones as E.164 and e-mails in lower case', async () => {
		const { db } = await freshDb();
		await importDirectoryFile(db, fixture('directory.csv'));
		const person = (ref: string) => db.selectFrom('person').selectAll().where('ref', '=', ref).executeTakeFirstOrThrow();
		expect((await person('P000002')).mobile).toBe('+4575644639'); // "+45 75 64 46 39"
		expect((await person('P000006')).phone).toBe('+4546074299'); // "4607 4299"
		expect((await person('P000001')).phone).toBe('+4544342814'); // "44342814"
		expect((await person('P000015')).email).toBe('anne.holm15@alleroed.kommune.example'); // upper case in the file
		const all = await db.selectFrom('person').select(['phone', 'mobile', 'email']).execute();
		expect(all.every((p) => [p.phone, p.mobile].every((n) => n === null || /^\+45\d{8}$/.test(n)))).toBe(true);
		expect(all.every((p) => p.email === null || p.email === p.email.toLowerCase())).toBe(true);
	});

	it('imports the comma file exactly like the same rows of the semicolon file', async () => {
		const a = await freshDb();
		const b = await freshDb();
		const commaReport = await importDirectoryFile(a.db, fixture('directory-comma.csv'));
		expect(commaReport.ok).toBe(true);
		expect(commaReport.delimiter).toBe(',');
		const first40 = fixtureText('directory.csv').split(/\r\n/).slice(0, 41).join('\r\n') + '\r\n';
		const semiReport = await importDirectoryCsv(b.db, first40);
		expect(semiReport.delimiter).toBe(';');
		expect(commaReport.counts).toEqual({ created: 40, changed: 0, unchanged: 0 });
		expect(semiReport.counts).toEqual(commaReport.counts);
		expect(await exportDirectoryCsv(a.db)).toBe(await exportDirectoryCsv(b.db));
	});

	it('rejects the invalid fixture, naming all nine rows and problems, and writes nothing', async () => {
		const { db } = await freshDb();
		await importDirectoryFile(db, fixture('directory-comma.csv'));
		const before = await counts(db);
		const report = await importDirectoryFile(db, fixture('directory-invalid.csv'));
		expect(report.ok).toBe(false);
		expect(report.errors.map((e) => [e.row, e.column])).toEqual([
			[3, 'email'],
			[4, 'id'],
			[5, 'organisation_type'],
			[6, 'phone'],
			[7, 'last_name'],
			[8, 'successor_id'],
			[9, 'verified_at'],
			[10, 'age_groups'],
			[11, 'municipality_code'],
		]);
		const text = formatImportReport(report);
		expect(text).toContain('Intet er skrevet');
		for (const needle of ['not-an-email', 'P000001', 'kommunne', '12 34', 'efternavn', 'P999999', '2026-13-45', '99-100', '9999']) expect(text).toContain(needle);
		expect(await counts(db)).toEqual(before);
	});

	it('writes one audit entry per created person, by system:import', async () => {
		const { db } = await freshDb();
		await importDirectoryFile(db, fixture('directory-comma.csv'));
		const entries = await db.selectFrom('audit_log').select(['actor', 'entity_id', 'action']).where('entity_type', '=', 'person').execute();
		expect(entries).toHaveLength(40);
		expect(new Set(entries.map((e) => e.entity_id)).size).toBe(40);
		expect(entries.every((e) => e.actor === 'system:import' && e.action === 'create')).toBe(true);
		const orgEntries = await db.selectFrom('audit_log').select('actor').where('entity_type', 'in', ['organisation', 'unit']).execute();
		expect(orgEntries.length).toBeGreaterThan(0);
		expect(orgEntries.every((e) => e.actor === 'system:import')).toBe(true);
	});

	it('gives a forward-referenced successor one create entry with the link in it', async () => {
		const { db } = await freshDb();
		const report = await importDirectoryCsv(db, csv([{ id: 'A', status: 'left', successor_id: 'B' }, { id: 'B', first_name: 'Ny' }]));
		expect(report.ok).toBe(true);
		const a = await db.selectFrom('person').selectAll().where('ref', '=', 'A').executeTakeFirstOrThrow();
		const b = await db.selectFrom('person').selectAll().where('ref', '=', 'B').executeTakeFirstOrThrow();
		expect(a.successor_id).toBe(b.id);
		const audit = await db.selectFrom('audit_log').select(['entity_id', 'action', 'changes']).where('entity_type', '=', 'person').execute();
		expect(audit.map((e) => e.action)).toEqual(['create', 'create']);
		expect(JSON.parse(audit.find((e) => e.entity_id === a.id)!.changes).successor_id).toEqual([null, b.id]);
	});

	it('updates only what changed and records before and after', async () => {
		const { db } = await freshDb();
		const original = fixtureText('directory-comma.csv');
		await importDirectoryCsv(db, original);
		const edited = original
			.replace('charlotte.hansen2@alleroed.kommune.example', 'Charlotte.Hansen@Alleroed.Kommune.Example')
			.replace('P000002,Charlotte,Hansen,Familierådgiver', 'P000002,Charlotte,Hansen,Teamleder');
		const auditBefore = (await counts(db)).audit_log;
		const report = await importDirectoryCsv(db, edited);
		expect(report.counts).toEqual({ created: 0, changed: 1, unchanged: 39 });
		const changed = report.people.find((p) => p.action === 'updated')!;
		expect(changed.id).toBe('P000002');
		expect(changed.changes).toEqual({
			title: ['Familierådgiver', 'Teamleder'],
			email: ['charlotte.hansen2@alleroed.kommune.example', 'charlotte.hansen@alleroed.kommune.example'],
		});
		expect(formatImportReport(report)).toContain('title: Familierådgiver → Teamleder');
		const newAudit = await db.selectFrom('audit_log').selectAll().where('id', '>', auditBefore).execute();
		expect(newAudit).toHaveLength(1);
		expect(newAudit[0]).toMatchObject({ actor: 'system:import', action: 'update', entity_type: 'person' });
		expect(JSON.parse(newAudit[0].changes)).toEqual({
			title: ['Familierådgiver', 'Teamleder'],
			email: ['charlotte.hansen2@alleroed.kommune.example', 'charlotte.hansen@alleroed.kommune.example'],
		});
	});

	it('reports what a dry run would do and writes nothing', async () => {
		const { db } = await freshDb();
		const empty = await counts(db);
		const first = await importDirectoryFile(db, fixture('directory-comma.csv'), { dryRun: true });
		expect(first.ok).toBe(true);
		expect(first.counts.created).toBe(40);
		expect(formatImportReport(first)).toContain('Ville oprette: 40 personer');
		expect(formatImportReport(first)).toContain('+ P000001 Astrid Bækgaard Vestergaard');
		expect(await counts(db)).toEqual(empty);

		await importDirectoryFile(db, fixture('directory-comma.csv'));
		const loaded = await counts(db);
		const edited = fixtureText('directory-comma.csv').replace('P000003,Kirsten,Bækgaard,Teamleder', 'P000003,Kirsten,Bækgaard,Leder');
		const dry = await importDirectoryCsv(db, edited, { dryRun: true });
		expect(dry.counts).toEqual({ created: 0, changed: 1, unchanged: 39 });
		expect(formatImportReport(dry)).toMatch(/Ville ændre:[\s\S]*P000003[\s\S]*title: Teamleder → Leder/);
		expect(await counts(db)).toEqual(loaded);
		expect((await db.selectFrom('person').select('title').where('ref', '=', 'P000003').executeTakeFirstOrThrow()).title).toBe('Teamleder');
	});

	it('accepts other municipalities, organisations, spacing, casing, quoting and trailing empty lines', async () => {
		const { db } = await freshDb();
		const text =
			'\uFEFF' +
			[
				' ID , First_Name ,last_name,title,organisation,organisation_type,municipality_code,unit,key_person,roles,topics,age_groups,phone,mobile,email,hours,note,verified_at,status,successor_id',
				'X1,  Anna  ,Berg,"Psykolog, PPR",  Aarhus  Kommune ,KOMMUNE, 751 ,PPR,JA, Akut | Rådgivning ,Skolevægring|ANGST,13-17 | 18-25,0045 86 12 34 56,(+45) 22-33-44-55, Anna.Berg@AARHUS.kommune.example ,"Man-fre 8-15","Siger ""hej""",2026-02-01,Active,',
				'X2,Bo,Dahl,,Foreningen X,frivillig,,Rådgivning,Ja,,,,,,,,,,LEFT,X1',
				"X3,Carl,Ebbe,,aarhus kommune,kommune,751,ppr,nej,,,,'+4540404040,,,,,,,",
				'',
				',,,,',
				'   ',
				'',
			].join('\r\n');
		const report = await importDirectoryCsv(db, text);
		expect(report.errors).toEqual([]);
		expect(report.counts.created).toBe(3);
		expect(report.organisationsCreated).toEqual(['Aarhus Kommune', 'Foreningen X']);
		expect(report.unitsCreated).toHaveLength(2);
		const anna = await db.selectFrom('person').selectAll().where('ref', '=', 'X1').executeTakeFirstOrThrow();
		expect(anna).toMatchObject({
			first_name: 'Anna',
			title: 'Psykolog, PPR',
			municipality_code: '751',
			key_person: 1,
			phone: '+4586123456',
			mobile: '+4522334455',
			email: 'anna.berg@aarhus.kommune.example',
			note: 'Siger "hej"',
			status: 'active',
		});
		const topics = await db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', anna.id).orderBy('topic_slug').execute();
		expect(topics.map((t) => t.topic_slug)).toEqual(['angst', 'skolevaegring']);
		const roles = await db.selectFrom('person_role').select('role_slug').where('person_id', '=', anna.id).orderBy('role_slug').execute();
		expect(roles.map((t) => t.role_slug)).toEqual(['akut', 'radgivning']);
		const bo = await db.selectFrom('person').selectAll().where('ref', '=', 'X2').executeTakeFirstOrThrow();
		expect(bo).toMatchObject({ status: 'left', successor_id: anna.id, municipality_code: null, key_person: 1 });
		const carl = await db.selectFrom('person').selectAll().where('ref', '=', 'X3').executeTakeFirstOrThrow();
		expect(carl).toMatchObject({ unit_id: anna.unit_id, phone: '+4540404040', status: 'active' });
		const aarhus = await db.selectFrom('organisation').selectAll().where('name', '=', 'Aarhus Kommune').executeTakeFirstOrThrow();
		expect(aarhus.municipality_code).toBe('751');
	});

	it('allows a person who left without a successor (a vacancy)', async () => {
		const { db } = await freshDb();
		const report = await importDirectoryCsv(db, csv([{ status: 'left' }]));
		expect(report.ok).toBe(true);
		expect(await db.selectFrom('person').select(['status', 'successor_id']).executeTakeFirstOrThrow()).toEqual({ status: 'left', successor_id: null });
	});

	it('resolves a successor that is already in the database but not in the file', async () => {
		const { db } = await freshDb();
		await importDirectoryCsv(db, csv([{ id: 'OLD' }]));
		const report = await importDirectoryCsv(db, csv([{ id: 'T2', status: 'left', successor_id: 'OLD' }]));
		expect(report.ok).toBe(true);
		expect(report.counts).toEqual({ created: 1, changed: 0, unchanged: 0 });
	});

	it('names unknown and missing header columns', async () => {
		const parsed = parseDirectoryCsv('id;first_name;last_name;telefon\nA;B;C;D\n');
		expect(parsed.errors).toHaveLength(2);
		expect(parsed.errors[0]).toMatchObject({ row: 1 });
		expect(parsed.errors[0].message).toContain('"telefon"');
		expect(parsed.errors[1].message).toContain('organisation_type');
	});

	it('rejects rows that contradict the database or each other', async () => {
		const { db } = await freshDb();
		await importDirectoryCsv(db, csv([{ id: 'R1', organisation: 'Psykiatrien', organisation_type: 'region', municipality_code: '' }]));
		const report = await importDirectoryCsv(
			db,
			csv([
				{ id: 'K1', organisation: 'Psykiatrien', organisation_type: 'frivillig', municipality_code: '' },
				{ id: 'K2', municipality_code: '' },
				{ id: 'K3', municipality_code: '219' },
				{ id: 'K4', key_person: 'måske', status: 'gone', topics: 'hekseri', roles: 'troldmand' },
				{ id: 'K5', status: 'left', successor_id: 'K6' },
				{ id: 'K6', status: 'left', successor_id: 'K5' },
				{ id: 'K7', phone: '+45 12 34 56 78', mobile: '0045 1234' },
				{ id: '', first_name: '', organisation: '', unit: '' },
			]),
		);
		expect(report.ok).toBe(false);
		const problems = report.errors.map((e) => `${e.row}:${e.column}`);
		expect(problems).toEqual([
			'2:organisation_type',
			'3:municipality_code',
			'4:municipality_code',
			'5:key_person',
			'5:roles',
			'5:topics',
			'5:status',
			'6:successor_id',
			'7:successor_id',
			'8:phone',
			'8:mobile',
			'9:id',
			'9:first_name',
			'9:organisation',
			'9:unit',
		]);
		expect((await counts(db)).person).toBe(1);
	});

	it('counts row numbers as file lines, including quoted fields that span lines', async () => {
		const { db } = await freshDb();
		// Header on line 1, M1 on lines 2–3 (a two-line note), M2 on line 4.
		const report = await importDirectoryCsv(db, csv([{ id: 'M1', note: '"to\nlinjer"' }, { id: 'M2', email: 'bad' }]));
		expect(report.errors).toEqual([expect.objectContaining({ row: 4, column: 'email' })]);
	});
});

describe('directory import of real-world files', () => {
	it('reads a Windows-1252 file from older Excel and says so', async () => {
		const { db, dir } = await freshDb();
		const path = join(dir, 'latin1.csv');
		writeFileSync(path, Buffer.from(csv([{ id: 'W1', last_name: 'Bækgaard Sørensen', unit: 'Børn og Unge' }]), 'latin1'));
		const report = await importDirectoryFile(db, path);
		expect(report.ok).toBe(true);
		expect(formatImportReport(report)).toContain('Windows-1252');
		expect((await db.selectFrom('person').select('last_name').executeTakeFirstOrThrow()).last_name).toBe('Bækgaard Sørensen');
	});

	it('accepts dates a Danish spreadsheet has rewritten and stores them as ISO dates', async () => {
		const { db } = await freshDb();
		const report = await importDirectoryCsv(db, csv([{ id: 'D1', verified_at: '15-01-2026' }, { id: 'D2', verified_at: '5.2.2026' }, { id: 'D3', verified_at: '2026-03-01T09:00:00Z' }]));
		expect(report.ok).toBe(true);
		const dates = await db.selectFrom('person').select('verified_at').orderBy('ref').execute();
		expect(dates.map((d) => d.verified_at)).toEqual(['2026-01-15', '2026-02-05', '2026-03-01']);
	});

	it('treats a header-only file as nothing to do and a missing file as an error', async () => {
		const { db, dir } = await freshDb();
		const empty = await importDirectoryCsv(db, DIRECTORY_COLUMNS.join(';') + '\r\n');
		expect(empty.ok).toBe(true);
		expect(empty.counts).toEqual({ created: 0, changed: 0, unchanged: 0 });
		const missing = await importDirectoryFile(db, join(dir, 'nope.csv'));
		expect(missing.ok).toBe(false);
		expect(formatImportReport(missing)).toContain('findes ikke');
	});
});

describe('db:import command', () => {
	const run = promisify(execFile);
	const root = join(import.meta.dirname, '..');

	it('exits non-zero with the Danish row report for the invalid fixture and writes nothing', async () => {
		const { dir } = await freshDb();
		const path = join(dir, 'cli.db');
		const env = { ...process.env, DATABASE_PATH: path };
		const result = await run('npx', ['tsx', 'db/cli.ts', 'import', fixture('directory-invalid.csv')], { cwd: root, env }).then(
			() => ({ code: 0, stdout: '' }),
			(e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
		);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('er afvist: 9 fejl i 9 rækker');
		for (const row of [3, 4, 5, 6, 7, 8, 9, 10, 11]) expect(result.stdout).toContain(`Række ${row},`);
		const ok = await run('npx', ['tsx', 'db/cli.ts', 'import', fixture('directory-comma.csv'), '--dry-run'], { cwd: root, env });
		expect(ok.stdout).toContain('Ville oprette: 40 personer');
		const exported = join(dir, 'out.csv');
		const exp = await run('npx', ['tsx', 'db/cli.ts', 'export', exported], { cwd: root, env });
		expect(exp.stdout).toContain('Eksporterede 0 personer');
	});
});
